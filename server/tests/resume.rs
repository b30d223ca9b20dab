//! Reconnecting viewers: replay from the bounded history, or a fresh snapshot;
//! heartbeats, rate limits and idle connections.
mod common;

use std::time::Duration;

use common::*;
use lapak_protocol::{ClientMsg, RejectCode, Resume, ServerMsg, Welcome, PROTOCOL_VERSION};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

const QUIET: Duration = Duration::from_millis(400);

fn resume_hello(token: &str, epoch: u64, seq: u64) -> ClientMsg {
    ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: Some(token.into()),
        show: None,
        resume: Some(Resume { epoch, seq }),
    }
}

/// A new connection that resumes `welcome`'s session after `seq`; returns the first answer.
async fn resume_after(server: &TestServer, welcome: &Welcome, seq: u64) -> (Socket, ServerMsg) {
    let mut socket = connect(&server.url()).await;
    send(
        &mut socket,
        &resume_hello(&welcome.session.token, welcome.epoch, seq),
    )
    .await;
    let answer = recv(&mut socket).await;
    (socket, answer)
}

/// Another viewer sends three different gifts; returns once the show has
/// published them: three `Gifted` and a `Leaderboard`, at least four show events.
async fn gifts(server: &TestServer) {
    let (mut other, welcome) = viewer(server, None).await;
    top_up(&mut other, "coins", &pack(&welcome, "coins-100")).await;
    for (gift, coins) in [("rose", 1), ("coffee", 10), ("fan", 50)] {
        command(&mut other, &gift_msg(gift, gift, 1, coins)).await;
    }
    wait_for(&mut other, |msg| match msg {
        ServerMsg::Leaderboard { top, .. } if top.first().is_some_and(|g| g.coins == 61) => {
            Some(())
        }
        _ => None,
    })
    .await;
    other.close(None).await.unwrap();
    while other.next_frame_or_end().await {}
}

trait Drain {
    async fn next_frame_or_end(&mut self) -> bool;
}

impl Drain for Socket {
    async fn next_frame_or_end(&mut self) -> bool {
        use futures::StreamExt;
        matches!(
            tokio::time::timeout(Duration::from_secs(5), self.next()).await,
            Ok(Some(Ok(_)))
        )
    }
}

fn seqs(msgs: &[ServerMsg]) -> Vec<u64> {
    msgs.iter().filter_map(ServerMsg::seq).collect()
}

#[tokio::test]
async fn a_short_gap_is_replayed_exactly_once_in_order() {
    let server = server().await;
    let (mut socket, welcome) = viewer(&server, None).await;
    let (epoch, last) = (welcome.epoch, welcome.seq);
    socket.close(None).await.unwrap();
    while socket.next_frame_or_end().await {}
    gifts(&server).await;

    let mut socket = connect(&server.url()).await;
    send(
        &mut socket,
        &resume_hello(&welcome.session.token, epoch, last),
    )
    .await;
    let mut msgs = drain(&mut socket, QUIET).await;
    // A ViewerCount may be published just before its Hello is answered.
    let resumed_at = msgs
        .iter()
        .position(|m| matches!(m, ServerMsg::Resumed { .. }))
        .expect("Resumed");
    match &msgs[resumed_at] {
        ServerMsg::Resumed {
            epoch: e,
            seq,
            cart,
            ..
        } => {
            assert_eq!((*e, *seq), (epoch, last));
            assert!(cart.lines.is_empty());
        }
        _ => unreachable!(),
    }
    let missed = msgs.split_off(resumed_at + 1);
    let replayed = seqs(&missed);
    let expected: Vec<u64> = (last + 1..=last + replayed.len() as u64).collect();
    assert_eq!(replayed, expected, "every missed event once, in order");
    // Three Gifted and a Leaderboard at least, and viewer counts in between.
    assert!(replayed.len() >= 4, "{replayed:?}");
    let gifted = missed
        .iter()
        .filter(|m| matches!(m, ServerMsg::Gifted { .. }))
        .count();
    assert_eq!(gifted, 3, "{missed:?}");
    server.running.stop().await;
}

