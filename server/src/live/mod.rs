//! Live video: hosts publish over RTMP (`ingest`), the server feeds each live
//! show's stream as FLV (`flv`) to an ffmpeg it supervises (`packager`, one per
//! run), cuts ffmpeg's fragmented MP4 into low-latency parts and segments
//! (`cutter`), merges the runs into the show's own HLS playlists (`playlist`)
//! and serves them with the segments and parts (`serve`), holding blocking
//! playlist reloads and hinted parts until they exist.
//!
//! A *run* is one ffmpeg's life. A show gets a new run each time its encoder
//! connects and each time ffmpeg dies while the encoder is still sending; the
//! show's playlists join the runs with discontinuities, so players carry on.

pub mod clock;
pub mod cutter;
pub mod flv;
pub mod ingest;
pub mod keys;
pub mod packager;
pub mod playlist;
mod publication;
pub mod serve;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::{watch, Notify};

use crate::db::Pool;
use crate::show::ShowFile;

pub use publication::Publication;

/// Whether a show is on air, as viewers are told (`ServerMsg::OnAir`).
pub use lapak_protocol::OnAir;

/// A rendition of a live show: the encoder's own video, and an optional lower
/// one for slow connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rendition {
    /// The host's video as sent, copied without encoding.
    Source,
    /// 360 lines, encoded by the server.
    P360,
}

impl Rendition {
    /// Its name in folders and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Rendition::Source => "src",
            Rendition::P360 => "360p",
        }
    }

    /// The rendition a URL or folder names.
    pub fn parse(name: &str) -> Option<Rendition> {
        [Rendition::Source, Rendition::P360]
            .into_iter()
            .find(|r| r.as_str() == name)
    }
}

/// One packager run, as the playlists need to know it. Kept beside the run's
/// files as `run.json`, so a restarted server still lists earlier runs in the
/// recording (their programme clock cannot be recovered from the files).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RunInfo {
    /// Run number (folder `run-<n>`).
    pub n: u32,
    /// Server wall clock (unix ms) when the first frame fed to the run arrived:
    /// the programme date-time of its first segment.
    pub first_frame_ms: i64,
    /// RFC 6381 codec of the source video (`avc1.PPCCLL`).
    pub video_codec: Option<String>,
    /// RFC 6381 codec of the audio (`mp4a.40.2`); `None` without audio.
    pub audio_codec: Option<String>,
    /// Width and height of the source video, as the encoder described it.
    pub resolution: Option<(u32, u32)>,
    /// Frames per second of the source video, as the encoder described it.
    pub frame_rate: Option<f64>,
    /// ffmpeg has exited: its playlist will not grow.
    #[serde(skip)]
    pub finished: bool,
}

/// The playlists of a show, rendered by `playlist` and served by `serve`.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// The master playlist; `None` until the first segment.
    pub master: Option<String>,
    /// The live (sliding window) media playlist of each rendition.
    pub live: HashMap<Rendition, String>,
    /// The recording (every segment) media playlist of each rendition.
    pub recording: HashMap<Rendition, String>,
    /// How many segments each recording playlist lists.
    pub recorded: HashMap<Rendition, usize>,
    /// The live playlists as models, for blocking reloads (which segment and
    /// part they hold) and delta updates (`_HLS_skip`).
    pub live_media: HashMap<Rendition, lapak_protocol::hls::MediaPlaylist>,
    /// Programme time (unix ms) of the recording's first frame and its end.
    pub span: Option<(i64, i64)>,
    /// The playlists have their end (`EXT-X-ENDLIST`): the show ended and its
    /// last packager finished.
    pub closed: bool,
    /// The programme time each listed segment covers, and each init section
    /// (its run's listed segments), by rendition and URI (`run-<n>/<file>`):
    /// which files a trimmed replay still serves.
    pub times: HashMap<Rendition, HashMap<String, (i64, i64)>>,
}

/// What of a show's recording `/hls/<show>/` serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Everything its packagers write: the show has not ended, and its live
    /// audience watches (the brand's trims and removal apply from the end).
    All,
    /// The segments that overlap this programme window, and their init
    /// sections: the ended show's replay as the brand trimmed it.
    Window((i64, i64)),
    /// Nothing: the ended show's replay was removed, or nothing is listed yet.
    Nothing,
}

