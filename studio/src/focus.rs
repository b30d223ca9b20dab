//! Moving the keyboard's focus to what a change just drew.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Moves the keyboard's focus to the element `selector` finds, once what
/// changed has been drawn (it may not be on the page yet).
pub fn focus(selector: &str) {
    let selector = selector.to_owned();
    request_animation_frame(move || {
        let found = document().query_selector(&selector).ok().flatten();
        if let Some(element) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
}
