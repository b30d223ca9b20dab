//! Coins and gifts. Viewers buy coins by card (`top_up`) and spend them on
//! gifts for the host (`gift`); every movement of coins is a double-entry
//! ledger transaction in the database ([`crate::ledger`]) on the fully synced
//! pool, like orders. Acknowledged gifts gather in memory into streaks and a
//! leaderboard ([`crate::streaks`], in the hub) that the timeline's tick
//! publishes to everyone watching. The host's earnings become money with
//! [`convert_earnings`], the payout step (`payout`).

mod gift;
mod payout;
mod top_up;

pub use gift::{send_gift, SendGift};
pub use payout::{convert_earnings, converted, HostCredit};
// why: the socket reads the wallet here.
pub use crate::ledger::wallet;
pub use top_up::{
    key as top_up_key, pending as pending_top_ups, settle as settle_top_up, top_up, TopUp,
};
