//! Fullscreen for the whole widget, not the bare video: the tags, the cart,
//! the chat and a double tap's like stay usable in it.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Whether the page may go fullscreen (not in iframes that forbid it, nor on iPhone).
pub fn available() -> bool {
    document().fullscreen_enabled()
}

/// Whether something is fullscreen now, kept up to date until the current owner goes.
pub fn watch() -> ReadSignal<bool> {
    let (fullscreen, set) = signal(document().fullscreen_element().is_some());
    let listener: Closure<dyn Fn()> =
        Closure::new(move || set.set(document().fullscreen_element().is_some()));
    let doc = document();
    let _ =
        doc.add_event_listener_with_callback("fullscreenchange", listener.as_ref().unchecked_ref());
    let held = SendWrapper::new((doc, listener));
    on_cleanup(move || {
        let (doc, listener) = held.take();
        let _ = doc.remove_event_listener_with_callback(
            "fullscreenchange",
            listener.as_ref().unchecked_ref(),
        );
    });
    fullscreen
}

/// Leaves fullscreen, or makes the widget that holds `from` fullscreen.
pub fn toggle(from: &web_sys::Element) {
    let doc = document();
    if doc.fullscreen_element().is_some() {
        doc.exit_fullscreen();
    } else if let Ok(Some(widget)) = from.closest(".lapak") {
        let _ = widget.request_fullscreen();
    }
}
