//! A subtitle rendition's WebVTT segments as cues on a text track of the
//! video: the MSE player's part of captions. (Safari's own HLS and a video
//! file's `<track>` make their text tracks themselves; the viewer shows
//! whichever there is.)
//!
//! Cue times are on the stream's media timestamps (moved by the segment's
//! `X-TIMESTAMP-MAP`). The player places video segments by programme
//! date-time instead, so each appended segment records how far it moved
//! (`Shared::cue_shift`: where it was put − where its own timestamps start),
//! and cues move by the same. That start is the decode time: a cue may come a
//! frame or two (the encoder's reordering delay) late, well within what
//! captions need.
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use lapak_protocol::hls::{self, MasterPlaylist, Subtitles};
use lapak_protocol::vtt;
use wasm_bindgen::JsCast;
use web_sys::{HtmlMediaElement, TextTrack, TextTrackKind, VttCue};

use super::{media_playlist, sleep, Fetcher, Shared};

/// Seconds of cues loaded ahead of the playhead.
const AHEAD_S: f64 = 30.0;
/// Seconds of cues kept behind it (a live stream runs for hours).
const BEHIND_S: f64 = 30.0;
/// Segments back from a live playlist's end where loading starts: the
/// playhead joins a few segments behind the edge.
const LIVE_JOIN_SEGMENTS: usize = 8;

/// The rendition to show: the default one of the variant's group, else its first.
pub fn choose<'a>(master: &'a MasterPlaylist, group: Option<&str>) -> Option<&'a Subtitles> {
    let in_group = |s: &&Subtitles| group.is_none_or(|g| s.group == g);
    let mut renditions = master.subtitles.iter().filter(in_group);
    let first = renditions.clone().next();
    renditions.find(|s| s.default).or(first)
}

/// Why the loader's code could not be fetched.
type LoadError = leptos::wasm_split::SplitLoaderError;
/// The loader, to run.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// [`run`], to spawn. Under the `split` feature its code sits in a lazily
/// loaded wasm chunk (with the WebVTT parser), as only a stream with
/// subtitles needs it: the function is then async, and fails if the chunk
/// cannot be fetched.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(subtitles, wasm_split_path = ::leptos::wasm_split, fallible)
)]
pub fn task(
    video: HtmlMediaElement,
    rendition: Subtitles,
    master_url: String,
    shared: Rc<Shared>,
    fetcher: Rc<Fetcher>,
) -> Result<Task, LoadError> {
    Ok(Box::pin(run(video, rendition, master_url, shared, fetcher)))
}

/// Loads `rendition`'s cues into a new text track of `video`, near the
/// playhead, until the player goes or an on-demand stream's last segment is in.
async fn run(
    video: HtmlMediaElement,
    rendition: Subtitles,
    master_url: String,
    shared: Rc<Shared>,
    fetcher: Rc<Fetcher>,
) {
    let language = rendition.language.as_deref().unwrap_or("");
    let track = video.add_text_track_with_label_and_language(
        TextTrackKind::Subtitles,
        &rendition.name,
        language,
    );
    let url = hls::resolve(&master_url, &rendition.uri);
    let mut next: Option<u64> = None;
    let mut added: Vec<(i64, String)> = Vec::new();
    while shared.alive.get() {
        let Ok(media) = media_playlist(&fetcher, &url).await else {
            sleep(2000.0).await;
            continue;
        };
        let live = media.is_live();
        let first = next.unwrap_or_else(|| {
            let skip = if live {
                media.segments.len().saturating_sub(LIVE_JOIN_SEGMENTS)
            } else {
                0
            };
            media.sequence_of(skip)
        });
        next = Some(first);
        for (index, segment) in media.segments.iter().enumerate() {
            let sequence = media.sequence_of(index);
            if sequence < first || segment.gap {
                continue;
            }
            // No video in yet, or enough loaded ahead: wait.
            let Some(shift) = shared.cue_shift.get() else {
                break;
            };
            if added
                .last()
                .is_some_and(|(start, _)| *start as f64 / 1000.0 > video.current_time() + AHEAD_S)
            {
                break;
            }
            let segment_url = hls::resolve(&url, &segment.uri);
            if let Ok(Ok(file)) = fetcher.text(&segment_url).await.map(|t| vtt::parse(&t)) {
                let offset = shift + file.media_offset();
                for cue in &file.cues {
                    add(&track, cue, offset, &mut added);
                }
            }
            next = Some(sequence + 1);
        }
        if media.ended && next >= Some(media.sequence_of(media.segments.len())) {
            // All in: the cues stay while this stream plays.
            while shared.alive.get() {
                sleep(1000.0).await;
            }
            break;
        }
        trim(&track, video.current_time() - BEHIND_S, &mut added);
        sleep(1000.0 * (media.target_duration.max(1) as f64) / 2.0).await;
    }
    crate::retired::retire(&track);
}

/// Adds a cue once (providers repeat a cue in every segment it spans).
fn add(track: &TextTrack, cue: &vtt::Cue, offset: f64, added: &mut Vec<(i64, String)>) {
    let start = cue.start_ms as f64 / 1000.0 + offset;
    let end = cue.end_ms as f64 / 1000.0 + offset;
    let key = ((start * 1000.0) as i64, cue.text.clone());
    if added.contains(&key) {
        return;
    }
    if let Ok(vtt_cue) = VttCue::new(start, end, &cue.text) {
        track.add_cue(&vtt_cue);
        added.push(key);
    }
}

/// Drops the cues that ended before `before` (media seconds).
fn trim(track: &TextTrack, before: f64, added: &mut Vec<(i64, String)>) {
    let Some(cues) = track.cues() else {
        return;
    };
    let old: Vec<_> = (0..cues.length())
        .filter_map(|i| cues.get(i))
        .filter(|cue| cue.end_time() < before)
        .collect();
    for cue in old {
        let _ = track.remove_cue(cue.unchecked_ref());
    }
    added.retain(|(start, _)| *start as f64 / 1000.0 >= before - AHEAD_S);
}
