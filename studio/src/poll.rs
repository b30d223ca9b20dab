//! Doing something on a timer while a component is on screen: a panel's
//! clock, and looking whether the show's stream told a change (`events`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gloo_timers::future::sleep;
use leptos::prelude::*;

/// Calls `tick` now and then every `period`, until the calling component is dropped.
pub fn every(period: Duration, mut tick: impl FnMut() + 'static) {
    let alive = Arc::new(AtomicBool::new(true));
    let running = alive.clone();
    on_cleanup(move || alive.store(false, Ordering::Relaxed));
    leptos::task::spawn_local(async move {
        while running.load(Ordering::Relaxed) {
            tick();
            sleep(period).await;
        }
    });
}
