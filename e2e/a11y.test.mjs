// Everyone can use it: axe-core (pinned from npm) audits the release widget in every state a
// shopper meets, in English and in Indonesian, and on the embed demo; the keyboard keeps focus
// inside an open sheet and on a sensible element after an action; Chromium's accessibility tree
// names the controls in both languages. Per-state results go to metrics.json as `axe`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, launchChromium, record, fill, SHOPPER, PHONE } from './support.mjs';

const URL = process.env.LAPAK_URL ?? 'http://127.0.0.1:8080/';
const ORIGIN = new globalThis.URL(URL).origin;
const OUT = process.env.E2E_OUT ?? 'target/e2e';

let browser;
const results = {};

before(async () => {
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close();
  record('axe', results);
});

async function open(locale, path = '/', device = PHONE) {
  const context = await browser.newContext({ ...device, locale, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  await page.goto(ORIGIN + path);
  return page;
}

/** Runs axe over the whole page (shadow roots included) and notes the violations under `state`. */
async function audit(page, state) {
  // Let entrance transitions finish: a half-faded sheet is not what a shopper reads.
  await page.waitForTimeout(400);
  const found = await axeViolations(page);
  results[state] = found.length ? found : 0;
  if (found.length) await page.screenshot({ path: `${OUT}/axe-${state.replaceAll(/[^a-z0-9]+/gi, '-')}.png` });
  return found;
}

/** Waits for the widget's socket to be live. */
const live = (page, root = page) =>
  root.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ state: 'attached', timeout: 30000 });

/** The element that has focus, through shadow roots, as a short description. */
const focused = (page) => page.evaluate(() => {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el ? { tag: el.tagName, testid: el.dataset.testid ?? null, sheet: el.closest('[role="dialog"]')?.dataset.testid ?? null } : null;
});

for (const locale of ['en-US', 'id-ID']) {
  test(`axe: no violations on the widget, closed and with each sheet open (${locale})`, async () => {
    const page = await open(locale);
    const lang = locale.slice(0, 2);
    await live(page);
    const failures = {};
    const check = async (state) => {
      const found = await audit(page, `${lang} ${state}`);
      if (found.length) failures[state] = found;
    };

    await check('closed');
    await page.getByTestId('shelf-button').click();
    await page.getByTestId('shelf').waitFor();
    await check('shelf');

    // A product with sizes opens the variant picker from the shelf.
    await page.getByTestId('shelf-item-batik-shirt').getByRole('button').last().click();
    await page.getByTestId('picker').waitFor();
    await check('variant picker');
    await page.locator('[data-testid="picker"] .lapak-chip:not([disabled])').first().click();
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('cart-count').filter({ hasText: '1' }).waitFor();
    await page.keyboard.press('Escape');

    await page.getByTestId('cart-button').click();
    await page.getByTestId('cart-drawer').waitFor();
    await check('cart');
    await page.getByTestId('checkout-button').click();
    await page.getByTestId('checkout').getByTestId('total').waitFor();
    await check('checkout');
    await fill(page, { ...SHOPPER, cardnumber: '4242 4242 4242 4242', expiry: '12/30', cvc: '123' });
    await page.getByTestId('pay').click();
    await page.getByTestId('confirmation').getByTestId('order-number').waitFor({ timeout: 20000 });
    await check('order confirmed');
    await page.keyboard.press('Escape');

    await page.getByTestId('orders-button').click();
    await page.getByTestId('orders-sheet').getByTestId('order-status').first().waitFor();
    await check('orders');
    await page.keyboard.press('Escape');

    await page.getByTestId('gift-button').click();
    await page.getByTestId('gift-rose').waitFor();
    await check('gifts');
    await page.keyboard.press('Escape');
    await page.getByTestId('wallet').click();
    await page.getByTestId('top-up-pay').waitFor();
    await check('top-up');
    await page.keyboard.press('Escape');

    await page.getByTestId('missions-button').click();
    await page.getByTestId('journey').waitFor();
    await check('missions');
    await page.context().close();
    assert.deepEqual(failures, {}, 'axe violations');
  });

  test(`axe: no violations on the embed demo, bubble and open (${locale})`, async () => {
    const page = await open(locale, '/embed-demo');
    const widget = page.locator('[data-testid="widget"]');
    await widget.locator('.bubble').waitFor();
    const lang = locale.slice(0, 2);
    const failures = {};
    for (const state of ['embed bubble', 'embed open']) {
      if (state === 'embed open') {
        await widget.locator('.bubble').click();
        await live(page, widget);
      }
      const found = await audit(page, `${lang} ${state}`);
      if (found.length) failures[state] = found;
    }
    await page.context().close();
    assert.deepEqual(failures, {}, 'axe violations');
  });
}

