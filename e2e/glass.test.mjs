// The glass-to-glass code (e2e/glass.mjs) read back through a real encoder: frames painted with
// known times, encoded by ffmpeg with the test encoder's settings and decoded again, read back
// exactly; and the encoder's own frames (the demo clip under the code) carry the wall clock of
// their making, a frame counter that steps by one, and nothing unread. No server, no browser.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAYOUT, encode, encoderArgs, fullMs, glassFramesLost, paintFrame, readCode } from './glass.mjs';

const dir = mkdtempSync(join(tmpdir(), 'lapak-glass-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every frame of `file`, decoded by ffmpeg, read by `readCode` (null where unread). */
function readBack(file) {
  const out = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
    { maxBuffer: 1 << 28 });
  assert.equal(out.status, 0, String(out.stderr));
  const size = LAYOUT.width * LAYOUT.height;
  const codes = [];
  for (let at = 0; at + size <= out.stdout.length; at += size) {
    const frame = out.stdout.subarray(at, at + size);
    codes.push(readCode((x, y) => frame[y * LAYOUT.width + x], LAYOUT));
  }
  return codes;
}

test('known times painted into frames are read back exactly through the encoder', async () => {
  const times = [0, 1, 2 ** 32 - 1, 1_796_000_000_000, 1_796_000_000_001, 1_796_000_123_456, 0xaaaaaaaa, 0x55555555];
  const file = join(dir, 'known.flv');
  const ffmpeg = spawn('ffmpeg', encoderArgs(file), { stdio: ['pipe', 'ignore', 'inherit'] });
  for (const [i, ms] of times.entries()) ffmpeg.stdin.write(paintFrame(ms, 250 + i));
  ffmpeg.stdin.end();
  assert.equal(await new Promise((resolve) => ffmpeg.on('exit', resolve)), 0);
  const codes = readBack(file);
  assert.deepEqual(codes, times.map((ms, i) => ({ ms32: ms % 2 ** 32, counter: (250 + i) % 256 })));
  assert.equal(fullMs(codes[5].ms32, 1_796_000_130_000), 1_796_000_123_456, 'the full time from the low 32 bits and now');
});

test('a block that is neither dark nor light, or a wrong check byte, leaves the frame unread', () => {
  const frame = paintFrame(1_796_000_123_456, 7);
  const pixel = (x, y) => frame[y * LAYOUT.width + x];
  assert.deepEqual(readCode(pixel, LAYOUT), { ms32: 1_796_000_123_456 % 2 ** 32, counter: 7 });
  const grey = (x, y) => (x < LAYOUT.blockWidth && y >= LAYOUT.top && y < LAYOUT.top + LAYOUT.blockHeight ? 128 : pixel(x, y));
  assert.equal(readCode(grey, LAYOUT), null);
  // The last block is the check byte's lowest bit: flipped, the CRC no longer matches.
  const last = { x: (LAYOUT.cols - 1) * LAYOUT.blockWidth, y: LAYOUT.top + (LAYOUT.rows - 1) * LAYOUT.blockHeight };
  const flipped = (x, y) => (x >= last.x && y >= last.y ? 251 - pixel(x, y) : pixel(x, y));
  assert.equal(readCode(flipped, LAYOUT), null);
});

test('the encoder paints each frame with the wall clock of its making and counts its frames', async () => {
  const file = join(dir, 'encoded.flv');
  const start = Date.now();
  assert.equal(await encode(file, { frames: 48 }), 0);
  const end = Date.now();
  const codes = readBack(file);
  assert.equal(codes.length, 48);
  assert.ok(codes.every(Boolean), `every frame read: ${codes.filter((c) => !c).length} unread`);
  const painted = codes.map((c) => fullMs(c.ms32, end));
  assert.deepEqual(codes.map((c) => c.counter), [...Array(48).keys()]);
  for (const [i, ms] of painted.entries()) {
    assert.ok(ms >= start && ms <= end, `frame ${i} painted at ${ms}, made between ${start} and ${end}`);
    if (i > 0) assert.ok(ms > painted[i - 1], `frame ${i} painted after frame ${i - 1}`);
  }
});

test('frames the encoder made and the screen never showed are counted; a jump to the live edge apart', () => {
  // [painted, shown, counter, presented frames, dropped frames], 42 ms apart.
  const glass = [
    [1000, 5000, 254, 10, 0],
    [1042, 5042, 255, 11, 0],
    [1167, 5167, 2, 12, 0], // 3 made (0, 1, 2), 1 presented: 2 never shown
    [1250, 5250, 4, 14, 0], // 2 made, 2 presented (one callback skipped): none lost
    [3250, 5292, 56, 15, 0], // 2 s ahead: a jump
    [3292, 5333, 57, 16, 0],
  ];
  assert.deepEqual(glassFramesLost(glass), { lost: 2, jumps: [2000] });
});
