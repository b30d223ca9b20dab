//! The workspace for a host mid-show on a laptop: the live preview with its
//! tags on the left (pick a product, tap it in the picture), and on the right
//! going live and the replay it becomes, the tags up now, and the chat to
//! moderate. Everything fits one screen: nothing needs scrolling to pin.

mod chat;
mod coupons;
mod ingest;
mod orders;
mod preview;
mod products;
mod replay;
mod selling;
#[cfg(test)]
mod tests;

use std::time::Duration;

use lapak_protocol::api::schedule::Status;
use lapak_protocol::api::session::{Me, Role};
use lapak_protocol::api::shows::ShowSummary;
use leptos::prelude::*;

use crate::api::Api;
use crate::context::Workspace;
use crate::text::Text;
use crate::trouble::{Said, Trouble};

/// How often the show's tags and on-air state are read again while the show's stream is down.
const SHOW_EVERY: Duration = Duration::from_secs(1);

/// The studio's pages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    /// The brand's shows: live, upcoming, ended.
    Shows,
    /// The workspace for the show being run.
    Run,
    /// The show's figures.
    Dashboard,
    /// The show's orders: refunds, cancelling, cash on delivery.
    Orders,
    /// The brand's products apart from any show.
    Catalogue,
    /// The brand's API tokens (owners).
    Tokens,
}

/// The show to open first: the one last opened here (`last`) while the brand
/// still has it, else one live now, else the next upcoming, else any.
fn first_to_run(shows: &[ShowSummary], last: Option<&str>) -> Option<ShowSummary> {
    let by_status = |status: Status| shows.iter().find(|s| s.status == status);
    last.and_then(|id| shows.iter().find(|s| s.id == id))
        .or_else(|| by_status(Status::Live))
        .or_else(|| by_status(Status::Upcoming))
        .or(shows.first())
        .cloned()
}

/// The page a show opens on: an ended show's results, else its workspace.
fn page_for(show: &ShowSummary) -> Tab {
    if show.status == Status::Ended {
        Tab::Dashboard
    } else {
        Tab::Run
    }
}

