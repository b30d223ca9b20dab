//! The shows running on this server: opening one (its clock, stock, deals,
//! pinned message and chat rules read back from the database), starting its
//! own tasks, and opening those other servers schedule.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::task::JoinHandle;

use crate::chat_rules;
use crate::clock::{elapsed, now_ms, programme_ms, Clock};
use crate::community_state::Community;
use crate::error::AppError;
use crate::fanout::Nats;
use crate::hub::Hub;
use crate::replay::{self, log};
use crate::server::Server;
use crate::show::{self, ShowFile};
use crate::stage::Stage;
use crate::{access, created, db, deals, fanout, origins, pinned, progress, sweep, timeline};

/// Opens a show: its ingest and its stage, not yet run ([`run`]).
pub async fn open(server: &Server, show: ShowFile, now: i64) -> Result<Arc<Stage>, AppError> {
    server.live.add(&show).await?;
    Ok(Arc::new(stage(server, show, now).await?))
}

/// Runs an opened show here from now on: its tasks, and viewers may join.
pub async fn run(server: &Server, stage: Arc<Stage>, now: i64) -> Result<(), AppError> {
    let tasks = launch(&stage, server.nats.as_ref(), now).await?;
    server.keep(tasks);
    server.add_stage(stage);
    Ok(())
}

/// `show` as it stands now: where its timeline is, the deals running, its
/// gifters, likes, pinned message and chat rules.
pub async fn stage(server: &Server, show: ShowFile, now: i64) -> Result<Stage, AppError> {
    let stock: Vec<(&str, &str, u32)> = (show.products.iter())
        .flat_map(|p| {
            p.variants
                .iter()
                .map(|v| (p.id.as_str(), v.id.as_str(), v.stock))
        })
        .collect();
    let starts_at_ms = show.starts_at_ms();
    let started_at_ms = db::prepare_show(&server.pool, &show.id, starts_at_ms, &stock, now).await?;
    let speed = server.speed;
    let scene = show.scene_at(elapsed(started_at_ms, now, speed), |stream_ms| {
        programme_ms(started_at_ms, speed, stream_ms)
    });
    let mut conn = server.pool.acquire().await?;
    let gifters = progress::gifters(&mut conn, &show.id).await?;
    let likes = progress::total(&mut conn, &show.id, lapak_protocol::Activity::Like).await?;
    let stream_now = elapsed(started_at_ms, now, speed);
    let hosted_deals = deals::HostedDeals::load(&mut conn, &show.id, stream_now).await?;
    let message = pinned::current(&mut conn, &show.id, show.community.pinned()).await?;
    let rules = chat_rules::stored(&mut conn, &show.id).await?;
    access::users::ensure_brand(&mut conn, &show.brand).await?;
    drop(conn);
    // The flag is for the server's operator, so it wins over the show file.
    let origins = origins::Origins::new(if server.allowed_origins.is_empty() {
        show.allowed_origins.clone()
    } else {
        server.allowed_origins.clone()
    });
    let writer = if db::shared(&server.pool) {
        Arc::default()
    } else {
        server.writer.clone()
    };
    let mut stage = Stage {
        // Replaced below, once the running deals are read from the database.
        hub: Hub::new(show::Scene::default(), Vec::new(), Vec::new(), 0, 0),
        show,
        community: Community::default(),
        origins,
        clock: Clock {
            started_at_ms,
            speed,
        },
        hosted_deals,
        pool: server.pool.clone(),
        orders_pool: server.orders_pool.clone(),
        writer,
        payments: server.payments.clone(),
        sessions: server.sessions.clone(),
        limits: server.limits,
        live: server.live.clone(),
        instance: server.instance,
        paid: tokio::sync::watch::Sender::new(0),
    };
    let mut running = Vec::new();
    for spec in stage.deals_at(stream_now) {
        running.push(stage.deal(spec).await?);
    }
    stage.hub = Hub::new(scene, running, gifters, likes, server.epoch);
    stage.hub.restore_pinned_message(message);
    if let Some(on_air) = stage.scheduled_on_air(now) {
        stage.hub.on_air(on_air);
    }
    stage.community.rules.set(rules);
    Ok(stage)
}

/// Starts the show's own tasks: sharing it with the other servers (`--nats`,
/// and following the chat rules they set), its timeline, settling its pending
/// payments and, for a show ingested here, its playlists and telling viewers
/// when the host's encoder connects or drops, or the show ends. The tasks, to
/// stop with the server.
async fn launch(
    stage: &Arc<Stage>,
    nats: Option<&Nats>,
    now: i64,
) -> Result<Vec<JoinHandle<()>>, AppError> {
    let mut tasks = match nats {
        Some(nats) => {
            let mut tasks = fanout::share(stage, nats).await?;
            tasks.push(tokio::spawn(follow_chat_rules(stage.clone())));
            tasks
        }
        None => Vec::new(),
    };
    tasks.extend([
        tokio::spawn(timeline::play(stage.clone(), now)),
        tokio::spawn(sweep::resolve_pending(stage.clone())),
    ]);
    if let Some(live) = stage.live.show(&stage.show.id) {
        tasks.push(tokio::spawn(crate::live::playlist::keep(live)));
        stage.hub.keep_log();
        tasks.push(tokio::spawn(keep_log(stage.clone())));
    }
    if let Some(mut watch) = stage.on_air() {
        let stage = stage.clone();
        let shared = nats.is_some();
        tasks.push(tokio::spawn(async move {
            // Shared with other servers, the show's state is what its stream
            // says: this server tells only what its own ingest changes (the
            // host's encoder may be connected to another server).
            let mut tell = !shared;
            let mut was = *watch.borrow();
            loop {
                let now = *watch.borrow_and_update();
                if tell {
                    stage.hub.on_air(now);
                }
                // Only a brand that offers the replay has it pushed (`[after]`).
                if now == lapak_protocol::OnAir::Ended && was != now && stage.show.after.is_replay()
                {
                    tokio::spawn(tell_replay(stage.clone()));
                }
                was = now;
                tell = true;
                if watch.changed().await.is_err() {
                    break;
                }
            }
        }));
    }
    Ok(tasks)
}

