//! RTMP ingest: one listener for every show. An encoder publishes to
//! `rtmp://HOST:PORT/live/<stream key>`; the key says which show. A wrong key,
//! another app name or a show that already has an encoder gets the connection
//! closed before anything is written or any ffmpeg is started.

use std::sync::Arc;
use std::time::Duration;

use rml_rtmp::handshake::{Handshake, HandshakeProcessResult, PeerType};
use rml_rtmp::sessions::{
    ServerSession, ServerSessionConfig, ServerSessionEvent, ServerSessionResult,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::flv::Kind;
use super::{keys, Live, OnAir, Publication};

/// The RTMP application encoders publish to.
const APP: &str = "live";
/// An encoder silent this long is gone (a network that dropped without a FIN).
const IDLE: Duration = Duration::from_secs(20);

/// Why a connection ends before or instead of publishing.
#[derive(Debug, thiserror::Error)]
enum Closed {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("rtmp: {0}")]
    Rtmp(String),
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error("idle for {0:?}")]
    Idle(Duration),
}

/// Accepts encoders until `shutdown` changes; then closes every connection
/// (which kills their packagers) before returning.
pub async fn serve(live: Arc<Live>, listener: TcpListener, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, peer)) => {
                    let live = live.clone();
                    connections.spawn(async move {
                        if let Err(closed) = connection(live, socket).await {
                            tracing::info!(%peer, %closed, "encoder connection closed");
                        }
                    });
                }
                Err(error) => tracing::warn!(%error, "rtmp accept failed"),
            },
            // Finished connections are collected so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    connections.shutdown().await;
}

/// One encoder's connection, from handshake to close.
async fn connection(live: Arc<Live>, mut socket: TcpStream) -> Result<(), Closed> {
    socket.set_nodelay(true)?;
    let remaining = handshake(&mut socket).await?;
    let (mut session, initial) =
        ServerSession::new(ServerSessionConfig::new()).map_err(rtmp_error)?;
    let mut publication: Option<Publication> = None;
    let mut on_air: Option<watch::Receiver<OnAir>> = None;
    let mut results = initial;
    results.extend(session.handle_input(&remaining).map_err(rtmp_error)?);
    let mut buffer = vec![0u8; 64 * 1024];
    let outcome = loop {
        if let Err(closed) = act(&live, &mut session, &mut socket, results, &mut publication).await
        {
            break Err(closed);
        }
        if on_air.is_none() {
            on_air = publication.as_ref().map(|p| p.show().on_air());
        }
        let read = tokio::select! {
            read = tokio::time::timeout(IDLE, socket.read(&mut buffer)) => read,
            // The show ended while this encoder was on air.
            _ = ended(&mut on_air) => break Ok(()),
        };
        let n = match read {
            Err(_) => break Err(Closed::Idle(IDLE)),
            Ok(Err(error)) => break Err(error.into()),
            Ok(Ok(0)) => break Ok(()),
            Ok(Ok(n)) => n,
        };
        results = match session.handle_input(&buffer[..n]) {
            Ok(results) => results,
            Err(error) => break Err(rtmp_error(error)),
        };
    };
    if let Some(publication) = publication {
        publication.end().await;
    }
    outcome
}

/// Resolves when the published show ends; never without a publication.
async fn ended(on_air: &mut Option<watch::Receiver<OnAir>>) {
    match on_air {
        Some(receiver) => {
            let _ = receiver.wait_for(|state| *state == OnAir::Ended).await;
        }
        None => std::future::pending().await,
    }
}

/// The RTMP handshake; returns the bytes that came after it.
async fn handshake(socket: &mut TcpStream) -> Result<Vec<u8>, Closed> {
    let mut handshake = Handshake::new(PeerType::Server);
    let mut buffer = vec![0u8; 4096];
    loop {
        let n = tokio::time::timeout(IDLE, socket.read(&mut buffer))
            .await
            .map_err(|_| Closed::Idle(IDLE))??;
        if n == 0 {
            return Err(Closed::Refused("closed during the handshake"));
        }
        match handshake
            .process_bytes(&buffer[..n])
            .map_err(|e| Closed::Rtmp(format!("{e:?}")))?
        {
            HandshakeProcessResult::InProgress { response_bytes } => {
                socket.write_all(&response_bytes).await?;
            }
            HandshakeProcessResult::Completed {
                response_bytes,
                remaining_bytes,
            } => {
                socket.write_all(&response_bytes).await?;
                return Ok(remaining_bytes);
            }
        }
    }
}

