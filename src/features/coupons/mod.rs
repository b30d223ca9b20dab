//! Coupons: the wallet's list (in the missions sheet, where most are earned)
//! and checkout's picker, which applies one or adds a host's code. What a
//! coupon takes off is always the server's quote; this only describes terms.
use lapak_protocol::{Coupon, CouponTerms, Money, Off, Quote, RejectCode};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser::intl::{format_date_time, format_money};
use crate::features::deal::ServerClock;
use crate::i18n::{self, Catalogue};
use crate::store::{GiftingStoreFields, State, StateStoreFields};

/// "10% off · on Rp100.000 or more", in the shopper's language.
pub fn terms_text(text: &Catalogue, terms: &CouponTerms, currency: &str, locale: &str) -> String {
    let money = |minor| {
        let amount = Money {
            minor,
            currency: currency.to_owned(),
        };
        format_money(&amount, locale)
    };
    let off = match terms.off {
        Off::Percent { percent } => (text.percent_off)(percent),
        Off::Amount { minor } => (text.amount_off)(&money(minor)),
    };
    if terms.min_spend > 0 {
        format!("{off} · {}", (text.min_spend)(&money(terms.min_spend)))
    } else {
        off
    }
}

/// The show's currency and the shopper's locale, as terms are described in.
fn money_context(state: Store<State>) -> (String, String) {
    let currency = state
        .show()
        .read_untracked()
        .as_ref()
        .map(|s| s.currency.clone())
        .unwrap_or_default();
    (currency, state.locale().read_untracked().tag.clone())
}

/// The wallet's coupons, newest first; nothing while there are none.
#[component]
pub fn WalletCoupons(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let coupons = move || state.gifting().wallet().read().coupons.clone();
    view! {
        <Show when=move || !state.gifting().wallet().read().coupons.is_empty()>
            <section aria-labelledby="lapak-coupons-title" data-testid="wallet-coupons">
                <h3 id="lapak-coupons-title" class="lapak-section-title">{text.your_coupons}</h3>
                <ul class="lapak-coupon-list">
                    // Keyed by code: a coupon used keeps its row, which says so in place.
                    <For each=coupons key=|c| c.code.clone() children=move |coupon| view! {
                        <CouponRow state coupon/>
                    }/>
                </ul>
            </section>
        </Show>
    }
}

/// One coupon of the wallet. Its terms, code and expiry never change; whether
/// it is used does, and is read from the wallet by its code.
#[component]
fn CouponRow(state: Store<State>, coupon: Coupon) -> impl IntoView {
    let text = i18n::text();
    let (currency, locale) = money_context(state);
    let terms = terms_text(text, &coupon.terms, &currency, &locale);
    let until = (text.coupon_until)(&format_date_time(coupon.expires_at_ms, &locale));
    let expired = coupon.expires_at_ms <= expect_context::<ServerClock>().0.get_untracked();
    let wanted = coupon.code.clone();
    let used = Memo::new(move |_| {
        let wallet = state.gifting().wallet().read();
        wallet.coupons.iter().any(|c| c.code == wanted && c.used)
    });
    // A mission's coupon has no code to show: its mission names it.
    let code = coupon.mission_id.is_none().then(|| coupon.code.clone());
    view! {
        <li class="lapak-coupon" class:is-used=move || used.get() || expired data-testid="wallet-coupon">
            <span class="lapak-coupon-terms">{terms}</span>
            <span class="lapak-muted">
                {code.map(|c| view! { <code class="lapak-coupon-code">{c}</code> " · " })}
                {move || match (used.get(), expired) {
                    (true, _) => text.coupon_used.to_owned(),
                    (false, true) => text.coupon_expired.to_owned(),
                    (false, false) => until.clone(),
                }}
            </span>
        </li>
    }
}

/// Checkout's coupon: a wallet coupon to apply, or a code to add.
#[component]
pub fn CouponPicker(
    /// The whole state.
    state: Store<State>,
    /// The quote shown.
    quote: Memo<Option<Quote>>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let (currency, locale) = money_context(state);
    let clock = expect_context::<ServerClock>();
    // Past its expiry on the server's clock, a coupon is no longer offered.
    let usable = Memo::new(move |_| {
        let now = clock.0.get();
        let wallet = state.gifting().wallet().read();
        let usable = wallet
            .coupons
            .iter()
            .filter(|c| !c.used && c.expires_at_ms > now);
        usable
            .map(|c| {
                (
                    c.code.clone(),
                    terms_text(text, &c.terms, &currency, &locale),
                )
            })
            .collect::<Vec<_>>()
    });
    let chosen = move || state.checkout().read().coupon.clone().unwrap_or_default();
    let choose = move |ev: leptos::ev::Event| {
        let code = event_target_value(&ev);
        actions.choose_coupon((!code.is_empty()).then_some(code));
    };
    let typed = RwSignal::new(String::new());
    let apply = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let code = typed.get_untracked();
        if !code.trim().is_empty() {
            actions.claim_coupon(code);
            typed.set(String::new());
        }
    };
    // Why the chosen coupon does not apply: the quote's reason, or the last refusal.
    let problem = move || {
        let refused = state.checkout().read().coupon_refused;
        let quoted = quote.read().as_ref().and_then(|q| q.coupon_problem);
        refused
            .or(quoted.map(RejectCode::from))
            .map(|code| text.coupon_refusal(code))
    };
    view! {
        <section class="lapak-coupons" aria-labelledby="lapak-coupon-title">
            <h3 id="lapak-coupon-title">{text.coupon}</h3>
            <Show when=move || !usable.read().is_empty()>
                <select class="lapak-coupon-choice" data-testid="coupon-choice" aria-label=text.coupon
                    prop:value=chosen on:change=choose>
                    <option value="">{text.no_coupon}</option>
                    <For each=move || usable.get() key=|(code, _)| code.clone() children=move |(code, terms)| view! {
                        <option value=code>{terms}</option>
                    }/>
                </select>
            </Show>
            <div class="lapak-coupon-code-row">
                <div class="lapak-field">
                    <label for="lapak-coupon-code">{text.coupon_code}</label>
                    <input id="lapak-coupon-code" type="text" autocomplete="off" autocapitalize="characters"
                        maxlength="24" data-testid="coupon-code" prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))/>
                </div>
                <button type="button" class="lapak-chip-button" data-testid="coupon-apply" on:click=apply>
                    {text.apply}
                </button>
            </div>
            <p class="lapak-hint" role="status" data-testid="coupon-problem">{problem}</p>
        </section>
    }
}
