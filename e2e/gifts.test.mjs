// Gifting end to end: the release viewer against the real server in Debian's
// Chromium. A shopper with no coins is offered a top-up, a declined card
// credits nothing, the test card buys 500 coins, a three-tap combo of roses
// and a Gold Crown leave the wallet at once, a second viewer sees them in the
// lane (the crown over the whole widget) and the shopper on the leaderboard,
// and a reload still shows the wallet the server kept. Screenshots at phone size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, suiteBrowser } from './support.mjs';

const URL = process.env.LAPAK_URL ?? 'http://127.0.0.1:8080/';
const OUT = process.env.E2E_OUT ?? 'target/e2e';

const browser = suiteBrowser();

async function open(context) {
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  await page.goto(URL);
  await page.getByTestId('wallet').waitFor();
  return page;
}

async function pay(page, card) {
  await page.getByTestId('field-cardnumber').fill(card);
  await page.getByTestId('field-expiry').fill('12/39');
  await page.getByTestId('field-cvc').fill('123');
  await page.getByTestId('top-up-pay').click();
}

const shot = (page, name) => page.waitForTimeout(300).then(() => page.screenshot({ path: `${OUT}/${name}.png` }));

test('top up → combo → crown → everyone sees it → leaderboard → reload', async () => {
  const shopper = await open(await browser.newContext({ ...PHONE, locale: 'en-US' }));
  const watcher = await open(await browser.newContext({ ...PHONE, locale: 'id-ID' }));
  const wallet = shopper.getByTestId('wallet-coins');
  assert.equal(await wallet.textContent(), '0');

  await shopper.getByTestId('gift-button').click();
  await shopper.getByTestId('gift-rose').click();
  assert.match(await shopper.getByTestId('gift-alert').textContent(), /Not enough coins/);
  await shot(shopper, 'gifts-1-no-coins');

  await shopper.getByTestId('gift-alert').getByRole('button').click();
  await shopper.getByTestId('pack-coins-500').click();
  await pay(shopper, '4000 0000 0000 0002');
  assert.match(await shopper.getByTestId('top-up-alert').textContent(), /declined/);
  assert.equal(await wallet.textContent(), '0', 'a declined card credits nothing');
  await shot(shopper, 'gifts-2-declined');

  await pay(shopper, '4242 4242 4242 4242');
  await shopper.getByTestId('top-up-done').waitFor();
  assert.match(await shopper.getByTestId('top-up-done').textContent(), /500 coins added/);
  assert.equal(await wallet.textContent(), '500');
  await shot(shopper, 'gifts-3-topped-up');

  await shopper.getByTestId('back-to-gifts').click();
  for (let i = 0; i < 3; i++) await shopper.getByTestId('gift-rose').click();
  assert.equal(await shopper.getByTestId('combo').textContent(), 'x3');
  assert.equal(await wallet.textContent(), '497', 'spent at once');
  await shopper.getByTestId('gift-lane').getByText('x3').waitFor();
  const lane = await shopper.getByTestId('gift-lane').textContent();
  assert.match(lane, /You\s*sent Rose\s*x3/);
  const me = shopper.locator('.lapak-gifter.is-mine .lapak-gifter-name');
  await shopper.waitForFunction(() => document.querySelector('.lapak-gifter.is-mine')?.textContent.includes('3'));
  const name = await me.textContent();
  assert.match(name, /^user\d{6}$/);
  await shot(shopper, 'gifts-4-combo');

  // The other viewer sees the streak by name, in Indonesian (the gift by its Indonesian name).
  await watcher.getByTestId('gift-lane').getByText(name).waitFor();
  await watcher.waitForFunction((who) => document.querySelector('[data-testid="gift-lane"]')?.textContent
    .includes(`${who}mengirim Mawarx3`), name);
  // The lane stands at the top of the chat, under the products: over no tag card.
  await watcher.locator('.lapak-tag').first().waitFor();
  const laneOverTags = await watcher.evaluate(() => {
    const boxes = (selector) => [...document.querySelectorAll(selector)].map((e) => e.getBoundingClientRect());
    const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const tags = boxes('.lapak-tag');
    return boxes('[data-testid="gift-lane-row"]').flatMap((row) => tags.filter((tag) => overlap(row, tag)))
      .map((r) => `${r.top}..${r.bottom}`);
  });
  assert.deepEqual(laneOverTags, [], 'tag cards under the gift lane');

  await shopper.getByTestId('gift-crown').click();
  assert.equal(await wallet.textContent(), '198');
  await watcher.getByTestId('spotlight-animated').waitFor();
  assert.match(await watcher.getByTestId('spotlight-animated').textContent(), new RegExp(`${name} mengirim Mahkota Emas`));
  await shot(watcher, 'gifts-5-spotlight');

  await watcher.getByTestId('gift-button').click();
  await watcher.waitForFunction((who) => document.querySelector('[data-testid="leaderboard"]')?.textContent
    .includes(`${who}302`), name);
  await shot(watcher, 'gifts-6-leaderboard');

  await shopper.reload();
  await shopper.getByTestId('wallet').waitFor();
  await shopper.waitForFunction(() => document.querySelector('[data-testid="wallet-coins"]')?.textContent === '198');
});
