//! The viewer's state and its one reducer.
//!
//! Everything the server owns arrives as [`ServerMsg`]s and everything the
//! shopper does arrives as intents; both are [`Msg`]s folded into [`State`] by
//! [`apply`], which is pure (no web APIs) and returns the side effects to carry
//! out as data ([`Effect`]). `net/` and `browser/` carry them out.

mod answers;
mod cart;
mod checkout;
mod community;
mod ended;
mod gifting;
mod host;
mod outbox;
pub mod payments;
mod picture;
mod replay;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

pub use cart::{CartEdit, CartView, LineChange, LineView};
pub use checkout::{is_coupon_refusal, payment_failed, Checkout};
pub use community::{Community, CommunityStoreFields, Heart, LikeBatch, Toast, ToastKind};
pub use ended::has_ended;
pub use gifting::{
    balance, Combo, Gifting, GiftingStoreFields, Lane, LaneEntry, TopUp, TopUpOutcome, LANE_SLOTS,
};
pub use host::{HostEvent, HostLine};
pub use outbox::{Entry, Full, Outbox, MAX_OUTBOX};
pub use picture::Picture;
pub use replay::{Log, Replay, ReplayStoreFields, Seek, Shared};

use lapak_protocol::replay::ReplayLog;
use lapak_protocol::{
    in_language, pricing, Cart, ClientMsg, CommandId, Deal, Money, OnAir, Order, Pin, Product,
    ProductId, RejectCode, Resume, ServerMsg, TagChange, Translations, Welcome, PROTOCOL_VERSION,
};
use reactive_stores::{Patch, Store};

/// How much the picture's delay behind the server must move before the server
/// is told again: well over a frame's jitter, well under a deal's seconds.
pub const BEHIND_STEP_MS: u32 = 250;

