//! One viewer connection: handshake, then commands in and events out.
//!
//! The socket is split: a send task drains one bounded channel; the receive
//! loop waits for whichever comes first of the viewer's next frame, a show
//! event, a session update or the idle deadline, and answers into that channel.
//! Whichever side ends first ends the connection.
//!
//! A socket speaks the encoding its subprotocol asked for
//! ([`lapak_protocol::encoding`]): JSON text frames without one, MessagePack
//! binary frames for `lapak.v1.bin`. JSON text frames are read on either; every
//! limit holds for both. The connection's logic takes any sink and stream of
//! frames ([`connection`]), so a unit test drives it through channels.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use bytes::Bytes;
use futures::{Sink, SinkExt, Stream, StreamExt};
use lapak_protocol::encoding::{self, Encoding};
use lapak_protocol::{
    CheckoutRequest, ClientMsg, RejectCode, Resume, ServerMsg, Session, Show, Welcome,
    MAX_FRAME_BYTES, MAX_KEY_LEN, PROTOCOL_VERSION,
};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

use crate::cart::LineChange;
use crate::hub::{self, Joined, Replay, SessionFrame};
use crate::limit::TokenBucket;
use crate::{cart, checkout, claim, community, db, gifting, now_ms, reject, taps, Stage};

/// Longest detail of a parse error sent back: serde's messages quote the
/// input (an unknown variant, say), which must not come back at length.
const MAX_ERROR_CHARS: usize = 160;
/// Frames waiting for a slow socket before the connection stops reading more.
const OUTBOX: usize = 64;
/// Close code for a frame over the size limit (RFC 6455 "message too big").
const TOO_BIG: u16 = 1009;
/// Close code for a frame of a kind the server does not take (binary, on a JSON socket).
const UNSUPPORTED: u16 = 1003;
/// Close code for a protocol the server does not speak.
const PROTOCOL_ERROR: u16 = 1002;
/// Close code for a connection that went quiet ("going away").
const GOING_AWAY: u16 = 1001;
/// How long the last frames may take to leave when a connection ends.
const FLUSH: Duration = Duration::from_secs(5);
/// How long a viewer back from another server sharing the show waits for
/// this one to reach the event it last saw.
const CATCH_UP: Duration = Duration::from_secs(1);

static CONNECTIONS: AtomicU64 = AtomicU64::new(1);

/// The subprotocols a viewer may ask for, each an [`Encoding`].
pub const PROTOCOLS: [&str; 2] = [encoding::BINARY_PROTOCOL, encoding::JSON_PROTOCOL];

/// What a connection knows once `Hello` is answered.
struct Joiner {
    session: db::SessionRow,
    connection: u64,
    show_events: broadcast::Receiver<hub::Frame>,
    session_events: broadcast::Receiver<SessionFrame>,
    /// Whether this connection has sent a `Heartbeat` (its first only starts the clock).
    watching: bool,
    /// How far its picture runs behind, as it last said (`Behind`): its deals
    /// run on [`lapak_protocol::deal_clock_ms`].
    behind_ms: u32,
}

/// What woke the receive loop.
enum Input {
    /// A frame from the viewer, or why none could be read; `None` when the stream ended.
    Frame(Option<Result<Message, String>>),
    Show(Result<hub::Frame, RecvError>),
    Session(Result<SessionFrame, RecvError>),
    Idle,
}

/// Serves one upgraded socket until either side closes, in the encoding its
/// subprotocol asked for.
pub async fn serve(socket: WebSocket, state: Arc<Stage>) {
    let protocol = socket.protocol().and_then(|p| p.to_str().ok());
    let encoding = Encoding::of_protocol(protocol);
    let (sink, stream) = socket.split();
    connection(sink, stream, encoding, state).await;
}

