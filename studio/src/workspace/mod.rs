//! The workspace for a host mid-show on a laptop: the live preview with its
//! tags on the left (pick a product, tap it in the picture), and on the right
//! going live, the tags up now, and the chat to moderate. Everything fits one
//! screen: nothing needs scrolling to pin.

mod chat;
mod ingest;
mod preview;
mod products;
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

/// The signed-in workspace for the brand's first show.
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
    leptos::task::spawn_local(async move {
        if let Ok(shows) = api.get_value().shows().await {
            workspace.show.set(shows.into_iter().next());
        }
        loaded.set(true);
    });
    crate::poll::every(SHOW_EVERY, move || workspace.refresh());
    let dashboard = RwSignal::new(false);
    let tab = move |label: &'static str, on_dashboard: bool, testid: &'static str| {
        view! {
            <button class="studio-tab" role="tab" data-testid=testid
                aria-selected=move || (dashboard.get() == on_dashboard).to_string()
                on:click=move |_| dashboard.set(on_dashboard)>
                {label}
            </button>
        }
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
                    {tab(text.run_show, false, "tab-run")}
                    {tab(text.dashboard, true, "tab-dashboard")}
                </nav>
                <p class="studio-show-title" data-testid="show-title">
                    {move || workspace.show.read().as_ref().map(|s| s.title.clone())}
                </p>
                <p class="studio-notice" role="status" data-testid="notice">{move || workspace.notice.get()}</p>
                <span class="studio-on-air" data-state=on_air data-testid="on-air">
                    {move || (text.on_air)(&on_air())}
                </span>
                <span class="studio-who">{me.email.clone()}" · "{me.role.clone()}</span>
                <button class="studio-quiet" on:click=sign_out>{text.sign_out}</button>
            </header>
            <Show when=move || loaded.get()>
                <Show
                    when=move || workspace.show.read().is_some()
                    fallback=move || view! { <p class="studio-empty">{text.no_shows}</p> }
                >
                    <Show when=move || dashboard.get()>
                        <crate::dashboard::Dashboard />
                    </Show>
                    // The show's page stays mounted under the dashboard: the
                    // preview keeps playing and switching back is instant.
                    <main class="studio-grid" hidden=move || dashboard.get()>
                        <section class="studio-stage-column">
                            <preview::Preview />
                            <products::Products />
                        </section>
                        <aside class="studio-side">
                            <ingest::Ingest />
                            <products::Pins />
                            <selling::Selling />
                            <chat::Chat />
                        </aside>
                    </main>
                </Show>
            </Show>
        </div>
    }
}
