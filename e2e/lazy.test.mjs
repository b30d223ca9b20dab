// The viewer's first payload is its critical path (the video, the tags, the picker and the
// socket); everything else loads as wasm chunks (scripts/build-viewer.sh). The layers over the
// show (chat and gift lane, hearts, spotlight, toasts, captions, the shelf's list) are fetched
// right after the show is first painted; the rarely opened sheets are prefetched in an idle
// moment. A layer whose chunk fails is tried again; a sheet's shows a retry in place, and the
// retry loads it. Timings of a tap on checkout to its sheet, cold and prefetched, and of the show
// going live to the chat on screen, go to metrics.json as `lazy`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, record, PHONE } from './support.mjs';

const ORIGIN = new URL(process.env.LAPAK_URL ?? 'http://127.0.0.1:8080/').origin;
const CHUNK = /\/chunks\/(split|chunk)_[a-z_0-9]+-[0-9a-f]{16}\.wasm$/;

let browser;
const timings = { checkout_cold_ms: [], checkout_prefetched_ms: [], live_to_chat_ms: [] };
/** The chunks of the layers fetched right after the first paint, and of the sheets prefetched when idle. */
const LAYERS = ['captions', 'chat', 'hearts', 'shelf', 'spotlight', 'toasts'];
const SHEETS = ['cart', 'checkout', 'gifts', 'missions', 'orders', 'payment', 'picker', 'top_up'];
before(async () => {
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});
after(async () => {
  await browser?.close();
  record('lazy', timings);
});

/** A fresh page at phone size; `chunks` lists the chunk paths it fetched, in order. */
async function open() {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  const chunks = [];
  page.on('requestfinished', (r) => { const path = new URL(r.url()).pathname; if (CHUNK.test(path)) chunks.push(path); });
  return { page, chunks };
}

/** Puts the batik shirt in the cart from the shelf (the picker's options and the cart's lines are chunks too). */
async function addShirt(page) {
  await page.getByTestId('shelf-button').click();
  await page.getByTestId('shelf-item-batik-shirt').getByRole('button').last().click();
  await page.locator('[data-testid="picker"] .lapak-chip:not([disabled])').first().click();
  await page.getByTestId('add-to-cart').click();
  await page.getByTestId('cart-count').filter({ hasText: '1' }).waitFor();
}

/** Milliseconds from a click on checkout to its order summary on screen. */
async function timeCheckout(page) {
  await page.getByTestId('cart-button').click();
  // The cart's lines come from their own chunk: the tap timed is the one on checkout.
  await page.getByTestId('checkout-button').waitFor();
  const started = await page.evaluate(() => {
    const t0 = performance.now();
    document.querySelector('[data-testid="checkout-button"]').click();
    return t0;
  });
  const shown = await page.waitForFunction(() => document.querySelector('[data-testid="checkout"] [data-testid="total"]')
    && performance.now(), null, { timeout: 20000 });
  return Math.round((await shown.jsonValue()) - started);
}

test('the first payload is the critical path; layers load once the show is painted, sheets when idle; a tap then opens checkout', async () => {
  const { page, chunks } = await open();
  // When the show went live and when the chat came, on the page's own clock.
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (window.liveAt === undefined && document.querySelector('[data-testid="connection-status"][data-state="live"]')) {
        window.liveAt = performance.now();
      }
      if (window.chatAt === undefined && document.querySelector('[data-testid="chat-input"]')) {
        window.chatAt = performance.now();
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await page.goto(ORIGIN);
  await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ state: 'attached', timeout: 30000 });
  // The layers come at once, the sheets in the idle moment after.
  const fetched = () => new Set(chunks.map((p) => p.match(/split_([a-z_]+)-/)?.[1]).filter(Boolean));
  const want = [...LAYERS, ...SHEETS].sort();
  for (let i = 0; i < 100 && fetched().size < want.length; i++) await page.waitForTimeout(100);
  assert.deepEqual([...fetched()].sort(), want, `fetched: ${chunks}`);
  await page.getByTestId('chat-input').waitFor();
  const { liveAt, chatAt, starts } = await page.evaluate((source) => ({
    liveAt: window.liveAt,
    chatAt: window.chatAt,
    starts: performance.getEntriesByType('resource').filter((e) => new RegExp(source).test(new URL(e.name).pathname))
      .map((e) => e.startTime),
  }), CHUNK.source);
  assert.ok(starts.length >= want.length && starts.every((t) => t >= liveAt),
    `chunks asked for before the show was live (${liveAt}): ${starts}`);
  timings.live_to_chat_ms.push(Math.round(chatAt - liveAt));

  await addShirt(page);
  timings.checkout_prefetched_ms.push(await timeCheckout(page));
  await page.context().close();
});

test('a chunk that fails to load: a sheet shows a retry in place, a layer is tried again; cold tap timings', async () => {
  const { page } = await open();
  let fail = true;
  // Every chunk fails until told otherwise: the idle prefetch fails quietly, the tap shows the retry.
  await page.route(CHUNK, (route) => (fail ? route.fulfill({ status: 503, body: 'unavailable' }) : route.fallback()));
  await page.goto(ORIGIN);
  await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ state: 'attached', timeout: 30000 });
  await page.getByTestId('gift-button').click();
  const sheet = page.getByTestId('gift-sheet');
  await sheet.getByTestId('sheet-load-failed').waitFor();
  assert.match(await sheet.getByTestId('sheet-load-failed').textContent(), /could not be loaded/);
  assert.equal(await page.getByTestId('connection-status').getAttribute('data-state'), 'live', 'the widget carries on');
  assert.equal(await page.getByTestId('chat-input').count(), 0, 'the chat could not load yet');
  fail = false;
  await sheet.getByTestId('sheet-retry').click();
  await sheet.getByTestId('gift-rose').waitFor();
  // The chat's layer is fetched again by itself, with nothing to tap.
  await page.getByTestId('chat-input').waitFor({ state: 'attached', timeout: 15000 });
  await page.keyboard.press('Escape');

  // Cold: the checkout's chunk was never fetched (the prefetch failed); the tap fetches it.
  await addShirt(page);
  timings.checkout_cold_ms.push(await timeCheckout(page));
  await page.context().close();
});
