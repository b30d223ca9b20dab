//! Text tracks the player has set aside. A track made by `addTextTrack`
//! cannot be removed, so one whose stream was replaced is marked instead, and
//! whoever shows captions skips it.
use wasm_bindgen::JsValue;
use web_sys::{TextTrack, TextTrackMode};

/// The property that marks a retired track.
const RETIRED: &str = "lapakRetired";

/// Sets a track the player made aside for good: no cues, never chosen again.
pub fn retire(track: &TextTrack) {
    let _ = js_sys::Reflect::set(track, &JsValue::from_str(RETIRED), &JsValue::TRUE);
    track.set_mode(TextTrackMode::Disabled);
}

/// Whether the player set `track` aside ([`retire`]).
pub fn is_retired(track: &TextTrack) -> bool {
    js_sys::Reflect::has(track, &JsValue::from_str(RETIRED)).unwrap_or(false)
}
