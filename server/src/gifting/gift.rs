//! `SendGift`: coins from the sender's wallet to the host's earnings. One
//! transaction looks up the command id, debits the wallet only if it holds
//! enough, writes the ledger, counts the gift for the Fan Club and missions
//! and stores the answer: a retry gets that answer and debits nothing, and two
//! tabs of one viewer can never overspend.

use lapak_protocol::{Activity, ClientMsg, Gift, RejectCode, ServerMsg, MAX_GIFT_COUNT};

use super::ledger::{self, Kind, Posting};
use super::streaks::Tap;
use crate::community::{self, Changes};
use crate::error::AppError;
use crate::show::ShowFile;
use crate::{cart, now_ms, reject, AppState};

/// Runs a `SendGift` of session `session` (on `connection`) to its answer.
pub async fn send_gift(
    state: &AppState,
    session: i64,
    connection: u64,
    cmd: &ClientMsg,
) -> Result<ServerMsg, AppError> {
    let ClientMsg::SendGift {
        id,
        gift_id,
        count,
        coins,
    } = cmd
    else {
        unreachable!("only SendGift comes here")
    };
    let _write = state.writer.lock().await;
    let mut tx = state.orders_pool.begin_with(crate::db::BEGIN_WRITE).await?;
    if let Some(stored) = cart::stored_answer(&mut tx, session, id).await? {
        return Ok(stored);
    }
    // A refusal here writes nothing: the transaction rolls back when dropped.
    let gift = match check(&state.show, gift_id, *count, *coins) {
        Ok(gift) => gift,
        Err((code, message)) => return Ok(reject(id, code, message)),
    };
    let debit = u64::from(*count)
        .checked_mul(u64::from(gift.coins))
        .and_then(|total| i64::try_from(total).ok())
        .ok_or_else(|| AppError::Ledger(format!("{count} × {gift_id} overflows")))?;
    let total = debit.unsigned_abs();
    let posting = Posting {
        kind: Kind::Gift,
        cause: Some((session, id)),
        gift: Some((gift_id, *count)),
        completion: None,
        entries: vec![
            (ledger::wallet_account(session), -debit),
            (ledger::earnings_account(&state.show.id), debit),
        ],
    };
    let posted = ledger::post(&mut tx, &posting).await?;
    let mut changes = Changes::default();
    if posted.is_some() {
        let show = &state.show;
        changes = community::gifted(&mut tx, show, session, gift_id, total).await?;
        let counted = community::count(&mut tx, show, session, Activity::Gift, *count, now_ms());
        changes.merge(counted.await?);
    }
    // After any reward the gift completed.
    let wallet = ledger::wallet(&mut tx, session).await?;
    let reply = match posted {
        Some(_) => ServerMsg::Ack {
            id: id.clone(),
            cart: None,
            order: None,
            wallet: Some(wallet),
            chat: None,
        },
        None => reject(
            id,
            RejectCode::InsufficientCoins,
            format!("{total} coins needed, {} in the wallet", wallet.coins),
        ),
    };
    // Stored also when refused for want of coins: the same id keeps the same answer.
    cart::store_answer(&mut tx, session, id, &reply).await?;
    tx.commit().await?;
    if let Some(transaction) = posted {
        // Still under the writer lock, so taps and wallet updates leave in commit order.
        community::announce(state, session, changes).await?;
        state.hub.gifted(Tap {
            // As others see the sender now: a club the gift joined shows on the streak.
            from: community::viewer(state, session).await?,
            gift_id: gift_id.clone(),
            count: *count,
            coins: total,
            id: transaction.unsigned_abs(),
            at_ms: now_ms(),
        });
        let changed = ServerMsg::WalletChanged { wallet };
        state.sessions.send(session, connection, &changed);
    }
    Ok(reply)
}

/// The gift, if the command may send it as asked.
fn check<'a>(
    show: &'a ShowFile,
    gift_id: &str,
    count: u32,
    coins: u32,
) -> Result<&'a Gift, (RejectCode, String)> {
    let gift = show.gift(gift_id).ok_or_else(|| {
        let message = format!("no gift {gift_id} in this show");
        (RejectCode::UnknownGift, message)
    })?;
    if !(1..=MAX_GIFT_COUNT).contains(&count) {
        let message = format!("1..={MAX_GIFT_COUNT} gifts at a time");
        return Err((RejectCode::QuantityLimit, message));
    }
    if coins != gift.coins {
        let message = format!("{gift_id} costs {} coins", gift.coins);
        return Err((RejectCode::PriceChanged, message));
    }
    Ok(gift)
}
