// Rumah Batik's own shopping bag, shared by the catalogue's buttons and the live
// widget (<lapak-live cart="host">): the widget reports what the shopper picks
// through events, and gets the bag back through syncCart() after every change.

const widget = document.querySelector('lapak-live');
const badge = document.getElementById('shop-cart-count');
const checkout = document.getElementById('shop-checkout');
const eventLog = document.getElementById('event-log');
const LOG_SIZE = 8;

/** The bag: [{product_id, variant_id, quantity, unit_price: {minor, currency}}]. */
const cart = [];

// Digits after the decimal point per ISO 4217 (prices travel as integers in minor units).
const EXPONENT = { BHD: 3, JOD: 3, KWD: 3, OMR: 3, TND: 3, JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0 };
const formats = new Map();
function money({ minor, currency }) {
  if (!formats.has(currency)) {
    formats.set(currency, new Intl.NumberFormat('id-ID', {
      style: 'currency', currency, maximumFractionDigits: currency === 'IDR' ? 0 : undefined,
    }));
  }
  return formats.get(currency).format(minor / 10 ** (EXPONENT[currency] ?? 2));
}

// What the page knows about its products, read from the catalogue's cards.
const catalogue = new Map();
for (const card of document.querySelectorAll('[data-product]')) {
  const select = card.querySelector('select');
  catalogue.set(card.dataset.product, {
    card,
    name: card.querySelector('.name').textContent,
    image: card.querySelector('img').getAttribute('src'),
    price: { minor: Number(card.dataset.price), currency: 'IDR' },
    variants: new Map(select ? [...select.options].map((o) => [o.value, o.textContent]) : []),
    variant: () => (select ? select.value : card.dataset.variant),
  });
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- the bag ----------------------------------------------------------------

const sameLine = (a, b) => a.product_id === b.product_id && a.variant_id === b.variant_id;

function add({ product_id, variant_id, quantity, unit_price }) {
  const line = cart.find((l) => sameLine(l, { product_id, variant_id }));
  if (line) line.quantity += quantity;
  else cart.push({ product_id, variant_id, quantity, unit_price: { ...unit_price } });
  changed();
}

function setQuantity({ product_id, variant_id }, quantity) {
  const index = cart.findIndex((l) => sameLine(l, { product_id, variant_id }));
  if (index < 0) return sync(); // not in the bag: show the widget what is
  if (quantity > 0) cart[index].quantity = quantity;
  else cart.splice(index, 1);
  changed();
}

let widgetDefined = false;
/** Shows the shop's bag in the widget (once the element is defined). */
function sync() {
  if (widgetDefined) widget.syncCart(cart.map((l) => ({ ...l, unit_price: { ...l.unit_price } })));
}

function changed() {
  const units = cart.reduce((sum, l) => sum + l.quantity, 0);
  if (badge.textContent !== String(units)) {
    badge.textContent = String(units);
    badge.classList.remove('bump');
    void badge.offsetWidth; // restart the animation
    badge.classList.add('bump');
  }
  renderCheckout();
  sync();
}

// ---- the shop's own checkout page ---------------------------------------------

function renderCheckout() {
  const rows = cart.map((line) => {
    const product = catalogue.get(line.product_id);
    const row = element('li', 'line');
    const img = element('img');
    img.src = product?.image ?? '/embed/logo.svg';
    img.alt = '';
    img.width = 56;
    img.height = 56;
    const info = element('span', 'line-info', product?.name ?? line.product_id);
    const variant = product?.variants.get(line.variant_id);
    info.append(element('small', '', `${variant ? `${variant} · ` : ''}${money(line.unit_price)} / pcs`));
    const qty = element('span', 'qty');
    const less = element('button', '', '−');
    const more = element('button', '', '+');
    less.type = more.type = 'button';
    less.setAttribute('aria-label', `Kurangi ${product?.name ?? line.product_id}`);
    more.setAttribute('aria-label', `Tambah ${product?.name ?? line.product_id}`);
    less.addEventListener('click', () => setQuantity(line, line.quantity - 1));
    more.addEventListener('click', () => setQuantity(line, line.quantity + 1));
    qty.append(less, element('output', '', String(line.quantity)), more);
    const total = element('span', 'line-total', money({ ...line.unit_price, minor: line.unit_price.minor * line.quantity }));
    row.append(img, info, qty, total);
    return row;
  });
  document.getElementById('checkout-lines').replaceChildren(...rows);
  const subtotal = cart.reduce((sum, l) => sum + l.unit_price.minor * l.quantity, 0);
  document.getElementById('checkout-subtotal').textContent = money({ minor: subtotal, currency: cart[0]?.unit_price.currency ?? 'IDR' });
}

function showCheckout() {
  document.getElementById('checkout-pay-note').hidden = true;
  checkout.hidden = false;
  checkout.scrollIntoView({ behavior: 'smooth', block: 'start' });
  checkout.focus({ preventScroll: true });
}

document.getElementById('shop-cart').addEventListener('click', showCheckout);
document.getElementById('checkout-pay').addEventListener('click', () => {
  document.getElementById('checkout-pay-note').hidden = false;
});
document.getElementById('checkout-back').addEventListener('click', async () => {
  checkout.hidden = true;
  await customElements.whenDefined('lapak-live');
  widget.open();
});

// ---- the catalogue's buttons ----------------------------------------------------

for (const [product_id, product] of catalogue) {
  const button = product.card.querySelector('.add');
  const label = button.textContent;
  let timer;
  button.addEventListener('click', () => {
    add({ product_id, variant_id: product.variant(), quantity: 1, unit_price: product.price });
    button.textContent = 'Masuk tas ✓';
    button.classList.add('done');
    clearTimeout(timer);
    timer = setTimeout(() => { button.textContent = label; button.classList.remove('done'); }, 1400);
  });
}

// ---- the widget's events ----------------------------------------------------------

const clock = new Intl.DateTimeFormat('id-ID', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
function log(text) {
  const item = element('li');
  item.append(element('time', '', clock.format(new Date())), ' ', element('span', '', text));
  eventLog.prepend(item);
  while (eventLog.children.length > LOG_SIZE) eventLog.lastElementChild.remove();
}

let spotlight;
function highlight(product_id) {
  const card = catalogue.get(product_id)?.card;
  if (!card) return;
  document.querySelector('.card.spotlight')?.classList.remove('spotlight');
  card.classList.add('spotlight');
  clearTimeout(spotlight);
  spotlight = setTimeout(() => card.classList.remove('spotlight'), 2500);
}

const on = (name, handler) => widget.addEventListener(`lapak:${name}`, (event) => handler(event.detail ?? {}));
on('ready', ({ show }) => {
  log(`lapak:ready ${show}`);
  sync(); // the bag may have been filled before the player joined the show
});
on('product-click', ({ product_id }) => {
  log(`lapak:product-click ${product_id}`);
  highlight(product_id);
});
on('add-to-cart', (detail) => {
  log(`lapak:add-to-cart ${detail.product_id} × ${detail.quantity}`);
  add(detail);
});
on('update-cart', (detail) => {
  log(`lapak:update-cart ${detail.product_id} → ${detail.quantity}`);
  setQuantity(detail, detail.quantity);
});
on('checkout', () => {
  log('lapak:checkout');
  widget.minimize();
  showCheckout();
});
on('close', () => log('lapak:close'));
on('error', ({ message }) => log(`lapak:error ${message}`));

document.getElementById('watch-live').addEventListener('click', async () => {
  await customElements.whenDefined('lapak-live');
  widget.open();
});

renderCheckout();
await customElements.whenDefined('lapak-live');
widgetDefined = true;
sync();
