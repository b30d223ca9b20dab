// Going live for real, in Chromium against the real server and a real ffmpeg publishing RTMP:
// the video plays the server's HLS through Media Source Extensions (a blob: source, not a file
// URL); two viewers held at different delays see a tag appear at the same programme time
// (±50 ms); killing the encoder shows "the host will be right back" and publishing again
// resumes playback; a wrong stream key is refused; killing the packager brings it back after
// a discontinuity, and the picture plays on; a show that names an external HLS address (here
// the first server's, from another origin) plays it. Figures go to metrics.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { framesNeverShown, framesSent, launchChromium, percentile, publishClip, record, serveLive, stopChild, streamKey, until, watchLive, PHONE } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const CLIP = 'public/media/stream.mp4';
const serve = (name, args) => serveLive(BIN, dir, name, args, children);
const publish = (rtmp, key) => publishClip(rtmp, key, children);
const stop = stopChild;
const SHOW = 'live';

let browser;
let dir;
let server;
let publisher;
const children = [];

async function text(url) {
  const response = await fetch(url);
  return response.ok ? response.text() : '';
}

/** Every URL the page requests, in `page.requested`. */
async function openViewer(url) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.requested = [];
  page.on('request', (request) => page.requested.push(request.url()));
  page.sent = framesSent(page);
  page.on('pageerror', (error) => { throw new Error(`uncaught error in the page: ${error.message}`); });
  await page.addInitScript(watchLive);
  await page.goto(url);
  await page.locator('[data-testid="player"][data-state="live"]').waitFor({ timeout: 40000 });
  return page;
}

/** The video's time and programme time now. */
const playhead = (page) => page.evaluate(() => {
  const v = document.querySelector('[data-testid="player"]');
  return { t: v.currentTime, programme: Number(v.dataset.programmeMs), src: v.src, wall: Date.now() };
});

before(async () => {
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  dir = mkdtempSync(join(tmpdir(), 'lapak-live-'));
  // The demo show, live from the ingest, with its timeline 1× (pins every 12–18 s).
  const show = join(dir, 'live.toml');
  writeFileSync(show, readFileSync('server/shows/demo.toml', 'utf8').replace(/^id = "demo"$/m, `id = "${SHOW}"`));
  server = await serve('live', ['--show', show]);
  publisher = await publish(server.rtmp, await streamKey(BIN, server));
});

after(async () => {
  await browser?.close();
  for (const child of children) await stop(child);
});

test('the live show plays through Media Source Extensions, near the live edge', async () => {
  const started = Date.now();
  const page = await openViewer(server.url);
  const firstFrame = Date.now() - started;
  const a = await playhead(page);
  assert.match(a.src, /^blob:/, 'MSE, not a file URL');
  assert.ok(!page.requested.some((u) => u.includes('hls.light')), 'hls.js is not loaded for a CMAF stream');
  await page.waitForTimeout(3000);
  const b = await playhead(page);
  assert.ok(b.t - a.t > 2, `the picture plays: ${a.t} → ${b.t}`);
  const behind = b.wall - b.programme;
  assert.ok(behind > 0 && behind < 10000, `programme time ${behind} ms behind the wall clock`);
  // Sampled over 20 s: how far the frame on screen is behind the moment it reached the server.
  const lag = [];
  const framesFrom = await page.evaluate(() => window.frames.length);
  for (let i = 0; i < 20; i++) {
    const p = await playhead(page);
    lag.push(p.wall - p.programme);
    await page.waitForTimeout(1000);
  }
  // Segments follow one another on the timeline: no frame of theirs goes unshown (placing each
  // one anew lost 3 frames a second in Chromium, a 167 ms freeze at every segment).
  const neverShown = framesNeverShown(await page.evaluate((n) => window.frames.slice(n), framesFrom));
  assert.ok(neverShown <= 3, `${neverShown} frames of 20 s were never shown`);
  record('live_playback', {
    first_frame_ms: firstFrame,
    server_to_screen_ms_p50: percentile(lag, 50),
    server_to_screen_ms_p95: percentile(lag, 95),
    frames_never_shown_in_20_s: neverShown,
  });
  await page.screenshot({ path: `${process.env.E2E_OUT ?? 'target/e2e'}/live-1-playing.png` });
  // Fullscreen is the whole widget: the tags and the chat stay on top and usable.
  await page.getByTestId('fullscreen-button').click();
  await page.locator('[data-testid^="tag-"]').first().waitFor();
  // The browser sets `fullscreenElement` first and tells the page (`fullscreenchange`) at its
  // next frame: the button is pressed from then on, so the page is read once both are so.
  const usable = await until('fullscreen, the button pressed, a tag up', () => page.evaluate(() => {
    const button = document.querySelector('[data-testid="fullscreen-button"]');
    if (!document.fullscreenElement?.classList.contains('lapak') || button.getAttribute('aria-pressed') !== 'true') return null;
    const onTop = (e) => {
      const r = e.getBoundingClientRect();
      return e.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    };
    const tag = document.querySelector('[data-testid^="tag-"]');
    const chat = document.querySelector('.lapak-chat-input');
    return { tag: onTop(tag), chat: chat && onTop(chat) };
  }));
  assert.deepEqual(usable, { tag: true, chat: true });
  await page.getByTestId('fullscreen-button').click();
  await until('fullscreen left, the button released', () => page.evaluate(() =>
    !document.fullscreenElement && document.querySelector('[data-testid="fullscreen-button"]').getAttribute('aria-pressed') === 'false'));
  await page.context().close();
});

