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
mod cart;
mod catalogue;
mod checkout;
pub(crate) mod community;
mod config;
mod coupons;
mod created;
mod db;
mod deals;
mod details;
mod error;
mod fanout;
mod flood;
mod gifting;
mod hub;
mod limit;
pub mod live;
mod metrics;
mod origins;
pub mod payment;
mod pending;
mod pricing;
mod replay;
mod show;
mod stage;
mod taps;
mod timeline;
mod unit;
mod ws;

/// What the unit tests of several modules share.
#[cfg(test)]
mod testing;

pub use config::Config;
pub use error::AppError;
pub use flood::Flood;
pub use gifting::HostCredit;
use limit::Limits;
pub use live::{OnAir, Rendition};
pub use show::Playback;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

use crate::db::Pool;

use hub::{Hub, Sessions};
use lapak_protocol::{Card, Deal, Money, RejectCode, ServerMsg};
use payment::{Charge, PaymentProvider, TestProvider};
use show::{DealSpec, ShowFile};

/// Hard cap on a WebSocket message; frames above `MAX_FRAME_BYTES` are refused more politely.
const HARD_MESSAGE_LIMIT: usize = 1024 * 1024;

/// What every show on this server shares: storage, payments, limits, files,
/// live video, and the shows themselves.
pub struct Server {
    pool: Pool,
    /// The same database with `synchronous = FULL`, for order and coin transactions.
    orders_pool: Pool,
    sessions: Sessions,
    /// Per-connection limits.
    limits: Limits,
    /// Origins from the operator's flag; they win over every show file's.
    allowed_origins: Vec<String>,
    /// Serializes this process's writes that are no show's (the catalogue,
    /// scheduling), and on SQLite every write: the file has one writer.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Takes the money.
    provider: Box<dyn PaymentProvider>,
    /// How long a charge may take before its payment waits for a lookup instead.
    payment_timeout: Duration,
    /// Payments whose charge is under way.
    in_flight: pending::InFlight,
    /// Identifies this process's event history (its start time).
    epoch: u64,
    /// Identifies this process among the servers sharing the database: it
    /// marks the payments whose charge it has under way.
    instance: i64,
    /// Timeline playback speed (1 = real time).
    speed: u32,
    /// The NATS the shows' events go through, when servers share them.
    nats: Option<fanout::Nats>,
    dist: std::path::PathBuf,
    studio_dist: std::path::PathBuf,
    public: std::path::PathBuf,
    /// Live video of the shows ingested here.
    live: Arc<live::Live>,
    /// Where hosts' encoders publish, once bound (shows that ingest only).
    rtmp_addr: std::sync::OnceLock<SocketAddr>,
    /// API requests whose Idempotency-Key is being answered.
    api_in_flight: api::idempotency::InFlight,
    /// The shows running here, by id.
    stages: std::sync::RwLock<std::collections::BTreeMap<String, Arc<Stage>>>,
    /// The show a viewer joins when the socket names none: the first one loaded.
    default_show: String,
    /// The shows' own tasks (timeline, on-air news), stopped with the server.
    tasks: std::sync::Mutex<Vec<JoinHandle<()>>>,
}

impl Server {
    /// The show `id` runs here (the default show for `None`).
    pub(crate) fn stage(&self, id: Option<&str>) -> Option<Arc<Stage>> {
        let id = id.unwrap_or(&self.default_show);
        self.stages
            .read()
            .expect("stages lock poisoned")
            .get(id)
            .cloned()
    }

    /// Runs `stage` here from now on.
    pub(crate) fn add_stage(&self, stage: Arc<Stage>) {
        let mut stages = self.stages.write().expect("stages lock poisoned");
        stages.insert(stage.show.id.clone(), stage);
    }

    /// Opens a show scheduled while the server runs: its ingest and its stage,
    /// not yet run (`run_show`).
    pub(crate) async fn open_show(
        self: &Arc<Self>,
        show: ShowFile,
        now: i64,
    ) -> Result<Arc<Stage>, AppError> {
        self.live.add(&show).await?;
        Ok(Arc::new(stage::open(self.clone(), show, now).await?))
    }

