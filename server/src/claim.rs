//! `ClaimCoupon`: a shopper claims a host's code for their wallet.

use lapak_protocol::{RejectCode, ServerMsg};

use crate::answers::{ack, reject};
use crate::clock::now_ms;
use crate::coupons;
use crate::error::AppError;
use crate::stage::Stage;
use crate::unit::{Sync, Unit};

/// Runs a `ClaimCoupon` for `text` to its answer: the code into the wallet
/// (every tab hears `WalletChanged`), or a refusal that keeps nothing.
pub async fn claim(
    state: &Stage,
    session: i64,
    id: &str,
    text: &str,
) -> Result<ServerMsg, AppError> {
    let mut unit = match Unit::begin(state, session, id, Sync::Normal).await? {
        Ok(unit) => unit,
        Err(stored) => return Ok(stored),
    };
    let claimed = coupons::claim(&mut unit.tx, &state.show.id, session, text, now_ms()).await?;
    let reply = match claimed {
        Ok(put) => {
            unit.changes.wallet |= put;
            ack(id)
        }
        Err((problem, message)) => reject(id, RejectCode::from(problem), message),
    };
    unit.finish(reply).await
}
