//! A Copy button, with what it did said beside it in a polite live region,
//! so a screen reader hears "Copied" too.

use std::time::Duration;

use leptos::prelude::*;

use crate::clipboard;
use crate::text::Text;

/// How long "Copied" stays: long enough to read, gone before the next copy.
const SAID_FOR: Duration = Duration::from_secs(4);

/// Copies `value` when pressed, and says whether it did.
#[component]
pub fn CopyButton(
    /// What to copy, read when pressed.
    #[prop(into)]
    value: Signal<String>,
    /// The button's accessible name, when "Copy" beside it does not say what.
    #[prop(optional)]
    label: Option<&'static str>,
    /// The button's `data-testid`; what it said is `<testid>-status`.
    testid: &'static str,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let said = RwSignal::new(None::<&'static str>);
    // Which press is said now: an earlier press's timer leaves a later one's words.
    let presses = StoredValue::new(0u32);
    let press = move |_| {
        let value = value.get_untracked();
        said.set(None);
        presses.update_value(|n| *n += 1);
        let this = presses.get_value();
        leptos::task::spawn_local(async move {
            let done = clipboard::copy(&value).await;
            said.try_set(Some(if done { text.copied } else { text.copy_failed }));
            set_timeout(
                move || {
                    if presses.try_get_value() == Some(this) {
                        said.try_set(None);
                    }
                },
                SAID_FOR,
            );
        });
    };
    view! {
        <button type="button" class="studio-quiet" data-testid=testid aria-label=label on:click=press>
            {text.copy}
        </button>
        <span class="studio-copied" role="status" data-testid=format!("{testid}-status")>{move || said.get()}</span>
    }
}
