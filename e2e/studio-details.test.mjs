// The studio's details a host meets, on a server of the file's own, live from the demo clip:
// a fresh studio logs no error before anyone signs in; each pin, move and unpin says what is
// now true; a mute and a ban say what they did and offer Undo, and a banned Indonesian shopper
// is told banned, not muted; an owner makes an API token, copies its secret (shown once), sees
// it used, and revokes it after saying yes; the stream key shows whole, copies, and a new one
// is asked about first. Screenshots of each, in English and Indonesian; axe on the new pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PHONE, axeViolations, publishClip, serveLive, stopChild, streamKey, suiteBrowser, until,
} from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const PASSWORD = 'the details matter';
const OWNER = 'owner@demo.example';

const browser = suiteBrowser();
const children = [];
let server;

before(async () => {
  server = await serveLive(BIN, mkdtempSync(join(tmpdir(), 'lapak-details-')), 'details', [], children);
  await publishClip(server.rtmp, await streamKey(BIN, server), children);
  // On air before any test: the preview's player then finds the stream's playlist at once.
  await until('the show on air', async () => (await fetch(`${server.url}hls/demo/master.m3u8`)).ok);
  const added = spawnSync(BIN, ['add-user', '--email', OWNER, '--role', 'owner'],
    { env: { ...process.env, LAPAK_DB: server.db, LAPAK_PASSWORD: PASSWORD }, encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);
});

after(() => Promise.all(children.map(stopChild)));

/**
 * A studio page at laptop size in `locale`, whose console errors, failed requests and uncaught
 * errors are gathered in `page.problems`; signed in unless `signIn` is false.
 */
async function studio(locale, { signIn = true } = {}) {
  const context = await browser.newContext({ ...LAPTOP, locale });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => { if (message.type() === 'error') page.problems.push(message.text()); });
  page.on('pageerror', (error) => page.problems.push(`uncaught: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) page.problems.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${server.url}studio/`);
  if (signIn) {
    await page.getByTestId('email').fill(OWNER);
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('sign-in').locator('button[type="submit"]').click();
    await page.getByTestId('show-title').filter({ hasText: 'Friday Batik Drop' }).waitFor({ timeout: 30000 });
  }
  return page;
}

test('a fresh studio asks who is signed in without an error in the console', async () => {
  const page = await studio('en-US', { signIn: false });
  const session = page.waitForResponse((r) => r.url().endsWith('/studio/api/session'));
  await page.reload();
  assert.equal((await session).status(), 200, 'asking is not an error');
  await page.getByTestId('sign-in').waitFor();
  await page.waitForTimeout(500);
  assert.deepEqual(page.problems, [], 'nothing in the console on a fresh load');
  await page.getByTestId('email').fill(OWNER);
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('show-title').filter({ hasText: 'Friday Batik Drop' }).waitFor({ timeout: 30000 });
  // A reload is signed in at once, with no sign-in form in between.
  await page.reload();
  await page.getByTestId('show-title').filter({ hasText: 'Friday Batik Drop' }).waitFor({ timeout: 30000 });
  assert.equal(await page.getByTestId('sign-in').count(), 0);
  assert.deepEqual(page.problems, [], 'nor signed in');
  await page.context().close();
});

test('each pin, move and unpin says what is true after it', async () => {
  for (const [locale, said] of [
    ['en-US', { pinned: 'Rattan Pendant Lamp pinned', moved: 'Rattan Pendant Lamp moved', unpinned: 'Rattan Pendant Lamp unpinned' }],
    ['id-ID', { pinned: 'Rattan Pendant Lamp disematkan', moved: 'Rattan Pendant Lamp dipindah', unpinned: 'Rattan Pendant Lamp dilepas' }],
  ]) {
    const page = await studio(locale);
    const notice = page.getByTestId('notice');
    const tap = async (spot) => {
      await page.getByTestId('pick-rattan-lamp').click();
      const stage = await page.getByTestId('preview').boundingBox();
      await page.mouse.click(stage.x + spot.x * stage.width, stage.y + spot.y * stage.height);
    };
    await tap({ x: 0.67, y: 0.46 });
    await notice.filter({ hasText: said.pinned }).waitFor();
    await page.getByTestId('unpin-rattan-lamp').waitFor();
    await tap({ x: 0.55, y: 0.46 });
    await notice.filter({ hasText: said.moved }).waitFor();
    await page.getByTestId('unpin-rattan-lamp').click();
    await page.getByTestId('unpin-rattan-lamp').waitFor({ state: 'detached' });
    assert.equal(await notice.textContent(), said.unpinned, 'the notice no longer says pinned');
    await page.getByTestId('pins').screenshot({ path: `${OUT}/studio-details-unpinned-${locale}.png` });
    await page.locator('.studio-header').screenshot({ path: `${OUT}/studio-details-unpinned-notice-${locale}.png` });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('a mute and a ban say what they did with an Undo, and a banned Indonesian shopper is told banned', async () => {
  const page = await studio('en-US');
  const shopper = await (await browser.newContext({ ...PHONE, locale: 'id-ID' })).newPage();
  shopper.on('pageerror', (error) => assert.fail(`uncaught error in the viewer: ${error.message}`));
  await shopper.goto(server.url);
  await shopper.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 30000 });
  const say = async (line) => {
    await shopper.getByTestId('chat-input').fill(line);
    await shopper.getByTestId('chat-input').press('Enter');
  };
  await say('Halo kak, ada ukuran L?');
  const recent = () => page.evaluate(async () => (await fetch('/api/v1/shows/demo/chat')).json());
  let line;
  for (let i = 0; i < 50 && !line; i++) {
    line = (await recent()).find((l) => l.text === 'Halo kak, ada ukuran L?');
    if (!line) await page.waitForTimeout(100);
  }
  assert.ok(line, 'the studio reads the line');
  const name = line.from.name;
  const row = page.getByTestId(`line-${line.id}`);
  const moderated = page.getByTestId('moderated');

  await row.getByRole('button', { name: 'Mute 10 min' }).click();
  await moderated.filter({ hasText: `${name} is muted for 10 minutes` }).waitFor();
  await page.getByTestId('moderation').screenshot({ path: `${OUT}/studio-details-muted-en-US.png` });
  await say('Masih bisa?');
  await shopper.getByTestId('chat-alert').filter({ hasText: 'Moderator membisukanmu' }).waitFor();
  await page.getByRole('button', { name: `Undo: let ${name} chat again` }).click();
  await moderated.filter({ hasText: `${name} may chat again` }).waitFor();
  assert.equal(await page.getByTestId('undo-sanction').count(), 0, 'nothing left to undo');
  await shopper.getByTestId('chat-alert-dismiss').click();
  await say('Terima kasih kak');
  await shopper.getByTestId('chat-line').filter({ hasText: 'Terima kasih kak' }).waitFor();

  await row.getByRole('button', { name: 'Ban' }).click();
  await moderated.filter({ hasText: new RegExp(`^${name} is banned from the chat; \\d of their lines? (was|were) removed$`) }).waitFor();
  await page.getByTestId('undo-sanction').waitFor();
  await page.getByTestId('moderation').screenshot({ path: `${OUT}/studio-details-banned-en-US.png` });
  await say('Kenapa?');
  const alert = shopper.getByTestId('chat-alert');
  await alert.filter({ hasText: 'Moderator memblokirmu dari obrolan siaran ini' }).waitFor();
  assert.doesNotMatch(await alert.textContent(), /membisukan/, 'banned, not muted');
  await shopper.screenshot({ path: `${OUT}/studio-details-banned-shopper-id-ID.png` });
  assert.deepEqual(page.problems, []);

  // The same in Indonesian, from a studio in Indonesian: the ban is lifted with Undo.
  const indonesian = await studio('id-ID');
  await say('Maaf kak');
  await shopper.getByTestId('chat-alert').filter({ hasText: 'memblokirmu' }).waitFor();
  await page.getByTestId('undo-sanction').click();
  await moderated.filter({ hasText: `${name} may chat again` }).waitFor();
  await shopper.getByTestId('chat-alert-dismiss').click();
  await say('Maaf ya kak');
  const again = await (async () => {
    for (let i = 0; i < 50; i++) {
      const found = (await recent()).find((l) => l.text === 'Maaf ya kak');
      if (found) return found;
      await page.waitForTimeout(100);
    }
    return null;
  })();
  assert.ok(again, 'lifted: the shopper speaks again');
  await indonesian.getByTestId(`line-${again.id}`).getByRole('button', { name: 'Blokir' }).click();
  await indonesian.getByTestId('moderated').filter({ hasText: `${name} diblokir dari obrolan` }).waitFor();
  await indonesian.getByTestId('moderation').screenshot({ path: `${OUT}/studio-details-banned-id-ID.png` });
  await indonesian.getByRole('button', { name: `Urungkan: ${name} boleh mengobrol lagi` }).click();
  await indonesian.getByTestId('moderated').filter({ hasText: `${name} boleh mengobrol lagi` }).waitFor();
  assert.deepEqual(indonesian.problems, []);
  for (const p of [page, indonesian, shopper]) await p.context().close();
});

test('an owner makes an API token, copies its secret once, sees it used, and revokes it after saying yes', async () => {
  const page = await studio('en-US');
  await page.getByTestId('tab-tokens').click();
  await page.getByTestId('tokens').getByText('No tokens yet.').waitFor();
  await page.getByTestId('create-token').click();
  await page.getByTestId('token-form-error').filter({ hasText: 'Give the token a name' }).waitFor();
  await page.getByTestId('token-name').fill('shop system');
  await page.getByTestId('token-scope-moderation').check();
  await page.getByTestId('token-expiry').selectOption('90');
  await page.getByTestId('create-token').click();
  await page.getByTestId('token-made').filter({ hasText: 'shop system is made. Copy its secret now' }).waitFor();
  const secret = await page.getByTestId('token-secret').textContent();
  assert.match(secret, /^lpk_[A-Za-z0-9_-]{20,}$/, 'the whole secret, once');
  await page.getByTestId('copy-secret').click();
  await page.getByTestId('copy-secret-status').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.getByTestId('copy-secret-status').getAttribute('role'), 'status');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  const row = page.locator('[data-testid^="token-"][data-state]').first();
  await row.waitFor();
  assert.match(await row.textContent(), /shop system.*shows:read moderation.*Never.*Live until/);
  await page.screenshot({ path: `${OUT}/studio-details-token-made-en-US.png` });
  assert.deepEqual(await axeViolations(page), [], 'the tokens page passes axe');

  await page.getByTestId('hide-secret').click();
  assert.equal(await page.getByTestId('token-secret').count(), 0, 'the secret is gone for good');
  assert.equal((await page.content()).includes(secret), false);

  // The shop system calls the API with it; the list, read again, says when.
  const call = () => fetch(`${server.url}api/v1/shows`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal((await call()).status, 200);
  await page.getByTestId('tab-run').click();
  await page.getByTestId('tab-tokens').click();
  await page.waitForFunction(() => {
    const used = document.querySelector('[data-testid="token-last-used"]')?.textContent ?? '';
    return used && used !== 'Never';
  });

  const id = (await row.getAttribute('data-testid')).replace('token-', '');
  await page.getByTestId(`revoke-${id}`).click();
  const question = page.getByTestId('confirm-revoke');
  await question.filter({ hasText: 'Revoke shop system? Every system using it is refused from its next request.' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'confirm-revoke-no');
  await page.screenshot({ path: `${OUT}/studio-details-token-revoke-en-US.png` });
  await page.getByTestId('confirm-revoke-no').click();
  await question.waitFor({ state: 'detached' });
  assert.equal((await call()).status, 200, 'kept: it still works');
  await page.getByTestId(`revoke-${id}`).click();
  await page.getByTestId('confirm-revoke-yes').click();
  await page.getByTestId('tokens-said').filter({ hasText: 'shop system is revoked' }).waitFor();
  await page.locator(`[data-testid="token-${id}"][data-state="stopped"]`).waitFor();
  assert.equal(await page.getByTestId(`revoke-${id}`).count(), 0, 'nothing left to revoke');
  assert.equal((await call()).status, 401, 'a revoked token is refused');
  assert.deepEqual(page.problems, []);

  const indonesian = await studio('id-ID');
  await indonesian.getByTestId('tab-tokens').click();
  await indonesian.locator(`[data-testid="token-${id}"]`).filter({ hasText: /Dicabut/ }).waitFor();
  await indonesian.getByTestId('token-name').fill('sistem gudang');
  await indonesian.getByTestId('create-token').click();
  await indonesian.getByTestId('token-made').filter({ hasText: 'sistem gudang dibuat' }).waitFor();
  await indonesian.getByTestId('copy-secret').click();
  await indonesian.getByTestId('copy-secret-status').filter({ hasText: 'Disalin' }).waitFor();
  const fresh = indonesian.locator('[data-testid^="token-"][data-state="live"]').first();
  await indonesian.getByTestId(`revoke-${(await fresh.getAttribute('data-testid')).replace('token-', '')}`).click();
  await indonesian.getByTestId('confirm-revoke').filter({ hasText: 'Cabut sistem gudang?' }).waitFor();
  await indonesian.screenshot({ path: `${OUT}/studio-details-tokens-id-ID.png` });
  assert.deepEqual(await axeViolations(indonesian), [], 'in Indonesian too');
  assert.deepEqual(indonesian.problems, []);
  for (const p of [page, indonesian]) await p.context().close();
});

test('the stream key shows whole and copies, and a new key is asked about first', async () => {
  const page = await studio('en-US');
  const ingest = () => page.evaluate(async () => (await fetch('/api/v1/shows/demo/ingest')).json());
  const { stream_key: key } = await ingest();
  const shown = page.getByTestId('stream-key');
  assert.match(await shown.textContent(), /^•+$/, 'hidden until asked');
  await page.getByTestId('copy-key').click();
  await page.getByTestId('copy-key-status').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key, 'copied whole, even hidden');
  await page.getByTestId('reveal-key').click();
  assert.equal(await shown.textContent(), key);
  assert.ok(await shown.evaluate((code) => code.scrollWidth <= code.clientWidth && getComputedStyle(code).fontFamily.includes('monospace')),
    'the whole key on screen, in monospace');
  await page.getByTestId('ingest').screenshot({ path: `${OUT}/studio-details-key-en-US.png` });

  await page.getByTestId('new-key').click();
  const question = page.getByTestId('confirm-new-key');
  await question.filter({ hasText: 'an encoder live with it stays on air only until it reconnects, then drops' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'confirm-new-key-no');
  await page.getByTestId('ingest').screenshot({ path: `${OUT}/studio-details-new-key-question-en-US.png` });
  await page.getByTestId('confirm-new-key-no').click();
  await question.waitFor({ state: 'detached' });
  assert.equal((await ingest()).stream_key, key, 'kept');

  await page.getByTestId('new-key').click();
  await page.getByTestId('confirm-new-key-yes').click();
  await page.getByTestId('ingest-said').filter({ hasText: 'New stream key made: the old one no longer works' }).waitFor();
  const { stream_key: rotated } = await ingest();
  assert.notEqual(rotated, key);
  await page.waitForFunction((k) => document.querySelector('[data-testid="stream-key"]')?.textContent === k, rotated);
  await page.screenshot({ path: `${OUT}/studio-details-new-key-en-US.png` });
  assert.equal(await page.getByTestId('on-air').getAttribute('data-state'), 'live', 'the encoder live now stays on air');
  assert.deepEqual(page.problems, []);

  const indonesian = await studio('id-ID');
  await indonesian.getByTestId('reveal-key').click();
  await indonesian.waitForFunction((k) => document.querySelector('[data-testid="stream-key"]')?.textContent === k, rotated);
  await indonesian.getByTestId('copy-key').click();
  await indonesian.getByTestId('copy-key-status').filter({ hasText: 'Disalin' }).waitFor();
  await indonesian.getByTestId('new-key').click();
  await indonesian.getByTestId('confirm-new-key').filter({ hasText: 'Buat kunci siaran baru?' }).waitFor();
  await indonesian.getByTestId('ingest').screenshot({ path: `${OUT}/studio-details-new-key-question-id-ID.png` });
  await indonesian.getByTestId('confirm-new-key-no').click();
  assert.deepEqual(indonesian.problems, []);
  for (const p of [page, indonesian]) await p.context().close();
});
