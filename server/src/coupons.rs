//! Coupons in shoppers' wallets. A mission grants one as its reward, in the
//! transaction that completes it; a shopper claims a host's code with
//! `ClaimCoupon` ([`crate::claim`]), one wallet row per code, while the code has claims left. A
//! quote applies a wallet coupon by the one pricing rule
//! ([`lapak_protocol::CouponTerms::off_for`] through `Quote::totals`), and the
//! checkout's transaction takes it for its order only while no order holds it,
//! so a coupon is used once whoever retries. A payment that fails gives it back.

use lapak_protocol::api::coupons::{CouponCode, CouponFigures};
use lapak_protocol::{
    coupon_code, AppliedCoupon, Coupon, CouponProblem, CouponTerms, Off, Quote, WALLET_COUPONS,
};

use crate::clock::now_ms;
use crate::db::Conn;
use crate::error::AppError;
pub use crate::show::community::TermsEntry;

/// Codes one show may have: each is a row a shopper's claim reads.
pub const MAX_CODES_PER_SHOW: i64 = 50;

/// Claims one code may allow.
pub const MAX_CLAIMS: u32 = 100_000;

/// How terms are stored: `off_kind`, `off_value`, `min_spend_minor`.
fn columns(terms: &CouponTerms) -> (&'static str, i64, i64) {
    match terms.off {
        Off::Percent { percent } => ("percent", i64::from(percent), terms.min_spend),
        Off::Amount { minor } => ("amount", minor, terms.min_spend),
    }
}

fn read_terms(kind: &str, value: i64, min_spend: i64) -> CouponTerms {
    let off = if kind == "percent" {
        Off::Percent {
            percent: u32::try_from(value).unwrap_or(0),
        }
    } else {
        Off::Amount { minor: value }
    };
    CouponTerms { off, min_spend }
}

/// A wallet coupon as read: code, terms' columns, expiry, mission, used.
/// The last column is the order that used the coupon, if one did.
type CouponRow = (String, String, i64, i64, i64, Option<String>, Option<i64>);

/// The session's coupons, newest first, used ones too.
pub async fn wallet(conn: &mut Conn, session: i64) -> Result<Vec<Coupon>, AppError> {
    let rows: Vec<CouponRow> = sqlx::query_as(
        "SELECT code, off_kind, off_value, min_spend_minor, expires_at_ms, mission_id, order_id
         FROM coupons WHERE session_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(session)
    .bind(WALLET_COUPONS as i64)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(code, kind, value, min_spend, expires_at_ms, mission_id, order)| Coupon {
                code,
                terms: read_terms(&kind, value, min_spend),
                expires_at_ms,
                mission_id,
                used: order.is_some(),
            },
        )
        .collect())
}

/// Puts a coupon in the session's wallet, unless one with `code` is there:
/// whether it was put.
pub async fn grant(
    conn: &mut Conn,
    session: i64,
    code: &str,
    terms: &CouponTerms,
    expires_at_ms: i64,
    mission_id: Option<&str>,
) -> Result<bool, AppError> {
    let (kind, value, min_spend) = columns(terms);
    let done = sqlx::query(
        "INSERT INTO coupons (session_id, code, off_kind, off_value, min_spend_minor,
                              expires_at_ms, mission_id, granted_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (session_id, code) DO NOTHING",
    )
    .bind(session)
    .bind(code)
    .bind(kind)
    .bind(value)
    .bind(min_spend)
    .bind(expires_at_ms)
    .bind(mission_id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Applies the session's coupon `code` to `quote` at server time `now_ms`, or
/// notes why it does not apply.
pub async fn apply(
    conn: &mut Conn,
    session: i64,
    code: &str,
    now_ms: i64,
    quote: &mut Quote,
) -> Result<(), AppError> {
    let row: Option<(String, i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT off_kind, off_value, min_spend_minor, expires_at_ms, order_id
         FROM coupons WHERE session_id = $1 AND code = $2",
    )
    .bind(session)
    .bind(code)
    .fetch_optional(conn)
    .await?;
    let merchandise = quote.merchandise().unwrap_or(0);
    let applied = match row {
        None => Err(CouponProblem::Unknown),
        Some((.., Some(_order))) => Err(CouponProblem::Used),
        Some((_, _, _, expires_at_ms, _)) if expires_at_ms <= now_ms => Err(CouponProblem::Expired),
        Some((kind, value, min_spend, _, _)) => {
            let terms = read_terms(&kind, value, min_spend);
            match terms.off_for(merchandise) {
                Some(_) => Ok(terms),
                None => Err(CouponProblem::MinSpend { min_spend }),
            }
        }
    };
    match applied {
        Ok(terms) => {
            quote.coupon = Some(AppliedCoupon {
                code: code.to_owned(),
                terms,
            });
        }
        Err(problem) => quote.coupon_problem = Some(problem),
    }
    Ok(())
}

/// Takes the session's coupon `code` for `order_id`: false when an order holds
/// it already or it expired meanwhile.
pub async fn take(
    conn: &mut Conn,
    session: i64,
    code: &str,
    order_id: i64,
    now_ms: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE coupons SET order_id = $1 WHERE session_id = $2 AND code = $3
         AND order_id IS NULL AND expires_at_ms > $4",
    )
    .bind(order_id)
    .bind(session)
    .bind(code)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives back the coupon `order_id` took, if it took one and is still
/// awaiting its payment, which failed. Whether it did.
pub async fn give_back(conn: &mut Conn, order_id: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE coupons SET order_id = NULL WHERE order_id = $1
         AND (SELECT status FROM orders WHERE id = $1)
             IN ('payment_pending', 'awaiting_payment', 'pay_on_delivery')",
    )
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Why a code was not created.
#[derive(Debug, PartialEq, Eq)]
pub enum NotCreated {
    /// The show has a code spelled so.
    Exists,
    /// The show has [`MAX_CODES_PER_SHOW`] codes.
    TooMany,
}

/// Creates `code` for `show`.
pub async fn create(
    conn: &mut Conn,
    show: &str,
    code: &CouponCode,
) -> Result<Result<(), NotCreated>, AppError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM coupon_codes WHERE show_id = $1")
        .bind(show)
        .fetch_one(&mut *conn)
        .await?;
    if count >= MAX_CODES_PER_SHOW {
        return Ok(Err(NotCreated::TooMany));
    }
    let (kind, value, min_spend) = columns(&code.terms);
    let done = sqlx::query(
        "INSERT INTO coupon_codes (show_id, code, off_kind, off_value, min_spend_minor,
                                   expires_at_ms, max_claims, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (show_id, code) DO NOTHING",
    )
    .bind(show)
    .bind(&code.code)
    .bind(kind)
    .bind(value)
    .bind(min_spend)
    .bind(code.expires_at_ms)
    .bind(i64::from(code.max_claims))
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(NotCreated::Exists)
    })
}

