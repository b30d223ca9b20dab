//! Scrolling a list that follows its newest entry (the chat): where it is, and
//! moving it, once the frame has laid out what just arrived.
use leptos::html::Div;
use leptos::prelude::*;

/// Whether `list` is scrolled to within `slack` px of its end (`true` before it mounts).
pub fn at_end(list: NodeRef<Div>, slack: i32) -> bool {
    list.get_untracked()
        .is_none_or(|el| el.scroll_height() - el.scroll_top() - el.client_height() <= slack)
}

/// Scrolls `list` to its end on the next frame, once new entries are laid out.
pub fn to_end_next_frame(list: NodeRef<Div>) {
    // The list may be gone by the next frame (the widget unmounted): its node ref with it.
    request_animation_frame(move || {
        if let Some(el) = list.try_get_untracked().flatten() {
            el.set_scroll_top(el.scroll_height());
        }
    });
}

/// Moves keyboard focus to `list` (focusable with `tabindex`).
pub fn focus(list: NodeRef<Div>) {
    if let Some(el) = list.get_untracked() {
        let _ = el.focus();
    }
}
