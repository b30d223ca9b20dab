//! The socket's encoding on the viewer's side. The viewer asks for MessagePack
//! binary frames first and JSON second (`lapak_protocol::encoding`); the server
//! picks. Frames from the server are read by their kind (text is JSON, binary
//! is MessagePack), and the viewer writes as the server writes: JSON, which
//! every socket reads, until the server's first binary frame.

use gloo_net::websocket::{futures::WebSocket, Message};
use lapak_protocol::encoding::{self, Encoding};
use lapak_protocol::{ClientMsg, ServerMsg};

/// Opens a socket to `url` asking for every encoding, binary first.
pub fn open(url: &str) -> Result<WebSocket, impl std::fmt::Display> {
    WebSocket::open_with_protocols(url, &Encoding::ALL.map(Encoding::protocol))
}

/// One connection's frames, both ways.
#[derive(Debug, Default)]
pub struct Codec {
    /// What frames this side writes.
    writes: Encoding,
}

impl Codec {
    /// A server frame, or `None` (logged) when it is not a valid message.
    pub fn decode(&mut self, frame: &Message) -> Option<ServerMsg> {
        let decoded = match frame {
            Message::Text(text) => ServerMsg::from_json(text).map_err(|e| e.to_string()),
            Message::Bytes(bytes) => {
                self.writes = Encoding::MessagePack;
                ServerMsg::from_msgpack(bytes).map_err(|e| e.to_string())
            }
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
    pub fn encode(&self, msg: &ClientMsg) -> Message {
        match self.writes {
            Encoding::Json => {
                Message::Text(serde_json::to_string(msg).expect("protocol types always serialize"))
            }
            Encoding::MessagePack => Message::Bytes(encoding::to_msgpack(msg)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_by_kind_and_written_as_the_server_writes() {
        let likes = ServerMsg::Likes { seq: 6, total: 31 };
        let mut codec = Codec::default();
        let text = Message::Text(serde_json::to_string(&likes).unwrap());
        assert_eq!(codec.decode(&text), Some(likes.clone()));
        assert!(matches!(codec.encode(&ClientMsg::Ping), Message::Text(_)));
        let binary = Message::Bytes(encoding::to_msgpack(&likes));
        assert_eq!(codec.decode(&binary), Some(likes));
        let Message::Bytes(ping) = codec.encode(&ClientMsg::Ping) else {
            panic!("binary after the server's first binary frame");
        };
        assert_eq!(
            encoding::from_msgpack::<ClientMsg>(&ping).unwrap(),
            ClientMsg::Ping
        );
        assert_eq!(codec.decode(&Message::Bytes(vec![0xc1])), None);
        assert_eq!(codec.decode(&Message::Text("[]".into())), None);
    }
}
