//! Embedding on a brand's page: the loader (`embed/embed.js`) defines the
//! `<lapak-live>` element and, when a widget is wanted, loads the viewer and
//! calls `embed()` (exported by the binary) for each element, with a root
//! inside the element's shadow root. Each widget has its own store, session,
//! socket and storage key; `lapak:*` events are dispatched on the element.
use std::any::Any;

use leptos::prelude::*;
use serde::Deserialize;

use crate::actions::Actions;
use crate::app::{captions_choice, connect, Boot, Widget};
use crate::browser;
use crate::store::{CartMode, HostLine, Lang, Locale, Msg};

/// Whether the page asked to embed rather than to run Lapak's own page (the loader sets `LAPAK_EMBED`).
pub fn requested() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"LAPAK_EMBED".into()).is_ok_and(|v| v.is_truthy())
}

/// The element's attributes, as the loader passes them.
#[derive(Debug, Deserialize)]
pub struct Options {
    /// The server's WebSocket URL (`wss://…/ws`).
    pub server: String,
    /// Show id (also part of the storage key).
    pub show: String,
    /// BCP 47 locale; the browser's when absent.
    #[serde(default)]
    pub locale: Option<String>,
    /// `host` for host-cart mode.
    #[serde(default)]
    pub cart: Option<String>,
    /// Where a replay opens: seconds from its start, or `1m30s`-style.
    #[serde(default)]
    pub t: Option<String>,
    /// Whether the widget may keep its session token in `localStorage` (a consent tool may say no).
    #[serde(default = "yes")]
    pub storage: bool,
    /// The element's `id`: widgets with different ids keep separate sessions;
    /// widgets of one show without an id share the shopper's session, like tabs.
    #[serde(default)]
    pub id: Option<String>,
}

fn yes() -> bool {
    true
}

/// A mounted widget; dropping it unmounts the widget and closes its socket.
pub struct Embedded {
    _mounted: Box<dyn Any>,
    actions: Actions,
    muted: RwSignal<bool>,
}

/// Mounts a widget into `root`; its events go to `host`.
pub fn mount(host: web_sys::HtmlElement, root: web_sys::HtmlElement, options: Options) -> Embedded {
    let locale = options
        .locale
        .map_or_else(browser::locale::detect, |tag| Locale {
            lang: Lang::for_tag(&tag),
            tag,
        });
    // Media URLs from the server are root-relative: relative to the server, not to the host page.
    let asset_base = options
        .server
        .replacen("wss://", "https://", 1)
        .replacen("ws://", "http://", 1)
        .split('/')
        .take(3)
        .collect::<Vec<_>>()
        .join("/");
    let boot = Boot {
        asset_base,
        socket_url: browser::location::show_socket(&options.server, Some(&options.show)),
        locale,
        cart_mode: if options.cart.as_deref() == Some("host") {
            CartMode::Host
        } else {
            CartMode::Lapak
        },
        start_offset_ms: options
            .t
            .as_deref()
            .and_then(lapak_protocol::replay::offset_ms),
        token_key: options.storage.then(|| match options.id.as_deref() {
            Some(id) if !id.is_empty() => format!("lapak.session.{}#{id}", options.show),
            _ => format!("lapak.session.{}", options.show),
        }),
        events: host.into(),
        muted: RwSignal::new(true),
    };
    let muted = boot.muted;
    let slot = StoredValue::new_local(None::<Actions>);
    let mounted = leptos::mount::mount_to(root, move || {
        let state = connect(&boot);
        slot.set_value(Some(expect_context::<Actions>()));
        let captions_on = captions_choice(&boot);
        view! { <Widget state muted captions_on/> }
    });
    let actions = slot.get_value().expect("mounting runs the view at once");
    Embedded {
        _mounted: Box::new(mounted),
        actions,
        muted,
    }
}

impl Embedded {
    /// Turns the sound off or on.
    pub fn mute(&self, muted: bool) {
        self.muted.set(muted);
    }

    /// Shows the host page's cart (host-cart mode). `lines` is JSON:
    /// `[{"product_id", "variant_id", "quantity", "unit_price"?: {"minor", "currency"}}]`.
    pub fn sync_cart(&self, lines: &str) -> Result<(), serde_json::Error> {
        let lines: Vec<HostLine> = serde_json::from_str(lines)?;
        self.actions.dispatch(Msg::SyncHostCart(lines));
        Ok(())
    }
}
