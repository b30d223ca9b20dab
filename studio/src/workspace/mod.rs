//! The workspace for a host mid-show on a laptop: the live preview with its
//! tags on the left (pick a product, tap it in the picture), and on the right
//! going live and the replay it becomes, the tags up now, and the chat to
//! moderate. Everything fits one screen: nothing needs scrolling to pin.

mod chat;
mod coupons;
mod ingest;
mod preview;
mod products;
mod replay;
mod selling;

use std::time::Duration;

use leptos::prelude::*;

use crate::api::{Api, Me, Show};
use crate::text::Text;

/// How often the show's tags and on-air state are read again.
const SHOW_EVERY: Duration = Duration::from_secs(1);

/// What the panels share.
#[derive(Clone, Copy)]
pub struct Workspace {
    pub api: StoredValue<Api>,
    pub show: RwSignal<Option<Show>>,
    /// The product the next tap pins.
    pub selected: RwSignal<Option<String>>,
    /// The product the deals and stock panel is about: the last one picked.
    pub selling: RwSignal<Option<String>>,
    /// The last thing that happened, said politely.
    pub notice: RwSignal<Option<String>>,
}

impl Workspace {
    /// The show's id, once loaded.
    pub fn show_id(&self) -> Option<String> {
        self.show
            .with_untracked(|s| s.as_ref().map(|s| s.id.clone()))
    }

    /// The tags up now (tracked).
    pub fn pins(&self) -> Vec<lapak_protocol::Pin> {
        self.show
            .with(|s| s.as_ref().map(|s| s.pins.clone()).unwrap_or_default())
    }

    /// The show's products (tracked).
    pub fn products(&self) -> Vec<crate::api::Product> {
        self.show
            .with(|s| s.as_ref().map(|s| s.products.clone()).unwrap_or_default())
    }

    /// The show's currency: every product's (a show sells in one).
    pub fn currency(&self) -> Option<String> {
        self.show.with_untracked(|s| {
            let product = s.as_ref()?.products.first()?;
            Some(product.price.currency.clone())
        })
    }

    /// The product's name.
    pub fn name_of(&self, product: &str) -> String {
        self.show.with_untracked(|s| {
            s.as_ref()
                .and_then(|s| s.products.iter().find(|p| p.id == product))
                .map_or_else(|| product.to_owned(), |p| p.name.clone())
        })
    }

    /// Unpins `product`, then reads the show again.
    pub fn unpin(&self, product: String) {
        let this = *self;
        let Some(show) = this.show_id() else { return };
        leptos::task::spawn_local(async move {
            if let Err(refused) = this.api.get_value().unpin(&show, &product).await {
                this.notice.set(Some(refused.message));
            }
            this.refresh();
        });
    }

    /// Reads the show again now.
    pub fn refresh(&self) {
        let this = *self;
        leptos::task::spawn_local(async move {
            let Some(id) = this.show_id() else { return };
            if let Ok(show) = this.api.get_value().show(&id).await {
                this.show.set(Some(show));
            }
        });
    }
}

/// The studio's pages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    /// The brand's shows: live, upcoming, ended.
    Shows,
    /// The workspace for the show being run.
    Run,
    /// The show's figures.
    Dashboard,
    /// The brand's products apart from any show.
    Catalogue,
}

/// The show to open first: one live now, else the next upcoming, else any.
fn first_to_run(shows: &[Show]) -> Option<Show> {
    let by_status = |status: &str| shows.iter().find(|s| s.status == status);
    by_status("live")
        .or_else(|| by_status("upcoming"))
        .or(shows.first())
        .cloned()
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
    };
    provide_context(workspace);
    let loaded = RwSignal::new(false);
    let shows = RwSignal::new(Vec::<Show>::new());
    let load_shows = move |pick: bool| {
        leptos::task::spawn_local(async move {
            if let Ok(listed) = api.get_value().shows().await {
                if pick {
                    workspace.show.set(first_to_run(&listed));
                }
                shows.set(listed);
            }
            loaded.set(true);
        });
    };
    load_shows(true);
    crate::poll::every(SHOW_EVERY, move || workspace.refresh());
    let page = RwSignal::new(Tab::Run);
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
    let owner = me.role == "owner";
    let run = move |show: Show| {
        workspace.selected.set(None);
        workspace.selling.set(None);
        workspace.notice.set(None);
        workspace.show.set(Some(show));
        page.set(Tab::Run);
    };
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = api.get_value().sign_out().await;
            on_out();
        });
    };
    let on_air = move || {
        workspace
            .show
            .read()
            .as_ref()
            .map(|s| s.on_air.clone())
            .unwrap_or_default()
    };
    view! {
        <div class="studio">
            <header class="studio-header">
                <h1>{text.title}</h1>
                <nav class="studio-tabs" role="tablist">
                    {tab(text.shows, Tab::Shows, "tab-shows")}
                    {tab(text.run_show, Tab::Run, "tab-run")}
                    {tab(text.dashboard, Tab::Dashboard, "tab-dashboard")}
                    {tab(text.catalogue, Tab::Catalogue, "tab-catalogue")}
                </nav>
                <p class="studio-show-title" data-testid="show-title">
                    {move || workspace.show.read().as_ref().map(|s| s.title.clone())}
                </p>
                <p class="studio-notice" role="status" data-testid="notice">{move || workspace.notice.get()}</p>
                <span class="studio-on-air" data-state=on_air data-testid="on-air">
                    {move || (text.on_air)(&on_air())}
                </span>
                <span class="studio-who">{me.email.clone()}" · "{me.role.clone()}</span>
                <button class="studio-quiet" title=me.email.clone() on:click=sign_out>{text.sign_out}</button>
            </header>
            <Show when=move || loaded.get()>
                // The brand's, not a show's: there even before the brand has a show.
                <Show when=move || page.get() == Tab::Catalogue>
                    <crate::catalogue::Catalogue shows owner />
                </Show>
                <Show
                    when=move || workspace.show.read().is_some()
                    fallback=move || (page.get() != Tab::Catalogue)
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
