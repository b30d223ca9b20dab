//! Coupon codes for the show: a code to create (percent or amount off, from a
//! minimum spend, for some hours, for so many shoppers), and the show's codes
//! with how many shoppers added and used each. The server checks every rule
//! (docs/api.md); the form only turns what was typed into numbers.

use std::time::Duration;

use lapak_protocol::api::coupons::{CouponFigures, NewCoupon};
use lapak_protocol::{CouponTerms, Money, Off};
use leptos::prelude::*;

use super::selling::number_field;
use super::Workspace;
use crate::format;
use crate::text::Text;
use crate::trouble::{of_load, Said};

/// How often the codes are read again while the show's stream is down: claims
/// and orders move with shoppers, and nothing here counts down, so this is
/// slower than the deals' reads.
const COUPONS_EVERY: Duration = Duration::from_secs(2);

/// What the form starts with: two days, a hundred shoppers.
const DEFAULT_HOURS: &str = "48";
const DEFAULT_MAX_CLAIMS: &str = "100";

/// What the discount field means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Percent,
    Amount,
}

impl Kind {
    /// The kind selector's option value.
    fn value(self) -> &'static str {
        match self {
            Kind::Percent => "percent",
            Kind::Amount => "amount",
        }
    }
}

/// The coupon form as typed, each field its input's text.
#[derive(Clone, Debug)]
struct Typed {
    code: String,
    kind: Kind,
    off: String,
    min_spend: String,
    hours: String,
    max_claims: String,
}

impl Typed {
    /// The API's body, amounts in minor units of `currency`: `None` when a
    /// number is not one (an empty minimum spend is none). Ranges are the
    /// server's to check, so its refusal says what is wrong.
    fn body(&self, currency: &str) -> Option<NewCoupon> {
        let amount = |text: &str| Money::from_decimal(text, currency).map(|m| m.minor);
        let (percent_off, amount_off) = match self.kind {
            Kind::Percent => (Some(self.off.trim().parse().ok()?), None),
            Kind::Amount => (None, Some(amount(&self.off)?)),
        };
        let min_spend = match self.min_spend.trim() {
            "" => 0,
            typed => amount(typed)?,
        };
        Some(NewCoupon {
            code: self.code.trim().to_owned(),
            percent_off,
            amount_off,
            min_spend,
            valid_hours: self.hours.trim().parse().ok()?,
            max_claims: self.max_claims.trim().parse().ok()?,
        })
    }
}

/// A code's terms in words, e.g. `10% off · min Rp100.000`; `money` writes
/// minor units of the show's currency.
fn terms_text(text: &Text, terms: &CouponTerms, money: impl Fn(i64) -> String) -> String {
    let off = match terms.off {
        Off::Percent { percent } => (text.percent_off)(percent),
        Off::Amount { minor } => (text.amount_off)(&money(minor)),
    };
    if terms.min_spend > 0 {
        format!("{off} · {}", (text.min_spend_of)(&money(terms.min_spend)))
    } else {
        off
    }
}

