//! Figures for BENCHMARKS.md ("Socket encoding: JSON and binary"): bytes per
//! event of a representative mix in each encoding, and the time to decode one,
//! natively, by the viewer's hand decoders and by serde's derived ones. Speed
//! is measured, never asserted:
//! `cargo test --release -p lapak-protocol --test encoding_figures -- --ignored --nocapture`.

use std::hint::black_box;
use std::time::Instant;

use lapak_protocol::encoding::{from_msgpack, to_msgpack};
use lapak_protocol::{ChatMessage, Deal, GiftStreak, Money, Pin, ServerMsg, Viewer};

fn viewer() -> Viewer {
    Viewer {
        id: 48_213,
        name: "sari.w".into(),
        club: Some(2),
        badge: Some("first-buy".into()),
    }
}

/// What a show sends most: a tag, a chat line, a gift, the likes, a deal.
fn mix() -> Vec<(&'static str, ServerMsg)> {
    vec![
        (
            "tag change (Pinned)",
            ServerMsg::Pinned {
                seq: 1_204,
                pin: Pin {
                    product_id: "batik-shirt".into(),
                    x: 0.62,
                    y: 0.41,
                    at: 1_764_748_804_000,
                },
            },
        ),
        (
            "chat line (Chat, one line)",
            ServerMsg::Chat {
                seq: 1_205,
                messages: vec![ChatMessage {
                    id: 9_917,
                    from: viewer(),
                    text: "Ada ukuran L yang indigo, kak?".into(),
                    event: None,
                }],
            },
        ),
        (
            "gift (Gifted)",
            ServerMsg::Gifted {
                seq: 1_206,
                streak: GiftStreak {
                    id: 311,
                    from: viewer(),
                    gift_id: "rose".into(),
                    count: 12,
                },
            },
        ),
        (
            "like count (Likes)",
            ServerMsg::Likes {
                seq: 1_207,
                total: 18_342,
            },
        ),
        (
            "deal (DealStarted)",
            ServerMsg::DealStarted {
                seq: 1_208,
                deal: Deal {
                    id: "tote@14000".into(),
                    product_id: "canvas-tote".into(),
                    price: Money {
                        minor: 1_400_000,
                        currency: "IDR".into(),
                    },
                    starts_at_ms: 1_764_748_800_000,
                    ends_at_ms: 1_764_748_920_000,
                    quantity: 50,
                    remaining: 50,
                    per_buyer: 2,
                },
            },
        ),
    ]
}

/// Nanoseconds per call of `decode` over every frame, after a warm-up.
fn ns_per_event<F>(frames: &[F], decode: impl Fn(&F) -> ServerMsg) -> f64 {
    const ROUNDS: usize = 50_000;
    for frame in frames {
        black_box(decode(frame));
    }
    let started = Instant::now();
    for _ in 0..ROUNDS {
        for frame in frames {
            black_box(decode(black_box(frame)));
        }
    }
    started.elapsed().as_nanos() as f64 / (ROUNDS * frames.len()) as f64
}

#[test]
#[ignore = "figures for BENCHMARKS.md, run by hand in release"]
fn socket_encoding_figures() {
    let mix = mix();
    println!("| event | JSON bytes | MessagePack bytes | MessagePack / JSON |");
    println!("|---|---|---|---|");
    let (mut json_total, mut binary_total) = (0, 0);
    let mut texts = Vec::new();
    let mut binaries = Vec::new();
    for (name, msg) in &mix {
        let text = serde_json::to_string(msg).unwrap();
        let binary = to_msgpack(msg);
        assert_eq!(ServerMsg::from_msgpack(&binary).unwrap(), *msg);
        let ratio = binary.len() as f64 / text.len() as f64;
        println!(
            "| {name} | {} | {} | {ratio:.2} |",
            text.len(),
            binary.len()
        );
        json_total += text.len();
        binary_total += binary.len();
        texts.push(text);
        binaries.push(binary);
    }
    let ratio = binary_total as f64 / json_total as f64;
    println!(
        "| mix, per event | {:.1} | {:.1} | {ratio:.2} |",
        json_total as f64 / 5.0,
        binary_total as f64 / 5.0
    );
    let figures = [
        (
            "JSON, hand (`ServerMsg::from_json`)",
            ns_per_event(&texts, |t| ServerMsg::from_json(t).unwrap()),
        ),
        (
            "JSON, derived (`serde_json::from_str`)",
            ns_per_event(&texts, |t| serde_json::from_str(t).unwrap()),
        ),
        (
            "MessagePack, hand (`ServerMsg::from_msgpack`)",
            ns_per_event(&binaries, |b| ServerMsg::from_msgpack(b).unwrap()),
        ),
        (
            "MessagePack, derived (`rmp_serde::from_slice`)",
            ns_per_event(&binaries, |b| from_msgpack(b).unwrap()),
        ),
    ];
    println!();
    println!("| decoder | ns per event (mix) |");
    println!("|---|---|");
    for (name, ns) in figures {
        println!("| {name} | {ns:.0} |");
    }
}
