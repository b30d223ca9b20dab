//! The socket's two encodings of the same messages, chosen by WebSocket
//! subprotocol: JSON text frames (no subprotocol, or [`JSON_PROTOCOL`]: third
//! party clients, debugging, the docs' examples) and MessagePack binary frames
//! ([`BINARY_PROTOCOL`]: the viewer).
//!
//! why MessagePack: it is self-describing, like JSON, so the serde types read
//! it as they are — a message tagged by `"type"`, fields left out when empty,
//! `Unknown` for a type a viewer does not know yet, unknown fields ignored.
//! Formats that are not self-describing (postcard, bincode) cannot read a
//! message tagged by a field, and would need a second set of types without
//! the forward compatibility.

use serde::{Deserialize, Serialize};

/// The subprotocol of JSON text frames (also what a socket without one speaks).
pub const JSON_PROTOCOL: &str = "lapak.v1.json";
/// The subprotocol of MessagePack binary frames.
pub const BINARY_PROTOCOL: &str = "lapak.v1.bin";

/// How a socket's frames are encoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// JSON text frames.
    #[default]
    Json,
    /// MessagePack binary frames, structs as maps keyed by field name.
    MessagePack,
}

impl Encoding {
    /// Every encoding, the one a client prefers first.
    pub const ALL: [Encoding; 2] = [Encoding::MessagePack, Encoding::Json];

    /// The encoding of a negotiated subprotocol: JSON without one or for one
    /// this crate does not know.
    pub fn of_protocol(protocol: Option<&str>) -> Encoding {
        match protocol {
            Some(BINARY_PROTOCOL) => Encoding::MessagePack,
            _ => Encoding::Json,
        }
    }

    /// The subprotocol that asks for this encoding.
    pub fn protocol(self) -> &'static str {
        match self {
            Encoding::Json => JSON_PROTOCOL,
            Encoding::MessagePack => BINARY_PROTOCOL,
        }
    }

    /// `value` in this encoding: UTF-8 JSON or MessagePack.
    pub fn encode<T: Serialize>(self, value: &T) -> Vec<u8> {
        match self {
            Encoding::Json => serde_json::to_vec(value).expect("protocol types always serialize"),
            Encoding::MessagePack => to_msgpack(value),
        }
    }
}

/// `value` as MessagePack, structs as maps keyed by field name (what keeps
/// fields left out when empty, and unknown fields, readable).
pub fn to_msgpack<T: Serialize>(value: &T) -> Vec<u8> {
    rmp_serde::to_vec_named(value).expect("protocol types always serialize")
}

/// A value read from MessagePack with its derived `Deserialize` (the server's
/// reading of commands; the viewer reads server messages with
/// [`crate::ServerMsg::from_msgpack`]).
pub fn from_msgpack<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
) -> Result<T, rmp_serde::decode::Error> {
    rmp_serde::from_slice(bytes)
}

/// Whether `bytes` starts a MessagePack map, as every message is.
pub(crate) fn is_msgpack_map(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(0x80..=0x8f | 0xde | 0xdf))
}
