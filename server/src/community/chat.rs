//! `Chat`: a line for everyone watching. Cleaned and checked by [`text::chat`]
//! (one line, no control or hidden characters, 1..=`MAX_CHAT_CHARS` characters
//! after trimming), limited per session (a burst of [`BURST`], then
//! one every [`EVERY`], whichever tab sends them; slow on in slow mode), masked
//! by the show's blocklist and the moderators' words, and
//! handed to the hub, whose tick publishes the lines gathered (on servers
//! sharing the show, the leader's tick: a line the leader dies before
//! publishing is handed to the next one, `hub::Input::Leads`). The `Ack`
//! carries the line, so its sender sees it at once even when a flood leaves it
//! out of the tick's `Chat`. A viewer a moderator muted or banned is refused
//! (`muted`). The text stays as written otherwise: it is plain
//! text, and viewers never read it as markup.

use lapak_protocol::{Activity, RejectCode, ServerMsg};
use tokio::time::Instant;

use super::sanctions::{self, Sanction};
use crate::answers::reject;
use crate::community_state::{CHAT_BURST as BURST, CHAT_EVERY as EVERY};
use crate::error::AppError;
use crate::stage::Stage;
use crate::text;
use crate::unit::{Sync, Unit};

/// Runs a `Chat` of `session` to its answer.
pub async fn chat(state: &Stage, session: i64, id: &str, raw: &str) -> Result<ServerMsg, AppError> {
    let mut command = match Unit::begin(state, session, id, Sync::Normal).await? {
        Ok(command) => command,
        Err(stored) => return Ok(stored),
    };
    let now = crate::clock::now_ms();
    if let Some(sanction) =
        sanctions::in_force(&mut command.tx, &state.show.id, session, now).await?
    {
        // Not stored: once the mute ends, the same id may be sent again.
        let (code, message) = match sanction {
            Sanction::Muted { until_ms } => {
                let minutes = (until_ms - now + 59_999) / 60_000;
                let message = format!("a moderator muted you for {minutes} more minute(s)");
                (RejectCode::Muted, message)
            }
            Sanction::Banned => (
                RejectCode::Banned,
                "a moderator banned you from this show's chat".to_owned(),
            ),
        };
        return Ok(reject(id, code, message));
    }
    let text = match text::chat(raw) {
        Ok(text) => text,
        Err(refused) => {
            let reply = reject(id, RejectCode::InvalidDetails, refused.to_string());
            return command.finish(reply).await;
        }
    };
    if let Err(every) = state.community.rules.may_speak(session, Instant::now()) {
        // Not stored, like the rate limit below.
        let message = format!("slow mode: one line every {every} s");
        return Ok(reject(id, RejectCode::RateLimited, message));
    }
    if !state.community.chat.take(session, Instant::now()) {
        // Not stored: the same id may be sent again once the session may speak.
        let message = format!("{BURST} lines at once, then one every {EVERY:?}");
        return Ok(reject(id, RejectCode::RateLimited, message));
    }
    let text = state.show.community.blocklist.mask(&text);
    let text = state.community.rules.mask(&text);
    command.count(Activity::Comment, 1).await?;
    // Read after counting, so a badge this line earned shows beside it.
    let from = super::identity_in(&mut command).await?;
    let line = state.hub.chat_line(from, text);
    let reply = ServerMsg::Ack {
        id: id.to_owned(),
        cart: None,
        order: None,
        wallet: None,
        chat: Some(line.clone()),
    };
    let reply = command.finish(reply).await?;
    // Published after the commit (and its announcements): a line is never
    // seen for a command that did not happen.
    state.hub.post(line);
    Ok(reply)
}
