//! How a shopper pays, as the store sees it: the methods a show offers for a
//! total, what an order request carries for the method chosen, and an order
//! that waits for its payment (a QR to scan, a transfer to make) while the
//! show goes on.
//!
//! A waiting order is the server's: it comes in the checkout's answer, in
//! `OrderUpdated` (pushed to every tab of the session) and in `Welcome` and
//! `Resumed`, with its payment due and when that expires on the server's
//! clock. The views count down from it with the store's clock offset, so a
//! reload or a reconnect shows the same time left.

use lapak_protocol::{
    Bank, Card, CardFields, CheckoutRequest, Ewallet, Money, Order, OrderStatus, PayMethod,
    PaymentDue, Payments,
};

/// Every method `payments` offers for an order of `total`, in the order the
/// picker shows them: card, QRIS, e-wallets, virtual accounts, and cash on
/// delivery when the total is within its limit. An e-wallet carries no phone
/// here: the shopper types it.
pub fn offered(payments: &Payments, total: &Money) -> Vec<PayMethod> {
    let card = payments.cards.is_some().then_some(PayMethod::Card);
    let qris = payments.qris.then_some(PayMethod::Qris);
    let wallets = Ewallet::ALL
        .into_iter()
        .filter(|w| payments.ewallets.contains(w))
        .map(|wallet| PayMethod::Ewallet {
            wallet,
            phone: None,
        });
    let banks = Bank::ALL
        .into_iter()
        .filter(|b| payments.banks.contains(b))
        .map(|bank| PayMethod::VirtualAccount { bank });
    let cod = Some(PayMethod::CashOnDelivery).filter(|m| payments.offers(m, total));
    card.into_iter()
        .chain(qris)
        .chain(wallets)
        .chain(banks)
        .chain(cod)
        .collect()
}

/// Whether the card fields are the test provider's demo fields (the only
/// card the widget itself may take).
pub fn takes_test_card(payments: &Payments) -> bool {
    payments.cards == Some(CardFields::Test)
}

/// Leaves the card in `request` only where it belongs: the test provider's
/// demo card, paid by card. Any other method, or Stripe's own fields, sends
/// none, whatever the form still holds.
pub fn keep_card_only_for_test(request: &mut CheckoutRequest, payments: &Payments) {
    if request.method != PayMethod::Card || !takes_test_card(payments) {
        request.card = Card::default();
    }
}

/// What an order still asks the shopper to pay: only while it waits for its
/// payment (a paid, expired or cancelled order asks nothing).
pub fn due(order: &Order) -> Option<&PaymentDue> {
    match order.status {
        OrderStatus::AwaitingPayment => order.payment.as_ref(),
        _ => None,
    }
}

/// Milliseconds left to pay `due` at server time `now_ms` (never below 0);
/// `None` when it does not expire.
pub fn ms_left(due: &PaymentDue, now_ms: i64) -> Option<i64> {
    due.expires_at_ms.map(|at| (at - now_ms).max(0))
}

/// Whole minutes in `ms`, rounded up: what a screen reader is told of a
/// countdown, which changes once a minute rather than every second.
pub fn minutes_left(ms: i64) -> i64 {
    (ms.max(0) + 59_999) / 60_000
}
