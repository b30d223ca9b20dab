// Event floods (run by `./x bench`, not by the tests): the release server
// streams a synthetic mix of show events (`--flood`) while headless Chromium
// renders it twice, one page after the other on the same flood: the widget, and
// e2e/flood/vanilla.html, a hand-written page with the same DOM budget (the
// floor). Frame times (requestAnimationFrame deltas), long tasks, JS heap and
// DOM size go to metrics.json for BENCHMARKS.md.
//
// The mix per second at a rate R: 40 % chat lines, 40 % likes, 10 % gift taps,
// 5 % stock changes, 5 % pin moves. The server gathers chat, likes and gift
// streaks into one event each per 200 ms tick (as it always does), so the
// pages receive fewer, larger frames than R; stock and pins arrive one by one.
// Then the top rate on a main thread slowed as on a low-end phone, and each kind
// alone, to see which one costs the widget most beside the floor.
//
// A shared machine's speed drifts within minutes, so each run alternates the two
// pages over FLOOD_ROUNDS windows (widget, vanilla, widget, vanilla, …) and
// reports the median window of each, beside the ratio of every round.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  frameStats, launchChromium, openFloodPage, percentile, record, sampleMemory, startServer, watchFrames,
} from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/release/lapak-server';
const RATES = (process.env.FLOOD_RATES ?? '100,500,1000,2000').split(',').map(Number);
const SECONDS = Number(process.env.FLOOD_SECONDS ?? 30);
const KIND_SECONDS = Number(process.env.FLOOD_KIND_SECONDS ?? 15);
const ROUNDS = Number(process.env.FLOOD_ROUNDS ?? 3);
// A low-end phone: the main thread slowed this many times (Lighthouse's mobile factor).
const SLOW_PHONE = Number(process.env.FLOOD_SLOW_PHONE ?? 4);

const mix = (rate) => [
  `chat=${rate * 0.4}`, `likes=${rate * 0.4}`, `gifts=${rate * 0.1}`,
  `stock=${rate * 0.05}`, `pins=${rate * 0.05}`,
].join(',');

let browser;
before(async () => {
  browser = await launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
});
after(async () => browser?.close());

/**
 * The renderer main thread's cumulative task and script time (wall clock) and its CPU
 * time, in seconds (Chrome DevTools Protocol). On a shared machine the wall-clock
 * figures include time the thread waited for a core; the CPU time does not.
 */
async function mainThread(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map(({ name, value }) => [name, value]));
}

const subtract = (later, earlier) => ({
  TaskDuration: later.TaskDuration - earlier.TaskDuration,
  ScriptDuration: later.ScriptDuration - earlier.ScriptDuration,
  ThreadTime: later.ThreadTime - earlier.ThreadTime,
});

/**
 * Opens the widget or the vanilla page (served from the server's origin) and measures it
 * for `seconds`, its main thread slowed `slowdown` times.
 */
async function measure(server, which, seconds, slowdown) {
  const page = await openFloodPage(browser, server, which);
  await page.waitForTimeout(1000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
  const before = await sampleMemory(page);
  const busyBefore = await mainThread(cdp);
  const framesBefore = await page.evaluate(() => window.framesIn);
  const watched = await page.evaluate(watchFrames, { ms: seconds * 1000 });
  const busy = subtract(await mainThread(cdp), busyBefore);
  const framesIn = await page.evaluate(() => window.framesIn) - framesBefore;
  const after = await sampleMemory(page);
  const live = which === 'lapak'
    ? await page.getByTestId('connection-status').getAttribute('data-state') === 'live'
    : true;
  await page.close();
  return {
    watched,
    // Share of the window the renderer's main thread was busy (all tasks), on script
    // alone, and on a core.
    busy: busy.TaskDuration / seconds,
    script: busy.ScriptDuration / seconds,
    cpu: busy.ThreadTime / seconds,
    // Server frames the page received a second: both pages should get about as many.
    received: framesIn / seconds,
    heap_bytes: [before.heap, after.heap], dom_nodes: [before.nodes, after.nodes], live };
}

const median = (values) => percentile(values, 50);

/**
 * One page's windows as one result: frame statistics over every frame of every
 * window, the median window's shares (and each window's), and the last window's
 * heap and elements.
 */
function combine(windows) {
  const last = windows.at(-1);
  const shares = Object.fromEntries(['busy', 'script', 'cpu', 'received'].flatMap((key) => {
    const each = windows.map((w) => w[key]);
    return [[key, median(each)], [`${key}_rounds`, each]];
  }));
  return {
    ...frameStats({
      deltas: windows.flatMap((w) => w.watched.deltas),
      longTasks: windows.flatMap((w) => w.watched.longTasks),
    }),
    ...shares,
    heap_bytes: last.heap_bytes, dom_nodes: last.dom_nodes,
    live: windows.every((w) => w.live),
  };
}

/**
 * Runs `spec` on a fresh server for `seconds` per page, the pages taking turns over `rounds`
 * windows, their main thread slowed `slowdown` times.
 */
async function flood(name, spec, seconds, { pages = ['lapak', 'vanilla'], rounds = ROUNDS, slowdown = 1 } = {}) {
  const server = await startServer(BIN, ['--flood', spec]);
  try {
    const windows = Object.fromEntries(pages.map((which) => [which, []]));
    for (let round = 0; round < rounds; round++) {
      for (const which of pages) windows[which].push(await measure(server, which, seconds / rounds, slowdown));
    }
    const result = { spec, seconds, rounds, slowdown };
    for (const which of pages) result[which] = combine(windows[which]);
    record(name, result);
    return result;
  } finally {
    server.stop();
  }
}

for (const rate of RATES) {
  test(`${rate} events/s for ${SECONDS} s: the widget beside the vanilla floor`, async () => {
    const { lapak } = await flood(`flood_${rate}`, mix(rate), SECONDS);
    assert.ok(lapak.live, 'the widget is still live');
    assert.ok(lapak.dom_nodes[1] < lapak.dom_nodes[0] * 2 + 200, `the DOM stays bounded: ${lapak.dom_nodes}`);
  });
}

test(`2000 events/s on a main thread slowed ${SLOW_PHONE}× (a low-end phone): the widget beside the vanilla floor`, async () => {
  const { lapak } = await flood('slow_phone', mix(2000), SECONDS, { slowdown: SLOW_PHONE });
  assert.ok(lapak.live, 'the widget is still live');
});

// Each kind alone at its share of 1,000 events/s: what the widget pays for each beside the floor.
for (const [kind, rate] of mix(1000).split(',').map((part) => part.split('='))) {
  test(`${kind} alone, ${rate}/s for ${KIND_SECONDS} s: the widget beside the vanilla floor`, async () => {
    const { lapak } = await flood(`kind_${kind}`, `${kind}=${rate}`, KIND_SECONDS);
    assert.ok(lapak.live, 'the widget is still live');
  });
}

test('chat flood: 500 lines/s and 1,000 likes/s for 60 s', async () => {
  const { lapak } = await flood('chat_flood', 'chat=500,likes=1000', Number(process.env.CHAT_FLOOD_SECONDS ?? 60), { pages: ['lapak'], rounds: 1 });
  assert.ok(lapak.live, 'the widget is still live');
});
