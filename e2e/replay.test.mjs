// The shoppable replay end to end, on a server of its own: the demo show goes
// live from the demo clip through real ffmpeg; its timeline pins the tote and
// then the coffee and runs their flash deals; a shopper chats at the start and
// at minute 2; the owner ends the show. Then the same page is the replay: tags
// on the same frames (±1 frame), a chapter's "See it in the show" shows its
// product at once, the minute-2 line is on screen at minute 2 and not at minute
// 1, a `?t=` link opens at its moment, the tote is bought at today's price (the
// deal on screen has ended), and the owner hides the chat from the studio.
// Records the chapter-to-picture time and the bytes the log kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PHONE, SHOPPER, fill, publishClip, record, serveLive, stopChild, streamKey, suiteBrowser, until,
} from './support.mjs';

const BIN = process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server';
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const PASSWORD = 'owner of the replay';
/** When the shopper's second line is written, from going on air: minute 2. */
const LATE_LINE_MS = 120000;
/** On air past it: the timeline's second loop has pinned the tote again (102 s) and runs its deal (104–129 s). */
const ON_AIR_MS = 126000;

const browser = suiteBrowser();

/** The owner's session on `server`: added with the server's CLI, signed in over the API. */
async function ownerSession(server) {
  const added = spawnSync(BIN, ['add-user', '--email', 'owner@demo.example', '--role', 'owner'],
    { env: { ...process.env, LAPAK_DB: server.db, LAPAK_PASSWORD: PASSWORD }, encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);
  const response = await fetch(`${server.url}studio/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'owner@demo.example', password: PASSWORD }),
  });
  assert.equal(response.status, 200);
  const cookie = response.headers.get('set-cookie').split(';')[0];
  const { csrf } = await response.json();
  return (method, path) => fetch(`${server.url}${path.slice(1)}`, {
    method, headers: { cookie, 'x-csrf-token': csrf },
  });
}

/** A shopper's page on `url`, failing the test on any uncaught error. */
async function shopperAt(url) {
  const context = await browser.newContext({ ...PHONE, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the viewer: ${error.message}`));
  await page.goto(url);
  return page;
}

async function say(page, text) {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-input').press('Enter');
  await page.getByTestId('chat-line').filter({ hasText: text }).waitFor();
}

/** Programme time (unix ms) of the frame on screen. */
const programme = (page) => page.getByTestId('player').evaluate((el) => Number(el.dataset.programmeMs) || null);

/**
 * Watches the picture for `ms`: at every animation frame, the frame's programme time and whether
 * `product`'s tag is on screen.
 */
function watchTag(page, product, ms) {
  return page.evaluate(({ product, ms }) => new Promise((resolve) => {
    const samples = [];
    const player = document.querySelector('[data-testid="player"]');
    const end = performance.now() + ms;
    const look = () => {
      samples.push([Number(player.dataset.programmeMs) || null,
        !!document.querySelector(`[data-testid="tag-${product}"]`)]);
      if (performance.now() < end) requestAnimationFrame(look); else resolve(samples);
    };
    requestAnimationFrame(look);
  }), { product, ms });
}

