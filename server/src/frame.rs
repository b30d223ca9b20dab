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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoding_is_made_once_and_shared_by_every_copy() {
        let frame = Frame::new(ServerMsg::Likes { seq: 1, total: 2 });
        let copy = frame.clone();
        for encoding in Encoding::ALL {
            let (a, b) = (frame.encoded(encoding), copy.encoded(encoding));
            assert_eq!(a.as_ptr(), b.as_ptr(), "{encoding:?} encoded twice");
        }
        assert_eq!(frame.json(), r#"{"type":"Likes","seq":1,"total":2}"#);
        let binary = frame.encoded(Encoding::MessagePack);
        assert_eq!(&ServerMsg::from_msgpack(binary).unwrap(), frame.msg());
    }
}
