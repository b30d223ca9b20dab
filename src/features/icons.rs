//! Inline SVG icons: no requests, styled by `currentColor`, hidden from screen
//! readers (the button around each carries the label).
use leptos::prelude::*;

/// Shopping bag.
#[component]
pub fn BagIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M6 7h12l1 13H5L6 7z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
            <path d="M9 9V6a3 3 0 0 1 6 0v3" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
        </svg>
    }
}

/// Cart.
#[component]
pub fn CartIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M3 4h2.5l2.2 10.5h10.6L20.5 7H7" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
            <circle cx="9.5" cy="19" r="1.6" fill="currentColor"/>
            <circle cx="17" cy="19" r="1.6" fill="currentColor"/>
        </svg>
    }
}

/// Four corners: outward to enter fullscreen, inward (`on`) to leave it.
#[component]
pub fn FullscreenIcon(#[prop(into)] on: Signal<bool>) -> impl IntoView {
    let path = move || {
        if on.get() {
            "M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5"
        } else {
            "M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"
        }
    };
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}

/// Speaker, crossed out when `muted`.
#[component]
pub fn SoundIcon(#[prop(into)] muted: Signal<bool>) -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor"/>
            <Show
                when=move || muted.get()
                fallback=|| view! { <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/> }
            >
                <path d="M16 9l5 6M21 9l-5 6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
            </Show>
        </svg>
    }
}

/// Eye (viewer count).
#[component]
pub fn EyeIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon lapak-icon-sm" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M2 12s3.6-6.5 10-6.5S22 12 22 12s-3.6 6.5-10 6.5S2 12 2 12z" fill="none" stroke="currentColor" stroke-width="2"/>
            <circle cx="12" cy="12" r="3" fill="currentColor"/>
        </svg>
    }
}

/// Close (×).
#[component]
pub fn CloseIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M6 6l12 12M18 6L6 18" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>
        </svg>
    }
}

/// Trash can (remove a line).
#[component]
pub fn TrashIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon lapak-icon-sm" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
        </svg>
    }
}

/// Receipt (orders).
#[component]
pub fn ReceiptIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M6 3h12v18l-3-2-3 2-3-2-3 2V3z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
            <path d="M9 8h6M9 12h6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
        </svg>
    }
}

/// Check mark in a circle (confirmed).
#[component]
pub fn CheckIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon lapak-icon-xl" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="10" fill="currentColor"/>
            <path d="M7.5 12.5l3 3 6-6.5" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}

/// Padlock (payment).
#[component]
pub fn LockIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon lapak-icon-sm" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <rect x="5" y="10" width="14" height="11" rx="2" fill="none" stroke="currentColor" stroke-width="2"/>
            <path d="M8 10V7a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" stroke-width="2"/>
        </svg>
    }
}

/// Gift box.
#[component]
pub fn GiftIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <rect x="3.5" y="9" width="17" height="4" rx="1" fill="none" stroke="currentColor" stroke-width="2"/>
            <path d="M5 13v7h14v-7M12 9v11" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>
            <path d="M12 9c-1-3.5-5.5-4.5-5.5-1.8C6.5 8.6 9 9 12 9zm0 0c1-3.5 5.5-4.5 5.5-1.8 0 1.4-2.5 1.8-5.5 1.8z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/>
        </svg>
    }
}

/// A gold coin (the gift currency).
#[component]
pub fn CoinIcon() -> impl IntoView {
    view! {
        <svg class="lapak-coin" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
            <circle cx="10" cy="10" r="9" fill="#f7b500"/>
            <circle cx="10" cy="10" r="6.4" fill="none" stroke="#fff3c4" stroke-width="1.4"/>
            <path d="M10 6.2l1.1 2.4 2.6.3-1.9 1.8.5 2.6L10 12l-2.3 1.3.5-2.6-1.9-1.8 2.6-.3z" fill="#fff8dc"/>
        </svg>
    }
}

/// Back arrow.
#[component]
pub fn BackIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}

/// Heart (likes, the Fan Club).
#[component]
pub fn HeartIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M12 20.5S3 15 3 8.8A4.8 4.8 0 0 1 12 6.3a4.8 4.8 0 0 1 9 2.5C21 15 12 20.5 12 20.5z" fill="currentColor"/>
        </svg>
    }
}

/// Target (missions).
#[component]
pub fn TargetIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="8.5" fill="none" stroke="currentColor" stroke-width="2"/>
            <circle cx="12" cy="12" r="4.5" fill="none" stroke="currentColor" stroke-width="2"/>
            <circle cx="12" cy="12" r="1.6" fill="currentColor"/>
        </svg>
    }
}

/// Push pin (the host's pinned message).
#[component]
pub fn PinIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon lapak-icon-sm" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M14.5 3l6.5 6.5-2.3.8-3.5 3.5.3 4.2-1.6 1.6-4-4L5 20.5 3.5 19l4.9-4.9-4-4L6 8.5l4.2.3 3.5-3.5z" fill="currentColor"/>
        </svg>
    }
}

/// Paper plane (send).
#[component]
pub fn SendIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M4 12l16-8-6 16-2.5-6.5L4 12z" fill="currentColor"/>
        </svg>
    }
}

/// Arrow down (jump to the newest).
#[component]
pub fn DownIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon lapak-icon-sm" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M12 5v14M6 13l6 6 6-6" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}

/// Three linked dots (share).
#[component]
pub fn ShareIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <circle cx="18" cy="5.5" r="2.5" fill="currentColor"/>
            <circle cx="6" cy="12" r="2.5" fill="currentColor"/>
            <circle cx="18" cy="18.5" r="2.5" fill="currentColor"/>
            <path d="M8.2 10.8l7.6-4.1M8.2 13.2l7.6 4.1" fill="none" stroke="currentColor" stroke-width="2"/>
        </svg>
    }
}

/// Captions ("CC" in a screen).
#[component]
pub fn CaptionsIcon() -> impl IntoView {
    view! {
        <svg class="lapak-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <rect x="3" y="5" width="18" height="14" rx="2.5" fill="none" stroke="currentColor" stroke-width="2"/>
            <path d="M10.5 10.2a2.3 2.3 0 1 0 0 3.6M16.5 10.2a2.3 2.3 0 1 0 0 3.6" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>
        </svg>
    }
}