/// One viewer's connection over any socket: `sink` takes the frames to send,
/// `stream` gives the viewer's, until either side closes.
pub async fn connection<W, R, E>(mut sink: W, stream: R, encoding: Encoding, state: Arc<Stage>)
where
    W: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: std::fmt::Display,
{
    let (outbox, mut outgoing) = mpsc::channel::<Message>(OUTBOX);
    let mut send = std::pin::pin!(async move {
        // Frames already queued leave in one write: a burst of show events
        // costs a viewer one system call, not one per event.
        while let Some(first) = outgoing.recv().await {
            let (mut frame, mut closing) = (Some(first), false);
            while let Some(next) = frame {
                closing = matches!(next, Message::Close(_));
                if sink.feed(next).await.is_err() {
                    return;
                }
                frame = if closing {
                    None
                } else {
                    outgoing.try_recv().ok()
                };
            }
            if sink.flush().await.is_err() || closing {
                break;
            }
        }
        // Finishes the close handshake either way: ours, or the viewer's, whose
        // echo the library queued when it read their close frame.
        let _ = sink.close().await;
    });
    state.hub.viewers(1);
    tokio::select! {
        _ = &mut send => {}
        // The receiver dropped its outbox: let the last frames (a Reject, a Close) go out.
        _ = receive(stream, outbox, Wire(encoding), &state) => { let _ = tokio::time::timeout(FLUSH, send).await; }
    }
    state.hub.viewers(-1);
}

async fn next_input<R, E>(stream: &mut R, joined: Option<&mut Joiner>, idle: Instant) -> Input
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: std::fmt::Display,
{
    let idle = tokio::time::sleep_until(idle);
    let read = |frame: Option<Result<Message, E>>| {
        Input::Frame(frame.map(|read| read.map_err(|error| error.to_string())))
    };
    match joined {
        None => tokio::select! {
            frame = stream.next() => read(frame),
            _ = idle => Input::Idle,
        },
        Some(j) => tokio::select! {
            frame = stream.next() => read(frame),
            event = j.show_events.recv() => Input::Show(event),
            update = j.session_events.recv() => Input::Session(update),
            _ = idle => Input::Idle,
        },
    }
}

async fn receive<R, E>(mut stream: R, outbox: mpsc::Sender<Message>, wire: Wire, state: &Stage)
where
    R: Stream<Item = Result<Message, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut joined: Option<Joiner> = None;
    let mut limit = TokenBucket::new(state.limits.burst, state.limits.per_second);
    let mut idle = Instant::now() + state.limits.idle;
    loop {
        let input = next_input(&mut stream, joined.as_mut(), idle).await;
        // Every frame the viewer sends counts against its limit, whatever its kind.
        let within_limit = match &input {
            Input::Frame(Some(Ok(_))) => {
                idle = Instant::now() + state.limits.idle;
                limit.take(Instant::now())
            }
            _ => true,
        };
        let out: Vec<Message> = match input {
            Input::Idle => {
                let _ = outbox.send(close(GOING_AWAY, "idle")).await;
                break;
            }
            Input::Show(Ok(frame)) => vec![wire.frame(&frame)],
            Input::Session(Ok((from, frame))) => match &joined {
                Some(j) if from != j.connection => vec![wire.frame(&frame)],
                _ => Vec::new(),
            },
            // Too slow to keep up: a fresh snapshot instead of an unbounded buffer.
            Input::Show(Err(RecvError::Lagged(_))) | Input::Session(Err(RecvError::Lagged(_))) => {
                let Some(j) = joined.as_mut() else { break };
                match welcome_again(state, j).await {
                    Some(welcome) => vec![wire.msg(&welcome)],
                    None => break,
                }
            }
            Input::Show(Err(RecvError::Closed)) | Input::Session(Err(RecvError::Closed)) => break,
            Input::Frame(None) => break,
            Input::Frame(Some(Err(error))) => {
                // The library refuses a frame over the hard size limit before we see it.
                let too_big = error.contains("too long");
                tracing::debug!(%error, "a viewer's frame could not be read");
                let (code, reason) = if too_big {
                    (TOO_BIG, "frame exceeds 64 KiB")
                } else {
                    (PROTOCOL_ERROR, "unreadable frame")
                };
                let _ = outbox.send(close(code, reason)).await;
                break;
            }
            // The library queued the echo of the viewer's close frame; the send
            // task sends it when it closes the socket.
            Input::Frame(Some(Ok(Message::Close(_)))) => break,
            Input::Frame(Some(Ok(Message::Binary(_)))) if wire.0 == Encoding::Json => {
                let _ = outbox
                    .send(close(UNSUPPORTED, "frames are JSON text"))
                    .await;
                break;
            }
            Input::Frame(Some(Ok(frame))) => {
                // Ping and pong frames: the library answers pings; they still count above.
                let Some(incoming) = Incoming::of(&frame) else {
                    continue;
                };
                if incoming.len() > MAX_FRAME_BYTES {
                    let _ = outbox.send(close(TOO_BIG, "frame exceeds 64 KiB")).await;
                    break;
                }
                if !within_limit {
                    let id = incoming.id();
                    vec![wire.msg(&reject(&id, RejectCode::RateLimited, "slow down".into()))]
                } else {
                    match frame_reply(state, &mut joined, incoming, wire).await {
                        Reply::Frames(frames) => frames,
                        Reply::Close(frames) => {
                            for frame in frames {
                                let _ = outbox.send(frame).await;
                            }
                            break;
                        }
                    }
                }
            }
        };
        for frame in out {
            if outbox.send(frame).await.is_err() {
                return;
            }
        }
    }
    if let Some(j) = joined {
        drop(j.session_events);
        if state.sessions.prune(j.session.id) {
            state.community.forget(j.session.id);
        }
    }
}

