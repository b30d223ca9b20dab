//! Generated shopping sessions against the real server: two or three shoppers
//! interleave cart changes, quotes, checkouts (with whatever quote they last
//! saw), retries and pauses while flash deals start and end every 600 ms. After
//! each run the SQLite file must account for every unit and every deal price.
mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use common::*;
use lapak_protocol::{CheckoutRequest, Money, Quote, RejectCode, ServerMsg};
use lapak_server::payment::{APPROVE, DECLINE, TIMEOUT};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use sqlx::AnyConnection;

/// Runs; each starts its own server. Together they stay well under a minute.
const CASES: u32 = 32;

/// Variants of the props show, with their initial stock.
const ITEMS: [(&str, &str, i64); 4] = [
    ("lamp", "default", 30),
    ("shirt", "m", 6),
    ("shirt", "xl", 3),
    ("jar", "default", 4),
];
const DEAL_PRICE: i64 = 20_000;
const LAMP_PRICE: i64 = 30_000;
const DEAL_QUANTITY: i64 = 3;
const DEAL_PER_BUYER: i64 = 2;
const DEAL_MS: i64 = 300;

/// Checkout answers over all runs, by kind: shows what the runs exercised.
static TOTALS: std::sync::Mutex<BTreeMap<String, usize>> = std::sync::Mutex::new(BTreeMap::new());

#[derive(Clone, Debug)]
enum Op {
    Add {
        who: usize,
        item: usize,
        quantity: u32,
    },
    Set {
        who: usize,
        item: usize,
        quantity: u32,
    },
    Quote {
        who: usize,
    },
    /// Checks out the last quote shown, or a fresh one.
    Checkout {
        who: usize,
        fresh: bool,
        card: &'static str,
        shipping: &'static str,
    },
    /// Sends the shopper's previous checkout again, same id and request.
    Retry {
        who: usize,
    },
    Sleep {
        ms: u64,
    },
    /// Every shopper quotes, then all check out at the same moment.
    Together {
        card: &'static str,
    },
}

fn op(shoppers: usize) -> impl Strategy<Value = Op> {
    let who = 0..shoppers;
    let card = prop_oneof![5 => Just(APPROVE), 1 => Just(DECLINE), 2 => Just(TIMEOUT)];
    let shipping = prop_oneof![Just("std"), Just("express")];
    prop_oneof![
        6 => (who.clone(), 0..ITEMS.len(), 1u32..=3).prop_map(|(who, item, quantity)| Op::Add { who, item, quantity }),
        2 => (who.clone(), 0..ITEMS.len(), 0u32..=4).prop_map(|(who, item, quantity)| Op::Set { who, item, quantity }),
        2 => who.clone().prop_map(|who| Op::Quote { who }),
        4 => (who.clone(), any::<bool>(), card, shipping)
            .prop_map(|(who, fresh, card, shipping)| Op::Checkout { who, fresh, card, shipping }),
        2 => who.prop_map(|who| Op::Retry { who }),
        2 => (0u64..=300).prop_map(|ms| Op::Sleep { ms }),
        1 => prop_oneof![Just(APPROVE), Just(TIMEOUT)].prop_map(|card| Op::Together { card }),
    ]
}

fn case() -> impl Strategy<Value = (usize, Vec<Op>)> {
    (2usize..=3).prop_flat_map(|shoppers| {
        (
            Just(shoppers),
            proptest::collection::vec(op(shoppers), 10..=25),
        )
    })
}

struct Shopper {
    socket: Socket,
    token: String,
    commands: u32,
    last_quote: Option<Quote>,
    last_checkout: Option<(String, CheckoutRequest)>,
}

impl Shopper {
    fn next_id(&mut self, kind: &str) -> String {
        self.commands += 1;
        format!("{kind}-{}", self.commands)
    }

    async fn quote(&mut self) -> Quote {
        let id = self.next_id("q");
        let quote = quote(&mut self.socket, &id).await;
        self.last_quote = Some(quote.clone());
        quote
    }
}

/// What the shoppers were told: every order acknowledged, by (token, command id).
#[derive(Default)]
struct Told {
    orders: HashMap<(String, String), String>,
    /// Answers by kind, for the summary.
    answers: BTreeMap<String, usize>,
}

