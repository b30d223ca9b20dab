//! Generated coin sessions against the real server: two viewers (the first
//! with two tabs) top up with approved and declined cards, send gifts of every
//! kind and count, resend earlier command ids, and race both tabs against one
//! wallet. Every answer must match a simple model of the wallets, and after each
//! run the SQLite ledger must add up: no negative balance, every transaction
//! and the whole ledger summing to zero, each balance the sum of its entries,
//! each wallet exactly its paid top-ups minus its acknowledged gifts.
mod common;

use std::collections::{BTreeMap, HashMap};

use common::*;
use lapak_protocol::{ClientMsg, CoinPack, Gift, RejectCode, ServerMsg};
use lapak_server::payment::{APPROVE, DECLINE};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use sqlx::AnyConnection;

/// Runs; each starts its own server. Together they stay well under a minute.
const CASES: u32 = 32;
/// Tabs: the first two are one viewer's, the third another viewer's.
const SESSION_OF_TAB: [usize; 3] = [0, 0, 1];

/// Answers over all runs, by kind: shows what the runs exercised.
static TOTALS: std::sync::Mutex<BTreeMap<String, usize>> = std::sync::Mutex::new(BTreeMap::new());

#[derive(Clone, Debug)]
enum Op {
    TopUp {
        tab: usize,
        pack: usize,
        approve: bool,
    },
    Gift {
        tab: usize,
        gift: usize,
        count: u32,
        /// Shows the wrong price, as a tampered viewer would.
        tampered: bool,
    },
    /// Sends one of the tab's viewer's earlier commands again, same id and content.
    Retry { tab: usize, back: usize },
    /// Both tabs of the first viewer send `each` gifts at the same moment.
    Race { gift: usize, count: u32, each: u32 },
}

fn op() -> impl Strategy<Value = Op> {
    let tab = 0..SESSION_OF_TAB.len();
    // Gifts in the test show's order: rose (1 coin), coffee (10), fan (50), rocket (999).
    let gift = prop_oneof![4 => Just(0usize), 3 => Just(1), 2 => Just(2), 1 => Just(3)];
    prop_oneof![
        4 => (tab.clone(), 0..2usize, prop_oneof![4 => Just(true), 1 => Just(false)])
            .prop_map(|(tab, pack, approve)| Op::TopUp { tab, pack, approve }),
        6 => (tab.clone(), gift, 1u32..=6, prop::bool::weighted(0.1))
            .prop_map(|(tab, gift, count, tampered)| Op::Gift { tab, gift, count, tampered }),
        2 => (tab, any::<usize>()).prop_map(|(tab, back)| Op::Retry { tab, back }),
        1 => (0..2usize, 1u32..=3, 1u32..=12).prop_map(|(gift, count, each)| Op::Race { gift, count, each }),
    ]
}

/// What the server should hold, by the answers it gave.
#[derive(Default)]
struct Model {
    /// Coins per session.
    wallets: [i64; 2],
    /// Each session's commands in the order sent, with their first answer.
    sent: [Vec<(ClientMsg, ServerMsg)>; 2],
    /// Top-ups paid and gifts acknowledged, over both sessions.
    paid: i64,
    gifts: i64,
    answers: BTreeMap<String, usize>,
}

impl Model {
    fn note(&mut self, reply: &ServerMsg) {
        let kind = match reply {
            ServerMsg::Ack { .. } => "ack".into(),
            ServerMsg::Reject { code, .. } => code.as_str().to_owned(),
            _ => "other".into(),
        };
        *self.answers.entry(kind).or_default() += 1;
    }

    /// What the server must answer to a gift of `count` × `gift` shown at
    /// `shown` coins: the wallet after it, or the refusal; debits the model.
    fn gift(
        &mut self,
        session: usize,
        gift: &Gift,
        count: u32,
        shown: u32,
    ) -> Result<i64, RejectCode> {
        let cost = i64::from(count) * i64::from(gift.coins);
        if shown != gift.coins {
            Err(RejectCode::PriceChanged)
        } else if cost > self.wallets[session] {
            Err(RejectCode::InsufficientCoins)
        } else {
            self.wallets[session] -= cost;
            self.gifts += 1;
            Ok(self.wallets[session])
        }
    }
}

/// The code of a refusal, or `None` for anything else.
fn code(reply: &ServerMsg) -> Option<RejectCode> {
    match reply {
        ServerMsg::Reject { code, .. } => Some(*code),
        _ => None,
    }
}

