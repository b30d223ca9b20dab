//! The help sheet that lists the keyboard shortcuts (`?`); the keys
//! themselves are in [`crate::browser::keys`].
use leptos::prelude::*;

use crate::browser::keys::SHORTCUTS;
use crate::features::sheet::Sheet;
use crate::features::Panel;
use crate::i18n;

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
