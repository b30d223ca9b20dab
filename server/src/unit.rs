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
//!
//! A command paid by card ([`Payment`]: checkout, coin top-ups) is the same
//! unit of work in two phases around the provider's charge ([`pay`]): phase 1
//! reserves and writes the payment `payment_pending`, the charge runs outside
//! the lock and any transaction, and phase 2 ([`Payment::settle`]) applies the
//! provider's answer exactly once ([`Settling::once`]).

use std::future::Future;

use lapak_protocol::{Activity, ServerMsg};
use tokio::sync::MutexGuard;

use crate::answers;
use crate::clock::now_ms;
use crate::error::AppError;
use crate::ledger;
use crate::pending::Settlement;
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

/// A command paid by card: the domain's part of the two phases [`pay`] runs.
pub trait Payment: std::marker::Sync {
    /// The answer a retried id gets from the payment it wrote already, looked
    /// up in phase 1 before any stored answer; `None` when there is none.
    fn found(
        &self,
        unit: &mut Unit<'_>,
    ) -> impl Future<Output = Result<Option<ServerMsg>, AppError>> + Send;

    /// Phase 1's work on `unit.tx`: checks the command, reserves what it buys
    /// and writes the payment `payment_pending`, marked as charged by this
    /// process.
    fn reserve(
        &self,
        unit: &mut Unit<'_>,
    ) -> impl Future<Output = Result<Reserved, AppError>> + Send;

    /// After phase 1 committed and its changes were announced, still under
    /// the writer lock: what else must leave in commit order.
    fn reserved(
        &self,
        state: &Stage,
        session: i64,
        connection: u64,
        row: i64,
    ) -> impl Future<Output = Result<(), AppError>> + Send;

    /// The provider's idempotency key of payment `row`.
    fn key(row: i64) -> String;

    /// Phase 2's call to the provider, outside the lock and any transaction,
    /// for payment `row`: a card charged at once, or a payment the shopper
    /// completes elsewhere asked for (its answer is a request that waits).
    fn collect(
        &self,
        payments: &crate::payment::Payments,
        row: i64,
    ) -> impl Future<Output = Settlement> + Send;

    /// Phase 2: settles payment `row` by the provider's answer, exactly once
    /// whoever calls it (the command after its charge, the sweeper after a
    /// timeout or a crash, or a provider's asynchronous callback): in one
    /// [`Settling`] it moves the payment out of `payment_pending`, applies
    /// what that means, stores the command's final answer, commits and
    /// announces the changes. `reply_to` is the command id and connection when
    /// a connection waits for the answer. Returns the command's answer as it
    /// now stands.
    fn settle(
        state: &Stage,
        row: i64,
        settlement: Settlement,
        reply_to: Option<(&str, u64)>,
    ) -> impl Future<Output = Result<ServerMsg, AppError>> + Send;
}

/// What phase 1 of a paid command came to.
pub enum Reserved {
    /// The payment is written `payment_pending`, by row id: charge it.
    Charge(i64),
    /// The answer, with nothing to charge (a refusal: everything rolls back).
    Answer(Box<ServerMsg>),
}

/// Runs paid command `id` of `session` (on `connection`) to its answer:
/// 1. reserve: one [`Unit`] (`Sync::Full`) answers a retried id from what it
///    wrote ([`Payment::found`]) or its stored answer, writing nothing;
///    otherwise [`Payment::reserve`] writes the payment `payment_pending`, it
///    commits, its changes are announced and the charge is marked under way
///    (the sweeper leaves it alone) before the writer lock goes;
/// 2. the charge, outside the lock and any transaction, under the payment's key;
/// 3. settle: [`Payment::settle`] with the charge's answer.
pub async fn pay<P: Payment>(
    state: &Stage,
    session: i64,
    connection: u64,
    id: &str,
    payment: &P,
) -> Result<ServerMsg, AppError> {
    let (row, _held) = {
        let mut unit = Unit::unstored(state, session, id, Sync::Full).await?;
        if let Some(answer) = payment.found(&mut unit).await? {
            return Ok(answer);
        }
        if let Some(answer) = answers::stored(&mut unit.tx, session, id).await? {
            return Ok(answer);
        }
        let row = match payment.reserve(&mut unit).await? {
            Reserved::Charge(row) => row,
            // Dropped with the unit: rolled back.
            Reserved::Answer(answer) => return Ok(*answer),
        };
        unit.tx.commit().await?;
        announce(state, session, unit.changes).await?;
        let held = state.payments.hold(P::key(row));
        payment.reserved(state, session, connection, row).await?;
        (row, held)
    };
    let collected = payment.collect(&state.payments, row).await;
    P::settle(state, row, collected, Some((id, connection))).await
}

/// Phase 2 of a paid command: the writer lock and a `Sync::Full` transaction
/// in which a pending payment's outcome is applied.
pub struct Settling<'a> {
    /// The settling transaction.
    pub tx: crate::db::Tx,
    write: MutexGuard<'a, ()>,
}

/// Where a settled payment goes from `payment_pending`.
pub enum Settled<'a> {
    /// To `status`, with the provider's reference when it has one.
    To(&'static str, Option<&'a str>),
    /// Away: the row is deleted, as if never written.
    Gone,
}

impl<'a> Settling<'a> {
    /// Takes the writer lock and begins the settling transaction.
    pub async fn begin(state: &'a Stage) -> Result<Settling<'a>, AppError> {
        let write = state.writer.lock().await;
        let tx = crate::db::begin_write(&state.orders_pool, &state.show.id).await?;
        Ok(Settling { tx, write })
    }

    /// Moves payment `row` of `table` out of `payment_pending` to `to`, only
    /// if it still is pending: whoever comes second moves nothing, so each
    /// payment is settled exactly once. Whether this call moved it.
    pub async fn once(
        &mut self,
        table: &'static str,
        row: i64,
        to: Settled<'_>,
    ) -> Result<bool, AppError> {
        self.once_from(table, row, "payment_pending", to).await
    }

    /// [`once`](Settling::once) from status `from`: an order waiting for
    /// its payment (`awaiting_payment`) is settled by a callback or its
    /// expiry exactly once the same way.
    pub async fn once_from(
        &mut self,
        table: &'static str,
        row: i64,
        from: &'static str,
        to: Settled<'_>,
    ) -> Result<bool, AppError> {
        let pending = format!("WHERE id = $1 AND status = '{from}'");
        let pending = pending.as_str();
        let done = match to {
            Settled::To(status, reference) => {
                let sql = match reference {
                    Some(_) => {
                        format!("UPDATE {table} SET status = $2, payment_ref = $3 {pending}")
                    }
                    None => format!("UPDATE {table} SET status = $2 {pending}"),
                };
                let mut query = sqlx::query(&sql).bind(row).bind(status);
                if let Some(reference) = reference {
                    query = query.bind(reference);
                }
                query.execute(&mut *self.tx).await?
            }
            Settled::Gone => {
                let sql = format!("DELETE FROM {table} {pending}");
                sqlx::query(&sql).bind(row).execute(&mut *self.tx).await?
            }
        };
        Ok(done.rows_affected() == 1)
    }

    /// Commits; the writer lock is still held in what it returns, for what
    /// must leave in commit order.
    pub async fn commit(self) -> Result<MutexGuard<'a, ()>, AppError> {
        self.tx.commit().await?;
        Ok(self.write)
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
