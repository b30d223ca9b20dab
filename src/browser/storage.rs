//! The session token in `localStorage`, so the cart survives a reload and is
//! shared by the viewer's tabs. Storage can be unavailable (private mode,
//! sandboxed frames): then the session lasts as long as the page.

const TOKEN_KEY: &str = "lapak.session";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The token kept by an earlier visit.
pub fn load_token() -> Option<String> {
    local_storage()?
        .get_item(TOKEN_KEY)
        .ok()
        .flatten()
        .filter(|t| !t.is_empty())
}

/// Keeps the token for later visits.
pub fn save_token(token: &str) {
    if let Some(storage) = local_storage() {
        if storage.set_item(TOKEN_KEY, token).is_err() {
            log::warn!("could not keep the session token (storage full or blocked)");
        }
    }
}
