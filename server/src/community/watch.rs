//! `Heartbeat`: watch time. A playing, visible viewer sends one every
//! `HEARTBEAT_MS`; each credits the time since the session's clock, at most
//! [`MAX_CREDIT`](crate::community_state::MAX_CREDIT), in whole seconds, and moves the clock on by exactly what it
//! credited (after a longer gap, to now). So whatever the number of
//! heartbeats or tabs, a session never earns more than the wall-clock time
//! since its clock started. A connection's first heartbeat credits nothing: it
//! starts the clock, unless another tab of the session keeps it running.
//! For the same reason a retried heartbeat needs no stored answer: it is
//! credited like any other, from the clock.

use lapak_protocol::{Activity, ServerMsg};
use tokio::time::Instant;

use super::ack;
use crate::error::AppError;
use crate::stage::Stage;
use crate::unit::{Sync, Unit};

/// Runs a `Heartbeat` to its answer. `watching` is whether this connection
/// has sent one before; it is set by the first.
pub async fn heartbeat(
    state: &Stage,
    session: i64,
    watching: &mut bool,
    id: &str,
) -> Result<ServerMsg, AppError> {
    let mut command = Unit::unstored(state, session, id, Sync::Normal).await?;
    let seconds = state
        .community
        .watch
        .credit(session, *watching, Instant::now());
    *watching = true;
    // A replay's watch time is the replay's figure; watch missions are live only.
    if state.replay().is_some() {
        let counted = crate::replay::Counted::Watch(seconds);
        crate::replay::count(&mut command.tx, &state.show.id, session, counted).await?;
    } else {
        command.count(Activity::WatchSeconds, seconds).await?;
    }
    command.finish(ack(id)).await
}