/// Frames to send in answer to one frame, and whether the connection ends after them.
enum Reply {
    Frames(Vec<Message>),
    Close(Vec<Message>),
}

async fn frame_reply(
    state: &Stage,
    joined: &mut Option<Joiner>,
    incoming: Incoming<'_>,
    wire: Wire,
) -> Reply {
    let msg = match incoming.decode() {
        Ok(msg) => msg,
        Err(error) => {
            let message = error.chars().take(MAX_ERROR_CHARS).collect();
            let refusal = reject(&incoming.id(), RejectCode::BadRequest, message);
            return Reply::Frames(vec![wire.msg(&refusal)]);
        }
    };
    if !msg.keys_fit() {
        let message = format!("ids and keys are at most {MAX_KEY_LEN} bytes");
        let refusal = reject(&incoming.id(), RejectCode::BadRequest, message);
        return Reply::Frames(vec![wire.msg(&refusal)]);
    }
    let reply = match (classify(&msg), joined.as_mut()) {
        (Frame::Ping, _) => ServerMsg::Pong {
            server_time_ms: now_ms(),
        },
        (Frame::Behind(ms), Some(j)) => {
            // Bounded where it is used (deal_clock_ms); nothing to answer.
            j.behind_ms = ms;
            return Reply::Frames(Vec::new());
        }
        (Frame::Behind(_), None) => reject("", RejectCode::BadSequence, "send Hello first".into()),
        (Frame::Hello { protocol, .. }, None) if protocol != PROTOCOL_VERSION => {
            let message = format!("this server speaks protocol {PROTOCOL_VERSION}");
            let refusal = wire.msg(&reject("", RejectCode::UnsupportedProtocol, message));
            return Reply::Close(vec![refusal, close(PROTOCOL_ERROR, "unsupported protocol")]);
        }
        (
            Frame::Hello {
                show: Some(show), ..
            },
            None,
        ) if show != state.show.id => {
            let message = format!(
                "this socket is for show {}: open /ws?show={show}",
                state.show.id
            );
            let refusal = wire.msg(&reject("", RejectCode::BadRequest, message));
            return Reply::Close(vec![refusal, close(PROTOCOL_ERROR, "another show")]);
        }
        (Frame::Hello { token, resume, .. }, None) => {
            match hello(state, token, resume, wire).await {
                Ok((joiner, frames)) => {
                    *joined = Some(joiner);
                    return Reply::Frames(frames);
                }
                Err(error) => {
                    tracing::error!(%error, "hello failed");
                    let message = "the server could not open a session".into();
                    reject("", RejectCode::Internal, message)
                }
            }
        }
        (Frame::Hello { .. }, Some(_)) => {
            reject("", RejectCode::BadSequence, "already joined".into())
        }
        (Frame::Command(id, _), None) => {
            reject(id, RejectCode::BadSequence, "send Hello first".into())
        }
        (Frame::Command(id, route), Some(j)) => command(state, j, id, route).await,
    };
    Reply::Frames(vec![wire.msg(&reply)])
}