    /// Runs an opened show here from now on: its tasks, and viewers may join.
    pub(crate) async fn run_show(&self, stage: Arc<Stage>, now: i64) -> Result<(), AppError> {
        stage::launch(&stage, now).await?;
        self.add_stage(stage);
        Ok(())
    }

    /// Every show running here, by id.
    pub(crate) fn stages(&self) -> Vec<Arc<Stage>> {
        let stages = self.stages.read().expect("stages lock poisoned");
        stages.values().cloned().collect()
    }
}

/// One show running on the server: its file, its event hub, its community and
/// its clock. Every command and request acts on one show, so this is what
/// they are handed; the server's shared parts are reached through it.
pub struct Stage {
    server: Arc<Server>,
    show: ShowFile,
    hub: Hub,
    /// Chat limits, watch clocks and how connected viewers look to others.
    community: community::Community,
    /// The pages that may open the socket to this show.
    origins: origins::Origins,
    started_at_ms: i64,
    /// Flash deals hosts started, beside the timeline's.
    hosted_deals: deals::HostedDeals,
    /// Serializes the show's writes in this process, so its concurrent
    /// commands never race in the database. Each show has its own on
    /// PostgreSQL, where shows write at once; on SQLite it is the server's.
    writer: Arc<tokio::sync::Mutex<()>>,
}

// why: a show's code reads the database, the writer lock and the payment
// provider as often as the show itself; reaching them as `state.pool` keeps
// each command about its show, not about where each part lives.
impl std::ops::Deref for Stage {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.server
    }
}

impl Stage {
    /// What the viewer plays for the show, and whether it is HLS.
    pub fn playback(&self) -> Playback {
        self.show.playback()
    }

    /// Whether the show is on air (and its changes), when its video is ingested here.
    pub fn on_air(&self) -> Option<tokio::sync::watch::Receiver<OnAir>> {
        self.live.show(&self.show.id).map(|show| show.on_air())
    }

    /// Where a show whose picture does not come through this server stands by
    /// its schedule: waiting before its start, then live. `None` for a show
    /// ingested here, whose encoder decides.
    fn scheduled_on_air(&self, now_ms: i64) -> Option<OnAir> {
        if self.live.show(&self.show.id).is_some() {
            return None;
        }
        Some(if now_ms < self.started_at_ms {
            OnAir::Waiting
        } else {
            OnAir::Live
        })
    }

    /// When the show is to begin, if it has not by `now_ms`.
    fn scheduled_start(&self, now_ms: i64) -> Option<i64> {
        (now_ms < self.started_at_ms).then_some(self.started_at_ms)
    }

    /// Stream time at server time `now_ms`.
    fn stream_ms(&self, now_ms: i64) -> u64 {
        elapsed(self.started_at_ms, now_ms, self.speed)
    }

    /// The deals running now.
    fn running_deals(&self) -> Vec<DealSpec> {
        self.deals_at(self.stream_ms(now_ms()))
    }

    /// The deals running at stream time `stream_ms`: the timeline's and the hosts'.
    fn deals_at(&self, stream_ms: u64) -> Vec<DealSpec> {
        let mut deals = self.show.deals_at(stream_ms);
        deals.extend(self.hosted_deals.running(stream_ms));
        deals
    }

    /// Server time at stream time `stream_ms`: the programme date-time of a cue.
    fn wall_ms(&self, stream_ms: u64) -> i64 {
        programme_ms(self.started_at_ms, self.speed, stream_ms)
    }

    /// Marks a payment written now as charged by this process until the charge's
    /// answer is due: `(charging_by, charging_until_ms)`.
    pub(crate) fn charging(&self, now_ms: i64) -> (i64, i64) {
        let due = i64::try_from(self.payment_timeout.as_millis()).unwrap_or(i64::MAX);
        (
            self.instance,
            now_ms.saturating_add(due).saturating_add(1_000),
        )
    }

    /// Pending payments marked by another process are left to it until this
    /// time: now on a database servers share; on an SQLite file, the one
    /// server's, every marker is stale (it is from before a restart).
    pub(crate) fn others_charging_until(&self, now_ms: i64) -> i64 {
        if db::shared(&self.pool) {
            now_ms
        } else {
            i64::MAX
        }
    }

