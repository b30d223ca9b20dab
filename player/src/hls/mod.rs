//! The stream player: HLS (CMAF/fMP4) played from Rust over Media Source
//! Extensions, Safari's own HLS where it has it, and plain MP4/WebM files.
//!
//! [`use_player`] (or [`attach`]) hands a `<video>` its source and reports a
//! [`PlayerState`] and the programme date-time of the frame on screen. For
//! HLS over MSE a loader task reloads the playlist, downloads segments into
//! one `SourceBuffer` and adapts the rendition ([`abr`]); a 250 ms tick reads
//! the video, keeps it near the live edge ([`live_edge`]), skips holes and
//! trims the back buffer ([`buffer`]). All of it stops with the Leptos owner.
//!
//! The programme clock: each segment starts at media time
//! `(its EXT-X-PROGRAM-DATE-TIME − anchor)`, so `programme = anchor +
//! currentTime` (the first of adjacent segments is placed there, the rest
//! follow it: [`placement`]). The anchor is the first appended segment's for a live
//! stream, and the playlist's first segment's for an on-demand one, so that
//! [`PlayerHandle::seek_programme`] anywhere in a recording never lands a
//! segment at a negative media time.

mod abr;
mod buffer;
mod cursor;
mod fetch;
mod frames;
mod hlsjs;
mod live_edge;
mod low_latency;
mod mse;
mod native;
mod placement;
mod subtitles;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use gloo_timers::future::TimeoutFuture;
use lapak_protocol::hls::{self, ByteRange, MediaPlaylist, Playlist, Variant};
use leptos::html::Video;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlMediaElement, HtmlVideoElement};

use cursor::{Cursor, Next};
use fetch::{FetchError, Fetcher};
use live_edge::{LiveEdge, Sample};
use mse::Mse;

/// How often the player reads the video (programme clock, live edge, stalls).
const TICK_MS: u32 = 250;
/// Seconds ahead of the playhead beyond which the loader waits before the next segment.
const MAX_AHEAD: f64 = 30.0;
/// `HTMLMediaElement.readyState` values.
const HAVE_METADATA: u16 = 1;
const HAVE_FUTURE_DATA: u16 = 3;

/// What the player is doing, for the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlayerState {
    /// Nothing shown yet.
    Loading,
    /// Playing near the live edge.
    Live,
    /// Playing, more than twice the live target behind the edge; offer
    /// [`PlayerHandle::go_live`].
    Behind {
        /// How far behind the live edge, in milliseconds.
        delay_ms: u32,
    },
    /// Waiting for data after having played.
    Buffering,
    /// Playing something without a live edge (a file, an on-demand playlist).
    Playing,
    /// The stream ended (`EXT-X-ENDLIST`) and has played out.
    Ended,
    /// This browser cannot play the stream (no MSE or codecs), or it failed to decode.
    Failed,
}

impl PlayerState {
    /// A stable name, for `data-` attributes and tests.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Loading => "loading",
            Self::Live => "live",
            Self::Behind { .. } => "behind",
            Self::Buffering => "buffering",
            Self::Playing => "playing",
            Self::Ended => "ended",
            Self::Failed => "failed",
        }
    }
}

/// The player's outputs and actions, for views. `Copy`.
#[derive(Clone, Copy)]
pub struct PlayerHandle {
    /// What the player is doing.
    pub state: ReadSignal<PlayerState>,
    /// Programme date-time (unix ms) of the frame on screen, when the stream has a clock.
    pub programme_ms: ReadSignal<Option<i64>>,
    /// Set by a seek too, ahead of the frames.
    set_programme_ms: WriteSignal<Option<i64>>,
    /// How long a frame stays on screen (ms; 0 until measured).
    frame_ms: ReadSignal<i64>,
    /// Programme times at media time 0 and at the stream's end.
    span: ReadSignal<Span>,
    /// A programme time asked for before a session existed: where the next one starts.
    start_at: StoredValue<Option<i64>>,
    session: StoredValue<Option<Rc<Session>>, LocalStorage>,
}

/// Programme times (unix ms) at media time 0 and at the end of the stream.
type Span = (Option<i64>, Option<i64>);

impl PlayerHandle {
    /// The latest programme time the frame on screen covers: its own time
    /// plus its interval. A tag at any moment of that interval is on this frame.
    pub fn shows_until_ms(&self) -> Option<i64> {
        let frame = self.frame_ms.get();
        self.programme_ms.get().map(|p| p + (frame - 1).max(0))
    }

    /// Seeks to the live target (and plays, if paused).
    pub fn go_live(&self) {
        self.with_session(Session::go_live);
    }

    /// Plays from programme time `programme_ms` (unix ms), in a stream with
    /// a clock. Asked before the stream plays (a start position from a link),
    /// it is where playback starts; the loader continues at the segment
    /// holding it. A live stream far behind its edge jumps back to the live
    /// target while playing, as ever.
    pub fn seek_programme(&self, programme_ms: i64) {
        let moved = self
            .session
            .try_with_value(|s| s.as_ref().map(|s| s.seek_programme(programme_ms)));
        match moved {
            // why: a paused video need not present a frame for the frame
            // callback, and the tick is up to 250 ms late; a seek bar follows at once.
            Some(Some(Some(at))) => self.set_programme_ms.set(Some(at)),
            Some(Some(None)) => {}
            _ => {
                let _ = self.start_at.try_set_value(Some(programme_ms));
            }
        }
    }

    /// Programme time (unix ms) at media time 0: the start of an on-demand
    /// stream, the left end of a seek bar. `None` until the stream plays, or
    /// without a clock. Reactive.
    pub fn start_ms(&self) -> Option<i64> {
        self.span.get().0
    }

