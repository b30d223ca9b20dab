//! Focus for sheets: when one opens, focus moves to it (so keyboard and
//! screen-reader users land in it); when it closes, focus returns to what
//! opened it ([`use_focus_return`], for every sheet at once). And in forms: to
//! the first field to fix, or to the one way on.
use leptos::html::Button;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// Where focus goes when a sheet closes or the focused control leaves the
/// page, for the whole widget: the one rule, kept here rather than by each
/// sheet. Focus returns to what opened the sheet: the last control focused
/// outside every open sheet (a sheet opened from another one, as the top-up
/// from the gift panel, returns to what opened the first). When that is gone
/// or hidden (a tag unpinned meanwhile), focus goes to the widget's home
/// (`data-focus-home`, the cart button, which is always on the rail) rather
/// than dropping to `<body>`, where Escape and the shortcuts no longer reach
/// the widget. A control taken out of the page while focused (a pay button
/// replaced by what it paid for) hands focus to the open sheet's first
/// control, else to the same place.
///
/// `root` is the widget's root; `open` whether a sheet is open. Returns the
/// root's `focusin` handler, which notes the opener.
pub fn use_focus_return(
    root: NodeRef<leptos::html::Div>,
    open: impl Fn() -> bool + 'static,
) -> impl Fn(web_sys::FocusEvent) + Copy + 'static {
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let last = StoredValue::new_local(None::<web_sys::Element>);
    Effect::new(move |was: Option<bool>| {
        let now = open();
        if was == Some(true) && !now {
            if let Some(widget) = root.get_untracked() {
                let widget: web_sys::Element = widget.into();
                let back = opener.get_value();
                // At once when the opener can take it (focus is still in the closing sheet).
                let in_sheet = active_in(&widget).is_some_and(|a| {
                    a.closest("[data-sheet], [aria-modal='true']")
                        .ok()
                        .flatten()
                        .is_some()
                });
                if let Some(back) = back.as_ref().filter(|o| can_take_focus(o, &widget)) {
                    if in_sheet || focus_is_lost(&widget) {
                        let _ = back.focus();
                    }
                }
                // The sheet closes in the same update that may hide what opened it:
                // look once the frame is laid out.
                request_animation_frame(move || {
                    // Focus left in a sheet that stays mounted (the shelf) is stranded too.
                    let stranded = active_in(&widget).is_some_and(|a| {
                        a.closest("[data-sheet]").ok().flatten().is_some()
                            && widget.query_selector(OPEN_SHEET).ok().flatten().is_none()
                    });
                    settle(&widget, back, stranded)
                });
            }
        }
        now
    });
    Effect::new(move |_| {
        if let Some(widget) = root.get() {
            watch_removals(widget.into(), opener, last);
        }
    });
    move |ev: web_sys::FocusEvent| {
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        last.set_value(Some(target.clone().into()));
        if target.closest(OPEN_SHEET).ok().flatten().is_none() {
            opener.set_value(Some(target));
        }
    }
}

/// An open sheet: a modal dialog, or the shelf while it is one.
const OPEN_SHEET: &str = "[aria-modal='true'], [data-open-sheet]";

/// Watches `widget` for the focused control leaving the page (removed, or
/// disabled), until the owner is cleaned up. Browsers do not always say so
/// with a `focusout` (Chromium drops focus to `<body>` without one).
fn watch_removals(
    widget: web_sys::Element,
    opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
    last: StoredValue<Option<web_sys::Element>, LocalStorage>,
) {
    use wasm_bindgen::closure::Closure;
    let watched = widget.clone();
    let changed = Closure::<dyn FnMut()>::new(move || {
        // Cheap checks first: this runs for every batch of changes (chat, hearts).
        let body_has_focus = document()
            .active_element()
            .is_none_or(|a| a.tag_name() == "BODY");
        let left = last
            .try_get_value()
            .flatten()
            .is_some_and(|l| !l.is_connected() || l.has_attribute("disabled"));
        if body_has_focus && left {
            settle(&watched, opener.try_get_value().flatten(), false);
        }
    });
    let Ok(observer) = web_sys::MutationObserver::new(changed.as_ref().unchecked_ref()) else {
        return;
    };
    let options = web_sys::MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    options.set_attributes(true);
    options.set_attribute_filter(&js_sys::Array::of1(&"disabled".into()));
    if observer.observe_with_options(&widget, &options).is_err() {
        return;
    }
    let kept = SendWrapper::new((observer, changed));
    on_cleanup(move || kept.0.disconnect());
}

/// For a sheet that stays mounted (the shelf): focuses `target` each time
/// `open` turns true (where focus goes when it closes is [`use_focus_return`]'s).
pub fn use_focus_while_open(target: NodeRef<Button>, open: impl Fn() -> bool + 'static) {
    Effect::new(move |was: Option<bool>| {
        let now = open();
        if let (Some(button), true) = (target.get_untracked(), now && was != Some(true)) {
            let _ = button.focus();
        }
        now
    });
}

/// If focus is lost (or `stranded`), moves it to the open sheet's first
/// control, else to `opener` if it can still take it, else to `widget`'s home
/// (`data-focus-home`).
fn settle(widget: &web_sys::Element, opener: Option<web_sys::HtmlElement>, stranded: bool) {
    if !stranded && !focus_is_lost(widget) {
        return;
    }
    let in_sheet = widget
        .query_selector(
            "[aria-modal='true'] button:not([disabled]), [data-open-sheet] button:not([disabled])",
        )
        .ok()
        .flatten()
        .filter(shown)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    let home = || {
        widget
            .query_selector("[data-focus-home]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    };
    let target = in_sheet
        .or_else(|| opener.filter(|o| can_take_focus(o, widget)))
        .or_else(home);
    if let Some(target) = target {
        let _ = target.focus();
    }
}

/// Whether `element` is laid out (not removed, not `display: none`).
fn shown(element: &web_sys::Element) -> bool {
    element.is_connected() && element.get_client_rects().length() > 0
}

/// Whether `opener` can take focus back: still in `widget`, shown, enabled,
/// and not inside a sheet that has closed meanwhile.
fn can_take_focus(opener: &web_sys::HtmlElement, widget: &web_sys::Element) -> bool {
    shown(opener)
        && widget.contains(Some(opener))
        && !opener.has_attribute("disabled")
        && opener.closest(OPEN_SHEET).ok().flatten().is_none()
}

/// Whether focus has dropped out of the widget to nowhere: its focused
/// element is gone or hidden, or the page's is `<body>`. Focus on the host
/// page is left alone.
fn focus_is_lost(widget: &web_sys::Element) -> bool {
    match active_in(widget) {
        Some(a) if a.tag_name() != "BODY" => !shown(&a),
        _ => document()
            .active_element()
            .is_none_or(|a| a.tag_name() == "BODY"),
    }
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