/// Checks one checkout answer against the request that was sent.
fn check_answer(
    told: &mut Told,
    token: &str,
    id: &str,
    request: &CheckoutRequest,
    reply: &ServerMsg,
) -> Result<(), TestCaseError> {
    let kind = match reply {
        ServerMsg::Ack {
            order: Some(order), ..
        } if order.lines.iter().any(|l| l.unit_price.minor == DEAL_PRICE) => "deal order".into(),
        ServerMsg::Ack {
            order: Some(order), ..
        } => format!("{:?} order", order.status),
        ServerMsg::Reject { code, .. } => format!("{code:?}"),
        _ => "other".into(),
    };
    *told.answers.entry(kind).or_default() += 1;
    match reply {
        ServerMsg::Ack {
            order: Some(order), ..
        } => {
            let lines: Vec<_> = order
                .lines
                .iter()
                .map(|l| (&l.product_id, &l.variant_id, l.quantity, &l.unit_price))
                .collect();
            // A line split by the deal's limit is ordered as two: the deal units, then the
            // rest at the regular price (only the lamp is ever on deal here).
            let regular = Money {
                minor: LAMP_PRICE,
                currency: "IDR".into(),
            };
            let asked: Vec<_> = request
                .lines
                .iter()
                .flat_map(|l| {
                    let split = l.deal_units > 0 && l.deal_units < l.quantity;
                    let first = if split { l.deal_units } else { l.quantity };
                    let rest =
                        split.then(|| (&l.product_id, &l.variant_id, l.quantity - first, &regular));
                    [
                        Some((&l.product_id, &l.variant_id, first, &l.unit_price)),
                        rest,
                    ]
                })
                .flatten()
                .collect();
            check(lines == asked, || {
                format!("{id}: ordered {lines:?}, asked {asked:?}")
            })?;
            check(order.totals.total == request.total, || {
                format!(
                    "{id}: charged {:?}, agreed {:?}",
                    order.totals.total, request.total
                )
            })?;
            check(order.command_id == id, || {
                format!("{id}: order says {}", order.command_id)
            })?;
            let key = (token.to_owned(), id.to_owned());
            let number = told
                .orders
                .entry(key)
                .or_insert_with(|| order.number.clone());
            check(*number == order.number, || {
                format!("{id}: a retry got {} after {number}", order.number)
            })
        }
        ServerMsg::Reject { code, message, .. } => check(
            matches!(
                code,
                RejectCode::EmptyCart
                    | RejectCode::CartChanged
                    | RejectCode::PriceChanged
                    | RejectCode::OutOfStock
                    | RejectCode::PaymentDeclined
            ),
            || format!("{id}: unexpected refusal {code:?} ({message})"),
        ),
        other => Err(TestCaseError::fail(format!("{id}: answered {other:?}"))),
    }
}

async fn run(shoppers: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let server = server_with(|c| {
        c.show =
            vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/props-show.toml")];
        c.rate_burst = 10_000;
        c.rate_per_second = 10_000;
    })
    .await;
    let mut people = Vec::new();
    for _ in 0..shoppers {
        let (socket, welcome) = viewer(&server, None).await;
        people.push(Shopper {
            socket,
            token: welcome.session.token,
            commands: 0,
            last_quote: None,
            last_checkout: None,
        });
    }
    let mut told = Told::default();
    for op in ops {
        match *op {
            Op::Add {
                who,
                item,
                quantity,
            }
            | Op::Set {
                who,
                item,
                quantity,
            } => {
                let shopper = &mut people[who];
                let (product, variant, _) = ITEMS[item];
                let cmd = if matches!(op, Op::Add { .. }) {
                    add(&shopper.next_id("add"), product, variant, quantity)
                } else {
                    set_quantity(&shopper.next_id("set"), product, variant, quantity)
                };
                match command(&mut shopper.socket, &cmd).await {
                    ServerMsg::Ack { .. }
                    | ServerMsg::Reject {
                        code: RejectCode::OutOfStock | RejectCode::QuantityLimit,
                        ..
                    } => {}
                    other => return Err(TestCaseError::fail(format!("{cmd:?} → {other:?}"))),
                }
            }
            Op::Quote { who } => {
                people[who].quote().await;
            }
            Op::Checkout {
                who,
                fresh,
                card,
                shipping,
            } => {
                let shopper = &mut people[who];
                let quote = match (&shopper.last_quote, fresh) {
                    (Some(quote), false) => quote.clone(),
                    _ => shopper.quote().await,
                };
                let request = request_from(&quote, shipping, card);
                let id = shopper.next_id("buy");
                let reply = checkout(&mut shopper.socket, &id, &request).await;
                check_answer(&mut told, &shopper.token, &id, &request, &reply)?;
                shopper.last_checkout = Some((id, request));
            }
            Op::Retry { who } => {
                let shopper = &mut people[who];
                if let Some((id, request)) = shopper.last_checkout.clone() {
                    let reply = checkout(&mut shopper.socket, &id, &request).await;
                    check_answer(&mut told, &shopper.token, &id, &request, &reply)?;
                }
            }
            Op::Sleep { ms } => tokio::time::sleep(Duration::from_millis(ms)).await,
            Op::Together { card } => {
                let mut sent = Vec::new();
                for shopper in &mut people {
                    let request = request_from(&shopper.quote().await, "std", card);
                    let id = shopper.next_id("buy");
                    sent.push((id, request));
                }
                for (shopper, (id, request)) in people.iter_mut().zip(&sent) {
                    send(&mut shopper.socket, &checkout_msg(id, request)).await;
                }
                let replies = futures::future::join_all(
                    people
                        .iter_mut()
                        .zip(&sent)
                        .map(|(shopper, (id, _))| answer(&mut shopper.socket, id)),
                )
                .await;
                for ((shopper, (id, request)), reply) in people.iter_mut().zip(sent).zip(replies) {
                    check_answer(&mut told, &shopper.token, &id, &request, &reply)?;
                    shopper.last_checkout = Some((id, request));
                }
            }
        }
    }

    let mut db = open_db(&server.db()).await;
    // One consistent snapshot, even if the sweeper settles a payment meanwhile.
    sqlx::query("BEGIN").execute(&mut db).await.unwrap();
    let outcome = invariants(&mut db, &told).await;
    sqlx::query("COMMIT").execute(&mut db).await.unwrap();
    server.running.stop().await;
    let mut totals = TOTALS.lock().unwrap();
    for (kind, n) in told.answers {
        *totals.entry(kind).or_default() += n;
    }
    outcome
}