    /// Programme time (unix ms) at the end of the stream: an on-demand
    /// stream's end, a live one's edge as of the last playlist reload.
    /// `None` until known, or without a clock. Reactive.
    pub fn end_ms(&self) -> Option<i64> {
        self.span.get().1
    }

    /// Plays the video.
    pub fn play(&self) {
        self.with_session(|s| {
            let _ = s.video.play();
        });
    }

    /// Pauses the video.
    pub fn pause(&self) {
        self.with_session(|s| {
            let _ = s.video.pause();
        });
    }

    fn with_session(&self, act: impl FnOnce(&Session)) {
        let _ = self.session.try_with_value(|s| s.as_deref().map(act));
    }
}

#[derive(Clone, Copy)]
struct Outputs {
    state: WriteSignal<PlayerState>,
    programme_ms: WriteSignal<Option<i64>>,
    frame_ms: WriteSignal<i64>,
    span: WriteSignal<Span>,
    start_at: StoredValue<Option<i64>>,
    session: StoredValue<Option<Rc<Session>>, LocalStorage>,
}

fn handle() -> (PlayerHandle, Outputs) {
    let (state, set_state) = signal(PlayerState::Loading);
    let (programme_ms, set_programme_ms) = signal(None);
    let (frame_ms, set_frame_ms) = signal(0);
    let (span, set_span) = signal((None, None));
    let start_at = StoredValue::new(None);
    let session = StoredValue::new_local(None);
    let handle = PlayerHandle {
        state,
        programme_ms,
        set_programme_ms,
        frame_ms,
        span,
        start_at,
        session,
    };
    let outputs = Outputs {
        state: set_state,
        programme_ms: set_programme_ms,
        frame_ms: set_frame_ms,
        span: set_span,
        start_at,
        session,
    };
    (handle, outputs)
}

/// Plays `url` in `video` until the current Leptos owner is cleaned up;
/// `assets` is where the viewer's files are served from ("" for this page's origin).
pub fn attach(video: HtmlVideoElement, url: String, assets: &str) -> PlayerHandle {
    let (handle, outputs) = handle();
    let script = format!("{assets}/{}", hlsjs::SCRIPT);
    start(video, url, outputs, script);
    handle
}

/// Plays `url` in the `<video>` behind `video` once it is mounted, starting
/// over when the URL changes and stopping when the widget goes away; `assets`
/// is where the viewer's files are served from ("" for this page's origin).
pub fn use_player(
    video: NodeRef<Video>,
    url: Signal<Option<String>>,
    assets: Signal<String>,
) -> PlayerHandle {
    let (handle, outputs) = handle();
    let url = Memo::new(move |_| url.get());
    // Each run's `on_cleanup` (in `start`) fires before the next run.
    Effect::new(move |_| {
        if let (Some(video), Some(url)) = (video.get(), url.get()) {
            let script = format!("{}/{}", assets.get_untracked(), hlsjs::SCRIPT);
            start(video, url, outputs, script);
        }
    });
    handle
}

/// Whether `url` names an HLS playlist (by its path's extension).
pub fn is_hls(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.ends_with(".m3u8")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Our own player over Media Source Extensions.
    Mse,
    /// The browser's HLS (Safari, iOS).
    Native,
    /// A plain file, looped.
    File,
}

fn mode_for(video: &HtmlMediaElement, url: &str) -> Mode {
    if !is_hls(url) {
        return Mode::File;
    }
    // why: Chrome too answers "maybe" for HLS lately, but only WebKit has
    // `getStartDate()`, the programme clock the viewer needs; so native
    // playback is for browsers that have both (Safari, iOS). WebKitGTK has
    // both too when its HLS is enabled (WEBKIT_GST_ENABLE_HLS_SUPPORT), but
    // its getStartDate() is NaN: it plays natively without a programme clock
    // (tags show as they come), since our MSE player there (2.50) stalls on
    // its first change of `playbackRate`, which GStreamer makes a flushing seek.
    // The iPhone from iOS 17.1 has ManagedMediaSource and no MediaSource:
    // our player runs over it, for low-latency parts and the shared target
    // delay. Safari on the Mac and the iPad (which have both) and WebKitGTK
    // (which has both too) keep their own HLS.
    let native = !mse::managed_only()
        && !video
            .can_play_type("application/vnd.apple.mpegurl")
            .is_empty()
        && js_sys::Reflect::has(video, &JsValue::from_str("getStartDate")).unwrap_or(false);
    if native {
        Mode::Native
    } else {
        Mode::Mse
    }
}

/// What the loader task and the tick share.
struct Shared {
    alive: Cell<bool>,
    /// Programme time (unix ms) at media time 0.
    anchor: Cell<Option<i64>>,
    /// Programme time at the end of the newest playlist, and when it was read (`Date.now()`).
    edge: Cell<Option<(i64, f64)>>,
    /// Where the live edge is on this viewer's clock.
    edge_clock: RefCell<low_latency::EdgeClock>,
    /// Media times where decoding can start (segments', independent parts'), newest last.
    keyframes: RefCell<VecDeque<f64>>,
    /// Typical segment duration, seconds.
    segment_s: Cell<f64>,
    /// Whether the playlist has a live edge.
    live: Cell<bool>,
    /// Ask the loader to restart at the live target (it is behind).
    restart: Cell<bool>,
    /// Ask the loader to continue at the segment holding this programme time
    /// (unix ms): the shopper sought there.
    seek_to: Cell<Option<i64>>,
    /// Programme time to move the playhead to once the timeline exists (a
    /// seek asked before the first segment was in).
    start_at: Cell<Option<i64>>,
    /// Whether the timeline is programme time (the playlist has date-times).
    clock: Cell<bool>,
    failed: Cell<bool>,
    /// hls.js, when it plays an MPEG-TS stream instead of our player.
    hlsjs: RefCell<Option<JsValue>>,
    /// Where hls.js is served from, should a stream need it.
    hlsjs_src: String,
    /// Track timescales of the init section in effect, while subtitles load.
    timescales: RefCell<Vec<(u32, u32)>>,
    /// Seconds from a segment's own timestamps to where it was appended, for
    /// the newest segment: what moves subtitle cues onto the timeline.
    cue_shift: Cell<Option<f64>>,
}

