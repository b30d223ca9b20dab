//! `JoinClub`: joining the host's free Fan Club (a club with a `join_gift` is
//! joined by sending that gift). The club itself is kept by [`progress`].

use lapak_protocol::{RejectCode, ServerMsg};

use crate::answers::reject;
use crate::error::AppError;
use crate::progress;
use crate::stage::Stage;
use crate::unit::{Sync, Unit};

/// `JoinClub`: joins a free club; already a member, it is simply acknowledged.
pub async fn join_club(state: &Stage, session: i64, id: &str) -> Result<ServerMsg, AppError> {
    let mut command = match Unit::begin(state, session, id, Sync::Normal).await? {
        Ok(command) => command,
        Err(stored) => return Ok(stored),
    };
    let refusal = match &state.show.community.club {
        None => Some("this show has no Fan Club".to_owned()),
        Some(club) => club
            .join_gift
            .as_ref()
            .map(|gift| format!("this Fan Club is joined by sending the {gift} gift")),
    };
    if let Some(message) = refusal {
        return command
            .finish(reject(id, RejectCode::BadRequest, message))
            .await;
    }
    let joined = progress::join_club(&mut command.tx, &state.show, session).await?;
    command.changes.merge(joined);
    command.finish(super::ack(id)).await
}