test('two viewers at different delays see a tag at the same programme time', async () => {
  const near = await openViewer(server.url);
  const far = await openViewer(server.url);
  // Hold the second viewer's picture 8 s further behind.
  await far.evaluate(() => document.querySelector('[data-testid="player"]').pause());
  await far.waitForTimeout(8000);
  await far.evaluate(() => document.querySelector('[data-testid="player"]').play());
  const delay = async (page) => { const p = await playhead(page); return p.wall - p.programme; };
  const [dNear, dFar] = [await delay(near), await delay(far)];
  assert.ok(dFar - dNear > 5000, `held apart: ${dNear} ms and ${dFar} ms behind`);
  // Each tells the server how far its picture runs behind (at most 10 s): its flash deals run
  // on that clock, on its screen and in what the server charges it.
  const told = (page) => page.sent.filter((f) => f.startsWith('{"type":"Behind"')).map((f) => JSON.parse(f).ms);
  const nearBound = Math.min(dNear, 10000);
  const farBound = Math.min(dFar, 10000);
  await until('both viewers said how far behind they are', async () => {
    const [n, f] = [told(near).at(-1), told(far).at(-1)];
    return n !== undefined && f !== undefined && Math.abs(n - nearBound) < 600 && Math.abs(f - farBound) < 600;
  }, 10000).catch(() => assert.fail(`told ${told(near)} and ${told(far)}, behind ${dNear} and ${dFar} ms`));
  // Wait for a pin both saw arrive and both showed.
  const seen = (page) => page.evaluate(() => ({ pins: window.pins, seen: window.seen }));
  const [a, b] = await until('a pin shown to both viewers', async () => {
    const [x, y] = [await seen(near), await seen(far)];
    const shownBy = (v, pin) => v.seen.some((s) => s.product === pin.product && s.programme >= pin.at - 1000);
    const pin = x.pins.find((p) => y.pins.some((q) => q.at === p.at) && shownBy(x, p) && shownBy(y, p));
    return pin && [x, y].map((v) => ({ pin, shown: v.seen.find((s) => s.product === pin.product && s.programme >= pin.at - 1000) }));
  }, 60000);
  const errors = [a, b].map(({ pin, shown }) => shown.programme - pin.at);
  // The goal is the frame whose interval holds the tag's time: it starts at most one frame
  // (42 ms at 24 fps) before it (BENCHMARKS.md has the spread over a soak). A loaded machine
  // drops frames, so the bound after it is three frames: never a frame early, and never seconds
  // late as a tag that ignored the picture would be.
  for (const error of errors) assert.ok(error > -50 && error <= 125, `tag shown ${error} ms from its programme time`);
  record('tag_sync', { viewers_ms_behind: [dNear, dFar], error_ms: errors });
  await near.context().close();
  await far.context().close();
});

test('killing the encoder says the host will be right back, and publishing again resumes', async () => {
  const page = await openViewer(server.url);
  await stop(publisher);
  await page.locator('[data-testid="picture-status"][data-state="paused"]').waitFor({ timeout: 30000 });
  await page.screenshot({ path: `${process.env.E2E_OUT ?? 'target/e2e'}/live-2-right-back.png` });
  publisher = await publish(server.rtmp, await streamKey(BIN, server));
  await page.locator('[data-testid="picture-status"]').waitFor({ state: 'detached', timeout: 30000 });
  const a = await playhead(page);
  await until('the picture to play again', async () => (await playhead(page)).t - a.t > 2, 30000);
  await page.context().close();
});

