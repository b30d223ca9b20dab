// Captions, in Chromium against the real server: a provider's live stream (here ffmpeg packaging
// the demo clip with a WebVTT subtitle rendition, served from another origin) shows its
// captions through our MSE player, each on its part of the picture; the shopper turns them on
// and off with the button or `T`, and the choice outlasts a reload. A show that plays a video
// file shows the caption track its show file names, in the shopper's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, launchChromium, serveLive, stopChild, until, PHONE } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const CLIP = 'public/media/stream.mp4';
/** Each cue lasts this long: cue k covers the stream's seconds [k·2, k·2 + 2). */
const CUE_S = 2;

let browser;
let dir;
let files;
let started;
const children = [];

/** `Caption k` for every 2 s of ten minutes. */
function captionFile() {
  const stamp = (s) => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000`;
  const cues = Array.from({ length: 300 }, (_, k) => `${stamp(k * CUE_S)} --> ${stamp(k * CUE_S + CUE_S)}\nCaption ${k}\n`);
  return `WEBVTT\n\n${cues.join('\n')}`;
}

before(async () => {
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  dir = mkdtempSync(join(tmpdir(), 'lapak-captions-'));
  writeFileSync(join(dir, 'captions.vtt'), captionFile());
  // A provider: CMAF video and WebVTT subtitles in a live sliding window, with date-times.
  started = Date.now();
  children.push(spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error',
    '-re', '-stream_loop', '-1', '-i', CLIP, '-i', join(dir, 'captions.vtt'), '-t', '600',
    '-map', '0:v', '-map', '0:a', '-map', '1:s', '-c:v', 'copy', '-c:a', 'copy', '-c:s', 'webvtt', '-b:v', '1M',
    '-f', 'hls', '-hls_time', '1', '-hls_list_size', '12', '-hls_segment_type', 'fmp4',
    '-hls_flags', 'program_date_time+delete_segments+independent_segments',
    '-master_pl_name', 'master.m3u8', '-var_stream_map', 'v:0,a:0,s:0,sgroup:subs,language:en,name:English',
    join(dir, 'v%v.m3u8')], { stdio: 'ignore' }));
  files = createServer((req, res) => {
    const path = join(dir, new URL(req.url, 'http://x').pathname.replace(/[^\w.-]/g, ''));
    if (!existsSync(path)) { res.writeHead(404).end(); return; }
    const type = { m3u8: 'application/vnd.apple.mpegurl', vtt: 'text/vtt', mp4: 'video/mp4', m4s: 'video/iso.segment' }[path.split('.').pop()];
    res.writeHead(200, { 'content-type': type ?? 'application/octet-stream', 'access-control-allow-origin': '*', 'cache-control': 'no-cache' });
    createReadStream(path).pipe(res);
  }).listen(0, '127.0.0.1');
  await new Promise((r) => files.once('listening', r));
  await until('the provider\'s first subtitle segments', () => existsSync(join(dir, 'vEnglish_vtt.m3u8'))
    && (readFileSync(join(dir, 'vEnglish_vtt.m3u8'), 'utf8').match(/\.vtt/g) ?? []).length >= 3);
});

after(async () => {
  await browser?.close();
  files?.close();
  for (const child of children) await stopChild(child);
});

async function openViewer(url, lang) {
  const context = await browser.newContext({ ...PHONE, locale: lang === 'id' ? 'id-ID' : 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (error) => { throw new Error(`uncaught error in the page: ${error.message}`); });
  await page.goto(url);
  await page.locator('[data-testid="player"][data-state="live"], [data-testid="player"][data-state="playing"]').waitFor({ timeout: 40000 });
  return page;
}

const captionText = (page) => page.locator('[data-testid="captions"]').innerText({ timeout: 15000 });

test('a provider\'s subtitle rendition plays as captions on its part of the picture, on and off', async () => {
  const show = join(dir, 'provider.toml');
  const origin = `http://127.0.0.1:${files.address().port}`;
  writeFileSync(show, readFileSync('server/shows/demo.toml', 'utf8').replace(/^source = "ingest"$/m,
    `source = "external"\nhls_url = "${origin}/master.m3u8"`));
  const server = await serveLive(BIN, dir, 'provider', ['--show', show], children);
  const page = await openViewer(server.url, 'en');
  const button = page.getByRole('button', { name: 'Captions' });
  await button.waitFor({ timeout: 20000 });
  assert.equal(await button.getAttribute('aria-pressed'), 'false', 'off until the shopper asks');
  assert.equal(await page.locator('[data-testid="captions"]').count(), 0);
  await button.click();
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  const shown = await captionText(page);
  assert.match(shown, /^Caption \d+$/);
  // The caption on screen belongs to the picture on screen: ffmpeg started the stream (its
  // second 0) at `started`, and its date-times are the wall clock when it packaged each frame.
  const at = await page.evaluate(() => ({
    programme: Number(document.querySelector('[data-testid="player"]').dataset.programmeMs),
    caption: document.querySelector('[data-testid="captions"]').innerText,
  }));
  const k = Number(at.caption.split(' ')[1]);
  const expected = (at.programme - started) / 1000 / CUE_S;
  console.log(`# caption ${k} shown at cue position ${expected.toFixed(2)}`);
  assert.ok(k <= expected + 0.25 && expected < k + 1.75, `caption ${k} on the picture of cue position ${expected.toFixed(2)}`);
  await page.screenshot({ path: join(OUT, 'captions-phone.png') });
  assert.deepEqual(await axeViolations(page), [], 'axe-core, captions on');
  // The next cue replaces it as the picture moves on.
  await until('the next caption', async () => (await captionText(page)) !== at.caption, 8000);
  // `T` turns them off (focus in the widget, not typing), and the choice is kept.
  await button.focus();
  await page.keyboard.press('t');
  assert.equal(await button.getAttribute('aria-pressed'), 'false');
  await page.locator('[data-testid="captions"]').waitFor({ state: 'detached', timeout: 3000 });
  await page.keyboard.press('t');
  await page.reload();
  await page.locator('[data-testid="captions"]').waitFor({ timeout: 40000 });
  assert.equal(await page.getByRole('button', { name: 'Captions' }).getAttribute('aria-pressed'), 'true', 'kept across a reload');
  await page.context().close();
});

