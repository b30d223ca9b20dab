// The shop's own cart: the page's buttons and the live widget (host-cart mode) share it.
const PRODUCTS = [
  { id: 'batik-shirt', variant: 'm', name: 'Batik Parang Shirt', price: 18900000 },
  { id: 'pandan-tote', variant: 'default', name: 'Woven Pandan Tote', price: 12900000 },
  { id: 'gayo-coffee', variant: 'beans', name: 'Gayo Arabica Coffee 250 g', price: 9500000 },
  { id: 'sambal-jar', variant: 'default', name: 'Sambal Bawang Jar', price: 4500000 },
  { id: 'silk-scarf', variant: 'indigo', name: 'Hand-drawn Silk Scarf', price: 24900000 },
  { id: 'rattan-lamp', variant: 'default', name: 'Rattan Pendant Lamp', price: 32500000 },
];
const rupiah = new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 });
const widget = document.querySelector('lapak-live');
const cart = [];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function log(text) {
  const list = document.getElementById('event-log');
  list.prepend(el('li', '', text));
  while (list.children.length > 8) list.lastChild.remove();
}

function render() {
  document.getElementById('shop-cart-count').textContent = String(cart.reduce((n, l) => n + l.quantity, 0));
  const lines = document.getElementById('checkout-lines');
  lines.replaceChildren(...cart.map((l) => el('li', '', `${l.quantity} × ${l.product_id} (${l.variant_id}) — ${rupiah.format(l.unit_price.minor * l.quantity / 100)}`)));
  widget.syncCart(cart);
}

function add(line) {
  const found = cart.find((l) => l.product_id === line.product_id && l.variant_id === line.variant_id);
  if (found) found.quantity += line.quantity; else cart.push({ ...line });
  render();
}

for (const product of PRODUCTS) {
  const card = el('article', 'card');
  const img = el('img');
  img.src = `/media/products/${product.id}.svg`;
  img.alt = '';
  const button = el('button', 'add', 'Tambah ke tas');
  button.type = 'button';
  button.addEventListener('click', () => add({
    product_id: product.id, variant_id: product.variant, quantity: 1,
    unit_price: { minor: product.price, currency: 'IDR' },
  }));
  card.append(img, el('h3', '', product.name), el('p', 'price', rupiah.format(product.price / 100)), button);
  document.getElementById('grid').append(card);
}

await customElements.whenDefined('lapak-live');
widget.addEventListener('lapak:ready', ({ detail }) => log(`lapak:ready ${detail.show}`));
widget.addEventListener('lapak:product-click', ({ detail }) => log(`lapak:product-click ${detail.product_id}`));
widget.addEventListener('lapak:add-to-cart', ({ detail }) => {
  log(`lapak:add-to-cart ${detail.product_id} × ${detail.quantity}`);
  add({ product_id: detail.product_id, variant_id: detail.variant_id, quantity: detail.quantity, unit_price: detail.unit_price });
});
widget.addEventListener('lapak:update-cart', ({ detail }) => {
  log(`lapak:update-cart ${detail.product_id} → ${detail.quantity}`);
  const index = cart.findIndex((l) => l.product_id === detail.product_id && l.variant_id === detail.variant_id);
  if (index >= 0) {
    if (detail.quantity === 0) cart.splice(index, 1); else cart[index].quantity = detail.quantity;
  }
  render();
});
widget.addEventListener('lapak:checkout', () => {
  log('lapak:checkout');
  widget.minimize();
  const panel = document.getElementById('shop-checkout');
  panel.hidden = false;
  panel.scrollIntoView({ behavior: 'smooth' });
});
widget.addEventListener('lapak:close', () => log('lapak:close'));
widget.addEventListener('lapak:error', ({ detail }) => log(`lapak:error ${detail.message}`));
render();
