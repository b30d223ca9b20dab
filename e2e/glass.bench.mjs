// Glass to glass for BENCHMARKS.md (run by `./x bench`, not by `./x test`): the test encoder of
// e2e/glass.mjs paints the wall-clock ms of each frame's making into it and publishes RTMP to the
// release server; each viewer's page reads that time back from every frame it shows
// (`requestVideoFrameCallback`) and subtracts it from the time the browser expects the frame on
// screen: the encoder, the network, the packager, the player and the display together, on one
// machine and one clock. For each mode of GLASS_MODES (`ll`: the show as it is, the server's
// default, or its `[video]` with GLASS_LL; `plain`: with GLASS_PLAIN, `low_latency = false`), on
// its own server:
// - the server's cost: its CPU and memory (and its packager's) with no viewer, one, and
//   GLASS_VIEWERS, each over GLASS_COST_MS, and the HLS requests the pages made;
// - the spread of one frame's display time across those GLASS_VIEWERS pages (frames matched by
//   their painted time);
// - GLASS_JOINS fresh page loads, each watched for GLASS_JOIN_MS: time to the first frame and
//   glass to glass per join;
// - tag sync error for a viewer at the player's target delay and one held GLASS_BEHIND_MS behind;
// - one viewer for GLASS_SOAK_MS (10 minutes): glass to glass over the whole run, stalls, frames
//   the encoder made that never reached the screen. GLASS_DUMP=<path> also writes its every frame
//   read (`watchGlass`'s records) and player state to <path>-<mode>.json.
// The kind of playlist the server wrote (LL-HLS when it has parts) is recorded beside each mode:
// a server that refuses GLASS_PLAIN has one mode, recorded as skipped.
// Into E2E_OUT/metrics.json as `glass_bench`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { framesNeverShown, launchChromium, percentile, processUsage, record, serveLive, stopChild, streamKey, tagErrors, until, watchLive, PHONE } from './support.mjs';
import { glassFramesLost, glassScript } from './glass.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/release/lapak-server';
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const MODES = (process.env.GLASS_MODES ?? 'll,plain').split(',').filter(Boolean);
const PLAIN = process.env.GLASS_PLAIN ?? 'low_latency = false';
const LL = process.env.GLASS_LL ?? '';
const COST_MS = env('GLASS_COST_MS', 30_000);
const VIEWERS = env('GLASS_VIEWERS', 3);
const JOINS = env('GLASS_JOINS', 10);
const JOIN_MS = env('GLASS_JOIN_MS', 10_000);
const BEHIND_MS = env('GLASS_BEHIND_MS', 10_000);
const TAGS = env('GLASS_TAGS', 3);
const TAG_MS = env('GLASS_TAG_MS', 150_000);
const SOAK_MS = env('GLASS_SOAK_MS', 600_000);

const children = [];
const dir = mkdtempSync(join(tmpdir(), 'lapak-glass-bench-'));
const figures = {
  settings: { cost_ms: COST_MS, viewers: VIEWERS, joins: JOINS, join_ms: JOIN_MS, behind_ms: BEHIND_MS, soak_ms: SOAK_MS },
  modes: {},
};
let browser;

after(async () => {
  await browser?.close();
  for (const child of children) await stopChild(child);
  record('glass_bench', figures);
  rmSync(dir, { recursive: true, force: true }); // the servers' databases and recordings
});

const round = (x) => Math.round(x);
/** p50, p95 and max of `values`, rounded to ms. */
const spread = (values) => values.length
  ? { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(Math.max(...values)), n: values.length }
  : null;
/** Glass to glass of each of `watchGlass`'s records: shown − painted. */
const glassMs = (records) => records.map(([painted, shown]) => shown - painted);

/** The demo show live from the ingest, `line` added to its `[video]` table. */
function liveShow(name, line) {
  const path = join(dir, `${name}.toml`);
  const demo = readFileSync('server/shows/demo.toml', 'utf8');
  writeFileSync(path, demo.replace(/^source = "ingest"$/m, `source = "ingest"\n${line}`));
  return path;
}

