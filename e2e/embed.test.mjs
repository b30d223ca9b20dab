// The widget embedded in other people's pages, in Debian's Chromium against the
// real server. /embed-demo: a shop with the widget in launcher and host-cart
// mode — nothing but the loader downloads before the shopper taps the bubble,
// a tag's "add" reaches the shop's own cart badge through lapak:add-to-cart,
// and the shop's cart comes back into the widget through syncCart.
// /embed-hostile: a deliberately hostile stylesheet and a strict CSP — the two
// widgets there are laid out as designed, raise no CSP violation and do not
// interfere with each other. Screenshots at phone and desktop sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, record } from './support.mjs';
import { SHOPPER, fill, startStripeShop } from './support.mjs';

const ORIGIN = new URL(process.env.LAPAK_URL ?? 'http://127.0.0.1:8080/').origin;
const OUT = process.env.E2E_OUT ?? 'target/e2e';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

let browser;
const timings = { bubble_to_first_frame_ms: [], bubble_to_tags_ms: [], bytes_before_interaction: [] };
before(async () => {
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});
after(async () => {
  await browser?.close();
  record('embed', timings);
});

async function open(context, path) {
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(ORIGIN + path);
  return { page, requests };
}

/** Adds the first product on screen in `widget` to the cart (choosing its first option if it has some). */
async function addFirstTag(page, widget) {
  const tag = page.locator(`[data-testid="${widget}"] [data-testid^="tag-"]`).first();
  await tag.waitFor({ timeout: 30000 });
  await tag.click();
  const options = page.locator(`[data-testid="${widget}"] .lapak-chip:not([disabled])`);
  if (await options.count()) {
    await options.first().click();
    await page.locator(`[data-testid="${widget}"] [data-testid="add-to-cart"]`).click();
  }
}

for (const [size, device] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`embed demo (${size}): loader only until the bubble; add to the shop's cart through events`, async () => {
    const context = await browser.newContext({ ...device, locale: 'id-ID' });
    const { page, requests } = await open(context, '/embed-demo');
    await page.locator('[data-testid="widget"] .bubble').waitFor();
    await page.waitForLoadState('networkidle');
    assert.ok(!requests.some((p) => p.endsWith('.wasm') || p.endsWith('lapak.js')), `before a tap: ${requests}`);
    timings.bytes_before_interaction.push(await page.evaluate(() => performance.getEntriesByType('resource')
      .reduce((sum, r) => sum + r.transferSize, performance.getEntriesByType('navigation')[0].transferSize)));
    await page.screenshot({ path: `${OUT}/embed-demo-${size}-1-page.png` });

    const tapped = await page.evaluate(() => performance.now());
    await page.locator('[data-testid="widget"] .bubble').click();
    const firstFrame = await page.waitForFunction(() => {
      const video = document.querySelector('lapak-live').shadowRoot.querySelector('video');
      return video && video.readyState >= 2 && video.currentTime > 0 && performance.now();
    }, null, { timeout: 30000 });
    timings.bubble_to_first_frame_ms.push(Math.round((await firstFrame.jsonValue()) - tapped));
    const tags = await page.waitForFunction(() =>
      document.querySelector('lapak-live').shadowRoot.querySelector('[data-testid^="tag-"]') && performance.now(), null, { timeout: 30000 });
    timings.bubble_to_tags_ms.push(Math.round((await tags.jsonValue()) - tapped));
    assert.ok(requests.some((p) => p.endsWith('.wasm')), 'the player loads on the tap');

    await addFirstTag(page, 'widget');
    await page.getByTestId('shop-cart-count').filter({ hasText: '1' }).waitFor();
    assert.match(await page.getByTestId('event-log').textContent(), /lapak:add-to-cart/);
    // The shop's cart comes back into the widget.
    await page.locator('[data-testid="widget"] [data-testid="cart-count"]').filter({ hasText: '1' }).waitFor();
    await page.screenshot({ path: `${OUT}/embed-demo-${size}-2-overlay.png` });

    await page.locator('[data-testid="widget"] .minimize').click();
    await page.waitForTimeout(300);
    const playing = await page.evaluate(() => {
      const video = document.querySelector('lapak-live').shadowRoot.querySelector('video');
      return !video.paused && video.getBoundingClientRect().width < 200;
    });
    assert.ok(playing, 'minimized: a small player that keeps playing');
    await page.screenshot({ path: `${OUT}/embed-demo-${size}-3-mini.png` });

    await page.locator('[data-testid="widget"] .expand').click();
    await page.locator('[data-testid="widget"] [data-testid="cart-button"]').click();
    await page.locator('[data-testid="widget"] [data-testid="checkout-button"]').click();
    await page.getByTestId('shop-checkout').waitFor();
    assert.match(await page.getByTestId('event-log').textContent(), /lapak:checkout/);
    assert.equal(await page.locator('[data-testid="widget"] [data-testid="checkout"]').count(), 0,
      "host-cart mode: Lapak's own checkout stays closed");
    await context.close();
  });
}