    /// Charges `amount` to `card` under `key`: the provider's answer, or
    /// `Timeout` when it takes longer than [`Server::payment_timeout`].
    async fn charge(&self, key: &str, amount: &Money, card: &Card) -> Charge {
        let charge = self.provider.charge(key, amount, card);
        tokio::time::timeout(self.payment_timeout, charge)
            .await
            .unwrap_or(Charge::Timeout)
    }

    /// A deal as viewers see it, with what is left of it in the database.
    async fn deal(&self, spec: DealSpec) -> Result<Deal, AppError> {
        let mut conn = self.pool.acquire().await?;
        let sold = deals::sold(&mut conn, &self.show.id, &spec.id).await?;
        Ok(Deal {
            product_id: spec.product_id,
            price: self.show.money(spec.price),
            starts_at_ms: self.wall_ms(spec.start_ms),
            ends_at_ms: self.wall_ms(spec.end_ms),
            quantity: spec.quantity,
            remaining: spec.quantity.saturating_sub(sold),
            per_buyer: spec.per_buyer,
            id: spec.id,
        })
    }
}

/// Unix time in milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A `Reject` answer to command `id`.
fn reject(id: &str, code: RejectCode, message: String) -> ServerMsg {
    ServerMsg::Reject {
        id: id.to_owned(),
        code,
        message,
    }
}

/// The Content-Security-Policy of the embed demo pages: what a strict brand
/// site sends, and all the widget needs (docs/embedding.md).
pub const EMBED_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Cache-Control of files whose names change with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

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
            replay::log::flush(&stage).await;
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
            Some(stage) => replay::end(&stage).await.unwrap_or(false),
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
    let server = Arc::new(Server {
        live: live.clone(),
        pool: pool.clone(),
        orders_pool,
        sessions: Sessions::default(),
        writer: Arc::default(),
        provider: Box::new(TestProvider::new(pool)),
        payment_timeout: Duration::from_secs(10),
        in_flight: pending::InFlight::default(),
        allowed_origins: config.allowed_origins,
        limits: Limits {
            burst: config.rate_burst,
            per_second: config.rate_per_second,
            idle: std::time::Duration::from_secs(config.idle_timeout_secs),
        },
        epoch: now as u64,
        instance: rand::random(),
        speed: config.speed,
        nats,
        dist: config.dist,
        studio_dist: config.studio_dist,
        public: config.public,
        rtmp_addr: std::sync::OnceLock::new(),
        api_in_flight: api::idempotency::InFlight::default(),
        stages: Default::default(),
        default_show: shows[0].id.clone(),
        tasks: Default::default(),
    });
    // Taken before anything is charged: the other servers wait for this one's
    // payments while its lease is alive, and no longer.
    if let Some(lease) = pending::keep_alive(server.pool.clone(), server.instance).await? {
        server
            .tasks
            .lock()
            .expect("tasks lock poisoned")
            .push(lease);
    }
    let mut conn = server.pool.acquire().await?;
    db::adopt_sessions(&mut conn, &server.default_show).await?;
    drop(conn);
    for show in shows {
        let stage = Arc::new(stage::open(server.clone(), show, now).await?);
        server.run_show(stage, now).await?;
    }
    if let Some(nats) = server.nats.clone() {
        let follow = tokio::spawn(fanout::follow_shows(server.clone(), nats));
        server
            .tasks
            .lock()
            .expect("tasks lock poisoned")
            .push(follow);
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
    let answers = tokio::spawn(answers::keep_bounded(state.clone()));
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

/// Server time (the programme date-time) at stream time `stream_ms`.
fn programme_ms(started_at_ms: i64, speed: u32, stream_ms: u64) -> i64 {
    let real = stream_ms / u64::from(speed);
    started_at_ms.saturating_add(i64::try_from(real).unwrap_or(i64::MAX))
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

/// Stream time: wall-clock time since the show started, times the playback speed.
fn elapsed(started_at_ms: i64, now_ms: i64, speed: u32) -> u64 {
    u64::try_from(now_ms - started_at_ms)
        .unwrap_or(0)
        .saturating_mul(u64::from(speed))
}
