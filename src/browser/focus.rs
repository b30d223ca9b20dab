//! Focus for sheets: when one opens, focus moves to it (so keyboard and
//! screen-reader users land in it); when it closes, focus returns to where it was.
use leptos::html::Button;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// Focuses `target` once it is mounted; restores the previous focus on unmount.
pub fn use_focus_on_open(target: NodeRef<Button>) {
    let previous = document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    Effect::new(move |_| {
        if let Some(button) = target.get() {
            let _ = button.focus();
        }
    });
    let previous = SendWrapper::new(previous);
    on_cleanup(move || {
        if let Some(element) = previous.take() {
            let _ = element.focus();
        }
    });
}
