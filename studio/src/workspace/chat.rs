//! The chat to moderate: the lines viewers see, each with remove, mute and ban.

use std::time::Duration;

use lapak_protocol::ChatMessage;
use leptos::prelude::*;

use super::Workspace;
use crate::text::Text;

/// How often the chat is read again.
const CHAT_EVERY: Duration = Duration::from_secs(2);
/// A mute from the studio.
const MUTE_MINUTES: u32 = 10;

/// The recent lines, newest last.
#[component]
pub fn Chat() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let lines = RwSignal::new(Vec::<ChatMessage>::new());
    let load = move || {
        let Some(show) = workspace.show_id() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(found) = workspace.api.get_value().chat(&show).await {
                lines.set(found);
            }
        });
    };
    crate::poll::every(CHAT_EVERY, load);
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
