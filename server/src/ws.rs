//! One viewer connection: handshake, then commands in and events out.
//!
//! The socket is split: a send task drains one bounded channel; the receive
//! loop waits for whichever comes first of the viewer's next frame, a show
//! event, a session update or the idle deadline, and answers into that channel.
//! Whichever side ends first ends the connection.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures::stream::SplitStream;
use futures::{SinkExt, StreamExt};
use lapak_protocol::{
    CheckoutRequest, ClientMsg, RejectCode, Resume, ServerMsg, Session, Show, Welcome,
    MAX_FRAME_BYTES, MAX_KEY_LEN, PROTOCOL_VERSION,
};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

use crate::cart::LineChange;
use crate::hub::{Joined, Replay, SessionFrame};
use crate::limit::TokenBucket;
use crate::{cart, checkout, claim, community, db, gifting, now_ms, reject, taps, Stage};

/// Longest detail of a parse error sent back: serde's messages quote the
/// input (an unknown variant, say), which must not come back at length.
const MAX_ERROR_CHARS: usize = 160;
/// Frames waiting for a slow socket before the connection stops reading more.
const OUTBOX: usize = 64;
/// Close code for a frame over the size limit (RFC 6455 "message too big").
const TOO_BIG: u16 = 1009;
/// Close code for a frame of a kind the server does not take (binary).
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

/// What a connection knows once `Hello` is answered.
struct Joiner {
    session: db::SessionRow,
    connection: u64,
    show_events: broadcast::Receiver<Utf8Bytes>,
    session_events: broadcast::Receiver<SessionFrame>,
    /// Whether this connection has sent a `Heartbeat` (its first only starts the clock).
    watching: bool,
}

/// What woke the receive loop.
enum Input {
    Frame(Option<Result<Message, axum::Error>>),
    Show(Result<Utf8Bytes, RecvError>),
    Session(Result<SessionFrame, RecvError>),
    Idle,
}

/// Serves one upgraded socket until either side closes.
pub async fn serve(socket: WebSocket, state: Arc<Stage>) {
    let (mut sink, stream) = socket.split();
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
        _ = receive(stream, outbox, &state) => { let _ = tokio::time::timeout(FLUSH, send).await; }
    }
    state.hub.viewers(-1);
}

async fn next_input(
    stream: &mut SplitStream<WebSocket>,
    joined: Option<&mut Joiner>,
    idle: Instant,
) -> Input {
    let idle = tokio::time::sleep_until(idle);
    match joined {
        None => tokio::select! {
            frame = stream.next() => Input::Frame(frame),
            _ = idle => Input::Idle,
        },
        Some(j) => tokio::select! {
            frame = stream.next() => Input::Frame(frame),
            event = j.show_events.recv() => Input::Show(event),
            update = j.session_events.recv() => Input::Session(update),
            _ = idle => Input::Idle,
        },
    }
}

