// Paying by card through Stripe's own fields, end to end: the release viewer against a server
// configured with `--payments` for Stripe, in Debian's Chromium at phone size. Stripe is
// localstripe (its PaymentIntents, charges, declines, 3-D Secure and signed webhooks) with the
// browser's side of Stripe in front of it (scripts/fakes/stripe.py: Stripe.js, the card field in
// a frame of its own origin, the 3-D Secure challenge); one of each for the whole file.
// - A shopper taps a product's tag, opens checkout, types a card into Stripe's field and pays:
//   the field confirms the order's PaymentIntent, Stripe's webhook pays the order, and the sheet
//   turns "Order confirmed" live.
// - A declined card is said in place; a good card typed then pays the same order, once.
// - A 3-D Secure card: the challenge failed leaves the order payable; completed, it pays.
// - No card number or CVC is in a frame the page sent, in the server's log or its database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import {
  PHONE, framesSent, shirtToCheckout, rows, speakJson, startStripeShop, suiteBrowser, until, STRIPE_KEYS,
} from './support.mjs';

const OUT = process.env.E2E_OUT ?? 'target/e2e';
const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
// Stripe's test cards, as localstripe knows them; each with an expiry and a CVC of its own.
const CARDS = {
  visa: { number: '4242 4242 4242 4242', expiry: '12 / 34', cvc: '739' },
  declined: { number: '4000 0000 0000 0341', expiry: '11 / 33', cvc: '628' },
  threeDSecure: { number: '4000 0025 0000 3155', expiry: '10 / 32', cvc: '517' },
};

const browser = suiteBrowser();
let shop;
/** Every frame the shoppers' pages sent, over every test. */
const sent = [];

before(async () => {
  shop = await startStripeShop(BIN);
});
after(async () => {
  await shop?.stop();
});

/** A shopper's page on the shop, speaking JSON so its frames can be read; failing on any uncaught error. */
async function shopper(context) {
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  await page.addInitScript(speakJson);
  const frames = framesSent(page);
  await page.goto(shop.url);
  return { page, frames };
}

/** The batik shirt in M tapped into the cart from its tag, checkout opened and the contact filled in. */
const toCheckout = (page) => shirtToCheckout(page);

/** Types `card` into Stripe's card field (a frame of Stripe's origin, inside the widget). */
async function typeCard(page, card) {
  const field = page.frameLocator('[data-testid="card-slot"] iframe[title="Secure card payment input frame"]');
  await field.getByLabel('Card number').fill(card.number);
  await field.getByLabel('Expiration date (MM / YY)').fill(card.expiry);
  await field.getByLabel('Security code (CVC)').fill(card.cvc);
}

/** The 3-D Secure challenge's frame, over the page. */
const challenge = (page) => page.frameLocator('iframe[title="3D Secure challenge"]');

const confirmed = (page) => page.getByTestId('payment-heading').filter({ hasText: 'Order confirmed' }).waitFor({ timeout: 20000 });

/** The `Checkout` commands among `frames`. */
const checkouts = (frames) => frames.map((f) => (f.startsWith('{') ? JSON.parse(f) : null)).filter((m) => m?.type === 'Checkout');

/** The order's status and payment reference in the shop's database. */
const order = (id) => rows(execFileSync('sqlite3', ['-readonly', shop.db,
  `SELECT status, payment_ref FROM orders WHERE id = ${Number(id)}`], { encoding: 'utf8' }))[0];
const orderCount = () => Number(rows(execFileSync('sqlite3', ['-readonly', shop.db, 'SELECT count(*) FROM orders'], { encoding: 'utf8' }))[0][0]);

/** The row id of the order placed by the last `Checkout` among `frames`. */
async function placedId(frames) {
  const ids = await until('the order in the database', () => {
    const placed = rows(execFileSync('sqlite3', ['-readonly', shop.db,
      `SELECT id FROM orders WHERE command_id = '${checkouts(frames).at(-1)?.id}'`], { encoding: 'utf8' }));
    return placed.length ? placed : null;
  });
  return Number(ids[0][0]);
}

/** Charges localstripe made for the intent `reference`: their statuses. */
async function charges(reference) {
  const answer = await fetch(`${shop.localstripe}/v1/charges?limit=100`, { headers: { Authorization: `Bearer ${STRIPE_KEYS.secret}` } });
  return (await answer.json()).data.filter((c) => c.payment_intent === reference).map((c) => c.status).sort();
}

