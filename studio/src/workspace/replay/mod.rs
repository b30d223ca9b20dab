//! The brand's replay controls: an ended show becomes a shoppable replay at
//! the same viewer URL. The panel says where the replay is (recording, ready
//! with its link, removed), trims its start and end, chooses whether the chat
//! is replayed, removes it for good after a second, explicit press, and shows
//! the replay's figures beside the live show's. Everyone of the brand reads
//! it; only owners change it (docs/api.md).

mod trim;

use std::time::Duration;

use lapak_protocol::api::replay::{Replay as Settings, ReplayState};
use leptos::prelude::*;

use super::Workspace;
use crate::format;
use crate::text::Text;
use crate::trouble::{Said, Trouble};
use trim::{Edge, Left, Typed};

/// How often the replay is read again: its figures move with its viewers,
/// and its state when the show ends; nothing here counts down.
const REPLAY_EVERY: Duration = Duration::from_secs(2);

/// Whether the replay's trim and chat can still be set, and the replay removed.
fn editable(state: ReplayState) -> bool {
    matches!(state, ReplayState::Recording | ReplayState::Ready)
}

/// Whether the replay has figures of its own to show.
fn watched(state: ReplayState) -> bool {
    matches!(state, ReplayState::Ready | ReplayState::Removed)
}

/// The replay panel, once the server has said what the show's replay is.
#[component]
pub fn Replay(
    /// Whether the signed-in person may change the replay (owners may).
    owner: bool,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let replay = RwSignal::new(None::<Settings>);
    // The latest refusal, read out at once, beside the form.
    let refused = RwSignal::new(None::<String>);
    let trouble = Trouble::new();
    let load = move || {
        let Some(show) = workspace.show_id() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match workspace.api.get_value().replay(&show).await {
                // A server without replays says 404: the panel stays away, untroubled.
                Err(refusal) if refusal.code == "not_found" => {}
                outcome => {
                    if let Some(found) = trouble.settle(outcome) {
                        replay.set(Some(found));
                    }
                }
            }
        });
    };
    // why: a replay's state and views change with its processing and its own
    // viewers, which the show's stream does not tell, so it is read on a timer.
    crate::poll::every(REPLAY_EVERY, load);
    // Changes only when the state does, so the form is not made anew on every poll.
    let state = Memo::new(move |_| replay.with(|r| r.as_ref().map(|r| r.state)));
    let when = move |test: fn(ReplayState) -> bool| move || state.get().is_some_and(test);
    view! {
        <Said trouble testid="replay-trouble" />
        <Show when=move || state.get().is_some()>
            <section class="studio-panel studio-replay" data-testid="replay"
                data-state=move || state.get().map(ReplayState::as_str)
                aria-labelledby="replay-heading">
                <h2 id="replay-heading">{text.replay}</h2>
                <StateLine replay state />
                <Show when=when(editable)>
                    <TrimForm replay refused owner />
                    <Show when=move || owner>
                        <RemoveButton refused on_done=load />
                    </Show>
                </Show>
                <Show when=when(watched)>
                    <Figures replay />
                </Show>
            </section>
        </Show>
    }
}

/// The replay's state in words; a ready replay's link to share.
#[component]
fn StateLine(
    replay: RwSignal<Option<Settings>>,
    state: Memo<Option<ReplayState>>,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let origin = window().location().origin().unwrap_or_default();
    let link = move || {
        replay.with(|r| {
            r.as_ref()
                .map(|r| trim::viewer_link(&origin, &r.viewer_url))
                .unwrap_or_default()
        })
    };
    move || {
        let said = match state.get()? {
            ReplayState::Ready => {
                return Some(
                    view! {
                        <p class="studio-replay-state" data-testid="replay-state">
                            {text.replay_ready}
                            <a href=link.clone() target="_blank" rel="noopener" data-testid="replay-link">{link.clone()}</a>
                        </p>
                    }
                    .into_any(),
                )
            }
            ReplayState::Recording => text.replay_recording,
            ReplayState::Removed => text.replay_removed,
            ReplayState::None => text.replay_none,
            ReplayState::Unknown => "",
        };
        Some(
            view! { <p class="studio-replay-state" data-testid="replay-state">{said}</p> }
                .into_any(),
        )
    }
}

