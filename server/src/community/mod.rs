//! The community around a show: chat (`chat`), likes and shares (`likes`),
//! watch time (`watch`), names (`names`), the host's Fan Club (`club`), and
//! missions that count all of it and grant rewards exactly once (`missions`).
//!
//! Every community command is one [`Unit`] of work, like every command: one
//! transaction under the writer lock that first looks up the command id (a
//! retry gets the stored answer and counts nothing), counts the activity,
//! completes missions, grants rewards and stores the answer. What changed for the viewer ([`Changes`]) is
//! announced once the transaction commits ([`announce`]): `Progress` and, for
//! coins, `WalletChanged` to every tab of the session, chat lines about the
//! viewer to everyone. Activities done elsewhere (cart, gifts, checkout) call
//! [`count`] inside their own transactions the same way.
//!
//! Chat lines and likes are gathered in memory ([`Feed`], in the hub) and
//! published by the timeline's tick. How others see a viewer (name, club
//! level, latest badge) is cached per connected session, so gift taps and chat
//! lines do not read it from the database each time.

mod blocklist;
mod chat;
mod club;
mod feed;
mod likes;
mod lookalike;
mod missions;
mod names;
pub mod pinned;
mod progress;
pub mod rules;
pub mod sanctions;
mod settings;
pub mod text;
mod watch;

pub use club::gifted;
pub use feed::Feed;
pub use missions::{count, total};
pub use progress::identity;
pub use settings::Settings;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use lapak_protocol::{ChatEvent, ChatMessage, Community as Snapshot, Progress, ServerMsg, Viewer};

use crate::db::Conn;
use crate::error::AppError;
use crate::limit::Throttle;
use crate::unit::Unit;
use crate::{gifting, now_ms, Stage};

/// What an activity changed for the viewer, to announce after the commit.
#[derive(Debug, Default)]
pub struct Changes {
    /// Their `Progress` changed: a count a mission shows, the journey, the
    /// membership or badges.
    pub progress: bool,
    /// Missions completed (rewards granted) just now.
    pub completed: Vec<String>,
    /// Their wallet changed: a reward's coins or coupon, a claimed code.
    pub wallet: bool,
    /// How others see them changed (name, club level, badge).
    pub identity: bool,
    /// Lines to write about them in the chat.
    pub lines: Vec<ChatEvent>,
}

impl Changes {
    /// Adds what `other` changed.
    pub fn merge(&mut self, other: Changes) {
        self.progress |= other.progress;
        self.completed.extend(other.completed);
        self.wallet |= other.wallet;
        self.identity |= other.identity;
        self.lines.extend(other.lines);
    }
}

/// The community's state in memory.
pub struct Community {
    /// How connected sessions look to others.
    people: Mutex<HashMap<i64, Viewer>>,
    /// Chat lines per session: a burst, then one every 2 s.
    chat: Throttle,
    /// `Like` commands per session.
    likes: Throttle,
    /// Each session's watch clock.
    watch: watch::Clocks,
    /// Slow mode and the moderators' words.
    pub rules: rules::ChatRules,
}

impl Default for Community {
    fn default() -> Self {
        Community {
            people: Mutex::default(),
            chat: Throttle::new(chat::BURST, chat::EVERY),
            likes: Throttle::new(likes::BURST, likes::EVERY),
            watch: watch::Clocks::default(),
            rules: rules::ChatRules::default(),
        }
    }
}

impl Community {
    fn people(&self) -> MutexGuard<'_, HashMap<i64, Viewer>> {
        self.people.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets a session that has no connection left.
    pub fn forget(&self, session: i64) {
        self.people().remove(&session);
        self.watch.forget(session);
    }
}

/// How others see the session now: cached while it is connected, else read.
pub async fn viewer(state: &Stage, session: i64) -> Result<Viewer, AppError> {
    match cached(state, session) {
        Some(viewer) => Ok(viewer),
        None => {
            let mut conn = state.pool.acquire().await?;
            progress::identity(&mut conn, &state.show.id, session).await
        }
    }
}

fn cached(state: &Stage, session: i64) -> Option<Viewer> {
    state.community.people().get(&session).cloned()
}

/// Reads the session's identity for a new connection and caches it (unless
/// a change cached a newer one meanwhile).
pub async fn remember(state: &Stage, session: i64) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    let read = progress::identity(&mut conn, &state.show.id, session).await?;
    state.community.people().entry(session).or_insert(read);
    Ok(())
}

/// The session's progress now.
pub async fn progress(state: &Stage, conn: &mut Conn, session: i64) -> Result<Progress, AppError> {
    // Read on `conn` when not cached: a second connection from the pool could wait forever.
    let you = match cached(state, session) {
        Some(viewer) => viewer,
        None => progress::identity(conn, &state.show.id, session).await?,
    };
    progress::progress(conn, &state.show, session, you, now_ms()).await
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

/// Tells what `changes` changed, after their transaction committed (still
/// under the writer lock, so announcements leave in commit order).
pub async fn announce(state: &Stage, session: i64, changes: Changes) -> Result<(), AppError> {
    let Changes {
        progress: changed,
        completed,
        wallet: coins,
        identity,
        lines,
    } = changes;
    if identity {
        let mut conn = state.pool.acquire().await?;
        let fresh = progress::identity(&mut conn, &state.show.id, session).await?;
        if let Some(cached) = state.community.people().get_mut(&session) {
            *cached = fresh;
        }
    }
    if !lines.is_empty() {
        let from = viewer(state, session).await?;
        for event in lines {
            state.hub.announce(from.clone(), event);
        }
    }
    let tell = changed || identity || !completed.is_empty();
    if !coins && !tell {
        return Ok(());
    }
    let mut conn = state.pool.acquire().await?;
    if coins {
        let wallet = gifting::wallet(&mut conn, session).await?;
        state
            .sessions
            .send(session, 0, &ServerMsg::WalletChanged { wallet });
    }
    if tell {
        let progress = Box::new(self::progress(state, &mut conn, session).await?);
        let update = ServerMsg::Progress {
            progress,
            completed,
        };
        state.sessions.send(session, 0, &update);
    }
    Ok(())
}

/// A plain `Ack`.
pub(crate) fn ack(id: &str) -> ServerMsg {
    ServerMsg::Ack {
        id: id.to_owned(),
        cart: None,
        order: None,
        wallet: None,
        chat: None,
    }
}

/// How others see the session, with what `unit` changed so far: the cached
/// identity unless the command changed it (then read in its transaction).
async fn identity_in(unit: &mut Unit<'_>) -> Result<Viewer, AppError> {
    let cached = (!unit.changes.identity)
        .then(|| cached(unit.state, unit.session))
        .flatten();
    match cached {
        Some(viewer) => Ok(viewer),
        None => progress::identity(&mut unit.tx, &unit.state.show.id, unit.session).await,
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
