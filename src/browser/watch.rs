//! Watch time: whether the tab is visible (Page Visibility API), and the
//! heartbeat timer. The store decides whether a heartbeat is earned (the video
//! plays in a visible tab); this only reports visibility and fires the timer.
use gloo_timers::callback::Interval;
use lapak_protocol::HEARTBEAT_MS;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Tells `visible` the tab's visibility now and on every change, and calls
/// `beat` every [`HEARTBEAT_MS`], until the widget goes away.
pub fn report(visible: impl Fn(bool) + 'static, beat: impl FnMut() + 'static) {
    let target = document();
    let page = target.clone();
    let is_visible = move || page.visibility_state() == web_sys::VisibilityState::Visible;
    visible(is_visible());
    let on_change = Closure::<dyn Fn()>::new(move || visible(is_visible()));
    let _ = target
        .add_event_listener_with_callback("visibilitychange", on_change.as_ref().unchecked_ref());
    let every = u32::try_from(HEARTBEAT_MS).unwrap_or(u32::MAX);
    let beat = Interval::new(every, beat);
    let held = SendWrapper::new((on_change, beat, target));
    on_cleanup(move || {
        let (on_change, beat, target) = held.take();
        let _ = target.remove_event_listener_with_callback(
            "visibilitychange",
            on_change.as_ref().unchecked_ref(),
        );
        drop(beat);
    });
}