fn acked_wallet(reply: &ServerMsg) -> Option<i64> {
    match reply {
        ServerMsg::Ack {
            wallet: Some(wallet),
            ..
        } => i64::try_from(wallet.coins).ok(),
        _ => None,
    }
}

async fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let server = server_with(|c| {
        c.rate_burst = 10_000;
        c.rate_per_second = 10_000;
    })
    .await;
    let (first, welcome) = viewer(&server, None).await;
    let (second, _) = viewer(&server, Some(&welcome.session.token)).await;
    let (third, other) = viewer(&server, None).await;
    let mut tabs = [first, second, third];
    let tokens = [welcome.session.token.clone(), other.session.token.clone()];
    let sessions = [welcome.you.id, other.you.id];
    let packs: Vec<CoinPack> = welcome.show.coin_packs.clone();
    let gifts: Vec<Gift> = welcome.show.gifts.clone();
    let mut model = Model::default();
    let mut ids = 0u32;
    let mut next_id = |kind: &str| {
        ids += 1;
        format!("{kind}-{ids}")
    };

    for op in ops {
        match *op {
            Op::TopUp { tab, pack, approve } => {
                let session = SESSION_OF_TAB[tab];
                let pack = &packs[pack];
                let card = if approve { APPROVE } else { DECLINE };
                let msg = top_up_msg(&next_id("top-up"), pack, card);
                let reply = command(&mut tabs[tab], &msg).await;
                model.note(&reply);
                if approve {
                    model.wallets[session] += i64::from(pack.coins);
                    model.paid += 1;
                    check(acked_wallet(&reply) == Some(model.wallets[session]), || {
                        format!("{msg:?} → {reply:?}, expected {}", model.wallets[session])
                    })?;
                } else {
                    check(code(&reply) == Some(RejectCode::PaymentDeclined), || {
                        format!("{msg:?} → {reply:?}")
                    })?;
                }
                model.sent[session].push((msg, reply));
            }
            Op::Gift {
                tab,
                gift,
                count,
                tampered,
            } => {
                let session = SESSION_OF_TAB[tab];
                let gift = &gifts[gift];
                let shown = if tampered { gift.coins + 1 } else { gift.coins };
                let msg = gift_msg(&next_id("gift"), &gift.id, count, shown);
                let reply = command(&mut tabs[tab], &msg).await;
                model.note(&reply);
                let expected = model.gift(session, gift, count, shown);
                let got = acked_wallet(&reply).ok_or(code(&reply));
                check(got == expected.map_err(Some), || {
                    format!("{msg:?} → {reply:?}, expected {expected:?}")
                })?;
                model.sent[session].push((msg, reply));
            }
            Op::Retry { tab, back } => {
                let session = SESSION_OF_TAB[tab];
                let sent = &model.sent[session];
                if sent.is_empty() {
                    continue;
                }
                let index = back % sent.len();
                let (msg, first) = sent[index].clone();
                let reply = command(&mut tabs[tab], &msg).await;
                model.note(&reply);
                match (&msg, code(&first)) {
                    // A refused gift wrote and kept nothing: its retry is checked
                    // again, and may now go through — once.
                    (
                        ClientMsg::SendGift {
                            gift_id,
                            count,
                            coins,
                            ..
                        },
                        Some(_),
                    ) => {
                        let gift = gifts.iter().find(|g| g.id == *gift_id).unwrap();
                        let expected = model.gift(session, gift, *count, *coins);
                        let got = acked_wallet(&reply).ok_or(code(&reply));
                        check(got == expected.map_err(Some), || {
                            format!("retry of {msg:?} → {reply:?}, expected {expected:?}")
                        })?;
                        model.sent[session][index] = (msg, reply);
                    }
                    _ => check(reply == first, || {
                        format!("retry of {msg:?} → {reply:?}, first {first:?}")
                    })?,
                }
            }
            Op::Race { gift, count, each } => {
                let gift = &gifts[gift];
                let mut race = [Vec::new(), Vec::new()];
                for _ in 0..each {
                    for (tab, sent) in race.iter_mut().enumerate() {
                        let msg = gift_msg(&next_id("race"), &gift.id, count, gift.coins);
                        send(&mut tabs[tab], &msg).await;
                        sent.push(msg);
                    }
                }
                let [a, b] = &mut tabs[..2] else {
                    unreachable!()
                };
                let (replies_a, replies_b) =
                    tokio::join!(answers(a, &race[0]), answers(b, &race[1]));
                let cost = i64::from(count) * i64::from(gift.coins);
                let affordable = (model.wallets[0] / cost).min(2 * i64::from(each));
                let mut left = Vec::new();
                for (msg, reply) in race
                    .into_iter()
                    .flatten()
                    .zip(replies_a.into_iter().chain(replies_b))
                {
                    model.note(&reply);
                    match (acked_wallet(&reply), code(&reply)) {
                        (Some(wallet), _) => left.push(wallet),
                        (None, Some(RejectCode::InsufficientCoins)) => {}
                        _ => return Err(TestCaseError::fail(format!("{msg:?} → {reply:?}"))),
                    }
                    model.sent[0].push((msg, reply));
                }
                left.sort_unstable();
                let expected: Vec<i64> = (0..affordable)
                    .map(|n| model.wallets[0] - cost * (n + 1))
                    .rev()
                    .collect();
                check(left == expected, || {
                    format!("racing {each}+{each} × {cost}: wallets after each debit {left:?}, expected {expected:?}")
                })?;
                model.wallets[0] -= cost * affordable;
                model.gifts += affordable;
            }
        }
    }

    for (session, token) in tokens.iter().enumerate() {
        let (_tab, again) = viewer(&server, Some(token)).await;
        check(
            i64::try_from(again.wallet.coins) == Ok(model.wallets[session]),
            || {
                format!(
                    "session {session}: Welcome wallet {:?}, model {}",
                    again.wallet, model.wallets[session]
                )
            },
        )?;
    }
    let mut db = open_db(&server.db()).await;
    let outcome = invariants(&mut db, &model, sessions).await;
    server.running.stop().await;
    let mut totals = TOTALS.lock().unwrap();
    for (kind, n) in std::mem::take(&mut model.answers) {
        *totals.entry(kind).or_default() += n;
    }
    outcome
}