/// The viewer's whole state. Fields are patched one by one, so a view that
/// reads `pins` re-renders only when the pins change. A field marked
/// `#[patch(|this, new| *this = new)]` is not patched part by part: it is
/// compared whole and, when it differs, replaced with one notification; a
/// `// why:` above each says what keeps it from being patched.
///
/// No list is a keyed field (`#[store(key: …)]`): with reactive_stores 0.4.4
/// the derived patch looks a keyed item up under its parent's path, so
/// patching a state that holds one panics ("could not find key for index"),
/// and patching the list alone keeps the old items until a view has read it.
/// Rows are keyed in the views instead (`<For key=…>`, by id).
#[derive(Clone, Debug, Default, PartialEq, Store, Patch)]
pub struct State {
    /// Interface language and the locale prices are formatted for.
    // why: holds an enum (`Lang`), which `#[derive(Patch)]` cannot patch; set once at boot
    #[patch(|this, new| *this = new)]
    pub locale: Locale,
    /// Where the connection to the server stands.
    // why: an enum, which `#[derive(Patch)]` cannot patch
    #[patch(|this, new| *this = new)]
    pub link: Link,
    /// Whether the connection has been lost at least once (so "Back live" can be said).
    pub reconnected: bool,
    /// The session token to present in `Hello`; kept by the browser between visits.
    pub token: Option<String>,
    /// Origin that the server's root-relative media URLs are relative to:
    /// empty on Lapak's own page, the server's origin when embedded elsewhere.
    pub asset_base: String,
    /// Where a replay opens, in ms from its start: the link's `t` (`?t=` on
    /// Lapak's page, the `t` attribute when embedded); its start without one.
    pub start_offset_ms: Option<i64>,
    /// Show identity: title, host, stream; `None` until the first `Welcome`.
    // why: holds protocol caption tracks, which implement no `PatchField`; a `Welcome` sets it as a
    // whole
    #[patch(|this, new| *this = new)]
    pub show: Option<ShowInfo>,
    /// The show's catalogue, with live stock.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub products: Vec<Product>,
    /// Tags on screen now: those of the frame on screen.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub pins: Vec<Pin>,
    /// The tags' timeline and where the picture is on it.
    // why: holds protocol pins and tag changes, which implement no `PatchField`
    #[patch(|this, new| *this = new)]
    pub picture: Picture,
    /// Whether the host is on air.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub on_air: OnAir,
    /// Products featured so far, oldest first: the shelf.
    pub featured: Vec<ProductId>,
    /// People watching.
    pub viewers: u32,
    /// Flash deals running (prices follow them at once, as the server's do).
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub deals: Vec<Deal>,
    /// Deals whose start the picture has not reached yet: not announced on screen.
    pub held_deals: Vec<String>,
    /// Deals whose time is up on the server's clock but maybe not yet on this
    /// viewer's picture's (`lapak_protocol::deal_clock_ms`): shown until it is,
    /// as the server prices this viewer's commands.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub ending_deals: Vec<Deal>,
    /// How far the picture runs behind the server's clock, in ms, as last
    /// told to the server (`ClientMsg::Behind`).
    pub picture_behind_ms: Option<u32>,
    /// The server's clock minus this device's, in ms: deal countdowns follow the server.
    pub clock_offset_ms: i64,
    /// Whose cart the widget fills (fixed for the page's life).
    // why: an enum, which `#[derive(Patch)]` cannot patch; fixed for the page's life
    #[patch(|this, new| *this = new)]
    pub cart_mode: CartMode,
    /// The cart as the server last confirmed it (in host-cart mode: as the host page last synced it).
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub cart: Cart,
    /// The shopper's orders, newest first.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub orders: Vec<Order>,
    /// Where checkout stands.
    // why: holds a protocol quote and refusal codes, which implement no `PatchField`
    #[patch(|this, new| *this = new)]
    pub checkout: Checkout,
    /// Coins, gifts and the gift lane.
    pub gifting: Gifting,
    /// Chat, likes, the Fan Club, missions and badges.
    pub community: Community,
    /// An ended show's replay, when one is playing.
    pub replay: Replay,
    /// The replay offered to a shopper who watched the show end, once it
    /// can be watched (`ReplayReady`); taken when they open it.
    // why: a protocol type, with no `PatchField` (lapak-protocol knows no reactive_stores)
    #[patch(|this, new| *this = new)]
    pub replay_offer: Option<lapak_protocol::replay::ReplayInfo>,
    /// Every command sent (or waiting to be sent) but not yet answered, in the order made.
    // why: its entries hold protocol frames (no `PatchField`), and it is only ever read as a whole
    // table
    #[patch(|this, new| *this = new)]
    pub outbox: Outbox,
    /// The latest thing the shopper must be told (a refused command).
    // why: holds an enum (`NoticeKind`), which `#[derive(Patch)]` cannot patch
    #[patch(|this, new| *this = new)]
    pub notice: Option<Notice>,
    /// Identifies the server's event history the `seq`s below belong to.
    pub epoch: u64,
    /// The last show event applied.
    pub seq: u64,
}

/// Interface language and formatting locale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locale {
    /// Which message catalogue to use.
    pub lang: Lang,
    /// BCP 47 tag for `Intl` (e.g. `id-ID`), as the browser reports it.
    pub tag: String,
}

impl Default for Locale {
    fn default() -> Self {
        Locale {
            lang: Lang::En,
            tag: "en-US".into(),
        }
    }
}

/// Languages with a message catalogue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Bahasa Indonesia.
    Id,
}

impl Lang {
    /// Its language code, as texts are translated into it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Id => "id",
        }
    }

    /// The catalogue for a BCP 47 tag: Indonesian for `id…`, else English.
    pub fn for_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("id") || primary.eq_ignore_ascii_case("in") {
            Lang::Id
        } else {
            Lang::En
        }
    }
}

/// Connection state, as the shopper sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Link {
    /// Opening the socket or waiting for `Welcome`.
    #[default]
    Connecting,
    /// Welcome received; commands flow.
    Live,
    /// The socket closed; the next attempt starts in `retry_in_ms`.
    Reconnecting {
        /// Delay before the next attempt.
        retry_in_ms: u32,
    },
}

/// Whose cart "add to cart" and "checkout" go to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CartMode {
    /// Lapak's own cart and checkout, kept by the server.
    #[default]
    Lapak,
    /// The host page's cart: the widget asks the page (`Effect::Host`) and shows what it syncs back.
    Host,
}

