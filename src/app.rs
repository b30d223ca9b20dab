//! The widget: the stage (video, header, tags, buttons, sheets) and the shelf,
//! and the boot sequence that connects it to the server.
use futures::channel::mpsc;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser;
use crate::browser::keys::{shortcut, Shortcut};
use crate::features::cart::{cart_memo, CartButton, CartDrawer};
use crate::features::checkout::CheckoutSheet;
use crate::features::deal::{DealClock, ServerClock};
use crate::features::gifts::{GiftButton, GiftSheet, TopUpSheet, WalletChip};
use crate::features::later::{chat_layer, later, spotlight_layer, toasts_layer, ShowPainted};
use crate::features::likes::{LikeArea, LikeButton};
use crate::features::missions::{MissionsButton, MissionsSheet};
use crate::features::orders::{OrdersButton, OrdersSheet};
use crate::features::payment::PaymentSheet;
use crate::features::picker::Picker;
use crate::features::player::{Player, ShowHeader};
use crate::features::replay::replaying;
use crate::features::shelf::{Shelf, ShelfButton};
use crate::features::shortcuts::ShortcutsSheet;
use crate::features::status::{screen_link, Announcer, ConnectionStatus, NoticeToast};
use crate::features::tags::TagLayer;
use crate::features::{keep_time, prefetch_sheets, Panel};
use crate::net;
use crate::store::{CartMode, GiftingStoreFields, Lang, Link, Locale, State, StateStoreFields};

/// How a widget starts: where, for whom, and what it may touch.
#[derive(Clone)]
pub struct Boot {
    /// The server's WebSocket URL.
    pub socket_url: String,
    /// Origin of the server's media (see `State::asset_base`).
    pub asset_base: String,
    /// Interface language and formatting locale.
    pub locale: Locale,
    /// Whose cart the widget fills.
    pub cart_mode: CartMode,
    /// Where a replay opens, in ms from its start (the link's `t`).
    pub start_offset_ms: Option<i64>,
    /// Where the session token is kept (`None`: nowhere, the session lasts as long as the page).
    pub token_key: Option<String>,
    /// Where `lapak:*` events go: the host element when embedded, else the window.
    pub events: web_sys::EventTarget,
    /// Whether the video's sound is off; the host page may set it.
    pub muted: RwSignal<bool>,
}

impl Boot {
    /// Lapak's own page: everything from the page's address and the browser.
    pub fn page() -> Boot {
        Boot {
            socket_url: browser::location::socket_url(),
            asset_base: String::new(),
            locale: browser::locale::detect(),
            cart_mode: browser::location::cart_mode(),
            start_offset_ms: browser::location::replay_offset_ms(),
            // Each show keeps its own session: its cart and coins are that show's.
            token_key: Some(match browser::location::show() {
                Some(show) => format!("{}.{show}", browser::storage::PAGE_KEY),
                None => browser::storage::PAGE_KEY.to_owned(),
            }),
            events: window().into(),
            muted: RwSignal::new(true),
        }
    }
}

/// The app: state from `boot`, a live server session.
#[component]
pub fn App(
    /// How to start.
    boot: Boot,
) -> impl IntoView {
    let state = connect(&boot);
    let captions_on = captions_choice(&boot);
    view! { <Widget state muted=boot.muted captions_on/> }
}

/// The store and its session with the server, with [`Actions`] put in context;
/// both end with the reactive owner this runs under.
pub fn connect(boot: &Boot) -> Store<State> {
    let state = Store::new(State {
        locale: boot.locale.clone(),
        asset_base: boot.asset_base.clone(),
        token: boot
            .token_key
            .as_deref()
            .and_then(browser::storage::load_token),
        cart_mode: boot.cart_mode,
        start_offset_ms: boot.start_offset_ms,
        ..State::default()
    });
    let (socket, requests) = mpsc::unbounded();
    let actions = Actions::connected(state, socket, boot.token_key.clone(), boot.events.clone());
    provide_context(actions);
    browser::watch::report(
        move |visible| actions.visible(visible),
        move || actions.heartbeat(),
    );
    net::start(
        boot.socket_url.clone(),
        move |msgs| actions.dispatch_all(msgs),
        requests,
    );
    state
}

/// Where the shopper's captions choice is kept between visits.
const CAPTIONS_KEY: &str = "lapak.captions";

/// The shopper's captions choice: kept between visits where the widget may
/// keep anything (`boot.token_key`), else for as long as the page.
pub fn captions_choice(boot: &Boot) -> RwSignal<bool> {
    match boot.token_key {
        Some(_) => browser::storage::remembered_flag(CAPTIONS_KEY),
        None => RwSignal::new(false),
    }
}

