//! Focus for sheets: when one opens, focus moves to it (so keyboard and
//! screen-reader users land in it); when it closes, focus returns to where it
//! was. And in forms: to the first field to fix, or to the one way on.
use std::cell::RefCell;
use std::rc::Rc;

use leptos::html::Button;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// Focuses `target` once it is mounted; on unmount gives focus back to where it
/// was. When that is gone or hidden too (adding from the picker closes the shelf
/// it was opened from), focus goes to the widget's home (`data-focus-home`, the
/// cart button) rather than dropping to `<body>`, where Escape and the
/// shortcuts no longer reach the widget.
pub fn use_focus_on_open(target: NodeRef<Button>) {
    let previous = document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    // Where the sheet was mounted: shared with the clean-up, which may run after the owner's values are gone.
    let widget = SendWrapper::new(Rc::new(RefCell::new(None::<web_sys::Element>)));
    let mounted_in = widget.clone();
    Effect::new(move |_| {
        if let Some(button) = target.get() {
            let _ = button.focus();
            *mounted_in.borrow_mut() = button.closest(".lapak").ok().flatten();
        }
    });
    let previous = SendWrapper::new(previous);
    on_cleanup(move || {
        if let Some(element) = previous.take() {
            let _ = element.focus();
        }
        let widget = widget.borrow_mut().take();
        // The sheet closes in the same update that may hide what opened it:
        // look once the frame is laid out.
        request_animation_frame(move || widget.iter().for_each(keep_focus_in));
    });
}

/// For a sheet that stays mounted (the shelf): focuses `target` each time
/// `open` turns true, and keeps focus in the widget when it closes.
pub fn use_focus_while_open(target: NodeRef<Button>, open: impl Fn() -> bool + 'static) {
    Effect::new(move |was: Option<bool>| {
        let now = open();
        if let Some(button) = target.get_untracked() {
            if now && was != Some(true) {
                let _ = button.focus();
            } else if !now && was == Some(true) {
                let widget = button.closest(".lapak").ok().flatten();
                request_animation_frame(move || widget.iter().for_each(keep_focus_in));
            }
        }
        now
    });
}

/// The widget root's `focusout` handler: when the focused control is taken out
/// of the page (a retry button replaced by what it loaded, a pay button by the
/// confirmation), focus stays in the widget instead of dropping to `<body>`.
/// Focus that leaves for the host page is left alone.
pub fn keep_focus_when_removed(ev: web_sys::FocusEvent) {
    if ev.related_target().is_some() {
        return;
    }
    let (Some(left), Some(widget)) = (
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
        ev.current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
    ) else {
        return;
    };
    request_animation_frame(move || {
        if !left.is_connected() {
            keep_focus_in(&widget);
        }
    });
}

/// If nothing has focus, moves it to the open sheet's first control, else to
/// `widget`'s home (`data-focus-home`).
fn keep_focus_in(widget: &web_sys::Element) {
    if !focus_is_lost(widget) {
        return;
    }
    let home = widget
        .query_selector("[role='dialog'] button:not([disabled])")
        .ok()
        .flatten()
        .filter(|e| e.get_client_rects().length() > 0)
        .or_else(|| widget.query_selector("[data-focus-home]").ok().flatten());
    if let Some(home) = home.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = home.focus();
    }
}

/// Whether nothing in `widget`'s document (or shadow root) has focus.
fn focus_is_lost(widget: &web_sys::Element) -> bool {
    let active = active_in(widget);
    active.is_none_or(|a| {
        a.tag_name() == "BODY" || !a.is_connected() || a.get_client_rects().length() == 0
    })
}

/// The focused element of `node`'s document or shadow root.
fn active_in(node: &web_sys::Node) -> Option<web_sys::Element> {
    match node.get_root_node().dyn_into::<web_sys::ShadowRoot>() {
        Ok(shadow) => shadow.active_element(),
        Err(_) => document().active_element(),
    }
}

/// What Tab can land on.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// A sheet's keydown handler: Tab and Shift+Tab wrap around the sheet's
/// controls instead of leaving it (the modal dialog pattern), and bring focus
/// back into it from anywhere else.
pub fn keep_tab_inside(ev: web_sys::KeyboardEvent) {
    if ev.key() != "Tab" || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
        return;
    }
    let Some(sheet) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(found) = sheet.query_selector_all(FOCUSABLE) else {
        return;
    };
    let controls: Vec<web_sys::HtmlElement> = (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|e| e.get_client_rects().length() > 0)
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        return;
    };
    let active = active_in(&sheet);
    let inside = active
        .as_ref()
        .is_some_and(|a| sheet.contains(Some(a.unchecked_ref())));
    let (edge, wrap_to) = if ev.shift_key() {
        (first, last)
    } else {
        (last, first)
    };
    let at_edge = active.is_some_and(|a| &a == edge.unchecked_ref::<web_sys::Element>());
    if at_edge || !inside {
        ev.prevent_default();
        let _ = wrap_to.focus();
    }
}

/// After the form shows its problems, focuses the first field marked invalid,
/// so keyboard and screen-reader users land on what to fix.
pub fn first_invalid(form: NodeRef<leptos::html::Form>) {
    request_animation_frame(move || {
        // The form may be gone by the next frame, its node ref disposed with it.
        let field = form
            .try_get_untracked()
            .flatten()
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
