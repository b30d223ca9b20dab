// Shared by the end-to-end tests: Debian's Chromium, free ports, measurements.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

const OUT = process.env.E2E_OUT ?? 'target/e2e';

/** Debian's Chromium, headless, with nothing reaching out to the network. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

/** A phone-sized touch screen, for `browser.newContext`. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** One Chromium for a test file (video may autoplay): launched before its tests, closed after them. */
export function suiteBrowser() {
  let browser;
  before(async () => {
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  });
  after(async () => {
    await browser?.close();
  });
  return { newContext: (options) => browser.newContext(options) };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Adds `values` under `name` in OUT/metrics.json (test files run one after another). */
export function record(name, values) {
  const file = `${OUT}/metrics.json`;
  const metrics = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  metrics[name] = values;
  writeFileSync(file, JSON.stringify(metrics, null, 2));
}

/**
 * Runs in a page: every requestAnimationFrame delta and every long task for `ms`,
 * and for each of `probes` (name → CSS selector) the most matching elements seen in a frame.
 */
export function watchFrames({ ms, probes = {} }) {
  return new Promise((resolve) => {
    const deltas = [];
    const longTasks = [];
    const most = Object.fromEntries(Object.keys(probes).map((name) => [name, 0]));
    let last = performance.now();
    new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask' });
    const started = last;
    const frame = (now) => {
      deltas.push(now - last);
      last = now;
      for (const [name, selector] of Object.entries(probes)) {
        most[name] = Math.max(most[name], document.querySelectorAll(selector).length);
      }
      if (now - started < ms) requestAnimationFrame(frame);
      else resolve({ deltas, longTasks, most });
    };
    requestAnimationFrame(frame);
  });
}

/** The page's JS heap after a full GC and its element count (Chromium with --expose-gc). */
export function sampleMemory(page) {
  return page.evaluate(() => {
    window.gc();
    return { heap: performance.memory.usedJSHeapSize, nodes: document.getElementsByTagName('*').length };
  });
}

/** The p-th percentile of `values` (nearest rank). */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Frame statistics for BENCHMARKS.md from what `watchFrames` saw. */
export function frameStats({ deltas, longTasks }) {
  return {
    frames: deltas.length,
    frame_ms_p50: percentile(deltas, 50),
    frame_ms_p95: percentile(deltas, 95),
    frame_ms_p99: percentile(deltas, 99),
    long_tasks: longTasks.length,
    long_task_ms_max: Math.max(0, ...longTasks),
  };
}

/** Starts `bin` on a free port with a fresh database (`db`) and `args`; resolves once it serves. */
export async function startServer(bin, args = []) {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const port = await freePort();
  const db = join(mkdtempSync(join(tmpdir(), 'lapak-')), 'lapak.db');
  const child = spawn(bin, ['--port', String(port), '--db', db, ...args], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${url}healthz`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, db, stop: () => child.kill('SIGKILL') };
}

/**
 * Starts `bin` on `port` with database `db` and `args` (stderr passed through) and resolves with the
 * child once it prints its URL: for tests that kill a server and start it again on the same
 * port and database.
 */
export async function spawnServer(bin, port, db, args = []) {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--port', String(port), '--db', db, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('Lapak is live at')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** Kills a server started by `spawnServer` with SIGKILL (no clean-up runs); resolves once it is gone. */
export function kill9(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', resolve);
    child.kill('SIGKILL');
  });
}

/** Runs in a page before its scripts: counts the messages its WebSockets receive in `window.framesIn`. */
function countFramesIn() {
  window.framesIn = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { window.framesIn += 1; });
    }
  };
}

/**
 * Opens, at phone size, the widget (`which` = 'lapak') or e2e/flood/vanilla.html served from
 * `server`'s origin, and resolves once it is live; an uncaught page error fails the run.
 * Either page counts the frames it receives in `window.framesIn`.
 */
export async function openFloodPage(browser, server, which) {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.on('pageerror', (error) => { throw new Error(`uncaught error in the ${which} page: ${error.message}`); });
  await page.addInitScript(countFramesIn);
  if (which === 'lapak') {
    await page.goto(server.url);
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 20000 });
  } else {
    await page.goto(`${server.url}healthz`);
    await page.setContent(readFileSync(new URL('./flood/vanilla.html', import.meta.url), 'utf8'));
    await page.locator('body[data-state="live"]').waitFor({ timeout: 20000 });
  }
  return page;
}

/** Types each `{field: value}` into the checkout form's `field-<name>` inputs. */
export async function fill(page, values) {
  for (const [field, value] of Object.entries(values)) {
    await page.getByTestId(`field-${field}`).fill(value);
  }
}

/** A shopper's contact and address, as the checkout form's fields take them. */
export const SHOPPER = {
  name: 'Dewi Sartika',
  email: 'dewi@example.id',
  phone: '+62 812 3456 7890',
  street: 'Jl. Braga No. 12',
  city: 'Bandung',
  postalcode: '40111',
};

/**
 * Starts `bin` with `args` on free HTTP and RTMP ports and a database `name`.db in `dir`
 * (its media beside it); resolves once it serves. The child joins `children`.
 */
export async function serveLive(bin, dir, name, args = [], children = []) {
  const { spawn } = await import('node:child_process');
  const { join } = await import('node:path');
  const port = await freePort();
  const rtmpPort = await freePort();
  const db = join(dir, `${name}.db`);
  const child = spawn(bin, ['--port', String(port), '--rtmp-port', String(rtmpPort), '--db', db, ...args],
    { stdio: 'ignore' });
  children.push(child);
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`${url}healthz`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, rtmp: `rtmp://127.0.0.1:${rtmpPort}/live`, db, args, child };
}

/** The stream key of a server started by `serveLive` (the `stream-key` command on its database). */
export async function streamKey(bin, server) {
  const { spawnSync } = await import('node:child_process');
  const out = spawnSync(bin, ['stream-key', '--db', server.db, ...server.args], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`stream-key: ${out.stderr}`);
  return out.stdout.trim();
}

/** An encoder: ffmpeg publishing `clip` (the demo clip), looped in real time, to `rtmp`/`key`. */
export async function publishClip(rtmp, key, children = [], clip = 'public/media/stream.mp4') {
  const { spawn } = await import('node:child_process');
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1',
    '-i', clip, '-c', 'copy', '-f', 'flv', `${rtmp}/${key}`], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** Resolves with `check()`'s first truthy value, polled every 200 ms; fails after `ms`. */
export async function until(what, check, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Kills `child` with SIGKILL; resolves once it is gone. */
export function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', resolve);
    child.kill('SIGKILL');
  });
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** CPU seconds used so far and resident memory of process `pid`, from /proc. */
export function processUsage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  const rss = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
  return { cpu, rssKiB: rss };
}