impl Reach {
    /// Whether a file covering programme time `span` (`None`: listed in no
    /// playlist) is served.
    pub fn serves(self, span: Option<(i64, i64)>) -> bool {
        match self {
            Reach::All => true,
            Reach::Window(window) => span.is_some_and(|span| playlist::overlaps(span, window)),
            Reach::Nothing => false,
        }
    }
}

/// The live side of one show that packages its host's RTMP.
pub struct ShowLive {
    /// Show id.
    pub id: String,
    /// `<media dir>/<show id>`.
    pub dir: PathBuf,
    /// What the packager writes.
    pub renditions: Vec<Rendition>,
    /// The live playlists are low-latency HLS (parts, blocking reloads).
    pub low_latency: bool,
    /// Each run's rendition as its cutter makes it, by run and rendition.
    cuts: Mutex<HashMap<(u32, Rendition), Arc<cutter::Shared>>>,
    /// Wakes the playlists when a cutter has made a part.
    cut_made: Arc<Notify>,
    /// Counts each render of the playlists, for held requests to wait on.
    renders: watch::Sender<u64>,
    on_air: watch::Sender<OnAir>,
    /// Taken by the one encoder allowed to publish.
    publishing: AtomicBool,
    next_run: AtomicU32,
    packager_pid: Mutex<Option<u32>>,
    runs: Mutex<Vec<RunInfo>>,
    rendered: RwLock<Rendered>,
    /// The brand's choices for the replay.
    replay: RwLock<crate::replay::Settings>,
}

impl ShowLive {
    fn new(
        id: String,
        media_dir: &Path,
        rendition_360p: bool,
        low_latency: bool,
        ended: bool,
        replay: crate::replay::Settings,
    ) -> ShowLive {
        let dir = media_dir.join(&id);
        let mut renditions = vec![Rendition::Source];
        if rendition_360p {
            renditions.push(Rendition::P360);
        }
        let runs = earlier_runs(&dir);
        // A show that was live before the server restarted is paused, not waiting.
        let on_air = if ended {
            OnAir::Ended
        } else if runs.is_empty() {
            OnAir::Waiting
        } else {
            OnAir::Paused
        };
        ShowLive {
            next_run: AtomicU32::new(last_run(&dir) + 1),
            id,
            dir,
            renditions,
            low_latency,
            cuts: Mutex::default(),
            cut_made: Arc::default(),
            renders: watch::channel(0).0,
            on_air: watch::channel(on_air).0,
            publishing: AtomicBool::new(false),
            packager_pid: Mutex::new(None),
            runs: Mutex::new(runs),
            rendered: RwLock::new(Rendered::default()),
            replay: RwLock::new(replay),
        }
    }

    /// The brand's choices for the replay.
    pub fn replay_settings(&self) -> crate::replay::Settings {
        *self.replay.read().expect("replay lock poisoned")
    }

    /// Sets them (the caller has stored them).
    pub fn set_replay_settings(&self, settings: crate::replay::Settings) {
        *self.replay.write().expect("replay lock poisoned") = settings;
    }

    /// The replay's programme window, once the show has ended and its
    /// recording is closed, unless the brand removed it or trimmed it away.
    pub fn replay_window(&self) -> Option<(i64, i64)> {
        if *self.on_air.borrow() != OnAir::Ended {
            return None;
        }
        let rendered = self.rendered();
        let span = rendered.span.filter(|_| rendered.closed)?;
        self.replay_settings().window(span)
    }

    /// What of the recording is served now. Once the show has ended, only
    /// what its replay keeps, read from the brand's choices at each request,
    /// so a trim or a removal applies at once.
    pub fn reach(&self) -> Reach {
        if *self.on_air.borrow() != OnAir::Ended {
            return Reach::All;
        }
        let settings = self.replay_settings();
        match self.rendered().span.and_then(|span| settings.window(span)) {
            Some(window) => Reach::Window(window),
            None => Reach::Nothing,
        }
    }

