//! MPEG-TS streams from outside providers. The viewer's own player takes CMAF
//! (fMP4) segments only; a provider's TS stream is handed to hls.js, pinned in
//! `package.json` and copied into `dist/` by Trunk. It is loaded only for such a
//! stream, when it is met: never in the first payload.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlMediaElement;

use lapak_protocol::hls::MediaPlaylist;

/// hls.js's file in `dist/` (its light build: no subtitles or DRM).
pub const SCRIPT: &str = "hls.light.min.js";

/// Whether the stream's segments are MPEG-TS: no init section, `.ts` names.
pub fn is_transport_stream(media: &MediaPlaylist) -> bool {
    media.segments.first().is_some_and(|s| {
        s.map.is_none()
            && s.uri
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .ends_with(".ts")
    })
}

/// Loads hls.js from `src` (once per page) and plays `url` in `video` with it;
/// resolves to the hls.js instance, to destroy when the player goes.
pub async fn play(src: &str, video: &HtmlMediaElement, url: &str) -> Result<JsValue, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let mut constructor = Reflect::get(&window, &JsValue::from_str("Hls"))?;
    if constructor.is_undefined() {
        let document = window.document().ok_or("no document")?;
        let script = document.create_element("script")?;
        script.set_attribute("src", src)?;
        let loaded = Promise::new(&mut |resolve, reject| {
            let _ = script.add_event_listener_with_callback("load", &resolve);
            let _ = script.add_event_listener_with_callback("error", &reject);
        });
        document.body().ok_or("no body")?.append_child(&script)?;
        JsFuture::from(loaded).await?;
        constructor = Reflect::get(&window, &JsValue::from_str("Hls"))?;
    }
    let constructor: Function = constructor.dyn_into()?;
    let hls = Reflect::construct(&constructor, &Array::new())?;
    call(&hls, "loadSource", &JsValue::from_str(url))?;
    call(&hls, "attachMedia", video)?;
    Ok(hls)
}

/// Programme date-time (Unix ms) of the playhead, from the playlist's date-times.
pub fn programme_ms(hls: &JsValue) -> Option<i64> {
    let date = Reflect::get(hls, &JsValue::from_str("playingDate")).ok()?;
    let time = date.dyn_into::<js_sys::Date>().ok()?.get_time();
    time.is_finite().then_some(time as i64)
}

/// Stops hls.js: its loading, timers and media source.
pub fn destroy(hls: &JsValue) {
    let _ = Reflect::get(hls, &JsValue::from_str("destroy"))
        .and_then(|f| f.dyn_into::<Function>())
        .and_then(|f| f.call0(hls));
}

fn call(target: &JsValue, method: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
    Reflect::get(target, &JsValue::from_str(method))?
        .dyn_into::<Function>()?
        .call1(target, arg)
}
