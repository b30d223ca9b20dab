//! Sharing the show: its link (the page the shopper is on, which is the brand's
//! page when embedded) goes to the clipboard.
use leptos::prelude::window;

/// Copies the page's address; a browser that refuses (no permission, no
/// clipboard) leaves the clipboard as it was.
pub fn copy_link() {
    let window = window();
    let Ok(href) = window.location().href() else {
        return;
    };
    // The promise settles later; nothing waits on it.
    let _ = window.navigator().clipboard().write_text(&href);
}
