//! Coins and gifts against the real server over real WebSockets: top-ups paid
//! exactly once whatever the card does, gifts debited exactly once and never
//! beyond the wallet, taps gathered into streaks for everyone watching, a
//! leaderboard and wallets that survive a restart, and a ledger that always adds up.
mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use lapak_protocol::{
    ClientMsg, GiftStreak, Gifter, Money, RejectCode, ServerMsg, Viewer, Wallet, MAX_GIFT_COUNT,
};
use lapak_server::payment::{APPROVE, DECLINE, INSUFFICIENT_FUNDS, TIMEOUT};
use lapak_server::HostCredit;
use sqlx::AnyConnection;

/// Charges the test provider recorded for top-ups.
async fn top_up_charges(db: &mut AnyConnection) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM test_provider_charges WHERE key LIKE 'topup-%'")
        .fetch_one(db)
        .await
        .unwrap()
}

/// Ledger transactions of one kind.
async fn transactions(db: &mut AnyConnection, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = $1")
        .bind(kind)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn assert_ledger_sound(server: &TestServer) {
    let mut db = open_db(&server.db()).await;
    let problems = ledger_problems(&mut db).await;
    assert!(problems.is_empty(), "{problems:?}");
}

/// The `WalletChanged` that arrives next on `socket`, skipping anything else.
async fn wallet_changed(socket: &mut Socket) -> u64 {
    wait_for(socket, |msg| match msg {
        ServerMsg::WalletChanged { wallet } => Some(wallet.coins),
        _ => None,
    })
    .await
}

fn gifted(msg: &ServerMsg) -> Option<GiftStreak> {
    match msg {
        ServerMsg::Gifted { streak, .. } => Some(streak.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn a_top_up_credits_the_wallet_once_and_every_tab_hears_it() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    assert_eq!(
        welcome.wallet,
        Wallet {
            coins: 0,
            ..Wallet::default()
        }
    );
    assert_eq!(welcome.show.coin_packs.len(), 2);
    assert!(welcome.you.name.starts_with("user") && welcome.you.name.len() == 10);
    assert!(welcome.you.name[4..].bytes().all(|b| b.is_ascii_digit()));
    let token = welcome.session.token.clone();
    let (mut tab2, again) = viewer(&server, Some(&token)).await;
    assert_eq!(again.you, welcome.you, "one session, one viewer");
    let (_other, other) = viewer(&server, None).await;
    assert_ne!(other.you.id, welcome.you.id);

    let coins_100 = pack(&welcome, "coins-100");
    assert_eq!(coins_100.price.minor, 1_600_000);
    let paid = command(&mut tab, &top_up_msg("t-1", &coins_100, APPROVE)).await;
    assert_eq!(wallet_of(&paid), 100);
    assert_eq!(wallet_changed(&mut tab2).await, 100);
    // A retry, on this tab or after a reconnect, gets the same answer and no more coins.
    assert_eq!(
        command(&mut tab, &top_up_msg("t-1", &coins_100, APPROVE)).await,
        paid
    );
    drop(tab);
    let (mut tab, again) = viewer(&server, Some(&token)).await;
    assert_eq!(again.wallet.coins, 100);
    assert_eq!(
        command(&mut tab, &top_up_msg("t-1", &coins_100, APPROVE)).await,
        paid
    );
    assert_eq!(
        top_up(&mut tab, "t-2", &pack(&welcome, "coins-25")).await,
        125
    );

    let mut db = open_db(&server.db()).await;
    assert_eq!(top_up_charges(&mut db).await, 2);
    assert_eq!(transactions(&mut db, "top_up").await, 2);
    let account = format!("wallet:{}", welcome.you.id);
    assert_eq!(db_balance(&mut db, &account).await, 125);
    assert_eq!(db_balance(&mut db, "coins_issued").await, -125);
    let kept: Vec<(String, String)> =
        sqlx::query_as("SELECT status, card_last4 FROM top_ups ORDER BY id")
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(
        kept,
        [
            ("paid".into(), "4242".into()),
            ("paid".into(), "4242".into())
        ]
    );
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn a_declined_top_up_credits_nothing_and_a_retry_is_not_charged() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    let coins_100 = pack(&welcome, "coins-100");

    let declined = command(&mut tab, &top_up_msg("d-1", &coins_100, DECLINE)).await;
    assert_eq!(refused(&declined), RejectCode::PaymentDeclined);
    let poor = command(&mut tab, &top_up_msg("d-2", &coins_100, INSUFFICIENT_FUNDS)).await;
    assert_eq!(refused(&poor), RejectCode::PaymentDeclined);
    // The same id gets the same answer, whatever card it now carries: nothing is charged.
    let retried = command(&mut tab, &top_up_msg("d-1", &coins_100, APPROVE)).await;
    assert_eq!(refused(&retried), RejectCode::PaymentDeclined);
    assert_eq!(retried, declined);
    let mut db = open_db(&server.db()).await;
    assert_eq!(top_up_charges(&mut db).await, 0);
    assert_eq!(transactions(&mut db, "top_up").await, 0);
    let (_again, again) = viewer(&server, Some(&welcome.session.token)).await;
    assert_eq!(again.wallet.coins, 0);

    // A new attempt with a good card goes through, once.
    assert_eq!(top_up(&mut tab, "d-3", &coins_100).await, 100);
    assert_eq!(top_up_charges(&mut db).await, 1);
    let statuses: Vec<String> = sqlx::query_scalar("SELECT status FROM top_ups ORDER BY id")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(statuses, ["declined", "declined", "paid"]);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn a_top_up_whose_answer_is_lost_is_settled_once_by_the_sweeper() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    let (mut tab2, _) = viewer(&server, Some(&welcome.session.token)).await;
    let coins_100 = pack(&welcome, "coins-100");

    // The sweeper runs every second: a retry sent right behind the top-up finds it
    // still pending unless a sweep fell exactly in between (then try a new one).
    let mut attempts = 0;
    let id = loop {
        attempts += 1;
        let id = format!("p-{attempts}");
        let request = top_up_msg(&id, &coins_100, TIMEOUT);
        send(&mut tab, &request).await;
        send(&mut tab, &request).await;
        assert_eq!(
            refused(&answer(&mut tab, &id).await),
            RejectCode::PaymentPending
        );
        match answer(&mut tab, &id).await {
            ServerMsg::Reject {
                code: RejectCode::PaymentPending,
                ..
            } => break id,
            settled if attempts < 3 => assert_eq!(wallet_of(&settled) % 100, 0),
            other => panic!("a retry while pending got {other:?}"),
        }
    };
    // Another command under that id gets the top-up's answer: it has no other meaning.
    let clash = command(&mut tab, &gift_msg(&id, "rose", 1, 1)).await;
    assert!(
        matches!(
            clash,
            ServerMsg::Reject {
                code: RejectCode::PaymentPending,
                ..
            } | ServerMsg::Ack { .. }
        ),
        "{clash:?}"
    );
    // Every tab hears when the coins arrive, the one that asked too.
    let expected = 100 * attempts;
    for socket in [&mut tab, &mut tab2] {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while wallet_changed(socket).await < expected {
            assert!(tokio::time::Instant::now() < deadline);
        }
    }
    let again = command(&mut tab, &top_up_msg(&id, &coins_100, TIMEOUT)).await;
    assert!(
        wallet_of(&again) <= expected,
        "the wallet when it was settled"
    );
    // Later sweeps leave it alone.
    let later = drain(&mut tab2, Duration::from_millis(1_500)).await;
    assert!(
        !later
            .iter()
            .any(|m| matches!(m, ServerMsg::WalletChanged { .. })),
        "{later:?}"
    );
    let mut db = open_db(&server.db()).await;
    assert_eq!(top_up_charges(&mut db).await, attempts as i64);
    assert_eq!(transactions(&mut db, "top_up").await, attempts as i64);
    assert_eq!(transactions(&mut db, "gift").await, 0);
    let account = format!("wallet:{}", welcome.you.id);
    assert_eq!(db_balance(&mut db, &account).await, expected as i64);
    let (_s, after) = viewer(&server, Some(&welcome.session.token)).await;
    assert_eq!(after.wallet.coins, expected);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn tampered_or_invalid_top_ups_are_refused_and_write_nothing() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    let valid = top_up_msg("x", &pack(&welcome, "coins-100"), APPROVE);
    type Tamper = Box<dyn Fn(&mut ClientMsg)>;
    let edit = |f: fn(&mut Money, &mut String, &mut lapak_protocol::Card)| -> Tamper {
        Box::new(move |msg| {
            if let ClientMsg::TopUp {
                price,
                pack_id,
                card,
                ..
            } = msg
            {
                f(price, pack_id, card)
            }
        })
    };
    let cases: Vec<(&str, Tamper, RejectCode)> = vec![
        (
            "cheaper",
            edit(|price, _, _| price.minor = 1),
            RejectCode::PriceChanged,
        ),
        (
            "other-currency",
            edit(|price, _, _| price.currency = "USD".into()),
            RejectCode::PriceChanged,
        ),
        (
            "no-such-pack",
            edit(|_, pack, _| *pack = "coins-1000000".into()),
            RejectCode::UnknownPack,
        ),
        (
            "bad-luhn",
            edit(|_, _, card| card.number = "4242424242424241".into()),
            RejectCode::InvalidDetails,
        ),
        (
            "expired",
            edit(|_, _, card| card.expiry = "01/20".into()),
            RejectCode::InvalidDetails,
        ),
        (
            "no-cvc",
            edit(|_, _, card| card.cvc = String::new()),
            RejectCode::InvalidDetails,
        ),
    ];
    let mut db = open_db(&server.db()).await;
    let answered = db_count(&mut db, "processed_commands").await;
    for (id, tamper, code) in &cases {
        let mut msg = valid.clone();
        tamper(&mut msg);
        if let ClientMsg::TopUp { id: msg_id, .. } = &mut msg {
            *msg_id = (*id).into();
        }
        let reply = command(&mut tab, &msg).await;
        assert_eq!(refused(&reply), *code, "{id}: {reply:?}");
        if *code == RejectCode::InvalidDetails {
            let ServerMsg::Reject { message, .. } = &reply else {
                unreachable!()
            };
            assert!(
                ["CardNumber", "Expiry", "Cvc"]
                    .iter()
                    .any(|f| message.contains(f)),
                "the message names the field: {message}"
            );
        }
    }
    assert_eq!(db_count(&mut db, "top_ups").await, 0);
    assert_eq!(top_up_charges(&mut db).await, 0);
    assert_eq!(db_count(&mut db, "ledger_transactions").await, 0);
    assert_eq!(db_count(&mut db, "processed_commands").await, answered);
    // Nothing was kept: the same id with the untouched request goes through.
    let mut fixed = valid.clone();
    if let ClientMsg::TopUp { id, .. } = &mut fixed {
        *id = "cheaper".into();
    }
    assert_eq!(wallet_of(&command(&mut tab, &fixed).await), 100);
    server.running.stop().await;
}

#[tokio::test]
async fn a_gift_reaches_every_viewer_with_the_senders_name_and_tops_the_leaderboard() {
    let server = server().await;
    let (mut sender, welcome) = viewer(&server, None).await;
    let (mut alice, _) = viewer(&server, None).await;
    let (mut bob, _) = viewer(&server, None).await;
    assert!(welcome.show.leaderboard.is_empty());
    let gifts: Vec<(&str, u32)> = welcome
        .show
        .gifts
        .iter()
        .map(|g| (g.id.as_str(), g.coins))
        .collect();
    assert_eq!(
        gifts,
        [("rose", 1), ("coffee", 10), ("fan", 50), ("rocket", 999)]
    );
    top_up(&mut sender, "t", &pack(&welcome, "coins-100")).await;

    let sent = command(&mut sender, &gift_msg("g-1", "coffee", 2, 10)).await;
    assert_eq!(wallet_of(&sent), 80);
    // Coffee joins the test show's Fan Club: 20 points for the coins and 10 for
    // the first-gift mission reach level 2, and the mission's badge shows.
    let sender_now = Viewer {
        club: Some(2),
        badge: Some("patron".into()),
        ..welcome.you.clone()
    };
    for socket in [&mut sender, &mut alice, &mut bob] {
        let streak = wait_for(socket, gifted).await;
        assert_eq!(
            streak.from, sender_now,
            "who sent it, by name, club and badge"
        );
        assert_eq!((streak.gift_id.as_str(), streak.count), ("coffee", 2));
        let top = wait_for(socket, |msg| match msg {
            ServerMsg::Leaderboard { top, .. } => Some(top.clone()),
            _ => None,
        })
        .await;
        let expected = Gifter {
            viewer: sender_now.clone(),
            coins: 20,
        };
        assert_eq!(top, [expected]);
    }
    let (_late, late) = viewer(&server, None).await;
    assert_eq!(late.show.leaderboard.len(), 1);
    assert_eq!(late.show.leaderboard[0].viewer, sender_now);
    assert_eq!(late.show.leaderboard[0].coins, 20);

    let mut db = open_db(&server.db()).await;
    assert_eq!(db_balance(&mut db, "host_earnings:test").await, 20);
    let kept: (String, i64) =
        sqlx::query_as("SELECT gift_id, gift_count FROM ledger_transactions WHERE kind = 'gift'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(kept, ("coffee".into(), 2));
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn quick_taps_are_gathered_into_one_streak() {
    let server = server().await;
    let (mut sender, welcome) = viewer(&server, None).await;
    let (mut watcher, _) = viewer(&server, None).await;
    top_up(&mut sender, "t", &pack(&welcome, "coins-25")).await;
    for tap in 0..10 {
        send(&mut sender, &gift_msg(&format!("tap-{tap}"), "rose", 1, 1)).await;
    }
    for tap in 0..10 {
        assert_eq!(
            wallet_of(&answer(&mut sender, &format!("tap-{tap}")).await),
            24 - tap
        );
    }
    let mut seen = Vec::new();
    while seen.last().is_none_or(|s: &GiftStreak| s.count < 10) {
        seen.push(wait_for(&mut watcher, gifted).await);
    }
    let counts: Vec<u32> = seen.iter().map(|s| s.count).collect();
    assert!(
        seen.iter()
            .all(|s| s.id == seen[0].id && s.from.id == welcome.you.id),
        "one streak: {seen:?}"
    );
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "{counts:?}");
    assert!(counts.len() <= 3, "far fewer frames than taps: {counts:?}");
    // Nothing more follows: each growth was published once.
    let later = drain(&mut watcher, Duration::from_millis(500)).await;
    assert!(later.iter().all(|m| gifted(m).is_none()), "{later:?}");

    // After the combo window, the next tap starts a new streak.
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    command(&mut sender, &gift_msg("tap-later", "rose", 1, 1)).await;
    let next = wait_for(&mut watcher, gifted).await;
    assert_ne!(next.id, seen[0].id);
    assert_eq!(next.count, 1);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn a_retried_gift_is_debited_once() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    top_up(&mut tab, "t", &pack(&welcome, "coins-100")).await;
    let first = command(&mut tab, &gift_msg("g", "fan", 1, 50)).await;
    assert_eq!(wallet_of(&first), 50);
    assert_eq!(command(&mut tab, &gift_msg("g", "fan", 1, 50)).await, first);
    drop(tab);
    let (mut tab, again) = viewer(&server, Some(&welcome.session.token)).await;
    assert_eq!(again.wallet.coins, 50);
    assert_eq!(command(&mut tab, &gift_msg("g", "fan", 1, 50)).await, first);
    // Two tabs sending one new id at the same moment debit once.
    let (mut tab2, _) = viewer(&server, Some(&welcome.session.token)).await;
    send(&mut tab, &gift_msg("h", "coffee", 1, 10)).await;
    send(&mut tab2, &gift_msg("h", "coffee", 1, 10)).await;
    let (a, b) = tokio::join!(answer(&mut tab, "h"), answer(&mut tab2, "h"));
    assert_eq!(a, b);
    assert_eq!(wallet_of(&a), 40);

    let mut db = open_db(&server.db()).await;
    assert_eq!(transactions(&mut db, "gift").await, 2);
    assert_eq!(db_balance(&mut db, "host_earnings:test").await, 60);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_tabs_racing_never_spend_more_than_the_wallet() {
    const EACH: u32 = 20;
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    let (mut tab2, _) = viewer(&server, Some(&welcome.session.token)).await;
    assert_eq!(top_up(&mut tab, "t", &pack(&welcome, "coins-25")).await, 25);
    for n in 0..EACH {
        send(&mut tab, &gift_msg(&format!("a-{n}"), "rose", 1, 1)).await;
        send(&mut tab2, &gift_msg(&format!("b-{n}"), "rose", 1, 1)).await;
    }
    async fn answers(socket: &mut Socket, tab: &str) -> Vec<ServerMsg> {
        let mut replies = Vec::new();
        for n in 0..EACH {
            replies.push(answer(socket, &format!("{tab}-{n}")).await);
        }
        replies
    }
    let (a, b) = tokio::join!(answers(&mut tab, "a"), answers(&mut tab2, "b"));
    let mut left = BTreeSet::new();
    let mut short = 0;
    for reply in a.iter().chain(&b) {
        match reply {
            ServerMsg::Ack {
                wallet: Some(wallet),
                ..
            } => assert!(left.insert(wallet.coins), "each debit leaves a new balance"),
            ServerMsg::Reject {
                code: RejectCode::InsufficientCoins,
                ..
            } => short += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(left, (0..25).collect(), "25 debits of one coin each");
    assert_eq!(short, 15);

    let mut db = open_db(&server.db()).await;
    let account = format!("wallet:{}", welcome.you.id);
    assert_eq!(db_balance(&mut db, &account).await, 0);
    assert_eq!(transactions(&mut db, "gift").await, 25);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn invalid_gifts_are_refused_and_write_nothing() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    top_up(&mut tab, "t", &pack(&welcome, "coins-100")).await;
    let mut db = open_db(&server.db()).await;
    let answered = db_count(&mut db, "processed_commands").await;
    for (msg, code) in [
        (gift_msg("u", "diamond", 1, 1), RejectCode::UnknownGift),
        (gift_msg("z", "rose", 0, 1), RejectCode::QuantityLimit),
        (
            gift_msg("o", "rose", MAX_GIFT_COUNT + 1, 1),
            RejectCode::QuantityLimit,
        ),
        (gift_msg("c", "fan", 1, 5), RejectCode::PriceChanged),
    ] {
        assert_eq!(refused(&command(&mut tab, &msg).await), code, "{msg:?}");
    }
    assert_eq!(db_count(&mut db, "processed_commands").await, answered);
    assert_eq!(transactions(&mut db, "gift").await, 0);

    // Too dear: refused and nothing debited or stored; a retry is checked again.
    let dear = gift_msg("r", "rocket", 1, 999);
    let short = command(&mut tab, &dear).await;
    assert_eq!(refused(&short), RejectCode::InsufficientCoins);
    top_up(&mut tab, "t2", &pack(&welcome, "coins-100")).await;
    let still_short = command(&mut tab, &dear).await;
    assert_eq!(refused(&still_short), RejectCode::InsufficientCoins);
    assert_eq!(transactions(&mut db, "gift").await, 0);
    let account = format!("wallet:{}", welcome.you.id);
    assert_eq!(db_balance(&mut db, &account).await, 200);
    assert_eq!(db_balance(&mut db, "host_earnings:test").await, 0);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn the_leaderboard_and_wallets_survive_a_restart() {
    let server = server().await;
    let (mut ayu, a) = viewer(&server, None).await;
    let (mut budi, b) = viewer(&server, None).await;
    top_up(&mut ayu, "t", &pack(&a, "coins-100")).await;
    top_up(&mut budi, "t", &pack(&b, "coins-100")).await;
    command(&mut ayu, &gift_msg("g1", "fan", 1, 50)).await;
    command(&mut budi, &gift_msg("g1", "coffee", 3, 10)).await;
    command(&mut ayu, &gift_msg("g2", "rose", 5, 1)).await;
    // Both earned the first-gift badge; Budi's coffee joined the Fan Club (30 + 10 points: level 2).
    let patron = Some("patron".to_owned());
    let expected = vec![
        Gifter {
            viewer: Viewer {
                badge: patron.clone(),
                ..a.you.clone()
            },
            coins: 55,
        },
        Gifter {
            viewer: Viewer {
                club: Some(2),
                badge: patron,
                ..b.you.clone()
            },
            coins: 30,
        },
    ];
    let top = wait_for(&mut ayu, |msg| match msg {
        ServerMsg::Leaderboard { top, .. } if top.len() == 2 && top[0].coins == 55 => {
            Some(top.clone())
        }
        _ => None,
    })
    .await;
    assert_eq!(top, expected);
    drop((ayu, budi));

    let server = restart(server).await;
    let (_ayu, again) = viewer(&server, Some(&a.session.token)).await;
    assert_eq!(
        again.you, expected[0].viewer,
        "the same name after a restart"
    );
    assert_eq!(again.wallet.coins, 45);
    assert_eq!(again.show.leaderboard, expected);
    let (_budi, again) = viewer(&server, Some(&b.session.token)).await;
    assert_eq!(again.wallet.coins, 70);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn converting_earnings_credits_the_host_at_the_show_rate() {
    let server = server().await;
    assert_eq!(server.running.convert_earnings().await.unwrap(), None);
    let (mut tab, welcome) = viewer(&server, None).await;
    top_up(&mut tab, "t", &pack(&welcome, "coins-100")).await;
    command(&mut tab, &gift_msg("g1", "fan", 1, 50)).await;
    command(&mut tab, &gift_msg("g2", "rose", 7, 1)).await;

    let credit = server.running.convert_earnings().await.unwrap();
    let expected = HostCredit {
        coins: 57,
        credit: Money {
            minor: 57 * 8_000,
            currency: "IDR".into(),
        },
    };
    assert_eq!(credit, Some(expected));
    assert_eq!(server.running.convert_earnings().await.unwrap(), None);
    command(&mut tab, &gift_msg("g3", "coffee", 1, 10)).await;
    let second = server.running.convert_earnings().await.unwrap().unwrap();
    assert_eq!((second.coins, second.credit.minor), (10, 80_000));

    let mut db = open_db(&server.db()).await;
    assert_eq!(db_balance(&mut db, "host_earnings:test").await, 0);
    assert_eq!(db_balance(&mut db, "host_converted:test").await, 67);
    let credits: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT coins, rate_minor, amount_minor, currency FROM host_credits ORDER BY id",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(
        credits,
        [
            (57, 8_000, 456_000, "IDR".into()),
            (10, 8_000, 80_000, "IDR".into())
        ]
    );
    assert_eq!(transactions(&mut db, "convert").await, 2);
    // Converting does not change what viewers gave: the leaderboard stays.
    wait_for(&mut tab, |msg| match msg {
        ServerMsg::Leaderboard { top, .. } if top[0].coins == 67 => Some(()),
        _ => None,
    })
    .await;
    let (_late, late) = viewer(&server, None).await;
    assert_eq!(late.show.leaderboard[0].coins, 67);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn sessions_from_before_gifting_get_a_name() {
    use sqlx::{Connection, Executor};
    let mut db = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .unwrap();
    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let run = |name: &str| std::fs::read_to_string(migrations.join(name)).unwrap();
    db.execute(run("0001_init.sql").as_str()).await.unwrap();
    db.execute(run("0002_orders.sql").as_str()).await.unwrap();
    for n in 0..50 {
        sqlx::query("INSERT INTO sessions (token, created_at_ms) VALUES ($1, 0)")
            .bind(format!("token-{n}"))
            .execute(&mut db)
            .await
            .unwrap();
    }
    db.execute(run("0003_gifting.sql").as_str()).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM sessions")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(names.len(), 50);
    for name in &names {
        assert!(
            name.len() == 10
                && name.starts_with("user")
                && name[4..].bytes().all(|b| b.is_ascii_digit()),
            "{name}"
        );
    }
    assert!(
        names.iter().collect::<BTreeSet<_>>().len() > 40,
        "random: {names:?}"
    );
}
