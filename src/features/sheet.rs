//! A bottom sheet over the stream: a labelled modal dialog with its title and
//! a close button, shown while its panel is open. The close button takes focus
//! when the sheet opens and gives it back when it closes; what the sheet holds
//! is mounted with it, so its clean-ups run however the sheet goes.
use leptos::prelude::*;
use reactive_stores::Store;

use crate::browser::focus::{keep_tab_inside, use_focus_on_open};
use crate::features::icons::{BackIcon, CloseIcon};
use crate::features::Panel;
use crate::i18n;
use crate::store::State;

/// The sheet for `open`, while `panel` is `open`.
#[component]
pub fn Sheet(
    /// The whole state (for the close button's label).
    state: Store<State>,
    /// The open sheet.
    panel: RwSignal<Panel>,
    /// Which panel this sheet is.
    open: Panel,
    /// Classes beside `lapak-sheet`.
    class: &'static str,
    /// The heading.
    title: &'static str,
    /// Its `data-testid` (the heading's id is derived from it).
    testid: &'static str,
    /// A back button to another sheet, with its label.
    #[prop(optional)]
    back: Option<(Panel, &'static str)>,
    /// The contents.
    children: ChildrenFn,
) -> impl IntoView {
    let when = open.clone();
    let children = StoredValue::new(children);
    view! {
        <Show when=move || panel.read() == when>
            <Frame state panel class title testid back=back.clone()>
                {children.read_value()()}
            </Frame>
        </Show>
    }
}

#[component]
fn Frame(
    state: Store<State>,
    panel: RwSignal<Panel>,
    class: &'static str,
    title: &'static str,
    testid: &'static str,
    back: Option<(Panel, &'static str)>,
    children: Children,
) -> impl IntoView {
    let text = i18n::text(state);
    let close = NodeRef::new();
    use_focus_on_open(close);
    let title_id = format!("lapak-{testid}-title");
    let labelled_by = title_id.clone();
    view! {
        <div class=format!("lapak-sheet {class}") role="dialog" aria-modal="true" aria-labelledby=labelled_by data-testid=testid on:keydown=keep_tab_inside>
            <div class="lapak-sheet-head">
                {back.map(|(to, label)| view! {
                    <button class="lapak-icon-button" aria-label=label on:click=move |_| panel.set(to.clone())>
                        <BackIcon/>
                    </button>
                })}
                <h2 id=title_id>{title}</h2>
                <button class="lapak-icon-button" aria-label=text.close node_ref=close on:click=move |_| panel.set(Panel::Closed)>
                    <CloseIcon/>
                </button>
            </div>
            {children()}
        </div>
    }
}
