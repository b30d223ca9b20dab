//! One encoder publishing one show: holds the show's publisher slot, turns the
//! encoder's messages into FLV and keeps an ffmpeg running on them, starting a
//! new run when one dies.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::clock::Clock;
use super::flv::{Feed, Kind};
use super::packager::{run_dir, Packager};
use super::{OnAir, RunInfo, ShowLive};

/// The publishing side of a show while its encoder is connected.
pub struct Publication {
    show: Arc<ShowLive>,
    feed: Feed,
    packager: Option<Packager>,
    /// The current run's number and programme clock.
    clock: Option<(u32, Clock)>,
    /// From the encoder's `onMetaData`, for the master playlist.
    resolution: Option<(u32, u32)>,
    frame_rate: Option<f64>,
}

impl Publication {
    /// Takes the show's publisher slot: `None` while another encoder holds it
    /// or once the show has ended.
    pub fn begin(show: Arc<ShowLive>) -> Option<Publication> {
        if *show.on_air.borrow() == OnAir::Ended {
            return None;
        }
        show.publishing
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()?;
        Some(Publication {
            show,
            feed: Feed::default(),
            packager: None,
            clock: None,
            resolution: None,
            frame_rate: None,
        })
    }

    /// The show being published.
    pub fn show(&self) -> &Arc<ShowLive> {
        &self.show
    }

    /// What the encoder says about its video (RTMP `onMetaData`); applies from the next run.
    pub fn describe(&mut self, resolution: Option<(u32, u32)>, frame_rate: Option<f64>) {
        self.resolution = resolution.or(self.resolution);
        self.frame_rate = frame_rate.or(self.frame_rate);
    }

    /// One audio or video message that arrived at server time `arrived_ms`.
    pub async fn push(&mut self, kind: Kind, timestamp_ms: u32, body: &[u8], arrived_ms: i64) {
        let starting = !self.feed.started();
        let bytes = self.feed.push(kind, timestamp_ms, body);
        if bytes.is_empty() {
            return;
        }
        if starting {
            if !self.start_run(arrived_ms).await {
                self.feed.restart();
                return;
            }
            self.clock = self
                .show
                .runs()
                .last()
                .map(|run| (run.n, Clock::new(timestamp_ms, arrived_ms)));
        } else if let Some((run, clock)) = &mut self.clock {
            if clock.observe(timestamp_ms, arrived_ms) {
                self.show.set_first_frame(*run, clock.first_frame_ms);
            }
        }
        let Some(packager) = &mut self.packager else {
            return;
        };
        if let Err(error) = packager.write(&bytes).await {
            tracing::warn!(show = %self.show.id, %error, "packager died; starting a new run at the next keyframe");
            self.stop_run(false).await;
            self.feed.restart();
        }
    }

    /// Starts a run whose first frame arrived at `first_frame_ms`.
    async fn start_run(&mut self, first_frame_ms: i64) -> bool {
        let n = self.show.next_run.fetch_add(1, Ordering::AcqRel);
        let dir = run_dir(&self.show.dir, n);
        let (video_codec, audio_codec) = self.feed.codecs();
        let cuts = self.show.new_cuts(n);
        let wake = self.show.cut_made.clone();
        match Packager::spawn(&dir, &cuts, audio_codec.is_some(), wake).await {
            Ok(packager) => {
                *self.show.packager_pid.lock().expect("pid lock poisoned") = packager.pid();
                self.packager = Some(packager);
                self.show.add_run(RunInfo {
                    n,
                    first_frame_ms,
                    video_codec,
                    audio_codec,
                    resolution: self.resolution,
                    frame_rate: self.frame_rate,
                    finished: false,
                });
                tracing::info!(show = %self.show.id, run = n, "packaging");
                self.show.on_air.send_if_modified(|state| {
                    let changed = *state != OnAir::Live && *state != OnAir::Ended;
                    if changed {
                        *state = OnAir::Live;
                    }
                    changed
                });
                true
            }
            Err(error) => {
                tracing::error!(show = %self.show.id, %error, "cannot start ffmpeg");
                false
            }
        }
    }

    /// Stops the current run: lets ffmpeg finish (`graceful`) or reaps a dead one.
    async fn stop_run(&mut self, graceful: bool) {
        let Some(packager) = self.packager.take() else {
            return;
        };
        if graceful {
            packager.finish().await;
        } else {
            packager.reap().await;
        }
        *self.show.packager_pid.lock().expect("pid lock poisoned") = None;
        if let Some(run) = self
            .show
            .runs
            .lock()
            .expect("runs lock poisoned")
            .last_mut()
        {
            run.finished = true;
        }
    }

    /// The encoder has gone: ffmpeg writes its last segment and exits, and the
    /// show pauses (unless it has ended).
    pub async fn end(mut self) {
        self.stop_run(true).await;
        self.show.on_air.send_if_modified(|state| {
            let changed = *state == OnAir::Live;
            if changed {
                *state = OnAir::Paused;
            }
            changed
        });
    }
}

impl Drop for Publication {
    fn drop(&mut self) {
        // Also on cancellation: the next encoder may publish. A packager still
        // here is killed by its own drop.
        self.show.publishing.store(false, Ordering::Release);
        if self.packager.is_some() {
            *self.show.packager_pid.lock().expect("pid lock poisoned") = None;
        }
    }
}
