//! The chat to moderate: slow mode and words to mask, and the lines viewers
//! see, each with remove, mute and ban.

use std::time::Duration;

use lapak_protocol::api::moderation::ChatRules;
use lapak_protocol::ChatMessage;
use leptos::prelude::*;

use super::Workspace;
use crate::text::Text;
use crate::trouble::{of_load, Said, Trouble};

/// How often the chat is read again while the show's stream is down.
const CHAT_EVERY: Duration = Duration::from_secs(2);
/// A mute from the studio.
const MUTE_MINUTES: u32 = 10;

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
    let act = move |line: ChatMessage, what: Option<Option<u32>>| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let api = workspace.api.get_value();
            let done = match what {
                None => api.remove_line(&show, line.id).await,
                Some(minutes) => api.sanction(&show, line.from.id, minutes).await,
            };
            if let Err(refused) = done {
                workspace.notice.set(Some(refused.message));
            }
            load();
        });
    };
    view! {
        <section class="studio-panel studio-chat" data-testid="moderation">
            <h2>{text.chat}</h2>
            <Rules />
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
