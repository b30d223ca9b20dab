//! Lapak's stream player, shared by the viewer and the studio's preview: HLS
//! (CMAF/fMP4) played from Rust over Media Source Extensions, Safari's own HLS
//! where it has it, hls.js for a provider's MPEG-TS stream, and plain MP4/WebM
//! files.
//! [`use_player`] (or [`attach`]) hands a `<video>` its source and reports a
//! [`PlayerState`] and the programme date-time of the frame on screen.

mod hls;
pub mod retired;

pub use hls::{attach, is_hls, use_player, PlayerHandle, PlayerState};
