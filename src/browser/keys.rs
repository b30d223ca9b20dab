//! Key presses for the widget's shortcuts: a plain key, never one typed into a
//! field or pressed with a modifier (those belong to the page and the browser).
use wasm_bindgen::JsCast;

/// The key of `ev` if it may be a shortcut.
pub fn shortcut_key(ev: &web_sys::KeyboardEvent) -> Option<String> {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() || typing(ev) {
        return None;
    }
    Some(ev.key())
}

/// Whether `ev` happens in a text field, a list box or editable text.
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || target.is_content_editable()
}
