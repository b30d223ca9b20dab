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
//
// Low-Latency HLS (RFC 8216bis) from a server of the test's own: ffmpeg cuts a test signal into
// quarter-second parts (each a keyframe), which the server releases one by one on the wall
// clock as a live packager would, four to a one-second segment, with EXT-X-PART-INF,
// EXT-X-SERVER-CONTROL (blocking reloads, delta updates), EXT-X-PRELOAD-HINT (the hinted part's
// request held until it is written) and programme date-times. Asserts the player asks for
// parts and blocking and delta reloads and plays within a few seconds of the wall clock;
// records the delay at which two viewers joining at different moments play, and the frames
// never shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium, percentile, record, startServer } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const SOURCES = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440'];
const CODING = ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p',
  '-c:a', 'aac', '-b:a', '64k', '-f', 'hls', '-hls_time', '1', '-hls_segment_type', 'fmp4'];

let browser;
let dir;
let packager;
let lowLatency;
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
  lowLatency = await lowLatencyServer(join(dir, 'parts'));
  // Four segments in the live playlist before the viewer opens.
  for (let i = 0; i < 100 && !/live3\.m4s/.test(readIf(join(media, 'live', 'live.m3u8'))); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close();
  packager?.kill('SIGKILL');
  lowLatency?.close();
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

/** Quarter-second parts of a signal, and how long each part is (ms). */
const PART_MS = 250;
const PARTS_PER_SEGMENT = 4;

/**
 * A live LL-HLS origin: the parts ffmpeg cut into `folder`, released on the wall clock (part n
 * is written at its programme end), with blocking reloads, delta updates and a held preload
 * hint. `requests` lists every URL asked for; `url` is its playlist.
 */
async function lowLatencyServer(folder) {
  mkdirSync(folder);
  const cut = spawnSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=24',
    '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '120', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency',
    '-g', '6', '-keyint_min', '6', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k',
    '-f', 'hls', '-hls_time', '0.25', '-hls_segment_type', 'fmp4', '-hls_playlist_type', 'vod',
    '-hls_segment_filename', 'p%d.m4s', 'parts.m3u8'], { cwd: folder });
  assert.equal(cut.status, 0, String(cut.stderr));
  const count = readdirSync(folder).filter((f) => /^p\d+\.m4s$/.test(f)).length;
  // The stream starts with the first request, four segments' worth already written.
  let zero;
  const written = () => {
    zero ??= Date.now() - 4 * PARTS_PER_SEGMENT * PART_MS;
    return Math.min(count, Math.floor((Date.now() - zero) / PART_MS));
  };
  const until = async (parts) => {
    for (let waited = 0; written() < parts && waited < 3000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  };
  const iso = (ms) => new Date(ms).toISOString();
  const playlist = (skip) => {
    const parts = written();
    const open = Math.floor(parts / PARTS_PER_SEGMENT);
    const first = Math.max(0, open - 8);
    // Delta updates leave out all but the last three complete segments (CAN-SKIP-UNTIL=3).
    const skipped = skip ? Math.max(0, open - 3 - first) : 0;
    const lines = ['#EXTM3U', `#EXT-X-VERSION:${skipped ? 9 : 7}`, '#EXT-X-TARGETDURATION:1', '#EXT-X-PART-INF:PART-TARGET=0.25',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.75,CAN-SKIP-UNTIL=3.0',
      `#EXT-X-MEDIA-SEQUENCE:${first}`, '#EXT-X-MAP:URI="init.mp4"'];
    if (skipped) lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
    const partLines = (segment, upTo) => {
      for (let k = 0; k < upTo; k++) {
        lines.push(`#EXT-X-PART:DURATION=0.25,URI="p${segment * PARTS_PER_SEGMENT + k}.m4s",INDEPENDENT=YES`);
      }
    };
    for (let m = first + skipped; m < open; m++) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${iso(zero + m * PARTS_PER_SEGMENT * PART_MS)}`);
      if (m >= open - 3) partLines(m, PARTS_PER_SEGMENT);
      lines.push('#EXTINF:1.0,', `s${m}.m4s`);
    }
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${iso(zero + open * PARTS_PER_SEGMENT * PART_MS)}`);
    partLines(open, parts - open * PARTS_PER_SEGMENT);
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p${parts}.m4s"`);
    return `${lines.join('\n')}\n`;
  };
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push(req.url);
    const send = (type, body) => {
      res.writeHead(200, { 'content-type': type, 'access-control-allow-origin': '*', 'cache-control': 'no-cache' });
      res.end(body);
    };
    let match;
    if (url.pathname === '/live.m3u8') {
      const msn = Number(url.searchParams.get('_HLS_msn') ?? -1);
      if (msn >= 0) await until(msn * PARTS_PER_SEGMENT + Number(url.searchParams.get('_HLS_part') ?? 0) + 1);
      send('application/vnd.apple.mpegurl', playlist(url.searchParams.get('_HLS_skip') === 'YES'));
    } else if (url.pathname === '/init.mp4') {
      send('video/mp4', readFileSync(join(folder, 'init.mp4')));
    } else if ((match = url.pathname.match(/^\/p(\d+)\.m4s$/)) && Number(match[1]) < count) {
      // The hinted part: held until it is written.
      await until(Number(match[1]) + 1);
      send('video/iso.segment', readFileSync(join(folder, `p${match[1]}.m4s`)));
    } else if ((match = url.pathname.match(/^\/s(\d+)\.m4s$/))) {
      const from = Number(match[1]) * PARTS_PER_SEGMENT;
      const parts = Array.from({ length: PARTS_PER_SEGMENT }, (_, k) => readFileSync(join(folder, `p${from + k}.m4s`)));
      send('video/iso.segment', Buffer.concat(parts));
    } else {
      res.writeHead(404, { 'access-control-allow-origin': '*' }).end();
    }
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${server.address().port}/live.m3u8`, requests, close: () => server.close() };
}

/** Runs in a page before its scripts: every frame the player's video presents, in `window.shown`. */
function countFrames() {
  window.shown = [];
  const hook = () => {
    const video = document.querySelector('[data-testid="player"]');
    if (!video?.requestVideoFrameCallback) { setTimeout(hook, 20); return; }
    const frame = (_now, meta) => {
      window.shown.push([meta.mediaTime, meta.presentedFrames, video.getVideoPlaybackQuality().droppedVideoFrames]);
      video.requestVideoFrameCallback(frame);
    };
    video.requestVideoFrameCallback(frame);
  };
  hook();
}

/** Frames of 24 fps media that `shown` (from `countFrames`) spans but were never presented. */
function neverShown(shown) {
  if (shown.length < 2) return 0;
  const [[t0, n0, d0], [t1, n1, d1]] = [shown[0], shown.at(-1)];
  return Math.max(0, Math.round((t1 - t0) * 24) - (n1 - n0) - (d1 - d0));
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

test('Low-Latency HLS plays part by part, held at its target delay', async () => {
  const { server } = await viewer(lowLatency.url);
  const open = async () => {
    const page = await browser.newPage();
    await page.addInitScript(countFrames);
    const started = Date.now();
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('[data-testid="player"]')?.currentTime > 0, null, { timeout: 15000 });
    page.firstFrameMs = Date.now() - started;
    return page;
  };
  const first = await open();
  // The second viewer joins at another moment within a part.
  await first.waitForTimeout(1370);
  const second = await open();
  const delays = [[], []];
  const apart = [];
  for (let i = 0; i < 20; i++) {
    await first.waitForTimeout(500);
    const [a, b] = [await first.evaluate(readVideo), await second.evaluate(readVideo)];
    assert.ok(a.src.startsWith('blob:') && b.src.startsWith('blob:'), 'Media Source Extensions');
    delays[0].push(a.wall - a.programme);
    delays[1].push(b.wall - b.programme);
    apart.push(Math.abs((a.wall - a.programme) - (b.wall - b.programme)));
  }
  const asked = lowLatency.requests;
  assert.ok(asked.some((u) => /_HLS_msn=\d+&_HLS_part=\d+/.test(u)), `blocking reloads: ${asked.slice(0, 20)}`);
  assert.ok(asked.some((u) => /_HLS_skip=YES/.test(u)), 'delta updates');
  assert.ok(asked.filter((u) => /^\/p\d+\.m4s$/.test(u)).length > 20, 'parts, not only whole segments');
  for (const [n, page] of [first, second].entries()) {
    const v = await page.evaluate(readVideo);
    assert.equal(v.state, 'live');
    assert.ok(Math.min(...delays[n]) > 0 && Math.max(...delays[n]) < 3000, `within a few seconds of live: ${delays[n]}`);
  }
  const frames = await Promise.all([first, second].map((p) => p.evaluate(() => window.shown)));
  record('live-hls-low-latency', {
    first_frame_ms: [first.firstFrameMs, second.firstFrameMs],
    wall_minus_programme_ms: delays.map((d) => ({ first: d[0], p50: percentile(d, 50), min: Math.min(...d), max: Math.max(...d) })),
    viewers_apart_ms: { p50: percentile(apart, 50), max: Math.max(...apart) },
    frames_never_shown: frames.map(neverShown),
    frames_dropped: frames.map((f) => (f.at(-1)?.[2] ?? 0)),
  });
  await first.close();
  await second.close();
});