    /// Deletes the recording's files (the replay was removed, and no packager
    /// writes here any more).
    pub async fn delete_recording(&self) {
        match tokio::fs::remove_dir_all(&self.dir).await {
            Ok(()) => tracing::info!(show = %self.id, "recording deleted"),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::error!(show = %self.id, path = %self.dir.display(), %error, "cannot delete the recording")
            }
        }
    }

    /// Whether the show is on air; follow changes with the receiver.
    pub fn on_air(&self) -> watch::Receiver<OnAir> {
        self.on_air.subscribe()
    }

    /// Ends the show: the encoder is disconnected, new publishes are refused and
    /// the recording playlist gets its end.
    pub fn end(&self) {
        self.on_air.send_replace(OnAir::Ended);
    }

    /// The pid of the show's running ffmpeg, if any.
    pub fn packager_pid(&self) -> Option<u32> {
        *self.packager_pid.lock().expect("pid lock poisoned")
    }

    /// The runs so far, oldest first.
    pub fn runs(&self) -> Vec<RunInfo> {
        self.runs.lock().expect("runs lock poisoned").clone()
    }

    /// Records a new run, and keeps its description beside its files.
    fn add_run(&self, run: RunInfo) {
        self.keep_run(&run);
        self.runs.lock().expect("runs lock poisoned").push(run);
    }

    /// The playlists as last rendered.
    pub fn rendered(&self) -> std::sync::RwLockReadGuard<'_, Rendered> {
        self.rendered.read().expect("playlist lock poisoned")
    }

    fn set_rendered(&self, rendered: Rendered) {
        *self.rendered.write().expect("playlist lock poisoned") = rendered;
        self.renders.send_modify(|n| *n += 1);
    }

    /// Changes at each render of the playlists.
    pub fn renders(&self) -> watch::Receiver<u64> {
        self.renders.subscribe()
    }

    /// The cut of run `run`'s `rendition`, while the server that cut it runs.
    pub fn cut(&self, run: u32, rendition: Rendition) -> Option<Arc<cutter::Shared>> {
        let cuts = self.cuts.lock().expect("cuts lock poisoned");
        cuts.get(&(run, rendition)).cloned()
    }

    /// A new run's cuts, one per rendition.
    fn new_cuts(&self, run: u32) -> Vec<(Rendition, Arc<cutter::Shared>)> {
        let mut cuts = self.cuts.lock().expect("cuts lock poisoned");
        // why: runs before the previous one have no parts listed any more;
        // their kept bytes would only grow with each reconnect.
        for (&(n, _), shared) in cuts.iter() {
            if n + 1 < run {
                shared.forget_parts();
            }
        }
        self.renditions
            .iter()
            .map(|&rendition| {
                let shared = Arc::new(cutter::Shared::default());
                cuts.insert((run, rendition), shared.clone());
                (rendition, shared)
            })
            .collect()
    }

    /// Moves run `n`'s programme clock earlier (see [`clock`]), and keeps it.
    fn set_first_frame(&self, n: u32, first_frame_ms: i64) {
        let mut runs = self.runs.lock().expect("runs lock poisoned");
        let Some(run) = runs.iter_mut().find(|r| r.n == n) else {
            return;
        };
        run.first_frame_ms = first_frame_ms;
        self.keep_run(run);
    }

    fn keep_run(&self, run: &RunInfo) {
        let path = packager::run_dir(&self.dir, run.n).join(RUN_FILE);
        match serde_json::to_string(run) {
            Ok(json) => {
                if let Err(error) = std::fs::write(&path, json) {
                    tracing::warn!(path = %path.display(), %error, "cannot keep the run's description");
                }
            }
            Err(error) => tracing::warn!(%error, "cannot describe the run"),
        }
    }
}

/// The runs recorded in `dir` by earlier server processes, oldest first.
fn earlier_runs(dir: &Path) -> Vec<RunInfo> {
    let mut runs: Vec<RunInfo> = (1..=last_run(dir))
        .filter_map(|n| {
            let text = std::fs::read_to_string(packager::run_dir(dir, n).join(RUN_FILE)).ok()?;
            serde_json::from_str(&text)
                .inspect_err(|error| tracing::warn!(run = n, %error, "unreadable run.json"))
                .ok()
        })
        .collect();
    for run in &mut runs {
        run.finished = true;
    }
    runs
}

/// The file beside a run's media that describes it.
pub const RUN_FILE: &str = "run.json";

/// The highest run number already in `dir`, so a restarted server never
/// writes over a recording.
fn last_run(dir: &Path) -> u32 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            entry
                .file_name()
                .to_str()?
                .strip_prefix("run-")?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0)
}

