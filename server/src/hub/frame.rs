//! [`Frame`]: one server message as it goes to many sockets, encoded once per
//! encoding however many sockets it goes to.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use lapak_protocol::encoding::Encoding;
use lapak_protocol::{ServerMsg, MAX_FRAME_BYTES};

/// A message with its encodings, each made the first time a socket (or the
/// replay's log) asks for it and shared from then on: cloning is a reference
/// count, and every socket writes the same bytes without copying them.
#[derive(Clone, Debug)]
pub struct Frame(Arc<Encoded>);

#[derive(Debug)]
struct Encoded {
    msg: ServerMsg,
    json: OnceLock<Bytes>,
    msgpack: OnceLock<Bytes>,
}

impl Frame {
    /// A frame of `msg`, not encoded yet.
    pub fn new(msg: ServerMsg) -> Frame {
        Frame(Arc::new(Encoded {
            msg,
            json: OnceLock::new(),
            msgpack: OnceLock::new(),
        }))
    }

    /// The message.
    pub fn msg(&self) -> &ServerMsg {
        &self.0.msg
    }

    /// The message in `encoding` (JSON is UTF-8 text).
    pub fn encoded(&self, encoding: Encoding) -> &Bytes {
        let once = match encoding {
            Encoding::Json => &self.0.json,
            Encoding::MessagePack => &self.0.msgpack,
        };
        once.get_or_init(|| {
            let bytes = encoding.encode(&self.0.msg);
            debug_assert!(bytes.len() < MAX_FRAME_BYTES);
            Bytes::from(bytes)
        })
    }

    /// The message as JSON text.
    pub fn json(&self) -> &str {
        std::str::from_utf8(self.encoded(Encoding::Json)).expect("JSON is UTF-8")
    }
}
