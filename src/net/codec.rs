//! The socket's encoding on the viewer's side. The viewer asks for MessagePack
//! binary frames first and JSON second (`lapak_protocol::encoding`); the server
//! picks. A frame from the server is read by its kind: text is JSON, binary is
//! MessagePack (rewritten as JSON and read by the same decoder, which keeps
//! MessagePack a few KiB of the viewer's wasm). The viewer writes JSON text,
//! which every socket reads: its commands are few and small.

use gloo_net::websocket::{futures::WebSocket, Message};
use lapak_protocol::encoding::Encoding;
use lapak_protocol::{ClientMsg, ServerMsg};

/// Opens a socket to `url` asking for every encoding, binary first.
pub fn open(url: &str) -> Result<WebSocket, impl std::fmt::Display> {
    WebSocket::open_with_protocols(url, &Encoding::ALL.map(Encoding::protocol))
}

/// A server frame, or `None` (logged) when it is not a valid message.
pub fn decode(frame: &Message) -> Option<ServerMsg> {
    let decoded = match frame {
        Message::Text(text) => ServerMsg::from_json(text),
        Message::Bytes(bytes) => ServerMsg::from_msgpack(bytes),
    };
    match decoded {
        Ok(msg) => Some(msg),
        Err(error) => {
            let head = match frame {
                Message::Text(text) => text.chars().take(80).collect(),
                Message::Bytes(bytes) => format!("{} bytes", bytes.len()),
            };
            log::warn!("dropped a malformed frame ({error}): {head}");
            None
        }
    }
}

/// `msg` as a frame for the server.
pub fn encode(msg: &ClientMsg) -> Message {
    Message::Text(serde_json::to_string(msg).expect("protocol types always serialize"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapak_protocol::encoding::to_msgpack;

    #[test]
    fn frames_are_read_by_their_kind() {
        let likes = ServerMsg::Likes { seq: 6, total: 31 };
        let text = Message::Text(serde_json::to_string(&likes).unwrap());
        assert_eq!(decode(&text), Some(likes.clone()));
        assert_eq!(decode(&Message::Bytes(to_msgpack(&likes))), Some(likes));
        assert_eq!(decode(&Message::Bytes(vec![0xc1])), None);
        assert_eq!(decode(&Message::Text("[]".into())), None);
        assert!(
            matches!(encode(&ClientMsg::Ping), Message::Text(text) if text == r#"{"type":"Ping"}"#)
        );
    }
}
