//! The dispatcher: folds a [`Msg`] into the store and carries out the effects
//! the reducer returns. Views call it; they never reach the socket or storage.

use std::cell::OnceCell;
use std::rc::Rc;

use futures::channel::mpsc::UnboundedSender;
use lapak_protocol::{Card, CheckoutRequest, ProductId, VariantId};
use leptos::prelude::*;
use reactive_stores::{Patch, Store};

use crate::store::{apply, CartEdit, Effect, LineChange, Msg, State};
use crate::{browser, net};

/// Cheap to copy; put in context for every view.
#[derive(Clone, Copy)]
pub struct Actions {
    store: Store<State>,
    run: StoredValue<Rc<dyn Fn(Effect)>, LocalStorage>,
}

impl Actions {
    /// Dispatches into `store`, handing effects to `run`.
    pub fn new(store: Store<State>, run: impl Fn(Effect) + 'static) -> Self {
        Actions {
            store,
            run: StoredValue::new_local(Rc::new(run)),
        }
    }

    /// The effect runner of the live app: frames and reconnects go to the socket
    /// task, tokens to storage under `token_key` (if any), host events to `events`,
    /// a replay's log is fetched and handed back. Call it under the widget's
    /// owner: what it starts ends with it.
    pub fn connected(
        store: Store<State>,
        socket: UnboundedSender<net::Control>,
        token_key: Option<String>,
        events: web_sys::EventTarget,
    ) -> Self {
        // A fetched log comes back as a message: the runner needs the dispatcher it runs for.
        let this = Rc::new(OnceCell::<Actions>::new());
        let owner = Owner::current();
        let dispatcher = this.clone();
        let actions = Actions::new(store, move |effect| match effect {
            // The socket task ends with the widget, so a closed channel is harmless.
            Effect::Send(msg) => drop(socket.unbounded_send(net::Control::Send(msg))),
            Effect::Reconnect => drop(socket.unbounded_send(net::Control::Reconnect)),
            Effect::SaveToken(token) => {
                if let Some(key) = &token_key {
                    browser::storage::save_token(key, &token);
                }
            }
            Effect::Host(event) => browser::host::emit(&events, &event),
            Effect::CopyLink => browser::share::copy_link(),
            Effect::CopyLinkAt { seconds } => browser::share::copy_link_at(seconds),
            Effect::LoadReplay { url } => {
                if let (Some(actions), Some(owner)) = (dispatcher.get().copied(), &owner) {
                    owner.with(|| actions.load_replay(url));
                }
            }
        });
        let _ = this.set(actions);
        actions
    }

