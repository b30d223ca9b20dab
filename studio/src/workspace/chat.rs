//! The chat to moderate: slow mode and words to mask, and the lines viewers
//! see, each with remove, mute and ban. What a press did is said above the
//! lines, with an undo for a mute or a ban (the server lifts either).

use std::time::Duration;

use lapak_protocol::api::moderation::{ChatRules, Sanction, Sanctioned};
use lapak_protocol::ChatMessage;
use leptos::prelude::*;

use super::Workspace;
use crate::text::Text;
use crate::trouble::{of_load, Said, Trouble};

/// How often the chat is read again while the show's stream is down.
const CHAT_EVERY: Duration = Duration::from_secs(2);
/// A mute from the studio.
const MUTE_MINUTES: u32 = 10;

/// What a moderator's press did, as the panel says it, and the viewer
/// (id, name) an undo lets chat again.
#[derive(Clone, Debug, PartialEq)]
struct Done {
    words: String,
    undo: Option<(u64, String)>,
}

/// What a mute or ban of `name` (viewer `viewer`) did, in the host's words.
fn sanctioned(text: &Text, viewer: u64, name: &str, answer: &Sanctioned) -> Done {
    let words = match answer.sanction {
        Sanction::Muted { .. } => (text.muted_for)(name, MUTE_MINUTES),
        Sanction::Banned => (text.banned_from)(name, answer.removed_lines.len()),
    };
    Done {
        words,
        undo: Some((viewer, name.to_owned())),
    }
}

/// Just words: nothing to undo.
fn said(words: String) -> Done {
    Done { words, undo: None }
}

