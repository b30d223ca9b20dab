//! Reading the API again on a timer while a component is on screen: the
//! studio's panels poll instead of holding a socket of their own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gloo_timers::future::sleep;
use leptos::prelude::*;

/// Calls `tick` now and then every `period`, until the calling component is dropped.
pub fn every(period: Duration, tick: impl Fn() + 'static) {
    repeat(period, true, tick);
}

/// Refetches `resource` every `period` (it loaded once when made), until the
/// calling component is dropped.
pub fn refetch<T: 'static>(period: Duration, resource: LocalResource<T>) {
    repeat(period, false, move || resource.refetch());
}

fn repeat(period: Duration, now: bool, tick: impl Fn() + 'static) {
    let alive = Arc::new(AtomicBool::new(true));
    let running = alive.clone();
    on_cleanup(move || alive.store(false, Ordering::Relaxed));
    leptos::task::spawn_local(async move {
        if !now {
            sleep(period).await;
        }
        while running.load(Ordering::Relaxed) {
            tick();
            sleep(period).await;
        }
    });
}
