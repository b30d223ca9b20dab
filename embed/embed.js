// Lapak embed loader: defines <lapak-live>. Tiny on purpose: the viewer
// (WebAssembly) downloads only when a widget scrolls into view (mode="inline")
// or when the shopper taps the LIVE bubble (mode="launcher").
// Attributes: show, server (wss://…/ws; default: this script's origin),
// locale, cart ("lapak" | "host"), mode ("inline" | "launcher"), storage ("off"),
// t (where a replay opens: "90" or "1m30s").
// Events on the element: lapak:ready, lapak:product-click, lapak:add-to-cart,
// lapak:update-cart, lapak:checkout, lapak:close, lapak:error. Methods: open(),
// close(), minimize(), mute(on), setLocale(tag), syncCart(lines). See docs/embedding.md.
const base = new URL('./', import.meta.url);
const asset = (name) => new URL(name, base).href;

// The loader's own words (it speaks before the viewer and its catalogues arrive).
const WORDS = {
  // The bubble's name starts with what it shows ("LIVE"), so voice control finds it by its face.
  en: { watch: 'LIVE: watch the show', close: 'Close', minimize: 'Minimize', expand: 'Back to the show' },
  id: { watch: 'LIVE: tonton siarannya', close: 'Tutup', minimize: 'Kecilkan', expand: 'Kembali ke siaran' },
};

let viewer;
function loadViewer() {
  if (!viewer) {
    globalThis.LAPAK_EMBED = true; // the viewer then waits to be mounted instead of taking the page
    viewer = import(asset('lapak.js')).then(async (module) => {
      await module.default({ module_or_path: asset('lapak_bg.wasm') });
      return module;
    });
  }
  return viewer;
}

function node(tag, className, attrs = {}) {
  const el = document.createElement(tag);
  el.className = className;
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  return el;
}

class LapakLive extends HTMLElement {
  static observedAttributes = ['locale', 'cart', 'show', 'server', 'storage'];
  #shadow; #frame; #root; #widget; #cart; #starting;

  connectedCallback() {
    if (this.#shadow) {
      // Put back in the page (or moved): the widget unmounted when it left, so it mounts again.
      if (!this.#frame.hidden) this.#start();
      return;
    }
    this.#shadow = this.attachShadow({ mode: 'open' });
    const words = WORDS[(this.getAttribute('locale') || navigator.language || 'en').slice(0, 2)] || WORDS.en;
    const launcher = this.getAttribute('mode') === 'launcher';
    this.#frame = node('section', launcher ? 'frame launcher' : 'frame inline', { part: 'frame' });
    this.#root = node('section', 'root');
    this.#frame.append(this.#root);
    this.#shadow.append(node('link', '', { rel: 'stylesheet', href: asset('embed.css') }), this.#frame);
    if (launcher) {
      const bubble = node('button', 'bubble', { type: 'button', 'aria-label': words.watch, part: 'bubble' });
      bubble.textContent = 'LIVE';
      bubble.addEventListener('click', () => this.open());
      const bar = node('nav', 'bar');
      const minimize = node('button', 'chrome minimize', { type: 'button', 'aria-label': words.minimize });
      const close = node('button', 'chrome close', { type: 'button', 'aria-label': words.close });
      const expand = node('button', 'expand', { type: 'button', 'aria-label': words.expand });
      minimize.addEventListener('click', () => this.minimize());
      close.addEventListener('click', () => this.close());
      expand.addEventListener('click', () => this.open());
      bar.append(minimize, close);
      this.#frame.append(bar, expand);
      this.#frame.hidden = true;
      this.#shadow.prepend(bubble);
    } else {
      const seen = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) { seen.disconnect(); this.#start(); }
      }, { rootMargin: '200px' });
      seen.observe(this);
    }
  }

  disconnectedCallback() {
    this.#widget?.unmount();
    this.#widget = undefined;
  }

  attributeChangedCallback() {
    if (!this.#widget) return;
    this.#widget.unmount(); // a new locale or cart mode: mount again (the session is kept)
    this.#widget = undefined;
    this.#start();
  }

  async #start() {
    if (this.#widget || this.#starting) return this.#starting;
    this.#starting = (async () => {
      try {
        const styled = this.#viewerStyles();
        const module = await loadViewer();
        await styled;
        const server = this.getAttribute('server')
          || asset('/ws').replace(/^http/, 'ws');
        const options = {
          server,
          show: this.getAttribute('show') || 'demo',
          locale: this.getAttribute('locale') || undefined,
          cart: this.getAttribute('cart') || 'lapak',
          storage: this.getAttribute('storage') !== 'off',
          t: this.getAttribute('t') || undefined,
          id: this.id || undefined,
        };
        this.#widget = module.embed(this, this.#root, JSON.stringify(options));
        if (this.#cart) this.#widget.syncCart(this.#cart);
      } catch (error) {
        this.#emit('error', { message: String(error) });
      } finally {
        this.#starting = undefined;
      }
    })();
    return this.#starting;
  }

  // The viewer's stylesheet, fetched with the viewer rather than with the page.
  #viewerStyles() {
    if (this.#shadow.querySelector('link[data-viewer]')) return Promise.resolve();
    const link = node('link', '', { rel: 'stylesheet', href: asset('lapak.css'), 'data-viewer': '' });
    const loaded = new Promise((resolve) => { link.onload = resolve; link.onerror = resolve; });
    this.#shadow.append(link);
    return loaded;
  }

  #emit(name, detail = {}) {
    this.dispatchEvent(new CustomEvent(`lapak:${name}`, { detail, bubbles: true, composed: true }));
  }

  /** Opens the player (launcher mode: as an overlay). */
  async open() {
    this.#frame.hidden = false;
    this.#frame.classList.remove('mini');
    this.#shadow.querySelector('.bubble')?.setAttribute('hidden', '');
    await this.#start();
  }

  /** Closes the overlay (launcher mode); the LIVE bubble comes back. */
  close() {
    if (!this.#shadow.querySelector('.bubble')) return;
    this.#frame.hidden = true;
    this.#shadow.querySelector('.bubble').removeAttribute('hidden');
    this.mute(true);
    this.#emit('close');
  }

  /** Shrinks the overlay to a mini-player; the video keeps playing. */
  minimize() {
    if (this.#shadow.querySelector('.bubble')) this.#frame.classList.add('mini');
  }

  /** Sound off (true) or on (false). */
  mute(on = true) {
    this.#widget?.mute(Boolean(on));
  }

  /** Another language, e.g. 'en-US' (the widget remounts; its session and cart are kept). */
  setLocale(tag) {
    this.setAttribute('locale', tag);
  }

  /** Host-cart mode: the page's cart, [{product_id, variant_id, quantity, unit_price?}]. */
  syncCart(lines) {
    this.#cart = JSON.stringify(lines);
    this.#widget?.syncCart(this.#cart);
  }
}

if (!customElements.get('lapak-live')) customElements.define('lapak-live', LapakLive);