/// The answers to `sent`, in order.
async fn answers(socket: &mut Socket, sent: &[ClientMsg]) -> Vec<ServerMsg> {
    let mut replies = Vec::with_capacity(sent.len());
    for msg in sent {
        replies.push(answer(socket, msg.id().unwrap()).await);
    }
    replies
}

async fn invariants(
    db: &mut AnyConnection,
    model: &Model,
    sessions: [u64; 2],
) -> Result<(), TestCaseError> {
    let problems = ledger_problems(db).await;
    check(problems.is_empty(), || format!("{problems:?}"))?;
    for (session, id) in sessions.iter().enumerate() {
        let balance = db_balance(db, &format!("wallet:{id}")).await;
        check(balance == model.wallets[session], || {
            format!(
                "session {session}: balance {balance}, model {}",
                model.wallets[session]
            )
        })?;
    }
    let kinds: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM ledger_transactions GROUP BY kind ORDER BY kind",
    )
    .fetch_all(&mut *db)
    .await
    .unwrap();
    let kinds: HashMap<String, i64> = kinds.into_iter().collect();
    let count = |kind: &str| kinds.get(kind).copied().unwrap_or(0);
    check(
        count("top_up") == model.paid && count("gift") == model.gifts,
        || {
            format!(
                "ledger has {kinds:?}; acknowledged {} top-ups and {} gifts",
                model.paid, model.gifts
            )
        },
    )?;
    // A retried or declined top-up is never charged again: one charge per paid top-up.
    let charges: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM test_provider_charges WHERE key LIKE 'topup-%'")
            .fetch_one(&mut *db)
            .await
            .unwrap();
    check(charges == model.paid, || {
        format!("{charges} charges for {} paid top-ups", model.paid)
    })?;
    // The host earned exactly what the wallets spent.
    let earned = db_balance(db, "host_earnings:test").await;
    let issued = -db_balance(db, "coins_issued").await;
    check(issued - earned == model.wallets.iter().sum::<i64>(), || {
        format!(
            "issued {issued}, earned {earned}, wallets {:?}",
            model.wallets
        )
    })
}

#[test]
fn random_top_ups_gifts_retries_and_races_keep_the_ledger_exact() {
    let strategy = proptest::collection::vec(op(), 10..=30);
    let took = run_property(CASES, strategy, |ops| async move { run(&ops).await });
    println!(
        "ledger props: {CASES} runs in {took:.1?}; answers: {:?}",
        TOTALS.lock().unwrap()
    );
}
