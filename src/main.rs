//! The viewer's entry: Lapak's own page, or widgets on a host page (`embed`).
use wasm_bindgen::prelude::*;

fn main() {
    lapak::start();
}

/// Mounts a widget into `root` (a node in `host`'s shadow root); `options` is
/// the element's attributes as JSON (see `lapak::embed::Options`). Called by `embed.js`.
#[wasm_bindgen]
pub fn embed(
    host: web_sys::HtmlElement,
    root: web_sys::HtmlElement,
    options: &str,
) -> Result<Widget, JsError> {
    let options = serde_json::from_str(options)?;
    Ok(Widget(lapak::embed::mount(host, root, options)))
}

/// A mounted widget, for the loader's element methods.
#[wasm_bindgen]
pub struct Widget(lapak::embed::Embedded);

#[wasm_bindgen]
impl Widget {
    /// Sound off (`true`) or on.
    pub fn mute(&self, muted: bool) {
        self.0.mute(muted);
    }

    /// The host page's cart, as JSON lines (host-cart mode).
    #[wasm_bindgen(js_name = syncCart)]
    pub fn sync_cart(&self, lines: &str) -> Result<(), JsError> {
        Ok(self.0.sync_cart(lines)?)
    }

    /// Unmounts the widget and closes its connection.
    pub fn unmount(self) {
        drop(self.0);
    }
}
