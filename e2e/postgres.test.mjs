// Storage on PostgreSQL, end to end: the release viewer against servers this
// file starts on a PostgreSQL cluster of its own (scripts/postgres.sh, on
// loopback). The shopper pays with the test card whose charge never reaches
// the provider; once the order is in the database as `payment_pending`, its
// server is killed with SIGKILL and another server process takes the same
// address, with an SQLite file of its own that holds nothing: everything it
// knows is in PostgreSQL. It leaves the dead server's payment alone until that
// server's lease lapses (5 s), then closes its key, finds nothing charged and
// fails the order; the viewer's automatic retry (same id) finds it failed, and
// "Pay again" pays once.
//
// Then two servers share a show through a NATS JetStream of the file's own
// (scripts/nats.sh): a viewer whose server is killed comes back, on a new
// server process at the same address, where it was.
// Reads the database with psql.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PHONE, checkoutShirt, checkoutsSent, fill, freePort, kill9, launchChromium, record, rows, spawnServer, speakJson, untilRows,
} from './support.mjs';

const OUT = process.env.E2E_OUT ?? 'target/e2e';
const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
/** The test provider's card whose charge never arrives: nothing is taken (docs/protocol.md#checkout). */
const NO_ANSWER = '4000 0000 0000 0408';
const APPROVE = '4242 4242 4242 4242';

const cluster = mkdtempSync(join(tmpdir(), 'lapak-pg-'));
const natsDir = mkdtempSync(join(tmpdir(), 'lapak-nats-'));
let browser;
let clusterUrl;
let database;
let nats;
before(async () => {
  browser = await launchChromium();
  clusterUrl = execFileSync('scripts/postgres.sh', ['start', cluster, String(await freePort())], { encoding: 'utf8' }).trim();
  database = `${clusterUrl}/postgres`;
  nats = execFileSync('scripts/nats.sh', ['start', natsDir, String(await freePort())], { encoding: 'utf8' }).trim();
});
after(async () => {
  await browser?.close();
  execFileSync('scripts/postgres.sh', ['stop', cluster]);
  execFileSync('scripts/nats.sh', ['stop', natsDir]);
});

/** Rows of `query`, each a list of columns. */
const sql = (query) => rows(execFileSync('psql', ['-qtA', '-F', '|', database, '-c', query], { encoding: 'utf8' }));

/** A server process on `port` keeping its data in the cluster (`args` add to it); its SQLite file is new and stays empty. */
const serve = (port, args = ['--database', database]) =>
  spawnServer(BIN, port, join(mkdtempSync(join(tmpdir(), 'lapak-pg-own-')), 'unused.db'), args);

const ORDERS = 'SELECT command_id, status FROM orders ORDER BY id';
const CHARGES = 'SELECT key FROM test_provider_charges ORDER BY key';
const STOCK = "SELECT quantity FROM stock WHERE product_id = 'batik-shirt' AND variant_id = 'm'";

test('on PostgreSQL, a server killed mid-payment is replaced by another: nothing charged, then "Pay again" pays once', async () => {
  const port = await freePort();
  let server = await serve(port);
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  const checkouts = checkoutsSent(page);
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    const stock = Number(sql(STOCK)[0][0]);
    await checkoutShirt(page, NO_ANSWER);
    await page.getByTestId('pay').click();

    await untilRows(sql, 'SELECT status FROM orders', [['payment_pending']]);
    await kill9(server);
    const [first] = checkouts;
    assert.deepEqual(sql(CHARGES), [], 'nothing charged');
    const replaced = Date.now();
    server = await serve(port);

    // The new server settles the dead one's payment once the dead one's lease lapses (5 s after it).
    const failed = page.getByTestId('payment-failed');
    await failed.waitFor({ timeout: 40000 });
    record('postgres_failed_payment_shown_after_replacement_ms', [Date.now() - replaced]);
    assert.ok(checkouts.length >= 2 && checkouts.every((id) => id === first),
      `the viewer retried with the same id by itself: ${checkouts}`);
    assert.deepEqual(sql(ORDERS), [[first, 'failed']]);
    assert.equal(await page.getByTestId('cart-count').textContent(), '1', 'the line is back in the cart');

    await fill(page, { cardnumber: APPROVE });
    await page.getByTestId('pay-again').click();
    const confirmation = page.getByTestId('confirmation');
    await confirmation.getByText('Order confirmed').waitFor({ timeout: 15000 });
    const number = (await confirmation.getByTestId('order-number').textContent()).replace('Order ', '');
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${OUT}/postgres-paid.png` });
    const orders = sql(ORDERS);
    assert.equal(orders.length, 2);
    assert.deepEqual(orders[0], [first, 'failed']);
    assert.equal(orders[1][1], 'paid');
    assert.deepEqual(sql(CHARGES), [[number]], 'exactly one charge, for the new order');
    assert.deepEqual(sql(STOCK), [[String(stock - 1)]], 'one shirt taken, by the paid order only');
  } finally {
    await context.close();
    await kill9(server);
  }
});

test('servers sharing a show through NATS: a viewer whose server is killed resumes on a new one, each line shown once', async () => {
  execFileSync('psql', ['-q', database, '-c', 'CREATE DATABASE shared']);
  const shared = ['--database', `${clusterUrl}/shared`, '--nats', nats];
  const [leaderPort, port] = [await freePort(), await freePort()];
  // The first server takes the show's lead; the one killed below follows it.
  const leader = await serve(leaderPort, shared);
  await new Promise((r) => setTimeout(r, 1500));
  let server = await serve(port, shared);
  const open = async (at, { json = false } = {}) => {
    const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
    const page = await context.newPage();
    page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
    // A page whose frames the test reads asks for them as JSON.
    if (json) await page.addInitScript(speakJson);
    await page.goto(`http://127.0.0.1:${at}/`);
    await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
    return page;
  };
  const say = async (page, text) => {
    await page.getByTestId('chat-input').fill(text);
    await page.getByTestId('chat-input').press('Enter');
  };
  const lines = (page, text) => page.getByTestId('chat-line').filter({ hasText: text });
  try {
    const watcher = await open(port, { json: true });
    const talker = await open(leaderPort);
    const greetings = [];
    watcher.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
      const type = typeof payload === 'string' && payload.startsWith('{') ? JSON.parse(payload).type : null;
      if (type === 'Welcome' || type === 'Resumed') greetings.push(type);
    }));

    await say(talker, 'Ready for the drop?');
    await lines(watcher, 'Ready for the drop?').waitFor();

    await kill9(server);
    await say(talker, 'Indigo is back at 8');
    await lines(talker, 'Indigo is back at 8').waitFor();
    const replaced = Date.now();
    server = await serve(port, shared);
    await lines(watcher, 'Indigo is back at 8').waitFor({ timeout: 30000 });
    record('shared_line_missed_shown_after_replacement_ms', [Date.now() - replaced]);
    await watcher.waitForTimeout(1000);
    await watcher.screenshot({ path: `${OUT}/shared-resumed.png` });

    assert.deepEqual(greetings, ['Resumed'], 'it resumed where it was, with no fresh snapshot');
    assert.equal(await lines(watcher, 'Indigo is back at 8').count(), 1, 'the missed line once');
    assert.equal(await lines(watcher, 'Ready for the drop?').count(), 1, 'the line seen before, not again');
  } finally {
    await kill9(server);
    await kill9(leader);
  }
});
