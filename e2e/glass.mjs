// Glass to glass: a test encoder that paints each frame's capture time into the frame, and the
// reader that finds it again on a viewer's screen (e2e/glass.bench.mjs, e2e/glass.test.mjs).
//
// The picture is the demo clip's (public/media/stream.mp4, made by scripts/make-media.sh: 540×960
// at 24 fps), decoded in a loop, with a code over its bottom 216 rows (the sideboard, below the
// products): 8 × 6 blocks of 66 × 36 pixels, black (0) or white (1), read row by row. 48 bits: the
// low 32 bits of the wall-clock ms when the frame was made, an 8-bit frame counter, and a CRC-8 of
// those five bytes. Blocks that big survive H.264 at any sane rate; a block read neither clearly
// dark nor clearly light, or a CRC that does not match, makes the frame unread rather than misread.
//
// Run as a program it is the encoder: `node e2e/glass.mjs <output>` makes the frames in real time
// (each painted with `Date.now()` as it is made) and pipes them into ffmpeg, which encodes them as
// a host's encoder would (x264 `zerolatency`, a keyframe every second, AAC audio) and publishes
// them to `<output>` (an `rtmp://…/live/<key>` address, or a file: see `encode`).
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Where the code lies in the encoder's frame. */
export const LAYOUT = { width: 540, height: 960, fps: 24, cols: 8, rows: 6, blockWidth: 66, blockHeight: 36, top: 744 };

/** The picture under the code: the demo show's clip. */
export const CLIP = 'public/media/stream.mp4';

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
      const y0 = layout.top + row * layout.blockHeight + Math.floor(layout.blockHeight / 4);
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
 * Paints the code for `ms` and frame `counter` over `frame` (yuv420p at the layout's size), in grey:
 * the chroma under it is made neutral, so white reads white whatever colour was there.
 */
export function paintCode(frame, ms, counter, layout = LAYOUT) {
  const { width, height } = layout;
  const bits = codeBits(ms, counter);
  for (let row = 0; row < layout.rows; row++) {
    for (let col = 0; col < layout.cols; col++) {
      const luma = bits[row * layout.cols + col] ? 235 : 16;
      for (let y = layout.top + row * layout.blockHeight; y < layout.top + (row + 1) * layout.blockHeight; y++) {
        const start = y * width + col * layout.blockWidth;
        frame.fill(luma, start, start + layout.blockWidth);
      }
    }
  }
  const chroma = width * height;
  for (const plane of [chroma, chroma + chroma / 4]) {
    frame.fill(128, plane + (layout.top / 2) * (width / 2), plane + (height / 2) * (width / 2));
  }
  return frame;
}

/** A grey yuv420p frame with the code for `ms` and `counter` painted on it. */
export function paintFrame(ms, counter, layout = LAYOUT) {
  return paintCode(Buffer.alloc((layout.width * layout.height * 3) / 2, 128), ms, counter, layout);
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
 * The clip's frames, decoded by ffmpeg in an endless loop, as yuv420p buffers at the layout's size
 * and rate: `next()` resolves with the next one. Only a few frames are decoded ahead.
 */
function clipFrames(clip, layout) {
  const size = (layout.width * layout.height * 3) / 2;
  const decoder = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-stream_loop', '-1', '-i', clip, '-an',
    '-vf', `scale=${layout.width}:${layout.height},fps=${layout.fps}`, '-pix_fmt', 'yuv420p', '-f', 'rawvideo', 'pipe:1'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  const frames = [];
  const waiting = [];
  let chunks = [];
  let length = 0;
  decoder.stdout.on('data', (chunk) => {
    chunks.push(chunk);
    length += chunk.length;
    if (length < size) return;
    // why: joined once a frame's worth has come, not chunk by chunk (a frame is ~12 chunks).
    let pending = Buffer.concat(chunks, length);
    while (pending.length >= size) {
      const frame = Buffer.from(pending.subarray(0, size));
      pending = pending.subarray(size);
      if (waiting.length) waiting.shift()(frame); else frames.push(frame);
    }
    chunks = [pending];
    length = pending.length;
    if (frames.length >= 4) decoder.stdout.pause();
  });
  return {
    next: () => new Promise((resolve) => {
      if (frames.length) resolve(frames.shift()); else waiting.push(resolve);
      if (frames.length < 4) decoder.stdout.resume();
    }),
    stop: () => decoder.kill('SIGKILL'),
  };
}

/**
 * The encoder: frames made on the wall clock, `fps` a second, each the next frame of `clip` (grey
 * frames when null) painted with `Date.now()` as it is made, into ffmpeg publishing to `output`;
 * `frames` of them (endless when not given). A frame made late (a busy machine) carries the later
 * time: the delay is the shopper's too. Resolves with ffmpeg's exit code.
 */
export async function encode(output, { frames = Infinity, clip = CLIP, layout = LAYOUT } = {}) {
  const source = clip && clipFrames(clip, layout);
  const ffmpeg = spawn('ffmpeg', encoderArgs(output, layout), { stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => ffmpeg.on('exit', (code) => resolve(code)));
  ffmpeg.stdin.on('error', () => {}); // ffmpeg gone: its exit says why
  const interval = 1000 / layout.fps;
  let started = null;
  for (let made = 0; made < frames && ffmpeg.exitCode === null; made++) {
    const picture = source ? await source.next() : null;
    started ??= Date.now();
    const wait = started + made * interval - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const frame = picture ? paintCode(picture, Date.now(), made % 256, layout) : paintFrame(Date.now(), made % 256, layout);
    if (!ffmpeg.stdin.write(frame)) await Promise.race([new Promise((r) => ffmpeg.stdin.once('drain', r)), exited]);
  }
  ffmpeg.stdin.end();
  source?.stop();
  return exited;
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
      context.drawImage(video, 0, layout.top * scale, video.videoWidth, strip.height * scale, 0, 0, strip.width, strip.height);
      const { data } = context.getImageData(0, 0, strip.width, strip.height);
      const code = readCode((x, y) => data[((y - layout.top) * strip.width + x) * 4 + 1], layout);
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
