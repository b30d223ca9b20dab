//! Key presses for the widget's shortcuts: single keys while focus is in the
//! widget, never one typed into a field or pressed with a modifier (those
//! belong to the page and the browser). The key table is here, below the views
//! that name a key and the catalogues that say what it does.
use wasm_bindgen::JsCast;

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// This list.
    Help,
    /// A like, as the heart button.
    Like,
    /// The products shelf.
    Products,
    /// The cart.
    Cart,
    /// The gifts sheet.
    Gifts,
    /// Sound on or off.
    Sound,
    /// Captions on or off.
    Captions,
}

/// Every shortcut with its key, in the order the help sheet lists them.
pub const SHORTCUTS: [(Shortcut, &str); 7] = [
    (Shortcut::Help, "?"),
    (Shortcut::Like, "L"),
    (Shortcut::Products, "P"),
    (Shortcut::Cart, "C"),
    (Shortcut::Gifts, "G"),
    (Shortcut::Sound, "M"),
    (Shortcut::Captions, "T"),
];

/// The shortcut for a key press's `key`, if any (letters in either case).
pub fn shortcut(key: &str) -> Option<Shortcut> {
    SHORTCUTS
        .iter()
        .find(|(_, k)| k.eq_ignore_ascii_case(key))
        .map(|(s, _)| *s)
}

/// The key of `shortcut`, for `aria-keyshortcuts` on the control it presses.
pub fn key_of(shortcut: Shortcut) -> &'static str {
    SHORTCUTS
        .iter()
        .find(|(s, _)| *s == shortcut)
        .map_or("", |(_, k)| k)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_their_shortcuts_in_either_case_and_others_to_none() {
        assert_eq!(shortcut("?"), Some(Shortcut::Help));
        assert_eq!(shortcut("l"), Some(Shortcut::Like));
        assert_eq!(shortcut("C"), Some(Shortcut::Cart));
        assert_eq!(shortcut("x"), None);
        assert_eq!(shortcut("Enter"), None);
        assert_eq!(key_of(Shortcut::Gifts), "G");
    }
}