/// Everything the shopper sees, over any store (tests mount it without a server).
/// Expects [`Actions`] in context.
#[component]
pub fn Widget(
    /// The whole state.
    state: Store<State>,
    /// Whether the video's sound is off.
    #[prop(optional)]
    muted: Option<RwSignal<bool>>,
    /// Whether the shopper wants captions (see [`captions_choice`]).
    #[prop(optional)]
    captions_on: Option<RwSignal<bool>>,
) -> impl IntoView {
    let muted = muted.unwrap_or_else(|| RwSignal::new(true));
    let captions_on = captions_on.unwrap_or_else(|| RwSignal::new(false));
    let panel = RwSignal::new(Panel::Closed);
    let cart = cart_memo(state);
    let replaying = replaying(state);
    let device = browser::clock::ticking();
    let server_clock = ServerClock::new(state, device);
    provide_context(server_clock);
    provide_context(DealClock::new(state, server_clock));
    keep_time(state, device);
    let language = state.locale().read_untracked().lang;
    crate::i18n::provide(language);
    let lang = match language {
        Lang::En => "en",
        Lang::Id => "id",
    };
    let actions = expect_context::<Actions>();
    // Once the show is on screen, the sheets' code is fetched in a quiet moment.
    Effect::new(move |prefetched: Option<bool>| {
        let live = prefetched == Some(true) || state.link().get() == Link::Live;
        if live && prefetched != Some(true) {
            browser::idle::when_idle(|| leptos::task::spawn_local(prefetch_sheets()));
        }
        live
    });
    // The layers the first tag does not wait for load once the show is painted.
    let painted = RwSignal::new(false);
    Effect::new(move |done: Option<bool>| {
        let live = done == Some(true) || state.link().get() == Link::Live;
        if live && done != Some(true) {
            browser::idle::after_paint(move || painted.set(true));
        }
        live
    });
    provide_context(ShowPainted(painted.into()));
    let root = NodeRef::new();
    let focus_return = crate::features::sheet::use_focus_return(root, panel);
    let has_gifts = move || !state.gifting().catalogue().read_untracked().is_empty();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            panel.set(Panel::Closed);
            return;
        }
        let Some(shortcut) = browser::keys::shortcut_key(&ev).and_then(|k| shortcut(&k)) else {
            return;
        };
        ev.prevent_default();
        let toggle = |sheet| Panel::toggle(panel, sheet);
        match shortcut {
            Shortcut::Help => toggle(Panel::Shortcuts),
            Shortcut::Like if !replaying.get_untracked() => actions.like(),
            Shortcut::Like => {}
            Shortcut::Products => toggle(Panel::Shelf),
            Shortcut::Cart => toggle(Panel::Cart),
            Shortcut::Gifts if has_gifts() => toggle(Panel::Gifts),
            Shortcut::Gifts => {}
            Shortcut::Sound => muted.update(|m| *m = !*m),
            Shortcut::Captions => captions_on.update(|on| *on = !*on),
        }
    };
    view! {
        <div class="lapak" lang=lang node_ref=root on:keydown=on_key on:focusin=focus_return>
            <section class="lapak-stage" aria-label=crate::i18n::text().stage>
                <div
                    class="lapak-screen"
                    class:is-minimized=move || panel.read().minimizes_video()
                    class:is-replay=move || replaying.get()
                    data-link=screen_link(state)
                >
                    <Player state muted captions_on/>
                    <div class="lapak-scrim" aria-hidden="true"></div>
                    <LikeArea/>
                    <ShowHeader state/>
                    <WalletChip state panel/>
                    // The lane stands right above the chat's lines, under the products.
                    {later(move || chat_layer(state))}
                    <TagLayer state panel/>
                    <ConnectionStatus state/>
                    <div class="lapak-rail">
                        <LikeButton state/>
                        <ShelfButton state panel/>
                        <CartButton cart panel/>
                        <OrdersButton orders=state.orders() panel/>
                        <GiftButton catalogue=state.gifting().catalogue() panel/>
                        <MissionsButton community=state.community() panel/>
                    </div>
                    {later(move || spotlight_layer(state))}
                    <NoticeToast state/>
                    {later(move || toasts_layer(state))}
                    <Announcer state cart device/>
                    <Picker state panel/>
                    <CartDrawer state cart panel/>
                    <CheckoutSheet state panel/>
                    <OrdersSheet state panel/>
                    <PaymentSheet state panel/>
                    <GiftSheet state panel/>
                    <TopUpSheet state panel/>
                    <MissionsSheet state panel/>
                    <ShortcutsSheet panel/>
                </div>
            </section>
            <Shelf state panel/>
        </div>
    }
}
