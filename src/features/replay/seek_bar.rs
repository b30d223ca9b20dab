//! The seek bar: a native range input over the replay's seconds (keyboard,
//! touch and screen readers come with it), with ticks where products were
//! shown, flash deals started and large gifts arrived.
use lapak_protocol::replay::MarkerKind;
use leptos::ev::Event;
use leptos::prelude::*;
use reactive_stores::Store;

use super::window;
use crate::actions::Actions;
use crate::features::clock_text;
use crate::i18n;
use crate::store::{GiftingStoreFields, ReplayStoreFields, State, StateStoreFields};

/// The bar. It moves the picture when let go (or at each key press), not
/// at every pixel of a drag: one seek, not a hundred.
#[component]
pub fn SeekBar(
    /// The whole state.
    state: Store<State>,
    /// Seconds from the replay's start the bar shows.
    elapsed_s: Memo<Option<i64>>,
) -> impl IntoView {
    let text = i18n::text();
    let actions = expect_context::<Actions>();
    let window = window(state);
    // Seconds the thumb is dragged to, while it is: it follows the finger, not the picture.
    let dragged = RwSignal::new(None::<i64>);
    let total = Memo::new(move |_| {
        window
            .get()
            .map_or(0, |(starts, ends)| (ends - starts) / 1000)
    });
    let value = Memo::new(move |_| dragged.get().or(elapsed_s.get()).unwrap_or(0));
    let value_text = move || (text.position_of)(&clock_text(value.get()), &clock_text(total.get()));
    let seconds = |ev: &Event| event_target_value(ev).parse::<i64>().ok();
    let seek = move |ev: Event| {
        dragged.set(None);
        if let (Some(s), Some((starts, _))) = (seconds(&ev), window.get_untracked()) {
            actions.seek(starts + s * 1000);
        }
    };
    // `max` before the value: a value set first is clamped to the default maximum of 100.
    view! {
        <div class="lapak-seek">
            <Markers state/>
            <input
                class="lapak-seek-input"
                data-testid="seek-bar"
                type="range"
                min="0"
                max=move || total.get().to_string()
                step="1"
                prop:value=move || value.get().to_string()
                aria-label=text.replay_position
                aria-valuetext=value_text
                on:input=move |ev| dragged.set(seconds(&ev))
                on:change=seek
            />
        </div>
    }
}

/// A tick on the bar.
#[derive(Clone, Debug, PartialEq)]
struct Mark {
    /// Which marker of the log it is: its time, kind and subject, and how many
    /// alike came before it at that time (two large gifts in one millisecond).
    key: (i64, &'static str, String, u32),
    /// Where, in basis points of the bar.
    at_bp: i64,
    /// `tag`, `deal` or `gift`, for the stylesheet.
    kind: &'static str,
    /// What happened, for a pointer's hover.
    title: String,
}

/// The ticks: shown to the eye, hidden from screen readers and the keyboard,
/// which have the chapters on the shelf instead.
#[component]
fn Markers(state: Store<State>) -> impl IntoView {
    let text = i18n::text();
    let window = window(state);
    let marks = Memo::new(move |_| {
        let Some((starts, ends)) = window.get() else {
            return Vec::new();
        };
        let log = state.replay().log().read();
        let Some(index) = log.index() else {
            return Vec::new();
        };
        let products = state.products().read();
        let product = |id: &str| {
            let found = products.iter().find(|p| p.id == id);
            found.map_or_else(|| id.to_owned(), |p| p.name.clone())
        };
        let gifts = state.gifting().catalogue().read();
        let gift = |id: &str| {
            let found = gifts.iter().find(|g| g.id == id);
            found.map_or_else(|| id.to_owned(), |g| g.name.clone())
        };
        let span = (ends - starts).max(1);
        let mut marks: Vec<Mark> = Vec::with_capacity(index.markers.len());
        for marker in &index.markers {
            let (kind, subject, title) = match &marker.kind {
                MarkerKind::Tag(id) => ("tag", id, (text.marker_tag)(&product(id))),
                MarkerKind::Deal(id) => ("deal", id, (text.marker_deal)(&product(id))),
                MarkerKind::Gift(id) => ("gift", id, (text.marker_gift)(&gift(id))),
            };
            let mut key = (marker.at, kind, subject.clone(), 0);
            // Markers are in time order: an alike one at the same time is just before.
            while marks
                .iter()
                .rev()
                .take_while(|m| m.key.0 == marker.at)
                .any(|m| m.key == key)
            {
                key.3 += 1;
            }
            let at_bp = ((marker.at - starts) * 10_000 / span).clamp(0, 10_000);
            marks.push(Mark {
                key,
                at_bp,
                kind,
                title,
            });
        }
        marks
    });
    // The tick's place set as a property, not a `style` attribute, which a
    // strict CSP (`style-src 'self'`) blocks.
    view! {
        <div class="lapak-seek-marks" aria-hidden="true">
            // Keyed by marker: names or the window changing move and retitle a tick in place.
            <For
                each=move || marks.get()
                key=|mark| mark.key.clone()
                children=move |mark| {
                    let key = mark.key;
                    let now = Memo::new(move |_| {
                        marks.read().iter().find(|m| m.key == key).map(|m| (m.at_bp, m.title.clone()))
                    });
                    let at_bp = move || now.read().as_ref().map(|(at_bp, _)| at_bp.to_string());
                    let title = move || now.read().as_ref().map(|(_, title)| title.clone());
                    view! {
                        <span class="lapak-seek-mark" data-kind=mark.kind title=title style:--at=at_bp></span>
                    }
                }
            />
        </div>
    }
}
