//! `SendGift`: coins from the sender's wallet to the host's earnings. One
//! [`Unit`] of work looks up the command id, debits the wallet only if it
//! holds enough, writes the ledger, counts the gift for the Fan Club and
//! missions and stores the answer: a retry gets that answer and debits
//! nothing, and two tabs of one viewer can never overspend. A refusal (too few
//! coins) writes nothing, so a retry after a top-up is checked again.

use lapak_protocol::{Activity, Gift, RejectCode, ServerMsg, MAX_GIFT_COUNT};

use crate::answers::reject;
use crate::clock::now_ms;
use crate::community;
use crate::error::AppError;
use crate::ledger::{self, Kind, Posting};
use crate::show::ShowFile;
use crate::stage::Stage;
use crate::streaks::Tap;
use crate::unit::{Sync, Unit};

/// A `SendGift` command, as the socket routes it here.
pub struct SendGift<'a> {
    /// Command id.
    pub id: &'a str,
    /// The gift.
    pub gift_id: &'a str,
    /// How many.
    pub count: u32,
    /// The price of one the viewer was shown, in coins.
    pub coins: u32,
}

/// Runs a `SendGift` of session `session` (on `connection`) to its answer.
pub async fn send_gift(
    state: &Stage,
    session: i64,
    connection: u64,
    cmd: SendGift<'_>,
) -> Result<ServerMsg, AppError> {
    let SendGift {
        id,
        gift_id,
        count,
        coins,
    } = cmd;
    let mut unit = match Unit::begin(state, session, id, Sync::Full).await? {
        Ok(unit) => unit,
        Err(answered) => return Ok(answered),
    };
    let gift = match check(&state.show, gift_id, count, coins) {
        Ok(gift) => gift,
        Err((code, message)) => return unit.finish(reject(id, code, message)).await,
    };
    let debit = u64::from(count)
        .checked_mul(u64::from(gift.coins))
        .and_then(|total| i64::try_from(total).ok())
        .ok_or_else(|| AppError::Ledger(format!("{count} × {gift_id} overflows")))?;
    let total = debit.unsigned_abs();
    let posting = Posting {
        kind: Kind::Gift,
        cause: Some((session, id)),
        gift: Some((gift_id, count)),
        completion: None,
        entries: vec![
            (ledger::wallet_account(session), -debit),
            (ledger::earnings_account(&state.show.id), debit),
        ],
    };
    let Some(transaction) = ledger::post(&mut unit.tx, &posting).await? else {
        let wallet = ledger::wallet(&mut unit.tx, session).await?;
        let message = format!("{total} coins needed, {} in the wallet", wallet.coins);
        return unit
            .finish(reject(id, RejectCode::InsufficientCoins, message))
            .await;
    };
    let gifted =
        crate::progress::gifted(&mut unit.tx, &state.show, session, gift_id, total).await?;
    unit.changes.merge(gifted);
    unit.count(Activity::Gift, count).await?;
    // After any reward the gift completed.
    let wallet = ledger::wallet(&mut unit.tx, session).await?;
    let reply = ServerMsg::Ack {
        id: id.to_owned(),
        cart: None,
        order: None,
        wallet: Some(wallet.clone()),
        chat: None,
    };
    let committed = unit.commit(reply).await?;
    // Still under the writer lock, so taps and wallet updates leave in commit order.
    state.hub.gifted(Tap {
        // As others see the sender now: a club the gift joined shows on the streak.
        from: community::viewer(state, session).await?,
        gift_id: gift_id.to_owned(),
        count,
        coins: total,
        id: transaction.unsigned_abs(),
        at_ms: now_ms(),
    });
    let changed = ServerMsg::WalletChanged { wallet };
    state.sessions.send(session, connection, &changed);
    Ok(committed.reply)
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
