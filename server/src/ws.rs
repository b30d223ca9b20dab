//! One viewer connection: handshake, then commands in and events out.
//!
//! The socket is split: a send task drains one channel; the receive loop reads
//! the viewer's frames and forwards show and session broadcasts into that
//! channel. Whichever ends first ends the connection.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures::{SinkExt, StreamExt};
use lapak_protocol::{
    ClientMsg, RejectCode, ServerMsg, Session, Show, Welcome, MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use tokio::sync::{broadcast, mpsc};

use crate::hub::{Joined, SessionFrame};
use crate::{cart, db, now_ms, AppState};

/// Frames waiting for a slow socket before the connection stops reading more.
const OUTBOX: usize = 64;
/// Close code for a frame over the size limit (RFC 6455 "message too big").
const TOO_BIG: u16 = 1009;
/// Close code for a protocol the server does not speak.
const PROTOCOL_ERROR: u16 = 1002;
/// How long the last frames may take to leave when a connection ends.
const FLUSH: std::time::Duration = std::time::Duration::from_secs(5);

static CONNECTIONS: AtomicU64 = AtomicU64::new(1);

/// What a connection knows once `Hello` is answered.
struct Joiner {
    session: i64,
    connection: u64,
    show_events: broadcast::Receiver<Arc<str>>,
    session_events: broadcast::Receiver<SessionFrame>,
}

/// Serves one upgraded socket until either side closes.
pub async fn serve(socket: WebSocket, state: Arc<AppState>) {
    let (mut sink, stream) = socket.split();
    let (outbox, mut outgoing) = mpsc::channel::<Message>(OUTBOX);
    let mut send = std::pin::pin!(async move {
        while let Some(frame) = outgoing.recv().await {
            let closing = matches!(frame, Message::Close(_));
            if sink.send(frame).await.is_err() || closing {
                break;
            }
        }
    });
    state.hub.viewers(1);
    tokio::select! {
        _ = &mut send => {}
        // The receiver dropped its outbox: let the last frames (a Reject, a Close) go out.
        _ = receive(stream, outbox, &state) => { let _ = tokio::time::timeout(FLUSH, send).await; }
    }
    state.hub.viewers(-1);
}

async fn receive(
    mut stream: futures::stream::SplitStream<WebSocket>,
    outbox: mpsc::Sender<Message>,
    state: &AppState,
) {
    let mut joined: Option<Joiner> = None;
    loop {
        let frame = match joined.as_mut() {
            None => stream.next().await,
            Some(j) => tokio::select! {
                frame = stream.next() => frame,
                event = j.show_events.recv() => {
                    let text = match event {
                        Ok(text) => text,
                        // Too slow to keep up: a fresh snapshot instead of an unbounded buffer.
                        Err(broadcast::error::RecvError::Lagged(_)) => match welcome_again(state, j).await {
                            Some(text) => text,
                            None => return,
                        },
                        Err(broadcast::error::RecvError::Closed) => return,
                    };
                    if outbox.send(Message::Text(Utf8Bytes::from(&*text))).await.is_err() { return; }
                    continue;
                }
                update = j.session_events.recv() => {
                    match update {
                        Ok((from, text)) if from != j.connection => {
                            if outbox.send(Message::Text(Utf8Bytes::from(&*text))).await.is_err() { return; }
                        }
                        Ok(_) => {}
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            let Some(text) = welcome_again(state, j).await else { return };
                            if outbox.send(Message::Text(Utf8Bytes::from(&*text))).await.is_err() { return; }
                        }
                        Err(broadcast::error::RecvError::Closed) => return,
                    }
                    continue;
                }
            },
        };
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => {
                let reply = reject("", RejectCode::BadRequest, "frames are JSON text".into());
                if send(&outbox, &reply).await.is_err() {
                    return;
                }
                continue;
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
            Some(Ok(_)) => continue, // ping/pong are answered by the library
        };
        if text.len() > MAX_FRAME_BYTES {
            let close = CloseFrame {
                code: TOO_BIG,
                reason: "frame exceeds 64 KiB".into(),
            };
            let _ = outbox.send(Message::Close(Some(close))).await;
            break;
        }
        let reply = match (serde_json::from_str::<ClientMsg>(&text), joined.as_ref()) {
            (Err(error), _) => reject(&id_of(&text), RejectCode::BadRequest, error.to_string()),
            (Ok(ClientMsg::Hello { protocol, .. }), None) if protocol != PROTOCOL_VERSION => {
                let message = format!("this server speaks protocol {PROTOCOL_VERSION}");
                let _ = send(
                    &outbox,
                    &reject("", RejectCode::UnsupportedProtocol, message),
                )
                .await;
                let close = CloseFrame {
                    code: PROTOCOL_ERROR,
                    reason: "unsupported protocol".into(),
                };
                let _ = outbox.send(Message::Close(Some(close))).await;
                break;
            }
            (Ok(ClientMsg::Hello { token, .. }), None) => {
                match hello(state, token.as_deref()).await {
                    Ok((joiner, welcome)) => {
                        joined = Some(joiner);
                        welcome
                    }
                    Err(error) => {
                        tracing::error!(%error, "hello failed");
                        reject(
                            "",
                            RejectCode::Internal,
                            "the server could not open a session".into(),
                        )
                    }
                }
            }
            (Ok(ClientMsg::Hello { .. }), Some(_)) => {
                reject("", RejectCode::BadSequence, "already joined".into())
            }
            (Ok(cmd), None) => reject(
                cmd.id().unwrap_or_default(),
                RejectCode::BadSequence,
                "send Hello first".into(),
            ),
            (Ok(cmd), Some(j)) => command(state, j, &cmd).await,
        };
        if send(&outbox, &reply).await.is_err() {
            break;
        }
    }
    if let Some(j) = joined {
        drop(j.session_events);
        state.sessions.prune(j.session);
    }
}