test('a card typed into Stripe\'s field pays the order, and the sheet turns confirmed live', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const { page, frames } = await shopper(context);
  await toCheckout(page);
  await page.getByTestId('stripe-card').locator('iframe').waitFor();
  await typeCard(page, CARDS.visa);
  await page.screenshot({ path: `${OUT}/stripe-1-card-field.png` });
  await page.getByTestId('pay').click();
  await confirmed(page);
  await page.screenshot({ path: `${OUT}/stripe-2-paid.png` });

  const [checkout] = checkouts(frames);
  assert.equal(checkout.order.method.kind, 'card', 'paid by card');
  assert.deepEqual(Object.values(checkout.order.card ?? {}).filter(Boolean), [], 'the checkout carries no card');
  const id = await placedId(frames);
  const [status, reference] = order(id);
  assert.equal(status, 'paid', 'paid by Stripe\'s webhook');
  assert.match(reference, /^pi_/);
  assert.deepEqual(await charges(reference), ['succeeded']);
  sent.push(...frames);
  await context.close();
});

test('a declined card is said in place, and a good card then pays the same order once', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const { page, frames } = await shopper(context);
  const before = orderCount();
  await toCheckout(page);
  await typeCard(page, CARDS.declined);
  await page.getByTestId('pay').click();
  await page.getByTestId('checkout-alert').filter({ hasText: 'Your card was declined.' }).waitFor();
  const id = await placedId(frames);
  assert.equal(order(id)[0], 'awaiting_payment', 'the order waits for another card');
  // The form that tries again still says what it pays.
  assert.match(await page.getByTestId('pay').textContent(), /^Pay Rp/);
  assert.match(await page.getByTestId('total').textContent(), /Rp/);
  await page.screenshot({ path: `${OUT}/stripe-3-declined.png` });

  await typeCard(page, CARDS.visa);
  await page.getByTestId('pay').click();
  await confirmed(page);
  await page.screenshot({ path: `${OUT}/stripe-4-declined-then-paid.png` });
  assert.equal(checkouts(frames).length, 1, 'one order placed');
  assert.equal(orderCount(), before + 1);
  const [status, reference] = order(id);
  assert.equal(status, 'paid');
  assert.deepEqual(await charges(reference), ['failed', 'succeeded'], 'one charge declined, one taken');
  sent.push(...frames);
  await context.close();
});

test('3-D Secure: a failed challenge leaves the order payable, a completed one pays it', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const { page, frames } = await shopper(context);
  await toCheckout(page);
  await typeCard(page, CARDS.threeDSecure);
  await page.getByTestId('pay').click();
  await challenge(page).getByRole('button', { name: 'Fail authentication' }).waitFor();
  await page.screenshot({ path: `${OUT}/stripe-5-challenge.png` });
  await challenge(page).getByRole('button', { name: 'Fail authentication' }).click();
  await page.getByTestId('checkout-alert').filter({ hasText: 'failed authentication' }).waitFor();
  const id = await placedId(frames);
  assert.equal(order(id)[0], 'awaiting_payment', 'still payable');
  assert.equal(await page.getByTestId('pay').isEnabled(), true, 'and the pay button pays it');
  await page.screenshot({ path: `${OUT}/stripe-6-challenge-failed.png` });

  await page.getByTestId('pay').click();
  await challenge(page).getByRole('button', { name: 'Complete authentication' }).click();
  await confirmed(page);
  await page.screenshot({ path: `${OUT}/stripe-7-challenge-completed.png` });
  assert.equal(checkouts(frames).length, 1, 'one order placed');
  const [status, reference] = order(id);
  assert.equal(status, 'paid');
  assert.deepEqual(await charges(reference), ['succeeded']);
  sent.push(...frames);
  await context.close();
});

test('no card number or CVC is in a frame the pages sent, the server\'s log or its database', () => {
  assert.ok(sent.length > 0, 'frames were captured');
  const database = [shop.db, `${shop.db}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
  const kept = { frames: sent.join('\n'), log: readFileSync(shop.log, 'utf8'), database };
  for (const card of Object.values(CARDS)) {
    const number = card.number.replace(/\D/g, '');
    for (const [where, text] of Object.entries(kept)) {
      assert.ok(!text.includes(number) && !text.includes(card.number), `the card number ${card.number} is in the ${where}`);
      // A CVC would be a quoted value (JSON, Debug or SQL), or named.
      for (const form of [`"${card.cvc}"`, `'${card.cvc}'`]) assert.ok(!text.includes(form), `the CVC ${card.cvc} is in the ${where}`);
      assert.doesNotMatch(text, new RegExp(`cvc\\W{0,6}${card.cvc}`, 'i'), `the CVC ${card.cvc} is in the ${where}`);
    }
  }
});
