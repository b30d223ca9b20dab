// A crash between writing the order and charging the card (found in an audit),
// end to end: the release viewer against a server this file starts. The
// shopper pays with the test card whose charge never reaches the provider; once
// the order is on disk as `payment_pending`, the server is killed with SIGKILL
// and started again on the same port and database. Its sweeper finds nothing
// charged and marks the order `failed`, putting the lines back in the cart; the
// viewer's automatic retry (same id) finds that failed order. Checkout must say
// so plainly and let the shopper pay again — under a new id, with the details
// still filled in — and exactly one charge must exist at the end.
// Reads the server's database with the sqlite3 command-line shell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PHONE, SHOPPER as details, checkoutShirt, checkoutsSent, fill, freePort, kill9, launchChromium, record, rows, spawnServer, untilRows,
} from './support.mjs';

const OUT = process.env.E2E_OUT ?? 'target/e2e';
const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
/** The test provider's card whose charge never arrives: nothing is taken (docs/protocol.md#checkout). */
const NO_ANSWER = '4000 0000 0000 0408';
const APPROVE = '4242 4242 4242 4242';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

/** Rows of `query` against `db`, each a list of columns. */
const sql = (db, query) =>
  rows(execFileSync('sqlite3', ['-readonly', '-separator', '|', db, query], { encoding: 'utf8' }));

/** A server of its own on a fresh database, and a phone-sized page in `locale` (not yet opened). */
async function shop(locale) {
  const port = await freePort();
  const db = join(mkdtempSync(join(tmpdir(), 'lapak-retry-')), 'retry.db');
  const server = await spawnServer(BIN, port, db);
  const context = await browser.newContext({ ...PHONE, locale });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  return { port, db, server, context, page };
}

const ORDERS = 'SELECT command_id, status FROM orders ORDER BY id';
const CHARGES = 'SELECT key FROM test_provider_charges ORDER BY key';
const link = (page) => page.getByTestId('connection-status').getAttribute('data-state');

