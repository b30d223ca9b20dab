//! The shopper's locale: `?lang=` in the page URL wins (for sharing a link in
//! a given language), else the browser's preferred language.

use crate::store::{Lang, Locale};

/// The locale to use for this page.
pub fn detect() -> Locale {
    let window = web_sys::window();
    let from_query = window
        .as_ref()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("lang"));
    let tag = from_query
        .or_else(|| window.and_then(|w| w.navigator().language()))
        .unwrap_or_else(|| "en-US".into());
    Locale {
        lang: Lang::for_tag(&tag),
        tag,
    }
}