/// Sends the session's packets and acts on its events, in order.
async fn act(
    live: &Arc<Live>,
    session: &mut ServerSession,
    socket: &mut TcpStream,
    results: Vec<ServerSessionResult>,
    publication: &mut Option<Publication>,
) -> Result<(), Closed> {
    let mut queue = std::collections::VecDeque::from(results);
    while let Some(result) = queue.pop_front() {
        match result {
            ServerSessionResult::OutboundResponse(packet) => {
                socket.write_all(&packet.bytes).await?
            }
            ServerSessionResult::RaisedEvent(event) => {
                let more = event_results(live, session, socket, event, publication).await?;
                // Answers to an event go out before anything queued after it.
                for result in more.into_iter().rev() {
                    queue.push_front(result);
                }
            }
            ServerSessionResult::UnhandleableMessageReceived(_) => {}
        }
    }
    Ok(())
}

async fn event_results(
    live: &Arc<Live>,
    session: &mut ServerSession,
    socket: &mut TcpStream,
    event: ServerSessionEvent,
    publication: &mut Option<Publication>,
) -> Result<Vec<ServerSessionResult>, Closed> {
    let arrived_ms = crate::clock::now_ms();
    match event {
        ServerSessionEvent::ConnectionRequested {
            request_id,
            app_name,
        } => {
            if app_name != APP {
                tracing::warn!(app = %app_name, "rtmp connect to an unknown app refused");
                return Err(Closed::Refused("unknown app"));
            }
            session.accept_request(request_id).map_err(rtmp_error)
        }
        ServerSessionEvent::PublishStreamRequested {
            request_id,
            app_name,
            stream_key,
            ..
        } => {
            if app_name != APP {
                tracing::warn!(app = %app_name, "publish to an unknown app refused");
                return Err(Closed::Refused("unknown app"));
            }
            if publication.is_some() {
                return Err(Closed::Refused("a second publish on one connection"));
            }
            let show = live.show_for_key(&stream_key).await.map_err(|error| {
                tracing::error!(%error, "cannot read stream keys");
                Closed::Refused("stream keys unavailable")
            })?;
            let Some(show) = show else {
                tracing::warn!(key = %keys::redacted(&stream_key), "publish with a wrong stream key refused");
                return Err(refuse(session, socket, request_id, "wrong stream key").await);
            };
            let Some(started) = Publication::begin(show.clone()) else {
                tracing::warn!(show = %show.id, "publish refused: the show already has an encoder, or has ended");
                return Err(refuse(session, socket, request_id, "show busy or ended").await);
            };
            tracing::info!(show = %show.id, "encoder publishing");
            *publication = Some(started);
            session.accept_request(request_id).map_err(rtmp_error)
        }
        ServerSessionEvent::VideoDataReceived {
            data, timestamp, ..
        } => {
            if let Some(publication) = publication {
                publication
                    .push(Kind::Video, timestamp.value, &data, arrived_ms)
                    .await;
            }
            Ok(Vec::new())
        }
        ServerSessionEvent::AudioDataReceived {
            data, timestamp, ..
        } => {
            if let Some(publication) = publication {
                publication
                    .push(Kind::Audio, timestamp.value, &data, arrived_ms)
                    .await;
            }
            Ok(Vec::new())
        }
        ServerSessionEvent::StreamMetadataChanged { metadata, .. } => {
            if let Some(publication) = publication {
                let resolution = metadata.video_width.zip(metadata.video_height);
                let frame_rate = metadata.video_frame_rate.map(f64::from);
                publication.describe(resolution, frame_rate);
            }
            Ok(Vec::new())
        }
        ServerSessionEvent::PublishStreamFinished { .. } => {
            if let Some(publication) = publication.take() {
                publication.end().await;
            }
            Ok(Vec::new())
        }
        _ => Ok(Vec::new()),
    }
}

/// Tells the encoder why its publish is refused (encoders show the status to the
/// host), then has the connection closed.
async fn refuse(
    session: &mut ServerSession,
    socket: &mut TcpStream,
    request_id: u32,
    reason: &'static str,
) -> Closed {
    if let Ok(results) = session.reject_request(request_id, "NetStream.Publish.BadName", reason) {
        for result in results {
            if let ServerSessionResult::OutboundResponse(packet) = result {
                let _ = socket.write_all(&packet.bytes).await;
            }
        }
    }
    Closed::Refused(reason)
}

fn rtmp_error(error: impl std::fmt::Debug) -> Closed {
    Closed::Rtmp(format!("{error:?}"))
}