#[tokio::test]
async fn a_gap_beyond_the_history_gets_a_fresh_snapshot() {
    // The props show's 600 ms loop at 100× speed: about 130 show events per tick.
    let server = server_with(|c| {
        c.show = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/props-show.toml")];
        c.speed = 100;
    })
    .await;
    let (socket, welcome) = viewer(&server, None).await;
    drop(socket);
    tokio::time::sleep(Duration::from_millis(1_500)).await; // far more than the 512 kept

    let (_socket, answer) = resume_after(&server, &welcome, welcome.seq).await;
    match answer {
        ServerMsg::Welcome(fresh) => {
            assert!(fresh.seq > welcome.seq + 512);
            assert_eq!(fresh.session.token, welcome.session.token, "same session");
        }
        other => panic!("expected a Welcome, got {other:?}"),
    }
    server.running.stop().await;
}

#[tokio::test]
async fn another_epoch_gets_a_fresh_snapshot() {
    let server = server().await;
    let (mut socket, welcome) = viewer(&server, None).await;
    acked(&mut socket, &add("e1", "shirt", "m", 1)).await;
    drop(socket);
    // A restart loses the in-memory history: the new process has a new epoch.
    let server = restart(server).await;
    let (_socket, answer) = resume_after(&server, &welcome, welcome.seq).await;
    match answer {
        ServerMsg::Welcome(fresh) => {
            assert_ne!(fresh.epoch, welcome.epoch);
            assert_eq!(quantities(&fresh.cart), [("shirt".into(), "m".into(), 1)]);
        }
        other => panic!("expected a Welcome, got {other:?}"),
    }
    server.running.stop().await;
}

#[tokio::test]
async fn a_seq_from_the_future_is_not_trusted() {
    let server = server().await;
    let (socket, welcome) = viewer(&server, None).await;
    drop(socket);
    let (_socket, answer) = resume_after(&server, &welcome, welcome.seq + 1_000).await;
    assert!(matches!(answer, ServerMsg::Welcome(_)));
    server.running.stop().await;
}

#[tokio::test]
async fn ping_gets_pong() {
    let server = server().await;
    let mut socket = connect(&server.url()).await;
    send(&mut socket, &ClientMsg::Ping).await;
    assert!(
        matches!(recv(&mut socket).await, ServerMsg::Pong { server_time_ms } if server_time_ms > 0)
    );
    server.running.stop().await;
}

#[tokio::test]
async fn a_command_flood_is_rate_limited_and_refused_commands_write_nothing() {
    let server = server().await;
    let (mut socket, _) = viewer(&server, None).await;
    for i in 0..80 {
        send(&mut socket, &add(&format!("flood-{i}"), "shirt", "m", 1)).await;
    }
    let mut acked = 0;
    let mut limited = 0;
    while acked + limited < 80 {
        match recv(&mut socket).await {
            ServerMsg::Ack { .. } => acked += 1,
            ServerMsg::Reject {
                code: RejectCode::RateLimited,
                ..
            } => limited += 1,
            // Past the per-order limit of 5: refused, but not by the rate limit.
            ServerMsg::Reject {
                code: RejectCode::QuantityLimit,
                ..
            } => acked += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(limited > 0, "a flood of 80 frames exceeds the burst of 40");
    assert!(limited < 80);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let cart = acked_cart(&mut socket).await;
    assert_eq!(quantities(&cart), [("shirt".into(), "m".into(), 5)]);
    server.running.stop().await;
}

/// The cart, read with a no-op command once the rate limit has recovered.
async fn acked_cart(socket: &mut Socket) -> lapak_protocol::Cart {
    let set = ClientMsg::SetQuantity {
        id: "read".into(),
        product_id: "shirt".into(),
        variant_id: "m".into(),
        quantity: 5,
    };
    acked(socket, &set).await
}

#[tokio::test]
async fn a_silent_connection_is_closed() {
    let server = server_with(|c| c.idle_timeout_secs = 1).await;
    let (mut socket, _) = viewer(&server, None).await;
    loop {
        match next_frame(&mut socket).await {
            Message::Close(Some(frame)) => {
                assert_eq!(frame.code, CloseCode::Away);
                break;
            }
            Message::Text(_) => continue,
            other => panic!("{other:?}"),
        }
    }
    server.running.stop().await;
}
