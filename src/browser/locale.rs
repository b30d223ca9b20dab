//! The shopper's locale: `?lang=` in the page URL wins (for sharing a link in
//! a given language), else the browser's preferred language.

use crate::store::{Lang, Locale};

/// The locale to use for this page.
pub fn detect() -> Locale {
    let from_query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("lang"));
    let tag = from_query.unwrap_or_else(lapak_intl::browser_language);
    Locale {
        lang: Lang::for_tag(&tag),
        tag,
    }
}
