//! The clipboard: text the shopper asked to copy (a link, an account number).
use leptos::prelude::window;

/// Puts `text` on the clipboard; a browser that refuses (no permission, no
/// clipboard) leaves it as it was. The promise settles later; nothing waits on it.
pub fn copy(text: &str) {
    let _ = window().navigator().clipboard().write_text(text);
}
