//! The host's Fan Club. A free club is joined with `JoinClub`; a club with a
//! `join_gift` by sending that gift (the acknowledged gift joins, in the gift's
//! transaction). Members earn one point per coin of the gifts they send (the
//! joining gift included) and the points of mission rewards; their level is
//! the number of the club's thresholds their points reach. Joining and each
//! level up are written into the chat.

use lapak_protocol::{Activity, ChatEvent, Membership, RejectCode, ServerMsg};

use super::{missions, Changes};
use crate::db::Conn;
use crate::error::AppError;
use crate::show::ShowFile;
use crate::unit::{Sync, Unit};
use crate::{now_ms, reject, Stage};

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

/// `JoinClub`: joins a free club; already a member, it is simply acknowledged.
pub async fn join_club(state: &Stage, session: i64, id: &str) -> Result<ServerMsg, AppError> {
    let mut command = match Unit::begin(state, session, id, Sync::Normal).await? {
        Ok(command) => command,
        Err(stored) => return Ok(stored),
    };
    let refusal = match &state.show.community.club {
        None => Some("this show has no Fan Club".to_owned()),
        Some(club) => club
            .join_gift
            .as_ref()
            .map(|gift| format!("this Fan Club is joined by sending the {gift} gift")),
    };
    if let Some(message) = refusal {
        return command
            .finish(reject(id, RejectCode::BadRequest, message))
            .await;
    }
    let joined = join(&mut command.tx, &state.show, session).await?;
    command.changes.merge(joined);
    command.finish(super::ack(id)).await
}

/// Joins the club (nothing changes for a member, or when the show has none)
/// and counts `join_club`.
pub async fn join(conn: &mut Conn, show: &ShowFile, session: i64) -> Result<Changes, AppError> {
    if show.community.club.is_none() {
        return Ok(Changes::default());
    }
    let now = now_ms();
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
        return Ok(Changes::default());
    }
    let mut changes = Changes {
        progress: true,
        identity: true,
        lines: vec![ChatEvent::JoinedClub],
        ..Changes::default()
    };
    changes.merge(missions::count(conn, show, session, Activity::JoinClub, 1, now).await?);
    Ok(changes)
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

/// An acknowledged `SendGift` of `gift_id` worth `coins` in all: the club's
/// `join_gift` joins a non-member, and a member earns a point per coin.
pub async fn gifted(
    conn: &mut Conn,
    show: &ShowFile,
    session: i64,
    gift_id: &str,
    coins: u64,
) -> Result<Changes, AppError> {
    let mut changes = Changes::default();
    let joins = show
        .community
        .club
        .as_ref()
        .and_then(|club| club.join_gift.as_ref());
    if joins.is_some_and(|gift| gift == gift_id) {
        changes.merge(join(conn, show, session).await?);
    }
    let points = u32::try_from(coins).unwrap_or(u32::MAX);
    changes.merge(add_points(conn, show, session, points).await?);
    Ok(changes)
}
