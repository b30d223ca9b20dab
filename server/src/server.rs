//! What every show on this server shares, and the shows running here.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tokio::task::JoinHandle;

use crate::db::{Pool, Writer};
use crate::fanout::Nats;
use crate::hub::Sessions;
use crate::limit::Limits;
use crate::live::Live;
use crate::payment::Payments;
use crate::stage::Stage;

/// What every show on this server shares: storage, payments, limits, files,
/// live video, and the shows themselves. The HTTP API's state; a show's
/// Payment callbacks a provider may send at once: far more than a show's
/// orders settle in a moment, far fewer than a flood.
pub const CALLBACK_BURST: u32 = 200;
/// Then one callback per provider every this long (200 a second).
pub const CALLBACK_EVERY: std::time::Duration = std::time::Duration::from_millis(5);

/// commands are handed its [`Stage`], which holds the parts they need.
pub struct Server {
    /// The database.
    pub(crate) pool: Pool,
    /// The same database with `synchronous = FULL`, for order and coin transactions.
    pub(crate) orders_pool: Pool,
    pub(crate) sessions: Arc<Sessions>,
    /// Per-connection limits.
    pub(crate) limits: Limits,
    /// Origins from the operator's flag; they win over every show file's.
    pub(crate) allowed_origins: Vec<String>,
    /// Serializes this process's writes that are no show's (the catalogue,
    /// scheduling), and on SQLite every write: the file has one writer.
    pub(crate) writer: Writer,
    /// Takes the money.
    pub(crate) payments: Arc<Payments>,
    /// Identifies this process's event history (its start time).
    pub(crate) epoch: u64,
    /// Identifies this process among the servers sharing the database.
    pub(crate) instance: i64,
    /// Timeline playback speed (1 = real time).
    pub(crate) speed: u32,
    /// The NATS the shows' events go through, when servers share them.
    pub(crate) nats: Option<Nats>,
    pub(crate) dist: PathBuf,
    pub(crate) studio_dist: PathBuf,
    pub(crate) public: PathBuf,
    /// Live video of the shows ingested here.
    pub(crate) live: Arc<Live>,
    /// Where hosts' encoders publish, once bound (shows that ingest only).
    pub(crate) rtmp_addr: OnceLock<SocketAddr>,
    /// API requests whose Idempotency-Key is being answered.
    pub(crate) api_in_flight: KeysInFlight,
    /// Payment callbacks admitted per provider ([`CALLBACK_BURST`], then [`CALLBACK_EVERY`]).
    pub(crate) callbacks: crate::limit::Throttle<&'static str>,
    /// The shows running here, by id.
    pub(crate) stages: RwLock<BTreeMap<String, Arc<Stage>>>,
    /// The show a viewer joins when the socket names none: the first one loaded.
    pub(crate) default_show: String,
    /// The shows' own tasks (timeline, on-air news), stopped with the server.
    pub(crate) tasks: Mutex<Vec<JoinHandle<()>>>,
}

/// The API's Idempotency-Keys whose first request is still running, by credential.
#[derive(Default)]
pub struct KeysInFlight(pub(crate) Mutex<HashSet<(String, String)>>);

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

    /// Every show running here, by id.
    pub(crate) fn stages(&self) -> Vec<Arc<Stage>> {
        let stages = self.stages.read().expect("stages lock poisoned");
        stages.values().cloned().collect()
    }

    /// Keeps `tasks` running until the server stops.
    pub(crate) fn keep(&self, tasks: impl IntoIterator<Item = JoinHandle<()>>) {
        self.tasks
            .lock()
            .expect("tasks lock poisoned")
            .extend(tasks);
    }
}
