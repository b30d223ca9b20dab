//! Opening a show on the server: its clock, stock, deals, pinned message and
//! chat rules read back from the database, and its own tasks started.

use std::sync::Arc;

use crate::hub::Hub;
use crate::show::{self, ShowFile};
use crate::{
    access, community, db, deals, elapsed, gifting, origins, pending, programme_ms, timeline,
};
use crate::{AppError, Server, Stage};

/// `show` as it stands now: where its timeline is, the deals running, its
/// gifters, likes, pinned message and chat rules.
pub async fn open(server: Arc<Server>, show: ShowFile, now: i64) -> Result<Stage, AppError> {
    let started_at_ms = db::prepare_show(&server.pool, &show, now).await?;
    let speed = server.speed;
    let scene = show.scene_at(elapsed(started_at_ms, now, speed), |stream_ms| {
        programme_ms(started_at_ms, speed, stream_ms)
    });
    let mut conn = server.pool.acquire().await?;
    let gifters = gifting::gifters(&mut conn, &show.id).await?;
    let likes = community::total(&mut conn, &show.id, lapak_protocol::Activity::Like).await?;
    let stream_now = elapsed(started_at_ms, now, speed);
    let hosted_deals = deals::HostedDeals::load(&mut conn, &show.id, stream_now).await?;
    let message = community::pinned::current(&mut conn, &show).await?;
    let rules = community::rules::stored(&mut conn, &show.id).await?;
    access::users::ensure_brand(&mut conn, &show.brand).await?;
    drop(conn);
    // The flag is for the server's operator, so it wins over the show file.
    let origins = origins::Origins::new(if server.allowed_origins.is_empty() {
        show.allowed_origins.clone()
    } else {
        server.allowed_origins.clone()
    });
    let writer = if crate::db::shared(&server.pool) {
        Arc::default()
    } else {
        server.writer.clone()
    };
    let mut stage = Stage {
        server,
        // Replaced below, once the running deals are read from the database.
        hub: Hub::new(show::Scene::default(), Vec::new(), Vec::new(), 0, 0),
        show,
        community: community::Community::default(),
        origins,
        started_at_ms,
        hosted_deals,
        writer,
    };
    let mut running = Vec::new();
    for spec in stage.deals_at(stream_now) {
        running.push(stage.deal(spec).await?);
    }
    stage.hub = Hub::new(scene, running, gifters, likes, stage.epoch);
    stage.hub.restore_pinned_message(message);
    if let Some(on_air) = stage.scheduled_on_air(now) {
        stage.hub.on_air(on_air);
    }
    stage.community.rules.set(rules);
    Ok(stage)
}

/// Starts the show's own tasks: sharing it with the other servers (`--nats`),
/// its timeline, settling its pending payments and, for a show ingested here,
/// its playlists and telling viewers when the host's encoder connects or
/// drops, or the show ends.
pub async fn launch(stage: &Arc<Stage>, now: i64) -> Result<(), AppError> {
    let mut tasks = match &stage.nats {
        Some(nats) => crate::fanout::share(stage, nats).await?,
        None => Vec::new(),
    };
    tasks.extend([
        tokio::spawn(timeline::play(stage.clone(), now)),
        tokio::spawn(pending::resolve_pending(stage.clone())),
    ]);
    if let Some(live) = stage.live.show(&stage.show.id) {
        tasks.push(tokio::spawn(crate::live::playlist::keep(live)));
        stage.hub.keep_log();
        tasks.push(tokio::spawn(crate::replay::log::keep(stage.clone())));
    }
    if let Some(mut watch) = stage.on_air() {
        let stage = stage.clone();
        tasks.push(tokio::spawn(async move {
            // Shared with other servers, the show's state is what its stream
            // says: this server tells only what its own ingest changes (the
            // host's encoder may be connected to another server).
            let mut tell = stage.nats.is_none();
            loop {
                let now = *watch.borrow_and_update();
                if tell {
                    stage.hub.on_air(now);
                }
                tell = true;
                if watch.changed().await.is_err() {
                    break;
                }
            }
        }));
    }
    stage
        .tasks
        .lock()
        .expect("tasks lock poisoned")
        .extend(tasks);
    Ok(())
}
