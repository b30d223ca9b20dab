//! The WebSocket session: the only code that touches the socket.
//!
//! One task owns the socket. Every frame from the server is decoded and folded
//! into the store in arrival order; frames the reducer asks to send arrive on
//! the outbox channel. When the socket closes the task waits (exponential
//! backoff with jitter) and reconnects; commands still pending in the store are
//! sent again after the next `Welcome`, with their original ids.

mod backoff;

pub use backoff::Backoff;

use futures::channel::mpsc::UnboundedReceiver;
use futures::future::{select, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message};
use gloo_timers::future::TimeoutFuture;
use lapak_protocol::{ClientMsg, ServerMsg};

use crate::actions::Actions;
use crate::store::Msg;

/// Keeps a session with the server at `url` until the page goes away.
pub async fn run(url: String, actions: Actions, mut outbox: UnboundedReceiver<ClientMsg>) {
    let mut backoff = Backoff::default();
    loop {
        match WebSocket::open(&url) {
            Ok(socket) => {
                // Frames queued for a socket that is gone are stale: the store still
                // holds their commands as pending and resends them after `Welcome`.
                while outbox.try_recv().is_ok() {}
                if session(socket, &actions, &mut outbox, &mut backoff)
                    .await
                    .is_break()
                {
                    return;
                }
            }
            Err(error) => log::warn!("cannot open {url}: {error}"),
        }
        let delay = backoff.next_delay_ms(js_sys::Math::random());
        actions.dispatch(Msg::Closed { retry_in_ms: delay });
        TimeoutFuture::new(delay).await;
    }
}

/// One connection, until it closes. `Break` means the page is shutting down.
async fn session(
    socket: WebSocket,
    actions: &Actions,
    outbox: &mut UnboundedReceiver<ClientMsg>,
    backoff: &mut Backoff,
) -> std::ops::ControlFlow<()> {
    use std::ops::ControlFlow::{Break, Continue};
    let (mut sink, mut stream) = socket.split();
    actions.dispatch(Msg::Opened);
    loop {
        match select(stream.next(), outbox.next()).await {
            Either::Left((Some(Ok(Message::Text(text))), _)) => match decode(&text) {
                Some(msg) => {
                    if matches!(msg, ServerMsg::Welcome(_)) {
                        backoff.reset();
                    }
                    actions.dispatch(Msg::Server(msg));
                }
                None => continue,
            },
            Either::Left((Some(Ok(Message::Bytes(_))), _)) => log::warn!("dropped a binary frame"),
            Either::Left((Some(Err(error)), _)) => {
                log::info!("connection closed: {error}");
                return Continue(());
            }
            Either::Left((None, _)) => return Continue(()),
            Either::Right((Some(msg), _)) => {
                let text = serde_json::to_string(&msg).expect("protocol types always serialize");
                if let Err(error) = sink.send(Message::Text(text)).await {
                    log::info!("send failed, reconnecting: {error}");
                    return Continue(());
                }
            }
            Either::Right((None, _)) => return Break(()),
        }
    }
}

/// A server frame, or `None` (logged) when it is not valid protocol JSON.
pub fn decode(text: &str) -> Option<ServerMsg> {
    match serde_json::from_str(text) {
        Ok(msg) => Some(msg),
        Err(error) => {
            let head: String = text.chars().take(80).collect();
            log::warn!("dropped a malformed frame ({error}): {head}");
            None
        }
    }
}