async fn invariants(db: &mut AnyConnection, told: &Told) -> Result<(), TestCaseError> {
    // Every unit is on the shelf or in an order that holds it.
    for (product, variant, initial) in ITEMS {
        let stock = db_stock(db, product, variant).await;
        let held: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.status != 'failed' AND l.product_id = $1 AND l.variant_id = $2",
        )
        .bind(product)
        .bind(variant)
        .fetch_one(&mut *db)
        .await
        .unwrap();
        check(stock >= 0 && stock + held == initial, || {
            format!("{product}/{variant}: {stock} in stock + {held} ordered != {initial}")
        })?;
    }

    // Deal prices only within the deal's window, for at most its units and per-buyer limit.
    let started: i64 = sqlx::query_scalar("SELECT started_at_ms FROM shows")
        .fetch_one(&mut *db)
        .await
        .unwrap();
    let lines: Vec<(Option<String>, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT l.deal_id, l.quantity, l.unit_price_minor, o.session_id, o.placed_at_ms
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.status != 'failed' AND l.product_id = 'lamp'",
    )
    .fetch_all(&mut *db)
    .await
    .unwrap();
    let mut per_deal: BTreeMap<String, i64> = BTreeMap::new();
    let mut per_buyer: BTreeMap<(String, i64), i64> = BTreeMap::new();
    for (deal, quantity, unit, session, placed_at) in lines {
        match deal {
            Some(deal) => {
                let start: i64 = deal.strip_prefix("lamp@").unwrap().parse().unwrap();
                let at = placed_at - started;
                check(unit == DEAL_PRICE, || format!("{deal} line at {unit}"))?;
                check((start..start + DEAL_MS).contains(&at), || {
                    format!("{deal} sold at stream time {at}")
                })?;
                *per_deal.entry(deal.clone()).or_default() += quantity;
                *per_buyer.entry((deal, session)).or_default() += quantity;
            }
            None => check(unit == LAMP_PRICE, || {
                format!("lamp at {unit} without a deal")
            })?,
        }
    }
    for (deal, units) in &per_deal {
        check(*units <= DEAL_QUANTITY, || {
            format!("{deal}: {units} units sold")
        })?;
    }
    for ((deal, session), units) in &per_buyer {
        check(*units <= DEAL_PER_BUYER, || {
            format!("{deal}: session {session} bought {units}")
        })?;
    }

    // The orders are exactly the ones acknowledged: none doubled by a retry, none unannounced.
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT s.token, o.command_id, o.id FROM orders o JOIN sessions s ON s.id = o.session_id",
    )
    .fetch_all(&mut *db)
    .await
    .unwrap();
    let in_db: HashMap<(String, String), String> = rows
        .into_iter()
        .map(|(token, id, n)| ((token, id), format!("LPK-{n:06}")))
        .collect();
    check(in_db == told.orders, || {
        format!(
            "orders in the file {in_db:?}, acknowledged {:?}",
            told.orders
        )
    })?;
    // And each order's amounts add up.
    let bad: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders o WHERE o.subtotal_minor !=
           (SELECT CAST(SUM(l.quantity * CASE WHEN l.deal_id IS NULL THEN l.unit_price_minor ELSE $1 END) AS BIGINT)
            FROM order_lines l WHERE l.order_id = o.id)",
    )
    .bind(LAMP_PRICE)
    .fetch_one(&mut *db)
    .await
    .unwrap();
    check(bad == 0, || {
        format!("{bad} orders whose subtotal is not their lines")
    })
}

#[test]
fn random_shopping_keeps_stock_deals_and_orders_consistent() {
    let took = run_property(CASES, case(), |(shoppers, ops)| async move {
        run(shoppers, &ops).await
    });
    println!(
        "checkout props: {CASES} runs in {took:.1?}; checkout answers: {:?}",
        TOTALS.lock().unwrap()
    );
}
