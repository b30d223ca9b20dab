//! Where a viewer stands, read from the database: how others see them (name,
//! club level, latest badge) and their `Progress` (membership, each mission in
//! its current period, badges, journey).

mod club;
mod missions;

pub use missions::{count, total};

use lapak_protocol::{Activity, ChatEvent, Gifter, MissionProgress, Progress, Viewer};

use crate::clock::now_ms;
use crate::db::Conn;
use crate::error::AppError;
use crate::ledger;
use crate::show::ShowFile;

/// What an activity changed for the viewer, to announce after the commit.
#[derive(Debug, Default)]
pub struct Changes {
    /// Their `Progress` changed: a count a mission shows, the journey, the
    /// membership or badges.
    pub progress: bool,
    /// Missions completed (rewards granted) just now.
    pub completed: Vec<String>,
    /// Their wallet changed: a reward's coins or coupon, a claimed code.
    pub wallet: bool,
    /// How others see them changed (name, club level, badge).
    pub identity: bool,
    /// Lines to write about them in the chat.
    pub lines: Vec<ChatEvent>,
}

impl Changes {
    /// Adds what `other` changed.
    pub fn merge(&mut self, other: Changes) {
        self.progress |= other.progress;
        self.completed.extend(other.completed);
        self.wallet |= other.wallet;
        self.identity |= other.identity;
        self.lines.extend(other.lines);
    }
}

/// Joins the show's club and counts `join_club` (nothing changes for a member,
/// or when the show has none).
pub async fn join_club(
    conn: &mut Conn,
    show: &ShowFile,
    session: i64,
) -> Result<Changes, AppError> {
    let now = now_ms();
    let Some(mut changes) = club::join(conn, show, session, now).await? else {
        return Ok(Changes::default());
    };
    changes.merge(missions::count(conn, show, session, Activity::JoinClub, 1, now).await?);
    Ok(changes)
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
        changes.merge(join_club(conn, show, session).await?);
    }
    let points = u32::try_from(coins).unwrap_or(u32::MAX);
    changes.merge(club::add_points(conn, show, session, points).await?);
    Ok(changes)
}

/// Coins each viewer has sent the show's host, from the ledger's gift
/// transactions, with how they look now (name, club level, latest badge).
pub async fn gifters(conn: &mut Conn, show: &str) -> Result<Vec<Gifter>, AppError> {
    let totals = ledger::gift_totals(conn, show).await?;
    let mut gifters = Vec::with_capacity(totals.len());
    for (session, coins) in totals {
        gifters.push(Gifter {
            viewer: identity(conn, show, session).await?,
            coins: u64::try_from(coins).unwrap_or(0),
        });
    }
    Ok(gifters)
}

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
