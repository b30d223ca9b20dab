//! Counting what viewers do, and the missions those counts complete. Counts
//! are kept per session, show, UTC day and activity; a show-long mission sums
//! the days, a daily one reads today's. Counting runs inside the transaction of
//! the command that did the activity, so the count, the completion and its
//! reward commit together or not at all, and a retried command (answered from
//! its stored answer) never counts again. A completion is a row unique per
//! session, show, mission and period: the reward is granted only by the
//! statement that inserts it, so it is granted exactly once.

use lapak_protocol::{Activity, Period};

use super::club;
use super::Changes;
use crate::coupons;
use crate::db::Conn;
use crate::details::civil_date;
use crate::error::AppError;
use crate::ledger::{self, Kind, Posting};
use crate::show::community::{CouponEntry, MissionEntry};
use crate::show::ShowFile;

/// Every activity with its name in the database (as on the wire).
const ACTIVITIES: [(Activity, &str); 8] = [
    (Activity::WatchSeconds, "watch_seconds"),
    (Activity::Like, "like"),
    (Activity::Comment, "comment"),
    (Activity::AddToCart, "add_to_cart"),
    (Activity::Gift, "gift"),
    (Activity::Share, "share"),
    (Activity::Buy, "buy"),
    (Activity::JoinClub, "join_club"),
];

/// An activity's name in the database.
fn key(activity: Activity) -> &'static str {
    ACTIVITIES
        .iter()
        .find(|(a, _)| *a == activity)
        .map_or("unknown", |(_, key)| key)
}

/// The activity a database name stands for.
pub fn activity(key: &str) -> Activity {
    ACTIVITIES
        .iter()
        .find(|(_, k)| *k == key)
        .map_or(Activity::Unknown, |(a, _)| *a)
}

/// The UTC day of `now_ms`, as `2026-11-23`: a daily mission's period.
pub fn day(now_ms: i64) -> String {
    let (year, month, day) = civil_date(now_ms);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The key of a mission's current period: `show`, or the day for a daily one.
pub fn period_key(mission: &MissionEntry, day: &str) -> String {
    match mission.period {
        Period::Daily => day.to_owned(),
        Period::Show | Period::Unknown => "show".to_owned(),
    }
}

/// Counts `n` of `activity` for the session at server time `now_ms`, then
/// completes (and rewards) the missions that reach their target. What changed
/// for the viewer comes back, to be announced once the transaction commits.
pub async fn count(
    conn: &mut Conn,
    show: &ShowFile,
    session: i64,
    activity: Activity,
    n: u32,
    now_ms: i64,
) -> Result<Changes, AppError> {
    let mut changes = Changes::default();
    if n == 0 {
        return Ok(changes);
    }
    let day = day(now_ms);
    // The LIVE Journey grows on the first of each activity in the show.
    let first = sqlx::query_scalar::<_, i64>(
        "SELECT 1 FROM activity_counts WHERE session_id = $1 AND show_id = $2 AND activity = $3 LIMIT 1",
    )
    .bind(session)
    .bind(&show.id)
    .bind(key(activity))
    .fetch_optional(&mut *conn)
    .await?
    .is_none();
    sqlx::query(
        "INSERT INTO activity_counts (session_id, show_id, activity, day, count) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (session_id, show_id, activity, day) DO UPDATE SET count = activity_counts.count + excluded.count",
    )
    .bind(session)
    .bind(&show.id)
    .bind(key(activity))
    .bind(&day)
    .bind(i64::from(n))
    .execute(&mut *conn)
    .await?;
    changes.progress = first;
    let missions = show.community.missions.iter();
    for mission in missions.filter(|m| m.counts == activity) {
        let counted = period_count(conn, &show.id, session, mission, &day).await?;
        let target = i64::from(mission.target);
        // The viewer sees counts capped at the target: beyond it nothing changes.
        if (counted - i64::from(n)).min(target) != counted.min(target) {
            changes.progress = true;
        }
        if counted >= target {
            let completed = complete(conn, show, session, mission, &day, now_ms).await?;
            changes.merge(completed);
        }
    }
    Ok(changes)
}

/// What the session counted for `mission` in its current period.
pub async fn period_count(
    conn: &mut Conn,
    show_id: &str,
    session: i64,
    mission: &MissionEntry,
    day: &str,
) -> Result<i64, AppError> {
    let daily = mission.period == Period::Daily;
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM activity_counts
         WHERE session_id = $1 AND show_id = $2 AND activity = $3 AND (NOT $4 OR day = $5)",
    )
    .bind(session)
    .bind(show_id)
    .bind(key(mission.counts))
    .bind(daily)
    .bind(day)
    .fetch_one(conn)
    .await?)
}

/// Records the mission complete for this period and grants its reward, unless
/// it was already: then nothing changes.
async fn complete(
    conn: &mut Conn,
    show: &ShowFile,
    session: i64,
    mission: &MissionEntry,
    day: &str,
    now_ms: i64,
) -> Result<Changes, AppError> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO mission_completions (session_id, show_id, mission_id, period_key, completed_at_ms)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (session_id, show_id, mission_id, period_key) DO NOTHING RETURNING id",
    )
    .bind(session)
    .bind(&show.id)
    .bind(&mission.id)
    .bind(period_key(mission, day))
    .bind(now_ms)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(completion) = inserted else {
        return Ok(Changes::default());
    };
    tracing::debug!(session, mission = %mission.id, "mission completed");
    let mut changes = Changes {
        progress: true,
        completed: vec![mission.id.clone()],
        ..Changes::default()
    };
    let reward = &mission.reward;
    if reward.coins > 0 {
        let coins = i64::from(reward.coins);
        let posting = Posting {
            kind: Kind::Reward,
            cause: None,
            gift: None,
            completion: Some(completion),
            entries: vec![
                (ledger::ISSUED.to_owned(), -coins),
                (ledger::wallet_account(session), coins),
            ],
        };
        ledger::post(conn, &posting)
            .await?
            .ok_or_else(|| AppError::Ledger("a reward credit was refused".into()))?;
        changes.wallet = true;
    }
    if let Some(coupon) = reward.coupon.as_ref().and_then(CouponEntry::reward) {
        // One coupon per mission and period, named so that no host's code can be.
        let code = format!("mission:{}:{}", mission.id, period_key(mission, day));
        let hours = i64::from(coupon.valid_hours);
        let expires_at_ms = now_ms.saturating_add(hours * 3_600_000);
        let (terms, id) = (&coupon.terms, Some(mission.id.as_str()));
        changes.wallet |= coupons::grant(conn, session, &code, terms, expires_at_ms, id).await?;
    }
    if reward.points > 0 {
        changes.merge(club::add_points(conn, show, session, reward.points).await?);
    }
    if let Some(badge) = &reward.badge {
        sqlx::query(
            "INSERT INTO badges_earned (session_id, show_id, badge_id, earned_at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (session_id, show_id, badge_id) DO NOTHING",
        )
        .bind(session)
        .bind(&show.id)
        .bind(badge)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
        // The badge viewers show is the latest earned.
        changes.identity = true;
    }
    Ok(changes)
}

/// How many of `activity` all viewers of the show did: its likes, at start.
pub async fn total(conn: &mut Conn, show_id: &str, activity: Activity) -> Result<u64, AppError> {
    let total: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM activity_counts WHERE show_id = $1 AND activity = $2",
    )
    .bind(show_id)
    .bind(key(activity))
    .fetch_one(conn)
    .await?;
    Ok(total.unsigned_abs())
}