/// Every show that packages its host's RTMP, and the stream keys.
pub struct Live {
    pool: Pool,
    /// Requests held open (blocking reloads, hinted parts), across shows.
    held: AtomicUsize,
    media_dir: PathBuf,
    /// By show id; a show scheduled through the API joins while the server runs.
    shows: RwLock<HashMap<String, Arc<ShowLive>>>,
}

impl Live {
    /// The live side of each of `shows` whose video is ingested, with its
    /// stream key created if it has none yet.
    pub async fn new(
        pool: Pool,
        media_dir: &Path,
        shows: &[ShowFile],
    ) -> Result<Live, crate::AppError> {
        let live = Live {
            pool,
            held: AtomicUsize::new(0),
            media_dir: media_dir.to_owned(),
            shows: RwLock::default(),
        };
        for show in shows {
            live.add(show).await?;
        }
        Ok(live)
    }

    /// Adds the live side of `show` if its video is ingested here (with its
    /// stream key made); `None` for a show that does not ingest.
    pub async fn add(&self, show: &ShowFile) -> Result<Option<Arc<ShowLive>>, crate::AppError> {
        let Some(rendition_360p) = show.ingest() else {
            return Ok(None);
        };
        keys::current(&self.pool, &show.id).await?;
        let mut conn = self.pool.acquire().await?;
        let ended = crate::replay::ended(&mut conn, &show.id).await?;
        let settings = crate::replay::Settings::load(&mut conn, &show.id).await?;
        drop(conn);
        let live = Arc::new(ShowLive::new(
            show.id.clone(),
            &self.media_dir,
            rendition_360p,
            show.low_latency(),
            ended,
            settings,
        ));
        let mut shows = self.shows.write().expect("live shows lock poisoned");
        shows.insert(show.id.clone(), live.clone());
        Ok(Some(live))
    }

    /// The live side of a show that ingests.
    pub fn show(&self, id: &str) -> Option<Arc<ShowLive>> {
        self.shows
            .read()
            .expect("live shows lock poisoned")
            .get(id)
            .cloned()
    }

    /// The shows that ingest.
    pub fn shows(&self) -> Vec<Arc<ShowLive>> {
        let shows = self.shows.read().expect("live shows lock poisoned");
        shows.values().cloned().collect()
    }

    /// The show whose current key is `offered`. Every show's key is compared,
    /// each in constant time.
    pub async fn show_for_key(
        &self,
        offered: &str,
    ) -> Result<Option<Arc<ShowLive>>, crate::AppError> {
        let mut found = None;
        for show in self.shows() {
            let key = keys::current(&self.pool, &show.id).await?;
            if keys::matches(offered, &key) {
                found = Some(show.clone());
            }
        }
        Ok(found)
    }

    /// A place for one more held request, or `None` past [`MAX_HELD`].
    pub fn hold(&self) -> Option<Held<'_>> {
        hold_within(&self.held, MAX_HELD)
    }

    /// The show's stream key.
    pub async fn stream_key(&self, show: &str) -> Result<String, crate::AppError> {
        keys::current(&self.pool, show).await
    }
}

/// Requests held open at once, across shows: each costs a task and a socket;
/// past this, a request that would be held is answered 503 at once.
pub const MAX_HELD: usize = 20_000;

/// A place among `limit` counted by `count`, or `None` when all are taken.
fn hold_within(count: &AtomicUsize, limit: usize) -> Option<Held<'_>> {
    let before = count.fetch_add(1, Ordering::AcqRel);
    // Taken even when refused, so the drop below gives it back either way.
    let held = Held(count);
    (before < limit).then_some(held)
}

/// A held request's place, given back when dropped.
pub struct Held<'a>(&'a AtomicUsize);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_requests_are_bounded_and_their_places_given_back() {
        let count = AtomicUsize::new(0);
        let first = hold_within(&count, 2);
        let second = hold_within(&count, 2);
        assert!(first.is_some() && second.is_some());
        assert!(hold_within(&count, 2).is_none(), "past the limit");
        drop(first);
        assert!(hold_within(&count, 2).is_some(), "a place given back");
        drop(second);
        assert_eq!(count.load(Ordering::Acquire), 0);
    }
}
