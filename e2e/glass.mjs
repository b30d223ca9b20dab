// Glass to glass: a test encoder that paints each frame's capture time into the frame, and the
// reader that finds it again on a viewer's screen (e2e/glass.bench.mjs, e2e/glass.test.mjs).
//
// The picture is 360×640 at 24 fps, grey, with a code in its top 144 rows: 8 × 6 blocks of 45 × 24
// pixels, black (0) or white (1), read row by row. 48 bits: the low 32 bits of the wall-clock ms
// when the frame was made, an 8-bit frame counter, and a CRC-8 of those five bytes. Blocks that
// big survive H.264 at any sane rate; a block read neither clearly dark nor clearly light, or a
// CRC that does not match, makes the frame unread rather than misread.
//
// Run as a program it is the encoder: `node e2e/glass.mjs <output>` makes the frames in real time
// (each painted with `Date.now()` as it is made) and pipes them into ffmpeg, which encodes them as
// a host's encoder would (x264 `zerolatency`, a keyframe every second, AAC audio) and publishes
// them to `<output>` (an `rtmp://…/live/<key>` address; or a file, with `-t` seconds: see `encode`).
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Where the code lies in the encoder's frame. */
export const LAYOUT = { width: 360, height: 640, fps: 24, cols: 8, rows: 6, blockWidth: 45, blockHeight: 24 };

/** CRC-8 (polynomial 0x07) of `bytes`. */
export function crc8(bytes) {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/**
 * The code in the frame read through `pixel(x, y)` (brightness 0–255 at the encoder's pixel x, y):
 * `{ ms32, counter }`, or null when a block is unclear or the CRC does not match. Each block's
 * brightness is the mean of its middle half, away from its edges where compression blurs.
 * Runs in pages too (sent as its source with `crc8`), so it uses nothing else; so does `fullMs`.
 */
export function readCode(pixel, layout) {
  const bits = [];
  for (let row = 0; row < layout.rows; row++) {
    for (let col = 0; col < layout.cols; col++) {
      const x0 = col * layout.blockWidth + Math.floor(layout.blockWidth / 4);
      const y0 = row * layout.blockHeight + Math.floor(layout.blockHeight / 4);
      let sum = 0;
      let n = 0;
      for (let y = y0; y < y0 + layout.blockHeight / 2; y++) {
        for (let x = x0; x < x0 + layout.blockWidth / 2; x++) { sum += pixel(x, y); n += 1; }
      }
      const mean = sum / n;
      if (mean > 80 && mean < 176) return null;
      bits.push(mean >= 176 ? 1 : 0);
    }
  }
  const bytes = [];
  for (let i = 0; i < bits.length; i += 8) bytes.push(bits.slice(i, i + 8).reduce((b, bit) => (b << 1) | bit, 0));
  if (crc8(bytes.slice(0, 5)) !== bytes[5]) return null;
  return { ms32: ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3], counter: bytes[4] };
}

/** The wall-clock ms whose low 32 bits are `ms32`, at most 2^32 ms (49 days) before `now`. */
export function fullMs(ms32, now) {
  const behind = (((now % 2 ** 32) - ms32) % 2 ** 32 + 2 ** 32) % 2 ** 32;
  return now - behind;
}

/** The 48 bits painted for `ms` and frame `counter`. */
function codeBits(ms, counter) {
  const low = ms % 2 ** 32;
  const bytes = [(low >>> 24) & 0xff, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff, counter & 0xff];
  bytes.push(crc8(bytes));
  return bytes.flatMap((byte) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (byte >> i) & 1));
}

/**
 * A yuv420p frame of the encoder's picture painted with `ms` and `counter`: the code on top, below
 * it a grey gradient that scrolls one row a frame (so the encoder has motion to code), no colour.
 */
export function paintFrame(ms, counter, layout = LAYOUT) {
  const { width, height } = layout;
  const frame = Buffer.alloc((width * height * 3) / 2, 128);
  for (let y = 0; y < height; y++) {
    frame.fill(60 + ((y + counter) * 3) % 120, y * width, (y + 1) * width);
  }
  const bits = codeBits(ms, counter);
  for (let row = 0; row < layout.rows; row++) {
    for (let col = 0; col < layout.cols; col++) {
      const luma = bits[row * layout.cols + col] ? 235 : 16;
      for (let y = row * layout.blockHeight; y < (row + 1) * layout.blockHeight; y++) {
        const start = y * width + col * layout.blockWidth;
        frame.fill(luma, start, start + layout.blockWidth);
      }
    }
  }
  return frame;
}