/// The signed-in studio: the brand's shows, and the workspace and dashboard
/// of the one being run.
#[component]
pub fn Workspace(me: Me, on_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let api = StoredValue::new(Api::new(&me));
    let workspace = Workspace {
        api,
        show: RwSignal::new(None),
        selected: RwSignal::new(None),
        selling: RwSignal::new(None),
        notice: RwSignal::new(None),
        trouble: Trouble::new(),
        text,
    };
    provide_context(workspace);
    let changes = crate::events::Changes::new();
    provide_context(changes);
    let loaded = RwSignal::new(false);
    let shows = RwSignal::new(Vec::<ShowSummary>::new());
    let page = RwSignal::new(Tab::Run);
    let last = StoredValue::new(crate::last_show::remembered(&me));
    let load_shows = move |pick: bool| {
        leptos::task::spawn_local(async move {
            if let Some(listed) = workspace.trouble.settle(api.get_value().shows().await) {
                if pick {
                    let first = last.with_value(|last| first_to_run(&listed, last.as_deref()));
                    page.set(first.as_ref().map_or(Tab::Run, page_for));
                    workspace.show.set(first);
                }
                shows.set(listed);
            }
            loaded.set(true);
        });
    };
    load_shows(true);
    workspace.refresh();
    crate::events::on_change(&["pins", "on_air"], SHOW_EVERY, move || workspace.refresh());
    let tab = move |label: &'static str, this: Tab, testid: &'static str| {
        view! {
            <button class="studio-tab" role="tab" data-testid=testid
                aria-selected=move || (page.get() == this).to_string()
                on:click=move |_| {
                    if this == Tab::Shows {
                        load_shows(false);
                    }
                    page.set(this);
                }>
                {label}
            </button>
        }
    };
    // The show's panels are made anew for another show: each reads its show once.
    let current = Memo::new(move |_| workspace.show.with(|s| s.as_ref().map(|s| s.id.clone())));
    Effect::new(move |_| changes.follow(current.get().as_deref()));
    // Whichever way a show was opened (picked, or opened first), the next sign-in opens it.
    let who = StoredValue::new(me.clone());
    Effect::new(move |_| {
        if let Some(show) = current.get() {
            who.with_value(|me| crate::last_show::remember(me, &show));
        }
    });
    let owner = me.role == Role::Owner;
    let run = move |show: ShowSummary| {
        workspace.selected.set(None);
        workspace.selling.set(None);
        workspace.notice.set(None);
        page.set(page_for(&show));
        workspace.show.set(Some(show));
    };
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let outcome = match api.get_value().sign_out().await {
                // A session that has ended already is signed out.
                Err(refusal) if refusal.code == "unauthorized" => Ok(()),
                outcome => outcome,
            };
            if workspace.trouble.settle(outcome).is_some() {
                on_out();
            }
        });
    };
    let on_air = move || {
        workspace
            .show
            .read()
            .as_ref()
            .map_or_else(String::new, |s| crate::format::spelled(s.on_air))
    };
    view! {
        <div class="studio">
            <header class="studio-header">
                <h1>{text.title}</h1>
                <nav class="studio-tabs" role="tablist">
                    {tab(text.shows, Tab::Shows, "tab-shows")}
                    {tab(text.run_show, Tab::Run, "tab-run")}
                    {tab(text.dashboard, Tab::Dashboard, "tab-dashboard")}
                    {tab(text.orders, Tab::Orders, "tab-orders")}
                    {tab(text.catalogue, Tab::Catalogue, "tab-catalogue")}
                    {owner.then(|| tab(text.api_tokens, Tab::Tokens, "tab-tokens"))}
                </nav>
                <p class="studio-show-title" data-testid="show-title"
                    title=move || workspace.show.read().as_ref().map(|s| s.title.clone())>
                    {move || workspace.show.read().as_ref().map(|s| s.title.clone())}
                </p>
                <p class="studio-notice" role="status" data-testid="notice">{move || workspace.notice.get()}</p>
                <Said trouble=workspace.trouble testid="workspace-trouble" />
                <span class="studio-on-air" data-state=on_air data-testid="on-air">
                    {move || (text.on_air)(&on_air())}
                </span>
                <span class="studio-who">{me.email.clone()}" · "{me.role.as_str()}</span>
                <button class="studio-quiet" title=me.email.clone() on:click=sign_out>{text.sign_out}</button>
            </header>
            <Show when=move || loaded.get()>
                // The brand's, not a show's: there even before the brand has a show.
                <Show when=move || page.get() == Tab::Catalogue>
                    <crate::catalogue::Catalogue shows owner />
                </Show>
                <Show when=move || page.get() == Tab::Tokens>
                    <crate::tokens::Tokens api />
                </Show>
                <Show
                    when=move || workspace.show.read().is_some()
                    fallback=move || (!matches!(page.get(), Tab::Catalogue | Tab::Tokens))
                        .then(|| view! { <p class="studio-empty">{text.no_shows}</p> })
                >
                    <Show when=move || page.get() == Tab::Shows>
                        <crate::schedule::Schedule shows current on_run=run api owner
                            on_scheduled=move || load_shows(false) />
                    </Show>
                    {move || current.get().map(|_| view! {
                        <Show when=move || page.get() == Tab::Dashboard>
                            <crate::dashboard::Dashboard />
                        </Show>
                        <Show when=move || page.get() == Tab::Orders>
                            <orders::Orders />
                        </Show>
                        // The show's page stays mounted under the other pages:
                        // the preview keeps playing and switching back is instant.
                        <main class="studio-grid" hidden=move || page.get() != Tab::Run>
                            <section class="studio-stage-column">
                                <preview::Preview />
                                <products::Products />
                            </section>
                            <aside class="studio-side">
                                <ingest::Ingest />
                                <replay::Replay owner />
                                <products::Pins />
                                <selling::Selling />
                                <coupons::Coupons />
                                <chat::Chat />
                            </aside>
                        </main>
                    })}
                </Show>
            </Show>
        </div>
    }
}
