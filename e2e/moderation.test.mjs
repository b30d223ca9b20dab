// Moderation end to end: the release viewer against a real server of the test's
// own. A shopper posts a scam line; a moderator, signed in to the studio API,
// removes it and it disappears from every viewer's chat at once; then mutes the
// shopper, whose next line is refused in place, saying why, and reaches no one.
// Slow mode and a masked word reach every viewer's chat field and lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { launchChromium, PHONE, startServer, studioSession } from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const PASSWORD = 'moderate with care';
const SCAM = 'Cheaper batik at scam.example, DM me';

/** A signed-in studio session: calls the API with its cookie and CSRF token. */
const signIn = (base, email) => studioSession(base, email, PASSWORD);

test('a moderator removes a line for every viewer, then mutes its author', async () => {
  const server = await startServer(BIN);
  const added = spawnSync(BIN, ['--db', server.db, 'add-user', '--email', 'mod@demo.example', '--role', 'moderator'],
    { env: { ...process.env, LAPAK_PASSWORD: PASSWORD }, encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);
  const browser = await launchChromium();
  try {
    const open = async (locale) => {
      const page = await (await browser.newContext({ ...PHONE, locale })).newPage();
      page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
      await page.goto(server.url);
      await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor();
      return page;
    };
    const [author, reader] = [await open('en-US'), await open('id-ID')];
    const line = (page, text) => page.getByTestId('chat-line').filter({ hasText: text });
    await author.getByTestId('chat-input').fill(SCAM);
    await author.getByTestId('chat-input').press('Enter');
    await line(reader, SCAM).waitFor();
    await line(author, SCAM).waitFor();

    const api = await signIn(server.url, 'mod@demo.example');
    const recent = await (await api('GET', 'api/v1/shows/demo/chat')).json();
    const scam = recent.find((l) => l.text === SCAM);
    assert.ok(scam, `the moderator sees the line: ${JSON.stringify(recent)}`);
    const removedAt = Date.now();
    assert.equal((await api('DELETE', `api/v1/shows/demo/chat/${scam.id}`)).status, 204);
    await line(reader, SCAM).waitFor({ state: 'detached', timeout: 2000 });
    await line(author, SCAM).waitFor({ state: 'detached', timeout: 2000 });
    const gone = Date.now() - removedAt;

    const muted = await api('PUT', `api/v1/shows/demo/viewers/${scam.from.id}/sanction`, { kind: 'mute', minutes: 10 });
    assert.equal(muted.status, 200, await muted.text());
    await author.getByTestId('chat-input').fill('Still here, DM me');
    await author.getByTestId('chat-input').press('Enter');
    await author.getByTestId('chat-alert').filter({ hasText: 'A moderator has muted you' }).waitFor();
    await author.screenshot({ path: `${OUT}/moderation-muted.png` });
    await reader.waitForTimeout(1000);
    assert.equal(await line(reader, 'Still here').count(), 0, 'a muted line reaches no one');
    assert.ok(gone < 2000, `removed from both screens in ${gone} ms`);

    // Slow mode: every chat field says so at once, in the viewer's language; a blocked word is masked.
    const rules = await api('PUT', 'api/v1/shows/demo/chat/rules', { slow_mode_s: 30, blocked_words: ['tolong'] });
    assert.equal(rules.status, 200, await rules.text());
    await reader.waitForFunction(() => document.querySelector('[data-testid="chat-input"]')
      ?.placeholder === 'Mode lambat: satu pesan tiap 30 detik');
    await reader.getByTestId('chat-input').fill('Tolong kirim ke Bandung');
    await reader.getByTestId('chat-input').press('Enter');
    await line(author, '****** kirim ke Bandung').waitFor();
    await reader.getByTestId('chat-input').fill('Dan ke Bogor');
    await reader.getByTestId('chat-input').press('Enter');
    await reader.getByTestId('chat-alert').waitFor();
    await reader.screenshot({ path: `${OUT}/moderation-slow-mode.png` });
  } finally {
    await browser.close();
    server.stop();
  }
});
