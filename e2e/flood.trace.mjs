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

const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
const descending = (map) => [...map].sort((a, b) => b[1] - a[1]);

/** Self time (µs) per event name: each event's duration less that of the events nested in it. */
function selfTimes(events) {
  events.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const open = [];
  for (const event of events) {
    while (open.length && open.at(-1).ts + open.at(-1).dur <= event.ts) open.pop();
    const parent = open.at(-1);
    if (parent) add(self, parent.name, -event.dur);
    add(self, event.name, event.dur);
    open.push(event);
  }
  return descending(self);
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
  return { self: descending(self), within: descending(within) };
}

const share = (us) => `${(us / 1e4 / SECONDS).toFixed(2).padStart(6)} %`;
const list = (rows) => rows.slice(0, TOP).forEach(([name, us]) => console.log(`  ${share(us)}  ${name.slice(0, 140)}`));

async function printProfile(which, page) {
  const { self, within } = await profile(page);
  const script = self.reduce((sum, [, us]) => sum + us, 0);
  console.log(`${which}, --flood ${SPEC}, ${SECONDS} s: script ${share(script)}; self time:`);
  list(self);
  if (within.length) console.log('  time in and under the viewer\'s own functions:');
  list(within);
}

async function printTrace(which, page) {
  const events = await trace(page);
  const tasks = events.filter((e) => e.name === 'RunTask');
  const busy = tasks.reduce((sum, e) => sum + e.dur, 0);
  const cpu = tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0);
  console.log(`${which}, --flood ${SPEC}, ${SECONDS} s: main thread busy ${share(busy)}, on CPU ${share(cpu)}`);
  list(selfTimes(events));
}

const server = await startServer(BIN, ['--flood', SPEC]);
const browser = await launchChromium();
try {
  for (const which of PAGES) {
    const page = await openFloodPage(browser, server, which);
    await page.waitForTimeout(1000);
    await (PROFILE ? printProfile : printTrace)(which, page);
    await page.close();
  }
} finally {
  await browser.close();
  server.stop();
}
