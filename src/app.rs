//! The widget: the stage (video, header, tags, buttons, sheets) and the shelf,
//! and the boot sequence that connects it to the server.
use futures::channel::mpsc;
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::browser;
use crate::features::cart::{cart_memo, CartButton, CartDrawer};
use crate::features::checkout::CheckoutSheet;
use crate::features::deal::ServerClock;
use crate::features::orders::{OrdersButton, OrdersSheet};
use crate::features::picker::Picker;
use crate::features::player::{Player, ShowHeader};
use crate::features::shelf::{Shelf, ShelfButton};
use crate::features::status::{ConnectionStatus, NoticeToast};
use crate::features::tags::TagLayer;
use crate::features::Panel;
use crate::net;
use crate::store::{Lang, State, StateStoreFields};

/// The app on Lapak's own page: state from the browser, a live server session.
#[component]
pub fn App() -> impl IntoView {
    let state = Store::new(State {
        locale: browser::locale::detect(),
        token: browser::storage::load_token(),
        cart_mode: browser::location::cart_mode(),
        ..State::default()
    });
    let (socket, requests) = mpsc::unbounded();
    let actions = Actions::connected(state, socket);
    provide_context(actions);
    leptos::task::spawn_local(net::run(browser::location::socket_url(), actions, requests));
    view! { <Widget state/> }
}

/// Everything the shopper sees, over any store (tests mount it without a server).
/// Expects [`Actions`] in context.
#[component]
pub fn Widget(
    /// The whole state.
    state: Store<State>,
) -> impl IntoView {
    let panel = RwSignal::new(Panel::Closed);
    let cart = cart_memo(state);
    provide_context(ServerClock::new(state));
    let lang = match state.locale().read_untracked().lang {
        Lang::En => "en",
        Lang::Id => "id",
    };
    let close_on_escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            panel.set(Panel::Closed);
        }
    };
    view! {
        <div class="lapak" lang=lang on:keydown=close_on_escape>
            <section class="lapak-stage">
                <div class="lapak-screen" class:is-minimized=move || panel.read().minimizes_video()>
                    <Player state/>
                    <div class="lapak-scrim" aria-hidden="true"></div>
                    <ShowHeader state/>
                    <TagLayer state panel/>
                    <ConnectionStatus state/>
                    <div class="lapak-rail">
                        <ShelfButton state panel/>
                        <CartButton state cart panel/>
                        <OrdersButton state panel/>
                    </div>
                    <NoticeToast state/>
                    <Picker state panel/>
                    <CartDrawer state cart panel/>
                    <CheckoutSheet state panel/>
                    <OrdersSheet state panel/>
                </div>
            </section>
            <Shelf state panel/>
        </div>
    }
}