/// Show identity and presentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShowInfo {
    /// Title.
    pub title: String,
    /// Host's display name.
    pub host_name: String,
    /// Host's avatar URL.
    pub host_avatar: String,
    /// Video URL.
    pub stream_url: String,
    /// Poster image URL.
    pub poster_url: String,
    /// Caption tracks of a video file.
    pub captions: Vec<lapak_protocol::CaptionTrack>,
    /// ISO 4217 currency of every price.
    pub currency: String,
    /// When the show is scheduled to begin, if it has not yet (unix ms).
    pub starts_at_ms: Option<i64>,
    /// The show as a calendar event ("Remind me"), while it has a start ahead.
    pub calendar_url: Option<String>,
    /// How its shoppers can pay.
    pub payments: lapak_protocol::Payments,
    /// What those watching when it ends are offered (the brand's choice).
    pub after: lapak_protocol::AfterShow,
}

/// Something to tell the shopper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The command it answers; distinct notices for equal codes re-announce.
    pub id: CommandId,
    /// What happened.
    pub kind: NoticeKind,
    /// The product concerned, when known.
    pub product_id: Option<ProductId>,
}

/// What a notice is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// The server refused a command.
    Refused(RejectCode),
    /// Too many commands are waiting for the connection ([`MAX_OUTBOX`]); this one was not made.
    OutboxFull,
    /// A replay's log could not be loaded: the picture plays without its tags and chat.
    ReplayUnavailable,
}

/// Everything that can change the state.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// The socket opened: say hello.
    Opened,
    /// The socket closed; `net` retries after `retry_in_ms`.
    Closed {
        /// Delay before the next attempt.
        retry_in_ms: u32,
    },
    /// A frame from the server.
    Server(ServerMsg),
    /// The shopper changes a cart line.
    ChangeCart {
        /// A fresh command id.
        id: CommandId,
        /// The change.
        edit: CartEdit,
    },
    /// The shopper dismissed the notice.
    DismissNotice,
    /// The shopper asked to reconnect now rather than wait.
    RetryNow,
    /// A new estimate of the server's clock minus this device's.
    Clock {
        /// Milliseconds to add to the device clock.
        offset_ms: i64,
    },
    /// The shopper opened checkout; `id` is a fresh command id for the quote.
    StartCheckout {
        /// Quote command id.
        id: CommandId,
    },
    /// The shopper pays for the quoted cart; `id` is a fresh command id.
    PlaceOrder {
        /// Checkout command id (the idempotency key).
        id: CommandId,
        /// What the shopper confirmed and their details.
        request: Box<lapak_protocol::CheckoutRequest>,
    },
    /// The shopper pays again after a failed payment (nothing was charged):
    /// re-price the cart, then place the order under a new id.
    PayAgain {
        /// A fresh command id for the quote.
        quote: CommandId,
        /// A fresh checkout command id (never the failed order's).
        id: CommandId,
        /// What the shopper confirmed and their details, as on the form now.
        request: Box<lapak_protocol::CheckoutRequest>,
    },
    /// The shopper left checkout.
    CloseCheckout,
    /// The shopper chose a wallet coupon for checkout, or none; `id` is for the new quote.
    ChooseCoupon {
        /// Quote command id.
        id: CommandId,
        /// The coupon's code in the wallet.
        code: Option<String>,
    },
    /// The shopper typed a host's coupon code to add and apply.
    ClaimCoupon {
        /// Command id.
        id: CommandId,
        /// The code as typed.
        code: String,
    },
    /// The host page's cart, in host-cart mode.
    SyncHostCart(Vec<HostLine>),
    /// The shopper tapped a product (the host page hears of it).
    ProductClicked(ProductId),
    /// The shopper sends one of a gift at device time `now_ms`; `id` is a fresh command id.
    SendGift {
        /// Command id.
        id: CommandId,
        /// The gift.
        gift_id: String,
        /// Device clock, for the combo window.
        now_ms: i64,
    },
    /// The shopper buys a coin pack at the price shown; `id` is a fresh command id.
    TopUp {
        /// Command id (the payment's idempotency key).
        id: CommandId,
        /// The pack.
        pack_id: String,
        /// How to pay.
        card: lapak_protocol::Card,
    },
    /// The shopper read the gift refusal or the top-up outcome.
    DismissGiftNotice,
    /// The device clock moved on: timed things on screen may leave.
    Tick {
        /// Device clock, Unix milliseconds.
        now_ms: i64,
    },
    /// The viewer says something in the chat; `id` is a fresh command id.
    Chat {
        /// Command id.
        id: CommandId,
        /// What they typed.
        text: String,
    },
    /// The viewer taps the heart at device time `now_ms`.
    Like {
        /// A fresh command id (the batch's, if this tap starts one).
        id: CommandId,
        /// Device clock.
        now_ms: i64,
    },
    /// The heartbeat timer fired (every `HEARTBEAT_MS`).
    Heartbeat {
        /// A fresh command id.
        id: CommandId,
    },
    /// The shopper tapped a product's tag on the picture.
    TagTapped {
        /// A fresh command id.
        id: CommandId,
        /// The tagged product.
        product_id: ProductId,
    },
    /// The video started (`true`) or stopped playing.
    Playing(bool),
    /// The programme date-time of the frame on screen moved (`None`: the
    /// picture has no programme clock). Sent only when it changes what shows.
    Playhead(Option<i64>),
    /// The picture runs this many ms behind the server's clock (sent when it
    /// moved by [`BEHIND_STEP_MS`] or more: see [`State::behind_matters`]).
    Behind(u32),
    /// The tab became visible (`true`) or hidden.
    Visible(bool),
    /// The viewer shares the show (copies its link).
    Share {
        /// A fresh command id.
        id: CommandId,
    },
    /// The viewer joins the Fan Club at device time `now_ms`.
    JoinClub {
        /// A fresh command id.
        id: CommandId,
        /// Device clock (a gift club is joined with a gift, which may combo).
        now_ms: i64,
    },
    /// The viewer chooses the name others see.
    SetName {
        /// A fresh command id.
        id: CommandId,
        /// The name.
        name: String,
    },
    /// The viewer read the community refusal.
    DismissCommunityNotice,
    /// The replay's log at `url` arrived.
    ReplayLoaded {
        /// Where it was fetched from (an answer for another replay is dropped).
        url: String,
        /// The log.
        log: ReplayLog,
    },
    /// The replay's log at `url` could not be fetched or read.
    ReplayFailed {
        /// Where it was fetched from.
        url: String,
    },
    /// The viewer asks for the replay's picture at a programme time (the seek
    /// bar, a chapter, a top moment).
    Seek {
        /// Programme time, unix ms (kept within the replay).
        to_ms: i64,
    },
    /// The shopper who watched the show end opens the replay offered.
    WatchReplay,
    /// The viewer shares the replay's moment at a programme time.
    ShareMoment {
        /// A fresh command id (sharing counts, as live).
        id: CommandId,
        /// Programme time of the frame on screen, unix ms.
        at_ms: i64,
    },
}

