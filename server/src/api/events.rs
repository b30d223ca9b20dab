//! `GET /api/v1/shows/{show}/events`: what changed in a show, as Server-Sent
//! Events, for the studio to refetch what depends on it instead of polling.
//! Each event only names what changed (`chat`, `orders`, `deal`, …, see
//! docs/api.md); its data is how many show events it stands for. The stream
//! reads the show's broadcast beside its viewers without being one of them.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures::Stream;
use lapak_protocol::ServerMsg;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{interval, MissedTickBehavior};

use super::shows::show_for;
use crate::access::{Actor, ApiError, Permission};
use crate::{Server, Stage};

/// How often a kind of change is told at most: each kind is sent at most
/// once per this period, however many show events it stands for.
// why: a show of thousands of events a second must not flood the host's
// browser with refetches; a quarter of a second still feels live.
const EVERY: Duration = Duration::from_millis(250);

/// `GET /api/v1/shows/{show}/events`: whoever may read the show's figures.
pub async fn stream(
    State(server): State<Arc<Server>>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let state = show_for(&server, &actor, &id, Permission::ReadMetrics)?;
    Ok(Sse::new(changes(state)).keep_alive(KeepAlive::default()))
}

/// The show's changes, coalesced per kind every [`EVERY`].
fn changes(state: Arc<Stage>) -> impl Stream<Item = Result<Event, Infallible>> {
    let mut ticks = interval(EVERY);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let watch = Watch {
        // Not `viewers(1)`: the studio is not in the audience.
        events: state.hub.join().events,
        paid: state.paid.subscribe(),
        due: BTreeMap::new(),
        ready: Vec::new(),
        ticks,
    };
    futures::stream::unfold(watch, |mut watch| async move {
        loop {
            if let Some((name, count)) = watch.ready.pop() {
                let event = Event::default().event(name).data(count.to_string());
                return Some((Ok(event), watch));
            }
            tokio::select! {
                frame = watch.events.recv() => match frame {
                    Ok(frame) => {
                        if let Some(name) = kind(frame.msg()) {
                            watch.note(name);
                        }
                    }
                    // Fell behind: the events skipped are unknown, so everything may have changed.
                    Err(RecvError::Lagged(_)) => watch.note("resync"),
                    // The show's history restarted: the studio reconnects and reads afresh.
                    Err(RecvError::Closed) => return None,
                },
                Ok(()) = watch.paid.changed() => watch.note("orders"),
                _ = watch.ticks.tick() => watch.ready.extend(std::mem::take(&mut watch.due)),
            }
        }
    })
}

/// One stream's subscriptions and the changes it has yet to tell.
struct Watch {
    events: tokio::sync::broadcast::Receiver<crate::hub::Frame>,
    paid: tokio::sync::watch::Receiver<u64>,
    /// Kinds changed since the last tick, with how many events each.
    due: BTreeMap<&'static str, u32>,
    /// Kinds to send now.
    ready: Vec<(&'static str, u32)>,
    ticks: tokio::time::Interval,
}

impl Watch {
    fn note(&mut self, name: &'static str) {
        *self.due.entry(name).or_default() += 1;
    }
}

/// The kind of change a show event is, as the stream names it; `None` for
/// what a studio does not show.
fn kind(event: &ServerMsg) -> Option<&'static str> {
    Some(match event {
        ServerMsg::Chat { .. }
        | ServerMsg::ChatRemoved { .. }
        | ServerMsg::PinnedMessage { .. }
        | ServerMsg::SlowMode { .. } => "chat",
        ServerMsg::Likes { .. } => "likes",
        ServerMsg::Gifted { .. } | ServerMsg::Leaderboard { .. } => "gifts",
        ServerMsg::Progress { .. } => "missions",
        ServerMsg::Pinned { .. } | ServerMsg::Unpinned { .. } => "pins",
        ServerMsg::OnAir { .. } => "on_air",
        ServerMsg::StockChanged { .. } => "stock",
        ServerMsg::DealStarted { .. }
        | ServerMsg::DealChanged { .. }
        | ServerMsg::DealEnded { .. } => "deal",
        ServerMsg::ViewerCount { .. } => "viewers",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::kind;
    use lapak_protocol::ServerMsg;

    #[test]
    fn every_show_event_is_named_by_its_variant() {
        let chat = ServerMsg::Chat {
            seq: 1,
            messages: Vec::new(),
        };
        assert_eq!(kind(&chat), Some("chat"));
        assert_eq!(
            kind(&ServerMsg::ViewerCount { seq: 2, count: 3 }),
            Some("viewers")
        );
        assert_eq!(kind(&ServerMsg::Pong { server_time_ms: 0 }), None);
    }
}
