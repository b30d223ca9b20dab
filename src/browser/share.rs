//! Sharing the show: its link (the page the shopper is on, which is the brand's
//! page when embedded) goes to the clipboard.
use leptos::prelude::window;

use super::clipboard::copy;

/// Copies the page's address; a browser that refuses (no permission, no
/// clipboard) leaves the clipboard as it was.
pub fn copy_link() {
    if let Ok(href) = window().location().href() {
        copy(&href);
    }
}

/// Copies the page's address opening its replay `seconds` in: its `t`
/// parameter set (replacing any), the rest of the address as it is.
pub fn copy_link_at(seconds: u32) {
    let Ok(href) = window().location().href() else {
        return;
    };
    let Ok(url) = web_sys::Url::new(&href) else {
        return;
    };
    url.search_params().set("t", &seconds.to_string());
    copy(&url.href());
}
