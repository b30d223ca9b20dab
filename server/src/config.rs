//! Command-line flags, each with an environment variable fallback.
use std::net::IpAddr;
use std::path::PathBuf;

/// How to run the server.
#[derive(Clone, Debug, clap::Parser)]
#[command(
    name = "lapak-server",
    about = "Lapak's reference server: the demo show, carts, WebSockets"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "LAPAK_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, env = "LAPAK_PORT", default_value_t = 8080)]
    pub port: u16,
    /// SQLite database file (created, with its folder, if missing), unless
    /// `--database` names a PostgreSQL database.
    #[arg(long, env = "LAPAK_DB", default_value = "data/lapak.db", global = true)]
    pub db: PathBuf,
    /// A PostgreSQL database to keep the data in instead of the SQLite file:
    /// `postgres://user@host:port/name`.
    #[arg(long, env = "LAPAK_DATABASE", global = true)]
    pub database: Option<String>,
    /// NATS with JetStream, for servers that share their shows
    /// (`nats://host:port`; docs/scaling.md). They must share one PostgreSQL
    /// database too.
    #[arg(long, env = "LAPAK_NATS")]
    pub nats: Option<String>,
    /// The show files to run, all at once: repeat the flag, or separate them
    /// with commas in the variable. The first is the default show, joined by a
    /// socket that names none.
    #[arg(
        long,
        env = "LAPAK_SHOW",
        default_value = "server/shows/demo.toml",
        value_delimiter = ',',
        global = true
    )]
    pub show: Vec<PathBuf>,
    /// The built viewer (`trunk build` output).
    #[arg(long, env = "LAPAK_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// The built studio (`trunk build` in `studio/`), served at `/studio/`.
    #[arg(long, env = "LAPAK_STUDIO_DIST", default_value = "dist-studio")]
    pub studio_dist: PathBuf,
    /// Folder whose `media/` holds the stream and images.
    #[arg(long, env = "LAPAK_PUBLIC", default_value = "public")]
    pub public: PathBuf,
    /// Port of the RTMP listener hosts' encoders publish to
    /// (`rtmp://HOST:PORT/live/<stream key>`); 0 picks a free one.
    #[arg(long, env = "LAPAK_RTMP_PORT", default_value_t = 1935)]
    pub rtmp_port: u16,
    /// Folder the live shows' HLS is written to (`<show id>/run-<N>/`), and kept
    /// for replays; `media/` beside the database without it, so servers with
    /// their own databases never share media.
    #[arg(long, env = "LAPAK_MEDIA_DIR")]
    pub media_dir: Option<PathBuf>,
    /// Seconds of silence after which a connection is closed.
    #[arg(long, env = "LAPAK_IDLE_TIMEOUT_SECS", default_value_t = 45)]
    pub idle_timeout_secs: u64,
    /// Frames a connection may send in a burst before it is rate limited.
    #[arg(long, env = "LAPAK_RATE_BURST", default_value_t = 40)]
    pub rate_burst: u32,
    /// Frames per second a connection may keep sending.
    #[arg(long, env = "LAPAK_RATE_PER_SECOND", default_value_t = 10)]
    pub rate_per_second: u32,
    /// The brand's payment providers (docs/payments.md); without it, the
    /// test provider takes every method, offline.
    #[arg(long, env = "LAPAK_PAYMENTS")]
    pub payments: Option<PathBuf>,
    /// How long an order paid by QRIS, an e-wallet or a virtual account waits
    /// for its payment before its request expires and its stock goes back.
    #[arg(long, env = "LAPAK_PAYMENT_WINDOW_SECS", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub payment_window_secs: u64,
    /// Timeline playback speed: 20 plays a 30-minute show in 90 s (soak tests).
    #[arg(long, env = "LAPAK_SPEED", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub speed: u32,
    /// Origins whose pages may open the socket (`https://shop.example`), instead
    /// of the show file's `allowed_origins`: repeat the flag, or separate them
    /// with commas in the variable. Without it, the show file decides.
    #[arg(long = "allowed-origin", env = "LAPAK_ALLOWED_ORIGINS", value_delimiter = ',', value_parser = crate::origins::parse)]
    pub allowed_origins: Vec<String>,
    /// Benchmarks only: stream a synthetic mix of show events, per second of each
    /// kind, e.g. `chat=400,likes=400,gifts=100,stock=50,pins=50` (the stock it
    /// announces is made up).
    #[arg(long, env = "LAPAK_FLOOD")]
    pub flood: Option<crate::flood::Flood>,
}

impl Config {
    /// Where the data lives: `--database` when given, else the SQLite file `--db`.
    pub fn location(&self) -> Result<crate::db::Location, crate::error::AppError> {
        crate::db::Location::new(self.database.as_deref(), &self.db)
    }
}
