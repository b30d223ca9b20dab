//! Message catalogues: every string the shopper sees, in English and Indonesian.
//! A catalogue is a struct, so a missing translation is a compile error.

mod en;
mod id;

use crate::store::{Lang, NoticeKind};
use lapak_protocol::pricing::Beyond;
use lapak_protocol::replay::Highlight;
use lapak_protocol::{Activity, Field, LineNote, OrderStatus, PayMethod, Problem, RejectCode};

/// Every visible string. Functions take values already formatted for the locale.
pub struct Catalogue {
    /// Badge over a live stream.
    pub live: &'static str,
    // Missions, badges, the Fan Club and the LIVE Journey.
    /// Missions button and list heading.
    pub missions: &'static str,
    /// Missions button's accessible name: missions done of all.
    pub missions_button: fn(usize, usize) -> String,
    /// Missions sheet heading.
    pub missions_title: &'static str,
    /// What a mission asks: the activity and its target (seconds for watching).
    pub mission: fn(Activity, u32) -> String,
    /// Progress, "3/30".
    pub of: fn(u32, u32) -> String,
    /// A completed mission.
    pub mission_done: &'static str,
    /// Toast: a mission completed (its title).
    pub mission_complete: fn(&str) -> String,
    /// Reward: Fan Club points.
    pub points: fn(u32) -> String,
    /// Reward: a badge (its name).
    pub badge_reward: fn(&str) -> String,
    /// Share button.
    pub share: &'static str,
    /// Toast: the link is on the clipboard.
    pub link_copied: &'static str,
    /// Join a free club.
    pub join_club: &'static str,
    /// Join a gift club: gift name and its coins.
    pub join_with_gift: fn(&str, u32) -> String,
    /// Why join.
    pub club_pitch: &'static str,
    /// A member's level and points.
    pub club_level: fn(u32, u32) -> String,
    /// Points missing to the next level.
    pub points_to_next: fn(u32, u32) -> String,
    /// Accessible name of the level meter.
    pub club_progress: &'static str,
    /// LIVE Journey heading.
    pub journey: &'static str,
    /// The journey's steps: joined, liked, commented, joined the club, gifted, bought.
    pub journey_steps: [&'static str; 6],
    /// A step done, for screen readers.
    pub step_done: &'static str,
    /// A step not done yet.
    pub step_todo: &'static str,
    /// Badge collection heading.
    pub badges: &'static str,
    /// Under an earned badge.
    pub earned: &'static str,
    /// Before the viewer's name.
    pub you_appear_as: &'static str,
    /// Change the name.
    pub change_name: &'static str,
    /// The name field's label.
    pub your_name: &'static str,
    /// Save button.
    pub save: &'static str,
    /// The name was refused (not allowed or malformed).
    pub name_invalid: &'static str,
    /// Viewer count, e.g. "1,204 watching".
    pub watching: fn(&str) -> String,
    /// Accessible name of the video.
    pub video_label: fn(&str) -> String,
    /// Button that turns sound on.
    pub unmute: &'static str,
    /// Button that turns sound off.
    pub mute: &'static str,
    /// Shelf button.
    pub shelf: &'static str,
    /// Shelf heading.
    pub shelf_title: &'static str,
    /// The shelf button's name: its visible label, then how many products were shown.
    pub shelf_label: fn(usize) -> String,
    /// The shelf's heading before the show begins: what it will sell.
    pub shelf_coming_title: &'static str,
    /// The shelf button's name before the show begins, with how many products it will sell.
    pub shelf_coming_label: fn(usize) -> String,
    /// The landmark around the stream and everything over it.
    pub stage: &'static str,
    /// The shortcuts sheet's title.
    pub shortcuts_title: &'static str,
    /// What a keyboard shortcut does.
    pub shortcut: fn(crate::browser::keys::Shortcut) -> &'static str,
    /// What Escape does.
    pub shortcut_close: &'static str,
    /// While a sheet's code is fetched.
    pub sheet_loading: &'static str,
    /// A sheet's code could not be fetched.
    pub sheet_load_failed: &'static str,
    /// Fetch it again.
    pub try_again: &'static str,
    /// Said to a screen reader when the shopper's cart grows, with its items.
    pub added_to_cart: fn(&str) -> String,
    /// The audience since the last summary: new chat lines, new likes (either may be 0).
    pub audience_summary: fn(usize, u64) -> String,
    /// Shelf with nothing featured yet.
    pub shelf_empty: &'static str,
    /// Marks the product the host is showing now.
    pub showing_now: &'static str,
    /// Cart button.
    pub cart: &'static str,
    /// Cart heading.
    pub cart_title: &'static str,
    /// Empty cart.
    pub cart_empty: &'static str,
    /// Item count, e.g. "3 items".
    pub items: fn(u32) -> String,
    /// Subtotal label.
    pub subtotal: &'static str,
    /// Under the subtotal.
    pub subtotal_hint: &'static str,
    /// Quantity label.
    pub quantity: &'static str,
    /// Quantity + button.
    pub increase: &'static str,
    /// Quantity − button.
    pub decrease: &'static str,
    /// Remove a cart line.
    pub remove: &'static str,
    /// A line waiting for the server.
    pub saving: &'static str,
    /// Add button.
    pub add_to_cart: &'static str,
    /// Shelf quick-add, names the product for screen readers.
    pub add_named: fn(&str) -> String,
    /// Variant picker heading.
    pub choose_option: &'static str,
    /// A variant with no stock.
    pub sold_out: &'static str,
    /// Low stock, e.g. "Only 2 left".
    pub only_left: fn(u32) -> String,
    /// Close a panel.
    pub close: &'static str,
    /// Connection status: opening.
    pub connecting: &'static str,
    /// Connection status: connected.
    pub connected: &'static str,
    /// Connection status: waiting to retry, with seconds.
    pub reconnecting: fn(u32) -> String,
    /// Refusal: not enough stock (product name).
    pub out_of_stock: fn(&str) -> String,
    /// Refusal: over the per-order limit (product name).
    pub quantity_limit: fn(&str) -> String,
    /// Refusal: product gone.
    pub unknown_product: &'static str,
    /// Refusal: variant gone.
    pub unknown_variant: &'static str,
    /// Refusal: too many commands too fast.
    pub rate_limited: &'static str,
    /// Refusal: anything else.
    pub failed: &'static str,
    /// Too many commands waiting for the server's answer (offline, or a slow connection).
    pub outbox_full: &'static str,
    /// Connection status: connected again after an outage.
    pub back_live: &'static str,
    // The picture's states.
    /// Over the poster before the host goes live.
    pub starts_soon: &'static str,
    /// A show more than an hour from its start.
    pub coming_up: &'static str,
    /// Adds a show that has not begun to the shopper's calendar.
    pub remind_me: &'static str,
    /// When a scheduled show begins: "Starts {date and time}".
    pub starts_at: fn(&str) -> String,
    /// Over the picture while the host's encoder is away.
    pub right_back: &'static str,
    /// Over the picture once the show is over.
    pub show_ended: &'static str,
    /// Opens the ended show's replay, in place.
    pub watch_replay: &'static str,
    /// After the show, a link to the brand's shop.
    pub visit_shop: &'static str,
    /// Under "the show has ended": what still works.
    pub ended_hint: &'static str,
    /// How far the picture is behind live (seconds, formatted).
    pub behind_live: fn(&str) -> String,
    /// Button: jump to the live picture.
    pub go_live: &'static str,
    /// Button: the widget fullscreen (pressed while it is).
    pub fullscreen: &'static str,
    /// Button: captions shown (pressed while they are).
    pub captions: &'static str,
    /// The picture is loading.
    pub buffering: &'static str,
    /// The picture cannot play in this browser or failed.
    pub cannot_play: &'static str,
    /// Button: reconnect now instead of waiting.
    pub retry_now: &'static str,

    // Replays.
    /// Badge over a replayed show, where LIVE would be.
    pub replay: &'static str,
    /// Accessible name of the seek bar.
    pub replay_position: &'static str,
    /// Where the seek bar is, for screen readers: elapsed and total, "12:30 of 45:00".
    pub position_of: fn(&str, &str) -> String,
    /// A chapter's button: seeks to where the product was first shown.
    pub see_in_show: &'static str,
    /// Its accessible name: the product's name and the time it was shown.
    pub see_named_in_show: fn(&str, &str) -> String,
    /// Heading of the top moments.
    pub top_moments: &'static str,
    /// What made a top moment.
    pub highlight: fn(Highlight) -> &'static str,
    /// A top moment's accessible name: what and when.
    /// A top moment named by the flash deal that started in it (the product's name).
    pub moment_deal: fn(&str) -> String,
    /// A top moment named by the gift that brought the most coins in it (its name).
    pub moment_gift: fn(&str) -> String,
    pub moment_at: fn(&str, &str) -> String,
    /// Copies a link to the moment on screen.
    pub share_moment: &'static str,
    /// A flash deal the replay shows, over now: no price, no countdown.
    pub past_deal: &'static str,
    /// A mission only live viewers can do (likes, chat), in a replay.
    pub live_only: &'static str,
    /// The replay's log could not be loaded.
    pub replay_unavailable: &'static str,
    /// The show's likes (formatted), where the like button would be.
    pub likes_count: fn(&str) -> String,
    /// Seek bar marker: a product shown (its name).
    pub marker_tag: fn(&str) -> String,
    /// Seek bar marker: a flash deal started (the product's name).
    pub marker_deal: fn(&str) -> String,
    /// Seek bar marker: a large gift sent (the gift's name).
    pub marker_gift: fn(&str) -> String,

    /// Flash deal flag.
    pub flash_deal: &'static str,
    /// Deal countdown, e.g. "Ends in 1:30".
    pub deal_ends_in: fn(&str) -> String,
    /// Units left at the deal price.
    pub deal_left: fn(u32) -> String,
    /// A running deal whose per-shopper limit this shopper has used up: more units are at the regular price.
    pub deal_limit_reached: fn(u32) -> String,
    /// Accessible name of a struck-through regular price.
    pub regular_price: &'static str,

    /// Cart button to checkout; checkout heading.
    pub checkout: &'static str,
    /// While the server re-prices the cart.
    pub quoting: &'static str,
    /// Heading over the lines.
    pub review_title: &'static str,
    /// Over the lines when some changed.
    pub changed_title: &'static str,
    /// A line's price went up (old price).
    pub price_up: fn(&str) -> String,
    /// A line's price went down (old price).
    pub price_down: fn(&str) -> String,
    /// The line's flash deal ended (old price).
    pub deal_ended: fn(&str) -> String,
    /// The deal price applies to this many units per shopper.
    pub deal_limit: fn(u32) -> String,
    /// The deal's units are gone.
    pub deal_sold_out: &'static str,
    /// A line split by a deal: units at the deal price, units at the regular price (prices formatted).
    pub price_split: fn(u32, &str, u32, &str) -> String,
    /// Fewer units in stock than in the line.
    pub short_stock: fn(u32) -> String,
    /// Button: set the line to what is in stock.
    pub use_available: fn(u32) -> String,
    /// Contact section.
    pub contact_title: &'static str,
    /// Address section.
    pub address_title: &'static str,
    /// Delivery section.
    pub delivery_title: &'static str,
    /// Delivery time, e.g. "2–4 days".
    pub days: fn(u32, u32) -> String,
    /// A zero price.
    pub free: &'static str,
    /// Payment section.
    pub payment_title: &'static str,
    /// How to pay in test mode.
    pub test_mode_hint: &'static str,
    /// What happens to the card.
    pub card_note: &'static str,
    /// The card provider's fields could not load on this page (offline, or the page blocks them).
    pub card_fields_unavailable: &'static str,
    /// Summary: deal savings.
    pub discount: &'static str,
    /// Summary: shipping.
    pub shipping: &'static str,
    /// Summary: total.
    pub total: &'static str,
    /// Pay button with the total.
    pub pay: fn(&str) -> String,
    /// While paying.
    pub paying: &'static str,
    /// Form labels: name, email, phone, street, city, postal code, card number, expiry, CVC.
    pub field_labels: [&'static str; 10],
    /// Field problems: required, too long, expired.
    pub problem_required: &'static str,
    /// Too long.
    pub problem_too_long: &'static str,
    /// Expired card.
    pub problem_expired: &'static str,
    /// Invalid, per field in `field_labels` order.
    pub problem_invalid: [&'static str; 10],
    /// Checkout refusals.
    pub check_fields: &'static str,
    /// Prices changed under the shopper.
    pub prices_changed: &'static str,
    /// The cart changed under the shopper.
    pub cart_changed: &'static str,
    /// Some items sold out meanwhile.
    pub sold_out_meanwhile: &'static str,
    /// The card was declined.
    pub payment_declined: &'static str,
    /// The payment did not go through (the order failed): nothing was charged.
    pub payment_failed: &'static str,
    /// Under it: the cart and the details are kept.
    pub payment_failed_hint: &'static str,
    /// Pays again, under a new order.
    pub pay_again: &'static str,
    /// Confirmation heading.
    pub order_confirmed: &'static str,
    /// Confirmation heading while the payment is being confirmed.
    pub confirming_payment: &'static str,
    /// Under it.
    pub confirming_hint: &'static str,
    /// An order's number, e.g. "Order LPK-000042".
    pub order_number: fn(&str) -> String,
    /// How it was paid (last four digits).
    pub paid_with: fn(&str) -> String,
    /// Back to the stream.
    pub keep_watching: &'static str,
    /// Orders button.
    pub orders: &'static str,
    /// Orders heading.
    pub orders_title: &'static str,
    /// No orders yet.
    pub orders_empty: &'static str,
    /// Order status: paid, pending, failed.
    pub status_paid: &'static str,
    /// Pending.
    pub status_pending: &'static str,
    /// Failed.
    pub status_failed: &'static str,
    /// An order waiting for the shopper to pay in an app or at a bank.
    pub status_awaiting: &'static str,
    /// An order whose payment request expired unpaid.
    pub status_expired: &'static str,
    /// An order paid to the courier.
    pub status_on_delivery: &'static str,
    /// An order the brand cancelled before it was paid.
    pub status_cancelled: &'static str,
    /// An order refunded in full.
    pub status_refunded: &'static str,
    /// A cash-on-delivery order returned unpaid.
    pub status_returned: &'static str,

    // Paying by a method, and an order that waits for its payment.
    /// The method picker's legend.
    pub method_title: &'static str,
    /// A card.
    pub method_card: &'static str,
    /// Beside the demo card: no real money moves.
    pub test_mode: &'static str,
    /// QRIS.
    pub method_qris: &'static str,
    /// A bank's virtual account (its name).
    pub method_va: fn(&str) -> String,
    /// Cash on delivery.
    pub method_cod: &'static str,
    /// What happens after paying by QRIS.
    pub qris_hint: &'static str,
    /// What happens after paying by an e-wallet (its name).
    pub ewallet_hint: fn(&str) -> String,
    /// What happens after paying by OVO (a push to the number typed).
    pub push_hint: fn(&str) -> String,
    /// What happens after paying by a virtual account (the bank's name).
    pub va_hint: fn(&str) -> String,
    /// What happens with cash on delivery.
    pub cod_hint: &'static str,
    /// The show offers no way to pay.
    pub no_methods: &'static str,
    /// The pay button for QRIS.
    pub get_qris: &'static str,
    /// The pay button for an e-wallet: total, wallet.
    pub pay_with: fn(&str, &str) -> String,
    /// The pay button for a virtual account (the bank's name).
    pub get_va: fn(&str) -> String,
    /// The pay button for cash on delivery.
    pub place_cod: &'static str,
    /// The waiting payment's heading.
    pub awaiting_title: &'static str,
    /// Label of the amount to pay.
    pub amount_due: &'static str,
    /// The countdown, `m:ss`.
    pub pay_within: fn(&str) -> String,
    /// The countdown for screen readers, in whole minutes.
    pub minutes_to_pay: fn(i64) -> String,
    /// The countdown reached zero before the payment was heard of.
    pub time_up: &'static str,
    /// The QR code's text alternative: the amount.
    pub qr_label: fn(&str) -> String,
    /// How to pay by QRIS.
    pub qr_steps: [&'static str; 3],
    /// A virtual account number's label (the bank's name).
    pub va_number: fn(&str) -> String,
    /// Copy button.
    pub copy: &'static str,
    /// Copy button's accessible name (what it copies).
    pub copy_number: &'static str,
    /// After copying.
    pub copied: &'static str,
    /// How to pay by transfer.
    pub va_steps: [&'static str; 3],
    /// The link to the wallet (its name).
    pub open_wallet: fn(&str) -> String,
    /// Under the wallet link.
    pub open_hint: &'static str,
    /// A push to approve: wallet, phone number.
    pub approve_in_app: fn(&str, &str) -> String,
    /// Cash on delivery: the amount.
    pub pay_courier: fn(&str) -> String,
    /// Cash on delivery, confirmed.
    pub on_delivery_confirmed: &'static str,
    /// The payment request expired.
    pub payment_expired: &'static str,
    /// What an expired payment means.
    pub payment_expired_hint: &'static str,
    /// Under a confirmed payment.
    pub paid_hint: &'static str,
    /// Reopens a waiting order's payment.
    pub pay_now: &'static str,
    /// Back from a payment to the orders.
    pub back_to_orders: &'static str,
    /// Said when an order's status changes: number, status.
    pub order_now: fn(&str, &str) -> String,

    /// Gifts button; gift panel heading.
    pub gifts: &'static str,
    /// An amount of coins, already formatted, e.g. "1,200 coins".
    pub coins: fn(&str) -> String,
    /// Accessible name of the wallet chip (coins, formatted).
    pub wallet_label: fn(&str) -> String,
    /// Button to buy coins; top-up heading.
    pub get_coins: &'static str,
    /// Accessible name of a gift button: gift name, coins formatted.
    pub send_gift: fn(&str, &str) -> String,
    /// Combo counter, announced: "Combo x3".
    pub combo: fn(u32) -> String,
    /// Lane: what someone sent (gift name).
    pub sent: fn(&str) -> String,
    /// Lane: the shopper's own name.
    pub you: &'static str,
    /// Lane summary when it is full: "+38 gifts".
    pub more_gifts: fn(&str) -> String,
    /// Leaderboard heading.
    pub top_gifters: &'static str,
    /// Empty leaderboard.
    pub no_gifters: &'static str,
    /// Gift refused: not enough coins (gift name optional).
    pub not_enough_coins: &'static str,
    /// How to pay for coins.
    pub top_up_hint: &'static str,
    /// Coins credited (formatted count).
    pub coins_added: fn(&str) -> String,
    /// The provider has not answered the top-up yet.
    pub top_up_pending: &'static str,
    /// Back from the top-up to the gifts.
    pub back_to_gifts: &'static str,

    // Chat and likes.
    /// Accessible name of the chat.
    pub chat: &'static str,
    /// Marks the host's pinned message, for screen readers.
    pub pinned: &'static str,
    /// The chat field's label.
    pub chat_label: &'static str,
    /// The chat field's placeholder.
    pub say_something: &'static str,
    /// Send a chat line.
    pub send: &'static str,
    /// Jumps to the newest lines: how many arrived since the viewer scrolled up.
    pub new_messages: fn(usize) -> String,
    /// Chat event: someone joined the Fan Club (its name).
    pub joined_club: fn(&str) -> String,
    /// Chat event: someone reached a Fan Club level.
    pub level_up: fn(u32) -> String,
    /// The Fan Club, when the show names none.
    pub fan_club: &'static str,
    /// Accessible name of a member's pill: club name and level.
    pub club_member: fn(&str, u32) -> String,
    /// A chat line refused for coming too fast.
    pub chat_too_fast: &'static str,
    /// A moderator muted the viewer for a while.
    pub chat_muted: &'static str,
    /// A moderator banned the viewer from the show's chat.
    pub chat_banned: &'static str,
    /// The chat field's hint while slow mode is on (seconds between lines).
    pub slow_mode: fn(u32) -> String,
    /// A chat line refused as malformed.
    pub chat_invalid: &'static str,
    /// Like button.
    pub like: &'static str,
    /// Like button's accessible name with the show's likes (formatted).
    pub like_label: fn(&str) -> String,
    // Coupons.
    /// Checkout's coupon section and the summary's coupon line.
    pub coupon: &'static str,
    /// The picker's choice of none.
    pub no_coupon: &'static str,
    /// The field for a host's code.
    pub coupon_code: &'static str,
    /// Applies the typed code.
    pub apply: &'static str,
    /// What a coupon takes off: a percentage.
    pub percent_off: fn(u32) -> String,
    /// What a coupon takes off: an amount (formatted).
    pub amount_off: fn(&str) -> String,
    /// A coupon's minimum spend (formatted).
    pub min_spend: fn(&str) -> String,
    /// Until when a coupon can be used (formatted).
    pub coupon_until: fn(&str) -> String,
    /// A coupon an order used.
    pub coupon_used: &'static str,
    /// A mission's reward: a coupon (its terms).
    pub coupon_reward: fn(&str) -> String,
    /// The wallet's coupons, in the missions sheet.
    pub your_coupons: &'static str,
    /// No such code, or not in the wallet.
    pub coupon_unknown: &'static str,
    /// The coupon was used by an order.
    pub coupon_used_up: &'static str,
    /// The coupon has expired.
    pub coupon_expired: &'static str,
    /// The cart is below the coupon's minimum spend.
    pub coupon_min_spend: &'static str,
    /// Every claim of the code is taken.
    pub coupon_all_claimed: &'static str,
}

impl Catalogue {
    /// The catalogue for a language.
    pub fn get(lang: Lang) -> &'static Catalogue {
        match lang {
            Lang::En => &en::EN,
            Lang::Id => &id::ID,
        }
    }

    /// A notice for the shopper (`product` names the product concerned).
    pub fn notice(&self, kind: NoticeKind, product: &str) -> String {
        match kind {
            NoticeKind::Refused(code) => self.reject_reason(code, product),
            NoticeKind::OutboxFull => self.outbox_full.to_owned(),
            NoticeKind::ReplayUnavailable => self.replay_unavailable.to_owned(),
        }
    }

    /// Why a command was refused.
    fn reject_reason(&self, code: RejectCode, product: &str) -> String {
        match code {
            RejectCode::OutOfStock => (self.out_of_stock)(product),
            RejectCode::QuantityLimit => (self.quantity_limit)(product),
            RejectCode::UnknownProduct => self.unknown_product.to_owned(),
            RejectCode::UnknownVariant => self.unknown_variant.to_owned(),
            RejectCode::RateLimited => self.rate_limited.to_owned(),
            _ => self.failed.to_owned(),
        }
    }
}

impl Catalogue {
    /// A form field's label.
    pub fn label(&self, field: Field) -> &'static str {
        self.field_labels[field_index(field)]
    }

    /// What the shopper must fix in a field.
    pub fn problem(&self, field: Field, problem: Problem) -> &'static str {
        match problem {
            Problem::Required => self.problem_required,
            Problem::TooLong => self.problem_too_long,
            Problem::Expired => self.problem_expired,
            Problem::Invalid => self.problem_invalid[field_index(field)],
        }
    }

    /// Why units of a line on deal are at the regular price.
    pub fn beyond(&self, beyond: Beyond) -> String {
        match beyond {
            Beyond::Limit { per_buyer } => (self.deal_limit)(per_buyer),
            Beyond::SoldOut => self.deal_sold_out.to_owned(),
        }
    }

    /// What changed about a cart line (`was` is its old price, formatted).
    pub fn line_note(&self, note: LineNote, was: &str, available: u32) -> String {
        match note {
            LineNote::PriceUp => (self.price_up)(was),
            LineNote::PriceDown => (self.price_down)(was),
            LineNote::DealEnded => (self.deal_ended)(was),
            LineNote::DealLimit { per_buyer } => (self.deal_limit)(per_buyer),
            LineNote::DealSoldOut => self.deal_sold_out.to_owned(),
            LineNote::ShortStock => (self.short_stock)(available),
        }
    }

    /// Why a coupon cannot be used.
    pub fn coupon_refusal(&self, code: RejectCode) -> &'static str {
        match code {
            RejectCode::CouponUsed => self.coupon_used_up,
            RejectCode::CouponExpired => self.coupon_expired,
            RejectCode::CouponMinSpend => self.coupon_min_spend,
            RejectCode::CouponAllClaimed => self.coupon_all_claimed,
            RejectCode::RateLimited => self.rate_limited,
            _ => self.coupon_unknown,
        }
    }

    /// Why checkout could not go ahead.
    pub fn checkout_refusal(&self, code: RejectCode) -> &'static str {
        match code {
            code if crate::store::is_coupon_refusal(code) => self.coupon_refusal(code),
            RejectCode::PriceChanged => self.prices_changed,
            RejectCode::CartChanged | RejectCode::EmptyCart => self.cart_changed,
            RejectCode::OutOfStock => self.sold_out_meanwhile,
            RejectCode::PaymentDeclined => self.payment_declined,
            RejectCode::InvalidDetails | RejectCode::UnknownShipping => self.check_fields,
            RejectCode::RateLimited => self.rate_limited,
            _ => self.failed,
        }
    }