/// Side effects the reducer asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Send this frame to the server.
    Send(ClientMsg),
    /// Keep this session token for the next visit.
    SaveToken(String),
    /// Drop the connection (if any) and connect again now: after a gap in the
    /// event sequence, or when the shopper asks.
    Reconnect,
    /// Tell the host page (host-cart mode).
    Host(HostEvent),
    /// Put the show's link on the clipboard.
    CopyLink,
    /// Put the show's link on the clipboard, opening its replay `seconds` in (`t=`).
    CopyLinkAt {
        /// Seconds from the replay's start.
        seconds: u32,
    },
    /// Fetch a replay's log; answer with `Msg::ReplayLoaded` or `Msg::ReplayFailed`.
    LoadReplay {
        /// Its URL, resolved like media URLs.
        url: String,
    },
}

/// What a command in the outbox is for, carrying what its feature needs when
/// the answer comes (`answers` hands it on). The store's own type, so the
/// outbox that keeps it depends on no feature.
#[derive(Clone, Debug, PartialEq)]
pub enum Purpose {
    /// A cart line change, shown on top of the confirmed cart until answered.
    Cart(CartEdit),
    /// Checkout's quote; `then` is the order to place under a new id once the
    /// quote shows it unchanged (paying again after a failed payment).
    Quote {
        /// The new order id and request, when paying again.
        then: Option<(CommandId, Box<lapak_protocol::CheckoutRequest>)>,
    },
    /// Checkout's order request: a payment in flight.
    Checkout,
    /// A host's code claimed into the wallet, to apply once it is there.
    Coupon {
        /// The code, canonical.
        code: String,
    },
    /// One gift, whose coins are spent until it is answered.
    Gift {
        /// Coins it costs.
        coins: u32,
    },
    /// A coin purchase: a payment in flight.
    TopUp {
        /// Coins the pack credits, as shown.
        coins: u32,
    },
    /// A batch of likes, already counted on screen.
    Likes {
        /// Taps in the batch.
        count: u32,
    },
    /// A chat line, share, Fan Club join or name.
    Community,
    /// Watch time or a tag tap, reported: nothing to reconcile, and a refused
    /// one is simply not counted.
    Report,
}

