//! Benchmark floods (`--flood`): a synthetic mix of show events streamed
//! through the hub as if thousands of viewers were chatting, liking and
//! gifting while the host moves tags and stock changes. Chat lines, likes and
//! gift taps are gathered by the hub's tick like real ones; stock changes and
//! pins are published one by one. Not for production: the stock it announces
//! is made up.
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use lapak_protocol::Viewer;

use crate::clock::now_ms;
use crate::show::{Action, Cue};
use crate::stage::Stage;
use crate::streaks::Tap;

/// How often the flood emits what came due.
const STEP: Duration = Duration::from_millis(10);
/// Distinct made-up viewers.
const CROWD: u64 = 500;
/// Ids above any real viewer's, streak or chat line.
const FIRST_ID: u64 = 1 << 40;
const LINES: [&str; 6] = [
    "Is the indigo one true to size?",
    "Kak, ready ukuran L?",
    "Love the colours 😍",
    "How long is shipping to Surabaya?",
    "Bagus banget motifnya!",
    "<b>Not bold</b> & not a tag",
];

/// Events per second of each kind.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Flood {
    chat: f64,
    likes: f64,
    gifts: f64,
    stock: f64,
    pins: f64,
}

impl FromStr for Flood {
    type Err = String;

    /// `chat=400,likes=400,gifts=100,stock=50,pins=50` (kinds left out are 0).
    fn from_str(spec: &str) -> Result<Flood, String> {
        let mut flood = Flood::default();
        for part in spec.split(',').filter(|p| !p.is_empty()) {
            let (kind, rate) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not kind=rate"))?;
            let rate: f64 = rate
                .parse()
                .ok()
                .filter(|r: &f64| r.is_finite() && *r >= 0.0)
                .ok_or_else(|| format!("`{rate}` is not a rate per second"))?;
            let slot = match kind {
                "chat" => &mut flood.chat,
                "likes" => &mut flood.likes,
                "gifts" => &mut flood.gifts,
                "stock" => &mut flood.stock,
                "pins" => &mut flood.pins,
                _ => {
                    return Err(format!(
                        "unknown kind `{kind}` (chat, likes, gifts, stock, pins)"
                    ))
                }
            };
            *slot = rate;
        }
        Ok(flood)
    }
}

impl std::fmt::Display for Flood {
    /// The spec it parses from.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "chat={},likes={},gifts={},stock={},pins={}",
            self.chat, self.likes, self.gifts, self.stock, self.pins
        )
    }
}

/// Streams `flood` until the server stops.
pub async fn run(state: Arc<Stage>, flood: Flood) {
    let mut step = tokio::time::interval(STEP);
    let mut due = [0.0f64; 5];
    let mut n: u64 = 0;
    let started = tokio::time::Instant::now();
    let mut last = started;
    loop {
        let now = step.tick().await;
        let seconds = (now - last).as_secs_f64();
        last = now;
        let rates = [
            flood.chat,
            flood.likes,
            flood.gifts,
            flood.stock,
            flood.pins,
        ];
        for (slot, rate) in due.iter_mut().zip(rates) {
            *slot += rate * seconds;
        }
        let mut take = |slot: usize| {
            let whole = due[slot].floor();
            due[slot] -= whole;
            whole as u64
        };
        let (chat, likes, gifts, stock, pins) = (take(0), take(1), take(2), take(3), take(4));
        let hub = &state.hub;
        for _ in 0..chat {
            n += 1;
            let text = LINES[(n % LINES.len() as u64) as usize].to_owned();
            hub.post(hub.chat_line(fan(n), text));
        }
        if likes > 0 {
            hub.like(u32::try_from(likes).unwrap_or(u32::MAX));
        }
        for _ in 0..gifts {
            n += 1;
            let gift = state.show.gifting.gifts.get((n % 2) as usize);
            if let Some(gift) = gift {
                hub.gifted(Tap {
                    from: fan(n),
                    gift_id: gift.id.clone(),
                    count: 1,
                    coins: u64::from(gift.coins),
                    id: FIRST_ID + n,
                    at_ms: now_ms(),
                });
            }
        }
        let products = &state.show.products;
        for _ in 0..stock {
            n += 1;
            let product = &products[(n % products.len() as u64) as usize];
            let variant = &product.variants[(n % product.variants.len() as u64) as usize];
            hub.stock_changed(&product.id, &variant.id, (n % 40) as u32);
        }
        for _ in 0..pins {
            n += 1;
            let product = &products[(n % products.len() as u64) as usize];
            let cue = Cue {
                at_ms: 0,
                action: Action::Pin {
                    product: product.id.clone(),
                    x: 0.3 + (n % 5) as f32 * 0.1,
                    y: 0.3 + (n % 4) as f32 * 0.1,
                },
            };
            hub.play(&[(now_ms(), &cue)]);
        }
    }
}

/// One of the made-up crowd; some are Fan Club members with a badge.
fn fan(n: u64) -> Viewer {
    let id = n % CROWD;
    Viewer {
        id: FIRST_ID + id,
        name: format!("fan{id:03}"),
        club: id.is_multiple_of(3).then_some(1 + (id % 5) as u32),
        badge: id.is_multiple_of(4).then(|| "heart-giver".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_names_rates_per_kind_and_bad_ones_say_why() {
        let flood: Flood = "chat=400,likes=400.5,pins=5".parse().unwrap();
        assert_eq!(
            flood,
            Flood {
                chat: 400.0,
                likes: 400.5,
                pins: 5.0,
                ..Flood::default()
            }
        );
        assert_eq!(
            flood.to_string().parse::<Flood>(),
            Ok(flood),
            "printed as parsed"
        );
        assert!("chat".parse::<Flood>().unwrap_err().contains("kind=rate"));
        assert!("chat=-1".parse::<Flood>().is_err());
        assert!("tacos=3"
            .parse::<Flood>()
            .unwrap_err()
            .contains("unknown kind"));
    }
}