test('hostile page: strict CSP, hostile styles, two independent widgets laid out as designed', async () => {
  for (const [size, device] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    const context = await browser.newContext(device);
    const { page } = await open(context, '/embed-hostile');
    for (const widget of ['widget-a', 'widget-b']) {
      // An inline widget loads when it comes near the viewport: bring each one there.
      await page.locator(`[data-testid="${widget}"]`).scrollIntoViewIfNeeded();
      await page.locator(`[data-testid="${widget}"] [data-testid="connection-status"][data-state="live"]`).waitFor({ state: 'attached', timeout: 30000 });
    }
    const layout = (widget) => page.evaluate((id) => {
      const host = document.querySelector(`[data-testid="${id}"]`);
      const root = host.shadowRoot;
      const box = (sel) => {
        const r = root.querySelector(sel).getBoundingClientRect();
        const h = host.parentElement.getBoundingClientRect();
        return { x: Math.round(r.x - h.x), y: Math.round(r.y - h.y), w: Math.round(r.width), h: Math.round(r.height) };
      };
      const style = getComputedStyle(root.querySelector('.lapak'));
      return {
        slot: { w: Math.round(host.parentElement.getBoundingClientRect().width), h: Math.round(host.parentElement.getBoundingClientRect().height) },
        screen: box('.lapak-screen'), header: box('.lapak-header'), cart: box('[data-testid="cart-button"]'), mute: box('[data-testid="mute-button"]'),
        font: style.fontSize, spacing: style.letterSpacing, color: style.color,
        filter: getComputedStyle(root.querySelector('video')).filter,
        lang: root.querySelector('.lapak').getAttribute('lang'),
      };
    }, widget);
    const a = await layout('widget-a');
    const b = await layout('widget-b');
    for (const w of [a, b]) {
      assert.equal(w.font, '15px', 'the page\'s 40px root font does not reach in');
      assert.equal(w.spacing, 'normal');
      assert.equal(w.filter, 'none', 'the page\'s video blur does not reach in');
      assert.deepEqual([w.screen.x, w.screen.y, w.screen.w, w.screen.h], [0, 0, w.slot.w, w.slot.h], 'the player fills its slot');
      assert.ok(w.header.y === 0 && w.header.h > 40 && w.header.h < 90, JSON.stringify(w.header));
      assert.ok(w.cart.w >= 44 && w.cart.w <= 80 && w.cart.x + w.cart.w <= w.slot.w, JSON.stringify(w.cart));
      assert.ok(w.mute.w >= 40 && w.mute.w <= 80 && w.mute.y > w.header.y, JSON.stringify(w.mute));
    }
    // Alike, except where the words differ (the cart button's label is wider in Indonesian).
    const alike = ({ lang, cart, ...rest }) => ({ ...rest, cart: { y: cart.y, h: cart.h } });
    assert.deepEqual(alike(a), alike(b), 'both widgets are laid out alike');
    assert.deepEqual([a.lang, b.lang], ['en', 'id'], 'each widget speaks its own locale');
    await page.screenshot({ path: `${OUT}/embed-hostile-${size}.png`, fullPage: true });

    if (size === 'phone') {
      // Independent: A's cart, sound and events are A's alone.
      await page.evaluate(() => {
        window.heard = { a: 0, b: 0 };
        for (const id of ['a', 'b']) document.querySelector(`[data-testid="widget-${id}"]`).addEventListener('lapak:product-click', () => window.heard[id]++);
      });
      await addFirstTag(page, 'widget-a');
      await page.locator('[data-testid="widget-a"] [data-testid="cart-count"]').filter({ hasText: '1' }).waitFor();
      assert.equal(await page.locator('[data-testid="widget-b"] [data-testid="cart-count"]').textContent(), '0');
      assert.deepEqual(await page.evaluate(() => window.heard), { a: 1, b: 0 });
      await page.locator('[data-testid="widget-a"] [data-testid="mute-button"]').click();
      const muted = await page.evaluate(() => ['a', 'b'].map((id) =>
        document.querySelector(`[data-testid="widget-${id}"]`).shadowRoot.querySelector('video').muted));
      assert.deepEqual(muted, [false, true]);
    }
    assert.deepEqual(await page.evaluate(() => window.cspViolations), [], 'no CSP violation');
    await context.close();
  }
});

