// Chaos and garbage: the real viewer against a server this file starts, kills
// with SIGKILL mid-command and restarts on the same port and database; and a
// proxy in the browser that slips malformed frames into the socket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, kill9, launchChromium, record, spawnServer } from './support.mjs';

const OUT = process.env.E2E_OUT ?? 'target/e2e';
const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' };
const RESTARTS = 20;

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

const startServer = (port, db) => spawnServer(BIN, port, db);

const state = (page) => page.getByTestId('connection-status').getAttribute('data-state');
// What stands in the slot under the header and is shown: none of it may cover another.
const crowded = (page) => page.evaluate(() => {
  const shown = [...document.querySelectorAll('.lapak-status, .lapak-wallet, .lapak-picture-status, .lapak-go-live, .lapak-mute, .lapak-fullscreen')]
    .filter((e) => e.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && e.getBoundingClientRect().width > 1)
    .map((e) => ({ name: e.className, r: e.getBoundingClientRect() }));
  const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return shown.flatMap((a, i) => shown.slice(i + 1).filter((b) => overlap(a.r, b.r)).map((b) => `${a.name} on ${b.name}`));
});
const countIs = (page, n) => page.waitForFunction((want) => document.querySelector('[data-testid="cart-count"]')?.textContent === want, String(n), { timeout: 30000 });

test('kill -9 with an add in flight: the viewer comes back by itself and the cart is exact', async () => {
  const port = await freePort();
  const db = join(mkdtempSync(join(tmpdir(), 'lapak-chaos-')), 'chaos.db');
  let server = await startServer(port, db);
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByTestId('tag-batik-shirt').click({ timeout: 100000 }); // a fresh show: pinned at 0.5 s
    await page.getByTestId('variant-option-m').click();
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('cart-button').click();
    await page.waitForFunction(() => document.querySelector('.lapak-cart-line') && !document.querySelector('.lapak-cart-line.is-pending'));

    // An add goes out and the server dies at once, before or after applying it.
    const increase = page.locator('[data-testid="cart-line-batik-shirt-m"] [aria-label="Increase quantity"]');
    await increase.click();
    await kill9(server);
    await countIs(page, 2);
    await page.waitForFunction(() => document.querySelector('[data-testid="connection-status"]').dataset.state === 'reconnecting');
    await page.screenshot({ path: `${OUT}/chaos-1-reconnecting.png` });
    assert.deepEqual(await crowded(page), [], 'reconnecting: nothing under the header covers another');

    const times = [];
    for (let i = 0; i < RESTARTS; i++) {
      const started = Date.now();
      server = await startServer(port, db);
      await page.waitForFunction(() => document.querySelector('[data-testid="connection-status"]').dataset.state === 'live', null, { timeout: 30000 });
      times.push(Date.now() - started);
      if (i === 0) {
        await page.waitForFunction(() => !document.querySelector('.lapak-cart-line.is-pending'));
        assert.equal(await page.getByTestId('cart-count').textContent(), '2', 'the in-flight add applied exactly once');
        assert.equal(await page.getByTestId('line-quantity').textContent(), '2');
        await page.screenshot({ path: `${OUT}/chaos-2-back-live.png` });
        assert.deepEqual(await crowded(page), [], 'back live: nothing under the header covers another');
      }
      if (i < RESTARTS - 1) {
        await kill9(server);
        await page.waitForFunction(() => document.querySelector('[data-testid="connection-status"]').dataset.state === 'reconnecting');
      }
    }
    // The server's own record agrees, and the show goes on.
    await page.reload();
    await countIs(page, 2);
    assert.ok(await page.locator('[data-testid^="tag-"]').count() >= 1, 'pins are current after the restarts');
    record('reconnect_to_live_ms', times);
  } finally {
    await context.close();
    server.kill('SIGKILL');
  }
});

test('malformed, unknown and absurd frames from the server leave the viewer usable', async () => {
  const url = process.env.LAPAK_URL;
  assert.ok(url, 'LAPAK_URL names the running server');
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let toPage;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => ws.send(message));
    toPage = (message) => ws.send(message);
  });
  await page.goto(url);
  const tag = page.locator('[data-testid^="tag-"]').first();
  await tag.waitFor({ timeout: 20000 });
  for (const frame of [
    '{', 'null', '[]', '"text"', '{"type":"Pinned"}', '{"type":"Pinned","seq":"x","pin":{}}',
    '{"type":"FlashDeal","seq":1,"deal":{"price":"free"}}', '{"type":"ViewerCount","seq":1,"count":-5}',
    '{"type":"StockChanged","seq":1,"product_id":"nope","variant_id":"nope","stock":1e308}',
    `{"type":"ViewerCount","seq":${Number.MAX_SAFE_INTEGER},"count":4294967295}`,
    'x'.repeat(70000),
  ]) {
    toPage(frame);
  }
  toPage(Buffer.from([0, 159, 146, 150]));
  // The absurd seq is a gap: the viewer resyncs by itself and is live again.
  await page.waitForFunction(() => document.querySelector('[data-testid="connection-status"]')?.dataset.state === 'live', null, { timeout: 30000 });
  const before = Number(await page.getByTestId('cart-count').textContent());
  // Shop from the shelf: unlike tags, its items never leave while the test runs.
  await page.getByTestId('shelf-button').click();
  await page.locator('.lapak-shelf-item .lapak-add:not([disabled])').first().click();
  if (await page.getByTestId('add-to-cart').isVisible()) {
    await page.locator('[data-testid^="variant-option-"]:not([disabled])').first().click();
    await page.getByTestId('add-to-cart').click();
  }
  await countIs(page, before + 1);
  assert.match(await page.getByTestId('viewer-count').textContent(), /^\d[\d,]* watching$/, 'no absurd count shown');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a connection that goes silent without closing is noticed by the heartbeat', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  let connections = 0;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    connections += 1;
    const server = ws.connectToServer();
    let silent = false;
    ws.onMessage((message) => { if (!silent) server.send(message); });
    server.onMessage((message) => { if (!silent) ws.send(message); });
    // The first connection turns into a black hole: no close, no error, nothing.
    if (connections === 1) setTimeout(() => { silent = true; }, 2000);
  });
  await page.goto(process.env.LAPAK_URL);
  await page.locator('[data-testid^="tag-"]').first().waitFor({ timeout: 20000 });
  const started = Date.now();
  while (connections < 2 && Date.now() - started < 45000) await page.waitForTimeout(250);
  assert.equal(connections, 2, 'the viewer opened a new connection by itself');
  await page.waitForFunction(() => document.querySelector('[data-testid="connection-status"]').dataset.state === 'live', null, { timeout: 15000 });
  await context.close();
});
