//! Focus for sheets: when one opens, focus moves to it (so keyboard and
//! screen-reader users land in it); when it closes, focus returns to where it
//! was. And in forms: to the first field to fix, or to the one way on.
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

/// After the form shows its problems, focuses the first field marked invalid,
/// so keyboard and screen-reader users land on what to fix.
pub fn first_invalid(form: NodeRef<leptos::html::Form>) {
    request_animation_frame(move || {
        let field = form
            .get_untracked()
            .and_then(|f| f.query_selector("[aria-invalid='true']").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = field {
            let _ = field.focus();
        }
    });
}

/// Focuses `target` once it is mounted: for a control that appears as the one
/// way on (e.g. "Pay again"), so keyboard and screen-reader users land on it.
pub fn use_focus_on_mount(target: NodeRef<Button>) {
    Effect::new(move |_| {
        if let Some(button) = target.get() {
            let _ = button.focus();
        }
    });
}