test('one page mounts, unmounts and mounts a widget again: each mount goes live, nothing of the old one runs on', async () => {
  const context = await browser.newContext(PHONE);
  const { page } = await open(context, '/embed-hostile');
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  const slot = page.locator('[data-testid="widget-a"]');
  await slot.scrollIntoViewIfNeeded();
  const live = () => page.locator('[data-testid="widget-a"] [data-testid="connection-status"][data-state="live"]')
    .waitFor({ state: 'attached', timeout: 30000 });
  await live();
  for (let round = 0; round < 4; round++) {
    // Taken out while its socket delivers frames, then put back: a fresh widget mounts.
    await page.evaluate(() => {
      const widget = document.querySelector('#widget-a');
      const parent = widget.parentElement;
      widget.remove();
      return new Promise((resolve) => setTimeout(() => { parent.append(widget); resolve(); }, 120));
    });
    await live();
    assert.equal(await page.locator('[data-testid="widget-a"] .lapak').count(), 1, `round ${round}: one widget in the element`);
  }
  // Old widgets' frames and timers would show here (a disposed store warns, a panic aborts).
  await page.waitForTimeout(1500);
  assert.deepEqual(problems.filter((p) => !p.includes('Content Security Policy')), [], 'no errors or warnings in the console');
  await page.locator('[data-testid="widget-a"] [data-testid^="tag-"]').first().waitFor({ timeout: 100000 });
  await context.close();
});

// A brand's page that takes cards through Stripe, with a strict policy: the Stripe shop of its
// own (localstripe and the browser's side of Stripe, scripts/fakes/stripe.py), the widget from
// Lapak's origin, and Stripe.js's origin allowed where docs/payments.md says, or not at all.
let stripeShop;
let stripeBrowser;
after(async () => {
  await stripeBrowser?.close();
  await stripeShop?.stop();
});

/**
 * The brand's page, served on the shop's origin with the embed pages' strict policy, as it is or,
 * when `allowStripe`, with Stripe.js's origin (the fake's) in `script-src`, `frame-src` and `connect-src`.
 */
