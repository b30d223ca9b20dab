//! Toasts over the widget: a completed mission and its reward, a copied link.
//! Announced politely to screen readers.
use leptos::prelude::*;
use reactive_stores::Field;

use crate::features::icons::CheckIcon;
use crate::i18n;
use crate::store::{Community, CommunityStoreFields, Toast, ToastKind};

/// The toasts showing now (bounded by the store), newest last.
#[component]
pub fn Toasts(
    /// The community state (its toasts, and the missions they name).
    #[prop(into)]
    community: Field<Community>,
) -> impl IntoView {
    let text = i18n::text();
    let say = move |toast: &Toast| match &toast.kind {
        ToastKind::LinkCopied => text.link_copied.to_owned(),
        ToastKind::Completed(id) => {
            let missions = community.missions().read_untracked();
            let title = missions
                .iter()
                .find(|m| &m.id == id)
                .map(|m| super::mission_title(text, m))
                .unwrap_or_default();
            (text.mission_complete)(&title)
        }
    };
    view! {
        <div class="lapak-toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || community.toasts().get() key=|t| t.id children=move |toast| view! {
                <p class="lapak-toast"><CheckIcon/><span class="lapak-toast-text">{say(&toast)}</span></p>
            }/>
        </div>
    }
}
