//! English.
use super::Catalogue;

pub static EN: Catalogue = Catalogue {
    live: "LIVE",
    watching: |n| format!("{n} watching"),
    video_label: |host| format!("Live video from {host}"),
    unmute: "Unmute",
    mute: "Mute",
    shelf: "Products",
    shelf_title: "Featured in this show",
    shelf_empty: "Products the host shows will appear here.",
    showing_now: "Showing now",
    cart: "Cart",
    cart_title: "Your cart",
    cart_empty: "Your cart is empty. Tap a product in the video to add it.",
    items: |n| {
        if n == 1 {
            "1 item".into()
        } else {
            format!("{n} items")
        }
    },
    subtotal: "Subtotal",
    subtotal_hint: "Shipping is calculated at checkout.",
    quantity: "Quantity",
    increase: "Increase quantity",
    decrease: "Decrease quantity",
    remove: "Remove",
    saving: "Saving…",
    add_to_cart: "Add to cart",
    add_named: |name| format!("Add {name} to cart"),
    choose_option: "Choose an option",
    sold_out: "Sold out",
    only_left: |n| format!("Only {n} left"),
    close: "Close",
    connecting: "Connecting…",
    connected: "Connected",
    reconnecting: |s| format!("Reconnecting in {s} s…"),
    out_of_stock: |p| format!("Sorry, not enough {p} left in stock."),
    quantity_limit: |p| format!("You've reached the limit for {p}."),
    unknown_product: "This product is no longer available.",
    unknown_variant: "That option is no longer available.",
    rate_limited: "You're going a little fast. Please try again in a moment.",
    failed: "Something went wrong. Please try again.",
    outbox_full:
        "Too many changes are waiting for the connection. Try again once you're back online.",
    back_live: "Back live",
    retry_now: "Retry now",
};
