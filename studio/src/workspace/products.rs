//! The products to pick before tapping the picture, the tags up now with
//! their unpin buttons, and the message pinned above the viewers' chat.

use lapak_protocol::{Translations, LANGUAGES};
use leptos::prelude::*;

use super::Workspace;
use crate::text::Text;

/// A row of large product buttons; the picked one is pressed.
#[component]
pub fn Products() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let products = move || workspace.products();
    // Keys 1–9 pick the show's first nine products and Escape lets go, so a
    // host's eyes can stay on the picture; typing in a field is left alone.
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        let typing = event
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if typing || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let key = event.key();
        if key == "Escape" {
            workspace.selected.set(None);
            return;
        }
        let Some(n) = key.parse::<usize>().ok().filter(|n| (1..=9).contains(n)) else {
            return;
        };
        if let Some(product) = workspace.products().into_iter().nth(n - 1) {
            workspace.selected.set(Some(product.id.clone()));
            workspace.selling.set(Some(product.id));
        }
    });
    on_cleanup(move || keys.remove());
    let hint = move || match workspace.selected.get() {
        Some(product) => (text.tap_to_pin)(&workspace.name_of(&product)),
        None => text.pick_product.to_owned(),
    };
    view! {
        <section class="studio-products" aria-label=text.pick_product>
            <p class="studio-hint" data-testid="pin-hint">{hint}</p>
            <div class="studio-product-row">
                <For each=move || products().into_iter().enumerate() key=|(_, p)| p.id.clone() let:numbered>
                    {
                        let (n, product) = numbered;
                        let id = product.id.clone();
                        let pressed = {
                            let id = id.clone();
                            move || workspace.selected.read().as_deref() == Some(id.as_str())
                        };
                        let pick = move |_| {
                            let again = workspace.selected.get_untracked().as_deref() == Some(id.as_str());
                            workspace.selected.set((!again).then(|| id.clone()));
                            workspace.selling.set(Some(id.clone()));
                        };
                        view! {
                            <button
                                class="studio-product"
                                data-testid=format!("pick-{}", product.id)
                                aria-pressed=move || pressed().to_string()
                                aria-keyshortcuts=(n < 9).then(|| (n + 1).to_string())
                                on:click=pick
                            >
                                {(n < 9).then(|| view! { <kbd class="studio-key" aria-hidden="true">{n + 1}</kbd> })}
                                <img src=product.image_url.clone() alt="" />
                                <span>{product.name.clone()}</span>
                            </button>
                        }
                    }
                </For>
            </div>
        </section>
    }
}

/// The tags up now, each with an unpin button.
#[component]
pub fn Pins() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let pins = move || workspace.pins();
    let unpin = move |product: String| workspace.unpin(product);
    view! {
        <section class="studio-panel" data-testid="pins">
            <h2>{text.tags_up}</h2>
            <Show when=move || !pins().is_empty() fallback=move || view! { <p class="studio-empty">{text.no_tags}</p> }>
                <ul class="studio-list">
                    <For each=move || pins().into_iter().enumerate() key=|(n, pin)| (*n, pin.product_id.clone()) let:numbered>
                        {
                            let (n, pin) = numbered;
                            let name = workspace.name_of(&pin.product_id);
                            let product = pin.product_id.clone();
                            view! {
                                <li>
                                    <span class="studio-pin-number" aria-hidden="true">{n + 1}</span>
                                    <span class="studio-pin-name">{name.clone()}</span>
                                    <button
                                        class="studio-quiet"
                                        data-testid=format!("unpin-{}", pin.product_id)
                                        aria-label=(text.unpin)(&name)
                                        on:click=move |_| unpin(product.clone())
                                    >
                                        "✕"
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
            <Message />
        </section>
    }
}

/// The message above the viewers' chat: shown, changed or taken down, with a
/// translation per language. A new wording clears the translations, so that
/// no viewer reads the old message in their language.
#[component]
pub fn Message() -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let current = move || {
        workspace
            .show
            .read()
            .as_ref()
            .and_then(|s| s.pinned_message.clone())
    };
    let typed = RwSignal::new(None::<String>);
    let typed_translations = RwSignal::new(None::<Translations>);
    let shown_text = move || typed.get().or_else(|| current().map(|m| m.text));
    let shown_translations = move || {
        typed_translations
            .get()
            .or_else(|| current().map(|m| m.translations))
            .unwrap_or_default()
    };
    let send = move |message: Option<(String, Translations)>| {
        let Some(show) = workspace.show_id() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let api = workspace.api.get_value();
            let (said, translations) = message.unzip();
            let translations = translations.unwrap_or_default();
            match api.pin_message(&show, said.as_deref(), &translations).await {
                Ok(()) => {
                    typed.set(None);
                    typed_translations.set(None);
                    workspace.notice.set(Some(text.message_set.to_owned()));
                }
                Err(refused) => workspace.notice.set(Some(refused.message)),
            }
            workspace.refresh();
        });
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let mut translations = shown_translations();
        translations.retain(|_, said| !said.trim().is_empty());
        let message = shown_text().filter(|m| !m.trim().is_empty());
        send(message.map(|m| (m, translations)));
    };
    let translation = move |lang: &'static str| {
        view! {
            <label>
                <span>{(text.translation_in)(lang)}</span>
                <input type="text" maxlength="200" data-testid=format!("message-in-{lang}")
                    prop:value=move || shown_translations().get(lang).cloned().unwrap_or_default()
                    on:input=move |ev| {
                        let mut all = shown_translations();
                        all.insert(lang.to_owned(), event_target_value(&ev));
                        typed_translations.set(Some(all));
                    } />
            </label>
        }
    };
    view! {
        <form class="studio-message" on:submit=submit data-testid="pinned-message">
            <label>
                <span>{text.pinned_message}</span>
                <input type="text" maxlength="200" data-testid="message-text"
                    prop:value=move || shown_text().unwrap_or_default()
                    on:input=move |ev| {
                        typed.set(Some(event_target_value(&ev)));
                        typed_translations.set(Some(Translations::new()));
                    } />
            </label>
            <details class="studio-translations">
                <summary>{text.translations}</summary>
                {LANGUAGES.map(translation)}
            </details>
            <div class="studio-actions">
                <button class="studio-quiet" data-testid="pin-message">{text.pin_message}</button>
                <button class="studio-quiet" type="button" data-testid="take-down-message"
                    disabled=move || current().is_none()
                    on:click=move |_| send(None)>
                    {text.take_down}
                </button>
            </div>
        </form>
    }
}
