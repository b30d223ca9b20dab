// An ended show's results end to end: on a server of its own running the demo
// show live and Kopi Pagi upcoming, a shopper buys the batik shirt and two
// shoppers send the host gifts under names of their choosing; the host ends the
// show from the studio, signs out and in again, and lands on the show they
// ended (not the next one), on its results: when it ended and that it is now a
// replay, the order and its sales, what the gifts earned in rupiah and the top
// gifters by the names the gift lane showed. The ended show's button says
// "See results" and the upcoming one's keeps its wording. Screenshots at
// 1280×800 in English and at 360×640 in Indonesian, both axe-clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PHONE, axeViolations, checkoutShirt, publishClip, serveLive, stopChild, streamKey, suiteBrowser,
} from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const PASSWORD = 'host of the friday drop';
const SHOWS = 'server/shows/demo.toml,server/shows/kopi-pagi.toml';

const browser = suiteBrowser();

/** Adds a studio account to the server whose database is `db` (the server's CLI). */
function addUser(email, role, db) {
  const added = spawnSync(BIN, ['add-user', '--email', email, '--role', role],
    { env: { ...process.env, LAPAK_DB: db, LAPAK_PASSWORD: PASSWORD }, encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);
}

/**
 * From `page` (on the show's origin): a shopper of their own socket who takes
 * the name `name`, buys 100 coins and sends `gifts` ([gift id, count, coins each]).
 */
function sendGifts(page, name, gifts) {
  return page.evaluate(([name, gifts]) => new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://${location.host}/ws`);
    const card = { number: '4242424242424242', expiry: '12/39', cvc: '123' };
    const commands = [];
    const send = (msg) => socket.send(JSON.stringify({ id: crypto.randomUUID(), ...msg }));
    socket.onopen = () => socket.send(JSON.stringify({ type: 'Hello', protocol: 1 }));
    socket.onerror = reject;
    socket.onmessage = ({ data }) => {
      const msg = JSON.parse(data);
      if (msg.type === 'Welcome') {
        const pack = msg.show.coin_packs.find((p) => p.id === 'coins-500');
        commands.push({ type: 'SetName', name });
        commands.push({ type: 'TopUp', pack_id: pack.id, price: pack.price, card });
        for (const [gift_id, count, coins] of gifts) commands.push({ type: 'SendGift', gift_id, count, coins });
        send(commands.shift());
      } else if (msg.type === 'Ack') {
        if (commands.length) send(commands.shift());
        else { socket.close(); resolve(); }
      } else if (msg.type === 'Reject') {
        reject(new Error(`refused: ${data}`));
      }
    };
  }), [name, gifts]);
}

/** Signs `studio` in as the host. */
async function signIn(studio, signIn = 'Sign in') {
  await studio.getByTestId('email').fill('host@demo.example');
  await studio.getByTestId('password').fill(PASSWORD);
  await studio.getByRole('button', { name: signIn }).click();
}

/** The results' figures as the dashboard shows them. */
async function figures(studio) {
  const figure = async (id) => (await studio.getByTestId(`figure-${id}`).textContent()).replace(/\s+/g, ' ').trim();
  return { orders: await figure('orders'), gmv: await figure('gmv'), earned: await figure('gift-earnings'), coins: await figure('coins') };
}

/** The top gifters' rows: name, coins, money. */
async function gifters(studio) {
  return studio.getByTestId('top-gifters').locator('tbody tr').evaluateAll((rows) => rows
    .map((row) => [...row.children].map((cell) => cell.textContent.replace(/\s+/g, ' ').trim())));
}

