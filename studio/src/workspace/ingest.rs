//! Going live: the address and key for the host's encoder (hidden until
//! asked), a new key, and ending the show.

use lapak_protocol::api::shows::{Ingest as Address, Video};
use lapak_protocol::OnAir;
use leptos::prelude::*;

use super::Workspace;
use crate::text::Text;

/// The encoder's settings and the end-show button.
#[component]
pub fn Ingest() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let address = RwSignal::new(None::<Address>);
    let revealed = RwSignal::new(false);
    let fetch = move |rotate: bool| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match workspace.api.get_value().ingest(&show, rotate).await {
                Ok(found) => address.set(Some(found)),
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
        });
    };
    let ingests = move || {
        workspace
            .show
            .read()
            .as_ref()
            .is_some_and(|s| s.video == Video::Ingest)
    };
    Effect::new(move |done: Option<bool>| {
        if done != Some(true) && ingests() {
            fetch(false);
            return true;
        }
        done.unwrap_or(false)
    });
    let end = move |_| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        if !window()
            .confirm_with_message(text.confirm_end)
            .unwrap_or(false)
        {
            return;
        }
        leptos::task::spawn_local(async move {
            match workspace.api.get_value().end(&show).await {
                Ok(()) => workspace.notice.set(Some(text.ended.to_owned())),
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
            workspace.refresh();
        });
    };
    let key = move || {
        address.read().as_ref().map(|a| {
            if revealed.get() {
                a.stream_key.clone()
            } else {
                "•".repeat(12)
            }
        })
    };
    view! {
        <Show when=ingests>
            <section class="studio-panel" data-testid="ingest">
                <h2>{text.go_live}</h2>
                <dl class="studio-ingest">
                    <dt>{text.server}</dt>
                    <dd><code data-testid="ingest-server">{move || address.read().as_ref().map(|a| a.server.clone())}</code></dd>
                    <dt>{text.stream_key}</dt>
                    <dd>
                        <code data-testid="stream-key">{key}</code>
                        <button class="studio-quiet" on:click=move |_| revealed.update(|r| *r = !*r)>
                            {move || if revealed.get() { text.hide_key } else { text.show_key }}
                        </button>
                        <button class="studio-quiet" on:click=move |_| fetch(true)>{text.new_key}</button>
                    </dd>
                </dl>
                <button class="studio-danger" data-testid="end-show" on:click=end
                    disabled=move || workspace.show.read().as_ref().is_some_and(|s| s.on_air == OnAir::Ended)>
                    {text.end_show}
                </button>
            </section>
        </Show>
    }
}