struct Session {
    video: HtmlVideoElement,
    mode: Mode,
    shared: Rc<Shared>,
    edge: RefCell<LiveEdge>,
    stall: RefCell<buffer::Stall>,
    started: Cell<bool>,
    /// What the browser's own HLS says of the stream (native mode).
    timeline: Cell<native::Timeline>,
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl Session {
    fn programme_ms(&self, t: f64) -> Option<i64> {
        match self.mode {
            Mode::Mse => match self.shared.hlsjs.borrow().as_ref() {
                Some(hls) => hlsjs::programme_ms(hls),
                None => Some(self.shared.anchor.get()? + (t * 1000.0) as i64),
            },
            Mode::Native => {
                let get =
                    js_sys::Reflect::get(&self.video, &JsValue::from_str("getStartDate")).ok()?;
                let date = get
                    .dyn_into::<js_sys::Function>()
                    .ok()?
                    .call0(&self.video)
                    .ok()?;
                native::programme_ms(date.dyn_into::<js_sys::Date>().ok()?.get_time(), t)
            }
            Mode::File => None,
        }
    }

    /// Programme time at media time 0, when the stream has a clock. (Not for
    /// hls.js: its timeline leaves out the gaps between date-times.)
    fn start_ms(&self) -> Option<i64> {
        if !self.shared.clock.get() {
            return None;
        }
        match self.mode {
            Mode::Mse if self.shared.hlsjs.borrow().is_none() => self.shared.anchor.get(),
            Mode::Native => self.programme_ms(0.0),
            _ => None,
        }
    }

    /// Programme time at the end of the stream, when the stream has a clock.
    fn end_ms(&self) -> Option<i64> {
        let start = self.start_ms()?;
        if self.mode == Mode::Mse {
            return Some(self.shared.edge.get()?.0);
        }
        if !self.timeline.get().can_seek() {
            return None;
        }
        let seekable = self.video.seekable();
        let last = seekable.length().checked_sub(1)?;
        Some(start + (seekable.end(last).ok()? * 1000.0) as i64)
    }

    /// Plays from `programme_ms`: moves the playhead there now if the
    /// timeline exists, else once it does, and has the loader continue at
    /// the segment holding it (passing over what is buffered). The
    /// programme time the playhead moved to, if it moved now.
    // why: the loader is told even when the time is buffered: it may be
    // loading elsewhere (after seeks back and forth), and would fill the
    // wrong place while the playhead runs out of data.
    fn seek_programme(&self, programme_ms: i64) -> Option<i64> {
        self.edge.borrow_mut().let_go();
        self.shared.start_at.set(Some(programme_ms));
        self.shared.seek_to.set(Some(programme_ms));
        self.apply_start()
    }

    /// Moves the playhead to the programme time asked for (`start_at`) once
    /// the timeline exists: a clock, and the video's metadata. The programme
    /// time it moved to, if it did.
    fn apply_start(&self) -> Option<i64> {
        let start = self.start_ms()?;
        if self.video.ready_state() < HAVE_METADATA {
            return None;
        }
        let to = self.shared.start_at.take()?.max(start);
        self.video.set_current_time(media_time(to, start));
        Some(to)
    }

    /// Seconds between the playhead at `t` and the live edge.
    fn latency(&self, t: f64) -> Option<f64> {
        match self.mode {
            Mode::Mse if self.shared.live.get() => {
                let edge = self.live_edge_ms()?;
                Some((edge - self.programme_ms(t)? as f64) / 1000.0)
            }
            Mode::Native if self.timeline.get() == native::Timeline::Window => {
                let seekable = self.video.seekable();
                let last = seekable.length().checked_sub(1)?;
                Some(seekable.end(last).ok()? - t)
            }
            _ => None,
        }
    }

    /// Programme time (ms) of the live edge now. The edge moves on between
    /// playlist reloads; it is followed on the wall clock for at most about
    /// one reload's worth. (`max`/`min`, not `clamp`: with a bound not known
    /// at compile time, clamp's NaN check formats floats, ~6 KB gzip of
    /// float printing.)
    fn live_edge_ms(&self) -> Option<f64> {
        let cap = 1500.0 * self.shared.segment_s.get();
        self.shared.edge_clock.borrow().edge_at(now(), cap)
    }

    /// Media time of the live target now, led by [`live_edge::JOIN_LEAD`]:
    /// where a join starts playing.
    fn join_time(&self) -> Option<f64> {
        let target = self.edge.borrow().target - live_edge::JOIN_LEAD;
        let aim = self.live_edge_ms()? - 1000.0 * target;
        Some((aim - self.shared.anchor.get()? as f64) / 1000.0)
    }

    /// The first media time where decoding can start at or after `to`, if
    /// one is buffered within a second of it; else `to`.
    // why: a seek there shows its frame at once; elsewhere the decoder
    // first decodes from the keyframe before, and the picture waits.
    fn keyframe_from(&self, to: f64) -> f64 {
        let ranges = mse::ranges(&self.video.buffered());
        let keyframes = self.shared.keyframes.borrow();
        keyframes
            .iter()
            .copied()
            .find(|k| *k >= to && *k <= to + 1.0 && buffer::ahead(&ranges, *k) > 0.0)
            .unwrap_or(to)
    }

    /// Seeks to media time `to`; when nothing is buffered there, has the
    /// loader restart at the live target.
    fn seek(&self, to: f64) {
        let ranges = mse::ranges(&self.video.buffered());
        if self.mode == Mode::Mse && buffer::ahead(&ranges, to) <= 0.0 {
            self.shared.restart.set(true);
        }
        self.video.set_current_time(to);
    }

    fn go_live(&self) {
        let t = self.video.current_time();
        if let Some(latency) = self.latency(t) {
            // Live wins over a programme time still pending.
            self.shared.seek_to.set(None);
            self.shared.start_at.set(None);
            let mut edge = self.edge.borrow_mut();
            edge.hold();
            if latency > edge.target {
                self.seek(t + latency - edge.target);
            }
        }
        if self.video.paused() {
            let _ = self.video.play();
        }
    }

    /// One look at the video: recover from stalls and holes, steer towards
    /// the live target, and say what state it is in.
    fn tick(&self) -> (PlayerState, Option<i64>) {
        // A start position asked before the timeline existed; in native
        // playback no loader applies it.
        self.apply_start();
        let v = &self.video;
        let t = v.current_time();
        let paused = v.paused();
        let ranges = mse::ranges(&v.buffered());
        let ahead = buffer::ahead(&ranges, t);
        let still_ms = self
            .stall
            .borrow_mut()
            .observe(now(), t, !paused && !v.ended());
        if v.ready_state() >= HAVE_FUTURE_DATA {
            self.started.set(true);
        }
        if self.mode == Mode::Native {
            let mut timeline = self.timeline.get();
            timeline.observe(v.duration());
            self.timeline.set(timeline);
        }
        if self.mode == Mode::Mse && !paused {
            let stuck = still_ms >= 1000.0;
            match buffer::gap_jump(&ranges, t, stuck) {
                Some(to) if still_ms > 0.0 || v.ready_state() < HAVE_FUTURE_DATA => {
                    v.set_current_time(to)
                }
                // why: Chrome can stall on a hole too small to split the
                // buffered ranges (audio and video ending a few ms apart at a
                // discontinuity); a tiny seek makes it resume.
                None if still_ms >= 1000.0 && ahead > 0.5 => v.set_current_time(t + 0.1),
                _ => {}
            }
        }
        // Without EXT-X-PROGRAM-DATE-TIME the timeline counts from the
        // playlist's start: no programme time to tell the viewer.
        let programme = self.programme_ms(t).filter(|_| self.shared.clock.get());
        // A source that fails to load or decode sets `error`.
        if self.shared.failed.get() || v.error().is_some() {
            return (PlayerState::Failed, None);
        }
        if v.ended() {
            return (PlayerState::Ended, programme);
        }
        let mut behind = None;
        let latency = self.latency(t);
        if let Some(latency) = latency {
            let decision = self.edge.borrow_mut().update(Sample {
                latency,
                ahead,
                paused,
            });
            // Safari steers its own HLS; only our player changes rate or jumps.
            if self.mode == Mode::Mse {
                if (v.playback_rate() - decision.rate).abs() > 0.001 {
                    v.set_playback_rate(decision.rate);
                }
                if let Some(by) = decision.jump_by {
                    self.seek(self.keyframe_from(t + by));
                }
            }
            if decision.behind {
                behind = Some((latency * 1000.0) as u32);
            }
        }
        let state = if !self.started.get() {
            PlayerState::Loading
        } else if !paused && (v.ready_state() < HAVE_FUTURE_DATA || still_ms > 500.0) {
            PlayerState::Buffering
        } else if let Some(delay_ms) = behind {
            PlayerState::Behind { delay_ms }
        } else if latency.is_some()
            || (self.mode == Mode::Mse && self.shared.live.get())
            || (self.mode == Mode::Native && self.timeline.get().is_live())
        {
            PlayerState::Live
        } else {
            PlayerState::Playing
        };
        (state, programme)
    }
}

fn start(video: HtmlVideoElement, url: String, out: Outputs, hlsjs_src: String) {
    let mode = mode_for(&video, &url);
    // A seek asked before this session: where it starts.
    let start_at = out.start_at.try_update_value(Option::take).flatten();
    let shared = Rc::new(Shared {
        alive: Cell::new(true),
        anchor: Cell::new(None),
        edge: Cell::new(None),
        edge_clock: RefCell::new(low_latency::EdgeClock::default()),
        keyframes: RefCell::new(VecDeque::new()),
        segment_s: Cell::new(1.0),
        live: Cell::new(false),
        restart: Cell::new(false),
        seek_to: Cell::new(start_at),
        start_at: Cell::new(start_at),
        clock: Cell::new(mode != Mode::Mse),
        failed: Cell::new(false),
        hlsjs: RefCell::new(None),
        hlsjs_src,
        timescales: RefCell::new(Vec::new()),
        cue_shift: Cell::new(None),
    });
    let session = Rc::new(Session {
        video: video.clone(),
        mode,
        shared: shared.clone(),
        edge: RefCell::new(LiveEdge::new(2.0)),
        stall: RefCell::new(buffer::Stall::default()),
        started: Cell::new(false),
        timeline: Cell::new(native::Timeline::default()),
    });
    video.set_loop(mode == Mode::File);
    let fetcher = Rc::new(Fetcher::new());
    if mode == Mode::Mse {
        let task = run(
            video.clone().unchecked_into(),
            url,
            session.clone(),
            fetcher.clone(),
        );
        wasm_bindgen_futures::spawn_local(task);
    } else {
        video.set_src(&url);
    }
    out.session.set_value(Some(session.clone()));
    // With frame callbacks, only frames set the programme time: the tick's
    // `currentTime` runs up to a frame ahead of the picture.
    let frames = watch_frames(session.clone(), out);
    let last = Cell::new((None, None, (None, None)));
    let tick = Interval::new(TICK_MS, move || {
        let (s, p) = session.tick();
        let span = (session.start_ms(), session.end_ms());
        let (was_s, was_p, was_span) = last.replace((Some(s), p, span));
        if was_s != Some(s) {
            out.state.set(s);
        }
        if was_p != p && !frames {
            out.programme_ms.set(p);
        }
        if was_span != span {
            out.span.set(span);
        }
    });
    let held = SendWrapper::new((tick, fetcher, shared, video));
    on_cleanup(move || {
        let (tick, fetcher, shared, video) = held.take();
        shared.alive.set(false);
        if let Some(hls) = shared.hlsjs.borrow_mut().take() {
            hlsjs::destroy(&hls);
        }
        fetcher.cancel();
        drop(tick);
        // Detaches the media source: a pending append ends, and the loader,
        // seeing `alive` false after its next await, returns.
        let _ = video.remove_attribute("src");
        video.load();
        video.set_playback_rate(1.0);
        let _ = out.session.try_set_value(None);
    });
}

/// Sets `programme_ms` for every frame the browser presents, from the frame's
/// own media time (`requestVideoFrameCallback`), and `frame_ms` from the steps
/// between frames.
// why: tags must show on their own frame; the 250 ms tick alone would show
// them up to a quarter second late. Browsers without the callback keep the
// tick's time: `false` then.
fn watch_frames(session: Rc<Session>, out: Outputs) -> bool {
    let video = session.video.clone();
    let Ok(request) = js_sys::Reflect::get(&video, &JsValue::from_str("requestVideoFrameCallback"))
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return false;
    };
    let first_request = request.clone();
    type Callback = Closure<dyn FnMut(f64, JsValue)>;
    let slot: Rc<RefCell<Option<Callback>>> = Rc::new(RefCell::new(None));
    let again = slot.clone();
    let last = Cell::new((None, 0));
    let mut clock = frames::FrameClock::default();
    let callback: Callback = Closure::new(move |_now: f64, metadata: JsValue| {
        if !session.shared.alive.get() {
            // Breaks the cycle: the closure owns `again`, which owns the closure.
            again.borrow_mut().take();
            return;
        }
        let number = |key: &str| {
            js_sys::Reflect::get(&metadata, &JsValue::from_str(key))
                .ok()
                .and_then(|t| t.as_f64())
        };
        if let Some(t) = number("mediaTime") {
            let presented = number("presentedFrames").unwrap_or(0.0) as u32;
            let interval = clock.presented(t, presented);
            let programme = session
                .programme_ms(t)
                .filter(|_| session.shared.clock.get());
            let (was_programme, was_interval) = last.replace((programme, interval));
            // The interval first, so the store sees the new frame with it.
            if was_interval != interval {
                out.frame_ms.set(interval);
            }
            if was_programme != programme {
                out.programme_ms.set(programme);
            }
        }
        if let Some(next) = again.borrow().as_ref() {
            let _ = request.call1(&session.video, next.as_ref().unchecked_ref());
        }
    });
    let _ = first_request.call1(&video, callback.as_ref().unchecked_ref());
    *slot.borrow_mut() = Some(callback);
    true
}

