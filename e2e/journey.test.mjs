// End-to-end journeys: the release viewer against the real server, in Debian's
// Chromium driven by playwright-core. Run by scripts/e2e.sh, which starts the
// server with a fresh database (so the demo show starts at stream time 0) and
// passes its URL in LAPAK_URL. The main journey uses the demo timeline's
// opening pin (the batik shirt, up 0.5–24 s into each 90 s loop). Screenshots and timings go to E2E_OUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, record } from './support.mjs';

const URL = process.env.LAPAK_URL ?? 'http://127.0.0.1:8080/';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

let browser;
const taps = [];
const tapsInFrame = [];

before(async () => {
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close();
  record('tap_to_render_ms', taps);
  record('tap_to_render_same_frame', tapsInFrame);
});

/** A page that fails the test on any uncaught error in the viewer. */
async function open(context) {
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  await page.goto(URL);
  return page;
}

const count = (page) => page.getByTestId('cart-count').textContent();

/**
 * Clicks `selector` in the page and returns the ms until the cart count reads `expected`,
 * noting whether it did by the first animation frame after the click (the frame that
 * paints it): the tap is rendered optimistically, before the server's Ack.
 */
async function timedClick(page, selector, expected) {
  const [ms, sameFrame] = await page.evaluate(([sel, want]) => new Promise((resolve, reject) => {
    const badge = document.querySelector('[data-testid="cart-count"]');
    const t0 = performance.now();
    document.querySelector(sel).click();
    let ms = null;
    let sameFrame = null;
    const done = () => ms !== null && sameFrame !== null && resolve([ms, sameFrame]);
    requestAnimationFrame(() => { sameFrame = badge.textContent === want; done(); });
    const seen = () => { ms = performance.now() - t0; done(); };
    if (badge.textContent === want) return seen();
    const watch = new MutationObserver(() => {
      if (badge.textContent === want) { watch.disconnect(); seen(); }
    });
    watch.observe(badge, { childList: true, characterData: true, subtree: true });
    setTimeout(() => reject(new Error(`cart count stayed ${badge.textContent}`)), 5000);
  }), [selector, String(expected)]);
  taps.push(ms);
  tapsInFrame.push(sameFrame);
  return ms;
}

/** Waits until no cart line is waiting for the server (the drawer must be open). */
async function settled(page) {
  await page.waitForFunction(() => document.querySelector('.lapak-cart-line') && !document.querySelector('.lapak-cart-line.is-pending'));
}

test('tap a tag, pick a size, the cart counts it at once; reload and a second tab keep it; a refusal rolls back', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await open(context);

  const tag = page.getByTestId('tag-batik-shirt');
  // Pinned 0.5–24 s into every 90 s loop: at worst, wait for the next loop.
  await tag.waitFor({ state: 'visible', timeout: 100000 });
  await page.getByTestId('connection-status').and(page.locator('[data-state="live"]')).waitFor({ state: 'attached' });
  await page.screenshot({ path: `${OUT}/phone-1-live.png` });
  assert.match(await tag.textContent(), /Batik Parang Shirt.*Rp\s189,000/);

  await tag.click();
  await page.getByTestId('variant-option-xl').click();
  await page.screenshot({ path: `${OUT}/phone-2-picker.png` });
  const ms = await timedClick(page, '[data-testid="add-to-cart"]', 1);
  assert.ok(ms < 1000, `tap → count took ${ms} ms`);
  assert.equal(await count(page), '1');

  await page.getByTestId('cart-button').click();
  const line = page.getByTestId('cart-line-batik-shirt-xl');
  await line.waitFor();
  await settled(page);
  assert.match(await line.textContent(), /XL/);
  await page.screenshot({ path: `${OUT}/phone-3-cart.png` });

  await page.reload();
  await page.waitForFunction(() => document.querySelector('[data-testid="cart-count"]')?.textContent === '1');

  const second = await open(context);
  await second.waitForFunction(() => document.querySelector('[data-testid="cart-count"]')?.textContent === '1');

  // XL has 3 in stock: 2 and 3 are accepted, 4 is refused by the server and rolls back.
  await page.getByTestId('cart-button').click();
  const increase = '[data-testid="cart-line-batik-shirt-xl"] [aria-label="Increase quantity"]';
  await timedClick(page, increase, 2);
  await settled(page);
  await timedClick(page, increase, 3);
  await settled(page);
  await second.waitForFunction(() => document.querySelector('[data-testid="cart-count"]')?.textContent === '3');
  await page.click(increase);
  const notice = page.getByTestId('notice');
  await notice.waitFor();
  assert.equal(await notice.textContent(), 'Sorry, not enough Batik Parang Shirt left in stock.');
  await page.waitForFunction(() => document.querySelector('[data-testid="cart-count"]').textContent === '3');
  await page.screenshot({ path: `${OUT}/phone-4-refused.png` });
  // More timed taps: down to 2 and back up to 3, eight times.
  const decrease = '[data-testid="cart-line-batik-shirt-xl"] [aria-label="Decrease quantity"]';
  for (let i = 0; i < 8; i++) {
    await timedClick(page, decrease, 2);
    await settled(page);
    await timedClick(page, increase, 3);
    await settled(page);
  }
  assert.ok(tapsInFrame.every(Boolean), `every tap shows in the next frame: ${tapsInFrame}`);
  await context.close();
});

