//! Hostile input over a real socket: arbitrary text and mangled commands. Every
//! frame gets exactly one answer, the connection stays usable, nothing panics,
//! and the cart only ever holds what the rules allow.
mod common;

use common::*;
use lapak_protocol::{ServerMsg, MAX_LINE_QUANTITY};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{json, Value};

/// Frames sent per run; reported by the test's output.
const CASES: usize = 2_000;

fn text_or_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("shirt")),
        Just(json!("m")),
        Just(json!("jar")),
        Just(json!("default")),
        ".{0,80}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        Just(Value::Null),
        Just(json!([1, 2])),
        Just(json!({"nested": true})),
    ]
}

fn quantity() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u32..=10).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(json!(u64::MAX)),
        Just(json!(-1)),
        Just(json!(1.5)),
        Just(json!("3")),
    ]
}

/// Frames shaped like commands, with every field possibly wrong.
fn command_like() -> impl Strategy<Value = String> {
    let kind = prop_oneof![
        Just("AddToCart"),
        Just("SetQuantity"),
        Just("Hello"),
        Just("Ping"),
        Just("Checkout"),
        Just(""),
    ];
    (kind, ".{0,70}", text_or_number(), text_or_number(), quantity(), any::<bool>()).prop_map(
        |(kind, id, product, variant, quantity, drop_field)| {
            let mut frame = json!({"type": kind, "id": id, "product_id": product, "variant_id": variant, "quantity": quantity});
            if drop_field {
                frame.as_object_mut().unwrap().remove("variant_id");
            }
            frame.to_string()
        },
    )
}

fn frame() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => command_like(),
        1 => any::<String>(),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

#[tokio::test]
async fn arbitrary_frames_each_get_one_answer_and_break_nothing() {
    let server = server_with(|c| {
        c.rate_burst = 100_000;
        c.rate_per_second = 100_000;
    })
    .await;
    let (mut socket, _) = viewer(&server, None).await;
    let db_bytes = || {
        let db = server.db();
        let wal = db.with_extension("db-wal");
        std::fs::metadata(&db).map_or(0, |m| m.len())
            + std::fs::metadata(wal).map_or(0, |m| m.len())
    };
    let before = db_bytes();
    let mut runner = TestRunner::new(ProptestConfig::default());
    let strategy = frame();
    let (mut answers, mut acks) = (0, 0);
    for _ in 0..CASES {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        send_text(&mut socket, &text).await;
        // The show's own events (the timeline's second pin) may come in between.
        let answer = loop {
            match recv(&mut socket).await {
                event if event.seq().is_some() => continue,
                answer => break answer,
            }
        };
        match answer {
            ServerMsg::Ack { .. } => (answers, acks) = (answers + 1, acks + 1),
            ServerMsg::Reject { .. } | ServerMsg::Pong { .. } => answers += 1,
            other => panic!("{text:?} → {other:?}"),
        }
    }
    assert_eq!(answers, CASES);
    // Only answers of commands that changed something are kept.
    let mut db = open_db(&server.db()).await;
    let stored = db_count(&mut db, "processed_commands").await;
    assert!(stored <= acks, "{stored} answers stored for {acks} Acks");
    let grown = db_bytes().saturating_sub(before);
    println!(
        "fuzz: {CASES} arbitrary frames, {CASES} answers, 0 panics; {acks} Acks, \
         {stored} answers stored, database grew {} KiB",
        grown / 1024
    );

    // Still usable, and the cart holds only what the rules allow.
    let cart = acked(&mut socket, &add("after-fuzz", "jar", "default", 1)).await;
    for line in &cart.lines {
        assert!((1..=MAX_LINE_QUANTITY).contains(&line.quantity), "{line:?}");
        assert!(
            ["shirt", "jar"].contains(&line.product_id.as_str()),
            "{line:?}"
        );
    }
    let jars = cart
        .lines
        .iter()
        .find(|l| l.product_id == "jar")
        .map_or(0, |l| l.quantity);
    assert!(jars <= 2, "never more than the stock of 2");
    server.running.stop().await;
}