/// Folds one message into the state and returns the effects to carry out.
pub fn apply(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Opened => {
            state.link = Link::Connecting;
            // A viewer that has applied events asks to resume after the last one.
            let resume = (state.epoch != 0).then_some(Resume {
                epoch: state.epoch,
                seq: state.seq,
            });
            vec![Effect::Send(ClientMsg::Hello {
                protocol: PROTOCOL_VERSION,
                token: state.token.clone(),
                show: None,
                resume,
            })]
        }
        Msg::Closed { retry_in_ms } => {
            let was_live = state.link == Link::Live;
            state.link = Link::Reconnecting { retry_in_ms };
            state.reconnected = true;
            let message = format!("connection lost, reconnecting in {retry_in_ms} ms");
            was_live
                .then_some(Effect::Host(HostEvent::Error { message }))
                .into_iter()
                .collect()
        }
        Msg::Server(event) => apply_server(state, event),
        Msg::ChangeCart { id, edit } => cart::change(state, id, edit),
        Msg::DismissNotice => {
            state.notice = None;
            Vec::new()
        }
        Msg::RetryNow => vec![Effect::Reconnect],
        Msg::Clock { offset_ms } => {
            state.clock_offset_ms = offset_ms;
            Vec::new()
        }
        Msg::StartCheckout { id } => checkout::start(state, id),
        Msg::PlaceOrder { id, request } => checkout::place(state, id, request),
        Msg::PayAgain { quote, id, request } => checkout::pay_again(state, quote, id, request),
        Msg::CloseCheckout => checkout::close(state),
        Msg::ChooseCoupon { id, code } => checkout::choose_coupon(state, id, code),
        Msg::ClaimCoupon { id, code } => checkout::claim_coupon(state, id, &code),
        Msg::SyncHostCart(lines) => {
            host::sync_cart(state, lines);
            Vec::new()
        }
        Msg::ProductClicked(product_id) => {
            vec![Effect::Host(HostEvent::ProductClick { product_id })]
        }
        Msg::SendGift {
            id,
            gift_id,
            now_ms,
        } => gifting::send(state, id, gift_id, now_ms),
        Msg::TopUp { id, pack_id, card } => gifting::top_up(state, id, pack_id, card),
        Msg::DismissGiftNotice => {
            state.gifting.refused = None;
            state.gifting.top_up.outcome = None;
            Vec::new()
        }
        Msg::Tick { now_ms } => {
            gifting::tick(state, now_ms);
            community::tick(state, now_ms)
        }
        Msg::Chat { id, text } => community::chat(state, id, text),
        Msg::Like { id, now_ms } => community::like(state, id, now_ms),
        Msg::Heartbeat { id } => community::heartbeat(state, id),
        Msg::TagTapped { id, product_id } => community::tag_tapped(state, id, product_id),
        Msg::Playing(playing) => {
            state.community.playing = playing;
            Vec::new()
        }
        Msg::Visible(visible) => {
            state.community.visible = visible;
            Vec::new()
        }
        Msg::Behind(ms) => {
            state.picture_behind_ms = Some(ms);
            vec![Effect::Send(ClientMsg::Behind { ms })]
        }
        Msg::Playhead(playhead) => {
            // The replay compares with where the picture was: it goes first.
            replay::moved(state, playhead);
            picture::moved(state, playhead);
            Vec::new()
        }
        Msg::Share { id } => community::share(state, id, Effect::CopyLink),
        Msg::JoinClub { id, now_ms } => community::join_club(state, id, now_ms),
        Msg::SetName { id, name } => community::set_name(state, id, name),
        Msg::DismissCommunityNotice => {
            state.community.refused = None;
            Vec::new()
        }
        Msg::ReplayLoaded { url, log } => {
            replay::loaded(state, &url, log);
            Vec::new()
        }
        Msg::ReplayFailed { url } => {
            replay::failed(state, &url);
            Vec::new()
        }
        Msg::Seek { to_ms } => {
            replay::seek(state, to_ms);
            Vec::new()
        }
        Msg::ShareMoment { id, at_ms } => replay::share_moment(state, id, at_ms),
        Msg::WatchReplay => ended::watch_replay(state),
    }
}

