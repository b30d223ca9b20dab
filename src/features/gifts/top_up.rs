//! Buying coins: pick a pack, pay by card (the checkout's card fields and
//! rules), and see the coins arrive — or why not.
use lapak_protocol::{CoinPack, Field, RejectCode};
use leptos::prelude::*;
use reactive_stores::Store;

use super::coins_text;
use crate::actions::Actions;
use crate::browser::clock::year_month;
use crate::browser::focus::first_invalid;
use crate::browser::intl::format_money;
use crate::features::checkout::form::{Form, TextField};
use crate::features::icons::{CheckIcon, CoinIcon, LockIcon};
use crate::features::sheet::{lazy_body, lazy_sheet_body, Sheet, SplitLoaderError};
use crate::features::Panel;
use crate::i18n::{self, Catalogue};
use crate::store::{GiftingStoreFields, State, StateStoreFields, TopUpOutcome};

/// The top-up sheet, while `Panel::TopUp` is open.
#[component]
pub fn TopUpSheet(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    view! {
        <Sheet panel open=Panel::TopUp class="lapak-top-up" title=text.get_coins testid="top-up" back=(Panel::Gifts, text.back_to_gifts)>
            {lazy_body(move || top_up_body(state, panel))}
        </Sheet>
    }
}

#[component]
fn TopUp(state: Store<State>, panel: RwSignal<Panel>) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    on_cleanup(move || actions.dismiss_gift_notice());
    let gifting = state.gifting();
    let packs = gifting.packs();
    let choice = RwSignal::new(None::<String>);
    let pack = Memo::new(move |_| {
        let packs = packs.read();
        let chosen = choice.get();
        packs
            .iter()
            .find(|p| Some(&p.id) == chosen.as_ref())
            .or(packs.first())
            .cloned()
    });
    let form = Form::new();
    let problems = Signal::derive(move || {
        let (year, month) = year_month();
        form.card().problems(year, month)
    });
    let paying = Memo::new(move |_| state.outbox().read().topping_up());
    let outcome = Memo::new(move |_| gifting.top_up().read().outcome);
    Effect::new(move |_| {
        if let Some(TopUpOutcome::Refused(RejectCode::PaymentDeclined)) = outcome.get() {
            form.clear_card();
        }
    });
    let form_ref = NodeRef::new();
    let pay = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submitted.set(true);
        if !problems.read().is_empty() {
            first_invalid(form_ref);
            return;
        }
        if let (Some(pack), false) = (pack.get_untracked(), paying.get_untracked()) {
            actions.top_up(pack.id, form.card());
        }
    };
    let pay_label = move || match (paying.get(), pack.get()) {
        (true, _) => text.paying.to_owned(),
        (false, Some(p)) => (text.pay)(&format_money(&p.price, &state.locale().read().tag)),
        (false, None) => text.get_coins.to_owned(),
    };
    let field = move |field: Field| view! { <TextField form field text problems/> };
    let balance = super::balance_memo(state);
    let credited = move || matches!(outcome.get(), Some(TopUpOutcome::Credited(_)));
    view! {
        <div class="lapak-wallet-row">
            <CoinIcon/>
            <strong data-testid="top-up-balance">{move || coins_text(state, balance.get())}</strong>
        </div>
        <Outcome state text outcome panel/>
        <Show when=move || !credited()>
            <form class="lapak-form" novalidate node_ref=form_ref on:submit=pay>
                <Packs state text pack choice/>
                <h3><LockIcon/> {text.payment_title}</h3>
                <p class="lapak-hint lapak-test-mode">{text.top_up_hint}</p>
                {field(Field::CardNumber)}
                <div class="lapak-row">{field(Field::Expiry)}{field(Field::Cvc)}</div>
                <p class="lapak-hint">{text.card_note}</p>
                <button type="submit" class="lapak-primary" data-testid="top-up-pay" disabled=move || paying.get()>
                    {pay_label}
                </button>
            </form>
        </Show>
    }
}

/// The packs for sale as radio cards; `pack` is the one chosen (the first until the shopper picks).
#[component]
fn Packs(
    state: Store<State>,
    text: &'static Catalogue,
    pack: Memo<Option<CoinPack>>,
    choice: RwSignal<Option<String>>,
) -> impl IntoView {
    let tag = state.locale().read_untracked().tag.clone();
    let card = move |p: CoinPack| {
        let id = p.id.clone();
        let checked = {
            let id = id.clone();
            Memo::new(move |_| pack.read().as_ref().is_some_and(|chosen| chosen.id == id))
        };
        view! {
            <label class="lapak-pack" class:is-chosen=checked data-testid=format!("pack-{}", p.id)>
                <input type="radio" name="lapak-pack" prop:checked=checked
                    on:change=move |_| choice.set(Some(id.clone()))/>
                <span class="lapak-pack-coins"><CoinIcon/>{coins_text(state, u64::from(p.coins))}</span>
                <span class="lapak-pack-price">{format_money(&p.price, &tag)}</span>
            </label>
        }
    };
    view! {
        <fieldset class="lapak-packs">
            <legend class="lapak-visually-hidden">{text.get_coins}</legend>
            <For each=move || state.gifting().packs().get() key=|p| p.id.clone() children=card/>
        </fieldset>
    }
}

/// How the last payment went, in place.
#[component]
fn Outcome(
    state: Store<State>,
    text: &'static Catalogue,
    outcome: Memo<Option<TopUpOutcome>>,
    panel: RwSignal<Panel>,
) -> impl IntoView {
    view! {
        {move || outcome.get().map(|outcome| match outcome {
            TopUpOutcome::Credited(coins) => view! {
                <div class="lapak-top-up-done" role="status" data-testid="top-up-done">
                    <CheckIcon/>
                    <p>{(text.coins_added)(&coins_text(state, u64::from(coins)))}</p>
                    <button class="lapak-primary" data-testid="back-to-gifts" on:click=move |_| panel.set(Panel::Gifts)>
                        {text.back_to_gifts}
                    </button>
                </div>
            }.into_any(),
            TopUpOutcome::Pending => view! {
                <p class="lapak-hint" role="status" data-testid="top-up-pending">{text.top_up_pending}</p>
            }.into_any(),
            TopUpOutcome::Refused(code) => view! {
                <p class="lapak-alert" role="alert" data-testid="top-up-alert">{text.gift_refusal(code)}</p>
            }.into_any(),
        })}
    }
}

// The sheet's body, in its own lazily loaded wasm chunk (`top_up`).
lazy_sheet_body!(top_up, preload_top_up, fn top_up_body(state, panel) { view! { <TopUp state panel/> }.into_any() });