test('a video file shows its show\'s caption track, in the shopper\'s language', async () => {
  const vtt = (text) => `data:text/vtt;charset=utf-8,${encodeURIComponent(`WEBVTT\n\n00:00.000 --> 10:00.000\n<v Ayu>${text}</v>\n`)}`;
  const show = join(dir, 'file.toml');
  const tracks = `captions = [
  { url = "${vtt('Welcome to the show!')}", language = "en", label = "English" },
  { url = "${vtt('Selamat datang!')}", language = "id", label = "Bahasa Indonesia" },
]`;
  writeFileSync(show, `${tracks}\n${readFileSync('server/shows/demo.toml', 'utf8')
    .replace(/^\[video\]\nsource = "ingest"\n/m, '')
    .replace(/^id = "demo"$/m, 'id = "demo"\nstream_url = "/media/stream.mp4"')}`);
  const server = await serveLive(BIN, dir, 'file', ['--show', show], children);
  const page = await openViewer(server.url, 'id');
  assert.equal(await page.locator('[data-testid="player"]').getAttribute('crossorigin'), 'anonymous',
    'the file and its tracks are fetched with CORS, as an embed on another origin needs');
  const button = page.getByRole('button', { name: 'Teks' });
  await button.click();
  assert.equal(await captionText(page), 'Selamat datang!', 'the Indonesian track, its voice tag removed');
  const size = await page.locator('.lapak-caption-line').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.equal(size, 17, '1.0625rem of the default 16 px');
  assert.deepEqual(await axeViolations(page), [], 'axe-core, Indonesian captions on');
  await page.context().close();
});