test('keyboard: Tab stays inside an open sheet; after "add to cart" focus goes back to the opener and Escape closes the sheet', async () => {
  const page = await open('en-US');
  await live(page);
  await page.getByTestId('gift-button').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('gift-rose').waitFor();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const at = await focused(page);
    assert.equal(at?.sheet, 'gift-sheet', `Tab ${i + 1} left the gifts sheet for ${JSON.stringify(at)}`);
  }
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page))?.sheet, 'gift-sheet', `Shift+Tab ${i + 1} left the gifts sheet`);
  }
  await page.keyboard.press('Escape');
  await page.getByTestId('gift-sheet').waitFor({ state: 'detached' });
  assert.equal((await focused(page))?.testid, 'gift-button', 'closing a sheet returns focus to what opened it');

  await page.getByTestId('shelf-button').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('shelf-item-batik-shirt').getByRole('button').last().focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('picker').waitFor();
  await page.locator('[data-testid="picker"] .lapak-chip:not([disabled])').first().focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('add-to-cart').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('cart-count').filter({ hasText: '1' }).waitFor();
  // The picker closes, then focus moves on the next frame: give it a moment, never <body>.
  // The picker took the shelf's place, so focus goes back to what opened the shelf.
  let after;
  for (let i = 0; i < 20 && after?.testid !== 'shelf-button'; i++) {
    after = await focused(page);
    if (after?.testid !== 'shelf-button') await page.waitForTimeout(100);
  }
  assert.equal(after?.testid, 'shelf-button', `after adding, focus is on Products (never <body>): ${JSON.stringify(after)}`);
  // The shopper's own action is said; the chat is never read out line by line.
  await page.getByTestId('announcer').filter({ hasText: 'Added to your cart. 1 item in it.' }).waitFor({ state: 'attached' });
  assert.equal(await page.getByTestId('chat-log').getAttribute('aria-live'), 'off');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="picker"], [data-testid="shelf"] [role="dialog"]'));
  await page.keyboard.press('?');
  await page.getByTestId('shortcuts').waitFor();
  assert.match(await page.getByTestId('shortcuts').textContent(), /LLike the show.*CCart|COpen the cart/);
  await page.screenshot({ path: `${OUT}/a11y-shortcuts.png` });
  assert.deepEqual(await audit(page, 'en shortcuts'), []);
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcuts').waitFor({ state: 'detached' });
  await page.context().close();
});

/**
 * Runs in the page: whether the focused element (through shadow roots) can be seen, WCAG 2.4.11.
 * Points across its box are hit-tested with every element made hit-testable (toasts and layers
 * that let taps through still cover what is under them); a point shows it when the first thing
 * painted there, from the top, is the element or inside it. Layers that paint nothing there
 * (no background, no text of their own) are looked through.
 */
function focusShows() {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body) return null;
  const root = el.getRootNode();
  const all = document.createElement('style');
  all.textContent = '* { pointer-events: auto !important; }';
  (root.head ?? root).append(all);
  const paints = (e) => {
    const style = getComputedStyle(e);
    const opaque = (c) => c !== 'transparent' && !/rgba\(.*, 0\)$/.test(c);
    const text = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    return opaque(style.backgroundColor) || style.backgroundImage !== 'none' || text
      || ['IMG', 'svg', 'VIDEO', 'INPUT', 'BUTTON'].includes(e.tagName);
  };
  const r = el.getBoundingClientRect();
  let shown = 0;
  let coveredBy = null;
  for (const fx of [0.2, 0.5, 0.8]) {
    for (const fy of [0.2, 0.5, 0.8]) {
      const [x, y] = [r.left + fx * r.width, r.top + fy * r.height];
      for (const hit of root.elementsFromPoint(x, y)) {
        if (hit === el || el.contains(hit)) { shown += 1; break; }
        if (hit.contains(el)) continue;
        if (paints(hit)) { coveredBy ??= `${hit.tagName}.${hit.className?.baseVal ?? hit.className}`; break; }
      }
    }
  }
  all.remove();
  const name = el.dataset.testid ?? el.getAttribute('aria-label') ?? el.tagName;
  return { name, shown, coveredBy, onScreen: r.bottom > 0 && r.top < innerHeight && r.width > 0 };
}

