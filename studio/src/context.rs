//! What the signed-in studio's pages and panels share, provided as context
//! by the workspace: the API session, the show being run and the host's picks.

use lapak_protocol::api::shows::{ProductSummary, ShowSummary};
use leptos::prelude::*;

use crate::api::Api;
use crate::text::Text;
use crate::trouble::Trouble;

/// What the panels share.
#[derive(Clone, Copy)]
pub struct Workspace {
    pub api: StoredValue<Api>,
    pub show: RwSignal<Option<ShowSummary>>,
    /// The product the next tap pins.
    pub selected: RwSignal<Option<String>>,
    /// The product the deals and stock panel is about: the last one picked.
    pub selling: RwSignal<Option<String>>,
    /// The last thing that happened, said politely.
    pub notice: RwSignal<Option<String>>,
    /// Why the show, the brand's shows or signing out could not be read or done.
    pub trouble: Trouble,
    /// The host's words.
    pub text: &'static Text,
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
    pub fn products(&self) -> Vec<ProductSummary> {
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

    /// Whether `product` has a tag up now.
    pub fn is_pinned(&self, product: &str) -> bool {
        self.show.with_untracked(|s| {
            s.as_ref()
                .is_some_and(|s| s.pins.iter().any(|p| p.product_id == product))
        })
    }

    /// Unpins `product`, says so, then reads the show again.
    pub fn unpin(&self, product: String) {
        let this = *self;
        let Some(show) = this.show_id() else { return };
        leptos::task::spawn_local(async move {
            let said = match this.api.get_value().unpin(&show, &product).await {
                Ok(()) => (this.text.unpinned)(&this.name_of(&product)),
                Err(refused) => refused.message,
            };
            this.notice.set(Some(said));
            this.refresh();
        });
    }

    /// Reads the show again now.
    pub fn refresh(&self) {
        let this = *self;
        leptos::task::spawn_local(async move {
            let Some(id) = this.show_id() else { return };
            if let Some(show) = this.trouble.settle(this.api.get_value().show(&id).await) {
                this.show.set(Some(show));
            }
        });
    }
}