async fn sleep(ms: f64) {
    TimeoutFuture::new(ms.min(60_000.0) as u32).await;
}

/// A media playlist, one try.
async fn media_playlist(fetcher: &Fetcher, url: &str) -> Result<MediaPlaylist, FetchError> {
    let text = fetcher.text(url).await?;
    match hls::parse(&text) {
        Ok(Playlist::Media(media)) => Ok(media),
        _ => Err(FetchError::Network),
    }
}

/// A reload of the live playlist held (`media`, at `url`): blocking until
/// the part after its newest exists when `block` (and it has blocking
/// reloads), and as a delta update when the server writes them, merged
/// into `media`.
async fn reload(
    fetcher: &Fetcher,
    url: &str,
    media: &MediaPlaylist,
    block: bool,
) -> Result<MediaPlaylist, FetchError> {
    let next = low_latency::next_part(media).filter(|_| block);
    let skip = low_latency::can_skip(media);
    let fresh = media_playlist(fetcher, &low_latency::reload_url(url, next, skip)).await?;
    if let Some(whole) = low_latency::merge_delta(media, fresh) {
        return Ok(whole);
    }
    media_playlist(fetcher, url).await
}

/// A download started before it is needed: the hinted part, its address and
/// its bytes to come.
type Prefetch = (
    String,
    Pin<Box<dyn Future<Output = Result<js_sys::ArrayBuffer, FetchError>>>>,
);