/// The show's codes, newest first, with their claims and orders.
pub async fn codes(conn: &mut Conn, show: &str) -> Result<Vec<CouponFigures>, AppError> {
    type Row = (String, String, i64, i64, i64, i64, i64, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.code, c.off_kind, c.off_value, c.min_spend_minor, c.expires_at_ms,
                c.max_claims, c.claims,
                (SELECT COUNT(*) FROM orders o
                 WHERE o.show_id = c.show_id AND o.coupon_code = c.code AND o.status = 'paid')
         FROM coupon_codes c WHERE c.show_id = $1 ORDER BY c.id DESC",
    )
    .bind(show)
    .fetch_all(conn)
    .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(
            |(code, kind, value, min_spend, expires_at_ms, max_claims, claims, orders)| {
                CouponFigures {
                    coupon: CouponCode {
                        code,
                        terms: read_terms(&kind, value, min_spend),
                        expires_at_ms,
                        max_claims: count(max_claims),
                    },
                    claims: count(claims),
                    orders: count(orders),
                }
            },
        )
        .collect())
}

/// Why a claim was refused, with what to tell the shopper.
pub type Refused = (CouponProblem, String);

/// Claims show `show`'s code `text` for the session at `now`: the code into
/// its wallet (whether it was put there: it may hold it already), or why not.
pub async fn claim(
    conn: &mut Conn,
    show: &str,
    session: i64,
    text: &str,
    now: i64,
) -> Result<Result<bool, Refused>, AppError> {
    let Some(code) = coupon_code(text) else {
        return Ok(Err((CouponProblem::Unknown, "not a coupon code".into())));
    };
    let found: Option<(i64, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, off_kind, off_value, min_spend_minor, expires_at_ms
         FROM coupon_codes WHERE show_id = $1 AND code = $2",
    )
    .bind(show)
    .bind(&code)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match found {
        None => Err((
            CouponProblem::Unknown,
            format!("no code {code} in this show"),
        )),
        Some((.., expires_at_ms)) if expires_at_ms <= now => {
            Err((CouponProblem::Expired, format!("{code} has expired")))
        }
        Some((row, kind, value, min_spend, expires_at_ms)) => {
            let terms = read_terms(&kind, value, min_spend);
            let held = sqlx::query_scalar::<_, i64>(
                "SELECT 1 FROM coupons WHERE session_id = $1 AND code = $2",
            )
            .bind(session)
            .bind(&code)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
            let counted = held || sqlx::query(
                "UPDATE coupon_codes SET claims = claims + 1 WHERE id = $1 AND claims < max_claims",
            )
            .bind(row)
            .execute(&mut *conn)
            .await?
            .rows_affected()
                == 1;
            if !counted {
                Err((
                    CouponProblem::AllClaimed,
                    format!("every {code} is claimed"),
                ))
            } else {
                Ok(grant(conn, session, &code, &terms, expires_at_ms, None).await?)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terms_entry_takes_exactly_one_kind_of_off_within_bounds() {
        let entry = |percent_off, amount_off| TermsEntry {
            percent_off,
            amount_off,
            min_spend: 0,
        };
        assert!(entry(None, None).terms().is_err());
        assert!(entry(Some(10), Some(5)).terms().is_err());
        assert!(entry(Some(95), None).terms().is_err());
        assert_eq!(
            entry(None, Some(500)).terms().map(|t| t.off),
            Ok(Off::Amount { minor: 500 })
        );
        let stored = entry(Some(15), None).terms().unwrap();
        let (kind, value, min_spend) = columns(&stored);
        assert_eq!(read_terms(kind, value, min_spend), stored);
    }
}
