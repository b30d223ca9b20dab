//! `Like` and `Share`. A viewer batches its taps into one `Like` a second at
//! most; the server clamps each batch to `MAX_LIKES_PER_BATCH` and lets a
//! session send a burst of [`BURST`] batches, then one every [`EVERY`] (twice
//! what one tab sends, so two tabs are fine), refusing more with `rate_limited`
//! and counting nothing for them: likes cannot be inflated by sending commands
//! faster. The hub adds accepted likes to the show's total, published at the tick.

use lapak_protocol::{Activity, RejectCode, ServerMsg, MAX_LIKES_PER_BATCH};
use tokio::time::Instant;

use super::ack;
use crate::answers::reject;
use crate::community_state::{LIKES_BURST as BURST, LIKES_EVERY as EVERY};
use crate::error::AppError;
use crate::stage::Stage;
use crate::unit::{Sync, Unit};

/// Runs a `Like` of `count` taps to its answer.
pub async fn like(
    state: &Stage,
    session: i64,
    id: &str,
    count: u32,
) -> Result<ServerMsg, AppError> {
    let mut command = match Unit::begin(state, session, id, Sync::Normal).await? {
        Ok(command) => command,
        Err(stored) => return Ok(stored),
    };
    if count == 0 {
        let message = "a Like carries at least one tap".to_owned();
        return command
            .finish(reject(id, RejectCode::QuantityLimit, message))
            .await;
    }
    if !state.community.likes.take(session, Instant::now()) {
        // Not stored: the same id may be sent again a little later.
        let message = format!("{BURST} Likes at once, then one every {EVERY:?}");
        return Ok(reject(id, RejectCode::RateLimited, message));
    }
    let count = count.min(MAX_LIKES_PER_BATCH);
    command.count(Activity::Like, count).await?;
    let reply = command.finish(ack(id)).await?;
    state.hub.like(count);
    Ok(reply)
}

/// Runs a `Share` to its answer: it counts `share`.
pub async fn share(state: &Stage, session: i64, id: &str) -> Result<ServerMsg, AppError> {
    let mut command = match Unit::begin(state, session, id, Sync::Normal).await? {
        Ok(command) => command,
        Err(stored) => return Ok(stored),
    };
    command.count(Activity::Share, 1).await?;
    command.finish(ack(id)).await
}
