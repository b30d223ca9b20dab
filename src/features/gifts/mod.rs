//! Gifts: the wallet chip, the gift panel (catalogue, combo, top gifters), the
//! top-up sheet, and the lane and spotlight where everyone sees gifts arrive.
mod lane;
mod top_up;

pub use lane::{GiftLane, Spotlight};
pub(crate) use top_up::preload_top_up;
pub use top_up::TopUpSheet;

use lapak_protocol::{Gift, GiftTier, Gifter, RejectCode};
use leptos::prelude::*;
use reactive_stores::{Field, Store};

use crate::actions::Actions;
use crate::browser::intl::format_count;
use crate::browser::keys::{key_of, Shortcut};
use crate::features::icons::{CoinIcon, GiftIcon};
use crate::features::sheet::{lazy_body, lazy_sheet_body, Sheet, SplitLoaderError};
use crate::features::viewer_name::ViewerName;
use crate::features::Panel;
use crate::i18n;
use crate::store::{self, Community, GiftingStoreFields, State, StateStoreFields};

/// The coins the shopper can spend: the wallet less the gifts in the outbox.
fn balance_memo(state: Store<State>) -> Memo<u64> {
    Memo::new(move |_| store::balance(&state.gifting().wallet().read(), &state.outbox().read()))
}

/// A count of coins in the shopper's locale.
fn coins_text(state: Store<State>, coins: u64) -> String {
    format_count(coins, &state.locale().read_untracked().tag)
}

/// The shopper's coins, always on screen; tapping it buys more.
#[component]
pub fn WalletChip(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    let balance = balance_memo(state);
    let shown = move || coins_text(state, balance.get());
    view! {
        <Show when=move || !state.gifting().catalogue().read().is_empty()>
            <button
                class="lapak-wallet"
                data-testid="wallet"
                aria-label=move || (text.wallet_label)(&shown())
                on:click=move |_| panel.set(Panel::TopUp)
            >
                <CoinIcon/>
                <span data-testid="wallet-coins">{shown}</span>
                <span class="lapak-wallet-plus" aria-hidden="true">"+"</span>
            </button>
        </Show>
    }
}

/// Opens the gift panel.
#[component]
pub fn GiftButton(
    /// The gifts the show offers (none: no button).
    #[prop(into)]
    catalogue: Field<Vec<Gift>>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    view! {
        <Show when=move || !catalogue.read().is_empty()>
            <button
                class="lapak-round lapak-gift-button"
                data-testid="gift-button"
                aria-keyshortcuts=key_of(Shortcut::Gifts)
                aria-label=text.gifts
                aria-expanded=move || (panel.get() == Panel::Gifts).to_string()
                on:click=move |_| Panel::toggle(panel, Panel::Gifts)
            >
                <GiftIcon/>
                <span class="lapak-round-label">{text.gifts}</span>
            </button>
        </Show>
    }
}

/// The gift panel, while `Panel::Gifts` is open.
#[component]
pub fn GiftSheet(
    /// The whole state.
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    view! {
        <Sheet panel open=Panel::Gifts class="lapak-gifts" title=text.gifts testid="gift-sheet">
            {lazy_body(move || gifts_body(state, panel))}
        </Sheet>
    }
}

#[component]
fn Gifts(state: Store<State>, panel: RwSignal<Panel>) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    on_cleanup(move || actions.dismiss_gift_notice());
    let gifting = state.gifting();
    let balance = balance_memo(state);
    let refused = gifting.refused();
    let get_coins = move |_| panel.set(Panel::TopUp);
    view! {
        <div class="lapak-wallet-row">
            <CoinIcon/>
            <strong data-testid="gift-balance">{move || coins_text(state, balance.get())}</strong>
            <button class="lapak-chip-button" data-testid="get-coins" on:click=get_coins>{text.get_coins}</button>
        </div>
        <p class="lapak-alert" role="alert" data-testid="gift-alert" class:is-empty=move || refused.read().is_none()>
            {move || refused.get().map(|code| text.gift_refusal(code))}
            <Show when=move || refused.get() == Some(RejectCode::InsufficientCoins)>
                " "<button class="lapak-link" on:click=get_coins>{text.get_coins}</button>
            </Show>
        </p>
        <ul class="lapak-gift-grid">
            <For each=move || gifting.catalogue().get() key=|g| g.id.clone() children=move |gift| view! {
                <li class="lapak-gift-cell"><GiftTile state gift balance/></li>
            }/>
        </ul>
        <Leaderboard state/>
    }
}