test('a crash before the charge: the retry finds the order failed, nothing charged, and "Pay again" pays once under a new id', async () => {
  let { port, db, server, context, page } = await shop('en-US');
  const checkouts = checkoutsSent(page);
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    await checkoutShirt(page, NO_ANSWER);
    const total = await page.getByTestId('total').textContent();
    await page.getByTestId('pay').click();

    // The order is on disk and its charge has not reached the provider: the server dies now.
    await untilRows((q) => sql(db, q), 'SELECT status FROM orders', [['payment_pending']]);
    assert.equal(await page.getByTestId('pay').textContent(), 'Paying…');
    await kill9(server);
    const [first] = checkouts;
    assert.deepEqual(sql(db, ORDERS), [[first, 'payment_pending']], 'the order survived the crash');
    assert.deepEqual(sql(db, CHARGES), [], 'and nothing was charged');
    await page.waitForFunction(() => document.querySelector('[data-testid="connection-status"]').dataset.state === 'reconnecting');

    const restarted = Date.now();
    server = await spawnServer(BIN, port, db);
    const failed = page.getByTestId('payment-failed');
    await failed.waitFor({ timeout: 30000 });
    record('failed_payment_shown_after_restart_ms', [Date.now() - restarted]);
    assert.equal(await link(page), 'live');
    assert.ok(checkouts.length >= 2 && checkouts.every((id) => id === first),
      `the viewer retried with the same id by itself: ${checkouts}`);
    assert.deepEqual(sql(db, ORDERS), [[first, 'failed']], 'the sweeper failed the order');
    assert.deepEqual(sql(db, CHARGES), [], 'nothing charged');

    // Said plainly, announced, with the one way on focused; the cart and the details are kept.
    assert.equal(await failed.getByRole('alert').textContent(),
      'The payment did not go through. Nothing was charged. Your items are still in your cart and your details are filled in.');
    const again = page.getByTestId('pay-again');
    assert.equal(await again.textContent(), 'Pay again');
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'pay-again', null, { timeout: 2000 });
    assert.equal(await page.getByTestId('pay').count(), 0, 'one button, not two');
    assert.equal(await page.getByTestId('cart-count').textContent(), '1', 'the line is back in the cart');
    assert.equal(await page.getByTestId('field-name').inputValue(), details.name);
    assert.equal(await page.getByTestId('field-street').inputValue(), details.street);
    assert.equal(await page.getByTestId('total').textContent(), total);
    await page.waitForTimeout(400); // the sheet and the mini-player settle
    await page.screenshot({ path: `${OUT}/retry-1-failed.png` });
    // Nothing covers the button: a tap at its centre lands on it.
    assert.ok(await again.evaluate((button) => {
      const box = button.getBoundingClientRect();
      const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return box.bottom <= window.innerHeight && button.contains(hit);
    }), '"Pay again" is on screen and uncovered');

    // Another card this time; one tap pays under a new id, and the old one is never sent again.
    await fill(page, { cardnumber: APPROVE });
    const sentBefore = checkouts.length;
    await again.click();
    const confirmation = page.getByTestId('confirmation');
    await confirmation.getByText('Order confirmed').waitFor({ timeout: 15000 });
    const sentAfter = checkouts.slice(sentBefore);
    assert.equal(sentAfter.length, 1, `one new order: ${sentAfter}`);
    assert.notEqual(sentAfter[0], first, 'a new command id');
    const number = (await confirmation.getByTestId('order-number').textContent()).replace('Order ', '');
    assert.equal(await page.getByTestId('cart-count').textContent(), '0');
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${OUT}/retry-2-paid.png` });

    assert.deepEqual(sql(db, ORDERS), [[first, 'failed'], [sentAfter[0], 'paid']]);
    assert.deepEqual(sql(db, CHARGES), [[number]], 'exactly one charge, for the new order');

    // The Orders panel tells both apart.
    await page.getByRole('button', { name: 'Keep watching' }).click();
    await page.getByTestId('orders-button').click();
    const statuses = await page.getByTestId('orders-sheet').getByTestId('order-status').allTextContents();
    assert.deepEqual(statuses, ['Paid', 'Payment failed']);
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${OUT}/retry-3-orders.png` });
    // Nothing in flight is left to resend, and nothing went out after the answer.
    assert.equal(checkouts.length, sentBefore + 1);
  } finally {
    await context.close();
    server.kill('SIGKILL');
  }
});

test('a charge that never answers: confirmed as pending, then failed, in Indonesian, with the details kept', async () => {
  const { port, db, server, context, page } = await shop('id-ID');
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    await checkoutShirt(page, NO_ANSWER);
    // Every confirmation heading shown, however briefly (the sweeper runs every second).
    await page.evaluate(() => {
      window.headings = [];
      new MutationObserver(() => {
        const heading = document.querySelector('[data-testid="confirmation"] h3')?.textContent;
        if (heading && window.headings.at(-1) !== heading) window.headings.push(heading);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('pay').click();
    // The server gives up on the provider after 10 s: the order waits, then the sweeper fails it.
    const failed = page.getByTestId('payment-failed');
    await failed.waitFor({ timeout: 20000 });
    assert.deepEqual(await page.evaluate(() => window.headings), ['Mengonfirmasi pembayaran…'], 'confirmed as pending in between');
    assert.equal(await failed.getByRole('alert').textContent(),
      'Pembayaran tidak berhasil. Tidak ada dana yang ditagih. Barang kamu masih di keranjang dan datamu sudah terisi.');
    assert.equal(await page.getByTestId('pay-again').textContent(), 'Bayar lagi');
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'pay-again', null, { timeout: 2000 });
    assert.equal(await page.getByTestId('field-name').inputValue(), details.name, 'the details outlived the confirmation');
    assert.equal(await page.getByTestId('field-cardnumber').inputValue(), NO_ANSWER);
    assert.equal(await page.getByTestId('cart-count').textContent(), '1');
    assert.deepEqual(sql(db, 'SELECT status FROM orders'), [['failed']]);
    assert.deepEqual(sql(db, CHARGES), []);
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${OUT}/retry-4-failed-id.png` });
  } finally {
    await context.close();
    server.kill('SIGKILL');
  }
});