test('a wrong stream key is refused and nothing is written', async () => {
  const before = await text(`${server.url}hls/${SHOW}/src/recording.m3u8`);
  const wrong = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-i', CLIP, '-t', '2',
    '-c', 'copy', '-f', 'flv', `${server.rtmp}/not-the-key`], { timeout: 20000 });
  assert.notEqual(wrong.status, 0, 'the encoder is refused');
  const afterRuns = (await text(`${server.url}hls/${SHOW}/src/recording.m3u8`)).match(/run-\d+/g) ?? [];
  const beforeRuns = before.match(/run-\d+/g) ?? [];
  assert.deepEqual([...new Set(afterRuns)], [...new Set(beforeRuns)], 'no new run');
});

test('killing the packager brings it back after a discontinuity, and the picture plays on', async () => {
  const page = await openViewer(server.url);
  const live = () => text(`${server.url}hls/${SHOW}/src/live.m3u8`);
  const runsBefore = new Set((await live()).match(/run-\d+/g));
  const pgrep = spawnSync('pgrep', ['-f', '-P', String(server.child.pid), 'pipe:0'], { encoding: 'utf8' });
  const pid = Number(pgrep.stdout.trim().split('\n')[0]);
  assert.ok(pid > 0, `the packager runs: ${pgrep.stdout}`);
  process.kill(pid, 'SIGKILL');
  const playlist = await until('a new run in the live playlist', async () => {
    const t = await live();
    const runs = new Set(t.match(/run-\d+/g));
    return [...runs].some((r) => !runsBefore.has(r)) && t;
  });
  assert.match(playlist, /#EXT-X-DISCONTINUITY\n/);
  const a = await playhead(page);
  await until('the picture to play on past the discontinuity', async () => {
    const p = await playhead(page);
    return p.t - a.t > 6 && p.programme > a.programme;
  }, 40000);
  await page.context().close();
});

test('a show that names an external HLS address plays it', async () => {
  const external = join(dir, 'external.toml');
  const demo = readFileSync('server/shows/demo.toml', 'utf8');
  writeFileSync(external, demo.replace(/^source = "ingest"$/m,
    `source = "external"\nhls_url = "http://127.0.0.1:${server.port}/hls/${SHOW}/master.m3u8"`));
  const other = await serve('external', ['--show', external]);
  const page = await openViewer(other.url);
  const a = await playhead(page);
  assert.match(a.src, /^blob:/);
  await page.waitForTimeout(3000);
  const b = await playhead(page);
  assert.ok(b.t - a.t > 2, `plays from another origin: ${a.t} → ${b.t}`);
  assert.ok(b.programme > 0, 'with the provider\'s programme clock');
  await page.context().close();
});

test('a provider\'s MPEG-TS stream plays through hls.js, loaded only for it', async () => {
  // A provider elsewhere: ffmpeg packages TS segments with date-times, a plain file server serves them.
  const ts = join(dir, 'ts');
  mkdirSync(ts);
  children.push(spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1',
    '-i', CLIP, '-c', 'copy', '-f', 'hls', '-hls_time', '1', '-hls_list_size', '10',
    '-hls_flags', 'program_date_time+delete_segments', join(ts, 'live.m3u8')], { stdio: 'ignore' }));
  const files = createServer((req, res) => {
    const path = join(ts, new URL(req.url, 'http://x').pathname.replace(/[^\w.-]/g, ''));
    if (!existsSync(path)) { res.writeHead(404).end(); return; }
    const type = path.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t';
    res.writeHead(200, { 'content-type': type, 'access-control-allow-origin': '*', 'cache-control': 'no-cache' });
    createReadStream(path).pipe(res);
  }).listen(0, '127.0.0.1');
  await new Promise((r) => files.once('listening', r));
  const origin = `http://127.0.0.1:${files.address().port}`;
  await until('the provider\'s first segments', async () => ((await text(`${origin}/live.m3u8`)).match(/\.ts/g) ?? []).length >= 3);
  const show = join(dir, 'ts.toml');
  writeFileSync(show, readFileSync('server/shows/demo.toml', 'utf8').replace(/^source = "ingest"$/m,
    `source = "external"\nhls_url = "${origin}/live.m3u8"`));
  const other = await serve('ts', ['--show', show]);
  try {
    const page = await openViewer(other.url);
    assert.ok(page.requested.some((u) => u.endsWith('/hls.light.min.js')), 'hls.js loaded for the TS stream');
    const a = await playhead(page);
    await page.waitForTimeout(3000);
    const b = await playhead(page);
    assert.ok(b.t - a.t > 2, `plays: ${a.t} → ${b.t}`);
    assert.ok(Math.abs(b.wall - b.programme) < 30000, `the provider's programme clock: ${b.wall - b.programme} ms behind`);
    await page.context().close();
  } finally {
    files.close();
  }
});
