// Paying outside the widget, end to end: the release viewer against the real server and its
// built-in test provider, in Debian's Chromium at phone size.
// - QRIS: the widget draws the QR code with the amount and a countdown; the shopper's bank app
//   (the test provider's pay page) pays it, and the order turns paid live on both of the
//   shopper's tabs, without a reload.
// - A virtual account the shopper never pays: its number can be copied; when the request expires
//   the panel says so, the shirt comes back into the cart and the show's stock is whole again.
// - Cash on delivery: confirmed at once, "pay the courier".
// - A refund from the studio: the brand refunds a paid QRIS order from the Orders tab, and the
//   shopper's orders sheet says "Refunded" live.
// Screenshots of every step; axe-core over the waiting panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PHONE, axeViolations, checkoutShirt, freePort, kill9, rows, spawnServer, suiteBrowser, until,
} from './support.mjs';

const URL = process.env.LAPAK_URL ?? 'http://127.0.0.1:8080/';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const PASSWORD = 'owner of the friday drop';
const LAPTOP = { viewport: { width: 1280, height: 800 } };

const browser = suiteBrowser();

/** A server of its own on a fresh database, with `args`; its URL, database and process. */
async function ownServer(args = []) {
  const port = await freePort();
  const db = join(mkdtempSync(join(tmpdir(), 'lapak-pay-')), 'pay.db');
  const child = await spawnServer(BIN, port, db, args);
  return { url: `http://127.0.0.1:${port}/`, db, child };
}

/** A shopper's page at `url`, failing on any uncaught error. */
async function shopper(context, url) {
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  await page.goto(url);
  return page;
}

/** On a fresh show: the shirt in the cart, checkout filled in, paid by `method` (a radio's test id). */
async function payBy(page, method) {
  await checkoutShirt(page, '');
  await page.getByTestId(method).check();
  await page.getByTestId('pay').click();
  await page.getByTestId('payment-status').waitFor();
  return (await page.getByTestId('payment-order').textContent()).match(/LPK-\d{6}/)[0];
}

/** The test provider's pay page: the shopper's bank app paying order `number`. */
async function bankAppPays(url, number) {
  const answer = await fetch(`${url}api/v1/payments/test/pay/${number}`, { method: 'POST' });
  assert.equal(answer.status, 200);
  return answer.json();
}

/** Units of the M shirt left in the database `db`. */
const shirtsLeft = (db) => Number(rows(execFileSync('sqlite3', ['-readonly', db,
  "SELECT quantity FROM stock WHERE product_id = 'batik-shirt' AND variant_id = 'm'"], { encoding: 'utf8' }))[0][0]);

test('QRIS: the QR code is shown, the bank app pays, and both tabs see the order paid', async () => {
  const server = await ownServer();
  try {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
    const page = await shopper(context, server.url);
    const before = shirtsLeft(server.db);
    const number = await payBy(page, 'method-qris');
    const qr = page.getByTestId('qr');
    await qr.waitFor();
    assert.match(await qr.getAttribute('aria-label'), /QRIS.*Rp/, 'the code is named with its amount');
    assert.ok(await qr.locator('path, rect').count() > 0, 'the code is drawn');
    assert.match(await page.getByTestId('due-amount').textContent(), /Rp/);
    assert.match(await page.getByTestId('due-countdown').textContent(), /1[45]:\d\d/);
    assert.equal(shirtsLeft(server.db), before - 1, 'the shirt is held while the order waits');
    assert.deepEqual(await axeViolations(page), [], 'the waiting panel is axe-clean');
    await page.screenshot({ path: `${OUT}/pay-1-qris.png` });

    // The same shopper in a second tab: the order waits there too, with "Pay now".
    const second = await shopper(context, server.url);
    await second.getByTestId('orders-button').click();
    await second.getByTestId('pay-now').waitFor();
    await second.screenshot({ path: `${OUT}/pay-2-second-tab-waiting.png` });

    assert.deepEqual(await bankAppPays(server.url, number), { order: number, paid: true });
    await page.getByTestId('payment-heading').filter({ hasText: 'Order confirmed' }).waitFor();
    await second.getByTestId('order-status').filter({ hasText: 'Paid' }).waitFor();
    assert.equal(await second.getByTestId('pay-now').count(), 0, 'nothing left to pay');
    assert.equal(shirtsLeft(server.db), before - 1, 'sold, not given back');
    await page.screenshot({ path: `${OUT}/pay-3-qris-paid.png` });
    await second.screenshot({ path: `${OUT}/pay-4-second-tab-paid.png` });
    await context.close();
  } finally {
    await kill9(server.child);
  }
});