async fn command(state: &AppState, joiner: &Joiner, cmd: &ClientMsg) -> ServerMsg {
    // One writer at a time: commands of one session from two tabs are serialized.
    let _write = state.writer.lock().await;
    match cart::execute(&state.pool, &state.show, joiner.session, cmd).await {
        Ok(outcome) => {
            if let (
                true,
                ServerMsg::Ack {
                    cart: Some(cart), ..
                },
            ) = (outcome.changed, &outcome.reply)
            {
                let changed = ServerMsg::CartChanged { cart: cart.clone() };
                state
                    .sessions
                    .send(joiner.session, joiner.connection, &changed);
            }
            outcome.reply
        }
        Err(error) => {
            tracing::error!(%error, "command failed");
            reject(
                cmd.id().unwrap_or_default(),
                RejectCode::Internal,
                "the server failed; retry with the same id".into(),
            )
        }
    }
}

async fn hello(
    state: &AppState,
    token: Option<&str>,
) -> Result<(Joiner, ServerMsg), crate::AppError> {
    let (session, token) = db::session(&state.pool, token, now_ms()).await?;
    let session_events = state.sessions.subscribe(session);
    let joined = state.hub.join();
    let connection = CONNECTIONS.fetch_add(1, Ordering::Relaxed);
    let (welcome, show_events) = snapshot(state, session, token, joined).await?;
    Ok((
        Joiner {
            session,
            connection,
            show_events,
            session_events,
        },
        welcome,
    ))
}

/// A `Welcome` for an existing connection that fell behind; `None` if the server failed.
async fn welcome_again(state: &AppState, joiner: &mut Joiner) -> Option<Arc<str>> {
    let token: Result<String, _> = sqlx::query_scalar("SELECT token FROM sessions WHERE id = ?")
        .bind(joiner.session)
        .fetch_one(&state.pool)
        .await;
    let result = match token {
        Ok(token) => snapshot(state, joiner.session, token, state.hub.join()).await,
        Err(error) => Err(error.into()),
    };
    match result {
        Ok((welcome, events)) => {
            joiner.show_events = events;
            joiner.session_events = joiner.session_events.resubscribe();
            Some(
                serde_json::to_string(&welcome)
                    .expect("protocol types always serialize")
                    .into(),
            )
        }
        Err(error) => {
            tracing::error!(%error, "snapshot failed");
            None
        }
    }
}

async fn snapshot(
    state: &AppState,
    session: i64,
    token: String,
    joined: Joined,
) -> Result<(ServerMsg, broadcast::Receiver<Arc<str>>), crate::AppError> {
    let stock = db::stock(&state.pool, &state.show.id).await?;
    let cart = cart::load(&state.pool, session).await?;
    let show = &state.show;
    let units = |p: &str, v: &str| {
        stock
            .iter()
            .find(|(sp, sv, _)| sp == p && sv == v)
            .map_or(0, |s| s.2)
    };
    let welcome = Welcome {
        protocol: PROTOCOL_VERSION,
        epoch: state.epoch,
        seq: joined.seq,
        server_time_ms: now_ms(),
        session: Session { token },
        show: Show {
            id: show.id.clone(),
            title: show.title.clone(),
            stream_url: show.stream_url.clone(),
            poster_url: show.poster_url.clone(),
            currency: show.currency.clone(),
            host: show.host.clone(),
            products: show.catalogue(units),
            featured: joined.scene.featured,
            pins: joined.scene.pins,
            viewers: joined.viewers,
        },
        cart,
    };
    Ok((ServerMsg::Welcome(Box::new(welcome)), joined.events))
}

/// The `"id"` of a frame that is JSON but not a valid command, so its Reject can name it.
fn id_of(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| {
            v.get("id")?
                .as_str()
                .map(|s| s.chars().take(cart::MAX_ID_LEN).collect())
        })
        .unwrap_or_default()
}

fn reject(id: &str, code: RejectCode, message: String) -> ServerMsg {
    ServerMsg::Reject {
        id: id.to_owned(),
        code,
        message,
    }
}

async fn send(outbox: &mpsc::Sender<Message>, msg: &ServerMsg) -> Result<(), ()> {
    let text = serde_json::to_string(msg).expect("protocol types always serialize");
    outbox
        .send(Message::Text(text.into()))
        .await
        .map_err(|_| ())
}
