//! The WebSocket session: the only code that touches the socket.
//!
//! One task owns the socket. Every frame from the server is decoded and folded
//! into the store in arrival order; frames the reducer asks to send arrive on
//! the control channel. A heartbeat notices a dead socket the browser has not
//! reported. When the socket closes the task waits (exponential backoff with
//! jitter, cut short by "Retry now") and reconnects, resuming after the last
//! event applied; commands still pending in the store are sent again after the
//! handshake, with their original ids.

mod backoff;
mod codec;
mod inbox;

pub use backoff::Backoff;
use inbox::Inbox;

use futures::channel::mpsc::UnboundedReceiver;
use futures::{select, FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_timers::future::{IntervalStream, TimeoutFuture};
use lapak_protocol::{ClientMsg, ServerMsg};
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use std::ops::ControlFlow::{self, Break, Continue};
use std::rc::Rc;

use crate::store::Msg;

/// A heartbeat goes out this often while connected.
const PING_EVERY_MS: f64 = 10_000.0;
/// Silence from the server this long means the socket is dead, even if the browser has not said so.
const DEAD_AFTER_MS: f64 = 25_000.0;
/// How often the heartbeat clock is checked.
const TICK_MS: u32 = 1_000;

/// What the rest of the app asks of the socket task.
#[derive(Debug)]
pub enum Control {
    /// Send this frame (the reducer only asks while the session is live).
    Send(ClientMsg),
    /// Drop the connection, if any, and connect again now.
    Reconnect,
}

/// Where the session hands what it hears: messages for the store, in arrival
/// order, each batch to be folded in as one update. The caller wires it to the
/// store; the session knows nothing of who folds them in.
pub type Deliver = Rc<dyn Fn(Vec<Msg>)>;

/// Starts the session with the server at `url`, scoped to the current reactive
/// owner (the widget): when it goes, frames still waiting are dropped and the
/// session ends with its control channel. What it hears goes to `deliver`.
pub fn start(
    url: String,
    deliver: impl Fn(Vec<Msg>) + 'static,
    control: UnboundedReceiver<Control>,
) {
    let deliver: Deliver = Rc::new(deliver);
    let inbox = Inbox::new(deliver.clone());
    let closing = SendWrapper::new(inbox.clone());
    on_cleanup(move || closing.close());
    leptos::task::spawn_local(run(url, deliver, inbox, control));
}

/// Keeps a session with the server at `url` until the widget goes away.
async fn run(url: String, deliver: Deliver, inbox: Inbox, mut control: UnboundedReceiver<Control>) {
    let mut backoff = Backoff::default();
    // A widget gone while the socket was down does not connect again.
    while !inbox.is_closed() {
        match codec::open(&url) {
            Ok(socket) => {
                // Frames queued for a socket that is gone are stale: the store still
                // holds their commands as pending and resends them after the handshake.
                while control.try_recv().is_ok() {}
                let ended = session(socket, &deliver, &inbox, &mut control, &mut backoff).await;
                // What the socket delivered is applied before the store hears it closed.
                inbox.flush();
                if ended.is_break() {
                    return;
                }
            }
            Err(error) => log::warn!("cannot open {url}: {error}"),
        }
        if inbox.is_closed() {
            return;
        }
        let delay = backoff.next_delay_ms(js_sys::Math::random());
        deliver(vec![Msg::Closed { retry_in_ms: delay }]);
        let mut wait = TimeoutFuture::new(delay).fuse();
        loop {
            select! {
                _ = wait => break,
                request = control.next() => match request {
                    Some(Control::Reconnect) => break,
                    Some(Control::Send(_)) => continue,
                    None => return,
                },
            }
        }
    }
}

/// One connection, until it closes or goes silent. `Break` means the page is shutting down.
async fn session(
    socket: WebSocket,
    deliver: &Deliver,
    inbox: &Inbox,
    control: &mut UnboundedReceiver<Control>,
    backoff: &mut Backoff,
) -> ControlFlow<()> {
    let (mut sink, stream) = socket.split();
    let mut stream = stream.fuse();
    let mut ticks = IntervalStream::new(TICK_MS).fuse();
    let (mut last_heard, mut last_ping) = (js_sys::Date::now(), js_sys::Date::now());
    if inbox.is_closed() {
        return Break(());
    }
    deliver(vec![Msg::Opened]);
    loop {
        let outgoing = select! {
            frame = stream.next() => {
                last_heard = js_sys::Date::now();
                match frame {
                    Some(Ok(frame)) => {
                        if let Some(msg) = codec::decode(&frame) {
                            if matches!(msg, ServerMsg::Welcome(_) | ServerMsg::Resumed { .. }) {
                                backoff.reset();
                            }
                            if let Some(offset_ms) = clock_offset(&msg, last_ping, last_heard) {
                                inbox.push(Msg::Clock { offset_ms });
                            }
                            inbox.push(Msg::Server(msg));
                        }
                        continue;
                    }
                    Some(Err(error)) => {
                        log::info!("connection closed: {error}");
                        return Continue(());
                    }
                    None => return Continue(()),
                }
            },
            request = control.next() => match request {
                Some(Control::Send(msg)) => msg,
                Some(Control::Reconnect) => return Continue(()),
                None => return Break(()),
            },
            _ = ticks.next() => {
                let now = js_sys::Date::now();
                if now - last_heard > DEAD_AFTER_MS {
                    // Integer formatting: formatting a float would add kilobytes to the download.
                    log::info!("no word from the server for {} ms, reconnecting", DEAD_AFTER_MS as u32);
                    return Continue(());
                }
                if now - last_ping < PING_EVERY_MS {
                    continue;
                }
                last_ping = now;
                ClientMsg::Ping
            },
        };
        if let Err(error) = sink.send(codec::encode(&outgoing)).await {
            log::info!("send failed, reconnecting: {error}");
            return Continue(());
        }
    }
}

/// The server's clock minus ours, from a frame that carries the server's time:
/// a `Pong` was stamped about half a round trip before it arrived.
fn clock_offset(msg: &ServerMsg, pinged_at: f64, received_at: f64) -> Option<i64> {
    let (server_ms, in_flight) = match msg {
        ServerMsg::Welcome(welcome) => (welcome.server_time_ms, 0.0),
        ServerMsg::Pong { server_time_ms } => (*server_time_ms, (received_at - pinged_at) / 2.0),
        _ => return None,
    };
    Some(server_ms - (received_at - in_flight) as i64)
}
