// Community end to end: the release viewer against the real server in Debian's
// Chromium. A shopper names themself (markup in the name stays text), joins the
// Fan Club, likes the show 30 times — the "Like 30 times" mission completes,
// with a toast, and its badge appears beside their name — and chats; a second
// viewer (in Indonesian) sees the line with the club pill and the badge, the
// like count and the level-up lines; hostile chat text stays inert; a reload
// keeps the name, the membership and the badge. Screenshots at phone size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, suiteBrowser } from './support.mjs';

const URL = process.env.LAPAK_URL ?? 'http://127.0.0.1:8080/';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const NAME = 'Rina <img src=x>';
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

const browser = suiteBrowser();

async function open(context) {
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  page.on('dialog', (dialog) => assert.fail(`a dialog opened: ${dialog.message()}`));
  await page.goto(URL);
  await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
  return page;
}

const shot = (page, name) => page.waitForTimeout(400).then(() => page.screenshot({ path: `${OUT}/${name}.png` }));
const lineFrom = (page, name) => page.getByTestId('chat-line').filter({ hasText: name });

test('name → club → 30 likes → badge beside the name in chat → reload', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const shopper = await open(context);
  const watcher = await open(await browser.newContext({ ...PHONE, locale: 'id-ID' }));

  await shopper.getByTestId('missions-button').click();
  await shopper.getByTestId('change-name').click();
  await shopper.getByTestId('name-input').fill(NAME);
  await shopper.getByTestId('name-input').press('Enter');
  await assert.doesNotReject(() => shopper.getByTestId('your-name').filter({ hasText: NAME }).waitFor());
  await shopper.getByTestId('join-club').click();
  await shopper.getByTestId('club-level').waitFor();
  assert.match(await shopper.getByTestId('club-level').textContent(), /Level 1/);
  await shopper.getByTestId('share').click();
  assert.equal(await shopper.evaluate(() => navigator.clipboard.readText()), URL);
  await shot(shopper, 'community-1-missions');
  await shopper.getByTestId('missions-sheet').getByRole('button', { name: 'Close' }).click();

  const likes = Number((await watcher.getByTestId('like-count').textContent()).replace(/\D/g, ''));
  for (let i = 0; i < 30; i++) await shopper.getByTestId('like-button').click();
  await shopper.getByTestId('toasts').filter({ hasText: 'Mission complete: Like 30 times' }).waitFor();
  await shot(shopper, 'community-2-mission-complete');

  await shopper.getByTestId('chat-input').fill('Is the indigo shirt true to size?');
  await shopper.getByTestId('chat-input').press('Enter');
  const line = lineFrom(watcher, 'Is the indigo shirt true to size?');
  await line.waitFor();
  assert.equal(await line.locator('.lapak-viewer-label').first().textContent(), NAME, 'the name is text');
  assert.match(await line.getByTestId('club-badge').getAttribute('aria-label'), /Ayu's Circle/);
  assert.ok(await line.getByTestId('viewer-badge').isVisible(), 'the badge shows beside the name');
  await watcher.waitForFunction(
    (before) => Number(document.querySelector('[data-testid="like-count"]').textContent.replace(/\D/g, '')) >= before + 30,
    likes,
  );
  assert.ok(await lineFrom(watcher, 'Ayu\'s Circle').count() >= 1, 'joining was announced in the chat');

  await shopper.getByTestId('chat-input').fill(XSS);
  await shopper.getByTestId('chat-input').press('Enter');
  await lineFrom(watcher, 'onerror').waitFor();
  await watcher.waitForTimeout(300);
  assert.equal(await watcher.evaluate(() => window.__xss), undefined, 'no script ran');
  assert.equal(await watcher.locator('[data-testid="chat-log"] script').count(), 0);
  assert.equal(await watcher.locator('[data-testid="chat-log"] img[src="x"]').count(), 0);
  await shot(watcher, 'community-3-watcher-chat');

  await shopper.reload();
  await shopper.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
  await shopper.getByTestId('missions-button').click();
  assert.equal(await shopper.getByTestId('your-name').textContent(), NAME);
  assert.match(await shopper.getByTestId('club-level').textContent(), /Level/);
  assert.equal(await shopper.getByTestId('badge-heart-giver').getAttribute('data-earned'), 'true');
  assert.equal(await shopper.getByTestId('journey').locator('[data-done="true"]').count() >= 3, true);
  await shot(shopper, 'community-4-after-reload');
});