/// One gift: tap to send, tap again for a combo.
#[component]
fn GiftTile(state: Store<State>, gift: Gift, balance: Memo<u64>) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let id = gift.id.clone();
    let combo = Memo::new(move |_| {
        state
            .gifting()
            .combo()
            .read()
            .as_ref()
            .filter(|c| c.gift_id == id && c.count > 1)
            .map(|c| c.count)
    });
    let price = coins_text(state, u64::from(gift.coins));
    let label = (text.send_gift)(&gift.name, &price);
    let affordable = {
        let coins = u64::from(gift.coins);
        move || balance.get() >= coins
    };
    let send = {
        let id = gift.id.clone();
        move |_| actions.send_gift(id.clone())
    };
    // The combo sits beside the button, not in it: it is news about the
    // streak, and the button's name stays what its face says.
    view! {
        <button
            class="lapak-gift"
            class:is-large=gift.tier == GiftTier::Large
            class:is-short=move || !affordable()
            data-testid=format!("gift-{}", gift.id)
            aria-label=label
            on:click=send
        >
            <img src=gift.image_url alt="" width="56" height="56"/>
            <span class="lapak-gift-name">{gift.name}</span>" "
            <span class="lapak-gift-price"><CoinIcon/>{price}</span>
        </button>
        {move || combo.get().map(|n| view! {
            <span class="lapak-combo" data-testid="combo" role="status" aria-label=(text.combo)(n)>
                "x"{n}
            </span>
        })}
    }
}

/// The show's top gifters, live.
#[component]
fn Leaderboard(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let top = state.gifting().leaderboard();
    let you = move || state.gifting().you().read().as_ref().map(|v| v.id);
    let community: Field<Community> = state.community().into();
    // Rows keyed by who: a gifter who moves up or sends more keeps their row,
    // which moves and updates its rank and coins in place.
    let rows = move || top.get();
    let standing = move |id: u64| {
        top.read()
            .iter()
            .enumerate()
            .find(|(_, g)| g.viewer.id == id)
            .map(|(rank, g)| (rank, g.coins))
    };
    view! {
        <section class="lapak-leaderboard" aria-labelledby="lapak-top-title" data-testid="leaderboard">
            <h3 id="lapak-top-title">{text.top_gifters}</h3>
            <Show when=move || top.read().is_empty()>
                <p class="lapak-hint">{text.no_gifters}</p>
            </Show>
            <ol>
                <For each=rows key=|g: &Gifter| g.viewer.id children=move |gifter| {
                    let id = gifter.viewer.id;
                    let mine = you() == Some(id);
                    let rank = move || standing(id).map_or(0, |(rank, _)| rank);
                    let coins = move || coins_text(state, standing(id).map_or(0, |(_, coins)| coins));
                    view! {
                        <li class="lapak-gifter" class:is-mine=mine>
                            <span class="lapak-rank" class:is-podium=move || rank() < 3>{move || rank() + 1}</span>
                            <span class="lapak-initial" aria-hidden="true">{initial(&gifter.viewer.name)}</span>
                            <span class="lapak-gifter-name"><ViewerName community viewer=gifter.viewer/></span>
                            <span class="lapak-gifter-coins"><CoinIcon/>{coins}</span>
                        </li>
                    }
                }/>
            </ol>
        </section>
    }
}

/// The first letter of a name, for a round placeholder avatar.
fn initial(name: &str) -> String {
    name.chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

// The sheet's body, in its own lazily loaded wasm chunk (`gifts`).
lazy_sheet_body!(gifts, preload_gifts, fn gifts_body(state, panel) { view! { <Gifts state panel/> }.into_any() });
