// The frames of scripts/fakes/stripe.py's Stripe.js: the card field (the card is typed here and
// sent from here to this origin only; the page gets the PaymentMethod's id) and the 3-D Secure
// challenge (the shopper completes or fails it; the page is told when it is done).
const post = async (path, params) => (await fetch(path, { method: 'POST', body: new URLSearchParams(params) })).json();
const digits = (id) => document.getElementById(id).value.replace(/\D/g, '');

/** The card typed, or Stripe's message for what is missing. */
function typedCard() {
  const number = digits('number');
  const [month, year] = document.getElementById('expiry').value.split('/').map((part) => part.replace(/\D/g, ''));
  const cvc = digits('cvc');
  if (number.length !== 16) return { error: { code: 'incomplete_number', message: 'Your card number is incomplete.' } };
  if (!month || !year) return { error: { code: 'incomplete_expiry', message: "Your card's expiration date is incomplete." } };
  if (cvc.length !== 3) return { error: { code: 'incomplete_cvc', message: "Your card's security code is incomplete." } };
  return { card: { number, exp_month: month, exp_year: year.length === 2 ? `20${year}` : year, cvc } };
}

if (document.body.classList.contains('card')) {
  window.addEventListener('message', async (event) => {
    const [port] = event.ports;
    if (event.data?.type !== 'payment_method' || !port) return;
    const typed = typedCard();
    if (typed.error) return port.postMessage({ error: { type: 'validation_error', ...typed.error } });
    const params = { key: event.data.key, type: 'card' };
    for (const [name, value] of Object.entries(typed.card)) params[`card[${name}]`] = value;
    const method = await post('/v1/payment_methods', params);
    port.postMessage(method.error ? { error: method.error } : { id: method.id });
  });
}

if (document.body.classList.contains('challenge')) {
  const asked = new URLSearchParams(location.search);
  for (const button of document.querySelectorAll('button')) {
    button.addEventListener('click', async () => {
      for (const b of document.querySelectorAll('button')) b.disabled = true;
      await post(`/v1/payment_intents/${asked.get('intent')}/_authenticate`, {
        key: asked.get('key'), client_secret: asked.get('client_secret'), success: button.dataset.success,
      });
      // Says only that it is done: the page reads the intent's outcome itself.
      window.parent.postMessage({ type: 'three_d_secure_done' }, '*');
    });
  }
}
