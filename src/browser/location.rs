//! What the page's address says: where the server is (the WebSocket endpoint
//! of the page's own origin) and whose cart to fill (`?cart=host`).

use crate::store::CartMode;

/// `ws://host/ws` (or `wss://` on https pages) for the page's origin.
pub fn socket_url() -> String {
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let secure = location
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    format!("{}://{host}/ws", if secure { "wss" } else { "ws" })
}

/// Host-cart mode when the page asks for it with `?cart=host`.
pub fn cart_mode() -> CartMode {
    let host = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("cart"))
        .is_some_and(|mode| mode == "host");
    if host {
        CartMode::Host
    } else {
        CartMode::Lapak
    }
}
