//! The host's Fan Club, as the database keeps it (`club_members`). A free club
//! is joined with `JoinClub`; a club with a
//! `join_gift` by sending that gift (the acknowledged gift joins, in the gift's
//! transaction). Members earn one point per coin of the gifts they send (the
//! joining gift included) and the points of mission rewards; their level is
//! the number of the club's thresholds their points reach. Joining and each
//! level up are written into the chat.

use lapak_protocol::{ChatEvent, Membership};

use super::Changes;
use crate::db::Conn;
use crate::error::AppError;
use crate::show::ShowFile;

/// The session's membership of the show's club, if it joined.
pub async fn membership(
    conn: &mut Conn,
    show_id: &str,
    session: i64,
) -> Result<Option<Membership>, AppError> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT level, points FROM club_members WHERE session_id = $1 AND show_id = $2",
    )
    .bind(session)
    .bind(show_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(level, points)| Membership {
        level: u32::try_from(level).unwrap_or(1),
        points: u32::try_from(points).unwrap_or(u32::MAX),
    }))
}

/// Joins the club at `now`: what changed, `None` for a member already or when
/// the show has none. Counting `join_club` is the caller's ([`super::join_club`]).
pub async fn join(
    conn: &mut Conn,
    show: &ShowFile,
    session: i64,
    now: i64,
) -> Result<Option<Changes>, AppError> {
    if show.community.club.is_none() {
        return Ok(None);
    }
    let joined = sqlx::query(
        "INSERT INTO club_members (session_id, show_id, points, level, joined_at_ms) VALUES ($1, $2, 0, 1, $3)
         ON CONFLICT (session_id, show_id) DO NOTHING",
    )
    .bind(session)
    .bind(&show.id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if joined.rows_affected() == 0 {
        return Ok(None);
    }
    Ok(Some(Changes {
        progress: true,
        identity: true,
        lines: vec![ChatEvent::JoinedClub],
        ..Changes::default()
    }))
}

/// Adds points to a member (nothing for others), moving them up a level when
/// the points reach it.
pub async fn add_points(
    conn: &mut Conn,
    show: &ShowFile,
    session: i64,
    points: u32,
) -> Result<Changes, AppError> {
    let Some(club) = show.community.club() else {
        return Ok(Changes::default());
    };
    let Some(before) = membership(conn, &show.id, session).await? else {
        return Ok(Changes::default());
    };
    let points = before.points.saturating_add(points);
    let level = club.level(points);
    sqlx::query(
        "UPDATE club_members SET points = $1, level = $2 WHERE session_id = $3 AND show_id = $4",
    )
    .bind(i64::from(points))
    .bind(i64::from(level))
    .bind(session)
    .bind(&show.id)
    .execute(&mut *conn)
    .await?;
    let up = level > before.level;
    Ok(Changes {
        progress: true,
        identity: up,
        lines: if up {
            vec![ChatEvent::LevelUp { level }]
        } else {
            Vec::new()
        },
        ..Changes::default()
    })
}