fn apply_server(state: &mut State, event: ServerMsg) -> Vec<Effect> {
    // Show events at or below the last applied seq are duplicates (or already
    // in the snapshot): applying them twice would be wrong, so drop them.
    if let Some(seq) = event.seq() {
        if seq <= state.seq {
            return Vec::new();
        }
        // A missing event means this view of the show can no longer be trusted:
        // reconnect and resume from the last one applied (or get a snapshot).
        if seq > state.seq + 1 {
            return vec![Effect::Reconnect];
        }
        state.seq = seq;
    }
    if state.replay.replays(&event) || ended::ignores(state, &event) {
        return Vec::new();
    }
    match event {
        ServerMsg::Welcome(welcome) => welcome_snapshot(state, *welcome),
        ServerMsg::Resumed {
            session,
            cart,
            orders,
            wallet,
            progress,
            ..
        } => {
            keep_server_cart(state, cart);
            let lang = state.locale.lang.code();
            state.orders = orders.into_iter().map(|o| o.in_language(lang)).collect();
            state.gifting.wallet = wallet;
            community::progressed(state, *progress, Vec::new());
            went_live(state, session.token)
        }
        ServerMsg::Pong { .. } => Vec::new(),
        ServerMsg::Ack {
            id,
            cart,
            order,
            wallet,
            chat,
        } => {
            let ack = answers::Ack {
                cart,
                order: order.map(|o| *o),
                wallet,
                chat,
            };
            answers::acked(state, &id, ack)
        }
        ServerMsg::Quoted { id, quote } => answers::quoted(state, &id, quote),
        ServerMsg::OrderUpdated { order } => {
            checkout::record(state, *order);
            Vec::new()
        }
        ServerMsg::Reject { id, code, .. } => answers::refused(state, &id, code),
        ServerMsg::CartChanged { cart } => {
            state.cart = cart;
            checkout::requote(state, "cart")
        }
        ServerMsg::DealStarted { deal, .. } => {
            state.deals.retain(|d| d.id != deal.id);
            state.deals.push(deal);
            picture::deals_changed(state);
            Vec::new()
        }
        ServerMsg::DealChanged {
            deal_id, remaining, ..
        } => {
            if let Some(deal) = state.deals.iter_mut().find(|d| d.id == deal_id) {
                deal.remaining = remaining;
            }
            Vec::new()
        }
        ServerMsg::DealEnded {
            deal_id, stopped, ..
        } => {
            let ended = state.deals.iter().position(|d| d.id == deal_id);
            let ended = ended.map(|at| state.deals.remove(at));
            state.ending_deals.retain(|d| d.id != deal_id);
            if let Some(deal) = ended.filter(|_| !stopped) {
                // Kept only while a picture within the bound could still show it.
                let gone = deal.ends_at_ms - i64::from(lapak_protocol::MAX_PICTURE_DELAY_MS);
                state.ending_deals.retain(|d| d.ends_at_ms > gone);
                state.ending_deals.push(deal);
            }
            picture::deals_changed(state);
            Vec::new()
        }
        ServerMsg::Pinned { pin, .. } => {
            if !state.featured.contains(&pin.product_id) {
                state.featured.push(pin.product_id.clone());
            }
            let change = TagChange {
                at: pin.at,
                product_id: pin.product_id.clone(),
                pin: Some(pin),
            };
            picture::changed(state, change);
            Vec::new()
        }
        ServerMsg::Unpinned { product_id, at, .. } => {
            let change = TagChange {
                at,
                product_id,
                pin: None,
            };
            picture::changed(state, change);
            Vec::new()
        }
        ServerMsg::OnAir { state: on_air, .. } => {
            ended::on_air(state, on_air);
            Vec::new()
        }
        ServerMsg::ReplayReady { replay, .. } => {
            ended::replay_ready(state, replay);
            Vec::new()
        }
        ServerMsg::StockChanged {
            product_id,
            variant_id,
            stock,
            ..
        } => {
            let variant = state
                .products
                .iter_mut()
                .filter(|p| p.id == product_id)
                .flat_map(|p| p.variants.iter_mut())
                .find(|v| v.id == variant_id);
            if let Some(variant) = variant {
                variant.stock = stock;
            }
            Vec::new()
        }
        ServerMsg::WalletChanged { wallet } => {
            gifting::wallet_changed(state, wallet);
            Vec::new()
        }
        ServerMsg::Gifted { streak, .. } => {
            gifting::gifted(state, streak);
            Vec::new()
        }
        ServerMsg::Leaderboard { top, .. } => {
            state.gifting.leaderboard = top;
            Vec::new()
        }
        ServerMsg::ViewerCount { count, .. } => {
            state.viewers = count;
            Vec::new()
        }
        ServerMsg::Chat { messages, .. } => {
            community::chatted(state, messages);
            Vec::new()
        }
        ServerMsg::ChatRemoved { ids, .. } => {
            community::removed(state, &ids);
            Vec::new()
        }
        ServerMsg::PinnedMessage {
            text, translations, ..
        } => {
            let lang = state.locale.lang.code();
            state.community.pinned =
                text.map(|text| in_language(&text, &translations, lang).to_owned());
            Vec::new()
        }
        ServerMsg::SlowMode { every_s, .. } => {
            state.community.slow_mode_s = every_s;
            Vec::new()
        }
        ServerMsg::Likes { total, .. } => {
            community::liked(state, total);
            Vec::new()
        }
        ServerMsg::Progress {
            progress,
            completed,
        } => {
            community::progressed(state, *progress, completed);
            Vec::new()
        }
        ServerMsg::Unknown => Vec::new(),
    }
}

