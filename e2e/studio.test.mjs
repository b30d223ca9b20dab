// The studio end to end: a host signs in to the studio at laptop size, the
// preview plays the live show (the viewer's own player), the host picks a
// product and taps the picture where it stands, and a shopper in another
// browser context gets that tag at that spot. Screenshots of the studio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PHONE, record, suiteBrowser, watchLive } from './support.mjs';

const URL = process.env.LAPAK_URL ?? 'http://127.0.0.1:8080/';
const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const PASSWORD = 'host of the friday drop';
// Where the coffee stands in the demo picture (the timeline pins it there too).
const SPOT = { x: 0.444, y: 0.292 };

const browser = suiteBrowser();

test('a host signs in, pins a product by tapping the preview, and a shopper sees the tag there', async () => {
  const added = spawnSync(BIN, ['add-user', '--email', 'host@demo.example', '--role', 'host'],
    { env: { ...process.env, LAPAK_PASSWORD: PASSWORD }, encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);

  const studio = await (await browser.newContext({ ...LAPTOP, locale: 'en-US' })).newPage();
  studio.on('pageerror', (error) => assert.fail(`uncaught error in the studio: ${error.message}`));
  await studio.goto(`${URL}studio/`);
  await studio.getByTestId('email').fill('host@demo.example');
  await studio.getByTestId('password').fill('not the password');
  await studio.getByRole('button', { name: 'Sign in' }).click();
  await studio.getByTestId('sign-in-error').filter({ hasText: 'Wrong email or password' }).waitFor();
  await studio.getByTestId('password').fill(PASSWORD);
  const signedIn = Date.now();
  await studio.getByRole('button', { name: 'Sign in' }).click();
  await studio.locator('[data-testid="preview-video"][data-state="live"]').waitFor({ timeout: 30000 });
  const previewLive = Date.now() - signedIn;
  await studio.getByTestId('on-air').filter({ hasText: 'On air' }).waitFor();
  assert.match(await studio.getByTestId('ingest-server').textContent(), /^rtmp:\/\/.+\/live$/);
  assert.match(await studio.getByTestId('stream-key').textContent(), /^•+$/, 'the key is hidden until asked');
  await studio.screenshot({ path: `${OUT}/studio-1-live.png` });

  const shopper = await (await browser.newContext({ ...PHONE, locale: 'en-US' })).newPage();
  await shopper.addInitScript(watchLive);
  await shopper.goto(URL);
  await shopper.locator('[data-testid="player"][data-state="live"]').waitFor({ timeout: 30000 });

  await studio.getByTestId('pick-gayo-coffee').click();
  await studio.getByTestId('pin-hint').filter({ hasText: 'Tap the picture where' }).waitFor();
  const stage = await studio.getByTestId('preview').boundingBox();
  // Timed to the tag only if the scripted timeline has not pinned the coffee already.
  const alreadyUp = await shopper.getByTestId('tag-gayo-coffee').count() > 0;
  const tapped = Date.now();
  await studio.mouse.click(stage.x + SPOT.x * stage.width, stage.y + SPOT.y * stage.height);
  await studio.getByTestId('notice').filter({ hasText: 'pinned' }).waitFor();
  await studio.getByTestId('preview-tag-gayo-coffee').waitFor();
  await studio.getByTestId('unpin-gayo-coffee').waitFor();
  await studio.screenshot({ path: `${OUT}/studio-2-pinned.png` });

  // The shopper hears the pin at the spot the host tapped, and the tag shows once the
  // shopper's picture reaches the frame the host tapped on.
  const pin = await shopper.waitForFunction((spot) => window.pins.find((p) => p.product === 'gayo-coffee'
    && Math.abs(p.x - spot.x) < 0.02 && Math.abs(p.y - spot.y) < 0.02), SPOT, { timeout: 10000 })
    .then((handle) => handle.jsonValue());
  assert.ok(pin, 'the pin reached the shopper');
  await shopper.getByTestId('tag-gayo-coffee').waitFor({ timeout: 15000 });
  record('studio', { preview_live_ms: previewLive, tap_to_socket_ms: pin.heard - tapped, tap_to_tag_ms: alreadyUp ? null : Date.now() - tapped });
  await shopper.screenshot({ path: `${OUT}/studio-3-shopper-sees-the-tag.png` });
  await studio.context().close();
  await shopper.context().close();
});
