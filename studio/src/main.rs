//! Lapak Studio: where a brand's team runs a show from a browser. It signs in
//! to the studio API (docs/api.md) and previews the stream with the viewer's
//! own player. First-party only: it is never embedded.

mod api;
mod app;
mod ask;
mod catalogue;
mod clipboard;
mod context;
mod copy;
mod dashboard;
mod events;
mod focus;
mod format;
mod last_show;
mod new_show;
mod poll;
mod schedule;
mod sign_in;
mod slug;
mod text;
mod tokens;
mod trouble;
mod workspace;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
