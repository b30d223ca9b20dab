//! Flash deals a host starts (studio or API) beside the timeline's: kept in
//! `host_deals`, and in memory while they run, so that pricing — which asks
//! for the running deals on every cart change — never reads the database for
//! them. Starting one asks the database, which every server sharing the show
//! shares, whether a deal on the product runs.

use std::sync::RwLock;

use crate::db::{self, Conn, Pool};
use crate::error::AppError;
use crate::show::DealSpec;

/// A deal a host asks for, before it has an id and a time.
#[derive(Clone, Debug)]
pub struct Request {
    /// Product on deal.
    pub product_id: String,
    /// Deal price per unit, minor units.
    pub price: i64,
    /// Units at the deal price.
    pub quantity: u32,
    /// Units per shopper at the deal price.
    pub per_buyer: u32,
    /// How long it runs, stream milliseconds.
    pub duration_ms: u64,
}

/// The host-started deals that have not ended yet.
#[derive(Default)]
pub struct HostedDeals {
    open: RwLock<Vec<DealSpec>>,
}

fn row_to_spec(row: (i64, String, i64, i64, i64, i64, i64)) -> DealSpec {
    let (id, product_id, price, quantity, per_buyer, start_ms, end_ms) = row;
    DealSpec {
        id: format!("{HOSTED}{id}"),
        product_id,
        price,
        start_ms: u64::try_from(start_ms).unwrap_or(0),
        end_ms: u64::try_from(end_ms).unwrap_or(0),
        quantity: u32::try_from(quantity).unwrap_or(0),
        per_buyer: u32::try_from(per_buyer).unwrap_or(0),
    }
}

/// How the ids of the deals hosts start begin (the timeline's never do).
const HOSTED: &str = "host-";

/// Whether deal `id` is one a host started (not the timeline's).
pub fn is_hosted(id: &str) -> bool {
    id.starts_with(HOSTED)
}

/// The show's host deals that end after stream time `now_ms`, from the database.
async fn open_deals(conn: &mut Conn, show: &str, now_ms: u64) -> Result<Vec<DealSpec>, AppError> {
    let rows: Vec<(i64, String, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, product_id, price_minor, quantity, per_buyer, start_ms, end_ms
         FROM host_deals WHERE show_id = $1 AND end_ms > $2 ORDER BY id",
    )
    .bind(show)
    .bind(i64::try_from(now_ms).unwrap_or(i64::MAX))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(row_to_spec).collect())
}

impl HostedDeals {
    /// The show's host deals that end after stream time `now_ms`, from the database.
    pub async fn load(conn: &mut Conn, show: &str, now_ms: u64) -> Result<HostedDeals, AppError> {
        Ok(HostedDeals {
            open: RwLock::new(open_deals(conn, show, now_ms).await?),
        })
    }

    /// Reads them again: a host started or stopped one on another server sharing the show.
    pub async fn reload(&self, conn: &mut Conn, show: &str, now_ms: u64) -> Result<(), AppError> {
        let open = open_deals(conn, show, now_ms).await?;
        *self.write() = open;
        Ok(())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<DealSpec>> {
        // Plain data: a panic elsewhere leaves it whole.
        self.open.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Vec<DealSpec>> {
        self.open.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The host deals running at stream time `now_ms`.
    pub fn running(&self, now_ms: u64) -> Vec<DealSpec> {
        self.read()
            .iter()
            .filter(|d| (d.start_ms..d.end_ms).contains(&now_ms))
            .cloned()
            .collect()
    }

    /// Records `request` as a deal from stream time `now_ms`, by `who`; `None`
    /// when a host deal on its product runs already (on any server).
    pub async fn start(
        &self,
        pool: &Pool,
        show: &str,
        request: Request,
        now_ms: u64,
        who: &str,
    ) -> Result<Option<DealSpec>, AppError> {
        let end_ms = now_ms.saturating_add(request.duration_ms);
        // why: the deals running are in every server's memory, but each server
        // learns of another's a moment late, so only the database can say "none
        // runs" for all of them. A unique index cannot: a deal stops running when
        // its time is up, not when a row changes. The show's leader or a
        // JetStream compare-and-set would hold only with NATS. So the check and
        // the insert are one statement inside the show's turn (`db::begin_write`),
        // which every writer of the show takes, on every server, on SQLite and
        // PostgreSQL alike: a second host's insert reads the first's once it commits.
        let mut tx = db::begin_write(pool, show).await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO host_deals (show_id, product_id, price_minor, quantity, per_buyer, start_ms, end_ms, started_by)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8
             WHERE NOT EXISTS (SELECT 1 FROM host_deals WHERE show_id = $1 AND product_id = $2 AND end_ms > $6)
             RETURNING id",
        )
        .bind(show)
        .bind(&request.product_id)
        .bind(request.price)
        .bind(i64::from(request.quantity))
        .bind(i64::from(request.per_buyer))
        .bind(i64::try_from(now_ms).unwrap_or(i64::MAX))
        .bind(i64::try_from(end_ms).unwrap_or(i64::MAX))
        .bind(who)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some(id) = id else {
            return Ok(None);
        };
        let spec = DealSpec {
            id: format!("{HOSTED}{id}"),
            product_id: request.product_id,
            price: request.price,
            start_ms: now_ms,
            end_ms,
            quantity: request.quantity,
            per_buyer: request.per_buyer,
        };
        let mut open = self.write();
        open.retain(|d| d.end_ms > now_ms);
        open.push(spec.clone());
        Ok(Some(spec))
    }

    /// Ends host deal `id` at stream time `now_ms`, if it is running; the deal as it was.
    pub async fn stop(
        &self,
        conn: &mut Conn,
        show: &str,
        id: &str,
        now_ms: u64,
    ) -> Result<Option<DealSpec>, AppError> {
        let Some(spec) = self.running(now_ms).into_iter().find(|d| d.id == id) else {
            return Ok(None);
        };
        let Ok(row) = id.trim_start_matches(HOSTED).parse::<i64>() else {
            return Ok(None);
        };
        sqlx::query("UPDATE host_deals SET end_ms = $1 WHERE show_id = $2 AND id = $3")
            .bind(i64::try_from(now_ms.max(spec.start_ms + 1)).unwrap_or(i64::MAX))
            .bind(show)
            .bind(row)
            .execute(conn)
            .await?;
        self.write().retain(|d| d.id != id);
        Ok(Some(spec))
    }
}
