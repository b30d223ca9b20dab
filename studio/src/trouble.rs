//! A read or a change that failed, said where it was asked for: the API's
//! refusal in the host's language, in the studio's error style, until the
//! next try there succeeds. Nothing is drawn while all is well.

use lapak_protocol::api::refusal::Refusal;
use leptos::prelude::*;

use crate::text::Text;

/// What went wrong, in the host's language: the refusal's code as a sentence.
pub fn in_words(text: &Text, refusal: &Refusal) -> &'static str {
    match refusal.code.as_str() {
        "network" => text.unreachable,
        "unauthorized" => text.session_ended,
        "forbidden" | "csrf" => text.not_allowed,
        "not_found" => text.gone,
        _ => text.failed,
    }
}

/// The trouble of one place on the page.
#[derive(Clone, Copy)]
pub struct Trouble {
    said: RwSignal<Option<&'static str>>,
    text: &'static Text,
}

impl Trouble {
    /// No trouble yet; the words are the context's [`Text`].
    pub fn new() -> Trouble {
        Trouble {
            said: RwSignal::new(None),
            text: expect_context::<&'static Text>(),
        }
    }

    /// `outcome`'s value, the trouble gone; or `None`, the trouble said.
    pub fn settle<T>(self, outcome: Result<T, Refusal>) -> Option<T> {
        let now = outcome.as_ref().err().map(|r| in_words(self.text, r));
        // A poll settles every second or two: draw only what changed.
        if self.said.get_untracked() != now {
            self.said.set(now);
        }
        outcome.ok()
    }
}

impl From<Trouble> for Signal<Option<&'static str>> {
    fn from(trouble: Trouble) -> Self {
        trouble.said.into()
    }
}

/// What a load's `outcome` (none yet while it runs) says went wrong, if anything.
pub fn of_load<T>(text: &Text, outcome: Option<&Result<T, Refusal>>) -> Option<&'static str> {
    outcome?
        .as_ref()
        .err()
        .map(|refusal| in_words(text, refusal))
}

/// Where `trouble` is said (`role="alert"`, so a screen reader says it too).
#[component]
pub fn Said(
    /// The place's trouble: a [`Trouble`], or what a load says ([`of_load`]).
    #[prop(into)]
    trouble: Signal<Option<&'static str>>,
    /// The paragraph's `data-testid`.
    testid: &'static str,
) -> impl IntoView {
    move || {
        trouble.get().map(|words| {
            view! { <p class="studio-error" role="alert" data-testid=testid>{words}</p> }
        })
    }
}

#[cfg(test)]
mod tests;
