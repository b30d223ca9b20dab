//! The widget's parts, one folder per feature. Views read the store and call
//! [`Actions`](crate::actions::Actions); they never touch the socket, storage or timers.

pub mod cart;
pub mod icons;
pub mod picker;
pub mod player;
pub mod price;
pub mod shelf;
pub mod status;
pub mod tags;

use lapak_protocol::ProductId;

/// Which sheet is open over the stream; purely visual, so it lives in the widget, not the store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Panel {
    /// Nothing open: just the stream.
    #[default]
    Closed,
    /// The list of featured products (on narrow screens; wide screens always show it).
    Shelf,
    /// The cart drawer.
    Cart,
    /// The variant picker for a product.
    Picker(ProductId),
}
