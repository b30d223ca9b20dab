//! The shopper's motion preference (`prefers-reduced-motion`), for the parts
//! that choose between an animation and a still alternative rather than just
//! stopping (CSS stops the rest).
use leptos::prelude::*;

/// Whether to show still alternatives instead of animations; a widget may be
/// given one in context (tests do), else the browser is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReducedMotion(pub bool);

/// The preference in context, or the browser's.
pub fn reduced_motion() -> bool {
    use_context::<ReducedMotion>().map_or_else(browser_prefers_reduced, |r| r.0)
}

fn browser_prefers_reduced() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}