test('the viewer asks for binary frames and the server sends them', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  // The server sends binary frames only on a socket that asked for `lapak.v1.bin`.
  const frames = [];
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => frames.push(Buffer.isBuffer(payload) ? 'binary' : 'text')));
  await page.goto(URL);
  await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ state: 'attached', timeout: 30000 });
  assert.ok(frames.length > 0 && frames.every((t) => t === 'binary'), `every frame binary: ${frames}`);
  await context.close();
});

test('the stream plays muted with the host, LIVE badge and viewer count', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await open(context);
  const video = page.getByTestId('player');
  await page.waitForFunction(() => document.querySelector('[data-testid="player"]')?.currentTime > 0.3, null, { timeout: 20000 });
  // The demo is live: the player feeds the video through Media Source Extensions, and a live
  // stream does not loop.
  assert.deepEqual(await video.evaluate((v) => [v.muted, v.playsInline, v.loop, v.autoplay, v.src.startsWith('blob:')]),
    [true, true, false, true, true]);
  assert.equal(await page.getByTestId('host-name').textContent(), 'Ayu Lestari');
  assert.match(await page.getByTestId('viewer-count').textContent(), /^\d+ watching$/);

  await page.getByTestId('mute-button').click();
  assert.equal(await video.evaluate((v) => v.muted), false, 'the sound toggle unmutes');
  await context.close();
});

test('each tag sits where the host pinned it, on a phone and on a desktop', async () => {
  for (const device of [PHONE, DESKTOP]) {
    const context = await browser.newContext({ ...device, locale: 'en-US' });
    const page = await open(context);
    await page.locator('[data-testid^="tag-"]').first().waitFor({ timeout: 20000 });
    await page.waitForTimeout(500); // past the tag's pop-in
    // The show's pins as the server has them, from a socket of the page's own.
    const off = await page.evaluate(() => new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://${location.host}/ws`);
      socket.onerror = reject;
      socket.onopen = () => socket.send(JSON.stringify({ type: 'Hello', protocol: 1 }));
      socket.onmessage = ({ data }) => {
        const msg = JSON.parse(data);
        if (msg.type !== 'Welcome') return;
        socket.close();
        // The video covers the layer: the 9:16 picture, centred, its sides cropped on a phone.
        const layer = document.querySelector('.lapak-tags').getBoundingClientRect();
        const [pw, ph] = [Math.max(layer.width, (layer.height * 9) / 16), Math.max(layer.height, (layer.width * 16) / 9)];
        // The tags of the picture's moment (the picture is behind live): the base
        // with the log's changes up to it (protocol `tags_at`).
        const picture = Number(document.querySelector('[data-testid="player"]').dataset.programmeMs);
        const pins = [...msg.show.pins];
        for (const change of msg.show.tag_log ?? []) {
          if (change.at > picture) break;
          const i = pins.findIndex((p) => p.product_id === change.product_id);
          if (change.pin && i >= 0) pins[i] = change.pin;
          else if (change.pin) pins.push(change.pin);
          else if (i >= 0) pins.splice(i, 1);
        }
        const shown = pins.filter((pin) => document.querySelector(`[data-testid="tag-${pin.product_id}"]`));
        resolve(shown.map((pin) => {
          const dot = document.querySelector(`[data-testid="tag-${pin.product_id}"]`).parentElement.getBoundingClientRect();
          const [x, y] = [layer.left + layer.width / 2 + (pin.x - 0.5) * pw, layer.top + layer.height / 2 + (pin.y - 0.5) * ph];
          return [pin.product_id, Math.abs(dot.left - x), Math.abs(dot.top - y)];
        }));
      };
    }));
    assert.ok(off.length > 0, 'a pin is up');
    for (const [product, dx, dy] of off) {
      assert.ok(dx <= 2 && dy <= 2, `${product}'s dot is on its pin (off by ${dx.toFixed(1)}, ${dy.toFixed(1)} px)`);
    }
    await context.close();
  }
});