/// A playlist, retried with backoff (0.5 s doubling to 8 s) for as long as
/// the player lives: a show whose packager is restarting comes back.
async fn playlist_retrying(fetcher: &Fetcher, shared: &Shared, url: &str) -> Option<Playlist> {
    let mut wait = 500.0;
    while shared.alive.get() {
        if let Ok(Ok(playlist)) = fetcher.text(url).await.map(|t| hls::parse(&t)) {
            return Some(playlist);
        }
        sleep(wait).await;
        wait = (wait * 2.0_f64).min(8000.0);
    }
    None
}

/// A segment or init section; one retry after a short pause (a CDN edge may
/// not have it yet), then the caller skips it.
async fn bytes_retrying(
    fetcher: &Fetcher,
    url: &str,
    range: Option<&ByteRange>,
) -> Option<js_sys::ArrayBuffer> {
    for attempt in 0..2 {
        if attempt > 0 {
            sleep(300.0).await;
        }
        if let Ok(bytes) = fetcher.bytes(url, range).await {
            return Some(bytes);
        }
    }
    None
}

/// Where a segment was appended (`at`, media seconds) less where its own
/// timestamps start, read from its first bytes (the `moof` box).
fn cue_shift(segment: &js_sys::ArrayBuffer, at: f64, timescales: &[(u32, u32)]) -> Option<f64> {
    const HEAD: u32 = 16 * 1024;
    let head = js_sys::Uint8Array::new_with_byte_offset_and_length(
        segment,
        0,
        segment.byte_length().min(HEAD),
    );
    hls::fmp4::start_seconds(&head.to_vec(), timescales).map(|start| at - start)
}

