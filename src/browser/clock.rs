//! Time for views: a ticking clock (deal countdowns) and today's month (card
//! expiry). The tick stops with the widget.
use gloo_timers::callback::Interval;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// How often the clock ticks: fine enough that a deal ends on every screen within a quarter second.
const TICK_MS: u32 = 250;

/// This device's clock in Unix milliseconds, updated every [`TICK_MS`].
pub fn ticking() -> ReadSignal<i64> {
    let (now, set_now) = signal(js_sys::Date::now() as i64);
    let interval = Interval::new(TICK_MS, move || set_now.set(js_sys::Date::now() as i64));
    let interval = SendWrapper::new(interval);
    on_cleanup(move || drop(interval.take()));
    now
}

/// This device's clock now, in Unix milliseconds (between ticks).
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Today's (year, month) on this device.
pub fn year_month() -> (u32, u32) {
    let today = js_sys::Date::new_0();
    (today.get_full_year(), today.get_month() + 1)
}