/// Puts `text` in the shopper's language and drops the translations: views
/// read the one text, whichever language it is in.
fn translate(text: &mut String, translations: &mut Translations, lang: &str) {
    let chosen = in_language(text, translations, lang);
    if chosen != text.as_str() {
        *text = chosen.to_owned();
    }
    translations.clear();
}

/// A `Welcome` replaces everything the server owns; commands still pending
/// are sent again with their original ids (the server applies each id once).
fn welcome_snapshot(state: &mut State, welcome: Welcome) -> Vec<Effect> {
    let first = state.show.is_none();
    let mut show = welcome.show;
    let base = state.asset_base.as_str();
    let asset = |url: &mut String| asset_url(base, url);
    for url in [
        &mut show.stream_url,
        &mut show.poster_url,
        &mut show.host.avatar_url,
    ] {
        asset(url);
    }
    for product in &mut show.products {
        asset(&mut product.image_url);
    }
    for gift in &mut show.gifts {
        asset(&mut gift.image_url);
    }
    for track in &mut show.captions {
        asset(&mut track.url);
    }
    let lang = state.locale.lang.code();
    for product in &mut show.products {
        translate(&mut product.name, &mut product.names, lang);
        for variant in &mut product.variants {
            translate(&mut variant.label, &mut variant.labels, lang);
        }
    }
    for gift in &mut show.gifts {
        translate(&mut gift.name, &mut gift.names, lang);
    }
    let community = &mut show.community;
    if let Some(pinned) = &mut community.pinned {
        translate(pinned, &mut community.pinned_translations, lang);
    }
    for badge in &mut show.community.badges {
        asset(&mut badge.image_url);
    }
    let ready = first.then(|| {
        Effect::Host(HostEvent::Ready {
            show: show.id.clone(),
        })
    });
    let calendar_url = show.starts_at_ms.map(|_| {
        let mut url = lapak_protocol::calendar_path(&show.id);
        asset_url(base, &mut url);
        url
    });
    state.show = Some(ShowInfo {
        title: show.title,
        host_name: show.host.name,
        host_avatar: show.host.avatar_url,
        stream_url: show.stream_url,
        poster_url: show.poster_url,
        captions: show.captions,
        currency: show.currency,
        starts_at_ms: show.starts_at_ms,
        calendar_url,
        payments: show.payments,
        after: show.after,
    });
    state.products = show.products;
    state.featured = show.featured;
    state.deals = show.deals;
    state.ending_deals.clear();
    picture::welcome(state, show.pins, show.tag_log);
    ended::on_air(state, show.on_air);
    state.viewers = show.viewers;
    let gifting = &mut state.gifting;
    gifting.you = Some(welcome.you);
    gifting.wallet = welcome.wallet;
    gifting.catalogue = show.gifts;
    gifting.packs = show.coin_packs;
    gifting.leaderboard = show.leaderboard;
    community::welcome(state, show.community, welcome.progress);
    keep_server_cart(state, welcome.cart);
    let lang = state.locale.lang.code();
    state.orders = welcome
        .orders
        .into_iter()
        .map(|o| o.in_language(lang))
        .collect();
    state.epoch = welcome.epoch;
    state.seq = welcome.seq;
    let mut effects = went_live(state, welcome.session.token);
    // A new connection knows nothing of this viewer's delay until told again.
    effects.extend(
        state
            .picture_behind_ms
            .map(|ms| Effect::Send(ClientMsg::Behind { ms })),
    );
    // A shopper who watched the show end is offered its replay, never switched to it.
    let replay = match show.replay {
        Some(info) if !first && !state.replay.is_on() => {
            ended::replay_ready(state, info);
            None
        }
        replay => replay,
    };
    // Last: a replay sets over the snapshot what the moment on screen shows.
    effects.extend(replay::welcome(state, replay));
    effects.extend(ready);
    effects
}

