//! The chat lines. The list follows the newest line while the viewer is at the
//! bottom; once they scroll up it holds still, counts what arrives and offers to
//! jump back down (their own line jumps by itself). Where the viewer has
//! scrolled is this view's business, not the store's.
use lapak_protocol::{ChatEvent, ChatMessage, Viewer};
use leptos::html::Div;
use leptos::prelude::*;
use reactive_stores::{Field, Store};

use crate::browser::scroll;
use crate::features::icons::DownIcon;
use crate::features::viewer_name::ViewerName;
use crate::i18n::{self, Catalogue};
use crate::store::{Community, CommunityStoreFields, GiftingStoreFields, State, StateStoreFields};

/// How close to the end (in px) still counts as "at the bottom".
const BOTTOM_SLACK: i32 = 8;

/// One line as shown: what a viewer said, or what the server says about them.
#[derive(Clone)]
struct Line {
    id: u64,
    from: Viewer,
    said: String,
    event: bool,
}

impl Line {
    /// `None` for an event this viewer does not know (not shown).
    fn new(text: &Catalogue, club: &str, message: ChatMessage) -> Option<Line> {
        let (said, event) = match message.event {
            None => (message.text, false),
            Some(ChatEvent::JoinedClub) => ((text.joined_club)(club), true),
            Some(ChatEvent::LevelUp { level }) => ((text.level_up)(level), true),
            Some(ChatEvent::Unknown) => return None,
        };
        Some(Line {
            id: message.id,
            from: message.from,
            said,
            event,
        })
    }
}

/// The lines, oldest on top, and the "new messages" button.
#[component]
pub fn ChatLog(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let community = state.community();
    let chat = community.chat();
    // While the viewer reads older lines, the list on screen is held still: new
    // lines are counted instead, and old ones are not cut from above their eyes.
    let held = RwSignal::new(None::<Vec<ChatMessage>>);
    let lines = move || {
        let club = community.club().read();
        let club = club.as_ref().map_or(text.fan_club, |c| c.name.as_str());
        let messages = held.get().unwrap_or_else(|| chat.get());
        messages
            .into_iter()
            .filter_map(|m| Line::new(text, club, m))
            .collect::<Vec<_>>()
    };
    let you = move || {
        state
            .gifting()
            .you()
            .read_untracked()
            .as_ref()
            .map(|v| v.id)
    };
    let list = NodeRef::<Div>::new();
    let following = RwSignal::new(true);
    let unseen = RwSignal::new(0usize);
    // The last line seen: lines arrive in order after it. Not the highest id, since
    // the viewer's own line shows on its Ack, before lines the server numbered earlier.
    let tail = StoredValue::new(None::<u64>);
    let follow = move |on: bool| {
        if following.get_untracked() == on {
            return;
        }
        following.set(on);
        if on {
            held.set(None);
            unseen.set(0);
            scroll::to_end_next_frame(list);
        } else {
            held.set(Some(chat.get_untracked()));
        }
    };
    Effect::new(move |_| {
        let (arrived, mine) = chat.with(|c| {
            let seen = tail
                .get_value()
                .and_then(|id| c.iter().rposition(|m| m.id == id))
                .map_or(0, |at| at + 1);
            tail.set_value(c.last().map(|m| m.id));
            let new = &c[seen..];
            let you = you();
            (new.len(), new.iter().any(|m| Some(m.from.id) == you))
        });
        if following.get_untracked() {
            scroll::to_end_next_frame(list);
        } else if mine {
            // Their own line brings the viewer back to the newest.
            follow(true);
        } else {
            unseen.update(|n| *n += arrived);
        }
    });
    let scrolled = move |_| follow(scroll::at_end(list, BOTTOM_SLACK));
    let jump = move |_| {
        follow(true);
        // The button goes away: keyboard focus lands on the lines it showed, not the page.
        scroll::focus(list);
    };
    // One handle for every line's name, made once, not once per line.
    let community: Field<Community> = state.community().into();
    // role=log without live announcements: a busy chat would drown a screen reader.
    view! {
        <div
            class="lapak-chat-log"
            role="log"
            aria-live="off"
            aria-label=text.chat
            tabindex="0"
            data-testid="chat-log"
            node_ref=list
            on:scroll=scrolled
        >
            <For each=lines key=|line| line.id children=move |line| {
                // One class attribute, set once: a busy chat builds hundreds of lines a second.
                let class = match (line.event, you() == Some(line.from.id)) {
                    (true, true) => "lapak-chat-line is-event is-mine",
                    (true, false) => "lapak-chat-line is-event",
                    (false, true) => "lapak-chat-line is-mine",
                    (false, false) => "lapak-chat-line",
                };
                view! {
                    <p class=class data-testid="chat-line">
                        <ViewerName community viewer=line.from/>
                        " "
                        {line.said}
                    </p>
                }
            }/>
        </div>
        <Show when=move || !following.get() && unseen.get() != 0>
            <button class="lapak-chat-more" data-testid="chat-new-messages" on:click=jump>
                <DownIcon/>
                {move || (text.new_messages)(unseen.get())}
            </button>
        </Show>
    }
}
