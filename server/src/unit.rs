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
use crate::community::{self, Changes};
use crate::error::AppError;
use crate::{now_ms, Stage};

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
        let counted = community::count(&mut self.tx, show, session, activity, n, now_ms()).await?;
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
        community::announce(self.state, self.session, self.changes).await?;
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