/// Programme time at the end of `media` (its newest part's), if it carries a clock.
fn edge_of(media: &MediaPlaylist) -> Option<i64> {
    media.segments.last()?.program_date_time?;
    cursor::edge_ms(media)
}

/// Takes in a playlist just read at `now()`: its edge, on the clock too.
fn saw_playlist(shared: &Shared, media: &MediaPlaylist) {
    let edge = edge_of(media);
    shared.edge.set(edge.map(|e| (e, now())));
    if let Some(edge) = edge {
        shared.edge_clock.borrow_mut().observe(now(), edge);
    }
}

/// Keyframes remembered, for skipping ahead: a minute of 1 s segments.
const KEYFRAMES: usize = 64;

/// Media time (seconds) of `programme_ms` on a timeline anchored at `anchor`.
fn media_time(programme_ms: i64, anchor: i64) -> f64 {
    (programme_ms - anchor) as f64 / 1000.0
}

/// The anchor of an on-demand stream: its first segment's programme time
/// (0 without a clock, where the cursor counts from the first segment).
fn on_demand_anchor(media: &MediaPlaylist) -> i64 {
    media
        .segments
        .first()
        .and_then(|s| s.program_date_time)
        .unwrap_or(0)
}

/// The media duration of an on-demand stream: from its anchor to its
/// programme end, longer than its segments' sum when packager runs left
/// gaps between them; that sum without a clock.
fn on_demand_seconds(media: &MediaPlaylist) -> f64 {
    match edge_of(media) {
        Some(end) => media_time(end, on_demand_anchor(media)),
        None => media.duration(),
    }
}

/// Waits, once every segment is in, for a seek to give the loader more to
/// do (true), or for the player to go (false).
// why: an on-demand stream keeps only `KEEP_BEHIND` seconds behind the
// playhead; a seek back there needs the loader again.
async fn seek_requested(shared: &Shared) -> bool {
    while shared.alive.get() {
        if shared.seek_to.get().is_some() {
            return true;
        }
        sleep(f64::from(TICK_MS)).await;
    }
    false
}

fn segment_seconds(media: &MediaPlaylist) -> f64 {
    let n = media.segments.len();
    if n == 0 {
        media.target_duration as f64
    } else {
        media.duration() / n as f64
    }
}

/// The codecs to open the buffer with: the rendition's, else the default.
fn codecs_of(variant: Option<&Variant>) -> Option<&str> {
    let named = variant.and_then(|v| v.codecs.as_deref());
    named.filter(|c| mse::supports(c)).or_else(|| {
        let fallback = mse::DEFAULT_CODECS;
        mse::supports(fallback).then_some(fallback)
    })
}

