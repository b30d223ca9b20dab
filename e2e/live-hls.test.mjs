// The live HLS player in Chromium: Debian's ffmpeg packages a test signal as
// CMAF HLS (1 s fMP4 segments, a sliding playlist with programme date-times)
// into a folder that a server of its own serves as its show's stream. Asserts
// the player runs on Media Source Extensions (a blob: source, not the file),
// starts near the live edge and stays there, and that its programme clock
// (the video's data-programme-ms) follows the wall clock minus the latency;
// a segment that answers 404 is skipped without a stall; on-demand playlists
// play to their end: one of byte ranges of a single file, and one whose
// packager restarted (EXT-X-DISCONTINUITY, a new init section in another
// resolution). Time to first frame and latency are recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium, record, startServer } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const SOURCES = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440'];
const CODING = ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
  '-c:a', 'aac', '-b:a', '64k', '-f', 'hls', '-hls_time', '1', '-hls_segment_type', 'fmp4'];

let browser;
let dir;
let packager;
const servers = [];

/** A public folder whose media/ has the repo's media plus `name`/, and a show file streaming `url`. */
function showWith(url) {
  const show = join(dir, `show-${servers.length}.toml`);
  const demo = readFileSync('server/shows/demo.toml', 'utf8');
  // The demo show with a playlist file for its picture instead of the RTMP ingest.
  const withFile = demo.replace(/^\[video\]\nsource = "ingest"\n/m, '')
    .replace(/^currency = (.*)$/m, `currency = $1\nstream_url = "${url}"`);
  assert.notEqual(withFile, demo);
  writeFileSync(show, withFile);
  return ['--show', show, '--public', join(dir, 'public')];
}

/** Programme time (unix ms) at the end of a media playlist: its last segment's date-time plus duration. */
function edgeOf(text) {
  let pdt = 0;
  let duration = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = Date.parse(line.slice(25));
    if (line.startsWith('#EXTINF:')) duration = parseFloat(line.slice(8));
  }
  return pdt + duration * 1000;
}

before(async () => {
  assert.equal(spawnSync('ffmpeg', ['-version']).status, 0, 'ffmpeg is installed (scripts/tools.sh)');
  dir = mkdtempSync(join(tmpdir(), 'lapak-hls-'));
  const media = join(dir, 'public', 'media');
  mkdirSync(join(media, 'live'), { recursive: true });
  for (const name of ['vod', 'ranges', 'a', 'b']) mkdirSync(join(media, name));
  for (const entry of readdirSync('public/media')) symlinkSync(resolve('public/media', entry), join(media, entry));
  packager = spawn('ffmpeg', ['-nostdin', '-loglevel', 'error', '-re', ...SOURCES, ...CODING,
    '-hls_flags', 'program_date_time+independent_segments+delete_segments', '-hls_list_size', '10', 'live.m3u8'],
  { cwd: join(media, 'live'), stdio: 'ignore' });
  const vod = spawnSync('ffmpeg', ['-nostdin', '-loglevel', 'error', ...SOURCES, '-t', '4', ...CODING,
    '-hls_playlist_type', 'vod', '-hls_flags', 'program_date_time+independent_segments', 'vod.m3u8'],
  { cwd: join(media, 'vod') });
  assert.equal(vod.status, 0, String(vod.stderr));
  const ranges = spawnSync('ffmpeg', ['-nostdin', '-loglevel', 'error', ...SOURCES, '-t', '3', ...CODING,
    '-hls_playlist_type', 'vod', '-hls_flags', 'single_file+program_date_time', 'ranges.m3u8'], { cwd: join(media, 'ranges') });
  assert.equal(ranges.status, 0, String(ranges.stderr));
  assert.match(readFileSync(join(media, 'ranges', 'ranges.m3u8'), 'utf8'), /#EXT-X-BYTERANGE/);
  restartedPackager(media);
  // Four segments in the live playlist before the viewer opens.
  for (let i = 0; i < 100 && !/live3\.m4s/.test(readIf(join(media, 'live', 'live.m3u8'))); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close();
  packager?.kill('SIGKILL');
  for (const server of servers) server.stop();
});

/**
 * Two encodes joined as a packager restart would leave them: 3 s at 320×240,
 * then EXT-X-DISCONTINUITY and a new init at 640×360, half a second later.
 */
function restartedPackager(media) {
  const size = { a: '320x240', b: '640x360' };
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:1', '#EXT-X-PLAYLIST-TYPE:VOD'];
  const start = Date.now() - 60_000;
  for (const [part, offsetMs] of [['a', 0], ['b', 3500]]) {
    const run = spawnSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size[part]}:rate=25`,
      '-f', 'lavfi', '-i', 'sine', '-t', '3', ...CODING, '-hls_playlist_type', 'vod', `${part}.m3u8`], { cwd: join(media, part) });
    assert.equal(run.status, 0, String(run.stderr));
    if (part === 'b') lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-MAP:URI="${part}/init.mp4"`);
    for (let i = 0; i < 3; i++) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(start + offsetMs + i * 1000).toISOString()}`, '#EXTINF:1.0,', `${part}/${part}${i}.m4s`);
    }
  }
  writeFileSync(join(media, 'restarted.m3u8'), `${lines.join('\n')}\n#EXT-X-ENDLIST\n`);
}

