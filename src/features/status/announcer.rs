//! One polite voice for screen readers. The shopper's own cart changes and
//! an order's new status (a payment made in another app settling, from any
//! tab of the session) are said at once; the audience (chat lines, likes) only as one summary at most
//! every [`SUMMARY_EVERY_MS`], because a busy show said line by line would
//! drown everything else a screen reader has to say.
use lapak_protocol::{ChatMessage, OrderStatus};
use leptos::prelude::*;
use reactive_stores::Store;

use crate::i18n;
use crate::store::{CartView, CommunityStoreFields, State, StateStoreFields};

/// The shortest time between two audience summaries.
pub const SUMMARY_EVERY_MS: i64 = 10_000;

/// Where the last summary left off: the newest chat line then and the likes then.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Heard {
    /// The id of the newest chat line summarised.
    pub chat_id: u64,
    /// The show's likes then.
    pub likes: u64,
}

impl Heard {
    /// Where the audience stands now.
    pub fn now(chat: &[ChatMessage], likes: u64) -> Self {
        Heard {
            chat_id: chat.last().map_or(0, |m| m.id),
            likes,
        }
    }

    /// New chat lines and new likes since `self`.
    pub fn since(self, chat: &[ChatMessage], likes: u64) -> (usize, u64) {
        let lines = chat.iter().filter(|m| m.id > self.chat_id).count();
        (lines, likes.saturating_sub(self.likes))
    }
}

/// The live region. `device` is the ticking device clock, `cart` the cart as shown.
#[component]
pub fn Announcer(
    /// The whole state.
    state: Store<State>,
    /// The cart as shown.
    cart: Memo<CartView>,
    /// The device clock (Unix ms), ticking.
    device: ReadSignal<i64>,
) -> impl IntoView {
    let text = i18n::text();
    let said = RwSignal::new(String::new());
    Effect::new(move |before: Option<u32>| {
        let count = cart.with(CartView::count);
        if before.is_some_and(|b| count > b) {
            said.set((text.added_to_cart)(&(text.items)(count)));
        }
        count
    });
    let orders = state.orders();
    Effect::new(move |before: Option<Vec<(String, OrderStatus)>>| {
        let now: Vec<_> = orders
            .read()
            .iter()
            .map(|o| (o.number.clone(), o.status))
            .collect();
        let changed = now.iter().find(|(number, status)| {
            before
                .iter()
                .flatten()
                .any(|(n, s)| n == number && s != status)
        });
        if let Some((number, status)) = changed {
            said.set((text.order_now)(number, text.status(*status)));
        }
        now
    });
    let community = state.community();
    Effect::new(move |last: Option<(Heard, i64)>| {
        let now = device.get();
        if let Some((heard, at)) = last.filter(|(_, at)| now - at < SUMMARY_EVERY_MS) {
            return (heard, at);
        }
        let chat = community.chat().read_untracked();
        let likes = community.likes().get_untracked();
        match last {
            Some((heard, _)) => {
                let (lines, new_likes) = heard.since(&chat, likes);
                if lines > 0 || new_likes > 0 {
                    said.set((text.audience_summary)(lines, new_likes));
                }
                (Heard::now(&chat, likes), now)
            }
            None => (Heard::now(&chat, likes), now),
        }
    });
    view! {
        <div class="lapak-visually-hidden" role="status" aria-live="polite" data-testid="announcer">{said}</div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapak_protocol::Viewer;

    fn line(id: u64) -> ChatMessage {
        ChatMessage {
            id,
            from: Viewer::default(),
            text: "hi".into(),
            event: None,
        }
    }

    #[test]
    fn a_summary_counts_only_the_lines_and_likes_after_the_last_one() {
        let chat: Vec<_> = (1..=5).map(line).collect();
        let heard = Heard::now(&chat[..2], 40);
        assert_eq!(heard.since(&chat, 52), (3, 12));
        assert_eq!(Heard::now(&chat, 52).since(&chat, 52), (0, 0));
        // Lines older than the summary that scrolled out change nothing.
        assert_eq!(heard.since(&chat[3..], 40), (2, 0));
    }
}
