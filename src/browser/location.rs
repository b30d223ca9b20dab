//! What the page's address says: where the server is (the WebSocket endpoint
//! of the page's own origin), which show (`?show=`), whose cart to fill
//! (`?cart=host`) and where a replay opens (`?t=`).

use crate::store::CartMode;

/// `ws://host/ws` (or `wss://` on https pages) for the page's origin, for
/// the show the page names (the server's default show without one).
pub fn socket_url() -> String {
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let secure = location
        .and_then(|l| l.protocol().ok())
        .is_some_and(|p| p == "https:");
    let scheme = if secure { "wss" } else { "ws" };
    show_socket(&format!("{scheme}://{host}/ws"), show().as_deref())
}

/// The socket URL `server` for `show`: the server opens the named show's socket.
pub fn show_socket(server: &str, show: Option<&str>) -> String {
    match show {
        Some(show) => format!("{server}?show={}", js_sys::encode_uri_component(show)),
        None => server.to_owned(),
    }
}

/// The show the page's address names (`?show=`), if any.
pub fn show() -> Option<String> {
    param("show").filter(|show| !show.is_empty())
}

/// A parameter of the page's address.
fn param(name: &str) -> Option<String> {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get(name))
}

/// Host-cart mode when the page asks for it with `?cart=host`.
pub fn cart_mode() -> CartMode {
    if param("cart").is_some_and(|mode| mode == "host") {
        CartMode::Host
    } else {
        CartMode::Lapak
    }
}

/// Where a replay link opens (`?t=90` or `?t=1m30s`): ms from the replay's
/// start; `None` without one, or when it does not read.
pub fn replay_offset_ms() -> Option<i64> {
    param("t")
        .as_deref()
        .and_then(lapak_protocol::replay::offset_ms)
}
