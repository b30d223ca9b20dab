//! Many products at once: a CSV file chosen or pasted, sent whole (`POST
//! /api/v1/catalogue/import`). The server keeps all of it, or nothing and
//! names every bad line; the columns are those the export writes.

use lapak_protocol::api::catalogue::Imported;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::context::Workspace;
use crate::text::Text;

/// The largest import the server reads (docs/api.md).
const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// The columns, as the export writes them and the import reads them.
const CSV_COLUMNS: &str = "product_id,name,name_id,image_url,price,currency,max_per_order,variant_id,variant_label,variant_label_id,stock";

/// Why `csv` is not worth sending, if it is not: nothing in it, or more than
/// the server reads (which it would refuse without naming a line).
fn unsendable(csv: &str, text: &Text) -> Option<&'static str> {
    if csv.trim().is_empty() {
        Some(text.import_nothing)
    } else if csv.len() > MAX_IMPORT_BYTES {
        Some(text.import_too_large)
    } else {
        None
    }
}

/// What an import did, in words: `2 added, 1 updated`.
fn imported(text: &Text, done: Imported) -> String {
    (text.imported)(done.created, done.updated)
}

/// A refusal's problems, one a line: the server joins them with `; `.
fn problems(message: &str) -> Vec<String> {
    message.split("; ").map(str::to_owned).collect()
}

/// The import form; `on_done` reads the catalogue again after an import.
#[component]
pub fn Import(on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let text = expect_context::<&'static Text>();
    let workspace = expect_context::<Workspace>();
    let csv = RwSignal::new(String::new());
    let said = RwSignal::new(None::<String>);
    let refused = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    // A chosen file fills the text box: what is sent is what can be read there.
    let chosen = move |event: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&event);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
            {
                Some(read) => csv.set(read),
                None => refused.set(vec![text.failed.to_owned()]),
            }
        });
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        said.set(None);
        let typed = csv.get_untracked();
        if let Some(problem) = unsendable(&typed, text) {
            return refused.set(vec![problem.to_owned()]);
        }
        refused.set(Vec::new());
        busy.set(true);
        leptos::task::spawn_local(async move {
            match workspace.api.get_value().import_csv(typed).await {
                Ok(done) => {
                    said.set(Some(imported(text, done)));
                    on_done();
                }
                Err(refusal) => refused.set(problems(&refusal.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="studio-panel" aria-labelledby="import-heading">
            <h2 id="import-heading">{text.import_csv}</h2>
            <form class="studio-import" on:submit=submit data-testid="catalogue-import-form">
                <label>
                    <span>{text.csv_file}</span>
                    <input type="file" accept=".csv,text/csv" data-testid="catalogue-file" on:change=chosen />
                </label>
                <label>
                    <span>{text.csv_text}</span>
                    <textarea rows="6" spellcheck="false" autocomplete="off" data-testid="catalogue-csv"
                        aria-describedby="csv-columns"
                        prop:value=move || csv.get()
                        on:input=move |ev| csv.set(event_target_value(&ev))></textarea>
                </label>
                <p id="csv-columns" class="studio-csv-hint">
                    {text.csv_columns}" "<code>{CSV_COLUMNS}</code>
                </p>
                <button class="studio-primary" data-testid="catalogue-import" disabled=move || busy.get()>
                    {text.import}
                </button>
                <p class="studio-form-said" role="status" data-testid="catalogue-imported">{move || said.get()}</p>
                <div class="studio-error" role="alert" data-testid="catalogue-import-refused">
                    <Show when=move || !refused.read().is_empty()>
                        <ul>{move || refused.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                    </Show>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{EN, ID};

    #[test]
    fn an_import_says_what_it_did() {
        let done = Imported {
            created: 2,
            updated: 1,
        };
        assert_eq!(imported(&EN, done), "2 added, 1 updated");
        assert_eq!(imported(&ID, done), "2 ditambahkan, 1 diperbarui");
    }

    #[test]
    fn every_bad_line_is_a_line_of_its_own() {
        assert_eq!(
            problems("line 5: price \"12.345\" is not an amount in IDR; line 7: product a's rows are not together"),
            [
                "line 5: price \"12.345\" is not an amount in IDR",
                "line 7: product a's rows are not together"
            ]
        );
        assert_eq!(
            problems("the import holds no product"),
            ["the import holds no product"]
        );
    }

    #[test]
    fn nothing_and_too_much_are_not_sent() {
        assert_eq!(unsendable(" \n", &EN), Some(EN.import_nothing));
        let huge = "a".repeat(MAX_IMPORT_BYTES + 1);
        assert_eq!(unsendable(&huge, &EN), Some(EN.import_too_large));
        assert_eq!(unsendable(CSV_COLUMNS, &EN), None);
    }
}