/// The trim's start and end, the lengths they leave, whether the chat is
/// replayed, and Save. A field shows the saved value until it is typed in.
#[component]
fn TrimForm(
    replay: RwSignal<Option<Settings>>,
    refused: RwSignal<Option<String>>,
    owner: bool,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    // What was typed; `None`: the saved value.
    let start = RwSignal::new(None::<String>);
    let end = RwSignal::new(None::<String>);
    let chat = RwSignal::new(None::<bool>);
    // A second press while the first is on its way would save twice.
    let busy = RwSignal::new(false);
    let saved = move |pick: fn(&Settings) -> u64| replay.with(|r| r.as_ref().map_or(0, pick));
    let start_shown = Signal::derive(move || {
        start
            .get()
            .unwrap_or_else(|| trim::clock(saved(|r| r.trim_start_s.into())))
    });
    let end_shown = Signal::derive(move || {
        end.get()
            .unwrap_or_else(|| trim::clock(saved(|r| r.trim_end_s.into())))
    });
    let chat_shown = Signal::derive(move || {
        chat.get()
            .unwrap_or_else(|| replay.with(|r| r.as_ref().is_none_or(|r| r.chat)))
    });
    let recording = Memo::new(move |_| {
        replay.with(|r| {
            r.as_ref()
                .and_then(|r| trim::recording_s(r.recording_starts_ms, r.recording_ends_ms))
        })
    });
    let left = move || {
        let typed = |shown: Signal<String>| trim::seconds(&shown.get());
        match trim::left(recording.get(), typed(start_shown), typed(end_shown)) {
            Left::Seconds(s) => trim::clock(s),
            Left::Nothing => text.nothing_left.to_owned(),
            Left::Unknown => "—".to_owned(),
        }
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(show) = workspace.show_id() else {
            return;
        };
        let typed = Typed {
            start: start_shown.get_untracked(),
            end: end_shown.get_untracked(),
            chat: chat_shown.get_untracked(),
        };
        let body = match typed.body() {
            Ok(body) => body,
            Err(edge) => {
                let field = match edge {
                    Edge::Start => text.trim_start,
                    Edge::End => text.trim_end,
                };
                return refused.set(Some((text.trim_not_time)(field)));
            }
        };
        refused.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match workspace.api.get_value().set_replay(&show, &body).await {
                Ok(settings) => {
                    replay.set(Some(settings));
                    start.set(None);
                    end.set(None);
                    chat.set(None);
                    workspace.notice.set(Some(text.replay_saved.to_owned()));
                }
                Err(refusal) => refused.set(Some(refusal.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="studio-deal-form studio-replay-form" on:submit=submit data-testid="replay-form">
            {trim_field(text.trim_start, "replay-trim-start", start_shown, start, owner)}
            {trim_field(text.trim_end, "replay-trim-end", end_shown, end, owner)}
            <small id="replay-trim-hint" class="studio-replay-hint">{text.trim_hint}</small>
            <dl class="studio-replay-lengths">
                <dt>{text.recording_length}</dt>
                <dd data-testid="replay-recording-length">
                    {move || recording.get().map_or_else(|| "—".to_owned(), trim::clock)}
                </dd>
                <dt>{text.replay_length}</dt>
                <dd>
                    <output id="replay-length" data-testid="replay-length"
                        r#for="replay-trim-start replay-trim-end">{left}</output>
                </dd>
            </dl>
            <label class="studio-replay-chat">
                <input type="checkbox" id="replay-chat" data-testid="replay-chat" disabled=!owner
                    prop:checked=move || chat_shown.get()
                    on:change=move |ev| chat.set(Some(event_target_checked(&ev))) />
                <span>{text.replay_chat}</span>
            </label>
            {if owner {
                view! {
                    <p class="studio-error" role="alert" data-testid="replay-refused">{move || refused.get()}</p>
                    <button class="studio-primary" id="replay-save" data-testid="replay-save"
                        disabled=move || busy.get()>
                        {text.save_replay}
                    </button>
                }.into_any()
            } else {
                view! { <p class="studio-replay-hint">{text.replay_owners_only}</p> }.into_any()
            }}
        </form>
    }
}

/// A labelled trim field showing `shown`, typing into `typed`.
fn trim_field(
    label: &'static str,
    id: &'static str,
    shown: Signal<String>,
    typed: RwSignal<Option<String>>,
    owner: bool,
) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input type="text" id=id data-testid=id autocomplete="off" spellcheck="false"
                placeholder="0:00" aria-describedby="replay-trim-hint" disabled=!owner
                prop:value=move || shown.get()
                on:input=move |ev| typed.set(Some(event_target_value(&ev))) />
        </label>
    }
}

/// Remove replay, then the question and the confirming press.
#[component]
fn RemoveButton(
    refused: RwSignal<Option<String>>,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let ask = move |_| {
        confirming.set(true);
        // Onto the safe answer: a stray Enter keeps the replay.
        crate::focus::focus("#replay-keep");
    };
    let keep = move |_| {
        confirming.set(false);
        crate::focus::focus("#replay-remove");
    };
    let remove = move |_| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match workspace.api.get_value().remove_replay(&show).await {
                Ok(()) => {
                    refused.set(None);
                    workspace
                        .notice
                        .set(Some(text.replay_removed_notice.to_owned()));
                }
                Err(refusal) => refused.set(Some(refusal.message)),
            }
            busy.set(false);
            confirming.set(false);
            on_done();
        });
    };
    view! {
        <Show when=move || confirming.get()
            fallback=move || view! {
                <button type="button" class="studio-danger" id="replay-remove" data-testid="replay-remove"
                    on:click=ask>
                    {text.remove_replay}
                </button>
            }>
            <div class="studio-form-actions studio-replay-confirm">
                <p class="studio-confirm" role="alert">{text.confirm_remove_replay}</p>
                <button type="button" class="studio-danger studio-inline" id="replay-confirm-remove"
                    data-testid="replay-confirm-remove" disabled=move || busy.get() on:click=remove>
                    {text.yes_remove}
                </button>
                <button type="button" class="studio-quiet" id="replay-keep" data-testid="replay-keep"
                    on:click=keep>
                    {text.keep_replay}
                </button>
            </div>
        </Show>
    }
}

