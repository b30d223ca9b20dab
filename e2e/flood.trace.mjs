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
import { launchChromium, openFloodPage, startServer } from './support.mjs';

const SPEC = process.env.SPEC ?? 'chat=400';
const SECONDS = Number(process.env.TRACE_SECONDS ?? 8);
const PAGES = (process.env.PAGES ?? 'lapak,vanilla').split(',');
const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/release/lapak-server';
const TOP = 12;

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

const share = (us) => `${(us / 1e4 / SECONDS).toFixed(2).padStart(6)} %`;
const server = await startServer(BIN, ['--flood', SPEC]);
const browser = await launchChromium();
try {
  for (const which of PAGES) {
    const page = await openFloodPage(browser, server, which);
    await page.waitForTimeout(1000);
    const events = await trace(page);
    await page.close();
    const busy = events.filter((e) => e.name === 'RunTask').reduce((sum, e) => sum + e.dur, 0);
    console.log(`${which}, --flood ${SPEC}, ${SECONDS} s: main thread busy ${share(busy)}`);
    for (const [name, us] of selfTimes(events).slice(0, TOP)) console.log(`  ${share(us)}  ${name}`);
  }
} finally {
  await browser.close();
  server.stop();
}
