// The browser's own HLS, in a real WebKit: Debian's WebKitGTK (MiniBrowser under Xvfb, driven
// over WebDriver by WebKitWebDriver) opens the real server's viewer while a real ffmpeg
// publishes the demo show. WebKitGTK plays HLS through GStreamer only when
// WEBKIT_GST_ENABLE_HLS_SUPPORT is set; then it answers canPlayType for HLS and has
// getStartDate(), so the viewer hands the playlist to the <video> (not a blob: source). The
// picture plays and reaches `live`. WebKitGTK's getStartDate() is NaN (only Apple's media
// engine reads the programme date-times): then the viewer has no programme clock and tags
// show as the server pins them; with a real date the programme clock follows the wall clock.
// WebKitGTK takes a live playlist for a finished download with no duration (0): reading the
// video's `seekable` there sets the duration to the playhead, after which `ended` is true while
// the picture plays on, and a seek leaves the playhead stuck (docs/streaming.md). So this
// journey reads `seekable` only where the duration is infinite (Safari), and holds that the
// viewer reads it no more than that: WebKitGTK's duration stays 0 and the video never ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, publishClip, record, serveLive, stopChild, streamKey, until } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const SHOW = 'live';
const DRIVER = spawnSync('sh', ['-c', 'command -v WebKitWebDriver'], { encoding: 'utf8' }).stdout.trim();
// MiniBrowser ships with libwebkit2gtk-4.1-0, under the multiarch library directory.
const BROWSER = readdirSync('/usr/lib').map((d) => `/usr/lib/${d}/webkit2gtk-4.1/MiniBrowser`).find(existsSync);
const skip = DRIVER ? false : 'WebKitWebDriver is not installed (Debian webkit2gtk-driver; scripts/tools.sh installs it)';

const children = [];
let dir;
let server;
let driver;
let session;

/** An X server of the test's own (MiniBrowser has no headless mode); resolves with its display. */
function startXvfb() {
  return new Promise((resolve, reject) => {
    // -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
    const x = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    children.push(x);
    x.on('error', reject);
    x.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    let out = '';
    x.stdio[3].on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
  });
}

/** One WebDriver command; resolves with its `value`. */
async function wd(method, path, body) {
  const response = await fetch(`${driver}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const { value } = await response.json();
  if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${JSON.stringify(value)}`);
  return value;
}

/** Runs `script` (a function body; `arguments` are `args`) in the page. */
const run = (script, ...args) => wd('POST', `/session/${session}/execute/sync`, { script, args });

/** The player's numbers now (null before the widget mounts it). */
const player = () => run(`
  const v = document.querySelector('[data-testid="player"]');
  if (!v) return null;
  let start = null;
  try { start = v.getStartDate().getTime(); } catch { /* no such method */ }
  // Not \`seekable\` for a stream with no duration: reading it would end the stream (see above).
  const liveWindow = v.duration === Infinity && v.seekable.length ? v.seekable.end(v.seekable.length - 1) : null;
  return {
    src: v.src, state: v.dataset.state, t: v.currentTime, duration: String(v.duration), ended: v.ended,
    paused: v.paused, seekable: liveWindow, programme: v.dataset.programmeMs ?? null,
    start: Number.isFinite(start) ? start : String(start), wall: Date.now(),
    tags: [...document.querySelectorAll('[data-testid^="tag-"]')].map((e) => e.dataset.testid),
  };`);

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'lapak-webkit-'));
  const show = join(dir, `${SHOW}.toml`);
  writeFileSync(show, readFileSync('server/shows/demo.toml', 'utf8').replace(/^id = "demo"$/m, `id = "${SHOW}"`));
  server = await serveLive(BIN, dir, SHOW, ['--show', show], children);
  await publishClip(server.rtmp, await streamKey(BIN, server), children);
  const display = await startXvfb();
  const port = await freePort();
  // The variable reaches MiniBrowser and its web process through the driver.
  const env = { ...process.env, DISPLAY: display, WEBKIT_GST_ENABLE_HLS_SUPPORT: '1' };
  children.push(spawn(DRIVER, [`--port=${port}`], { env, stdio: 'ignore' }));
  driver = `http://127.0.0.1:${port}`;
  await until('WebKitWebDriver', () => fetch(`${driver}/status`).then((r) => r.ok, () => false));
  assert.ok(BROWSER, 'MiniBrowser (libwebkit2gtk-4.1-0) is installed');
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: BROWSER, args: ['--automation'] } } },
  });
  session = created.sessionId;
});