/** The live playlist of the first rendition of `show` on `server`, once it lists two segments. */
async function livePlaylist(server, show) {
  return until('the live playlist', async () => {
    const master = await fetch(`${server.url}hls/${show}/master.m3u8`);
    if (!master.ok) return null;
    const variant = (await master.text()).split('\n').find((l) => l && !l.startsWith('#'));
    if (!variant) return null;
    const live = await fetch(new URL(variant.trim(), `${server.url}hls/${show}/`));
    const text = live.ok ? await live.text() : '';
    return (text.match(/#EXTINF/g) ?? []).length >= 2 && text;
  }, 60000);
}

/** The server's process and its children (the packager): CPU seconds and memory now. */
function serverUsage(server) {
  const kids = spawnSync('pgrep', ['-P', String(server.child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  const own = processUsage(server.child.pid);
  let packagerCpu = 0;
  for (const pid of kids) {
    try { packagerCpu += processUsage(Number(pid)).cpu; } catch { /* gone meanwhile */ }
  }
  return { cpu: own.cpu, rssKiB: own.rssKiB, packagerCpu };
}

/** The server's CPU (% of one core, and its packager's) and peak memory over `ms`, and what `pages` asked of /hls meanwhile. */
async function cost(server, pages, ms) {
  const from = serverUsage(server);
  const requests = pages.map((p) => ({ ...p.hls }));
  const rss = [from.rssKiB];
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    await new Promise((r) => setTimeout(r, 1000));
    rss.push(serverUsage(server).rssKiB);
  }
  const to = serverUsage(server);
  const seconds = (Date.now() - t0) / 1000;
  const sum = (key) => pages.reduce((n, p, i) => n + p.hls[key] - requests[i][key], 0);
  return {
    viewers: pages.length,
    cpu_percent: Math.round((1000 * (to.cpu - from.cpu)) / seconds) / 10,
    packager_cpu_percent: Math.round((1000 * (to.packagerCpu - from.packagerCpu)) / seconds) / 10,
    rss_mib_max: Math.round(Math.max(...rss) / 102.4) / 10,
    playlist_requests: sum('playlists'),
    media_requests: sum('media'),
    cpu_ms: Math.round((to.cpu - from.cpu) * 1000),
    seconds: Math.round(seconds),
  };
}

/** A new viewer (its own context: nothing cached) on `url`, once it plays live; counts its /hls requests in `page.hls`. */
async function openViewer(url) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.hls = { playlists: 0, media: 0 };
  page.errors = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/hls/')) page.hls[path.endsWith('.m3u8') ? 'playlists' : 'media'] += 1;
  });
  page.on('pageerror', (error) => page.errors.push(error.message));
  await page.addInitScript(watchLive);
  await page.addInitScript({ content: glassScript() });
  page.opened = Date.now();
  await page.goto(url);
  await page.locator('[data-testid="player"][data-state="live"]').waitFor({ timeout: 60000 });
  page.liveMs = Date.now() - page.opened;
  return page;
}

/** `watchGlass`'s records of `page` from index `from` on. */
const glassOf = (page, from = 0) => page.evaluate((n) => window.glass.slice(n), from);
const glassCount = (page) => page.evaluate(() => window.glass.length);
const close = (page) => page.context().close();

/** The delay of `page` now: glass to glass of its last frame read. */
async function behindNow(page) {
  const [last] = await page.evaluate(() => window.glass.slice(-1));
  return last ? last[1] - last[0] : null;
}

for (const mode of MODES) {
  const line = mode === 'plain' ? PLAIN : LL;
  const run = { server: null };
  const skip = (t) => {
    if (run.server) return false;
    t.skip(figures.modes[mode]?.skipped ?? 'the mode did not start');
    return true;
  };

  test(`${mode}: the glass encoder goes live`, async (t) => {
    browser ??= await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    const server = await serveLive(BIN, dir, mode, ['--show', liveShow(mode, line)], children);
    if (server.child.exitCode !== null) {
      figures.modes[mode] = { video_line: line, skipped: `the server refused the show with \`${line}\`` };
      t.skip(figures.modes[mode].skipped);
      return;
    }
    const key = await streamKey(BIN, server);
    children.push(spawn(process.execPath, ['e2e/glass.mjs', `${server.rtmp}/${key}`], { stdio: ['ignore', 'ignore', 'inherit'] }));
    const show = readFileSync('server/shows/demo.toml', 'utf8').match(/^id = "(.*)"$/m)[1];
    const playlist = await livePlaylist(server, show);
    run.server = server;
    figures.modes[mode] = {
      video_line: line,
      playlist: /#EXT-X-PART[:-]|#EXT-X-SERVER-CONTROL/.test(playlist) ? 'LL-HLS' : 'HLS',
      playlist_target_s: Number(playlist.match(/#EXT-X-TARGETDURATION:(\d+)/)?.[1]),
    };
  });

  test(`${mode}: the server's cost per viewer, and one frame's display time across ${VIEWERS} viewers`, async (t) => {
    if (skip(t)) return;
    const server = run.server;
    const phases = [await cost(server, [], COST_MS)];
    const pages = [await openViewer(server.url)];
    await pages[0].waitForTimeout(3000);
    phases.push(await cost(server, pages, COST_MS));
    while (pages.length < VIEWERS) pages.push(await openViewer(server.url));
    await pages[0].waitForTimeout(3000);
    const from = await Promise.all(pages.map(glassCount));
    phases.push(await cost(server, pages, COST_MS));
    const seen = await Promise.all(pages.map((p, i) => glassOf(p, from[i])));
    // Frames matched by their painted time: the spread is the latest shown less the earliest.
    const shownBy = seen.map((records) => new Map(records.map(([painted, shown]) => [painted, shown])));
    const spreads = [...shownBy[0].keys()].filter((painted) => shownBy.every((m) => m.has(painted)))
      .map((painted) => { const at = shownBy.map((m) => m.get(painted)); return Math.max(...at) - Math.min(...at); });
    assert.ok(spreads.length > 0, 'frames shown by every viewer');
    const [idle, one, many] = phases;
    figures.modes[mode].cost = {
      phases,
      cpu_ms_per_viewer_second: Math.round((many.cpu_ms - idle.cpu_ms) / (VIEWERS * many.seconds) * 10) / 10,
      cpu_ms_per_playlist_request: many.playlist_requests ? Math.round((many.cpu_ms - idle.cpu_ms) / many.playlist_requests * 100) / 100 : null,
      extra_cpu_percent_per_viewer_after_the_first: VIEWERS > 1 ? Math.round((many.cpu_percent - one.cpu_percent) / (VIEWERS - 1) * 10) / 10 : null,
    };
    figures.modes[mode].spread = {
      viewers: VIEWERS,
      frames_matched: spreads.length,
      display_spread_ms: spread(spreads),
      glass_ms_by_viewer: seen.map((records) => spread(glassMs(records))),
    };
    for (const page of pages) await close(page);
  });

  test(`${mode}: ${JOINS} viewers joining afresh, each watching ${JOIN_MS / 1000} s`, async (t) => {
    if (skip(t)) return;
    const joins = [];
    for (let i = 0; i < JOINS; i++) {
      const page = await openViewer(run.server.url);
      const first = await until('a frame read on screen', async () => (await glassOf(page)).at(0), 30000);
      await page.waitForTimeout(Math.max(0, first[1] + JOIN_MS - Date.now()));
      const records = (await glassOf(page)).filter(([, shown]) => shown <= first[1] + JOIN_MS);
      const unread = await page.evaluate(() => window.glassUnread);
      joins.push({ first_frame_ms: first[1] - page.opened, live_ms: page.liveMs, glass_ms: spread(glassMs(records)), unread });
      await close(page);
    }
    const all = joins.map((j) => j.glass_ms).filter(Boolean);
    figures.modes[mode].joins = {
      joins,
      first_frame_ms: spread(joins.map((j) => j.first_frame_ms)),
      glass_ms_p50_of_joins: spread(all.map((g) => g.p50)),
      glass_ms_p95_of_joins: spread(all.map((g) => g.p95)),
    };
  });

  test(`${mode}: tag sync error at the target delay and ${BEHIND_MS / 1000} s behind`, async (t) => {
    if (skip(t)) return;
    const near = await openViewer(run.server.url);
    const far = await openViewer(run.server.url);
    await far.evaluate(() => document.querySelector('[data-testid="player"]').pause());
    await far.waitForTimeout(BEHIND_MS);
    await far.evaluate(() => document.querySelector('[data-testid="player"]').play());
    await far.waitForTimeout(1000); // its frames shown again, not the one it paused on
    const behind = { near: await behindNow(near), far: await behindNow(far) };
    const from = { near: await glassCount(near), far: await glassCount(far) };
    const shownBoth = async () => {
      const [a, b] = await Promise.all([near, far].map((p) => p.evaluate(() => ({ pins: window.pins, seen: window.seen }))));
      const [x, y] = [tagErrors(a.pins, a.seen), tagErrors(b.pins, b.seen)];
      const both = x.filter((s) => y.some((u) => u.at === s.at));
      return { near: x, far: y, both };
    };
    const deadline = Date.now() + TAG_MS;
    let shown = await shownBoth();
    while (shown.both.length < TAGS && Date.now() < deadline) {
      await near.waitForTimeout(2000);
      shown = await shownBoth();
    }
    const errors = (list) => { const e = list.filter((s) => shown.both.some((b) => b.at === s.at)).map((s) => s.error); return { errors_ms: e, abs: spread(e.map(Math.abs)) }; };
    figures.modes[mode].tags = {
      pins_shown_by_both: shown.both.length,
      near: { behind_at_start_ms: behind.near, glass_ms: spread(glassMs(await glassOf(near, from.near))), ...errors(shown.near) },
      far: { behind_at_start_ms: behind.far, glass_ms: spread(glassMs(await glassOf(far, from.far))), ...errors(shown.far) },
    };
    await close(near);
    await close(far);
  });

  test(`${mode}: one viewer for ${SOAK_MS / 60000} minutes`, async (t) => {
    if (skip(t)) return;
    const page = await openViewer(run.server.url);
    await page.waitForTimeout(SOAK_MS);
    const { glass, unread, states, frames, drops } = await page.evaluate(() => ({
      glass: window.glass, unread: window.glassUnread, states: window.states, frames: window.frames, drops: window.drops,
    }));
    const firstLive = states.findIndex((s) => s.state === 'live');
    const stalls = states.slice(firstLive).filter((s) => s.state === 'buffering')
      .map((s) => Math.round((s.at - states[firstLive].at) / 1000));
    if (process.env.GLASS_DUMP) writeFileSync(`${process.env.GLASS_DUMP}-${mode}.json`, JSON.stringify({ glass, states }));
    const { lost, jumps } = glassFramesLost(glass);
    figures.modes[mode].soak = {
      minutes: SOAK_MS / 60000,
      first_frame_ms: glass.length ? glass[0][1] - page.opened : null,
      glass_ms: spread(glassMs(glass)),
      frames_read: glass.length,
      frames_unread: unread,
      stalls: stalls.length,
      stalls_at_s: stalls,
      frames_never_shown: framesNeverShown(frames),
      frames_dropped: drops.reduce((n, k) => n + k.frames, 0),
      encoder_frames_lost: lost,
      jumps_ms: jumps,
      page_errors: page.errors.length,
    };
    await close(page);
  });

  test(`${mode}: done`, async () => {
    if (!run.server) return;
    for (const child of children.splice(0)) await stopChild(child);
    run.server = null;
  });
}
