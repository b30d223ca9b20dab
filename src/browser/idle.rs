//! Work that can wait for a quiet moment (prefetching code the shopper may
//! need): run when the page is idle, or after a short delay where the browser
//! has no idle callbacks (Safari).
use std::time::Duration;

use leptos::prelude::set_timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The wait where `requestIdleCallback` is missing.
const FALLBACK_DELAY: Duration = Duration::from_secs(2);

/// Runs `work` once the page is idle.
pub fn when_idle(work: impl FnOnce() + 'static) {
    let work = std::rc::Rc::new(std::cell::Cell::new(Some(work)));
    let run = {
        let work = work.clone();
        move || {
            if let Some(work) = work.take() {
                work();
            }
        }
    };
    let callback = Closure::once_into_js(run.clone());
    let asked = web_sys::window()
        .map(|w| w.request_idle_callback(callback.unchecked_ref()).is_ok())
        .unwrap_or(false);
    if !asked {
        set_timeout(run, FALLBACK_DELAY);
    }
}

/// Runs `work` once the frame being drawn now has been painted: the next
/// animation frame comes after the current one reached the screen.
pub fn after_paint(work: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::request_animation_frame(work)
    });
}

/// Runs `work` after `delay`.
pub fn after(delay: Duration, work: impl FnOnce() + 'static) {
    set_timeout(work, delay);
}