test('an ended show replays with its tags, chat and chapters in sync, and sells at today\'s price', async () => {
  const children = [];
  try {
    const server = await serveLive(BIN, mkdtempSync(join(tmpdir(), 'lapak-replay-')), 'replay', [], children);
    const encoder = await publishClip(server.rtmp, await streamKey(BIN, server), children);
    const api = await ownerSession(server);

    // On air: the shopper chats early and late.
    const live = await shopperAt(server.url);
    await live.getByTestId('live-badge').waitFor({ timeout: 30000 });
    const onAir = Date.now();
    await say(live, 'Hello from the start');
    await live.waitForTimeout(Math.max(0, onAir + LATE_LINE_MS - Date.now()));
    await say(live, 'Is the coffee single origin?');
    await live.waitForTimeout(Math.max(0, onAir + ON_AIR_MS - Date.now()));
    assert.equal((await api('POST', '/api/v1/shows/demo/end')).status, 204);
    await stopChild(encoder);
    await live.context().close();

    // The replay: what the server keeps, as the viewer gets it.
    const replay = await until('the replay to open', async () => {
      const r = await api('GET', '/api/v1/shows/demo/replay');
      const body = await r.json();
      return body.state === 'ready' && body.recording_ends_ms ? body : null;
    });
    const log = await until('the replay log', async () => {
      const r = await fetch(`${server.url}api/v1/shows/demo/replay/log`);
      return r.ok ? r.json() : null;
    });
    const first = (type, pick) => log.events.find(([, e]) => e.type === type && pick(e));
    const [coffeeAt] = first('Pinned', (e) => e.pin.product_id === 'gayo-coffee');
    const [toteAt] = first('Pinned', (e) => e.pin.product_id === 'pandan-tote');
    const [lateAt] = first('Chat', (e) => e.messages.some((m) => m.text === 'Is the coffee single origin?'));
    assert.ok(first('DealStarted', (e) => e.deal.product_id === 'pandan-tote'), 'the tote\'s deal is kept');
    const starts = log.starts_ms;
    assert.ok(starts < toteAt && toteAt < coffeeAt && coffeeAt < log.ends_ms);
    const bytes = spawnSync('sqlite3', [server.db, 'SELECT SUM(events), SUM(LENGTH(body)) FROM show_events'],
      { encoding: 'utf8' }).stdout.trim().split('|').map(Number);
    record('replay_log', {
      events: bytes[0], bytes: bytes[1], seconds: (replay.recording_ends_ms - replay.recording_starts_ms) / 1000,
    });

    const page = await shopperAt(server.url);
    await page.getByTestId('replay-badge').waitFor({ timeout: 30000 });
    assert.equal(await page.getByTestId('live-badge').count(), 0);
    assert.equal(await page.getByTestId('chat-input').count(), 0, 'nobody is live to read a replay\'s chat');
    const seekBar = page.getByTestId('seek-bar');
    await seekBar.waitFor();
    assert.ok(await seekBar.getAttribute('aria-label'), 'the seek bar has a name');
    await page.screenshot({ path: `${OUT}/replay-1-start.png` });

    // A chapter: "See it in the show" moves the picture to the coffee, its tag on screen at once.
    await page.getByTestId('shelf-button').click();
    const chapter = page.getByTestId('chapter-gayo-coffee');
    await chapter.waitFor();
    const tapped = Date.now();
    await chapter.click();
    await until('the coffee on screen', async () => {
      const at = await programme(page);
      return at >= coffeeAt && at < coffeeAt + 3000 && await page.getByTestId('tag-gayo-coffee').count() === 1;
    }, 15000);
    const chapterMs = Date.now() - tapped;
    record('replay_chapter_ms', [chapterMs]);
    await page.screenshot({ path: `${OUT}/replay-2-chapter.png` });

    // The tags are on the frames they were pinned on: from just before the coffee's pin, every
    // frame before it shows no coffee tag and every frame from it shows one (±1 frame, 40 ms).
    await page.goto(`${server.url}?t=${Math.floor((coffeeAt - starts) / 1000) - 2}`);
    await page.getByTestId('replay-badge').waitFor();
    const samples = (await watchTag(page, 'gayo-coffee', 5000)).filter(([at]) => at);
    assert.ok(samples.some(([at]) => at < coffeeAt - 40) && samples.some(([at]) => at > coffeeAt + 40),
      `the picture played across the pin: ${samples[0]?.[0] - coffeeAt} .. ${samples.at(-1)?.[0] - coffeeAt} ms`);
    const wrong = samples.filter(([at, shown]) => (at < coffeeAt - 40 && shown) || (at >= coffeeAt + 40 && !shown));
    assert.deepEqual(wrong.map(([at, shown]) => [at - coffeeAt, shown]), [], 'frames showing the wrong tags');

    // A `?t=` link opens at its moment, and the minute-2 line is on screen then, not a minute before.
    await page.goto(`${server.url}?t=${Math.ceil((lateAt - starts) / 1000) + 1}`);
    await page.getByTestId('replay-badge').waitFor();
    const lateLine = page.getByTestId('chat-line').filter({ hasText: 'Is the coffee single origin?' });
    await lateLine.waitFor({ timeout: 15000 });
    const opened = await programme(page);
    assert.ok(Math.abs(opened - (lateAt + 1000)) < 2500, `?t= opened ${opened - lateAt} ms from the line`);
    await page.goto(`${server.url}?t=${Math.floor((lateAt - starts) / 1000) - 60}`);
    await page.getByTestId('replay-badge').waitFor();
    await page.getByTestId('chat-line').filter({ hasText: 'Hello from the start' }).waitFor({ timeout: 15000 });
    assert.equal(await lateLine.count(), 0, 'the minute-2 line is not on screen at minute 1');

    // Buying from the replay: the tote at today's price; the deal it had at that moment is over.
    await page.goto(`${server.url}?t=${Math.ceil((lateAt - starts) / 1000) + 1}`);
    await page.getByTestId('replay-badge').waitFor();
    await page.getByTestId('tag-pandan-tote').getByTestId('deal-ended').waitFor({ timeout: 15000 });
    await page.screenshot({ path: `${OUT}/replay-3-chat.png` });
    await page.getByTestId('tag-pandan-tote').waitFor({ timeout: 15000 });
    const tote = await page.getByTestId('tag-pandan-tote').textContent();
    assert.doesNotMatch(tote, /Rp\s99,000/, 'an ended deal\'s price is never offered');
    await page.getByTestId('tag-pandan-tote').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="cart-count"]')?.textContent === '1');
    await page.getByTestId('cart-button').click();
    await page.getByTestId('checkout-button').click();
    const line = page.getByTestId('quote-line-pandan-tote-default');
    await line.waitFor();
    assert.match(await line.textContent(), /1 × Rp\s129,000/);
    await fill(page, { ...SHOPPER, cardnumber: '4242 4242 4242 4242', expiry: '12/30', cvc: '123' });
    await page.getByTestId('pay').click();
    const confirmation = page.getByTestId('confirmation');
    await confirmation.getByText('Order confirmed').waitFor();
    assert.match(await confirmation.textContent(), /1 × Woven Pandan Tote.*Rp\s129,000/);
    await page.screenshot({ path: `${OUT}/replay-4-bought.png` });

    const figures = await (await api('GET', '/api/v1/shows/demo/replay')).json();
    assert.ok(figures.figures.views >= 1, JSON.stringify(figures));

    // The brand's controls in the studio: the replay's figures apart from live, and the chat hidden.
    const studio = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })).newPage();
    studio.on('pageerror', (error) => assert.fail(`uncaught error in the studio: ${error.message}`));
    await studio.goto(`${server.url}studio/`);
    await studio.getByTestId('email').fill('owner@demo.example');
    await studio.getByTestId('password').fill(PASSWORD);
    await studio.getByRole('button', { name: 'Sign in' }).click();
    // An ended show opens on its results; its replay's controls are where the show is run.
    await studio.getByTestId('tab-run').click();
    const panel = studio.locator('[data-testid="replay"][data-state="ready"]');
    await panel.waitFor({ timeout: 30000 });
    await until('the replay views', async () => Number(await studio.getByTestId('replay-views').textContent()) >= 1);
    await studio.locator('#replay-chat').uncheck();
    await studio.locator('#replay-save').click();
    await studio.getByText('Replay saved').waitFor();
    await panel.screenshot({ path: `${OUT}/replay-5-studio.png` });
    await page.goto(`${server.url}?t=${Math.ceil((lateAt - starts) / 1000) + 1}`);
    await page.getByTestId('replay-badge').waitFor();
    await page.getByTestId('tag-pandan-tote').waitFor({ timeout: 15000 });
    assert.equal(await page.getByTestId('chat-line').count(), 0, 'the chat is hidden in the replay');
    await page.context().close();
    await studio.context().close();
  } finally {
    await Promise.all(children.map(stopChild));
  }
});