/// How often an ended show's replay is looked for, until it opens.
const REPLAY_EVERY: Duration = Duration::from_millis(250);

/// Once the show that just ended here can be replayed (its last packager
/// finished and the recording closed), tells every viewer where
/// (`ReplayReady`), so those who watched the end are offered it without a
/// reload. Gives up if the brand removes the replay first, or the closed
/// recording leaves nothing to replay.
async fn tell_replay(stage: Arc<Stage>) {
    let Some(live) = stage.live.show(&stage.show.id) else {
        return;
    };
    let mut every = tokio::time::interval(REPLAY_EVERY);
    loop {
        every.tick().await;
        if live.replay_settings().removed {
            return;
        }
        match stage.replay() {
            Some(replay) => return stage.hub.replay_ready(replay),
            None if live.rendered().closed => return,
            None => {}
        }
    }
}

/// How often a show that servers share reads its chat rules again.
const CHAT_RULES_EVERY: Duration = Duration::from_secs(1);

/// Puts in force the chat rules a moderator set on any server sharing the
/// show, every [`CHAT_RULES_EVERY`]: a second's lag at most for slow mode and
/// blocked words set elsewhere.
async fn follow_chat_rules(stage: Arc<Stage>) {
    let mut every = tokio::time::interval(CHAT_RULES_EVERY);
    loop {
        every.tick().await;
        if let Err(error) = stage.refresh_chat_rules().await {
            tracing::warn!(%error, "cannot read the show's chat rules");
        }
    }
}

/// Ends `stage`'s show: kept as ended (its replay opens, also after a
/// restart) with the hub's tally of it, then its encoder is disconnected, publishing refused, the
/// recording closed and viewers told. `false` for a show that does not ingest.
pub async fn end(stage: &Stage) -> Result<bool, AppError> {
    let Some(live) = stage.live.show(&stage.show.id) else {
        return Ok(false);
    };
    let figures = stage.hub.figures();
    let kept = crate::metrics::Kept {
        peak: figures.peak,
        minutes: figures.minutes,
        adds: figures.adds,
    };
    let mut tx = stage.pool.begin().await?;
    replay::end(&mut tx, &stage.show.id, now_ms()).await?;
    crate::metrics::keep(&mut tx, &stage.show.id, &kept).await?;
    tx.commit().await?;
    live.end();
    Ok(true)
}

/// Writes the show's gathered events to its log every [`FLUSH`](log::FLUSH),
/// until the task is dropped.
async fn keep_log(stage: Arc<Stage>) {
    let mut stored = match stage.pool.acquire().await {
        Ok(mut conn) => log::stored_bytes(&mut conn, &stage.show.id)
            .await
            .unwrap_or(0),
        Err(_) => 0,
    };
    let mut interval = tokio::time::interval(log::FLUSH);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match write_log(&stage, stored).await {
            Ok(written) => stored += written,
            Err(error) => tracing::error!(show = %stage.show.id, %error, "cannot keep events"),
        }
    }
}

/// Writes what the hub gathered for the show's log now (the server is stopping).
pub async fn flush_log(stage: &Stage) {
    if let Err(error) = write_log(stage, 0).await {
        tracing::error!(show = %stage.show.id, %error, "cannot keep the last events");
    }
}

/// Writes the gathered events as one row of the log, unless the log is full
/// with the `stored` bytes; the bytes written.
async fn write_log(stage: &Stage, stored: i64) -> Result<i64, AppError> {
    // why: events are taken from the hub only once the lock is held, and written
    // before it is let go. A write the stopping server cuts short while it waits
    // has taken nothing, and the last flush waits for one under way.
    let _write = stage.writer.lock().await;
    let events = stage.hub.take_log();
    let Some(row) = log::Row::of(&events)? else {
        return Ok(0);
    };
    let bytes = row.bytes();
    if stored + bytes > log::MAX_LOG_BYTES {
        tracing::warn!(show = %stage.show.id, "event log full: later events are not kept");
        return Ok(0);
    }
    // Read under the lock the removal holds, so no write lands after it.
    let live = stage.live.show(&stage.show.id);
    if live.is_some_and(|live| live.replay_settings().removed) {
        // Removed while on air: nothing is kept for a replay there will not be.
        return Ok(0);
    }
    log::append(&stage.pool, &stage.show.id, &row).await?;
    Ok(bytes)
}

/// Opens here every show another server schedules, as it is scheduled.
pub async fn follow(server: Arc<Server>, nats: Nats) {
    let Some(mut scheduled) = fanout::scheduled(&nats).await else {
        return;
    };
    while let Some(id) = scheduled.next().await {
        if server.stage(Some(&id)).is_some() {
            continue;
        }
        let now = now_ms();
        let opened = match created::one(&server.pool, &id).await {
            Ok(Some(show)) => match open(&server, show, now).await {
                Ok(stage) => run(&server, stage, now).await,
                Err(error) => Err(error),
            },
            Ok(None) => continue,
            Err(error) => Err(error),
        };
        match opened {
            Ok(()) => {
                tracing::info!(show = %id, "a show scheduled on another server runs here too")
            }
            Err(error) => {
                tracing::error!(%error, show = %id, "cannot open a show scheduled elsewhere")
            }
        }
    }
}
