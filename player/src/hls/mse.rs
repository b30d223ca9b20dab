//! Media Source Extensions: one `MediaSource` (a `ManagedMediaSource` on the
//! iPhone) attached to the video through an object URL, and one
//! `SourceBuffer` for muxed audio+video fMP4 that the driver feeds one
//! operation at a time (append, remove), awaiting each.
use std::cell::Cell;

use js_sys::{ArrayBuffer, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AddEventListenerOptions, EventTarget, HtmlMediaElement, MediaSource, MediaSourceReadyState,
    SourceBuffer, SourceBufferAppendMode, TimeRanges, Url,
};

/// Codecs assumed when the master playlist does not say (H.264 baseline + AAC-LC).
pub const DEFAULT_CODECS: &str = "avc1.42E01E,mp4a.40.2";

/// The MIME type for fMP4 with `codecs`.
pub fn mime(codecs: &str) -> String {
    let mut m = String::from("video/mp4; codecs=\"");
    m.push_str(codecs);
    m.push('"');
    m
}

/// The constructor named `name` on the window, if this browser has it.
fn class(name: &str) -> Option<Function> {
    let window = web_sys::window()?;
    Reflect::get(&window, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}

/// The media source this browser offers: `MediaSource`, else
/// `ManagedMediaSource` (the iPhone's only one, from iOS 17.1), and whether
/// it is the managed one. (web-sys 0.3 has no binding for the latter; it is
/// a `MediaSource` with more events, so it is built and used as one.)
fn source_class() -> Option<(Function, bool)> {
    class("MediaSource")
        .map(|c| (c, false))
        .or_else(|| class("ManagedMediaSource").map(|c| (c, true)))
}

/// Whether this browser has a media source (`MediaSource`, or
/// `ManagedMediaSource` alone) and can play `codecs` through it.
pub fn supports(codecs: &str) -> bool {
    let Some((class, _)) = source_class() else {
        return false;
    };
    Reflect::get(&class, &JsValue::from_str("isTypeSupported"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call1(&class, &JsValue::from_str(&mime(codecs))).ok())
        .is_some_and(|yes| yes.is_truthy())
}

/// Whether the browser has `ManagedMediaSource` and no `MediaSource`: the
/// iPhone from iOS 17.1.
pub fn managed_only() -> bool {
    source_class().is_some_and(|(_, managed)| managed)
}

/// Resolves when the first of `events` (target, event name) fires. The
/// listeners are the promise's own `resolve` with `once`, so nothing
/// Rust-side is kept alive or leaked.
pub async fn next_event(events: &[(&EventTarget, &str)]) {
    let options = AddEventListenerOptions::new();
    options.set_once(true);
    let promise = Promise::new(&mut |resolve, _| {
        for (target, event) in events {
            let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
                event, &resolve, &options,
            );
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Buffered ranges as `(start, end)` pairs.
pub fn ranges(buffered: &TimeRanges) -> Vec<(f64, f64)> {
    (0..buffered.length())
        .filter_map(|i| Some((buffered.start(i).ok()?, buffered.end(i).ok()?)))
        .collect()
}

/// The media source and its one buffer.
pub struct Mse {
    source: MediaSource,
    buffer: SourceBuffer,
    /// The object URL set as the video's `src`; revoked on drop.
    url: String,
    /// Whether [`Mse::end`] ended the source (rather than a decode error).
    ended: Cell<bool>,
}

impl Mse {
    /// Attaches a new media source to `video` and opens a buffer for `mime`.
    pub async fn open(video: &HtmlMediaElement, mime: &str) -> Result<Self, JsValue> {
        let (class, managed) = source_class().ok_or(JsValue::NULL)?;
        let source: MediaSource =
            Reflect::construct(&class, &js_sys::Array::new())?.unchecked_into();
        if managed {
            // why: a ManagedMediaSource opens only on a video that cannot be
            // sent to AirPlay, or that offers AirPlay another source.
            Reflect::set(
                video,
                &JsValue::from_str("disableRemotePlayback"),
                &JsValue::TRUE,
            )?;
        }
        let url = Url::create_object_url_with_source(&source)?;
        video.set_src(&url);
        // why: also `emptied`: a player dropped before the source opens
        // removes the video's src, and `sourceopen` then never comes. An
        // `emptied` left over from the previous source is told apart by the
        // src still being ours.
        while source.ready_state() != MediaSourceReadyState::Open {
            if video.src() != url {
                let _ = Url::revoke_object_url(&url);
                return Err(JsValue::NULL);
            }
            next_event(&[(&source, "sourceopen"), (video, "emptied")]).await;
        }
        let buffer = source.add_source_buffer(mime)?;
        // why: in "sequence" mode the buffer places an append where we say
        // (timestampOffset = programme time − anchor) whatever the segment's
        // own timestamps, so media time is programme time and a packager
        // restart (timestamps back at zero, new init) needs no special case;
        // appends we do not place follow the last one (`placement`).
        buffer.set_mode(SourceBufferAppendMode::Sequence);
        Ok(Self {
            source,
            buffer,
            url,
            ended: Cell::new(false),
        })
    }

    /// Whether the source is still attached and usable.
    pub fn is_open(&self) -> bool {
        self.source.ready_state() == MediaSourceReadyState::Open
    }

    /// Whether nothing more will play: the source was detached, or a decode
    /// error ended it. One that [`Mse::end`] ended still takes appends (a
    /// seek back into what was trimmed): an append reopens it.
    pub fn is_lost(&self) -> bool {
        match self.source.ready_state() {
            MediaSourceReadyState::Open => false,
            MediaSourceReadyState::Ended => !self.ended.get(),
            _ => true,
        }
    }

    /// Sets the media duration (`f64::INFINITY` for live).
    pub fn set_duration(&self, seconds: f64) {
        if self.is_open() && !self.buffer.updating() {
            self.source.set_duration(seconds);
        }
    }

    /// What the buffer holds.
    pub fn buffered(&self) -> Vec<(f64, f64)> {
        self.buffer
            .buffered()
            .map(|b| ranges(&b))
            .unwrap_or_default()
    }

    /// Appends `data` at media time `at` seconds (None: straight after the last append).
    pub async fn append(&self, data: &ArrayBuffer, at: Option<f64>) -> Result<(), JsValue> {
        // An append reopens a source that `end` ended.
        self.ended.set(false);
        if let Some(at) = at {
            // why: in sequence mode setting timestampOffset also sets the
            // group start, so the append's first frame lands exactly at `at`.
            // Through Reflect: the setter throws on a detached buffer, and a
            // JS exception through web-sys's infallible setter would abort.
            js_sys::Reflect::set(
                &self.buffer,
                &JsValue::from_str("timestampOffset"),
                &at.into(),
            )?;
        }
        self.buffer.append_buffer_with_array_buffer(data)?;
        self.settled().await
    }

    /// Removes `start..end` seconds.
    pub async fn remove(&self, start: f64, end: f64) -> Result<(), JsValue> {
        // Reopens a source that `end` ended, like an append.
        self.ended.set(false);
        self.buffer.remove(start, end)?;
        self.settled().await
    }

    /// Switches the buffer to another rendition's codecs, where the browser can.
    pub fn change_type(&self, mime: &str) {
        let _ = self.buffer.change_type(mime);
    }

    /// Says no more data will come: the video ends after what is buffered.
    pub fn end(&self) {
        if self.is_open() && !self.buffer.updating() {
            self.ended.set(self.source.end_of_stream().is_ok());
        }
    }

    async fn settled(&self) -> Result<(), JsValue> {
        // `updateend` follows success, `error` and `abort` alike; a decode
        // error also closes or ends the source, which tells them apart.
        next_event(&[(&self.buffer, "updateend")]).await;
        if self.is_open() {
            Ok(())
        } else {
            Err(JsValue::NULL)
        }
    }
}

impl Drop for Mse {
    fn drop(&mut self) {
        let _ = Url::revoke_object_url(&self.url);
    }
}
