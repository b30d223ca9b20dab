//! The widget's parts, one folder per feature. Views read the store and call
//! [`Actions`](crate::actions::Actions); they never touch the socket, storage or timers.

pub mod captions;
pub mod cart;
pub mod chat;
pub mod checkout;
pub mod coupons;
pub mod deal;
pub mod gifts;
pub mod icons;
pub mod later;
pub mod likes;
pub mod missions;
pub mod orders;
pub mod payment;
pub mod picker;
pub mod player;
pub mod price;
pub mod replay;
pub mod sheet;
pub mod shelf;
pub mod shortcuts;
pub mod status;
pub mod tags;
pub mod viewer_name;

use lapak_protocol::{Order, Product, ProductId};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::actions::Actions;
use crate::store::{State, StateStoreFields};

/// Fetches the code of the sheets kept in lazily loaded chunks, so that a
/// first tap opens them at once. A failure is left for that tap to retry.
pub async fn prefetch_sheets() {
    let _ = picker::preload_picker().await;
    let _ = cart::preload_cart().await;
    let _ = checkout::preload_checkout().await;
    let _ = gifts::preload_gifts().await;
    let _ = gifts::preload_top_up().await;
    let _ = missions::preload_missions().await;
    let _ = orders::preload_orders().await;
    let _ = payment::preload_payment().await;
}

/// Which sheet is open over the stream; purely visual, so it lives in the widget, not the store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Panel {
    /// Nothing open: just the stream.
    #[default]
    Closed,
    /// The list of featured products (on narrow screens; wide screens always show it).
    Shelf,
    /// The cart drawer.
    Cart,
    /// The variant picker for a product.
    Picker(ProductId),
    /// Checkout (the video shrinks to a mini-player).
    Checkout,
    /// The shopper's orders (the video shrinks to a mini-player).
    Orders,
    /// An order's payment, by its number: what to pay and how while it waits.
    Payment(String),
    /// Gifts to send, the wallet and the top gifters.
    Gifts,
    /// Buying coins.
    TopUp,
    /// Missions, badges, the Fan Club and the LIVE Journey.
    Missions,
    /// The keyboard shortcuts.
    Shortcuts,
}

impl Panel {
    /// Opens `sheet` in `panel`, or closes it if it is the one open: what a
    /// rail button and its shortcut do.
    pub fn toggle(panel: RwSignal<Panel>, sheet: Panel) {
        panel.update(|p| *p = if *p == sheet { Panel::Closed } else { sheet });
    }

    /// Whether this sheet takes the screen, leaving the video as a mini-player.
    pub fn minimizes_video(&self) -> bool {
        matches!(self, Panel::Checkout | Panel::Orders | Panel::Payment(_))
    }
}

/// Lets timed things on screen (gift lane, hearts, toasts, the like batch)
/// move on as the device clock `device` ticks, waking the store only when
/// something has a time limit.
pub fn keep_time(state: Store<State>, device: ReadSignal<i64>) {
    let actions = expect_context::<Actions>();
    Effect::new(move |_| {
        let now = device.get();
        if state.with_untracked(State::expiring) {
            actions.tick(now);
        }
    });
}

/// A catalogue product, re-derived only when the catalogue changes.
pub fn product_memo(state: Store<State>, id: ProductId) -> Memo<Option<Product>> {
    Memo::new(move |_| state.products().read().iter().find(|p| p.id == id).cloned())
}

/// The order numbered `number` as the server last told it: follows it through
/// payment, refund and expiry.
pub fn order_memo(state: Store<State>, number: String) -> Memo<Option<Order>> {
    Memo::new(move |_| {
        state
            .orders()
            .read()
            .iter()
            .find(|o| o.number == number)
            .cloned()
    })
}

/// What tapping a product does (on a tag or on the shelf): a product with one
/// variant goes straight into the cart; one with options opens the picker.
pub fn tap_product(product: Option<Product>, actions: Actions, panel: RwSignal<Panel>) {
    let Some(product) = product else { return };
    actions.product_clicked(product.id.clone());
    match product.variants.as_slice() {
        [only] => actions.add_to_cart(product.id.clone(), only.id.clone()),
        _ => panel.set(Panel::Picker(product.id)),
    }
}

/// A duration as a clock reads it: `m:ss`, or `h:mm:ss` from an hour on
/// (a deal's countdown, a replay's times).
pub fn clock_text(seconds: i64) -> String {
    let secs = seconds.max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}
