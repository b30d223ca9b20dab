//! Lapak's reference server: serves the viewer and its media, plays the show's
//! timeline (tags and flash deals), runs the show's community (chat, likes, Fan
//! Club, missions), and keeps sessions, carts, stock, orders, coins and
//! progress in SQLite or PostgreSQL (`db`), all over one WebSocket per viewer
//! (`/ws`, protocol in `lapak-protocol`, opened for the pages the show allows:
//! `origins`), and packages live video from the host's encoder as HLS (`live`).
//! A brand's team signs in to its HTTP API (`access`, `api`; docs/api.md).

pub mod access;
mod answers;
mod api;
mod calendar;
mod cart;
mod catalogue;
mod chat_rules;
mod checkout;
mod claim;
mod clock;
pub(crate) mod community;
mod community_state;
mod config;
mod coupons;
mod created;
mod db;
mod deals;
mod details;
mod error;
mod fanout;
mod feed;
mod flood;
mod frame;
mod gifting;
mod hub;
mod ledger;
mod limit;
pub mod live;
mod metrics;
mod origins;
pub mod payment;
mod pending;
mod pinned;
mod pricing;
mod progress;
mod replay;
mod server;
mod show;
mod shows;
mod stage;
mod streaks;
mod sweep;
mod taps;
mod text;
mod timeline;
mod unit;
mod ws;

/// What the unit tests of several modules share.
#[cfg(test)]
mod testing;

pub use clock::now_ms;
pub use config::Config;
pub use error::AppError;
pub use flood::Flood;
pub use gifting::HostCredit;
use limit::Limits;
pub use live::serve::IMMUTABLE;
pub use live::{OnAir, Rendition};
pub use server::{CALLBACK_BURST, CALLBACK_EVERY};
pub use show::Playback;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::task::JoinHandle;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

// why: the transport's modules (the socket, the HTTP API) name these at the root.
pub(crate) use answers::reject;
pub(crate) use server::Server;
pub(crate) use stage::Stage;

use hub::Sessions;
use payment::Payments;
use show::ShowFile;

/// Hard cap on a WebSocket message; frames above `MAX_FRAME_BYTES` are refused more politely.
const HARD_MESSAGE_LIMIT: usize = 1024 * 1024;

/// The Content-Security-Policy of the embed demo pages: what a strict brand
/// site sends, and all the widget needs (docs/embedding.md).
pub const EMBED_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The routes: the socket, health, media, the embed demo pages and the viewer.
pub fn app(state: Arc<Server>) -> Router {
    let viewer = ServeDir::new(&state.dist).fallback(ServeFile::new(state.dist.join("index.html")));
    let pages = state.public.join("embed");
    // The studio is a page of its own: any path under it loads its app.
    let studio = ServeDir::new(&state.studio_dist)
        .fallback(ServeFile::new(state.studio_dist.join("index.html")));
    // The viewer's lazily loaded wasm chunks carry their content hash in their names.
    let chunks = ServeDir::new(state.dist.join("chunks")).append_index_html_on_directories(false);
    let files = Router::new()
        .nest_service(
            "/chunks",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    header::HeaderValue::from_static(IMMUTABLE),
                ))
                .service(chunks),
        )
        // Open to every origin: an embedded widget's video with caption
        // tracks fetches both with CORS (`crossorigin`), as a track on
        // another origin must be.
        .nest_service(
            "/media",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    header::HeaderValue::from_static("*"),
                ))
                .service(ServeDir::new(state.public.join("media"))),
        )
        .nest_service("/studio", studio)
        .nest_service("/embed", ServeDir::new(&pages))
        .fallback_service(viewer)
        // Video is already compressed, and compressing it would break range requests (seeking).
        .layer(
            CompressionLayer::new()
                .compress_when(DefaultPredicate::new().and(NotForContentType::new("video/"))),
        );
    let page = |name: &str| {
        let path = pages.join(name);
        get(move || embed_page(path.clone()))
    };
    let hls = live::serve::routes(state.live.clone());
    Router::new()
        .route("/ws", get(upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .route("/embed-demo", page("demo.html"))
        .route("/embed-hostile", page("hostile.html"))
        .route("/shows/{show}/calendar.ics", get(calendar::event))
        .merge(api::routes(state.clone()))
        .with_state(state)
        .merge(hls)
        .merge(files)
}

/// A demo host page, sent with the strict [`EMBED_CSP`].
async fn embed_page(path: std::path::PathBuf) -> Response {
    match tokio::fs::read_to_string(&path).await {
        Ok(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_SECURITY_POLICY, EMBED_CSP),
            ],
            html,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, path = %path.display(), "embed page missing");
            StatusCode::NOT_FOUND.into_response()
        }
    }
}