test('the shelf lists every product featured so far', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await open(context);
  await page.locator('[data-testid^="tag-"]').first().waitFor({ timeout: 20000 });
  await page.getByTestId('shelf-button').click();
  await page.locator('[data-testid^="shelf-item-"]').first().waitFor();
  // Read tags and shelf in one go: the timeline may pin or unpin at any moment.
  const { pinned, showingNow, featured } = await page.evaluate(() => {
    const ids = (selector, prefix) => [...document.querySelectorAll(selector)].map((e) => e.dataset.testid.slice(prefix.length)).sort();
    return {
      pinned: ids('[data-testid^="tag-"]', 'tag-'),
      featured: ids('[data-testid^="shelf-item-"]', 'shelf-item-'),
      showingNow: [...document.querySelectorAll('[data-testid^="shelf-item-"]')]
        .filter((e) => e.querySelector('.lapak-now')).map((e) => e.dataset.testid.slice('shelf-item-'.length)).sort(),
    };
  });
  assert.deepEqual(showingNow, pinned, 'exactly the pinned products are marked "Showing now"');
  assert.ok(pinned.every((id) => featured.includes(id)), 'every pinned product is on the shelf');
  await page.screenshot({ path: `${OUT}/phone-5-shelf.png` });
  await context.close();
});

test('Indonesian shoppers get Indonesian text and rupiah', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'id-ID' });
  const page = await open(context);
  const tag = page.locator('[data-testid^="tag-"]').first();
  await tag.waitFor({ timeout: 20000 });
  assert.match(await tag.textContent(), /Rp\s\d{2,3}\.000/);
  // The show file's Indonesian names, not the brand's English ones.
  const names = {
    'batik-shirt': 'Kemeja Batik Parang', 'pandan-tote': 'Tas Anyaman Pandan', 'gayo-coffee': 'Kopi Arabika Gayo',
    'sambal-jar': 'Sambal Bawang Toples', 'silk-scarf': 'Selendang Sutra', 'rattan-lamp': 'Lampu Gantung Rotan',
  };
  // Which tag and what it says, read at once: the timeline may swap the first tag between two reads.
  const [testid, text] = await tag.evaluate((el) => [el.dataset.testid, el.textContent]);
  const product = testid.slice('tag-'.length);
  assert.ok(names[product], `a demo product: ${product}`);
  assert.match(text, new RegExp(names[product]));
  assert.match(await page.getByTestId('viewer-count').textContent(), /menonton$/);
  // The host's message above the chat, in its Indonesian translation.
  await page.getByTestId('chat-pinned').filter({ hasText: 'Gratis ongkir di atas Rp300.000 hari ini' }).waitFor();
  await page.screenshot({ path: `${OUT}/phone-6-indonesian.png` });
  await context.close();
});

test('desktop: the player centred in 9:16 with the shelf beside it', async () => {
  const context = await browser.newContext({ ...DESKTOP, locale: 'en-US' });
  const page = await open(context);
  await page.locator('[data-testid^="tag-"]').first().waitFor({ timeout: 20000 });
  const stage = await page.locator('.lapak-stage').boundingBox();
  const shelf = await page.locator('.lapak-shelf').boundingBox();
  assert.ok(Math.abs(stage.width / stage.height - 9 / 16) < 0.01, `stage is ${stage.width}×${stage.height}`);
  assert.ok(shelf.x >= stage.x + stage.width, 'the shelf sits beside the player');
  await page.screenshot({ path: `${OUT}/desktop-1-live.png` });
  await context.close();
});
