//! Keyboard shortcuts: single keys while focus is in the widget (never while
//! typing), and the help sheet that lists them (`?`).
use leptos::prelude::*;

use crate::features::sheet::Sheet;
use crate::features::Panel;
use crate::i18n;

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

/// The help sheet, while `Panel::Shortcuts` is open.
#[component]
pub fn ShortcutsSheet(
    /// The open sheet.
    panel: RwSignal<Panel>,
) -> impl IntoView {
    let text = i18n::text();
    let rows = move || {
        SHORTCUTS
            .iter()
            .map(|(shortcut, key)| {
                view! {
                    <div class="lapak-shortcut">
                        <dt><kbd>{*key}</kbd></dt>
                        <dd>{(text.shortcut)(*shortcut)}</dd>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <Sheet panel open=Panel::Shortcuts class="lapak-shortcuts" title=text.shortcuts_title testid="shortcuts">
            <dl class="lapak-shortcut-list">
                {rows}
                <div class="lapak-shortcut">
                    <dt><kbd>"Esc"</kbd></dt>
                    <dd>{text.shortcut_close}</dd>
                </div>
            </dl>
        </Sheet>
    }
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