/**
 * For each pin of `pins` that a viewer showed (`watchLive`'s `pins` and `seen`): its time and the
 * tag sync error, the programme time of the frame on screen when its tag appeared minus the pin's.
 */
export function tagErrors(pins, seen) {
  return pins.flatMap((pin) => {
    const first = seen.find((s) => s.product === pin.product && s.programme >= pin.at - 1000);
    return first ? [{ at: pin.at, error: first.programme - pin.at }] : [];
  });
}

/**
 * Runs in a live page before its scripts: every Pinned frame (`window.pins`: product, programme
 * time, spot, when heard), each tag as it appears with the programme time of the frame on screen then
 * (`window.seen`), and the player's states as they change (`window.states`).
 */
export function watchLive() {
  window.pins = [];
  window.seen = [];
  window.states = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    // The viewer asks for binary frames first; this page asks for JSON only, to read
    // the frames as they arrive (the server's JSON and binary frames carry the same).
    constructor(url, protocols) {
      super(url, [protocols ?? []].flat().filter((p) => p !== 'lapak.v1.bin'));
      this.addEventListener('message', (event) => {
        const msg = JSON.parse(event.data);
        if (msg.type === 'Pinned') {
          const video = document.querySelector('[data-testid="player"]');
          window.pins.push({ product: msg.pin.product_id, at: msg.pin.at, x: msg.pin.x, y: msg.pin.y, heard: Date.now(), heardAt: Number(video?.dataset.programmeMs) });
        }
      });
    }
  };
  // Frames the page's callbacks never saw (the browser skipped them) and frames the player
  // dropped (never presented), by programme time: a tag due on such a frame can only show on
  // a later one. `frames`: every frame callback, as [its time, the programme time the page
  // showed then, media time (ms), frames presented, frames dropped], for `framesNeverShown`.
  window.skipped = [];
  window.drops = [];
  window.frames = [];
  const follow = (video) => {
    let last = null;
    let dropped = 0;
    const frame = (_now, meta) => {
      const programme = Number(video.dataset.programmeMs);
      const drops = video.getVideoPlaybackQuality().droppedVideoFrames;
      window.frames.push([Math.round(_now), programme, Math.round(meta.mediaTime * 1000), meta.presentedFrames, drops]);
      if (window.frames.length > 20000) window.frames.splice(0, 1000);
      if (last !== null && meta.presentedFrames - last > 1) {
        window.skipped.push({ programme, frames: meta.presentedFrames - last - 1 });
      }
      if (drops > dropped) window.drops.push({ programme, frames: drops - dropped });
      [last, dropped] = [meta.presentedFrames, drops];
      video.requestVideoFrameCallback(frame);
    };
    video.requestVideoFrameCallback?.(frame);
  };
  new MutationObserver((records) => {
    const video = document.querySelector('[data-testid="player"]');
    if (video && !video.followed) {
      video.followed = true;
      follow(video);
    }
    for (const r of records) {
      if (r.type === 'attributes' && r.target === video) {
        const state = video.dataset.state;
        if (window.states.at(-1)?.state !== state) window.states.push({ state, at: Date.now() });
      }
      for (const node of r.addedNodes ?? []) {
        const tag = node.querySelector?.('[data-testid^="tag-"]');
        if (tag && video) window.seen.push({ product: tag.dataset.testid.slice(4), programme: Number(video.dataset.programmeMs), now: performance.now() });
      }
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
}

/**
 * Frames of `frames` (`watchLive`'s `[now, programme, media ms, presented, dropped]`) that the
 * video's timeline held but the player neither presented nor counted as dropped: a hole in
 * the picture. Steps of a second or more (a seek, a jump over a gap) are not counted.
 */
export function framesNeverShown(frames, frameMs = 1000 / 24) {
  let missing = 0;
  for (let i = 1; i < frames.length; i++) {
    const [, , media, presented, dropped] = frames[i];
    const [, , wasMedia, wasPresented, wasDropped] = frames[i - 1];
    const step = media - wasMedia;
    if (step <= 0 || step >= 1000) continue;
    missing += Math.max(0, Math.round(step / frameMs) - (presented - wasPresented) - (dropped - wasDropped));
  }
  return missing;
}

const AXE = readFileSync(new globalThis.URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
// WCAG 2.0–2.2 A and AA (2.2 brings target-size) and axe's best practices (landmarks among them).
const AXE_RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** axe-core (pinned from npm) over the whole page, shadow roots included (or only what `selector`
 * matches, which leaves out rules about the page itself): its violations, a line each. */
export async function axeViolations(page, selector) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const { violations } = await page.evaluate(([tags, selector]) =>
    window.axe.run(selector ? document.querySelector(selector) : document, { runOnly: tags }), [AXE_RULES, selector]);
  return violations.map((v) => `${v.id} ×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Rows as a database shell prints them with `|` between columns: a list of column lists. */
export function rows(out) {
  const text = out.trim();
  return text ? text.split('\n').map((row) => row.split('|')) : [];
}

/** Polls `read(query)` until it returns `want` (JSON-equal), for up to `ms`. */
export async function untilRows(read, query, want, ms = 8000) {
  const until = Date.now() + ms;
  let got;
  while (Date.now() < until) {
    got = read(query);
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(got, want, query);
}

/** Runs in a page before its scripts: its sockets ask the server for JSON frames only (see `watchLive`). */
export function speakJson() {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, [protocols ?? []].flat().filter((p) => p !== 'lapak.v1.bin'));
    }
  };
}

/** Every `Checkout` id the page sends, in order, across every socket it opens. */
export function checkoutsSent(page) {
  const ids = [];
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    const msg = typeof payload === 'string' && payload.startsWith('{') ? JSON.parse(payload) : null;
    if (msg?.type === 'Checkout') ids.push(msg.id);
  }));
  return ids;
}

/** On a fresh show: the batik shirt in M tapped into the cart from its tag, checkout opened and `details` filled in. */
export async function shirtToCheckout(page, details = SHOPPER) {
  await page.getByTestId('tag-batik-shirt').click({ timeout: 100000 }); // a fresh show: pinned at 0.5 s
  await page.getByTestId('variant-option-m').click();
  await page.getByTestId('add-to-cart').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="cart-count"]')?.textContent === '1');
  await page.getByTestId('cart-button').click();
  await page.getByTestId('checkout-button').click();
  await page.getByTestId('quote-line-batik-shirt-m').waitFor();
  await fill(page, details);
}

/** On a fresh show: the batik shirt in M into the cart, checkout opened and filled in, paying with `card`. */
export async function checkoutShirt(page, card) {
  await shirtToCheckout(page, { ...SHOPPER, cardnumber: card, expiry: '12/30', cvc: '123' });
}

/** A studio session of `email` (password `password`) at the server `base`: calls the API with its cookie and CSRF token. */
export async function studioSession(base, email, password) {
  const response = await fetch(`${base}studio/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const cookie = response.headers.get('set-cookie').split(';')[0];
  const { csrf } = await response.json();
  return (method, path, body) => fetch(`${base}${path}`, {
    method,
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
}

/** The keys of the Stripe account `startStripeShop` makes at localstripe (test keys, not secrets). */
export const STRIPE_KEYS = { publishable: 'pk_test_lapak_e2e', secret: 'sk_test_lapak_e2e', webhook: 'whsec_lapak_e2e' };

/**
 * A shop that takes cards through Stripe, on loopback: localstripe (scripts/localstripe.sh), the
 * browser's side of Stripe in front of it (scripts/fakes/stripe.py: Stripe.js, the card field and
 * the 3-D Secure challenge), and `bin` with a `--payments` file for them (its stdout and stderr in
 * `log`), with localstripe's webhooks sent to the server's callback. `stop()` stops all three.
 */
export async function startStripeShop(bin) {
  const { spawn, execFileSync } = await import('node:child_process');
  const { mkdtempSync, openSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'lapak-stripe-'));
  const stopped = [];
  const stop = async () => {
    for (const child of stopped.splice(0).reverse()) await stopChild(child);
    execFileSync('scripts/localstripe.sh', ['stop', join(dir, 'localstripe')]);
  };
  try {
    const localstripe = execFileSync('scripts/localstripe.sh', ['start', join(dir, 'localstripe')], { encoding: 'utf8' }).trim();
    const bridge = spawn('python3', ['scripts/fakes/stripe.py', '--localstripe', localstripe,
      '--secret-key', STRIPE_KEYS.secret, '--publishable-key', STRIPE_KEYS.publishable], { stdio: ['ignore', 'pipe', 'inherit'] });
    stopped.push(bridge);
    const stripeJs = await new Promise((resolve, reject) => {
      bridge.stdout.on('data', (chunk) => {
        const port = String(chunk).match(/listening on 127\.0\.0\.1:(\d+)/)?.[1];
        if (port) resolve(`http://127.0.0.1:${port}`);
      });
      bridge.on('exit', (code) => reject(new Error(`scripts/fakes/stripe.py exited with ${code}`)));
    });
    const payments = join(dir, 'payments.toml');
    writeFileSync(payments, `[cards]\nprovider = "stripe"\n\n[stripe]\npublishable_key = "${STRIPE_KEYS.publishable}"\n`
      + 'secret_key_env = "LAPAK_E2E_STRIPE_SECRET"\nwebhook_secret_env = "LAPAK_E2E_STRIPE_WEBHOOK"\n'
      + `api_base = "${localstripe}"\njs_url = "${stripeJs}/v3/"\n`);
    const port = await freePort();
    const db = join(dir, 'shop.db');
    const log = join(dir, 'server.log');
    const out = openSync(log, 'a');
    const server = spawn(bin, ['--port', String(port), '--db', db, '--payments', payments], {
      stdio: ['ignore', out, out],
      env: { ...process.env, LAPAK_E2E_STRIPE_SECRET: STRIPE_KEYS.secret, LAPAK_E2E_STRIPE_WEBHOOK: STRIPE_KEYS.webhook },
    });
    stopped.push(server);
    const url = `http://127.0.0.1:${port}/`;
    await until('the Stripe shop serves', async () => {
      if (server.exitCode !== null) throw new Error(`the server exited: ${readFileSync(log, 'utf8')}`);
      try { return (await fetch(`${url}healthz`)).ok; } catch { return false; }
    }, 20000);
    const hooked = await fetch(`${localstripe}/_config/webhooks/lapak`, {
      method: 'POST',
      body: new URLSearchParams({ url: `${url}api/v1/payments/stripe/callback`, secret: STRIPE_KEYS.webhook }),
    });
    assert.equal(hooked.status, 200, 'localstripe takes the webhook endpoint');
    return { url, db, log, localstripe, stripeJs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every frame `page`'s WebSockets send, as text (binary frames as Latin-1), into the list returned. */
export function framesSent(page) {
  const frames = [];
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    frames.push(typeof payload === 'string' ? payload : Buffer.from(payload).toString('latin1'));
  }));
  return frames;
}
