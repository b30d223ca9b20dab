//! Lapak's stream player, shared by the viewer and the studio's preview: HLS
//! (CMAF/fMP4) played from Rust over Media Source Extensions, hls.js or
//! Safari's own HLS where MSE cannot play it, and plain MP4/WebM files
//! ([`hls`]'s documentation says how).

mod hls;
pub mod retired;

pub use hls::{attach, is_hls, use_player, PlayerHandle, PlayerState};