    /// Why a new name was refused.
    pub fn name_refusal(&self, code: RejectCode) -> &'static str {
        match code {
            RejectCode::InvalidDetails => self.name_invalid,
            RejectCode::RateLimited => self.rate_limited,
            _ => self.failed,
        }
    }

    /// Why a chat line was refused.
    pub fn chat_refusal(&self, code: RejectCode) -> &'static str {
        match code {
            RejectCode::RateLimited => self.chat_too_fast,
            RejectCode::InvalidDetails => self.chat_invalid,
            RejectCode::Muted => self.chat_muted,
            RejectCode::Banned => self.chat_banned,
            _ => self.failed,
        }
    }

    /// Why a gift or top-up was refused.
    pub fn gift_refusal(&self, code: RejectCode) -> &'static str {
        match code {
            RejectCode::InsufficientCoins => self.not_enough_coins,
            RejectCode::PriceChanged | RejectCode::UnknownGift | RejectCode::UnknownPack => {
                self.prices_changed
            }
            code => self.checkout_refusal(code),
        }
    }

    /// A payment method's name as the picker and the orders show it.
    pub fn method_name(&self, method: &PayMethod) -> String {
        match method {
            PayMethod::Card => self.method_card.to_owned(),
            PayMethod::Qris => self.method_qris.to_owned(),
            PayMethod::Ewallet { wallet, .. } => wallet.name().to_owned(),
            PayMethod::VirtualAccount { bank } => (self.method_va)(bank.name()),
            PayMethod::CashOnDelivery => self.method_cod.to_owned(),
        }
    }

    /// The pay button's words for `method`, with the total formatted.
    pub fn pay_button(&self, method: &PayMethod, total: &str) -> String {
        match method {
            PayMethod::Card => (self.pay)(total),
            PayMethod::Qris => self.get_qris.to_owned(),
            PayMethod::Ewallet { wallet, .. } => (self.pay_with)(total, wallet.name()),
            PayMethod::VirtualAccount { bank } => (self.get_va)(bank.name()),
            PayMethod::CashOnDelivery => self.place_cod.to_owned(),
        }
    }

    /// An order's status.
    pub fn status(&self, status: OrderStatus) -> &'static str {
        match status {
            OrderStatus::Paid => self.status_paid,
            OrderStatus::PaymentPending => self.status_pending,
            OrderStatus::Failed => self.status_failed,
            OrderStatus::AwaitingPayment => self.status_awaiting,
            OrderStatus::Expired => self.status_expired,
            OrderStatus::PayOnDelivery => self.status_on_delivery,
            OrderStatus::Cancelled => self.status_cancelled,
            OrderStatus::Refunded => self.status_refunded,
            OrderStatus::Returned => self.status_returned,
        }
    }
}