after(async () => {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
  for (const child of children.reverse()) await stopChild(child);
});

test('WebKit plays the live show through its own HLS', { skip }, async () => {
  const hls = `${server.url}hls/${SHOW}/master.m3u8`;
  const support = await run(`
    const v = document.createElement('video');
    return { hls: v.canPlayType('application/vnd.apple.mpegurl'), startDate: 'getStartDate' in HTMLMediaElement.prototype };`);
  assert.notEqual(support.hls, '', 'WebKitGTK answers canPlayType for HLS (GStreamer HLS enabled)');
  assert.ok(support.startDate, 'HTMLMediaElement.getStartDate exists');
  // why: a native <video> whose playlist answers 404 fails for good (MEDIA_ERR_SRC_NOT_SUPPORTED),
  // unlike our MSE player, which retries: the show is on air before the viewer opens.
  // The packager's first segment can take a while on a busy machine.
  await until('the live playlist', () => fetch(hls).then((r) => r.ok, () => false), 60000);
  const started = Date.now();
  await wd('POST', `/session/${session}/url`, { url: server.url });
  let last;
  const a = await until('the player live', async () => {
    const p = last = await player();
    assert.notEqual(p?.state, 'failed', 'the player failed');
    return p?.state === 'live' && p;
  }, 60000).catch((e) => assert.fail(`${e.message}; the player: ${JSON.stringify(last)}`));
  const live = Date.now() - started;
  assert.equal(a.src, hls, 'native HLS: the playlist itself is the source, not a blob: URL');
  // A few seconds of picture, however long the machine takes to play them, live (not a
  // moment's `buffering` on a busy machine) with a tag (none is pinned for the last 1.5 s of
  // the demo's 90 s loop).
  const b = await until('the picture playing on, live, with a tag', async () => {
    const p = last = await player();
    assert.ok(!p.ended, `the live stream never ends: ${JSON.stringify(p)}`);
    return p.t - a.t > 3 && p.state === 'live' && p.tags.length > 0 && p;
  }, 40000).catch((e) => assert.fail(`${e.message}; the player: ${JSON.stringify(last)}`));
  assert.ok(!b.paused, 'still playing');
  assert.ok(['0', 'Infinity'].includes(b.duration),
    `a live stream has no duration (WebKitGTK: 0, Safari: Infinity), never the playhead: ${b.duration}`);
  if (typeof b.start === 'number') {
    // A real start date (Apple's engine): the programme clock follows the wall clock.
    const behind = b.wall - Number(b.programme);
    assert.ok(behind > 0 && behind < 10000, `programme time ${behind} ms behind the wall clock`);
  } else {
    // WebKitGTK: getStartDate() is NaN, so no programme clock; tags follow the pins as they
    // come. The demo show pins every 12–18 s: a newly pinned product shows while it plays.
    assert.equal(b.programme, null, `no programme time without a start date (getStartDate: ${b.start})`);
    const first = new Set(b.tags);
    const c = await until('a newly pinned tag', async () => {
      const p = await player();
      assert.ok(!p.ended, `the live stream never ends: ${JSON.stringify(p)}`);
      return p.tags.some((t) => !first.has(t)) && p;
    }, 60000);
    // The pin can come at any moment of the loop, even just after `b`: the picture goes on past it.
    const d = await until('the picture playing on after the new tag', async () => {
      const p = last = await player();
      assert.ok(!p.ended, `the live stream never ends: ${JSON.stringify(p)}`);
      return p.t - c.t > 1 && p.state === 'live' && p;
    }, 40000).catch((e) => assert.fail(`${e.message}; the player: ${JSON.stringify(last)}`));
    assert.equal(d.duration, b.duration, 'the duration never follows the playhead');
  }
  record('webkit_native_hls', { live_ms: live, start_date: b.start });
});