/// The code form and the show's codes.
#[component]
pub fn Coupons() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let now = RwSignal::new(js_sys::Date::now() as i64);
    let read = LocalResource::new(move || {
        let show = workspace.show_id().unwrap_or_default();
        async move {
            let found = workspace.api.get_value().coupons(&show).await;
            now.set(js_sys::Date::now() as i64);
            found
        }
    });
    crate::events::refetch_on(&["orders", "missions"], COUPONS_EVERY, read);
    // The last codes read stay listed while a read fails; the failure is said above them.
    let codes = Memo::new(move |last: Option<&Vec<CouponFigures>>| match read.get() {
        Some(Ok(found)) => found,
        _ => last.cloned().unwrap_or_default(),
    });
    let trouble = Signal::derive(move || read.with(|outcome| of_load(text, outcome.as_ref())));
    let load = move || read.refetch();
    // Each panel is made for one show (see the workspace), so its currency holds.
    let currency = workspace.currency().unwrap_or_default();
    let money = {
        let currency = currency.clone();
        move |minor: i64| format::minor(minor, &currency)
    };
    let row = move |figures: CouponFigures| {
        let CouponFigures {
            coupon,
            claims,
            orders,
        } = figures;
        let terms = terms_text(text, &coupon.terms, money.clone());
        let claims = (text.coupon_claims)(claims, coupon.max_claims, orders);
        let ends = coupon.expires_at_ms;
        let expiry = move || {
            let when = format::when(ends);
            if ends > now.get() {
                (text.coupon_until)(&when)
            } else {
                (text.coupon_expired)(&when)
            }
        };
        view! {
            <li class="studio-coupon" data-testid=format!("coupon-row-{}", coupon.code)>
                <span class="studio-coupon-name">
                    <b>{coupon.code.clone()}</b>
                    <small>{terms}</small>
                </span>
                <span class="studio-coupon-figures">
                    <span>{claims}</span>
                    <span>{expiry}</span>
                </span>
            </li>
        }
    };
    view! {
        <section class="studio-panel studio-coupons" data-testid="coupons">
            <h2>{text.coupons}</h2>
            <CouponForm currency on_done=load />
            <Said trouble testid="coupons-trouble" />
            <Show when=move || !codes.read().is_empty()
                fallback=move || view! { <p class="studio-empty">{text.no_coupons}</p> }>
                <ul class="studio-list" data-testid="coupon-codes">
                    // Keyed by the figures too, so a row shows new claims and orders.
                    <For each=move || codes.get() key=|c| (c.coupon.code.clone(), c.claims, c.orders)
                        children=row.clone() />
                </ul>
            </Show>
        </section>
    }
}

