//! A question before a change that cannot be taken back (a new stream key, a
//! revoked token), asked in the page beside what asked it: said as an alert,
//! with the safe answer focused, so a stray Enter changes nothing.

use leptos::prelude::*;

use crate::focus::focus;

/// The question and its two answers.
#[component]
pub fn Ask(
    /// The question: what the change does, and to whom.
    #[prop(into)]
    question: String,
    /// The words of the button that makes the change.
    yes: &'static str,
    /// The words of the button that leaves things as they are.
    no: &'static str,
    /// The question's `data-testid`; its answers are `<testid>-yes` and `<testid>-no`.
    testid: &'static str,
    /// Makes the change.
    on_yes: impl Fn() + 'static,
    /// Leaves things as they are.
    on_no: impl Fn() + 'static,
) -> impl IntoView {
    focus(&format!("[data-testid=\"{testid}-no\"]"));
    view! {
        <div class="studio-form-actions studio-ask" data-testid=testid>
            <p class="studio-confirm" role="alert">{question}</p>
            <button type="button" class="studio-danger studio-inline" data-testid=format!("{testid}-yes")
                on:click=move |_| on_yes()>
                {yes}
            </button>
            <button type="button" class="studio-quiet" data-testid=format!("{testid}-no")
                on:click=move |_| on_no()>
                {no}
            </button>
        </div>
    }
}