test('focus is never hidden (WCAG 2.4.11): every Tab stop shows, with tags and a mission toast up', async () => {
  // A small phone: the picture's top shelf, where the show pins first, is right under the header.
  const page = await open('en-US', '/', { ...PHONE, viewport: { width: 360, height: 640 } });
  await live(page);
  // A tag on the top shelf, whose card is high on this screen, and 30 likes complete a
  // mission: its toast stands over the header.
  const topShelf = ['batik-shirt', 'gayo-coffee', 'silk-scarf'].map((p) => `[data-testid="tag-${p}"]`).join(', ');
  await page.locator(topShelf).first().waitFor({ timeout: 30000 });
  for (let i = 0; i < 30; i++) await page.getByTestId('like-button').click();
  await page.getByTestId('toasts').filter({ hasText: 'Mission complete' }).waitFor();
  // The toast stands in the header's band: over no tag card and no control.
  const underToast = await page.evaluate(() => {
    const toast = document.querySelector('.lapak-toast:last-child').getBoundingClientRect();
    const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return [...document.querySelectorAll('.lapak-tag, .lapak-screen button, .lapak-screen input')]
      .filter((e) => e.checkVisibility() && overlap(e.getBoundingClientRect(), toast))
      .map((e) => e.dataset.testid ?? e.className);
  });
  assert.deepEqual(underToast, [], 'under the mission toast');
  const hidden = [];
  const seen = new Set();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(focusShows);
    if (!at || seen.has(at.name)) continue;
    seen.add(at.name);
    if (at.name.startsWith('tag-')) await page.screenshot({ path: `${OUT}/a11y-focus-tag.png` });
    if (!at.onScreen || at.shown === 0) hidden.push(`${at.name} (under ${at.coveredBy})`);
  }
  // Nor does one control stand on another on this short screen (the rail climbs towards the
  // mute and fullscreen buttons).
  const stacked = await page.evaluate(() => {
    const controls = [...document.querySelectorAll('.lapak-screen button, .lapak-screen input')]
      .filter((e) => !e.closest('.lapak-tags, [role="dialog"], .lapak-toasts, .lapak-notice-region') && e.checkVisibility())
      .map((e) => ({ name: e.dataset.testid ?? e.className, r: e.getBoundingClientRect() }));
    const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return controls.flatMap((a, i) => controls.slice(i + 1).filter((b) => overlap(a.r, b.r)).map((b) => `${a.name} on ${b.name}`));
  });
  await page.context().close();
  assert.deepEqual(stacked, [], 'controls standing on each other');
  assert.ok([...seen].some((name) => name.startsWith('tag-')), `a tag card was among the Tab stops: ${[...seen]}`);
  assert.deepEqual(hidden, [], `focused, and entirely hidden; the stops: ${[...seen]}`);
});

test("Chromium's accessibility tree names the controls in English and Indonesian", async () => {
  const expected = {
    'en-US': [/button "Like, [\d.,K]+ likes"/, /button "Products, \d+ featured"/, /button "Gifts"/, /region "Live show/],
    'id-ID': [/button "Suka, [\d.,rb]+ suka"/, /button "Produk, \d+ ditampilkan"/, /button "Hadiah"/, /region "Siaran langsung/],
  };
  for (const [locale, names] of Object.entries(expected)) {
    const page = await open(locale);
    await live(page);
    const tree = await page.locator('body').ariaSnapshot();
    for (const name of names) assert.match(tree, name, `${locale}: ${name} in\n${tree}`);
    await page.context().close();
  }
});
