//! Lapak's reference server: serves the viewer and its media, plays the show's
//! timeline, and keeps sessions, carts and stock in SQLite, all over one
//! WebSocket per viewer (`/ws`, protocol in `lapak-protocol`).

mod cart;
mod config;
mod db;
mod error;
mod hub;
mod limit;
mod show;
mod ws;

pub use config::Config;
pub use error::AppError;
use limit::Limits;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use sqlx::SqlitePool;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use hub::{Hub, Sessions};
use show::ShowFile;

/// How often the timeline checks for due cues.
const TICK: Duration = Duration::from_millis(200);
/// Hard cap on a WebSocket message; frames above `MAX_FRAME_BYTES` are refused more politely.
const HARD_MESSAGE_LIMIT: usize = 1024 * 1024;

/// Everything a request handler needs; built once at start.
pub struct AppState {
    pool: SqlitePool,
    show: ShowFile,
    hub: Hub,
    sessions: Sessions,
    /// Per-connection limits.
    limits: Limits,
    /// Serializes cart writes so that concurrent commands never race inside SQLite.
    writer: tokio::sync::Mutex<()>,
    /// Identifies this process's event history (its start time).
    epoch: u64,
    started_at_ms: i64,
    /// Timeline playback speed (1 = real time).
    speed: u32,
    dist: std::path::PathBuf,
    public: std::path::PathBuf,
}

/// Unix time in milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The routes: the socket, health, media and the viewer.
pub fn app(state: Arc<AppState>) -> Router {
    let viewer = ServeDir::new(&state.dist).fallback(ServeFile::new(state.dist.join("index.html")));
    let files = Router::new()
        .nest_service("/media", ServeDir::new(state.public.join("media")))
        .fallback_service(viewer)
        // Video is already compressed, and compressing it would break range requests (seeking).
        .layer(
            CompressionLayer::new()
                .compress_when(DefaultPredicate::new().and(NotForContentType::new("video/"))),
        );
    Router::new()
        .route("/ws", get(upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state)
        .merge(files)
}

async fn upgrade(upgrade: WebSocketUpgrade, State(state): State<Arc<AppState>>) -> Response {
    upgrade
        .max_message_size(HARD_MESSAGE_LIMIT)
        .max_frame_size(HARD_MESSAGE_LIMIT)
        // Explicit, small buffers: the defaults are sized for bulk transfer, not 10k idle viewers.
        .read_buffer_size(16 * 1024)
        .write_buffer_size(16 * 1024)
        .on_upgrade(move |socket| ws::serve(socket, state))
}

/// A started server.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    server: JoinHandle<()>,
    timeline: JoinHandle<()>,
    pool: SqlitePool,
}

impl Running {
    /// Stops listening and playing, and closes the database.
    pub async fn stop(self) {
        self.server.abort();
        self.timeline.abort();
        let _ = self.server.await;
        let _ = self.timeline.await;
        self.pool.close().await;
    }

    /// Waits until the server stops (it runs until the process ends).
    pub async fn wait(self) {
        let _ = self.server.await;
    }
}

/// Opens the database, loads the show, binds and starts serving.
pub async fn start(config: Config) -> Result<Running, AppError> {
    let show = ShowFile::load(&config.show)?;
    let pool = db::open(&config.db).await?;
    let now = now_ms();
    let started_at_ms = db::prepare_show(&pool, &show, now).await?;
    let scene = show.scene_at(elapsed(started_at_ms, now, config.speed));
    let state = Arc::new(AppState {
        pool: pool.clone(),
        hub: Hub::new(scene),
        show,
        sessions: Sessions::default(),
        writer: tokio::sync::Mutex::new(()),
        limits: Limits {
            burst: config.rate_burst,
            per_second: config.rate_per_second,
            idle: std::time::Duration::from_secs(config.idle_timeout_secs),
        },
        epoch: now as u64,
        started_at_ms,
        speed: config.speed,
        dist: config.dist,
        public: config.public,
    });
    let listener = tokio::net::TcpListener::bind((config.host, config.port)).await?;
    let addr = listener.local_addr()?;
    let timeline = tokio::spawn(play(state.clone(), now));
    let router = app(state);
    let server = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "server stopped");
        }
    });
    Ok(Running {
        addr,
        server,
        timeline,
        pool,
    })
}

/// Stream time: wall-clock time since the show started, times the playback speed.
fn elapsed(started_at_ms: i64, now_ms: i64, speed: u32) -> u64 {
    u64::try_from(now_ms - started_at_ms)
        .unwrap_or(0)
        .saturating_mul(u64::from(speed))
}

/// Plays the timeline: every tick, the cues that came due since the last one.
async fn play(state: Arc<AppState>, from_ms: i64) {
    let mut last = elapsed(state.started_at_ms, from_ms, state.speed);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        let now = elapsed(state.started_at_ms, now_ms(), state.speed);
        state.hub.play(&state.show.cues_between(last, now));
        last = now.max(last);
    }
}