/// The loader: playlists in, segments into the buffer, until the player goes
/// away or the stream ends.
async fn run(video: HtmlMediaElement, url: String, session: Rc<Session>, fetcher: Rc<Fetcher>) {
    let shared = &session.shared;
    let mut abr = abr::Abr::default();
    let Some(first) = playlist_retrying(&fetcher, shared, &url).await else {
        return;
    };
    let master_url = url.clone();
    let mut captions = None;
    let (variants, mut current, mut media_url, mut media) = match first {
        Playlist::Media(media) => (Vec::new(), 0, url, media),
        Playlist::Master(master) => {
            let bandwidths: Vec<u64> = master.variants.iter().map(|v| v.bandwidth).collect();
            if bandwidths.is_empty() {
                shared.failed.set(true);
                return;
            }
            let current = abr.choose(&bandwidths, usize::MAX);
            let group = master.variants[current].subtitles.as_deref();
            captions = subtitles::choose(&master, group).cloned();
            let media_url = hls::resolve(&url, &master.variants[current].uri);
            let media = match playlist_retrying(&fetcher, shared, &media_url).await {
                Some(Playlist::Media(media)) => media,
                Some(Playlist::Master(_)) => {
                    shared.failed.set(true);
                    return;
                }
                None => return,
            };
            (master.variants, current, media_url, media)
        }
    };
    if hlsjs::is_transport_stream(&media) {
        match hlsjs::play(&shared.hlsjs_src, &video, &master_url).await {
            Ok(hls) if shared.alive.get() => {
                shared.live.set(media.is_live());
                shared.clock.set(true);
                *shared.hlsjs.borrow_mut() = Some(hls);
            }
            Ok(hls) => hlsjs::destroy(&hls),
            Err(_) => shared.failed.set(shared.alive.get()),
        }
        return;
    }
    let bandwidths: Vec<u64> = variants.iter().map(|v| v.bandwidth).collect();
    let Some(codecs) = codecs_of(variants.get(current)) else {
        shared.failed.set(true);
        return;
    };
    let mut codecs = codecs.to_owned();
    let mse = match Mse::open(&video, &mse::mime(&codecs)).await {
        Ok(mse) => mse,
        Err(_) => {
            shared.failed.set(shared.alive.get());
            return;
        }
    };
    let live = media.is_live();
    shared.live.set(live);
    shared.segment_s.set(segment_seconds(&media));
    let target = live_edge::target_for(&media);
    *session.edge.borrow_mut() = LiveEdge::new(target);
    saw_playlist(shared, &media);
    mse.set_duration(if live {
        f64::INFINITY
    } else {
        on_demand_seconds(&media)
    });
    let with_captions = captions.is_some();
    if let Some(rendition) = captions {
        let (video, master_url) = (video.clone(), master_url.clone());
        let (shared, fetcher) = (session.shared.clone(), fetcher.clone());
        wasm_bindgen_futures::spawn_local(async move {
            // Its code is fetched now, for a stream that has subtitles; if
            // that fails, the video plays on without captions.
            let loaded = subtitles::task(video, rendition, master_url, shared, fetcher);
            #[cfg(feature = "split")]
            let loaded = loaded.await;
            if let Ok(task) = loaded {
                task.await;
            }
        });
    }
    // An on-demand stream's timeline starts at its first segment wherever
    // loading starts; a live one's where it is joined (the first append).
    let fixed_anchor = (!live).then(|| on_demand_anchor(&media));

    let mut cursor = Cursor::default();
    cursor.aim((target * 1000.0) as i64);
    // why: a blocking reload answers the moment the next part is written, so
    // the edge clock is right before the join is aimed; a polled playlist
    // may be most of a segment old.
    if low_latency::next_part(&media).is_some() {
        if let Ok(fresh) = reload(&fetcher, &media_url, &media, true).await {
            saw_playlist(shared, &fresh);
            media = fresh;
        }
    } else if live && edge_of(&media).is_some() {
        // Polled every quarter second until a segment is added, for at
        // most a segment and a half: then the edge's arrival is known to
        // within a quarter second.
        let (first_edge, give_up) = (edge_of(&media), now() + 1500.0 * segment_seconds(&media));
        while shared.alive.get() && now() < give_up {
            sleep(250.0).await;
            if let Ok(fresh) = reload(&fetcher, &media_url, &media, false).await {
                let moved = edge_of(&fresh) != first_edge;
                saw_playlist(shared, &fresh);
                media = fresh;
                if moved {
                    break;
                }
            }
        }
    }
    let mut placement = placement::Placement::default();
    let mut next_reload = now() + 1000.0 * media.target_duration as f64;
    let mut reload_wait = 500.0;
    let mut prefetch: Option<Prefetch> = None;
    // A live stream's playhead goes to the live target once it is buffered.
    let mut joining = live && shared.start_at.get().is_none();
    loop {
        if !shared.alive.get() || mse.is_lost() {
            // Closed while alive: a decode error ended the source.
            shared.failed.set(shared.alive.get());
            return;
        }
        if shared.restart.replace(false) {
            cursor.restart();
            placement.forget();
            joining = true;
        }
        // After the restart: `go_live` clears a seek, so one still here is newer.
        if let Some(to) = shared.seek_to.take() {
            cursor.seek(&media, to);
            placement.forget();
            joining = false;
        }
        if !media.ended && media.is_live() && now() >= next_reload {
            let before = media.sequence_of(media.segments.len());
            let target = 1000.0 * media.target_duration as f64;
            match reload(&fetcher, &media_url, &media, false).await {
                Ok(fresh) => {
                    // Unchanged: try again after half a target duration (RFC 8216 §6.3.4).
                    let grew = fresh.sequence_of(fresh.segments.len()) > before;
                    next_reload = now() + if grew { target } else { target / 2.0 };
                    reload_wait = 500.0;
                    saw_playlist(shared, &fresh);
                    media = fresh;
                }
                Err(_) => {
                    next_reload = now() + reload_wait;
                    reload_wait = (reload_wait * 2.0_f64).min(8000.0);
                }
            }
            continue;
        }
        let step = match cursor.next(&media) {
            Next::End => {
                // why: endOfStream throws while an append is in flight; ours
                // are all awaited, so the buffer is idle here.
                mse.end();
                if !seek_requested(shared).await {
                    return;
                }
                continue;
            }
            Next::Wait if low_latency::next_part(&media).is_some() => {
                // At the edge of a low-latency stream: the hinted part's
                // download starts now (the server answers once it is
                // written), and the playlist that lists it is asked for.
                if let Some(hint) = low_latency::hinted_part(&media) {
                    let url = hls::resolve(&media_url, &hint.uri);
                    if prefetch.as_ref().is_none_or(|(u, _)| *u != url) {
                        let bytes = fetcher.bytes(&url, None);
                        prefetch = Some((url, Box::pin(bytes)));
                    }
                }
                match reload(&fetcher, &media_url, &media, true).await {
                    Ok(fresh) => {
                        next_reload = now() + 1000.0 * fresh.target_duration as f64;
                        reload_wait = 500.0;
                        saw_playlist(shared, &fresh);
                        media = fresh;
                    }
                    Err(_) => {
                        sleep(reload_wait).await;
                        reload_wait = (reload_wait * 2.0_f64).min(8000.0);
                    }
                }
                continue;
            }
            Next::Wait => {
                sleep((next_reload - now()).max(100.0)).await;
                continue;
            }
            Next::Load(step) => *step,
        };
        let t = video.current_time();
        let buffered = mse.buffered();
        let duration = step.duration();
        // Where the segment goes, once the timeline exists.
        let at = shared.anchor.get().map(|a| media_time(step.start_ms, a));
        // Loaded before a seek back: no need to fetch it again.
        if at.is_some_and(|at| buffer::holds(&buffered, at, at + duration)) {
            cursor.skip(&step);
            continue;
        }
        // why: measured to the segment, not to the end of the buffered range
        // the playhead is in: past a hole (a packager restart's) or before
        // ranges a seek left behind, the latter would let the loader run on
        // to the end of a recording. A playhead with nothing to play never
        // waits on the loader: what comes, the tick's gap jump reaches.
        let far = at.is_some_and(|at| at - t > MAX_AHEAD);
        if far && buffer::ahead(&buffered, t) > 0.0 {
            sleep(500.0).await;
            continue;
        }
        if let Some((from, to)) = buffer::trim(&buffered, t) {
            let _ = mse.remove(from, to).await;
        }
        if let Some(map) = &step.init {
            let init_url = hls::resolve(&media_url, &map.uri);
            let appended = match bytes_retrying(&fetcher, &init_url, map.byte_range.as_ref()).await
            {
                Some(init) => {
                    if with_captions {
                        let bytes = js_sys::Uint8Array::new(&init).to_vec();
                        *shared.timescales.borrow_mut() = hls::fmp4::timescales(&bytes);
                    }
                    mse.append(&init, None).await.is_ok()
                }
                None => false,
            };
            if !appended {
                // Try the init again with the next segment.
                cursor.done(&step, false);
                continue;
            }
        }
        let segment_url = hls::resolve(&media_url, step.uri());
        let began = now();
        // The hinted part, already on its way.
        let early = prefetch
            .take()
            .filter(|(url, _)| *url == segment_url && step.byte_range().is_none());
        let held = early.is_some();
        let data = match early {
            Some((_, bytes)) => match bytes.await {
                Ok(data) => Some(data),
                Err(_) => bytes_retrying(&fetcher, &segment_url, None).await,
            },
            None => bytes_retrying(&fetcher, &segment_url, step.byte_range()).await,
        };
        let Some(data) = data else {
            // Gone (404) or unreachable: skip it; the tick jumps the hole.
            cursor.done(&step, false);
            continue;
        };
        if !shared.alive.get() {
            return;
        }
        // why: a part held open until written measures the packager, not the network.
        if !held {
            abr.sample(f64::from(data.byte_length()), now() - began);
        }
        let anchor = shared.anchor.get().unwrap_or_else(|| {
            shared.clock.set(step.segment.program_date_time.is_some());
            fixed_anchor.unwrap_or(step.start_ms)
        });
        shared.anchor.set(Some(anchor));
        let at = media_time(step.start_ms, anchor);
        let follows = step.follows && step.init.is_none() && !step.discontinuity();
        let place = placement.place(at, duration, follows);
        if mse.append(&data, place).await.is_err() {
            if mse.is_lost() {
                // A decode error closed the source: nothing more will play.
                shared.failed.set(shared.alive.get());
                return;
            }
            // Most likely QuotaExceededError: free all but 2 s behind the
            // playhead, then retry once.
            let t = video.current_time();
            if let Some(&(from, _)) = mse.buffered().first() {
                let _ = mse.remove(from, (t - 2.0).max(from)).await;
            }
            if mse.append(&data, place).await.is_err() {
                placement.forget();
                cursor.done(&step, false);
                continue;
            }
        }
        if with_captions {
            shared
                .cue_shift
                .set(cue_shift(&data, at, &shared.timescales.borrow()));
        }
        let independent = match step.part {
            Some(k) => k == 0 || step.segment.parts[k].independent,
            None => true,
        };
        if independent {
            let mut keyframes = shared.keyframes.borrow_mut();
            if keyframes.len() == KEYFRAMES {
                keyframes.pop_front();
            }
            keyframes.push_back(at);
        }
        cursor.done(&step, true);
        // A start position waits for the first segment: its timeline.
        session.apply_start();
        if joining {
            // why: aimed anew at each append until the target is buffered,
            // so the first frame shown is the target's as of then, not as
            // of the first append.
            if let Some(to) = session.join_time() {
                video.set_current_time(to.max(0.0));
                joining = buffer::ahead(&mse.buffered(), to) < 0.1;
            }
        }
        if bandwidths.len() > 1 {
            let pick = abr.choose(&bandwidths, current);
            if pick != current {
                let url = hls::resolve(&master_url, &variants[pick].uri);
                // A low-latency playlist reports the other renditions' newest
                // part: asked for by it, the other playlist is as new as this one.
                let report = media
                    .rendition_reports
                    .iter()
                    .find(|r| hls::resolve(&media_url, &r.uri) == url);
                let blocking = report
                    .and_then(|r| Some((r.last_msn?, r.last_part.unwrap_or(0) as usize)))
                    .filter(|_| low_latency::blocking(&media));
                let asked = low_latency::reload_url(&url, blocking, false);
                // A failed switch keeps the current rendition.
                if let Ok(fresh) = media_playlist(&fetcher, &asked).await {
                    cursor.switch_to(&fresh);
                    placement.forget();
                    prefetch = None;
                    if let Some(c) = codecs_of(variants.get(pick)).filter(|c| *c != codecs) {
                        codecs = c.to_owned();
                        mse.change_type(&mse::mime(&codecs));
                    }
                    current = pick;
                    media_url = url;
                    media = fresh;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_hls;

    #[test]
    fn hls_is_told_by_the_path_extension() {
        assert!(is_hls("https://cdn.example.com/live/show.m3u8"));
        assert!(is_hls("/live/show.m3u8?token=abc"));
        assert!(!is_hls("/media/stream.mp4"));
        assert!(!is_hls("/media/stream.mp4?f=.m3u8"));
    }
}
