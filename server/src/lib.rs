//! Lapak's reference server: serves the viewer and its media, plays the show's
//! timeline (tags and flash deals), runs the show's community (chat, likes,
//! Fan Club, missions), and keeps sessions, carts, stock, orders, coins and
//! progress in SQLite, all over one WebSocket per viewer (`/ws`, protocol in
//! `lapak-protocol`, opened for the pages the show allows: `origins`), and
//! packages live video from the host's encoder as HLS (`live`). A brand's
//! team signs in to its HTTP API (`access`, `api`; docs/api.md).

pub mod access;
mod answers;
mod api;
mod cart;
mod checkout;
pub(crate) mod community;
mod config;
mod db;
mod deals;
mod details;
mod error;
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
mod show;
mod taps;
mod timeline;
mod unit;
mod ws;

/// What the unit tests of several modules share.
#[cfg(test)]
mod testing;

pub use config::Config;
pub use error::AppError;
pub use gifting::HostCredit;
use limit::Limits;
pub use live::{OnAir, Rendition};
pub use show::Playback;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use sqlx::SqlitePool;
use tokio::task::JoinHandle;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use hub::{Hub, Sessions};
use lapak_protocol::{Card, Deal, Money, RejectCode, ServerMsg};
use payment::{Charge, PaymentProvider, TestProvider};
use show::{DealSpec, ShowFile};

/// Hard cap on a WebSocket message; frames above `MAX_FRAME_BYTES` are refused more politely.
const HARD_MESSAGE_LIMIT: usize = 1024 * 1024;

/// Everything a request handler needs; built once at start.
pub struct AppState {
    pool: SqlitePool,
    /// The same database with `synchronous = FULL`, for order and coin transactions.
    orders_pool: SqlitePool,
    show: ShowFile,
    hub: Hub,
    sessions: Sessions,
    /// Chat limits, watch clocks and how connected viewers look to others.
    community: community::Community,
    /// Per-connection limits.
    limits: Limits,
    /// The pages that may open the socket.
    origins: origins::Origins,
    /// Serializes writes so that concurrent commands never race inside SQLite.
    writer: tokio::sync::Mutex<()>,
    /// Takes the money.
    provider: Box<dyn PaymentProvider>,
    /// How long a charge may take before its payment waits for a lookup instead.
    payment_timeout: Duration,
    /// Payments whose charge is under way.
    in_flight: pending::InFlight,
    /// Identifies this process's event history (its start time).
    epoch: u64,
    started_at_ms: i64,
    /// Timeline playback speed (1 = real time).
    speed: u32,
    dist: std::path::PathBuf,
    studio_dist: std::path::PathBuf,
    public: std::path::PathBuf,
    /// Live video of the show, when it is ingested here.
    live: Arc<live::Live>,
    /// Where hosts' encoders publish, once bound (shows that ingest only).
    rtmp_addr: std::sync::OnceLock<SocketAddr>,
    /// Wrong passwords counted per email and per address.
    throttle: access::throttle::Throttle,
    /// Flash deals hosts started, beside the timeline's.
    hosted_deals: deals::HostedDeals,
    /// API requests whose Idempotency-Key is being answered.
    api_in_flight: api::idempotency::InFlight,
}

impl AppState {
    /// What the viewer plays for the show, and whether it is HLS.
    pub fn playback(&self) -> Playback {
        self.show.playback()
    }

