//! The open show's changes as the server tells them (`GET
//! /api/v1/shows/{show}/events`, Server-Sent Events): one stream for the
//! workspace, and each panel reads its resources again when a kind of change
//! it shows is told, instead of on a short timer.

use std::collections::BTreeMap;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, EventSourceInit};

/// Every kind of change the stream names (docs/api.md).
const KINDS: [&str; 11] = [
    "chat", "likes", "gifts", "missions", "pins", "on_air", "stock", "deal", "viewers", "orders",
    "resync",
];

/// How often a panel looks whether a change it shows was told: also the
/// shortest time between two of its reads.
const LOOK_EVERY: Duration = Duration::from_millis(250);

/// How often a panel reads again while the stream is open but tells nothing.
// why: some figures change without an event (watch time and the minute-by-minute
// viewers are tallied on the server's tick), so they are read now and then anyway.
const SAFETY_EVERY: Duration = Duration::from_secs(30);

/// The open show's stream and what it told so far.
#[derive(Clone, Copy)]
pub struct Changes {
    /// How many of each kind were told.
    told: RwSignal<BTreeMap<&'static str, u64>>,
    /// Whether the stream is open now (an `EventSource` reconnects by itself).
    open: RwSignal<bool>,
    source: StoredValue<Option<Source>, LocalStorage>,
}

/// An open stream and the listeners it calls.
struct Source {
    events: EventSource,
    _listeners: Vec<Closure<dyn Fn()>>,
}

impl Changes {
    /// No stream yet; it closes with the calling owner.
    pub fn new() -> Changes {
        let changes = Changes {
            told: RwSignal::new(BTreeMap::new()),
            open: RwSignal::new(false),
            source: StoredValue::new_local(None),
        };
        on_cleanup(move || changes.follow(None));
        changes
    }

    /// Listens to `show`'s changes, closing the stream of the show before.
    pub fn follow(self, show: Option<&str>) {
        if let Some(Some(old)) = self.source.try_update_value(Option::take) {
            old.events.close();
        }
        self.open.try_set(false);
        let Some(show) = show else { return };
        let init = EventSourceInit::new();
        init.set_with_credentials(true);
        let url = format!("/api/v1/shows/{show}/events");
        let Ok(events) = EventSource::new_with_event_source_init_dict(&url, &init) else {
            return;
        };
        let mut listeners = Vec::new();
        let mut listen = |name: &str, on: Box<dyn Fn()>| {
            let on = Closure::<dyn Fn()>::new(on);
            let _ = events.add_event_listener_with_callback(name, on.as_ref().unchecked_ref());
            listeners.push(on);
        };
        for kind in KINDS {
            listen(kind, Box::new(move || self.tell(kind)));
        }
        listen(
            "open",
            Box::new(move || {
                self.open.set(true);
                // What changed while the stream was down was not told.
                self.tell("resync");
            }),
        );
        listen("error", Box::new(move || self.open.set(false)));
        self.source.set_value(Some(Source {
            events,
            _listeners: listeners,
        }));
    }

    fn tell(self, kind: &'static str) {
        self.told.update(|told| *told.entry(kind).or_default() += 1);
    }

    /// How many changes of `kinds` (and resyncs) were told.
    fn count(self, kinds: &[&str]) -> u64 {
        self.told.with_untracked(|told| {
            kinds
                .iter()
                .chain(&["resync"])
                .filter_map(|k| told.get(k))
                .sum()
        })
    }
}

/// Refetches `resource` (it loaded once when made) when the open show changes
/// in one of `kinds`, until the calling component is dropped.
pub fn refetch_on<T: 'static>(
    kinds: &'static [&'static str],
    fallback: Duration,
    resource: LocalResource<T>,
) {
    on_change(kinds, fallback, move || resource.refetch());
}

/// Calls `read` when the open show changes in one of `kinds`, at most every
/// [`LOOK_EVERY`]; every [`SAFETY_EVERY`] anyway; and every `fallback` while
/// the stream is down, until the calling component is dropped.
pub fn on_change(kinds: &'static [&'static str], fallback: Duration, read: impl Fn() + 'static) {
    let changes = expect_context::<Changes>();
    let mut seen = changes.count(kinds);
    let mut waited = Duration::ZERO;
    crate::poll::every(LOOK_EVERY, move || {
        waited += LOOK_EVERY;
        let told = changes.count(kinds);
        let due = if changes.open.get_untracked() {
            told != seen || waited >= SAFETY_EVERY
        } else {
            waited >= fallback
        };
        if due {
            (seen, waited) = (told, Duration::ZERO);
            read();
        }
    });
}