    /// Fetches a replay's log and folds the answer in; given up if the
    /// widget goes away first.
    fn load_replay(self, url: String) {
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            let msg = match browser::replay::fetch_log(&url).await {
                Ok(log) => Msg::ReplayLoaded { url, log },
                Err(error) => {
                    log::warn!("replay log {url}: {error:?}");
                    Msg::ReplayFailed { url }
                }
            };
            self.dispatch(msg);
        });
    }

    /// Folds `msg` into the state; only the fields that changed notify their views.
    pub fn dispatch(&self, msg: Msg) {
        self.dispatch_all([msg]);
    }

    /// Folds `msgs` into the state in order, as one update: the state is copied
    /// and patched once, and views re-render once, however many there are.
    pub fn dispatch_all(&self, msgs: impl IntoIterator<Item = Msg>) {
        let mut next = self.store.get_untracked();
        let effects: Vec<Effect> = msgs
            .into_iter()
            .flat_map(|msg| apply(&mut next, msg))
            .collect();
        self.store.patch(next);
        let run = self.run.get_value();
        for effect in effects {
            run(effect);
        }
    }

    /// Adds one unit of a variant to the cart.
    pub fn add_to_cart(&self, product_id: ProductId, variant_id: VariantId) {
        self.change_cart(product_id, variant_id, LineChange::Add(1));
    }

    /// Sets a cart line's quantity (0 removes it).
    pub fn set_quantity(&self, product_id: ProductId, variant_id: VariantId, quantity: u32) {
        self.change_cart(product_id, variant_id, LineChange::Set(quantity));
    }

    fn change_cart(&self, product_id: ProductId, variant_id: VariantId, change: LineChange) {
        let id = browser::ids::command_id();
        let edit = CartEdit {
            product_id,
            variant_id,
            change,
        };
        self.dispatch(Msg::ChangeCart { id, edit });
    }

    /// Reports a tap on a product's tag (the host's dashboard counts them).
    pub fn tag_tapped(&self, product_id: ProductId) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::TagTapped { id, product_id });
    }

    /// Tells the host page a product was tapped.
    pub fn product_clicked(&self, product_id: ProductId) {
        self.dispatch(Msg::ProductClicked(product_id));
    }

    /// Opens checkout: the server re-prices the cart.
    pub fn start_checkout(&self) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::StartCheckout { id });
    }

    /// Pays for the quoted cart.
    pub fn place_order(&self, request: CheckoutRequest) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::PlaceOrder {
            id,
            request: Box::new(request),
        });
    }

    /// Pays again after a failed payment: a new quote, then a new order id.
    pub fn pay_again(&self, request: CheckoutRequest) {
        self.dispatch(Msg::PayAgain {
            quote: browser::ids::command_id(),
            id: browser::ids::command_id(),
            request: Box::new(request),
        });
    }

    /// Leaves checkout.
    pub fn close_checkout(&self) {
        self.dispatch(Msg::CloseCheckout);
    }

    /// Applies a wallet coupon at checkout, or none.
    pub fn choose_coupon(&self, code: Option<String>) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::ChooseCoupon { id, code });
    }

    /// Adds a host's coupon code to the wallet and applies it.
    pub fn claim_coupon(&self, code: String) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::ClaimCoupon { id, code });
    }

    /// Sends the host one of a gift (a tap; taps in a row make a combo).
    pub fn send_gift(&self, gift_id: String) {
        let id = browser::ids::command_id();
        let now_ms = js_sys::Date::now() as i64;
        self.dispatch(Msg::SendGift {
            id,
            gift_id,
            now_ms,
        });
    }

    /// Buys a coin pack at the price shown.
    pub fn top_up(&self, pack_id: String, card: Card) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::TopUp { id, pack_id, card });
    }

    /// Clears the gift refusal and the top-up outcome.
    pub fn dismiss_gift_notice(&self) {
        self.dispatch(Msg::DismissGiftNotice);
    }

    /// Lets timed things on screen (gift lane, combo) leave once their time is up.
    pub fn tick(&self, now_ms: i64) {
        self.dispatch(Msg::Tick { now_ms });
    }

    /// Says something in the chat.
    pub fn chat(&self, text: String) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::Chat { id, text });
    }

    /// Taps the heart.
    pub fn like(&self) {
        let id = browser::ids::command_id();
        let now_ms = js_sys::Date::now() as i64;
        self.dispatch(Msg::Like { id, now_ms });
    }

    /// Tells the store whether the tab is visible (watch time counts only then).
    pub fn visible(&self, visible: bool) {
        self.dispatch(Msg::Visible(visible));
    }

    /// The heartbeat timer fired: a heartbeat goes out if watch time was earned.
    pub fn heartbeat(&self) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::Heartbeat { id });
    }

    /// Tells the store whether the video is playing (watch time counts only then).
    pub fn playing(&self, playing: bool) {
        self.dispatch(Msg::Playing(playing));
    }

    /// The frame on screen is at programme time `playhead`: the store hears of it
    /// only when that changes what shows (most frames do not).
    pub fn playhead(&self, playhead: Option<i64>) {
        let changes = self.store.with_untracked(|s| s.playhead_matters(playhead));
        if changes {
            self.dispatch(Msg::Playhead(playhead));
        }
    }

    /// The frame on screen of a live picture is at programme time `playhead`
    /// (unix ms) at server time `server_ms`: the server hears how far behind
    /// it runs when that moved enough to matter to a deal.
    pub fn picture_at(&self, playhead: i64, server_ms: i64) {
        let behind = u32::try_from((server_ms - playhead).max(0)).unwrap_or(u32::MAX);
        let behind = behind.min(lapak_protocol::MAX_PICTURE_DELAY_MS);
        if self.store.with_untracked(|s| s.behind_matters(behind)) {
            self.dispatch(Msg::Behind(behind));
        }
    }

    /// Moves a replay's picture to programme time `to_ms` (unix ms).
    pub fn seek(&self, to_ms: i64) {
        self.dispatch(Msg::Seek { to_ms });
    }

    /// Shares the replay's moment at programme time `at_ms`: a link to it, to the clipboard.
    pub fn share_moment(&self, at_ms: i64) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::ShareMoment { id, at_ms });
    }

    /// Opens the replay offered to a shopper who watched the show end.
    pub fn watch_replay(&self) {
        self.dispatch(Msg::WatchReplay);
    }

    /// Shares the show: its link to the clipboard.
    pub fn share(&self) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::Share { id });
    }

    /// Joins the host's Fan Club.
    pub fn join_club(&self) {
        let id = browser::ids::command_id();
        let now_ms = js_sys::Date::now() as i64;
        self.dispatch(Msg::JoinClub { id, now_ms });
    }

    /// Chooses the name others see.
    pub fn set_name(&self, name: String) {
        let id = browser::ids::command_id();
        self.dispatch(Msg::SetName { id, name });
    }

    /// Clears the community refusal.
    pub fn dismiss_community_notice(&self) {
        self.dispatch(Msg::DismissCommunityNotice);
    }

    /// Reconnects now instead of waiting for the next attempt.
    pub fn retry_now(&self) {
        self.dispatch(Msg::RetryNow);
    }

    /// Clears the notice.
    pub fn dismiss_notice(&self) {
        self.dispatch(Msg::DismissNotice);
    }
}