fn field_index(field: Field) -> usize {
    match field {
        Field::Name => 0,
        Field::Email => 1,
        Field::Phone => 2,
        Field::Street => 3,
        Field::City => 4,
        Field::PostalCode => 5,
        Field::CardNumber => 6,
        Field::Expiry => 7,
        Field::Cvc => 8,
        Field::WalletPhone => 9,
    }
}

/// The widget's catalogue, in context for every view under it.
#[derive(Clone, Copy)]
struct InContext(&'static Catalogue);

/// Puts the catalogue for `lang` in context, for the views built under the
/// current owner (the widget). The language is fixed for the page's life.
pub fn provide(lang: Lang) {
    leptos::prelude::provide_context(InContext(Catalogue::get(lang)));
}

/// The widget's catalogue (see [`provide`]). Views read it once, when they are
/// built: it needs the reactive owner they are built under.
pub fn text() -> &'static Catalogue {
    leptos::prelude::expect_context::<InContext>().0
}

#[cfg(test)]
mod tests {
    use lapak_protocol::RejectCode;

    use super::{en::EN, id::ID};

    #[test]
    fn a_banned_viewer_is_told_banned_not_muted_in_english_and_indonesian() {
        assert!(EN.chat_refusal(RejectCode::Banned).contains("banned"));
        assert!(ID.chat_refusal(RejectCode::Banned).contains("memblokir"));
        for catalogue in [&EN, &ID] {
            assert_ne!(
                catalogue.chat_refusal(RejectCode::Banned),
                catalogue.chat_refusal(RejectCode::Muted)
            );
        }
        assert!(EN.chat_refusal(RejectCode::Muted).contains("muted"));
    }
}
