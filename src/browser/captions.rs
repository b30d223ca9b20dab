//! The video's captions as lines for the widget to draw: whichever text track
//! it has (a video file's `<track>`, the player's subtitle rendition, Safari's
//! own HLS subtitles), in the shopper's language when there is a choice.
//!
//! The track is kept `hidden`: the browser loads and times its cues but
//! draws nothing. The widget draws them itself so that they stay clear of the
//! chat and the products, and follow the viewer's own text size.
use std::rc::Rc;

use lapak_player::retired;
use leptos::html::Video;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, HtmlMediaElement, TextTrack, TextTrackKind, TextTrackMode, VttCue};

/// A track added or removed, or one's mode changed (the player set one aside).
const LIST_EVENTS: [&str; 3] = ["addtrack", "removetrack", "change"];

/// What the video's captions say now.
#[derive(Clone, Copy)]
pub struct Captions {
    /// Whether the video has captions at all.
    pub available: ReadSignal<bool>,
    /// The lines on screen now (empty between cues).
    pub lines: ReadSignal<Vec<String>>,
}

/// Follows the captions of the `<video>` behind `video`, choosing the track in
/// `language` (e.g. `id`) when there is one, until the owner goes.
pub fn watch(video: NodeRef<Video>, language: Signal<String>) -> Captions {
    let (available, set_available) = signal(false);
    let (lines, set_lines) = signal(Vec::<String>::new());
    Effect::new(move |_| {
        let Some(video) = video.get() else {
            return;
        };
        let media: HtmlMediaElement = video.unchecked_into();
        let language = language.get();
        let read = {
            let media = media.clone();
            move || {
                let track = choose(&media, &language);
                set_available.set(track.is_some());
                set_lines.set(track.map(|t| active_lines(&t)).unwrap_or_default());
            }
        };
        read();
        let read = Rc::new(read);
        // A cue change on the chosen track, or a track coming or going.
        let on_cue: Closure<dyn Fn()> = Closure::new({
            let read = read.clone();
            move || read()
        });
        let cue_fn: js_sys::Function = on_cue.as_ref().clone().unchecked_into();
        let listen = {
            let cue_fn = cue_fn.clone();
            move |track: &TextTrack| {
                // why: the same listener added twice is one listener, so
                // every track can be handed it whenever the list changes.
                let _ = track.add_event_listener_with_callback("cuechange", &cue_fn);
            }
        };
        let tracks = media.text_tracks();
        if let Some(list) = &tracks {
            (0..list.length())
                .filter_map(|i| list.get(i))
                .for_each(|t| listen(&t));
        }
        let on_list: Closure<dyn Fn(Event)> = Closure::new(move |ev: Event| {
            if let Some(track) = js_sys::Reflect::get(&ev, &JsValue::from_str("track"))
                .ok()
                .and_then(|t| t.dyn_into::<TextTrack>().ok())
            {
                listen(&track);
            }
            read();
        });
        if let Some(list) = &tracks {
            for kind in LIST_EVENTS {
                let _ =
                    list.add_event_listener_with_callback(kind, on_list.as_ref().unchecked_ref());
            }
        }
        let held = SendWrapper::new((media, on_cue, on_list));
        on_cleanup(move || {
            let (media, on_cue, on_list) = held.take();
            if let Some(list) = media.text_tracks() {
                for kind in LIST_EVENTS {
                    let _ = list.remove_event_listener_with_callback(
                        kind,
                        on_list.as_ref().unchecked_ref(),
                    );
                }
                for track in (0..list.length()).filter_map(|i| list.get(i)) {
                    let _ = track.remove_event_listener_with_callback(
                        "cuechange",
                        on_cue.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    });
    Captions { available, lines }
}

/// The captions track to show: one in `language`, else the first; the others
/// are disabled (they load nothing), the chosen one hidden (it loads, times
/// and reports its cues, and the browser draws none).
fn choose(media: &HtmlMediaElement, language: &str) -> Option<TextTrack> {
    let list = media.text_tracks()?;
    let tracks: Vec<TextTrack> = (0..list.length())
        .filter_map(|i| list.get(i))
        .filter(|t| matches!(t.kind(), TextTrackKind::Captions | TextTrackKind::Subtitles))
        .filter(|t| !retired::is_retired(t))
        .collect();
    let same = |t: &&TextTrack| primary(&t.language()) == primary(language);
    let chosen = tracks.iter().find(same).or(tracks.first()).cloned();
    for track in &tracks {
        let mode = if Some(track) == chosen.as_ref() {
            TextTrackMode::Hidden
        } else {
            TextTrackMode::Disabled
        };
        if track.mode() != mode {
            track.set_mode(mode);
        }
    }
    chosen
}

/// `id` of `id-ID`.
fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The text of the cues on screen now, a line per line.
fn active_lines(track: &TextTrack) -> Vec<String> {
    let Some(cues) = track.active_cues() else {
        return Vec::new();
    };
    (0..cues.length())
        .filter_map(|i| cues.get(i))
        .filter_map(|cue| cue.dyn_into::<VttCue>().ok())
        // why: as HTML, then its text: voice and style tags gone, entities decoded.
        .filter_map(|cue| cue.get_cue_as_html().text_content())
        .flat_map(|text| text.lines().map(str::to_owned).collect::<Vec<_>>())
        .filter(|line| !line.trim().is_empty())
        .collect()
}
