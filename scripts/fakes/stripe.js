// Stripe.js for localstripe, served by scripts/fakes/stripe.py (read its header): the part of
// Stripe.js's surface Lapak's widget uses, for end-to-end journeys.
//   const stripe = Stripe(publishableKey);
//   const card = stripe.elements().create('card'); card.mount(node); card.destroy();
//   await stripe.confirmCardPayment(clientSecret, { payment_method: { card } })
//     → { paymentIntent } or { error: { message, code } }
// As with Stripe's, the card is typed into a frame of Stripe's origin, which makes the
// PaymentMethod itself and gives this page its id only; this page confirms the intent with the
// publishable key and the client secret, and shows the bank's 3-D Secure challenge in a frame.
(() => {
  const ORIGIN = new URL(document.currentScript.src).origin;

  async function api(method, path, params) {
    const query = new URLSearchParams(params);
    const response = method === 'GET'
      ? await fetch(`${ORIGIN}${path}?${query}`)
      : await fetch(`${ORIGIN}${path}`, { method, body: query });
    return response.json();
  }

  /** A frame of Stripe's origin, styled through the CSSOM (no inline style under a strict CSP). */
  function frame(src, title, style) {
    const element = document.createElement('iframe');
    element.src = src;
    element.title = title;
    Object.assign(element.style, { border: '0', display: 'block', width: '100%' }, style);
    return element;
  }

  class CardElement {
    #frame = null;
    #loaded = null;

    mount(into) {
      const node = typeof into === 'string' ? document.querySelector(into) : into;
      if (!node) throw new Error('card.mount(): no such element');
      this.#frame = frame(`${ORIGIN}/elements/card`, 'Secure card payment input frame', { height: '48px' });
      this.#loaded = new Promise((resolve) => this.#frame.addEventListener('load', resolve, { once: true }));
      node.appendChild(this.#frame);
    }

    destroy() {
      this.#frame?.remove();
      this.#frame = null;
    }

    /** Asks the card frame to make a PaymentMethod of the card typed in it: `{ id }` or `{ error }`. */
    async paymentMethod(key) {
      if (!this.#frame) return { error: { type: 'invalid_request_error', message: 'The card Element is not mounted.' } };
      await this.#loaded;
      const channel = new MessageChannel();
      const answer = new Promise((resolve) => { channel.port1.onmessage = (event) => resolve(event.data); });
      this.#frame.contentWindow.postMessage({ type: 'payment_method', key }, ORIGIN, [channel.port2]);
      return answer;
    }
  }

  /** The bank's challenge, over the page until the shopper completes or fails it. */
  function challenge(intent, clientSecret, key) {
    const overlay = document.createElement('div');
    Object.assign(overlay.style, {
      position: 'fixed', inset: '0', zIndex: '2147483647', background: 'rgba(0,0,0,0.5)',
      display: 'flex', alignItems: 'center', justifyContent: 'center',
    });
    const query = new URLSearchParams({ intent, client_secret: clientSecret, key });
    const challengeFrame = frame(`${ORIGIN}/3ds?${query}`, '3D Secure challenge',
      { width: 'min(360px, 92vw)', height: '280px', borderRadius: '8px', background: '#fff' });
    overlay.appendChild(challengeFrame);
    document.body.appendChild(overlay);
    return new Promise((resolve) => {
      const done = (event) => {
        if (event.source !== challengeFrame.contentWindow || event.origin !== ORIGIN) return;
        window.removeEventListener('message', done);
        overlay.remove();
        resolve();
      };
      window.addEventListener('message', done);
    });
  }

  window.Stripe = function Stripe(key) {
    if (typeof key !== 'string' || !key.startsWith('pk_')) throw new Error('Stripe(): a publishable key is needed');
    return {
      elements: () => ({
        create(kind) {
          if (kind !== 'card') throw new Error(`elements.create('${kind}'): only 'card' here`);
          return new CardElement();
        },
      }),
      async confirmCardPayment(clientSecret, data) {
        const card = data?.payment_method?.card;
        if (!(card instanceof CardElement)) {
          return { error: { type: 'invalid_request_error', message: 'payment_method.card must be a card Element.' } };
        }
        const id = clientSecret.split('_secret_')[0];
        const method = await card.paymentMethod(key);
        if (method.error) return { error: method.error };
        let intent = await api('POST', `/v1/payment_intents/${id}/confirm`,
          { key, client_secret: clientSecret, payment_method: method.id });
        if (intent.error) return { error: intent.error };
        if (intent.status === 'requires_action') {
          await challenge(id, clientSecret, key);
          intent = await api('GET', `/v1/payment_intents/${id}`, { key, client_secret: clientSecret });
          if (intent.error) return { error: intent.error };
        }
        if (intent.status === 'requires_payment_method' && intent.last_payment_error) {
          return { error: { type: 'card_error', ...intent.last_payment_error, payment_intent: intent } };
        }
        return { paymentIntent: intent };
      },
    };
  };
})();