/// Which show a socket joins: `/ws?show=<id>`, the default show without it.
#[derive(serde::Deserialize)]
struct Join {
    show: Option<String>,
}

/// Opens a viewer's socket to a show, for the pages that show allows (403 for
/// others, 404 for a show that does not run here).
async fn upgrade(
    upgrade: WebSocketUpgrade,
    headers: HeaderMap,
    Query(join): Query<Join>,
    State(server): State<Arc<Server>>,
) -> Response {
    let Some(stage) = server.stage(join.show.as_deref()) else {
        return (StatusCode::NOT_FOUND, "no such show").into_response();
    };
    if let Err(refused) = stage.origins.admit(&headers) {
        tracing::warn!(%refused, show = %stage.show.id, "socket refused");
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    upgrade
        .max_message_size(HARD_MESSAGE_LIMIT)
        .max_frame_size(HARD_MESSAGE_LIMIT)
        // Explicit, small buffers: the defaults are sized for bulk transfer, not 10k idle viewers.
        // The read buffer is zero-filled whole on the first read, so every connection keeps it
        // resident: 4 KiB holds any command (a larger frame grows it) and measured 12 KiB less
        // per connection than 16 KiB (server/examples/fanout_load.rs).
        .read_buffer_size(4 * 1024)
        .write_buffer_size(16 * 1024)
        .protocols(ws::PROTOCOLS)
        .on_upgrade(move |socket| ws::serve(socket, stage))
}

/// A started server.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Where hosts' encoders publish RTMP; `None` when no show ingests
    /// (no port is taken, so servers of recorded shows run side by side).
    pub rtmp_addr: Option<SocketAddr>,
    ingest: Option<JoinHandle<()>>,
    /// Tells the ingest to close its connections (and so stop its packagers).
    stop_ingest: tokio::sync::watch::Sender<bool>,
    server: JoinHandle<()>,
    answers: JoinHandle<()>,
    flood: Option<JoinHandle<()>>,
    state: Arc<Server>,
}

impl Running {
    /// Stops listening and playing, and closes the database.
    pub async fn stop(self) {
        // First the encoders and their ffmpegs: none may outlive the server.
        let _ = self.stop_ingest.send(true);
        if let Some(ingest) = self.ingest {
            let _ = ingest.await;
        }
        // What the shows' event logs gathered since their last write.
        for stage in self.state.stages() {
            shows::flush_log(&stage).await;
        }
        let tasks = std::mem::take(&mut *self.state.tasks.lock().expect("tasks lock poisoned"));
        for task in &tasks {
            task.abort();
        }
        self.server.abort();
        self.answers.abort();
        if let Some(flood) = self.flood {
            flood.abort();
        }
        let _ = self.server.await;
        for task in tasks {
            let _ = task.await;
        }
        // The shows hold the server: letting go of them lets it be freed.
        self.state
            .stages
            .write()
            .expect("stages lock poisoned")
            .clear();
        self.state.pool.close().await;
        self.state.orders_pool.close().await;
    }

    /// The default show.
    fn default_stage(&self) -> Arc<Stage> {
        self.state
            .stage(None)
            .expect("the default show runs while the server does")
    }

    /// The host's payout step: converts all of the default show's gift earnings
    /// not yet converted into host credits at the show's `host_credit_per_coin`.
    /// `None` when there is nothing to convert. A library call, not a route: the
    /// server has no host authentication.
    pub async fn convert_earnings(&self) -> Result<Option<HostCredit>, AppError> {
        gifting::convert_earnings(&self.default_stage()).await
    }

    /// The default show's stream key (created on first start).
    pub async fn stream_key(&self) -> Result<String, AppError> {
        self.state.live.stream_key(&self.state.default_show).await
    }