async fn receive(mut stream: SplitStream<WebSocket>, outbox: mpsc::Sender<Message>, state: &Stage) {
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
            Input::Show(Ok(text)) => vec![Message::Text(text)],
            Input::Session(Ok((from, text))) => match &joined {
                Some(j) if from != j.connection => vec![Message::Text(text)],
                _ => Vec::new(),
            },
            // Too slow to keep up: a fresh snapshot instead of an unbounded buffer.
            Input::Show(Err(RecvError::Lagged(_))) | Input::Session(Err(RecvError::Lagged(_))) => {
                let Some(j) = joined.as_mut() else { break };
                match welcome_again(state, j).await {
                    Some(text) => vec![Message::Text(text)],
                    None => break,
                }
            }
            Input::Show(Err(RecvError::Closed)) | Input::Session(Err(RecvError::Closed)) => break,
            Input::Frame(None) => break,
            Input::Frame(Some(Err(error))) => {
                // The library refuses a frame over the hard size limit before we see it.
                let too_big = error.to_string().contains("too long");
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
            Input::Frame(Some(Ok(Message::Binary(_)))) => {
                let _ = outbox
                    .send(close(UNSUPPORTED, "frames are JSON text"))
                    .await;
                break;
            }
            Input::Frame(Some(Ok(Message::Text(text)))) => {
                if text.len() > MAX_FRAME_BYTES {
                    let _ = outbox.send(close(TOO_BIG, "frame exceeds 64 KiB")).await;
                    break;
                }
                if !within_limit {
                    vec![json(&reject(
                        &id_of(&text),
                        RejectCode::RateLimited,
                        "slow down".into(),
                    ))]
                } else {
                    match frame_reply(state, &mut joined, &text).await {
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
            // Ping and pong frames: the library answers pings; they still count above.
            Input::Frame(Some(Ok(_))) => continue,
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

async fn frame_reply(state: &Stage, joined: &mut Option<Joiner>, text: &str) -> Reply {
    let msg = match serde_json::from_str::<ClientMsg>(text) {
        Ok(msg) => msg,
        Err(error) => {
            let message = error.to_string().chars().take(MAX_ERROR_CHARS).collect();
            let refusal = reject(&id_of(text), RejectCode::BadRequest, message);
            return Reply::Frames(vec![json(&refusal)]);
        }
    };
    if !msg.keys_fit() {
        let message = format!("ids and keys are at most {MAX_KEY_LEN} bytes");
        let refusal = reject(&id_of(text), RejectCode::BadRequest, message);
        return Reply::Frames(vec![json(&refusal)]);
    }
    let reply = match (classify(&msg), joined.as_mut()) {
        (Frame::Ping, _) => ServerMsg::Pong {
            server_time_ms: now_ms(),
        },
        (Frame::Hello { protocol, .. }, None) if protocol != PROTOCOL_VERSION => {
            let message = format!("this server speaks protocol {PROTOCOL_VERSION}");
            let refusal = json(&reject("", RejectCode::UnsupportedProtocol, message));
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
            let refusal = json(&reject("", RejectCode::BadRequest, message));
            return Reply::Close(vec![refusal, close(PROTOCOL_ERROR, "another show")]);
        }
        (Frame::Hello { token, resume, .. }, None) => match hello(state, token, resume).await {
            Ok((joiner, frames)) => {
                *joined = Some(joiner);
                return Reply::Frames(frames);
            }
            Err(error) => {
                tracing::error!(%error, "hello failed");
                let message = "the server could not open a session".into();
                reject("", RejectCode::Internal, message)
            }
        },
        (Frame::Hello { .. }, Some(_)) => {
            reject("", RejectCode::BadSequence, "already joined".into())
        }
        (Frame::Command(id, _), None) => {
            reject(id, RejectCode::BadSequence, "send Hello first".into())
        }
        (Frame::Command(id, route), Some(j)) => command(state, j, id, route).await,
    };
    Reply::Frames(vec![json(&reply)])
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
    let outcome = match route {
        Route::Cart(cmd) => cart::execute(state, session, connection, cmd).await,
        Route::Quote(coupon) => {
            checkout::quote(state, session, now_ms(), coupon)
                .await
                .map(|quote| ServerMsg::Quoted {
                    id: id.to_owned(),
                    quote,
                })
        }
        Route::Checkout(order) => checkout::place(state, session, connection, id, order).await,
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
            let mut frames = vec![json(&resumed)];
            frames.extend(missed.into_iter().map(Message::Text));
            (frames, events)
        }
        None => {
            let (welcome, events) = snapshot(state, &row, state.hub.join()).await?;
            (vec![json(&welcome)], events)
        }
    };
    Ok((
        Joiner {
            session: row,
            connection,
            show_events,
            session_events,
            watching: false,
        },
        frames,
    ))
}

/// A `Welcome` for an existing connection that fell behind; `None` if the server failed.
async fn welcome_again(state: &Stage, joiner: &mut Joiner) -> Option<Utf8Bytes> {
    match snapshot(state, &joiner.session, state.hub.join()).await {
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
    state: &Stage,
    session: &db::SessionRow,
    joined: Joined,
) -> Result<(ServerMsg, broadcast::Receiver<Utf8Bytes>), crate::AppError> {
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
            deals: joined.deals,
            viewers: joined.viewers,
            gifts: show.gifting.gifts.clone(),
            coin_packs: show.coin_packs(),
            community: community::snapshot(state, joined.chat, joined.likes, joined.pinned_message),
            leaderboard: joined.leaderboard,
        },
        cart,
        orders,
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
                .map(|s| s.chars().take(MAX_KEY_LEN).collect())
        })
        .unwrap_or_default()
}

fn json(msg: &ServerMsg) -> Message {
    Message::Text(
        serde_json::to_string(msg)
            .expect("protocol types always serialize")
            .into(),
    )
}

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    }))
}
