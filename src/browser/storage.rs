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
