//! The clipboard: what the host asked to copy (a stream key, a token's secret).

use leptos::prelude::window;
use wasm_bindgen_futures::JsFuture;

/// Puts `text` on the clipboard; `false` when the browser refused (no
/// permission, no clipboard, a page without focus).
pub async fn copy(text: &str) -> bool {
    let promise = window().navigator().clipboard().write_text(text);
    JsFuture::from(promise).await.is_ok()
}