test('after ending a show, the host signs in again on its results: orders, sales, gift earnings in rupiah, top gifters', async () => {
  const children = [];
  const contexts = [];
  /** A browser context closed before the server stops (a page left open would see it go). */
  const context = async (options) => {
    const opened = await browser.newContext(options);
    contexts.push(opened);
    return opened;
  };
  try {
    const server = await serveLive(BIN, mkdtempSync(join(tmpdir(), 'lapak-results-')), 'results', ['--show', SHOWS], children);
    await publishClip(server.rtmp, await streamKey(BIN, server), children);
    addUser('host@demo.example', 'host', server.db);

    // A shopper buys the batik shirt (Rp 189,000) on the live show; two others send gifts.
    const shopper = await (await context({ ...PHONE, locale: 'en-US' })).newPage();
    await shopper.goto(server.url);
    await checkoutShirt(shopper, '4242424242424242');
    await shopper.getByTestId('pay').click();
    await shopper.getByTestId('confirmation').getByText('Order confirmed').waitFor({ timeout: 30000 });
    await sendGifts(shopper, 'Rina', [['coffee', 2, 10], ['rose', 4, 1]]);
    await sendGifts(shopper, 'Budi', [['crown', 1, 299]]);
    // The gift lane named them so.
    await shopper.getByTestId('gift-lane').getByText('Budi').first().waitFor({ state: 'attached', timeout: 15000 });

    // The host ends the show from the studio.
    const laptop = await context({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const studio = await laptop.newPage();
    studio.on('pageerror', (error) => assert.fail(`uncaught error in the studio: ${error.message}`));
    await studio.goto(`${server.url}studio/`);
    await signIn(studio);
    await studio.getByTestId('show-title').filter({ hasText: 'Friday Batik Drop' }).waitFor({ timeout: 30000 });
    studio.once('dialog', (dialog) => dialog.accept());
    await studio.getByTestId('end-show').click();
    await studio.locator('[data-testid="on-air"][data-state="ended"]').waitFor({ timeout: 15000 });

    // Signed out and in again, the studio opens on the ended show's results, not on Kopi Pagi.
    await studio.getByRole('button', { name: 'Sign out' }).click();
    await signIn(studio);
    await studio.getByTestId('dashboard-ended').waitFor({ timeout: 30000 });
    assert.equal((await studio.getByTestId('show-title').textContent()).trim(), 'Friday Batik Drop');
    assert.equal(await studio.getByTestId('tab-dashboard').getAttribute('aria-selected'), 'true');
    assert.match(await studio.getByTestId('dashboard-ended').textContent(),
      /^This show ended .*2\d{3}.*\. Viewers now watch its replay\.$/);
    await studio.getByTestId('figure-orders').filter({ hasText: /^1$/ }).waitFor();
    assert.deepEqual(await figures(studio),
      { orders: '1', gmv: 'Rp 189,000', earned: 'Rp 25,840', coins: '323' },
      'the sale kept, and 323 coins at Rp 80 each');
    assert.equal(await studio.getByTestId('figure-viewers').count(), 0, 'no "watching now" on results');
    assert.deepEqual(await gifters(studio), [['Budi', '299', 'Rp 23,920'], ['Rina', '24', 'Rp 1,920']]);

    // The list: the ended show's button opens its results; the upcoming one keeps its wording.
    await studio.getByTestId('tab-shows').click();
    assert.equal((await studio.getByTestId('run-demo').textContent()).trim(), 'See results');
    assert.equal((await studio.getByTestId('run-kopi-pagi').textContent()).trim(), 'Run this show');
    await studio.getByTestId('run-kopi-pagi').click();
    await studio.getByTestId('show-title').filter({ hasText: 'Kopi Pagi: Gayo Harvest Tasting' }).waitFor();
    assert.equal(await studio.getByTestId('tab-run').getAttribute('aria-selected'), 'true');
    await studio.getByTestId('tab-shows').click();
    await studio.getByTestId('run-demo').click();
    await studio.getByTestId('dashboard-ended').waitFor();
    await studio.getByTestId('top-gifters').waitFor();
    const title = await studio.getByTestId('show-title').evaluate((e) => e.scrollWidth <= e.clientWidth + 1);
    assert.ok(title, 'the title is whole at 1280 px');
    assert.deepEqual(await axeViolations(studio), [], 'the results are axe-clean');
    await studio.screenshot({ path: `${OUT}/studio-results-1280-en.png`, fullPage: true });

    // On a phone in Indonesian: the ended show's results from its "Lihat hasil".
    const phone = await (await context({ viewport: { width: 360, height: 640 }, locale: 'id-ID' })).newPage();
    phone.on('pageerror', (error) => assert.fail(`uncaught error in the studio: ${error.message}`));
    await phone.goto(`${server.url}studio/`);
    await signIn(phone, 'Masuk');
    await phone.getByTestId('tab-shows').click();
    assert.equal((await phone.getByTestId('run-demo').textContent()).trim(), 'Lihat hasil');
    await phone.getByTestId('run-demo').click();
    await phone.getByTestId('dashboard-ended').filter({ hasText: 'tayangan ulang' }).waitFor();
    assert.deepEqual(await figures(phone),
      { orders: '1', gmv: 'Rp 189.000', earned: 'Rp 25.840', coins: '323' });
    assert.deepEqual(await gifters(phone), [['Budi', '299', 'Rp 23.920'], ['Rina', '24', 'Rp 1.920']]);
    const whole = await phone.getByTestId('show-title').evaluate((e) => e.scrollWidth <= e.clientWidth + 1);
    assert.ok(whole, 'the title is whole at 360 px');
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth), 360, 'nothing wider than the phone');
    assert.deepEqual(await axeViolations(phone), [], 'the results are axe-clean on a phone');
    await phone.screenshot({ path: `${OUT}/studio-results-360-id.png`, fullPage: true });
  } finally {
    for (const opened of contexts) await opened.close();
    for (const child of children) await stopChild(child);
  }
});
