//! The community around a show: chat (`chat`), likes and shares (`likes`),
//! watch time (`watch`), names (`names`), the host's Fan Club (`club`), and
//! missions that count all of it and grant rewards exactly once (`missions`).
//!
//! Every community command runs like a cart command: one transaction under the
//! writer lock that first looks up the command id (a retry gets the stored
//! answer and counts nothing), counts the activity, completes missions, grants
//! rewards and stores the answer. What changed for the viewer ([`Changes`]) is
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
mod progress;
mod settings;
mod text;
mod watch;

pub use club::gifted;
pub use feed::Feed;
pub use missions::{count, total};
pub use progress::identity;
pub use settings::Settings;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use lapak_protocol::{
    Activity, ChatEvent, ChatMessage, ClientMsg, Community as Snapshot, Progress, ServerMsg, Viewer,
};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use crate::error::AppError;
use crate::limit::Throttle;
use crate::{cart, gifting, now_ms, AppState};

/// What an activity changed for the viewer, to announce after the commit.
#[derive(Debug, Default)]
pub struct Changes {
    /// Their `Progress` changed: a count a mission shows, the journey, the
    /// membership or badges.
    pub progress: bool,
    /// Missions completed (rewards granted) just now.
    pub completed: Vec<String>,
    /// A reward put coins in their wallet.
    pub coins: bool,
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
        self.coins |= other.coins;
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
}

impl Default for Community {
    fn default() -> Self {
        Community {
            people: Mutex::default(),
            chat: Throttle::new(chat::BURST, chat::EVERY),
            likes: Throttle::new(likes::BURST, likes::EVERY),
            watch: watch::Clocks::default(),
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
pub async fn viewer(state: &AppState, session: i64) -> Result<Viewer, AppError> {
    match cached(state, session) {
        Some(viewer) => Ok(viewer),
        None => {
            let mut conn = state.pool.acquire().await?;
            progress::identity(&mut conn, &state.show.id, session).await
        }
    }
}

fn cached(state: &AppState, session: i64) -> Option<Viewer> {
    state.community.people().get(&session).cloned()
}

/// Reads the session's identity for a new connection and caches it (unless
/// a change cached a newer one meanwhile).
pub async fn remember(state: &AppState, session: i64) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    let read = progress::identity(&mut conn, &state.show.id, session).await?;
    state.community.people().entry(session).or_insert(read);
    Ok(())
}

/// The session's progress now.
pub async fn progress(
    state: &AppState,
    conn: &mut SqliteConnection,
    session: i64,
) -> Result<Progress, AppError> {
    // Read on `conn` when not cached: a second connection from the pool could wait forever.
    let you = match cached(state, session) {
        Some(viewer) => viewer,
        None => progress::identity(conn, &state.show.id, session).await?,
    };
    progress::progress(conn, &state.show, session, you, now_ms()).await
}

/// The community side of a show snapshot, with the hub's `chat` and `likes`.
pub fn snapshot(state: &AppState, chat: Vec<ChatMessage>, likes: u64) -> Snapshot {
    let settings = &state.show.community;
    Snapshot {
        pinned: settings.pinned.clone(),
        chat,
        likes,
        club: settings.club(),
        missions: settings.missions(),
        badges: settings.badges.clone(),
    }
}

/// Tells what `changes` changed, after their transaction committed (still
/// under the writer lock, so announcements leave in commit order).
pub async fn announce(state: &AppState, session: i64, changes: Changes) -> Result<(), AppError> {
    let Changes {
        progress: changed,
        completed,
        coins,
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
fn ack(id: &str) -> ServerMsg {
    ServerMsg::Ack {
        id: id.to_owned(),
        cart: None,
        order: None,
        wallet: None,
        chat: None,
    }
}

/// A community command under way: the writer lock, its transaction and what
/// it changed so far.
struct Command<'a> {
    state: &'a AppState,
    session: i64,
    id: &'a str,
    tx: Transaction<'static, Sqlite>,
    changes: Changes,
    /// Whether the answer is stored, for a retry to get again.
    stored: bool,
    _write: tokio::sync::MutexGuard<'a, ()>,
}

impl<'a> Command<'a> {
    /// Begins command `id`, or `Err` with its stored answer when it was answered before.
    async fn begin(
        state: &'a AppState,
        session: i64,
        id: &'a str,
    ) -> Result<Result<Command<'a>, ServerMsg>, AppError> {
        let mut command = Command::unstored(state, session, id).await?;
        if let Some(stored) = cart::stored_answer(&mut command.tx, session, id).await? {
            return Ok(Err(stored));
        }
        command.stored = true;
        Ok(Ok(command))
    }

    /// Begins command `id` without storing its answer: for heartbeats, whose
    /// credit the watch clock bounds whether retried or not, and which would
    /// otherwise leave a row per watching viewer every 15 s.
    async fn unstored(
        state: &'a AppState,
        session: i64,
        id: &'a str,
    ) -> Result<Command<'a>, AppError> {
        let write = state.writer.lock().await;
        let tx = state.pool.begin_with(crate::db::BEGIN_WRITE).await?;
        Ok(Command {
            state,
            session,
            id,
            tx,
            changes: Changes::default(),
            stored: false,
            _write: write,
        })
    }

    /// Counts `n` of `activity` for the session.
    async fn count(&mut self, activity: Activity, n: u32) -> Result<(), AppError> {
        let (show, session) = (&self.state.show, self.session);
        let counted = count(&mut self.tx, show, session, activity, n, now_ms()).await?;
        self.changes.merge(counted);
        Ok(())
    }

    /// How others see the session, with what this command changed so far: the
    /// cached identity unless the command changed it (then read in its transaction).
    async fn identity(&mut self) -> Result<Viewer, AppError> {
        let cached = (!self.changes.identity)
            .then(|| cached(self.state, self.session))
            .flatten();
        match cached {
            Some(viewer) => Ok(viewer),
            None => progress::identity(&mut self.tx, &self.state.show.id, self.session).await,
        }
    }

    /// Stores `reply` as the command's answer (unless [`unstored`](Command::unstored)),
    /// commits and announces the changes.
    async fn finish(mut self, reply: ServerMsg) -> Result<ServerMsg, AppError> {
        if self.stored {
            cart::store_answer(&mut self.tx, self.session, self.id, &reply).await?;
        }
        self.tx.commit().await?;
        announce(self.state, self.session, self.changes).await?;
        Ok(reply)
    }
}

/// Runs a community command of `session` to its answer. `watching` is whether
/// the connection has sent a heartbeat before.
pub async fn command(
    state: &AppState,
    session: i64,
    watching: &mut bool,
    cmd: &ClientMsg,
) -> Result<ServerMsg, AppError> {
    match cmd {
        ClientMsg::Chat { id, text } => chat::chat(state, session, id, text).await,
        ClientMsg::Like { id, count } => likes::like(state, session, id, *count).await,
        ClientMsg::Share { id } => likes::share(state, session, id).await,
        ClientMsg::Heartbeat { id } => watch::heartbeat(state, session, watching, id).await,
        ClientMsg::JoinClub { id } => club::join_club(state, session, id).await,
        ClientMsg::SetName { id, name } => names::set_name(state, session, id, name).await,
        _ => unreachable!("only community commands come here"),
    }
}