    /// Replaces the default show's stream key; the old one stops working for new publishes.
    pub async fn rotate_stream_key(&self) -> Result<String, AppError> {
        live::keys::rotate(&self.state.pool, &self.state.default_show).await
    }

    /// Whether a show that ingests is on air, and its changes; `None` for other shows.
    pub fn on_air(&self, show: &str) -> Option<tokio::sync::watch::Receiver<OnAir>> {
        self.state.live.show(show).map(|show| show.on_air())
    }

    /// The process id of the ffmpeg packaging a show now, if any.
    pub fn packager_pid(&self, show: &str) -> Option<u32> {
        self.state
            .live
            .show(show)
            .and_then(|show| show.packager_pid())
    }

    /// Ends a live show: its encoder is disconnected, publishing is refused and
    /// the recording playlist is closed. `false` for a show that does not ingest.
    pub async fn end_show(&self, show: &str) -> bool {
        match self.state.stage(Some(show)) {
            Some(stage) => shows::end(&stage).await.unwrap_or(false),
            None => false,
        }
    }

    /// The ids of the shows running here, the default show first.
    pub fn show_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .state
            .stages()
            .iter()
            .map(|s| s.show.id.clone())
            .collect();
        ids.sort_by_key(|id| *id != self.state.default_show);
        ids
    }

    /// What the viewer plays for the default show.
    pub fn playback(&self) -> Playback {
        self.default_stage().playback()
    }

    /// Waits until the server stops (it runs until the process ends).
    pub async fn wait(self) {
        let _ = self.server.await;
    }

    /// Serves until the process is asked to stop (Ctrl-C or SIGTERM), then
    /// stops as [`stop`](Running::stop) does, so nothing gathered is lost.
    pub async fn until_stopped(mut self) {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let terminated = async {
            match terminate.as_mut() {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = &mut self.server => return,
            _ = tokio::signal::ctrl_c() => {}
            _ = terminated => {}
        }
        self.stop().await;
    }
}