/// The replay's views, watch time and product taps beside the live show's.
#[component]
fn Figures(replay: RwSignal<Option<Settings>>) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let figure = move |pick: fn(&Settings) -> String| {
        move || replay.with(|r| r.as_ref().map(pick).unwrap_or_default())
    };
    let row = move |label: &'static str,
                    id: &'static str,
                    replayed: fn(&Settings) -> String,
                    live: Option<fn(&Settings) -> String>| {
        view! {
            <tr>
                <th scope="row">{label}</th>
                <td data-testid=format!("replay-{id}")>{figure(replayed)}</td>
                <td data-testid=format!("live-{id}")>
                    {move || live.map_or_else(|| "—".to_owned(), |live| figure(live)())}
                </td>
            </tr>
        }
    };
    view! {
        <table class="studio-table studio-replay-figures" data-testid="replay-figures">
            <caption>{text.replay_figures}</caption>
            <thead><tr>
                <td></td>
                <th scope="col">{text.replay}</th>
                <th scope="col">{text.live}</th>
            </tr></thead>
            <tbody>
                {row(text.views, "views", |r| format::count(r.figures.views), None)}
                {row(text.watch_time, "watch", |r| format::watch_time(r.figures.watch_s), Some(|r| format::watch_time(r.live.watch_s)))}
                {row(text.product_taps, "taps", |r| format::count(r.figures.taps), Some(|r| format::count(r.live.taps)))}
            </tbody>
        </table>
    }
}