/// A code to create: code, discount and its kind, minimum spend, hours, claims.
#[component]
fn CouponForm(
    currency: String,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let code = RwSignal::new(String::new());
    let kind = RwSignal::new(Kind::Percent);
    let off = RwSignal::new(String::new());
    let min_spend = RwSignal::new(String::new());
    let hours = RwSignal::new(DEFAULT_HOURS.to_owned());
    let max_claims = RwSignal::new(DEFAULT_MAX_CLAIMS.to_owned());
    // What was typed wrong, before anything was sent; cleared by a sending.
    let unsent = RwSignal::new(None::<String>);
    // why: without an idempotency key, a second press while the first is on
    // its way would be a second request (answered `coupon_exists`): the
    // button waits for the action.
    let create = Action::new_local(move |(show, body): &(String, NewCoupon)| {
        let (show, body) = (show.clone(), body.clone());
        async move {
            let made = workspace.api.get_value().create_coupon(&show, &body).await;
            if let Ok(created) = &made {
                code.set(String::new());
                let said = (text.coupon_created)(&created.code);
                workspace.notice.set(Some(said));
            }
            on_done();
            made
        }
    });
    // The refusal, read out at once: the host fixes the form before going on.
    let refused = move || {
        unsent.get().or_else(|| {
            let answered = create.value().get().filter(|_| !create.pending().get());
            answered?.err().map(|refusal| refusal.message)
        })
    };
    let step = format::step(&currency);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(show) = workspace.show_id() else {
            return;
        };
        let typed = Typed {
            code: code.get_untracked(),
            kind: kind.get_untracked(),
            off: off.get_untracked(),
            min_spend: min_spend.get_untracked(),
            hours: hours.get_untracked(),
            max_claims: max_claims.get_untracked(),
        };
        let Some(body) = typed.body(&currency) else {
            unsent.set(Some(text.coupon_form_incomplete.to_owned()));
            return;
        };
        unsent.set(None);
        create.dispatch((show, body));
    };
    let choose = move |ev| {
        let picked = event_target_value(&ev);
        kind.set(if picked == Kind::Amount.value() {
            Kind::Amount
        } else {
            Kind::Percent
        });
    };
    view! {
        <form class="studio-deal-form studio-coupon-form" on:submit=submit data-testid="coupon-form">
            <label>
                <span>{text.coupon_code}</span>
                <input type="text" required minlength="3" maxlength="24" autocomplete="off"
                    autocapitalize="characters" spellcheck="false"
                    data-testid="coupon-code-input"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev)) />
            </label>
            <label>
                <span>{text.coupon_kind}</span>
                <select data-testid="coupon-kind" on:change=choose>
                    // The first is the form's starting kind.
                    <option value=Kind::Percent.value()>{text.percent_kind}</option>
                    <option value=Kind::Amount.value()>{text.amount_kind}</option>
                </select>
            </label>
            {number_field(text.coupon_off, off, "coupon-percent", step.clone(), true)}
            {number_field(text.min_spend, min_spend, "coupon-min-spend", step, false)}
            {number_field(text.valid_hours, hours, "coupon-hours", "1".into(), true)}
            {number_field(text.max_claims, max_claims, "coupon-max-claims", "1".into(), true)}
            <p class="studio-error" role="alert" data-testid="coupon-refused">{refused}</p>
            <button class="studio-primary" data-testid="coupon-create" disabled=move || create.pending().get()>
                {text.create_coupon}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{EN, ID};

    fn typed(kind: Kind, off: &str, min_spend: &str) -> Typed {
        Typed {
            code: " batik-25k ".into(),
            kind,
            off: off.into(),
            min_spend: min_spend.into(),
            hours: "48".into(),
            max_claims: "100".into(),
        }
    }

    #[test]
    fn a_percent_code_becomes_the_apis_body() {
        let body = typed(Kind::Percent, "10", "").body("IDR").unwrap();
        assert_eq!(
            body,
            NewCoupon {
                code: "batik-25k".into(),
                percent_off: Some(10),
                amount_off: None,
                min_spend: 0,
                valid_hours: 48,
                max_claims: 100,
            }
        );
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": "batik-25k", "percent_off": 10, "min_spend": 0,
                                "valid_hours": 48, "max_claims": 100 }),
            "exactly one of percent_off and amount_off"
        );
    }

    #[test]
    fn amounts_are_typed_in_the_shows_currency() {
        let body = typed(Kind::Amount, "25000", "100000.50")
            .body("IDR")
            .unwrap();
        assert_eq!(body.amount_off, Some(2_500_000));
        assert_eq!(body.percent_off, None);
        assert_eq!(body.min_spend, 10_000_050);
        assert_eq!(
            typed(Kind::Amount, "500", "")
                .body("JPY")
                .unwrap()
                .amount_off,
            Some(500)
        );
    }

    #[test]
    fn what_is_not_a_number_is_no_body() {
        assert_eq!(typed(Kind::Percent, "", "").body("IDR"), None);
        assert_eq!(
            typed(Kind::Percent, "10.5", "").body("IDR"),
            None,
            "whole percent"
        );
        assert_eq!(
            typed(Kind::Amount, "1.005", "").body("IDR"),
            None,
            "finer than a sen"
        );
        assert_eq!(typed(Kind::Percent, "10", "lots").body("IDR"), None);
        let mut no_hours = typed(Kind::Percent, "10", "");
        no_hours.hours = "two days".into();
        assert_eq!(no_hours.body("IDR"), None);
        // Out of range is a number still: the server says what is allowed.
        assert_eq!(
            typed(Kind::Percent, "95", "")
                .body("IDR")
                .unwrap()
                .percent_off,
            Some(95)
        );
    }

    #[test]
    fn terms_read_as_a_shopper_would_say_them() {
        let rupiah = |minor: i64| format!("Rp{}", minor / 100);
        let percent = CouponTerms {
            off: Off::Percent { percent: 10 },
            min_spend: 10_000_000,
        };
        assert_eq!(terms_text(&EN, &percent, rupiah), "10% off · min Rp100000");
        assert_eq!(
            terms_text(&ID, &percent, rupiah),
            "diskon 10% · min. belanja Rp100000"
        );
        let amount = CouponTerms {
            off: Off::Amount { minor: 2_500_000 },
            min_spend: 0,
        };
        assert_eq!(
            terms_text(&EN, &amount, rupiah),
            "Rp25000 off",
            "no minimum, no words for it"
        );
    }

    #[test]
    fn claims_and_orders_are_counted_in_words() {
        assert_eq!((EN.coupon_claims)(3, 100, 1), "3/100 claimed · 1 order");
        assert_eq!((EN.coupon_claims)(3, 100, 2), "3/100 claimed · 2 orders");
        assert_eq!((ID.coupon_claims)(3, 100, 0), "3/100 diklaim · 0 pesanan");
    }
}