function readIf(file) {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

async function viewer(streamUrl) {
  const server = await startServer(BIN, showWith(streamUrl));
  servers.push(server);
  const page = await browser.newPage();
  return { server, page };
}

/** The video as the test sees it, read in the page. */
const readVideo = () => {
  const v = document.querySelector('[data-testid="player"]');
  return {
    src: v.src, t: v.currentTime, state: v.dataset.state, rate: v.playbackRate,
    programme: Number(v.dataset.programmeMs) || 0, wall: Date.now(), ended: v.ended,
  };
};

test('live HLS plays over MSE near the live edge, with the programme clock', async () => {
  const { server, page } = await viewer('/media/live/live.m3u8');
  const started = Date.now();
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelector('[data-testid="player"]')?.currentTime > 0, null, { timeout: 15000 });
  const firstFrameMs = Date.now() - started;
  const latencies = [];
  const clockErrors = [];
  let buffering = 0;
  let first;
  let last;
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(500);
    const v = await page.evaluate(readVideo);
    const edge = edgeOf(await (await fetch(`${server.url}media/live/live.m3u8`)).text());
    first ??= v;
    last = v;
    if (v.state === 'buffering') buffering += 1;
    assert.ok(v.src.startsWith('blob:'), `a MediaSource, not the playlist itself: ${v.src}`);
    assert.ok(v.programme > 0, 'the programme clock is known');
    latencies.push((edge - v.programme) / 1000);
    clockErrors.push((v.wall - v.programme) / 1000);
  }
  const advanced = last.t - first.t;
  const worst = Math.max(...latencies);
  record('live-hls', {
    first_frame_ms: firstFrameMs,
    latency_behind_edge_s: { min: Math.min(...latencies), max: worst },
    wall_minus_programme_s: { min: Math.min(...clockErrors), max: Math.max(...clockErrors) },
    buffering_samples: buffering,
  });
  assert.ok(advanced > 8, `currentTime advanced ${advanced.toFixed(2)} s in 9.5 s`);
  assert.ok(worst < 6.5, `within a few seconds of the live edge: ${latencies.map((l) => l.toFixed(1))}`);
  assert.ok(Math.min(...latencies) > 1, 'not ahead of the edge');
  // The programme clock moves with the wall clock, a steady latency behind it.
  const programmeMoved = (last.programme - first.programme) / 1000;
  assert.ok(Math.abs(programmeMoved - advanced) < 0.3, `programme ${programmeMoved} s vs media ${advanced} s`);
  assert.ok(Math.max(...clockErrors) < 8 && Math.min(...clockErrors) > 0, `wall − programme: ${clockErrors.map((e) => e.toFixed(1))}`);
  assert.equal(last.state, 'live');
  await page.close();
});

test('a segment that answers 404 is skipped and playback goes on', async () => {
  const { server, page } = await viewer('/media/live/live.m3u8');
  const refused = [];
  await page.route(/live(\d+)\.m4s$/, (route) => {
    const n = Number(route.request().url().match(/live(\d+)\.m4s$/)[1]);
    if (n % 5 === 0) {
      refused.push(n);
      return route.fulfill({ status: 404, body: 'gone' });
    }
    return route.continue();
  });
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelector('[data-testid="player"]')?.currentTime > 0, null, { timeout: 15000 });
  const from = await page.evaluate(readVideo);
  await page.waitForTimeout(10000);
  const to = await page.evaluate(readVideo);
  assert.ok(refused.length >= 2, `some segments refused: ${refused}`);
  assert.ok(to.t - from.t > 7, `played ${(to.t - from.t).toFixed(2)} s of 10 over the holes`);
  assert.notEqual(to.state, 'failed');
  await page.close();
});

test('an on-demand playlist plays from its start to the end', async () => {
  const { server, page } = await viewer('/media/vod/vod.m3u8');
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelector('[data-testid="player"]')?.dataset.state === 'ended', null, { timeout: 20000 });
  const v = await page.evaluate(readVideo);
  assert.ok(v.src.startsWith('blob:'));
  assert.ok(v.ended && v.t > 3.5, `played to the end: ${v.t}`);
  await page.close();
});

test('byte ranges of a single file play', async () => {
  const { server, page } = await viewer('/media/ranges/ranges.m3u8');
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelector('[data-testid="player"]')?.dataset.state === 'ended', null, { timeout: 20000 });
  assert.ok((await page.evaluate(readVideo)).t > 2.5);
  await page.close();
});

test('a packager restart (discontinuity, new init) plays through', async () => {
  const { server, page } = await viewer('/media/restarted.m3u8');
  await page.goto(server.url);
  await page.waitForFunction(() => document.querySelector('[data-testid="player"]')?.dataset.state === 'ended', null, { timeout: 20000 });
  const v = await page.evaluate(() => {
    const video = document.querySelector('[data-testid="player"]');
    return { t: video.currentTime, width: video.videoWidth };
  });
  assert.equal(v.width, 640, 'the second init section took over');
  assert.ok(v.t > 6, `played both parts over the half-second hole: ${v.t}`);
  await page.close();
});
