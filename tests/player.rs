//! The stream player's lifetime in a real browser (headless Chromium): what it
//! starts stops with its Leptos owner. `window.fetch` is counted to see that
//! the playlist retries end; the video's source is checked in the DOM.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use lapak::browser::hls::{attach, PlayerState};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Wraps `window.fetch` once so that `window.__fetches` counts its calls.
fn count_fetches() {
    let install = js_sys::Function::new_no_args(
        "if (!window.__fetches) { window.__fetches = 0; const real = window.fetch;
         window.fetch = (...args) => { window.__fetches++; return real(...args); }; }",
    );
    install.call0(&JsValue::NULL).expect("the counter installs");
}

fn fetches() -> f64 {
    let window = web_sys::window().expect("a window");
    js_sys::Reflect::get(&window, &JsValue::from_str("__fetches"))
        .ok()
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0)
}

fn video() -> web_sys::HtmlVideoElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let video = document.create_element("video").expect("a video element");
    document
        .body()
        .expect("a body")
        .append_child(&video)
        .expect("mounted");
    video.unchecked_into()
}

#[wasm_bindgen_test]
async fn a_playlist_that_keeps_failing_is_retried_until_the_owner_goes_away() {
    count_fetches();
    let video = video();
    let owner = Owner::new();
    let player = owner.with(|| attach(video.clone(), "/no-such-show/live.m3u8".into(), ""));
    // 404, then retries after 0.5 s and 1 s.
    TimeoutFuture::new(1_800).await;
    let tried = fetches();
    assert!(tried >= 2.0, "the playlist was retried ({tried} fetches)");
    assert_eq!(player.state.get_untracked(), PlayerState::Loading);

    owner.cleanup();
    let after = fetches();
    TimeoutFuture::new(5_000).await;
    assert_eq!(fetches(), after, "no fetch after the owner went away");
    assert!(
        !video.has_attribute("src"),
        "the video lets go of its source"
    );
    player.go_live(); // a no-op now, not a panic
}

#[wasm_bindgen_test]
async fn a_file_plays_as_a_looping_source_until_the_owner_goes_away() {
    let video = video();
    let owner = Owner::new();
    owner.with(|| attach(video.clone(), "/media/stream.mp4".into(), ""));
    assert!(
        video.src().ends_with("/media/stream.mp4"),
        "{}",
        video.src()
    );
    assert!(video.loop_());
    owner.cleanup();
    assert!(!video.has_attribute("src"));
}