/// Opens the database, loads the shows, binds and starts serving.
pub async fn start(config: Config) -> Result<Running, AppError> {
    let mut shows = show::load_all(&config.show)?;
    let location = config.location()?;
    let pool = db::open(&location).await?;
    let scheduled = created::load(&pool, &shows).await?;
    shows.extend(scheduled);
    catalogue::seed(&mut *pool.acquire().await?, &shows).await?;
    let orders_pool = db::open_durable(&location).await?;
    let now = now_ms();
    let media_dir = config.media_dir.clone().unwrap_or_else(|| {
        let beside_db = config.db.parent().unwrap_or(std::path::Path::new("."));
        beside_db.join("media")
    });
    let live = Arc::new(live::Live::new(pool.clone(), &media_dir, &shows).await?);
    let nats = match &config.nats {
        Some(url) if location.is_shared() => Some(fanout::connect(url).await?),
        Some(_) => {
            let message =
                "--nats needs --database: servers that share shows share a PostgreSQL database";
            return Err(AppError::Config(message.into()));
        }
        None => None,
    };
    let instance = rand::random();
    let chosen = payment::choose(config.payments.as_deref(), &pool)?;
    let payments = Payments::new(
        chosen.cards,
        Duration::from_secs(10),
        instance,
        db::shared(&pool),
    )
    .with_local(chosen.local, chosen.offered)
    .with_window(Duration::from_secs(config.payment_window_secs));
    let server = Arc::new(Server {
        live: live.clone(),
        pool: pool.clone(),
        orders_pool,
        sessions: Arc::new(Sessions::default()),
        writer: Arc::default(),
        payments: Arc::new(payments),
        allowed_origins: config.allowed_origins,
        limits: Limits {
            burst: config.rate_burst,
            per_second: config.rate_per_second,
            idle: std::time::Duration::from_secs(config.idle_timeout_secs),
        },
        epoch: now as u64,
        instance,
        speed: config.speed,
        nats,
        dist: config.dist,
        studio_dist: config.studio_dist,
        public: config.public,
        rtmp_addr: std::sync::OnceLock::new(),
        api_in_flight: server::KeysInFlight::default(),
        callbacks: limit::Throttle::new(server::CALLBACK_BURST, server::CALLBACK_EVERY),
        stages: Default::default(),
        default_show: shows[0].id.clone(),
        tasks: Default::default(),
    });
    // Taken before anything is charged: the other servers wait for this one's
    // payments while its lease is alive, and no longer.
    if let Some(lease) = pending::keep_alive(server.pool.clone(), server.instance).await? {
        server.keep([lease]);
    }
    let mut conn = server.pool.acquire().await?;
    db::adopt_sessions(&mut conn, &server.default_show).await?;
    drop(conn);
    for show in shows {
        let stage = Arc::new(shows::stage(&server, show, now).await?);
        shows::run(&server, stage, now).await?;
    }
    if let Some(nats) = server.nats.clone() {
        server.keep([tokio::spawn(shows::follow(server.clone(), nats))]);
    }
    let state = server;
    let listener = tokio::net::TcpListener::bind((config.host, config.port)).await?;
    let addr = listener.local_addr()?;
    // Frames are small and often go out back to back (an answer, then the show event
    // it caused). With Nagle's algorithm on, the next answer would wait for the
    // viewer's delayed ACK of the last frame: 40 ms on Linux, up to 200 ms elsewhere.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "cannot set TCP_NODELAY");
        }
    });
    let answers = tokio::spawn(answers::keep_bounded(
        state.pool.clone(),
        state.writer.clone(),
    ));
    let flood = config.flood.map(|flood| {
        let stage = state.stage(None).expect("the default show was just opened");
        tokio::spawn(flood::run(stage, flood))
    });
    let (stop_ingest, stopping) = tokio::sync::watch::channel(false);
    let (rtmp_addr, ingest) = if !live.shows().is_empty() {
        let rtmp = tokio::net::TcpListener::bind((config.host, config.rtmp_port)).await?;
        let rtmp_addr = rtmp.local_addr()?;
        let _ = state.rtmp_addr.set(rtmp_addr);
        let ingest = tokio::spawn(live::ingest::serve(live.clone(), rtmp, stopping));
        (Some(rtmp_addr), Some(ingest))
    } else {
        (None, None)
    };
    let router = app(state.clone());
    let server = tokio::spawn(async move {
        // The peer's address: sign-in throttling counts per address.
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(error) = axum::serve(listener, service).await {
            tracing::error!(%error, "server stopped");
        }
    });
    Ok(Running {
        addr,
        rtmp_addr,
        ingest,
        stop_ingest,
        server,
        answers,
        flood,
        state,
    })
}

/// A show's stream key (`show`, or the first show that ingests), replaced first
/// with `rotate` (the `stream-key` command).
pub async fn stream_key(
    config: &Config,
    show: Option<&str>,
    rotate: bool,
) -> Result<String, AppError> {
    let shows = show::load_all(&config.show)?;
    let ingesting = |s: &&ShowFile| s.ingest().is_some();
    let found = match show {
        Some(id) => shows.iter().find(|s| s.id == id),
        None => shows.iter().find(ingesting),
    };
    let Some(show) = found.filter(ingesting) else {
        return Err(AppError::Show(format!(
            "no show {} ingests RTMP ([video] source = \"ingest\")",
            show.unwrap_or("loaded here")
        )));
    };
    let pool = db::open(&config.location()?).await?;
    let key = if rotate {
        live::keys::rotate(&pool, &show.id).await
    } else {
        live::keys::current(&pool, &show.id).await
    };
    pool.close().await;
    key
}

/// Adds a person to `brand` (the first show file's without it) as `role`, or sets
/// an existing one's role and password (the `add-user` command).
pub async fn add_user(
    config: &Config,
    brand: Option<&str>,
    email: &str,
    role: access::Role,
    password: &str,
) -> Result<String, String> {
    let brand = match brand {
        Some(brand) => brand.to_owned(),
        None => {
            let shows = show::load_all(&config.show).map_err(|e| e.to_string())?;
            shows[0].brand.clone()
        }
    };
    let location = config.location().map_err(|e| e.to_string())?;
    let pool = db::open(&location).await.map_err(|e| e.to_string())?;
    let added = access::users::upsert(&pool, &brand, email, role, password).await;
    pool.close().await;
    let user = added?;
    Ok(format!(
        "{}: {} of brand {}",
        user.email,
        role.as_str(),
        user.brand
    ))
}
