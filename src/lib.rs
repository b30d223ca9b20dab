//! Lapak's viewer: a live-shopping player, client-side rendered to WebAssembly.
//!
//! Data flows one way: socket → [`net`] decodes a frame → [`store::apply`] →
//! Leptos re-renders what changed. Shopper actions go through
//! [`actions::Actions`] into the same reducer, which returns the frames to send.

pub mod actions;
pub mod app;
pub mod browser;
pub mod embed;
pub mod features;
pub mod i18n;
pub mod net;
pub mod store;

/// Boots the app into the page body — unless a host page loaded the viewer
/// to embed it, in which case its loader mounts each widget ([`embed`]).
pub fn start() {
    console_error_panic_hook::set_once();
    let _ = console_log::init_with_level(log::Level::Info);
    if embed::requested() {
        return;
    }
    leptos::mount::mount_to_body(|| {
        use leptos::prelude::*;
        view! { <app::App boot=app::Boot::page()/> }
    });
}
