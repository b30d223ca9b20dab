//! The show a person last opened in the studio, kept in this browser's local
//! storage under their brand and email, so that signing in again opens it
//! (the show they ended, for its results) rather than the next one.
// why: the browser's storage, not the server's: it is where this person left
// this screen, like a scroll position; it needs no table, route or session
// change, a forgotten choice costs only a click, and two people sharing a
// laptop each keep their own.

use lapak_protocol::api::session::Me;

fn key(me: &Me) -> String {
    format!("lapak-studio:last-show:{}:{}", me.brand, me.email)
}

fn storage() -> Option<web_sys::Storage> {
    // No storage (a private window that refuses it): the studio picks as if new.
    web_sys::window()?.local_storage().ok().flatten()
}

/// The show `me` last opened here, if any.
pub fn remembered(me: &Me) -> Option<String> {
    storage()?.get_item(&key(me)).ok().flatten()
}

/// Keeps `show` as the one `me` last opened.
pub fn remember(me: &Me, show: &str) {
    if let Some(storage) = storage() {
        // A full or refused storage only forgets the choice.
        let _ = storage.set_item(&key(me), show);
    }
}
