// Where a flood's main-thread time goes (not a test; run by hand when a figure in
// BENCHMARKS.md moves): the release server streams one `--flood` spec while
// headless Chromium records a DevTools trace of the widget, then of the vanilla
// page, and prints each one's busy share and the trace events with the most self
// time (script, style, layout, paint…).
//
//   trunk build --release && cargo build --release -p lapak-server
//   SPEC=chat=400 TRACE_SECONDS=8 node e2e/flood.trace.mjs
//
// SPEC: the `--flood` mix (default chat=400); TRACE_SECONDS: trace length (default 8);
// PAGES: lapak,vanilla (default both); LAPAK_DIST: another viewer build to serve.
//
// PROFILE=1 takes a V8 CPU profile instead and prints the functions with the most
// self time. Wasm functions are named only in a build that keeps its name section:
//
//   cp -r dist /tmp/named && sed -i 's/ integrity="[^"]*"//g' /tmp/named/index.html
//   wasm-bindgen --target web --no-typescript --keep-debug --out-dir /tmp/named --out-name lapak \
//     target/wasm32-unknown-unknown/wasm-release/lapak.wasm
//   PROFILE=1 LAPAK_DIST=/tmp/named PAGES=lapak node e2e/flood.trace.mjs
import { launchChromium, openFloodPage, startServer } from './support.mjs';

const SPEC = process.env.SPEC ?? 'chat=400';
const SECONDS = Number(process.env.TRACE_SECONDS ?? 8);
const PAGES = (process.env.PAGES ?? 'lapak,vanilla').split(',');
const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/release/lapak-server';
const PROFILE = process.env.PROFILE === '1';
const TOP = PROFILE ? 25 : 12;

/** The renderer main thread's complete events over `SECONDS`. */
async function trace(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute', transferMode: 'ReportEvents' });
  await page.waitForTimeout(SECONDS * 1000);
  await cdp.send('Tracing.end');
  await complete;
  const main = events.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain');
  return events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur);
}

/** Self time (µs) per event name: each event's duration less that of the events nested in it. */
function selfTimes(events) {
  events.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const open = [];
  for (const event of events) {
    while (open.length && open.at(-1).ts + open.at(-1).dur <= event.ts) open.pop();
    const parent = open.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - event.dur);
    self.set(event.name, (self.get(event.name) ?? 0) + event.dur);
    open.push(event);
  }
  return [...self].sort((a, b) => b[1] - a[1]);
}

/**
 * Over `SECONDS` of a V8 CPU profile, leaving out idle time and GC: self time (µs) per
 * function, and the time spent in (and under) each of the viewer's own functions.
 */
async function profile(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(SECONDS * 1000);
  const { profile: { nodes, samples, timeDeltas } } = await cdp.send('Profiler.stop');
  const name = new Map(nodes.map((node) => [node.id, node.callFrame.functionName || '(anonymous)']));
  const caller = new Map(nodes.flatMap((node) => (node.children ?? []).map((child) => [child, node.id])));
  const [self, within] = [new Map(), new Map()];
  const add = (map, fn, us) => map.set(fn, (map.get(fn) ?? 0) + us);
  samples.forEach((id, i) => {
    const fn = name.get(id);
    if (['(idle)', '(program)', '(garbage collector)'].includes(fn)) return;
    const us = timeDeltas[i + 1] ?? 0;
    add(self, fn, us);
    const own = new Set();
    for (let at = id; at !== undefined; at = caller.get(at)) {
      if (name.get(at).startsWith('lapak::')) own.add(name.get(at).replace(/::h[0-9a-f]{16}$/, ''));
    }
    for (const fn of own) add(within, fn, us);
  });
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { self: sorted(self), within: sorted(within) };
}

const share = (us) => `${(us / 1e4 / SECONDS).toFixed(2).padStart(6)} %`;
const server = await startServer(BIN, ['--flood', SPEC]);
const browser = await launchChromium();
try {
  for (const which of PAGES) {
    const page = await openFloodPage(browser, server, which);
    await page.waitForTimeout(1000);
    if (PROFILE) {
      const { self, within } = await profile(page);
      await page.close();
      const script = self.reduce((sum, [, us]) => sum + us, 0);
      console.log(`${which}, --flood ${SPEC}, ${SECONDS} s: script ${share(script)}; self time:`);
      for (const [fn, us] of self.slice(0, TOP)) console.log(`  ${share(us)}  ${fn.slice(0, 140)}`);
      if (within.length) console.log('  time in and under the viewer\'s own functions:');
      for (const [fn, us] of within.slice(0, TOP)) console.log(`  ${share(us)}  ${fn.slice(0, 140)}`);
      continue;
    }
    const events = await trace(page);
    await page.close();
    const tasks = events.filter((e) => e.name === 'RunTask');
    const busy = tasks.reduce((sum, e) => sum + e.dur, 0);
    const cpu = tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0);
    console.log(`${which}, --flood ${SPEC}, ${SECONDS} s: main thread busy ${share(busy)}, on CPU ${share(cpu)}`);
    for (const [name, us] of selfTimes(events).slice(0, TOP)) console.log(`  ${share(us)}  ${name}`);
  }
} finally {
  await browser.close();
  server.stop();
}
