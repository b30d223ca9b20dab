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

use rmp::Marker;
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

/// Deepest nesting of arrays and maps [`msgpack_to_json`] follows, as serde_json's limit.
const MAX_DEPTH: usize = 128;

/// One MessagePack value as JSON text, value for value: how the viewer reads a
/// binary frame with the JSON decoder it has anyway. Binary strings and
/// extensions have no JSON form and are errors, as are map keys that are not
/// strings, bytes after the value, and nesting deeper than [`MAX_DEPTH`].
// why: serde's MessagePack decoder (rmp-serde) builds a large reader for each
// message type, which made the viewer's wasm 204 KiB gzip larger; this one
// pass over the bytes costs a few KiB, and the viewer's JSON decoders read the rest.
pub fn msgpack_to_json(bytes: &[u8]) -> Result<String, &'static str> {
    let mut read = Reader(bytes);
    let mut json = Vec::with_capacity(bytes.len() * 5 / 4);
    value(&mut read, &mut json, 0)?;
    if !read.0.is_empty() {
        return Err("bytes after the MessagePack value");
    }
    String::from_utf8(json).map_err(|_| "invalid UTF-8 in a MessagePack string")
}

/// The MessagePack bytes not read yet.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.0.len() < n {
            return Err("truncated MessagePack");
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    /// A big-endian unsigned integer of `n` bytes.
    fn uint(&mut self, n: usize) -> Result<u64, &'static str> {
        Ok(self.take(n)?.iter().fold(0, |v, b| v << 8 | u64::from(*b)))
    }

    /// A length of `n` bytes.
    fn len(&mut self, n: usize) -> Result<usize, &'static str> {
        usize::try_from(self.uint(n)?).map_err(|_| "MessagePack length too large")
    }

    /// The length of the string that follows, or `None` for any other marker.
    fn str_len(&mut self, marker: Marker) -> Result<Option<usize>, &'static str> {
        Ok(Some(match marker {
            Marker::FixStr(n) => usize::from(n),
            Marker::Str8 => self.len(1)?,
            Marker::Str16 => self.len(2)?,
            Marker::Str32 => self.len(4)?,
            _ => return Ok(None),
        }))
    }

    fn str(&mut self, len: usize) -> Result<&'a str, &'static str> {
        std::str::from_utf8(self.take(len)?).map_err(|_| "invalid UTF-8 in a MessagePack string")
    }
}

/// Writes a scalar as JSON (serde_json's own writing of numbers and strings).
fn write<T: Serialize + ?Sized>(json: &mut Vec<u8>, scalar: &T) {
    serde_json::to_writer(json, scalar).expect("numbers and strings always serialize");
}

fn value(read: &mut Reader<'_>, json: &mut Vec<u8>, depth: usize) -> Result<(), &'static str> {
    if depth == MAX_DEPTH {
        return Err("MessagePack nested too deep");
    }
    let marker = Marker::from_u8(read.take(1)?[0]);
    let (len, map) = match marker {
        Marker::FixArray(n) => (usize::from(n), false),
        Marker::Array16 => (read.len(2)?, false),
        Marker::Array32 => (read.len(4)?, false),
        Marker::FixMap(n) => (usize::from(n), true),
        Marker::Map16 => (read.len(2)?, true),
        Marker::Map32 => (read.len(4)?, true),
        _ => return scalar(read, marker, json),
    };
    json.push(if map { b'{' } else { b'[' });
    for i in 0..len {
        if i > 0 {
            json.push(b',');
        }
        if map {
            let key = Marker::from_u8(read.take(1)?[0]);
            let len = read
                .str_len(key)?
                .ok_or("a MessagePack map key that is not a string")?;
            write(json, read.str(len)?);
            json.push(b':');
        }
        value(read, json, depth + 1)?;
    }
    json.push(if map { b'}' } else { b']' });
    Ok(())
}

/// A value that is neither an array nor a map.
fn scalar(read: &mut Reader<'_>, marker: Marker, json: &mut Vec<u8>) -> Result<(), &'static str> {
    if let Some(len) = read.str_len(marker)? {
        write(json, read.str(len)?);
        return Ok(());
    }
    match marker {
        Marker::Null => json.extend_from_slice(b"null"),
        Marker::True => json.extend_from_slice(b"true"),
        Marker::False => json.extend_from_slice(b"false"),
        Marker::FixPos(n) => write(json, &n),
        Marker::FixNeg(n) => write(json, &n),
        Marker::U8 => write(json, &read.uint(1)?),
        Marker::U16 => write(json, &read.uint(2)?),
        Marker::U32 => write(json, &read.uint(4)?),
        Marker::U64 => write(json, &read.uint(8)?),
        // Two's complement of the width, sign-extended.
        Marker::I8 => write(json, &(read.uint(1)? as u8 as i8)),
        Marker::I16 => write(json, &(read.uint(2)? as u16 as i16)),
        Marker::I32 => write(json, &(read.uint(4)? as u32 as i32)),
        Marker::I64 => write(json, &(read.uint(8)? as i64)),
        Marker::F32 => write(json, &f32::from_bits(read.uint(4)? as u32)),
        Marker::F64 => write(json, &f64::from_bits(read.uint(8)?)),
        _ => return Err("a MessagePack value with no JSON form (binary, extension)"),
    }
    Ok(())
}