async function stripePage(allowStripe) {
  stripeShop ??= await startStripeShop(process.env.LAPAK_SERVER_BIN ?? 'target/debug/lapak-server');
  // why: the test fulfills the page itself; a response that came from no address counts as
  // public for Chromium's Local Network Access checks, which would then block its socket to
  // loopback. A page served by a brand from its own address does not meet them.
  stripeBrowser ??= await launchChromium(['--autoplay-policy=no-user-gesture-required',
    '--disable-features=LocalNetworkAccessChecks']);
  const context = await stripeBrowser.newContext({ ...PHONE, locale: 'en-US' });
  const strict = (await fetch(`${stripeShop.url}embed-hostile`)).headers.get('content-security-policy').split(/;\s*/);
  const stripe = ` ${stripeShop.stripeJs}`;
  const policy = (allowStripe
    ? [...strict.map((d) => (/^(script|connect)-src /.test(d) ? d + stripe : d)), `frame-src${stripe}`]
    : strict).join('; ');
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`uncaught error in the page: ${error.message}`));
  await page.route(`${stripeShop.url}shop-with-stripe`, (route) => route.fulfill({
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>A shop that takes cards through Stripe</title>
<script type="module" src="/embed/hostile.js"></script><script type="module" src="/embed.js"></script>
<link rel="stylesheet" href="/shop-with-stripe.css"></head>
<body><main><lapak-live data-testid="widget" show="demo" locale="en-US" cart="lapak" mode="inline"></lapak-live></main></body></html>`,
  }));
  await page.route(`${stripeShop.url}shop-with-stripe.css`, (route) => route.fulfill({
    headers: { 'content-type': 'text/css' }, body: 'body { margin: 0; } lapak-live { display: block; height: 100vh; }',
  }));
  const checkouts = [];
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    if (String(payload).includes('Checkout')) checkouts.push(payload);
  }));
  await page.goto(`${stripeShop.url}shop-with-stripe`);
  return { context, page, checkouts };
}

/** The shirt in M from its tag into the widget's cart, checkout opened, the contact filled in. */
async function widgetCheckout(page) {
  const widget = (id) => page.locator(`[data-testid="widget"] [data-testid="${id}"]`);
  await widget('tag-batik-shirt').click({ timeout: 100000 });
  await widget('variant-option-m').click();
  await widget('add-to-cart').click();
  await widget('cart-count').filter({ hasText: '1' }).waitFor();
  await widget('cart-button').click();
  await widget('checkout-button').click();
  await widget('quote-line-batik-shirt-m').waitFor();
  await fill(page, SHOPPER);
}

test('a strict page that allows Stripe.js\'s origin: a card checkout is paid with no CSP violation', async () => {
  const { context, page } = await stripePage(true);
  await widgetCheckout(page);
  const field = page.frameLocator('[data-testid="widget"] iframe[title="Secure card payment input frame"]');
  await field.getByLabel('Card number').fill('4242 4242 4242 4242');
  await field.getByLabel('Expiration date (MM / YY)').fill('12 / 34');
  await field.getByLabel('Security code (CVC)').fill('739');
  await page.screenshot({ path: `${OUT}/embed-stripe-1-card.png` });
  await page.locator('[data-testid="widget"] [data-testid="pay"]').click();
  await page.locator('[data-testid="widget"] [data-testid="payment-heading"]').filter({ hasText: 'Order confirmed' }).waitFor({ timeout: 20000 });
  await page.screenshot({ path: `${OUT}/embed-stripe-2-paid.png` });
  assert.deepEqual(await page.evaluate(() => window.cspViolations), [], 'no CSP violation');
  await context.close();
});

test('a strict page that does not allow Stripe.js: the shopper is told, and no order is placed', async () => {
  const { context, page, checkouts } = await stripePage(false);
  await widgetCheckout(page);
  const alert = page.locator('[data-testid="widget"] [data-testid="card-slot"] [role="alert"]');
  await alert.filter({ hasText: 'Card payment can\'t be shown here' }).waitFor();
  await alert.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${OUT}/embed-stripe-3-blocked.png` });
  assert.equal(await page.locator('[data-testid="widget"] [data-testid="pay"]').isDisabled(), true, 'nothing to pay with');
  assert.deepEqual(checkouts, [], 'no order placed');
  const violations = await page.evaluate(() => window.cspViolations);
  assert.ok(violations.length > 0 && violations.every((v) => v.startsWith('script-src') && v.includes('/v3/')),
    `only Stripe.js blocked: ${violations}`);
  await context.close();
});
