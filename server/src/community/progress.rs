//! Where a viewer stands, read from the database: how others see them (name,
//! club level, latest badge) and their `Progress` (membership, each mission in
//! its current period, badges, journey).

use lapak_protocol::{MissionProgress, Progress, Viewer};

use super::{club, missions};
use crate::db::Conn;
use crate::error::AppError;
use crate::show::ShowFile;

/// How others see the session: its name, Fan Club level and latest badge.
pub async fn identity(conn: &mut Conn, show_id: &str, session: i64) -> Result<Viewer, AppError> {
    let (name, level, badge): (String, Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT s.name, m.level,
                (SELECT b.badge_id FROM badges_earned b
                 WHERE b.session_id = s.id AND b.show_id = $1 ORDER BY b.id DESC LIMIT 1)
         FROM sessions s
         LEFT JOIN club_members m ON m.session_id = s.id AND m.show_id = $1
         WHERE s.id = $2",
    )
    .bind(show_id)
    .bind(session)
    .fetch_one(conn)
    .await?;
    Ok(Viewer {
        id: session.unsigned_abs(),
        name,
        club: level.and_then(|l| u32::try_from(l).ok()),
        badge,
    })
}

/// The session's progress at server time `now_ms`; `you` is its identity.
pub async fn progress(
    conn: &mut Conn,
    show: &ShowFile,
    session: i64,
    you: Viewer,
    now_ms: i64,
) -> Result<Progress, AppError> {
    let day = missions::day(now_ms);
    let completed: Vec<(String, String)> = sqlx::query_as(
        "SELECT mission_id, period_key FROM mission_completions WHERE session_id = $1 AND show_id = $2",
    )
    .bind(session)
    .bind(&show.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut progress = Vec::with_capacity(show.community.missions.len());
    for mission in &show.community.missions {
        let counted = missions::period_count(conn, &show.id, session, mission, &day).await?;
        let period = missions::period_key(mission, &day);
        progress.push(MissionProgress {
            id: mission.id.clone(),
            count: u32::try_from(counted)
                .unwrap_or(u32::MAX)
                .min(mission.target),
            done: completed
                .iter()
                .any(|(id, key)| id == &mission.id && key == &period),
        });
    }
    let badges = sqlx::query_scalar(
        "SELECT badge_id FROM badges_earned WHERE session_id = $1 AND show_id = $2 ORDER BY id",
    )
    .bind(session)
    .bind(&show.id)
    .fetch_all(&mut *conn)
    .await?;
    let done: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT activity FROM activity_counts WHERE session_id = $1 AND show_id = $2",
    )
    .bind(session)
    .bind(&show.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut journey: Vec<_> = done.iter().map(|key| missions::activity(key)).collect();
    journey.sort();
    Ok(Progress {
        you,
        member: club::membership(conn, &show.id, session).await?,
        missions: progress,
        badges,
        journey,
    })
}
