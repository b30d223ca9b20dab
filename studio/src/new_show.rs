//! An owner schedules a show: a title, a start time and a host, with the
//! products, gifts and missions of one of the brand's shows. The studio reads
//! that show's file, changes what the form says, drops its scripted timeline
//! (the new show's host pins live) and sends it (`POST /api/v1/shows`).
//! Products picked from the catalogue replace the copied show's.

mod picker;

use lapak_protocol::api::refusal::Refusal;
use lapak_protocol::api::shows::ShowSummary;
use leptos::prelude::*;
use serde_json::Value;

use picker::{Pick, Picker};

use crate::api::Api;
use crate::format;
use crate::text::Text;

/// Longest id made from a title, before the date is added.
const MAX_SLUG: usize = 40;

/// A show id from `title` and its start (`2027-03-14T10:00`): `sunday-brunch-20270314-1000`.
fn show_id(title: &str, start: &str) -> String {
    let slug = crate::slug::slug(title, MAX_SLUG);
    let day = start.replace(['-', ':'], "").replace('T', "-");
    if slug.is_empty() {
        format!("show-{day}")
    } else {
        format!("{slug}-{day}")
    }
}

/// `like`'s file as the new show: its id, title, start and host changed, no
/// script, and the products picked from the catalogue, if any.
fn scheduled_like(
    mut file: Value,
    title: &str,
    local: &str,
    host: &str,
    products: Vec<Value>,
) -> Option<Value> {
    file["id"] = show_id(title, local).into();
    file["title"] = title.into();
    file["starts_at"] = format::instant(local)?.into();
    file["host"]["name"] = host.into();
    file["timeline"] = Value::Array(Vec::new());
    Some(with_products(file, products))
}

/// `file` with `products` (`from_catalogue` entries) instead of its own when
/// any were picked; else as it is.
fn with_products(mut file: Value, products: Vec<Value>) -> Value {
    if !products.is_empty() {
        file["products"] = Value::Array(products);
    }
    file
}

/// What the form sends: the show to copy and what changes in it.
#[derive(Clone)]
struct Form {
    base: String,
    title: String,
    starts: String,
    host: String,
    products: Vec<Value>,
}

/// The form. `shows` are the brand's (a new one joins them); `like` starts as
/// the show being run.
#[component]
pub fn NewShow(
    api: StoredValue<Api>,
    shows: RwSignal<Vec<ShowSummary>>,
    like: Memo<Option<String>>,
    on_scheduled: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let title = RwSignal::new(String::new());
    let starts = RwSignal::new(String::new());
    let host = RwSignal::new(String::new());
    let base = RwSignal::new(like.get_untracked().unwrap_or_default());
    let picks = RwSignal::new(Vec::<Pick>::new());
    // What was typed wrong, before anything was sent; cleared by a sending.
    let unsent = RwSignal::new(None::<String>);
    let schedule = Action::new_local(move |form: &Form| {
        let Form {
            base,
            title,
            starts,
            host,
            products,
        } = form.clone();
        async move {
            let api = api.get_value();
            let file = api.show_file(&base).await?;
            let show = scheduled_like(file, title.trim(), &starts, host.trim(), products)
                .ok_or_else(|| Refusal {
                    code: "invalid".into(),
                    message: text.schedule_incomplete.into(),
                })?;
            let made = api.schedule(show).await?;
            on_scheduled();
            Ok::<_, Refusal>(made)
        }
    });
    let said = move || {
        unsent.get().or_else(|| {
            schedule.value().get().map(|made| match made {
                Ok(show) => (text.scheduled)(&show.title),
                Err(refused) => refused.message,
            })
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (title, starts, host, base) = (title.get(), starts.get(), host.get(), base.get());
        if title.trim().is_empty() || starts.is_empty() || host.trim().is_empty() || base.is_empty()
        {
            unsent.set(Some(text.schedule_incomplete.into()));
            return;
        }
        let products = match picks.with_untracked(|picked| picker::entries(picked)) {
            Ok(products) => products,
            Err(product) => return unsent.set(Some((text.pick_not_number)(&product))),
        };
        unsent.set(None);
        schedule.dispatch(Form {
            base,
            title,
            starts,
            host,
            products,
        });
    };
    let field = move |label: &'static str,
                      value: RwSignal<String>,
                      kind: &'static str,
                      testid: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input type=kind required data-testid=testid
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <section class="studio-panel" aria-labelledby="new-show-heading">
            <h2 id="new-show-heading">{text.schedule_show}</h2>
            <form class="studio-new-show" on:submit=submit data-testid="new-show">
                {field(text.show_title, title, "text", "new-show-title")}
                {field(text.starts_label, starts, "datetime-local", "new-show-starts")}
                {field(text.host_label, host, "text", "new-show-host")}
                <label>
                    <span>{text.like_label}</span>
                    <select data-testid="new-show-like" prop:value=move || base.get()
                        on:change=move |ev| base.set(event_target_value(&ev))>
                        <For each=move || shows.get() key=|s| s.id.clone() let:show>
                            <option value=show.id.clone()>{show.title.clone()}</option>
                        </For>
                    </select>
                </label>
                <Picker api picks />
                <button class="studio-primary" data-testid="schedule-show">{text.schedule}</button>
                <p class="studio-form-said" role="status" data-testid="new-show-said">{said}</p>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests;
