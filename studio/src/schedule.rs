//! The brand's shows on this server: live now, upcoming and ended, each with
//! its time and host. The host picks here which show the workspace runs.

use lapak_protocol::api::schedule::Status;
use lapak_protocol::api::shows::ShowSummary;
use leptos::prelude::*;

use crate::api::Api;
use crate::format;
use crate::new_show::NewShow;
use crate::text::Text;

/// The schedule. `current` is the show the workspace runs; `on_run` opens
/// another (an ended one on its results). An owner also gets the form that schedules a show, after which
/// `on_scheduled` reads the list again.
#[component]
pub fn Schedule(
    shows: RwSignal<Vec<ShowSummary>>,
    current: Memo<Option<String>>,
    on_run: impl Fn(ShowSummary) + Copy + Send + Sync + 'static,
    api: StoredValue<Api>,
    owner: bool,
    on_scheduled: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let group = move |status: Status, heading: &'static str| {
        // Soonest first; ended shows latest first.
        let listed = move || {
            let mut listed: Vec<ShowSummary> =
                shows.with(|all| all.iter().filter(|s| s.status == status).cloned().collect());
            listed.sort_by_key(|s| {
                if status == Status::Ended {
                    -s.starts_at_ms
                } else {
                    s.starts_at_ms
                }
            });
            listed
        };
        view! {
            <section class="studio-panel studio-schedule-group" data-testid=format!("shows-{}", status.as_str())
                aria-labelledby=format!("shows-{}-heading", status.as_str())>
                <h2 id=format!("shows-{}-heading", status.as_str())>{heading}</h2>
                <Show when=move || !listed().is_empty()
                    fallback=move || view! { <p class="studio-empty">{text.none_yet}</p> }>
                    <ul class="studio-schedule">
                        <For each=listed key=|show| show.id.clone() let:show>
                            {row(text, show, current, on_run)}
                        </For>
                    </ul>
                </Show>
            </section>
        }
    };
    view! {
        <main class="studio-schedule-page">
            {owner.then(|| view! { <NewShow api shows like=current on_scheduled /> })}
            {group(Status::Live, text.live_now)}
            {group(Status::Upcoming, text.upcoming)}
            {group(Status::Ended, text.ended_shows)}
        </main>
    }
}

/// One show: title, when, host, viewers, and the button that opens it (an
/// ended show's results).
fn row(
    text: &'static Text,
    show: ShowSummary,
    current: Memo<Option<String>>,
    on_run: impl Fn(ShowSummary) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let when = format::when(show.starts_at_ms);
    let when = if show.status == Status::Upcoming {
        (text.starts)(&when)
    } else {
        (text.began)(&when)
    };
    let id = show.id.clone();
    let is_current = Memo::new(move |_| current.get().as_deref() == Some(id.as_str()));
    let watching = (show.status == Status::Live)
        .then(|| (text.watching)(&format::count(u64::from(show.viewers))));
    let title = show.title.clone();
    let testid = format!("run-{}", show.id);
    // An ended show is not run again: its button opens its results.
    let ended = show.status == Status::Ended;
    view! {
        <li class="studio-schedule-row" aria-current=move || is_current.get().then_some("true")>
            <div class="studio-schedule-what">
                <strong>{title.clone()}</strong>
                <small>{when}" · "{(text.hosted_by)(&show.host)}{watching.map(|w| format!(" · {w}"))}</small>
            </div>
            <button class="studio-primary" data-testid=testid
                aria-label=format!("{}: {title}", if ended { text.see_results } else { text.run_this })
                on:click=move |_| on_run(show.clone())>
                {move || match (ended, is_current.get()) {
                    (true, _) => text.see_results,
                    (false, true) => text.running_here,
                    (false, false) => text.run_this,
                }}
            </button>
        </li>
    }
}