/// Makes a root-relative media URL from the server absolute against `base`
/// (see [`State::asset_base`]).
fn asset_url(base: &str, url: &mut String) {
    if url.starts_with('/') && !url.starts_with("//") {
        url.insert_str(0, base);
    }
}

/// Takes the server's cart, unless the host page's cart is the one shown
/// (host-cart mode: what `SyncHostCart` set stays, even if it came before `Welcome`).
fn keep_server_cart(state: &mut State, cart: Cart) {
    if state.cart_mode == CartMode::Lapak {
        state.cart = cart;
    }
}

/// The server answered `Hello`: commands flow again, and every one still in
/// the outbox is sent again, in the order made, with its original id (the
/// server applies each id once).
fn went_live(state: &mut State, token: String) -> Vec<Effect> {
    state.link = Link::Live;
    let mut effects = Vec::new();
    if state.token.as_deref() != Some(token.as_str()) {
        state.token = Some(token.clone());
        effects.push(Effect::SaveToken(token));
    }
    effects.extend(state.outbox.resend());
    effects
}

impl State {
    /// Whether a picture `ms` behind the server's clock is worth telling the
    /// server: the first time, and when it moved by [`BEHIND_STEP_MS`].
    pub fn behind_matters(&self, ms: u32) -> bool {
        self.picture_behind_ms
            .is_none_or(|told| told.abs_diff(ms) >= BEHIND_STEP_MS)
    }

    /// Whether the frame on screen moving to `to` changes what is shown: a
    /// tag, a deal start or, in a replay, an event of its log lies between.
    /// The player asks this every frame, so only those frames touch the store.
    pub fn playhead_matters(&self, to: Option<i64>) -> bool {
        self.picture.changes_at(to, &self.deals) || replay::changes_at(self, to)
    }

    /// Whether a tick would change anything: something on screen has a time
    /// limit (so an idle widget is not woken for nothing).
    pub fn expiring(&self) -> bool {
        self.gifting.expiring() || self.community.expiring()
    }

    /// A product of the catalogue by id.
    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    /// What the show offers at checkout (nothing before the first `Welcome`).
    pub fn payments(&self) -> lapak_protocol::Payments {
        self.show
            .as_ref()
            .map(|s| s.payments.clone())
            .unwrap_or_default()
    }

    /// Coins the shopper can spend now (see [`balance`]).
    pub fn balance(&self) -> u64 {
        balance(&self.gifting.wallet, &self.outbox)
    }

    /// Whether the order checkout placed came back `failed`: nothing was charged
    /// and the shopper can pay again.
    pub fn payment_failed(&self) -> bool {
        checkout::payment_failed(&self.checkout, &self.orders)
    }

    /// The deal on a product with units left, if one is running.
    pub fn deal(&self, product_id: &str) -> Option<&Deal> {
        self.deals
            .iter()
            .find(|d| d.product_id == product_id && d.remaining > 0)
    }

    /// What one more unit of a product costs this shopper now: the deal price
    /// while a deal has a unit left for them (the rule checkout applies).
    pub fn unit_price(&self, product: &Product) -> Money {
        let offers = pricing::offers(&self.deals, &self.cart.bought);
        Money {
            minor: pricing::unit_price(&product.id, product.price.minor, &offers),
            currency: product.price.currency.clone(),
        }
    }
}
