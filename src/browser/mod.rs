//! Adapters for the browser APIs other than the socket, one per file, so views
//! and the store never touch `web_sys` directly.

pub mod captions;
pub mod clipboard;
pub mod clock;
pub mod device;
pub mod focus;
pub mod fullscreen;
pub mod host;
pub mod idle;
pub mod ids;
pub mod keys;
pub mod locale;
pub mod location;
pub mod motion;
pub mod replay;
pub mod scroll;
pub mod share;
pub mod storage;
pub mod stripe;
pub mod watch;

/// `Intl` formatting, a crate of its own that the studio shares.
pub use lapak_intl as intl;
/// The stream player, a crate of its own that the studio's preview shares.
pub use lapak_player as hls;
