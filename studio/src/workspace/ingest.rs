//! Going live: the address and key for the host's encoder (the key hidden
//! until asked, then shown whole, and copied either way), a new key once the
//! host has said yes to dropping a live encoder, and ending the show.

use lapak_protocol::api::shows::{Ingest as Address, Video};
use lapak_protocol::OnAir;
use leptos::prelude::*;

use super::Workspace;
use crate::ask::Ask;
use crate::copy::CopyButton;
use crate::text::Text;
use crate::trouble::in_words;

/// The encoder's settings and the end-show button.
#[component]
pub fn Ingest() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let address = RwSignal::new(None::<Address>);
    let revealed = RwSignal::new(false);
    let asking = RwSignal::new(false);
    // Said beside the key, where the host is looking, and whole: the
    // header's notice is too narrow for what a new key means.
    let said = RwSignal::new(None::<String>);
    let fetch = move |rotate: bool| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match workspace.api.get_value().ingest(&show, rotate).await {
                Ok(found) => {
                    address.set(Some(found));
                    if rotate {
                        said.set(Some(text.new_key_made.to_owned()));
                    }
                }
                Err(refused) if rotate => said.set(Some(in_words(text, &refused).to_owned())),
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
        });
    };
    let rotate = move || {
        asking.set(false);
        fetch(true);
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
    // Copied as it is, even hidden: the key reaches the encoder without
    // showing on a shared screen.
    let whole_key = Signal::derive(move || {
        address
            .read()
            .as_ref()
            .map(|a| a.stream_key.clone())
            .unwrap_or_default()
    });
    view! {
        <Show when=ingests>
            <section class="studio-panel" data-testid="ingest">
                <h2>{text.go_live}</h2>
                <dl class="studio-ingest">
                    <dt>{text.server}</dt>
                    <dd><code data-testid="ingest-server">{move || address.read().as_ref().map(|a| a.server.clone())}</code></dd>
                    <dt>{text.stream_key}</dt>
                    <dd class="studio-stream-key">
                        <code data-testid="stream-key">{key}</code>
                        <span class="studio-key-actions">
                            <button class="studio-quiet" data-testid="reveal-key" aria-pressed=move || revealed.get().to_string()
                                on:click=move |_| revealed.update(|r| *r = !*r)>
                                {move || if revealed.get() { text.hide_key } else { text.show_key }}
                            </button>
                            <CopyButton value=whole_key label=text.copy_key testid="copy-key" />
                            <button class="studio-quiet" data-testid="new-key" disabled=move || asking.get()
                                on:click=move |_| asking.set(true)>
                                {text.new_key}
                            </button>
                        </span>
                    </dd>
                </dl>
                <p class="studio-ingest-said" role="status" data-testid="ingest-said">{move || said.get()}</p>
                <Show when=move || asking.get()>
                    <Ask question=text.confirm_new_key yes=text.yes_new_key no=text.keep_key testid="confirm-new-key"
                        on_yes=rotate on_no=move || asking.set(false) />
                </Show>
                <button class="studio-danger" data-testid="end-show" on:click=end
                    disabled=move || workspace.show.read().as_ref().is_some_and(|s| s.on_air == OnAir::Ended)>
                    {text.end_show}
                </button>
            </section>
        </Show>
    }
}