/// The recent lines, newest last.
#[component]
pub fn Chat() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let read = LocalResource::new(move || {
        let show = workspace.show_id().unwrap_or_default();
        async move { workspace.api.get_value().chat(&show).await }
    });
    crate::events::refetch_on(&["chat"], CHAT_EVERY, read);
    // The last lines read stay listed while a read fails; the failure is said above them.
    let lines = Memo::new(move |last: Option<&Vec<ChatMessage>>| match read.get() {
        Some(Ok(found)) => found,
        _ => last.cloned().unwrap_or_default(),
    });
    let trouble = Signal::derive(move || read.with(|outcome| of_load(text, outcome.as_ref())));
    let load = move || read.refetch();
    let done = RwSignal::new(None::<Done>);
    let act = move |line: ChatMessage, what: Option<Option<u32>>| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let api = workspace.api.get_value();
            let (viewer, name) = (line.from.id, line.from.name.clone());
            let outcome = match what {
                None => api
                    .remove_line(&show, line.id)
                    .await
                    .map(|()| said(text.line_removed.to_owned())),
                Some(minutes) => api
                    .sanction(&show, viewer, minutes)
                    .await
                    .map(|answer| sanctioned(text, viewer, &name, &answer)),
            };
            match outcome {
                Ok(now) => done.set(Some(now)),
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
            load();
        });
    };
    let undo = move |viewer: u64, name: String| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match workspace.api.get_value().lift_sanction(&show, viewer).await {
                Ok(()) => done.set(Some(said((text.lifted)(&name)))),
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
        });
    };
    view! {
        <section class="studio-panel studio-chat" data-testid="moderation">
            <h2>{text.chat}</h2>
            <Rules />
            <div class="studio-moderated">
                <p role="status" data-testid="moderated">{move || done.read().as_ref().map(|d| d.words.clone())}</p>
                {move || done.get().and_then(|d| d.undo).map(|(viewer, name)| view! {
                    <button class="studio-quiet" data-testid="undo-sanction" aria-label=(text.undo_for)(&name)
                        on:click=move |_| undo(viewer, name.clone())>
                        {text.undo}
                    </button>
                })}
            </div>
            <Said trouble testid="chat-trouble" />
            <Show when=move || !lines.read().is_empty() fallback=move || view! { <p class="studio-empty">{text.no_chat}</p> }>
                <ul class="studio-list">
                    <For each=move || lines.get().into_iter().filter(|l| l.event.is_none()) key=|l| l.id let:line>
                        {
                            let (remove, mute, ban) = (line.clone(), line.clone(), line.clone());
                            view! {
                                <li data-testid=format!("line-{}", line.id)>
                                    <p><b>{line.from.name.clone()}</b>" "{line.text.clone()}</p>
                                    <div class="studio-actions">
                                        <button class="studio-quiet" on:click=move |_| act(remove.clone(), None)>{text.remove}</button>
                                        <button class="studio-quiet" on:click=move |_| act(mute.clone(), Some(Some(MUTE_MINUTES)))>{text.mute}</button>
                                        <button class="studio-quiet" on:click=move |_| act(ban.clone(), Some(None))>{text.ban}</button>
                                    </div>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
        </section>
    }
}

/// Slow mode choices, seconds (0: off).
const SLOW_MODES: [u32; 5] = [0, 10, 30, 60, 300];

/// Slow mode and the words to mask, saved together.
#[component]
fn Rules() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let slow = RwSignal::new(0u32);
    let words = RwSignal::new(String::new());
    let trouble = Trouble::new();
    leptos::task::spawn_local(async move {
        let Some(show) = workspace.show_id() else {
            return;
        };
        if let Some(rules) = trouble.settle(workspace.api.get_value().chat_rules(&show).await) {
            slow.set(rules.slow_mode_s);
            words.set(rules.blocked_words.join(", "));
        }
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(show) = workspace.show_id() else {
            return;
        };
        let rules = ChatRules {
            slow_mode_s: slow.get_untracked(),
            blocked_words: words
                .get_untracked()
                .split(',')
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        leptos::task::spawn_local(async move {
            match workspace
                .api
                .get_value()
                .set_chat_rules(&show, &rules)
                .await
            {
                Ok(saved) => {
                    words.set(saved.blocked_words.join(", "));
                    workspace.notice.set(Some(text.rules_saved.to_owned()));
                }
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
        });
    };
    view! {
        <form class="studio-rules" on:submit=save data-testid="chat-rules">
            <label>
                <span>{text.slow_mode}</span>
                <select data-testid="slow-mode"
                    prop:value=move || slow.get().to_string()
                    on:change=move |ev| slow.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {SLOW_MODES.map(|s| view! { <option value=s.to_string()>{(text.slow_choice)(s)}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span>{text.blocked_words}</span>
                <input type="text" data-testid="blocked-words" placeholder="spam, scam"
                    prop:value=move || words.get()
                    on:input=move |ev| words.set(event_target_value(&ev)) />
            </label>
            <button class="studio-quiet" data-testid="save-rules">{text.save_rules}</button>
            <Said trouble testid="rules-trouble" />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use lapak_protocol::api::moderation::{Sanction, Sanctioned};

    use super::{sanctioned, Done, MUTE_MINUTES};
    use crate::text::{EN, ID};

    #[test]
    fn a_mute_or_a_ban_says_what_it_did_and_offers_its_undo() {
        let muted = Sanctioned {
            sanction: Sanction::Muted { until_ms: 1 },
            removed_lines: vec![],
        };
        assert_eq!(
            sanctioned(&EN, 7, "Ana", &muted),
            Done {
                words: format!("Ana is muted for {MUTE_MINUTES} minutes"),
                undo: Some((7, "Ana".into())),
            }
        );
        let banned = Sanctioned {
            sanction: Sanction::Banned,
            removed_lines: vec![3, 4],
        };
        let done = sanctioned(&ID, 7, "Ana", &banned);
        assert_eq!(done.words, "Ana diblokir dari obrolan; 2 pesannya dihapus");
        assert_eq!(done.undo, Some((7, "Ana".into())), "a ban is lifted too");
        assert_eq!(
            sanctioned(&EN, 7, "Ana", &banned).words,
            "Ana is banned from the chat; 2 of their lines were removed",
            "banned, never muted"
        );
    }
}
