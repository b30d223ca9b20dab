// The show ends while a shopper watches: a server of the test's own, live from the demo clip
// published by a real ffmpeg. The host ends the show through the studio's API; the shopper,
// without a reload, is told the show has ended, loses the tags and the chat field, keeps the
// cart, then is offered the replay and opens it in place. At 360×640 in Indonesian and
// 1280×800 in English, screenshotted and axe-clean.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations, launchChromium, publishClip, serveLive, stopChild, streamKey, studioSession } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const PASSWORD = 'the show must end';
const HOST = 'host@demo.example';

const children = [];
after(() => Promise.all(children.map(stopChild)));

/** A signed-in studio session: calls the API with its cookie and CSRF token. */
const signIn = (base, email) => studioSession(base, email, PASSWORD);

const SIZES = [
  { locale: 'id-ID', lang: 'id', device: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    ended: 'Siaran telah berakhir', replay: 'Tonton ulang' },
  { locale: 'en-US', lang: 'en', device: { viewport: { width: 1280, height: 800 } },
    ended: 'The show has ended', replay: 'Watch the replay' },
];

for (const { locale, lang, device, ended, replay } of SIZES) {
  test(`the host ends the show: the shopper is told, tags and chat field go, the replay opens in place (${locale})`, async () => {
    const server = await serveLive(BIN, mkdtempSync(join(tmpdir(), 'lapak-ended-')), `ended-${lang}`, [], children);
    const added = spawnSync(BIN, ['--db', server.db, 'add-user', '--email', HOST, '--role', 'host'],
      { env: { ...process.env, LAPAK_PASSWORD: PASSWORD }, encoding: 'utf8' });
    assert.equal(added.status, 0, added.stderr);
    await publishClip(server.rtmp, await streamKey(BIN, server), children);

    const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    try {
      const page = await (await browser.newContext({ ...device, locale, reducedMotion: 'reduce' })).newPage();
      page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
      await page.goto(server.url);
      await page.locator('[data-testid="player"][data-state="live"]').waitFor({ timeout: 60000 });
      const tags = page.locator('[data-testid^="tag-"]');
      await tags.first().waitFor({ timeout: 30000 });
      await page.getByTestId('chat-input').waitFor();
      // Something in the cart, to find it there after the end.
      await page.getByTestId('tag-batik-shirt').click();
      await page.getByTestId('variant-option-m').click();
      await page.getByTestId('add-to-cart').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="cart-count"]')?.textContent === '1');
      // Any navigation from here on would be a reload.
      let navigations = 0;
      page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations += 1; });

      const api = await signIn(server.url, HOST);
      assert.equal((await api('POST', 'api/v1/shows/demo/end')).status, 204);

      const status = page.locator('[data-testid="picture-status"][data-state="ended"]');
      await status.filter({ hasText: ended }).waitFor({ timeout: 15000 });
      await tags.first().waitFor({ state: 'detached' });
      assert.equal(await tags.count(), 0, 'no tag over an ended show');
      assert.equal(await page.getByTestId('chat-input').count(), 0, 'the chat field is closed');
      assert.equal(await page.getByTestId('live-badge').count(), 0);
      assert.equal(await page.getByTestId('cart-count').textContent(), '1', 'the cart stays');
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${OUT}/show-ended-${lang}.png` });
      // The widget's states (the page around it is a11y.test.mjs's).
      assert.deepEqual(await axeViolations(page, '.lapak'), [], 'axe, the show ended');

      // The recording closes once the last packager is done: then the replay is offered.
      const watch = page.getByTestId('watch-replay');
      await watch.filter({ hasText: replay }).waitFor({ timeout: 60000 });
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${OUT}/show-ended-replay-offered-${lang}.png` });
      assert.deepEqual(await axeViolations(page, '.lapak'), [], 'axe, the replay offered');

      await watch.click();
      await page.getByTestId('replay-badge').waitFor();
      await page.getByTestId('replay-controls').waitFor({ timeout: 15000 });
      await page.waitForFunction(
        () => document.querySelector('[data-testid="player"]')?.currentSrc !== '', null, { timeout: 15000 });
      assert.equal(await status.count(), 0, 'no "ended" over the replay');
      assert.equal(navigations, 0, 'without a reload');
      // The cart is still the shopper's, and opens.
      await page.getByTestId('cart-button').click();
      await page.getByTestId('cart-line-batik-shirt-m').waitFor();
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${OUT}/show-ended-replay-${lang}.png` });
      // The open drawer is what the shopper can reach (the page under its scrim is inert).
      assert.deepEqual(await axeViolations(page, '[data-testid="cart-drawer"]'), [], 'axe, the replay with the cart open');
    } finally {
      await browser.close();
    }
  });
}