test('a virtual account left unpaid expires: the panel says so and the shirt comes back', async () => {
  const server = await ownServer(['--payment-window-secs', '6']);
  try {
    const context = await browser.newContext({ ...PHONE, locale: 'id-ID' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await shopper(context, server.url);
    const before = shirtsLeft(server.db);
    const number = await payBy(page, 'method-va-bca');
    const account = (await page.getByTestId('va-number').textContent()).replace(/\D/g, '');
    assert.ok(account.length >= 10, `an account number: ${account}`);
    await page.getByTestId('copy-number').click();
    await page.getByTestId('copy-number').filter({ hasText: 'Disalin' }).waitFor();
    assert.equal((await page.evaluate(() => navigator.clipboard.readText())).replace(/\D/g, ''), account);
    await page.screenshot({ path: `${OUT}/pay-5-va-id.png` });
    assert.equal(shirtsLeft(server.db), before - 1);

    await page.getByTestId('payment-settled').waitFor({ timeout: 20000 });
    assert.match(await page.getByTestId('payment-heading').textContent(), /habis/i);
    await until('the shirt is back in stock', () => shirtsLeft(server.db) === before);
    await page.waitForFunction(() => document.querySelector('[data-testid="cart-count"]')?.textContent === '1');
    // Paid too late: the bank app is refused, and the order stays expired.
    assert.deepEqual(await bankAppPays(server.url, number), { order: number, paid: false });
    await page.screenshot({ path: `${OUT}/pay-6-va-expired-id.png` });
    await context.close();
  } finally {
    await kill9(server.child);
  }
});

test('cash on delivery is confirmed at once, to pay the courier', async () => {
  const server = await ownServer();
  try {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
    const page = await shopper(context, server.url);
    await payBy(page, 'method-cod');
    const settled = page.getByTestId('payment-settled');
    await settled.waitFor();
    assert.match(await settled.textContent(), /Pay the courier Rp/);
    assert.match(await page.getByTestId('payment-heading').textContent(), /pay on delivery/);
    await page.screenshot({ path: `${OUT}/pay-7-cod.png` });
    await context.close();
  } finally {
    await kill9(server.child);
  }
});

test('a refund from the studio reaches the shopper live', async () => {
  // The shared server is live from the demo clip, as the studio expects.
  const email = 'owner@payments.example';
  const added = spawnSync(BIN, ['add-user', '--email', email, '--role', 'owner'],
    { env: { ...process.env, LAPAK_PASSWORD: PASSWORD }, encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);

  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await shopper(context, URL);
  const number = await payBy(page, 'method-qris');
  await bankAppPays(URL, number);
  await page.getByTestId('payment-heading').filter({ hasText: 'Order confirmed' }).waitFor();

  // Keep watching: the sheet closes; the orders sheet stays open while the brand refunds.
  await page.getByTestId('payment-status').getByRole('button', { name: 'Keep watching' }).click();
  await page.getByTestId('orders-button').click();
  await page.getByTestId('order-status').filter({ hasText: 'Paid' }).first().waitFor();

  const studio = await (await browser.newContext({ ...LAPTOP, locale: 'en-US' })).newPage();
  studio.on('pageerror', (error) => assert.fail(`uncaught error in the studio: ${error.message}`));
  await studio.goto(`${URL}studio/`);
  await studio.getByTestId('email').fill(email);
  await studio.getByTestId('password').fill(PASSWORD);
  await studio.getByRole('button', { name: 'Sign in' }).click();
  await studio.getByTestId('tab-orders').click();
  const row = studio.getByTestId(`order-${number}`);
  await row.waitFor();
  await studio.getByTestId(`order-refund-${number}`).click();
  await studio.getByTestId('order-confirm-yes').click();
  await studio.locator(`[data-testid="order-${number}"][data-status="refunded"]`).waitFor();
  await studio.screenshot({ path: `${OUT}/pay-8-studio-refunded.png` });

  await page.getByTestId('order-status').filter({ hasText: 'Refunded' }).first().waitFor();
  await page.screenshot({ path: `${OUT}/pay-9-shopper-refunded.png` });
  await context.close();
});