/// A command, turned from its frame into its domain's own type.
enum Route<'a> {
    Cart(cart::Command<'a>),
    /// With the wallet coupon to apply.
    Quote(Option<&'a str>),
    ClaimCoupon(&'a str),
    Checkout(&'a CheckoutRequest),
    TopUp(gifting::TopUp<'a>),
    SendGift(gifting::SendGift<'a>),
    Community(community::Command<'a>),
    TagTap(&'a str),
}

/// What a frame asks for.
enum Frame<'a> {
    Ping,
    /// How far the viewer's picture runs behind, in milliseconds.
    Behind(u32),
    Hello {
        protocol: u32,
        token: Option<&'a str>,
        /// The show the viewer means to join: the socket's own, if named at all.
        show: Option<&'a str>,
        resume: Option<Resume>,
    },
    /// A command, with its id, in its domain's own type.
    Command(&'a str, Route<'a>),
}

/// A frame, turned into what it asks for: commands into their domains' types.
fn classify(msg: &ClientMsg) -> Frame<'_> {
    use community::Command as Community;
    fn cart<'a>(
        id: &'a str,
        product_id: &'a str,
        variant_id: &'a str,
        change: LineChange,
    ) -> (&'a str, Route<'a>) {
        let command = cart::Command {
            id,
            product_id,
            variant_id,
            change,
        };
        (id, Route::Cart(command))
    }
    let (id, route): (&str, Route<'_>) = match msg {
        ClientMsg::Ping => return Frame::Ping,
        ClientMsg::Behind { ms } => return Frame::Behind(*ms),
        ClientMsg::Hello {
            protocol,
            token,
            show,
            resume,
        } => {
            return Frame::Hello {
                protocol: *protocol,
                token: token.as_deref(),
                show: show.as_deref(),
                resume: *resume,
            }
        }
        ClientMsg::AddToCart {
            id,
            product_id,
            variant_id,
            quantity,
        } => cart(id, product_id, variant_id, LineChange::Add(*quantity)),
        ClientMsg::SetQuantity {
            id,
            product_id,
            variant_id,
            quantity,
        } => cart(id, product_id, variant_id, LineChange::Set(*quantity)),
        ClientMsg::Quote { id, coupon } => (id, Route::Quote(coupon.as_deref())),
        ClientMsg::ClaimCoupon { id, code } => (id, Route::ClaimCoupon(code)),
        ClientMsg::Checkout { id, order } => (id, Route::Checkout(order)),
        ClientMsg::TopUp {
            id,
            pack_id,
            price,
            card,
        } => {
            let top_up = gifting::TopUp {
                id,
                pack_id,
                price,
                card,
            };
            (id, Route::TopUp(top_up))
        }
        ClientMsg::SendGift {
            id,
            gift_id,
            count,
            coins,
        } => {
            let gift = gifting::SendGift {
                id,
                gift_id,
                count: *count,
                coins: *coins,
            };
            (id, Route::SendGift(gift))
        }
        ClientMsg::Chat { id, text } => (id, Route::Community(Community::Chat { text })),
        ClientMsg::Like { id, count } => (id, Route::Community(Community::Like { count: *count })),
        ClientMsg::Heartbeat { id } => (id, Route::Community(Community::Heartbeat)),
        ClientMsg::Share { id } => (id, Route::Community(Community::Share)),
        ClientMsg::TagTap { id, product_id } => (id, Route::TagTap(product_id)),
        ClientMsg::JoinClub { id } => (id, Route::Community(Community::JoinClub)),
        ClientMsg::SetName { id, name } => (id, Route::Community(Community::SetName { name })),
    };
    Frame::Command(id, route)
}

/// Runs a joined viewer's command to its answer.
async fn command(state: &Stage, joiner: &mut Joiner, id: &str, route: Route<'_>) -> ServerMsg {
    if id.is_empty() {
        let message = format!("command id must be 1..={MAX_KEY_LEN} bytes");
        return reject(id, RejectCode::BadRequest, message);
    }
    let (session, connection) = (joiner.session.id, joiner.connection);
    let behind_ms = joiner.behind_ms;
    let outcome = match route {
        Route::Cart(cmd) => cart::execute(state, session, connection, behind_ms, cmd).await,
        Route::Quote(coupon) => checkout::quote(state, session, now_ms(), behind_ms, coupon)
            .await
            .map(|quote| ServerMsg::Quoted {
                id: id.to_owned(),
                quote,
            }),
        Route::Checkout(order) => {
            checkout::place(state, session, connection, behind_ms, id, order).await
        }
        Route::TopUp(cmd) => gifting::top_up(state, session, connection, cmd).await,
        Route::SendGift(cmd) => gifting::send_gift(state, session, connection, cmd).await,
        Route::Community(cmd) => {
            community::run(state, session, id, &mut joiner.watching, cmd).await
        }
        Route::TagTap(product_id) => taps::tap(state, session, id, product_id).await,
        Route::ClaimCoupon(code) => claim::claim(state, session, id, code).await,
    };
    outcome.unwrap_or_else(|error| {
        tracing::error!(%error, "command failed");
        let message = "the server failed; retry with the same id".into();
        reject(id, RejectCode::Internal, message)
    })
}

/// Opens or resumes the session: `Resumed` and the missed events when the
/// history still has them, else a `Welcome` snapshot.
async fn hello(
    state: &Stage,
    token: Option<&str>,
    resume: Option<Resume>,
    wire: Wire,
) -> Result<(Joiner, Vec<Message>), crate::AppError> {
    let row = db::session(&state.pool, &state.show.id, token, now_ms()).await?;
    let session = row.id;
    community::remember(state, session).await?;
    let session_events = state.sessions.subscribe(session);
    let connection = CONNECTIONS.fetch_add(1, Ordering::Relaxed);
    let resume = resume.filter(|r| r.epoch == state.hub.epoch());
    if let Some(r) = &resume {
        // Back from another server sharing the show, which may be a moment ahead of this one.
        state.hub.reached(r.seq, CATCH_UP).await;
    }
    let replay = resume.and_then(|r| Some((r.seq, state.hub.resume(r.seq)?)));
    let (frames, show_events) = match replay {
        Some((seq, Replay { missed, events })) => {
            let mut conn = state.pool.acquire().await?;
            let resumed = ServerMsg::Resumed {
                epoch: state.hub.epoch(),
                seq,
                session: Session {
                    token: row.token.clone(),
                },
                cart: cart::lines(&mut conn, &state.show.id, session, &state.running_deals())
                    .await?,
                orders: checkout::recent_orders(&mut conn, session).await?,
                wallet: gifting::wallet(&mut conn, session).await?,
                progress: Box::new(community::progress(state, &mut conn, session).await?),
            };
            let mut frames = vec![wire.msg(&resumed)];
            frames.extend(missed.iter().map(|frame| wire.frame(frame)));
            (frames, events)
        }
        None => {
            let (welcome, events) = snapshot(state, &row, state.hub.join()).await?;
            (vec![wire.msg(&welcome)], events)
        }
    };
    Ok((
        Joiner {
            session: row,
            connection,
            show_events,
            session_events,
            watching: false,
            behind_ms: 0,
        },
        frames,
    ))
}

/// A `Welcome` for an existing connection that fell behind; `None` if the server failed.
async fn welcome_again(state: &Stage, joiner: &mut Joiner) -> Option<ServerMsg> {
    match snapshot(state, &joiner.session, state.hub.join()).await {
        Ok((welcome, events)) => {
            joiner.show_events = events;
            joiner.session_events = joiner.session_events.resubscribe();
            Some(welcome)
        }
        Err(error) => {
            tracing::error!(%error, "snapshot failed");
            None
        }
    }
}

async fn snapshot(
    state: &Stage,
    session: &db::SessionRow,
    joined: Joined,
) -> Result<(ServerMsg, broadcast::Receiver<hub::Frame>), crate::AppError> {
    let mut conn = state.pool.acquire().await?;
    let progress = community::progress(state, &mut conn, session.id).await?;
    let stock = db::stock(&mut conn, &state.show.id).await?;
    let cart = cart::lines(
        &mut conn,
        &state.show.id,
        session.id,
        &state.running_deals(),
    )
    .await?;
    let orders = checkout::recent_orders(&mut conn, session.id).await?;
    let wallet = gifting::wallet(&mut conn, session.id).await?;
    let replay = state.replay();
    if replay.is_some() {
        let _write = state.writer.lock().await;
        let view = crate::replay::Counted::View;
        crate::replay::count(&mut conn, &state.show.id, session.id, view).await?;
    }
    let show = &state.show;
    let units = |p: &str, v: &str| {
        stock
            .iter()
            .find(|(sp, sv, _)| sp == p && sv == v)
            .map_or(0, |s| s.2)
    };
    let welcome = Welcome {
        protocol: PROTOCOL_VERSION,
        epoch: state.hub.epoch(),
        seq: joined.seq,
        server_time_ms: now_ms(),
        session: Session {
            token: session.token.clone(),
        },
        you: progress.you.clone(),
        wallet,
        progress,
        show: Show {
            id: show.id.clone(),
            title: show.title.clone(),
            stream_url: state.playback().url,
            poster_url: show.poster_url.clone(),
            captions: show.captions.clone(),
            currency: show.currency.clone(),
            host: show.host.clone(),
            products: show.catalogue(units),
            featured: joined.scene.featured,
            pins: joined.scene.base,
            tag_log: joined.scene.log,
            on_air: joined.on_air,
            starts_at_ms: state.scheduled_start(now_ms()),
            replay,
            after: show.after.clone(),
            deals: joined.deals,
            viewers: joined.viewers,
            gifts: show.gifting.gifts.clone(),
            coin_packs: show.coin_packs(),
            community: community::snapshot(state, joined.chat, joined.likes, joined.pinned_message),
            payments: state.payments.offered().clone(),
            leaderboard: joined.leaderboard,
        },
        cart,
        orders,
    };
    Ok((ServerMsg::Welcome(Box::new(welcome)), joined.events))
}

/// A viewer's frame as it came: JSON text, or MessagePack on a binary socket.
#[derive(Clone, Copy)]
enum Incoming<'a> {
    Json(&'a str),
    MessagePack(&'a [u8]),
}

impl Incoming<'_> {
    /// A text or binary frame's content (a binary frame's on a binary socket only, checked before).
    fn of(frame: &Message) -> Option<Incoming<'_>> {
        match frame {
            Message::Text(text) => Some(Incoming::Json(text)),
            Message::Binary(bytes) => Some(Incoming::MessagePack(bytes)),
            _ => None,
        }
    }

    fn len(self) -> usize {
        match self {
            Incoming::Json(text) => text.len(),
            Incoming::MessagePack(bytes) => bytes.len(),
        }
    }

    /// The command, or why the frame is not one.
    fn decode(self) -> Result<ClientMsg, String> {
        match self {
            Incoming::Json(text) => serde_json::from_str(text).map_err(|e| e.to_string()),
            Incoming::MessagePack(bytes) => {
                encoding::from_msgpack(bytes).map_err(|e| e.to_string())
            }
        }
    }

    /// The `"id"` of a frame that is a map but not a valid command, so its Reject can name it.
    fn id(self) -> String {
        let value = match self {
            Incoming::Json(text) => serde_json::from_str::<serde_json::Value>(text).ok(),
            Incoming::MessagePack(bytes) => encoding::from_msgpack(bytes).ok(),
        };
        value
            .and_then(|v| {
                v.get("id")?
                    .as_str()
                    .map(|s| s.chars().take(MAX_KEY_LEN).collect())
            })
            .unwrap_or_default()
    }
}

/// How this connection writes frames: in its socket's encoding.
#[derive(Clone, Copy)]
struct Wire(Encoding);

impl Wire {
    /// A message encoded for this socket alone.
    fn msg(self, msg: &ServerMsg) -> Message {
        match self.0 {
            Encoding::Json => Message::Text(
                serde_json::to_string(msg)
                    .expect("protocol types always serialize")
                    .into(),
            ),
            Encoding::MessagePack => Message::Binary(encoding::to_msgpack(msg).into()),
        }
    }

    /// A frame many sockets share: its bytes in this socket's encoding, not copied.
    fn frame(self, frame: &hub::Frame) -> Message {
        let bytes: Bytes = frame.encoded(self.0).clone();
        match self.0 {
            // why: axum checks text is UTF-8 when given bytes; the check reads
            // the frame (no copy, no encoding), and JSON sockets are the fewer.
            Encoding::Json => Message::Text(Utf8Bytes::try_from(bytes).expect("JSON is UTF-8")),
            Encoding::MessagePack => Message::Binary(bytes),
        }
    }
}

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::channel::mpsc as channel;
    use std::convert::Infallible;

    /// The test show on SQLite in `dir`, listening on 127.0.0.1:0 though
    /// nothing here connects to it.
    fn config(dir: &std::path::Path) -> crate::Config {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        crate::Config {
            host: [127, 0, 0, 1].into(),
            port: 0,
            database: None,
            nats: None,
            db: dir.join("unit.db"),
            show: vec![root.join("tests/fixtures/test-show.toml")],
            dist: root.join("tests/fixtures/no-dist"),
            studio_dist: root.join("tests/fixtures/no-dist"),
            public: root.join("../public"),
            idle_timeout_secs: 45,
            rate_burst: 40,
            rate_per_second: 10,
            speed: 1,
            flood: None,
            allowed_origins: Vec::new(),
            rtmp_port: 0,
            media_dir: Some(dir.join("media")),
            payment_window_secs: 900,
            payments: None,
        }
    }

    /// The next frame the connection sends.
    async fn sent(frames: &mut channel::UnboundedReceiver<Message>) -> Message {
        let next = tokio::time::timeout(Duration::from_secs(5), frames.next());
        next.await
            .expect("a frame within 5 s")
            .expect("the connection is open")
    }

    /// The next message the connection sends, skipping the viewer count and progress.
    async fn sent_msg(frames: &mut channel::UnboundedReceiver<Message>) -> ServerMsg {
        loop {
            let Message::Binary(bytes) = sent(frames).await else {
                panic!("a binary frame");
            };
            match ServerMsg::from_msgpack(&bytes).unwrap() {
                ServerMsg::ViewerCount { .. } | ServerMsg::Progress { .. } => continue,
                msg => return msg,
            }
        }
    }

    #[tokio::test]
    async fn a_connection_runs_over_any_sink_and_stream_of_frames() {
        let dir = tempfile::tempdir().unwrap();
        let running = crate::start(config(dir.path())).await.unwrap();
        let stage = running.state.stage(None).unwrap();
        let (viewer, frames_in) = channel::unbounded::<Result<Message, Infallible>>();
        let (frames_out, mut sent_frames) = channel::unbounded::<Message>();
        let served = tokio::spawn(connection(
            frames_out,
            frames_in,
            Encoding::MessagePack,
            stage,
        ));
        let send = |msg: Message| viewer.unbounded_send(Ok(msg)).unwrap();

        let hello = ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            token: None,
            show: None,
            resume: None,
        };
        send(Message::Binary(encoding::to_msgpack(&hello).into()));
        assert!(matches!(
            sent_msg(&mut sent_frames).await,
            ServerMsg::Welcome(_)
        ));
        send(Message::Text(
            serde_json::to_string(&ClientMsg::Ping).unwrap().into(),
        ));
        assert!(matches!(
            sent_msg(&mut sent_frames).await,
            ServerMsg::Pong { .. }
        ));
        send(Message::Binary(vec![0x80 | 1, 0xa1, b'x', 0xc1].into()));
        assert!(matches!(
            sent_msg(&mut sent_frames).await,
            ServerMsg::Reject {
                code: RejectCode::BadRequest,
                ..
            }
        ));
        send(Message::Binary(vec![0x80; MAX_FRAME_BYTES + 1].into()));
        loop {
            if let Message::Close(Some(frame)) = sent(&mut sent_frames).await {
                assert_eq!(frame.code, TOO_BIG);
                break;
            }
        }
        tokio::time::timeout(Duration::from_secs(5), served)
            .await
            .expect("the connection ends after its close frame")
            .unwrap();
        running.stop().await;
    }
}
