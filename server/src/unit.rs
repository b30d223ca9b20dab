//! The exactly-once command: one unit of work for every command that changes
//! something, whatever its domain.
//!
//! Under the writer lock, one `BEGIN IMMEDIATE` transaction first looks up
//! the command id: an id answered before gets that answer and changes nothing.
//! Otherwise the domain does its work on [`Unit::tx`], noting in
//! [`Unit::changes`] what changed for the viewer, and [`Unit::commit`]:
//! - stores an `Ack` as the id's answer ([`answers`]) in the same transaction,
//!   so a retry gets it again — or, for a refusal, rolls back, so a refusal
//!   writes and keeps nothing;
//! - commits;
//! - announces the changes (progress, wallet, chat lines about the viewer),
//!   still under the writer lock, so announcements leave in commit order.

use lapak_protocol::{Activity, ServerMsg};
use tokio::sync::MutexGuard;

use crate::answers;
use crate::clock::now_ms;
use crate::error::AppError;
use crate::ledger;
use crate::progress::{self, Changes};
use crate::stage::Stage;

/// How durable a command's commit must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sync {
    /// Survives the process being killed (carts, chat, likes).
    Normal,
    /// Survives power loss too (money: orders, coins).
    Full,
}

/// A command under way: the writer lock, its transaction and what it changed so far.
pub struct Unit<'a> {
    /// The server.
    pub state: &'a Stage,
    /// Whose command it is.
    pub session: i64,
    /// The command id.
    pub id: &'a str,
    /// The command's transaction.
    pub tx: crate::db::Tx,
    /// What the command changed for the viewer so far, announced after the commit.
    pub changes: Changes,
    /// Whether the answer is stored, for a retry to get again.
    stored: bool,
    write: MutexGuard<'a, ()>,
}

/// A committed unit's answer, with the writer lock still held: what must
/// leave in commit order (a session's other tabs hearing of it) goes out
/// before it is dropped.
pub struct Committed<'a> {
    /// The command's answer.
    pub reply: ServerMsg,
    _write: MutexGuard<'a, ()>,
}

impl<'a> Unit<'a> {
    /// Begins command `id` of `session`, or `Err` with its answer when it was
    /// answered before.
    pub async fn begin(
        state: &'a Stage,
        session: i64,
        id: &'a str,
        sync: Sync,
    ) -> Result<Result<Unit<'a>, ServerMsg>, AppError> {
        let mut unit = Unit::unstored(state, session, id, sync).await?;
        if let Some(answer) = answers::stored(&mut unit.tx, session, id).await? {
            return Ok(Err(answer));
        }
        unit.stored = true;
        Ok(Ok(unit))
    }

    /// Begins command `id` without storing its answer: for heartbeats, whose
    /// credit the watch clock bounds whether retried or not, and which would
    /// otherwise leave a row per watching viewer every 15 s.
    pub async fn unstored(
        state: &'a Stage,
        session: i64,
        id: &'a str,
        sync: Sync,
    ) -> Result<Unit<'a>, AppError> {
        let write = state.writer.lock().await;
        let pool = match sync {
            Sync::Normal => &state.pool,
            Sync::Full => &state.orders_pool,
        };
        let tx = crate::db::begin_write(pool, &state.show.id).await?;
        Ok(Unit {
            state,
            session,
            id,
            tx,
            changes: Changes::default(),
            stored: false,
            write,
        })
    }

    /// Counts `n` of `activity` for the session, for missions.
    pub async fn count(&mut self, activity: Activity, n: u32) -> Result<(), AppError> {
        let (show, session) = (&self.state.show, self.session);
        let counted = progress::count(&mut self.tx, show, session, activity, n, now_ms()).await?;
        self.changes.merge(counted);
        Ok(())
    }

    /// Ends the command with `reply`: an `Ack` is stored and committed with
    /// the work and its changes announced; a refusal rolls everything back.
    /// The writer lock is still held in what it returns.
    pub async fn commit(mut self, reply: ServerMsg) -> Result<Committed<'a>, AppError> {
        if !matches!(reply, ServerMsg::Ack { .. }) {
            self.tx.rollback().await?;
            return Ok(Committed {
                reply,
                _write: self.write,
            });
        }
        if self.stored {
            answers::store(&mut self.tx, self.session, self.id, &reply).await?;
        }
        self.tx.commit().await?;
        announce(self.state, self.session, self.changes).await?;
        Ok(Committed {
            reply,
            _write: self.write,
        })
    }

    /// [`commit`](Unit::commit), then lets the writer go.
    pub async fn finish(self, reply: ServerMsg) -> Result<ServerMsg, AppError> {
        Ok(self.commit(reply).await?.reply)
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
    let (pool, show) = (&state.pool, &state.show.id);
    if identity {
        state.community.refresh(pool, show, session).await?;
    }
    if !lines.is_empty() {
        let from = state.community.viewer(pool, show, session).await?;
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
        let wallet = ledger::wallet(&mut conn, session).await?;
        state
            .sessions
            .send(session, 0, &ServerMsg::WalletChanged { wallet });
    }
    if tell {
        let progress = (state.community)
            .progress(&mut conn, &state.show, session)
            .await?;
        let progress = Box::new(progress);
        let update = ServerMsg::Progress {
            progress,
            completed,
        };
        state.sessions.send(session, 0, &update);
    }
    Ok(())
}
