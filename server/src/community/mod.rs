//! The community's commands: chat (`chat`), likes and shares (`likes`),
//! watch time (`watch`), names (`names`) and joining the host's Fan Club
//! (`club`); missions count all of it and grant rewards exactly once
//! ([`crate::progress`]).
//!
//! Every community command is one [`Unit`] of work, like every command: one
//! transaction under the writer lock that first looks up the command id (a
//! retry gets the stored answer and counts nothing), counts the activity,
//! completes missions, grants rewards and stores the answer. What changed for
//! the viewer ([`Changes`](crate::progress::Changes)) is announced once the
//! transaction commits ([`announce`](crate::unit::announce)): `Progress` and,
//! for coins, `WalletChanged` to every tab of the session, chat lines about the
//! viewer to everyone. Activities done elsewhere (cart, gifts, checkout) are
//! counted inside their own transactions the same way.
//!
//! Chat lines and likes are gathered in memory ([`Feed`](crate::feed::Feed), in the hub) and
//! published by the timeline's tick. How others see a viewer (name, club
//! level, latest badge) is cached per connected session, so gift taps and chat
//! lines do not read it from the database each time.

mod chat;
mod club;
mod likes;
mod names;
pub mod sanctions;
mod watch;

// why: the HTTP API reads the community's totals here.
pub use crate::progress::total;

use lapak_protocol::{ChatMessage, Community as Snapshot, Progress, ServerMsg, Viewer};

use crate::db::Conn;
use crate::error::AppError;
use crate::pinned;
use crate::stage::Stage;
use crate::unit::Unit;

/// How others see the session now: cached while it is connected, else read.
pub async fn viewer(state: &Stage, session: i64) -> Result<Viewer, AppError> {
    (state.community)
        .viewer(&state.pool, &state.show.id, session)
        .await
}

/// Reads the session's identity for a new connection and caches it (unless
/// a change cached a newer one meanwhile).
pub async fn remember(state: &Stage, session: i64) -> Result<(), AppError> {
    (state.community)
        .remember(&state.pool, &state.show.id, session)
        .await
}

/// The session's progress now, read on `conn`.
pub async fn progress(state: &Stage, conn: &mut Conn, session: i64) -> Result<Progress, AppError> {
    state.community.progress(conn, &state.show, session).await
}

/// The community side of a show snapshot, with the hub's `chat`, `likes` and `pinned` message.
pub fn snapshot(
    state: &Stage,
    chat: Vec<ChatMessage>,
    likes: u64,
    pinned: Option<pinned::Message>,
) -> Snapshot {
    let settings = &state.show.community;
    let (pinned, pinned_translations) = pinned::parts(pinned);
    Snapshot {
        pinned,
        pinned_translations,
        slow_mode_s: state.community.rules.get().slow_mode_s,
        chat,
        likes,
        club: settings.club(),
        missions: settings.missions(),
        badges: settings.badges.clone(),
    }
}

pub(crate) use crate::answers::ack;

/// How others see the session, with what `unit` changed so far: the cached
/// identity unless the command changed it (then read in its transaction).
async fn identity_in(unit: &mut Unit<'_>) -> Result<Viewer, AppError> {
    let cached = (!unit.changes.identity)
        .then(|| unit.state.community.cached(unit.session))
        .flatten();
    match cached {
        Some(viewer) => Ok(viewer),
        None => crate::progress::identity(&mut unit.tx, &unit.state.show.id, unit.session).await,
    }
}

/// A community command, as the socket routes it here.
pub enum Command<'a> {
    /// A chat line.
    Chat {
        /// What the viewer typed.
        text: &'a str,
    },
    /// A batch of likes.
    Like {
        /// Taps.
        count: u32,
    },
    /// The show was shared.
    Share,
    /// The video played since the last heartbeat.
    Heartbeat,
    /// Join the Fan Club.
    JoinClub,
    /// A new name.
    SetName {
        /// The name.
        name: &'a str,
    },
}

/// Runs community command `id` of `session` to its answer. `watching` is
/// whether the connection has sent a heartbeat before.
pub async fn run(
    state: &Stage,
    session: i64,
    id: &str,
    watching: &mut bool,
    command: Command<'_>,
) -> Result<ServerMsg, AppError> {
    match command {
        Command::Chat { text } => chat::chat(state, session, id, text).await,
        Command::Like { count } => likes::like(state, session, id, count).await,
        Command::Share => likes::share(state, session, id).await,
        Command::Heartbeat => watch::heartbeat(state, session, watching, id).await,
        Command::JoinClub => club::join_club(state, session, id).await,
        Command::SetName { name } => names::set_name(state, session, id, name).await,
    }
}
