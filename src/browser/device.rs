//! What kind of device the widget runs on, where a view must choose between
//! two ways on (a wallet's app on a phone, its web page on a computer).
use leptos::prelude::window;

/// Whether the main pointer is a finger (a phone or tablet): coarse, unable to hover.
pub fn is_handheld() -> bool {
    window()
        .match_media("(hover: none) and (pointer: coarse)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}
