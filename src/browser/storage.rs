//! The session token in `localStorage`, so the cart survives a reload and is
//! shared by the viewer's tabs. Each widget has its own key; storage can be
//! turned off by the host page, or be unavailable (private mode, sandboxed
//! frames): then the session lasts as long as the page.

/// The key on Lapak's own page.
pub const PAGE_KEY: &str = "lapak.session";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The token an earlier visit kept under `key`.
pub fn load_token(key: &str) -> Option<String> {
    local_storage()?
        .get_item(key)
        .ok()
        .flatten()
        .filter(|t| !t.is_empty())
}

/// Keeps the token under `key` for later visits.
pub fn save_token(key: &str, token: &str) {
    if let Some(storage) = local_storage() {
        if storage.set_item(key, token).is_err() {
            log::warn!("could not keep the session token (storage full or blocked)");
        }
    }
}

/// A yes/no choice of the shopper's (captions on, say) that later visits
/// keep under `key`: read now, written whenever it changes.
pub fn remembered_flag(key: &'static str) -> leptos::prelude::RwSignal<bool> {
    use leptos::prelude::*;
    let stored = local_storage().and_then(|s| s.get_item(key).ok().flatten());
    let flag = RwSignal::new(stored.as_deref() == Some("on"));
    Effect::new(move |first: Option<()>| {
        let value = if flag.get() { "on" } else { "off" };
        // Nothing is written until the shopper changes it.
        if first.is_some() {
            if let Some(storage) = local_storage() {
                let _ = storage.set_item(key, value);
            }
        }
    });
    flag
}