/** ffmpeg's arguments: raw frames on its standard input, encoded as a host's encoder would, out to `output`. */
export function encoderArgs(output, layout = LAYOUT) {
  const format = output.startsWith('rtmp://') ? ['-f', 'flv'] : [];
  return ['-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${layout.width}x${layout.height}`, '-framerate', String(layout.fps), '-i', 'pipe:0',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-map', '0:v', '-map', '1:a', '-shortest',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
    '-g', String(layout.fps), '-keyint_min', String(layout.fps), '-sc_threshold', '0',
    '-b:v', '1200k', '-maxrate', '1200k', '-bufsize', '1200k',
    '-c:a', 'aac', '-b:a', '64k', ...format, '-y', output];
}

/**
 * The encoder: frames made on the wall clock, `fps` a second, each painted with `Date.now()` as it
 * is made, into ffmpeg publishing to `output`; `frames` of them (endless when not given). A frame
 * made late (a busy machine) carries the later time: the delay is the shopper's too.
 * Resolves with ffmpeg's exit code.
 */
export function encode(output, { frames = Infinity, layout = LAYOUT } = {}) {
  const ffmpeg = spawn('ffmpeg', encoderArgs(output, layout), { stdio: ['pipe', 'ignore', 'inherit'] });
  const interval = 1000 / layout.fps;
  const started = Date.now();
  let made = 0;
  const next = () => {
    if (made >= frames) { ffmpeg.stdin.end(); return; }
    const ready = ffmpeg.stdin.write(paintFrame(Date.now(), made % 256, layout));
    made += 1;
    const wait = () => setTimeout(next, Math.max(0, started + made * interval - Date.now()));
    if (ready) wait(); else ffmpeg.stdin.once('drain', wait);
  };
  ffmpeg.stdin.on('error', () => {}); // ffmpeg gone: its exit says why
  next();
  return new Promise((resolve) => ffmpeg.on('exit', (code) => resolve(code)));
}

/**
 * Runs in a page before its scripts (with `crc8`, `readCode` and `fullMs` defined, see `glassScript`): for every
 * frame of the player's video, reads its code from the video itself (not the screen: the widget
 * draws over it) and records `[painted ms, shown ms, counter, presented frames, dropped frames]`
 * in `window.glass`, shown being the wall-clock time the browser expects the frame on screen.
 * Frames whose code cannot be read are counted in `window.glassUnread`.
 */
export function watchGlass(layout) {
  window.glass = [];
  window.glassUnread = 0;
  const strip = { width: layout.width, height: layout.rows * layout.blockHeight };
  const canvas = new OffscreenCanvas(strip.width, strip.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const follow = (video) => {
    const frame = (now, meta) => {
      // why: Date.now() and performance.now() are read together, so the frame's expected display
      // time lands on the same wall clock as the encoder's Date.now().
      const shown = Date.now() - (performance.now() - meta.expectedDisplayTime);
      const scale = video.videoWidth / layout.width;
      context.drawImage(video, 0, 0, video.videoWidth, strip.height * scale, 0, 0, strip.width, strip.height);
      const { data } = context.getImageData(0, 0, strip.width, strip.height);
      const code = readCode((x, y) => data[(y * strip.width + x) * 4 + 1], layout);
      if (code) {
        const drops = video.getVideoPlaybackQuality().droppedVideoFrames;
        window.glass.push([fullMs(code.ms32, Date.now()), Math.round(shown), code.counter, meta.presentedFrames, drops]);
      } else {
        window.glassUnread += 1;
      }
      video.requestVideoFrameCallback(frame);
    };
    video.requestVideoFrameCallback(frame);
  };
  new MutationObserver(() => {
    const video = document.querySelector('[data-testid="player"]');
    if (video && !video.glassFollowed) {
      video.glassFollowed = true;
      follow(video);
    }
  }).observe(document, { childList: true, subtree: true });
}

/** `watchGlass` with what it calls, as a script for `page.addInitScript({ content })`. */
export function glassScript(layout = LAYOUT) {
  return `${crc8}\n${readCode}\n${fullMs}\n(${watchGlass})(${JSON.stringify(layout)});`;
}

/**
 * Frames the encoder made, between the first and last read on screen, that never reached the
 * screen (dropped or skipped), from `watchGlass`'s records: each step of the frame counter beyond
 * the frames presented between. Steps of a second or more (a jump to the live edge) are counted
 * apart, as `jumps`, with the ms they skipped.
 */
export function glassFramesLost(glass, layout = LAYOUT) {
  let lost = 0;
  const jumps = [];
  for (let i = 1; i < glass.length; i++) {
    const [painted, , counter, presented] = glass[i];
    const [wasPainted, , wasCounter, wasPresented] = glass[i - 1];
    if (painted - wasPainted >= 1000 || painted < wasPainted) { jumps.push(painted - wasPainted); continue; }
    const made = (counter - wasCounter + 256) % 256;
    lost += Math.max(0, made - (presented - wasPresented));
  }
  return { lost, jumps };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const output = process.argv[2];
  if (!output) {
    console.error('usage: node e2e/glass.mjs <rtmp://host:port/live/key | file>');
    process.exit(2);
  }
  process.exit(await encode(output));
}