    /// Whether the show is on air (and its changes), when its video is ingested here.
    pub fn on_air(&self) -> Option<tokio::sync::watch::Receiver<OnAir>> {
        self.live.show(&self.show.id).map(|show| show.on_air())
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

    /// Charges `amount` to `card` under `key`: the provider's answer, or
    /// `Timeout` when it takes longer than [`AppState::payment_timeout`].
    async fn charge(&self, key: &str, amount: &Money, card: &Card) -> Charge {
        let charge = self.provider.charge(key, amount, card);
        tokio::time::timeout(self.payment_timeout, charge)
            .await
            .unwrap_or(Charge::Timeout)
    }

    /// A deal as viewers see it, with what is left of it in the database.
    async fn deal(&self, spec: DealSpec) -> Result<Deal, AppError> {
        let mut conn = self.pool.acquire().await?;
        let (sold, _) = deals::units(&mut conn, &spec.id, 0).await?;
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

/// The routes: the socket, health, media, the embed demo pages and the viewer.
pub fn app(state: Arc<AppState>) -> Router {
    let viewer = ServeDir::new(&state.dist).fallback(ServeFile::new(state.dist.join("index.html")));
    let pages = state.public.join("embed");
    // The studio is a page of its own: any path under it loads its app.
    let studio = ServeDir::new(&state.studio_dist)
        .fallback(ServeFile::new(state.studio_dist.join("index.html")));
    let files = Router::new()
        .nest_service("/media", ServeDir::new(state.public.join("media")))
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

/// Opens a viewer's socket, for the pages the show allows (403 for others).
async fn upgrade(
    upgrade: WebSocketUpgrade,
    headers: HeaderMap,
    State(state): State<Arc<AppState>>,
) -> Response {
    if let Err(refused) = state.origins.admit(&headers) {
        tracing::warn!(%refused, "socket refused");
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
        .on_upgrade(move |socket| ws::serve(socket, state))
}

/// A started server.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Where hosts' encoders publish RTMP; `None` when the show does not ingest
    /// (no port is taken, so servers of recorded shows run side by side).
    pub rtmp_addr: Option<SocketAddr>,
    ingest: Option<JoinHandle<()>>,
    /// Tells the ingest to close its connections (and so stop its packagers).
    stop_ingest: tokio::sync::watch::Sender<bool>,
    playlists: Vec<JoinHandle<()>>,
    server: JoinHandle<()>,
    timeline: JoinHandle<()>,
    payments: JoinHandle<()>,
    answers: JoinHandle<()>,
    flood: Option<JoinHandle<()>>,
    state: Arc<AppState>,
}

impl Running {
    /// Stops listening and playing, and closes the database.
    pub async fn stop(self) {
        // First the encoders and their ffmpegs: none may outlive the server.
        let _ = self.stop_ingest.send(true);
        if let Some(ingest) = self.ingest {
            let _ = ingest.await;
        }
        for task in &self.playlists {
            task.abort();
        }
        self.server.abort();
        self.timeline.abort();
        self.payments.abort();
        self.answers.abort();
        if let Some(flood) = self.flood {
            flood.abort();
        }
        let _ = self.server.await;
        let _ = self.timeline.await;
        let _ = self.payments.await;
        self.state.pool.close().await;
        self.state.orders_pool.close().await;
    }

    /// The host's payout step: converts all of the show's gift earnings not yet
    /// converted into host credits at the show's `host_credit_per_coin`. `None`
    /// when there is nothing to convert. A library call, not a route: the server
    /// has no host authentication.
    pub async fn convert_earnings(&self) -> Result<Option<HostCredit>, AppError> {
        gifting::convert_earnings(&self.state).await
    }

    /// The show's stream key (created on first start).
    pub async fn stream_key(&self) -> Result<String, AppError> {
        self.state.live.stream_key(&self.state.show.id).await
    }

    /// Replaces the show's stream key; the old one stops working for new publishes.
    pub async fn rotate_stream_key(&self) -> Result<String, AppError> {
        live::keys::rotate(&self.state.pool, &self.state.show.id).await
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
    pub fn end_show(&self, show: &str) -> bool {
        self.state.live.show(show).map(|show| show.end()).is_some()
    }

    /// What the viewer plays for the show.
    pub fn playback(&self) -> Playback {
        self.state.playback()
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
    let orders_pool = db::open_durable(&config.db).await?;
    let now = now_ms();
    let started_at_ms = db::prepare_show(&pool, &show, now).await?;
    let speed = config.speed;
    let scene = show.scene_at(elapsed(started_at_ms, now, speed), |stream_ms| {
        programme_ms(started_at_ms, speed, stream_ms)
    });
    let mut conn = pool.acquire().await?;
    let gifters = gifting::gifters(&mut conn, &show.id).await?;
    let likes = community::total(&mut conn, &show.id, lapak_protocol::Activity::Like).await?;
    drop(conn);
    // The flag is for the server's operator, so it wins over the show file.
    let origins = origins::Origins::new(if config.allowed_origins.is_empty() {
        show.allowed_origins.clone()
    } else {
        config.allowed_origins
    });
    let media_dir = config.media_dir.clone().unwrap_or_else(|| {
        let beside_db = config.db.parent().unwrap_or(std::path::Path::new("."));
        beside_db.join("media")
    });
    let live = Arc::new(live::Live::new(pool.clone(), &media_dir, &show).await?);
    let mut state = AppState {
        live: live.clone(),
        pool: pool.clone(),
        orders_pool,
        // Replaced below, once the running deals are read from the database.
        hub: Hub::new(show::Scene::default(), Vec::new(), Vec::new(), 0),
        show,
        sessions: Sessions::default(),
        community: community::Community::default(),
        writer: tokio::sync::Mutex::new(()),
        provider: Box::new(TestProvider::new(pool)),
        payment_timeout: Duration::from_secs(10),
        in_flight: pending::InFlight::default(),
        origins,
        limits: Limits {
            burst: config.rate_burst,
            per_second: config.rate_per_second,
            idle: std::time::Duration::from_secs(config.idle_timeout_secs),
        },
        epoch: now as u64,
        started_at_ms,
        speed: config.speed,
        dist: config.dist,
        studio_dist: config.studio_dist,
        public: config.public,
        rtmp_addr: std::sync::OnceLock::new(),
        throttle: access::throttle::Throttle::default(),
        hosted_deals: deals::HostedDeals::default(),
        api_in_flight: api::idempotency::InFlight::default(),
    };
    let mut conn = state.pool.acquire().await?;
    state.hosted_deals =
        deals::HostedDeals::load(&mut conn, &state.show.id, state.stream_ms(now)).await?;
    drop(conn);
    let mut running = Vec::new();
    for spec in state.deals_at(state.stream_ms(now)) {
        running.push(state.deal(spec).await?);
    }
    state.hub = Hub::new(scene, running, gifters, likes);
    let mut conn = state.pool.acquire().await?;
    let message = community::pinned::current(&mut conn, &state.show).await?;
    drop(conn);
    state.hub.restore_pinned_message(message);
    let mut conn = state.pool.acquire().await?;
    let rules = community::rules::stored(&mut conn, &state.show.id).await?;
    drop(conn);
    state.community.rules.set(rules);
    let mut conn = state.pool.acquire().await?;
    access::users::ensure_brand(&mut conn, &state.show.brand).await?;
    drop(conn);
    let state = Arc::new(state);
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
    let timeline = tokio::spawn(timeline::play(state.clone(), now));
    // Viewers hear when the host's encoder connects or drops, or the show ends.
    let on_air = state.on_air().map(|mut watch| {
        let state = state.clone();
        tokio::spawn(async move {
            loop {
                let now = *watch.borrow_and_update();
                state.hub.on_air(now);
                if watch.changed().await.is_err() {
                    break;
                }
            }
        })
    });
    let payments = tokio::spawn(pending::resolve_pending(state.clone()));
    let answers = tokio::spawn(answers::keep_bounded(state.clone()));
    let flood = config
        .flood
        .map(|flood| tokio::spawn(flood::run(state.clone(), flood)));
    let (stop_ingest, stopping) = tokio::sync::watch::channel(false);
    let (rtmp_addr, ingest) = if live.shows().next().is_some() {
        let rtmp = tokio::net::TcpListener::bind((config.host, config.rtmp_port)).await?;
        let rtmp_addr = rtmp.local_addr()?;
        let _ = state.rtmp_addr.set(rtmp_addr);
        let ingest = tokio::spawn(live::ingest::serve(live.clone(), rtmp, stopping));
        (Some(rtmp_addr), Some(ingest))
    } else {
        (None, None)
    };
    // The live show's tasks, stopped with the server: its playlists and its on-air news.
    let playlists = live
        .shows()
        .map(|show| tokio::spawn(live::playlist::keep(show.clone())))
        .chain(on_air)
        .collect();
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
        playlists,
        server,
        timeline,
        payments,
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

/// The show's stream key, replaced first with `rotate` (the `stream-key` command).
pub async fn stream_key(config: &Config, rotate: bool) -> Result<String, AppError> {
    let show = ShowFile::load(&config.show)?;
    if show.ingest().is_none() {
        return Err(AppError::Show(format!(
            "{}: show {} does not ingest RTMP ([video] source = \"ingest\")",
            config.show.display(),
            show.id
        )));
    }
    let pool = db::open(&config.db).await?;
    let key = if rotate {
        live::keys::rotate(&pool, &show.id).await
    } else {
        live::keys::current(&pool, &show.id).await
    };
    pool.close().await;
    key
}

/// Adds a person to `brand` (the show file's without it) as `role`, or sets
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
            ShowFile::load(&config.show)
                .map_err(|e| e.to_string())?
                .brand
        }
    };
    let pool = db::open(&config.db).await.map_err(|e| e.to_string())?;
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
