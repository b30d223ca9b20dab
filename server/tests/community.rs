//! The community against the real server over real WebSockets: chat gathered
//! into few events, masked and kept as written; per-session limits; likes
//! totalled exactly with few events; missions completed and rewarded exactly
//! once whatever the retries and reconnects; watch time that never outruns
//! the clock; the Fan Club joined free or by gift; names, which may hide
//! nothing and pass for no one; chat lines without control or hidden
//! characters; and a ledger that still adds up.
mod common;

use std::time::Duration;

use common::*;
use lapak_protocol::{
    Activity, ChatEvent, ChatMessage, ClientMsg, Membership, RejectCode, Resume, ServerMsg,
    PROTOCOL_VERSION,
};
use tokio::time::Instant;

/// Every message until `done` holds for those seen so far.
async fn gather(socket: &mut Socket, done: impl Fn(&[ServerMsg]) -> bool) -> Vec<ServerMsg> {
    let mut seen = Vec::new();
    while !done(&seen) {
        seen.push(wait_for(socket, |msg| Some(msg.clone())).await);
    }
    seen
}

fn answered(seen: &[ServerMsg], id: &str) -> bool {
    seen.iter().any(|m| {
        matches!(m, ServerMsg::Ack { id: got, .. } | ServerMsg::Reject { id: got, .. } if got == id)
    })
}

fn lines_in(seen: &[ServerMsg]) -> Vec<lapak_protocol::ChatMessage> {
    seen.iter()
        .filter_map(|m| match m {
            ServerMsg::Chat { messages, .. } => Some(messages.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

async fn wallet_changed(socket: &mut Socket) -> u64 {
    wait_for(socket, |msg| match msg {
        ServerMsg::WalletChanged { wallet } => Some(wallet.coins),
        _ => None,
    })
    .await
}

/// Messages of a kind among those that arrive until the socket is quiet for 400 ms.
async fn quiet_count(socket: &mut Socket, kind: fn(&ServerMsg) -> bool) -> usize {
    let later = drain(socket, Duration::from_millis(400)).await;
    later.iter().filter(|m| kind(m)).count()
}

fn is_progress(msg: &ServerMsg) -> bool {
    matches!(msg, ServerMsg::Progress { .. })
}

fn is_chat(msg: &ServerMsg) -> bool {
    matches!(msg, ServerMsg::Chat { .. })
}

async fn assert_ledger_sound(server: &TestServer) {
    let mut db = open_db(&server.db()).await;
    let problems = ledger_problems(&mut db).await;
    assert!(problems.is_empty(), "{problems:?}");
}

/// What a session counted of an activity, from the database.
async fn counted(server: &TestServer, session: u64, activity: &str) -> i64 {
    let mut db = open_db(&server.db()).await;
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM activity_counts
         WHERE session_id = {session} AND activity = '{activity}'"
    );
    db_number(&mut db, &sql).await
}

#[tokio::test]
async fn chat_reaches_every_viewer_in_gathered_events_masked_and_as_written() {
    let server = server().await;
    let (mut ayu, a) = viewer(&server, None).await;
    let (mut budi, _) = viewer(&server, None).await;
    let (mut citra, _) = viewer(&server, None).await;
    let community = &a.show.community;
    assert_eq!(
        community.pinned.as_deref(),
        Some("Welcome to the test show")
    );
    assert!(community.chat.is_empty() && community.likes == 0);

    let hostile = "<img src=x onerror=alert(1)>";
    let sent = [
        ("c-1", "  Hello DARN world  "),
        ("c-2", hostile),
        ("c-3", "bodoh? darning!"),
    ];
    for (id, text) in sent {
        send(&mut ayu, &chat_msg(id, text)).await;
    }
    let expected = ["Hello **** world", hostile, "*****? darning!"];
    let seen = gather(&mut ayu, |seen| {
        sent.iter().all(|(id, _)| answered(seen, id)) && lines_in(seen).len() >= 3
    })
    .await;
    for (id, _) in sent {
        assert!(
            seen.iter()
                .any(|m| matches!(m, ServerMsg::Ack { id: got, .. } if got == id)),
            "{id} acknowledged: {seen:?}"
        );
    }
    let texts: Vec<String> = lines_in(&seen).into_iter().map(|l| l.text).collect();
    assert_eq!(texts, expected, "the sender sees its own lines");
    let acked: Vec<ChatMessage> = seen
        .iter()
        .filter_map(|m| match m {
            ServerMsg::Ack {
                chat: Some(line), ..
            } => Some(line.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        acked,
        lines_in(&seen),
        "each Ack carries its line as everyone sees it"
    );
    for socket in [&mut budi, &mut citra] {
        let (lines, events) = chat_lines(socket, 3).await;
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts, expected,
            "masked whole words only, markup kept as text"
        );
        assert!(events <= 2, "gathered, not an event per line: {events}");
        assert!(lines
            .iter()
            .all(|l| (l.from.id, &l.from.name) == (a.you.id, &a.you.name) && l.event.is_none()));
        // The third line completed the chat mission: its badge shows from that line on.
        let badges: Vec<Option<&str>> = lines.iter().map(|l| l.from.badge.as_deref()).collect();
        assert_eq!(badges, [None, None, Some("chatterbox")]);
        assert!(lines.windows(2).all(|w| w[0].id < w[1].id));
    }
    // A viewer arriving later finds the lines in its snapshot.
    let (_late, late) = viewer(&server, None).await;
    let texts: Vec<&str> = late
        .show
        .community
        .chat
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(texts, expected);
    assert_eq!(counted(&server, a.you.id, "comment").await, 3);
    server.running.stop().await;
}

#[tokio::test]
async fn empty_or_long_lines_are_refused_and_nothing_is_posted() {
    let server = server().await;
    let (mut tab, w) = viewer(&server, None).await;
    let (mut observer, _) = viewer(&server, None).await;
    let long = "x".repeat(151);
    for (id, text) in [("e-1", ""), ("e-2", " \n\t "), ("e-3", long.as_str())] {
        let reply = command(&mut tab, &chat_msg(id, text)).await;
        assert_eq!(refused(&reply), RejectCode::InvalidDetails, "{id}");
    }
    // 150 characters (after trimming) are fine; a retry of a refusal is checked
    // again and refused again, and no refusal is stored.
    let longest = format!("  {}  ", "é".repeat(150));
    ack(&mut tab, &chat_msg("ok", &longest)).await;
    let again = command(&mut tab, &chat_msg("e-1", "")).await;
    assert_eq!(refused(&again), RejectCode::InvalidDetails);
    let mut db = open_db(&server.db()).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT command_id FROM processed_commands")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(
        stored,
        ["ok"],
        "only the answer that changed something is kept"
    );
    let (lines, _) = chat_lines(&mut observer, 1).await;
    assert_eq!(lines[0].text, "é".repeat(150));
    assert_eq!(quiet_count(&mut observer, is_chat).await, 0, "nothing else");
    assert_eq!(counted(&server, w.you.id, "comment").await, 1);
    server.running.stop().await;
}

#[tokio::test]
async fn chat_is_limited_per_session_and_a_retry_is_not_counted_twice() {
    let server = server().await;
    let (mut tab, w) = viewer(&server, None).await;
    let (mut tab2, _) = viewer(&server, Some(&w.session.token)).await;
    let (mut other, _) = viewer(&server, None).await;
    let (mut observer, _) = viewer(&server, None).await;
    for i in 0..5 {
        ack(&mut tab, &chat_msg(&format!("r-{i}"), &format!("line {i}"))).await;
    }
    // The third line completed the chat mission; every tab of the session hears it.
    let completed = wait_for(&mut tab2, |msg| match msg {
        ServerMsg::Progress { completed, .. } if !completed.is_empty() => Some(completed.clone()),
        _ => None,
    })
    .await;
    assert_eq!(completed, ["comment-3"]);
    // The sixth line, even from another tab, is over the session's limit.
    let sixth = command(&mut tab2, &chat_msg("r-5", "line 5")).await;
    assert_eq!(refused(&sixth), RejectCode::RateLimited);
    // A retry of a posted line is answered again, with the same line, and posts nothing.
    let line_of = |reply| match reply {
        ServerMsg::Ack {
            chat: Some(line), ..
        } => line,
        other => panic!("expected an Ack with the line, got {other:?}"),
    };
    let first = line_of(command(&mut tab2, &chat_msg("r-0", "line 0")).await);
    assert_eq!(first.text, "line 0");
    // Other viewers have their own allowance.
    ack(&mut other, &chat_msg("o-0", "me too")).await;
    let (lines, _) = chat_lines(&mut observer, 6).await;
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        ["line 0", "line 1", "line 2", "line 3", "line 4", "me too"]
    );
    assert_eq!(lines[0], first, "the retry's line is the one posted");
    assert_eq!(quiet_count(&mut observer, is_chat).await, 0);
    // Refused lines were not stored: once the session may speak again, the same id goes through.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    ack(&mut tab2, &chat_msg("r-5", "line 5")).await;
    assert_eq!(chat_lines(&mut observer, 1).await.0[0].text, "line 5");
    assert_eq!(counted(&server, w.you.id, "comment").await, 6);
    let mut db = open_db(&server.db()).await;
    let completions = db_number(
        &mut db,
        "SELECT COUNT(*) FROM mission_completions WHERE mission_id = 'comment-3'",
    )
    .await;
    assert_eq!(completions, 1);
    server.running.stop().await;
}

#[tokio::test]
async fn likes_from_many_viewers_make_few_events_and_an_exact_total() {
    let server = server().await;
    let (mut watcher, _) = viewer(&server, None).await;
    let mut likers = Vec::new();
    for _ in 0..10 {
        likers.push(viewer(&server, None).await.0);
    }
    // Ten viewers send 20 batches of 3 likes each, as fast as they can, all at once.
    let tasks: Vec<_> = likers
        .into_iter()
        .enumerate()
        .map(|(n, mut socket)| {
            tokio::spawn(async move {
                for i in 0..20 {
                    send(&mut socket, &like_msg(&format!("{n}-{i}"), 3)).await;
                }
                let mut accepted = 0u64;
                for i in 0..20 {
                    match answer(&mut socket, &format!("{n}-{i}")).await {
                        ServerMsg::Ack { .. } => accepted += 1,
                        ServerMsg::Reject {
                            code: RejectCode::RateLimited,
                            ..
                        } => {}
                        other => panic!("{other:?}"),
                    }
                }
                (socket, accepted)
            })
        })
        .collect();
    let mut accepted = 0;
    let mut sockets = Vec::new();
    for task in tasks {
        let (socket, n) = task.await.unwrap();
        accepted += n;
        sockets.push(socket);
    }
    assert!(accepted >= 40, "every viewer's burst counts: {accepted}");
    assert!(
        accepted < 200,
        "faster than the batch rate counts nothing more"
    );
    let total = accepted * 3;
    let mut events = 0;
    loop {
        let now = wait_for(&mut watcher, |msg| match msg {
            ServerMsg::Likes { total, .. } => Some(*total),
            _ => None,
        })
        .await;
        events += 1;
        assert!(now <= total, "{now} > {total}");
        if now == total {
            break;
        }
    }
    assert!(events < 50, "{events} Likes events for 200 commands");
    let no_more = quiet_count(&mut watcher, |m| matches!(m, ServerMsg::Likes { .. })).await;
    assert_eq!(no_more, 0);
    // A batch of nothing is refused; a batch of too many is clamped.
    let liker = &mut sockets[0];
    let empty = command(liker, &like_msg("none", 0)).await;
    assert_eq!(refused(&empty), RejectCode::QuantityLimit);
    tokio::time::sleep(Duration::from_millis(600)).await;
    ack(liker, &like_msg("many", 1_000)).await;
    let (_late, late) = viewer(&server, None).await;
    let clamped = total + 30;
    assert!(late.show.community.likes == total || late.show.community.likes == clamped);
    // The total survives a restart: it is the sum of the likes counted.
    drop((watcher, sockets));
    let server = restart(server).await;
    let (_again, again) = viewer(&server, None).await;
    assert_eq!(again.show.community.likes, clamped);
    server.running.stop().await;
}

#[tokio::test]
async fn a_mission_is_rewarded_once_whatever_the_retries_and_reconnects() {
    let server = server().await;
    let (mut tab, w) = viewer(&server, None).await;
    let (mut tab2, _) = viewer(&server, Some(&w.session.token)).await;
    let (mut observer, _) = viewer(&server, None).await;
    let community = &w.show.community;
    assert_eq!(community.missions.len(), 5);
    assert_eq!(community.badges.len(), 3);
    assert_eq!(
        community.club.as_ref().unwrap().join_gift.as_deref(),
        Some("coffee")
    );
    assert_eq!(mission(&w.progress, "like-30"), (0, false));
    assert!(w.progress.badges.is_empty() && w.progress.journey.is_empty());
    assert!(w.progress.member.is_none() && w.progress.you == w.you);

    ack(&mut tab, &like_msg("l-1", 30)).await;
    for socket in [&mut tab, &mut tab2] {
        assert_eq!(wallet_changed(socket).await, 5, "the reward's coins");
        let (progress, completed) = next_progress(socket).await;
        assert_eq!(completed, ["like-30"]);
        assert_eq!(mission(&progress, "like-30"), (30, true));
        assert_eq!(mission(&progress, "daily-like-50"), (30, false));
        assert_eq!(progress.badges, ["heart-giver"]);
        assert_eq!(progress.you.badge.as_deref(), Some("heart-giver"));
        assert_eq!(progress.journey, [Activity::Like]);
        assert!(progress.member.is_none(), "points are for members");
    }
    // A retry is answered again and changes nothing.
    ack(&mut tab, &like_msg("l-1", 30)).await;
    assert_eq!(quiet_count(&mut tab2, is_progress).await, 0);

    // A resuming tab hears it in `Resumed`, a reconnecting one in its snapshot.
    let mut resumed = connect(&server.url()).await;
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        token: Some(w.session.token.clone()),
        show: None,
        resume: Some(Resume {
            epoch: w.epoch,
            seq: w.seq,
        }),
    };
    send(&mut resumed, &hello).await;
    match recv(&mut resumed).await {
        ServerMsg::Resumed { progress, .. } => {
            assert_eq!(mission(&progress, "like-30"), (30, true));
            assert_eq!(progress.badges, ["heart-giver"]);
        }
        other => panic!("expected Resumed, got {other:?}"),
    }
    // More likes after a reconnect do not complete it again.
    drop(tab);
    let (mut tab, again) = viewer(&server, Some(&w.session.token)).await;
    assert_eq!(again.wallet.coins, 5);
    assert_eq!(mission(&again.progress, "like-30"), (30, true));
    assert_eq!(again.you.badge.as_deref(), Some("heart-giver"));
    ack(&mut tab, &like_msg("l-2", 30)).await;
    assert_eq!(wallet_changed(&mut tab).await, 15);
    let (progress, completed) = next_progress(&mut tab).await;
    assert_eq!(
        completed,
        ["daily-like-50"],
        "the daily mission, not like-30 again"
    );
    assert_eq!(mission(&progress, "like-30"), (30, true));
    assert_eq!(mission(&progress, "daily-like-50"), (50, true));
    // Counts past every target change nothing the viewer sees: no Progress.
    ack(&mut tab, &like_msg("l-3", 30)).await;
    assert_eq!(quiet_count(&mut tab, is_progress).await, 0);

    // The badge shows beside the name in the chat.
    ack(&mut tab, &chat_msg("hi", "terima kasih!")).await;
    let (lines, _) = chat_lines(&mut observer, 1).await;
    assert_eq!(lines[0].from.badge.as_deref(), Some("heart-giver"));
    assert_eq!(lines[0].from.name, w.you.name);

    let mut db = open_db(&server.db()).await;
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT mission_id, period_key FROM mission_completions ORDER BY id")
            .fetch_all(&mut db)
            .await
            .unwrap();
    let today = time::OffsetDateTime::now_utc().date().to_string();
    assert_eq!(
        rows,
        [
            ("like-30".to_owned(), "show".to_owned()),
            ("daily-like-50".to_owned(), today)
        ]
    );
    let rewards = db_number(
        &mut db,
        "SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'reward'",
    )
    .await;
    assert_eq!(rewards, 2);
    let account = format!("wallet:{}", w.you.id);
    assert_eq!(db_balance(&mut db, &account).await, 15);
    assert_eq!(db_balance(&mut db, "coins_issued").await, -15);
    assert_eq!(counted(&server, w.you.id, "like").await, 90);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn heartbeats_never_credit_more_than_the_time_that_passed() {
    let server = server_with(|c| {
        c.rate_burst = 100_000;
        c.rate_per_second = 100_000;
    })
    .await;
    let (mut tab, w) = viewer(&server, None).await;
    let heartbeat = |id: String| ClientMsg::Heartbeat { id };
    let started = Instant::now();
    for i in 0..200 {
        send(&mut tab, &heartbeat(format!("h-{i}"))).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for i in 0..200 {
        let reply = answer(&mut tab, &format!("h-{i}")).await;
        assert!(matches!(reply, ServerMsg::Ack { .. }), "{reply:?}");
    }
    let elapsed = started.elapsed().as_secs();
    let watched = counted(&server, w.you.id, "watch_seconds").await;
    assert!(
        (1..=elapsed as i64).contains(&watched),
        "{watched} s credited in {elapsed} s"
    );
    // A new tab's first heartbeat credits nothing; retries are credited from
    // the same clock, so they never bring the total past the time that passed.
    let (mut tab2, _) = viewer(&server, Some(&w.session.token)).await;
    ack(&mut tab2, &heartbeat("first".into())).await;
    ack(&mut tab, &heartbeat("h-0".into())).await;
    ack(&mut tab, &heartbeat("h-199".into())).await;
    let watched = counted(&server, w.you.id, "watch_seconds").await;
    let elapsed = started.elapsed().as_secs() as i64;
    assert!(watched <= elapsed, "{watched} s credited in {elapsed} s");
    // Nothing is kept per heartbeat: a watching audience leaves no rows behind.
    let mut db = open_db(&server.db()).await;
    let kept: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM processed_commands WHERE command_id LIKE 'h-%' OR command_id = 'first'",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(kept, 0);
    server.running.stop().await;
}

#[tokio::test]
async fn the_club_is_joined_by_its_gift_and_members_level_up_in_the_chat() {
    let server = server().await;
    let (mut tab, w) = viewer(&server, None).await;
    let (mut observer, _) = viewer(&server, None).await;
    let join = ClientMsg::JoinClub { id: "j-1".into() };
    assert_eq!(
        refused(&command(&mut tab, &join).await),
        RejectCode::BadRequest,
        "this club is joined by sending its gift"
    );
    top_up(&mut tab, "t", &pack(&w, "coins-100")).await;
    let sent = command(&mut tab, &gift_msg("g-1", "coffee", 1, 10)).await;
    assert_eq!(wallet_of(&sent), 90);
    let (progress, completed) = next_progress(&mut tab).await;
    assert_eq!(completed, ["gift-1"]);
    // 10 points for the coffee's coins, 10 for the first-gift mission.
    assert_eq!(
        progress.member,
        Some(Membership {
            level: 1,
            points: 20
        })
    );
    assert_eq!(progress.journey, [Activity::Gift, Activity::JoinClub]);
    assert_eq!(progress.you.club, Some(1));
    assert_eq!(progress.you.badge.as_deref(), Some("patron"));
    // 50 more coins reach 30 points: level 2.
    command(&mut tab, &gift_msg("g-2", "fan", 1, 50)).await;
    let (progress, completed) = next_progress(&mut tab).await;
    assert!(completed.is_empty());
    assert_eq!(
        progress.member,
        Some(Membership {
            level: 2,
            points: 70
        })
    );
    // Another coffee from a member adds points and joins nothing.
    command(&mut tab, &gift_msg("g-3", "coffee", 1, 10)).await;
    let (progress, _) = next_progress(&mut tab).await;
    assert_eq!(
        progress.member,
        Some(Membership {
            level: 2,
            points: 80
        })
    );

    let (lines, _) = chat_lines(&mut observer, 2).await;
    let events: Vec<_> = lines.iter().map(|l| (l.event, l.from.club)).collect();
    assert_eq!(
        events,
        [
            (Some(ChatEvent::JoinedClub), Some(1)),
            (Some(ChatEvent::LevelUp { level: 2 }), Some(2))
        ]
    );
    assert!(lines
        .iter()
        .all(|l| l.from.id == w.you.id && l.text.is_empty()));
    assert_eq!(quiet_count(&mut observer, is_chat).await, 0);

    drop(tab);
    let (_tab, again) = viewer(&server, Some(&w.session.token)).await;
    assert_eq!(
        again.progress.member,
        Some(Membership {
            level: 2,
            points: 80
        })
    );
    assert_eq!(again.you.club, Some(2));
    assert_eq!(again.you.badge.as_deref(), Some("patron"));
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}

#[tokio::test]
async fn a_free_club_is_joined_once_with_join_club() {
    let server = server_for("club-show.toml").await;
    let (mut tab, w) = viewer(&server, None).await;
    let (mut observer, _) = viewer(&server, None).await;
    let club = w.show.community.club.clone().unwrap();
    assert_eq!((club.name.as_str(), club.join_gift), ("Open Circle", None));
    let join = |id: &str| ClientMsg::JoinClub { id: id.into() };
    ack(&mut tab, &join("j-1")).await;
    let (progress, completed) = next_progress(&mut tab).await;
    assert_eq!(completed, ["join"]);
    // The join mission's 25 points reach level 2 at once.
    assert_eq!(
        progress.member,
        Some(Membership {
            level: 2,
            points: 25
        })
    );
    assert_eq!(progress.journey, [Activity::JoinClub]);
    // Joining again, or retrying, is acknowledged and changes nothing.
    ack(&mut tab, &join("j-2")).await;
    ack(&mut tab, &join("j-1")).await;
    assert_eq!(quiet_count(&mut tab, is_progress).await, 0);
    let (lines, _) = chat_lines(&mut observer, 2).await;
    let events: Vec<_> = lines.iter().map(|l| l.event).collect();
    assert_eq!(
        events,
        [
            Some(ChatEvent::JoinedClub),
            Some(ChatEvent::LevelUp { level: 2 })
        ]
    );
    assert_eq!(quiet_count(&mut observer, is_chat).await, 0);
    let mut db = open_db(&server.db()).await;
    assert_eq!(db_count(&mut db, "club_members").await, 1);
    server.running.stop().await;
}

#[tokio::test]
async fn a_show_without_a_community_table_still_has_chat_and_likes() {
    let server = server_for("props-show.toml").await;
    let (mut tab, w) = viewer(&server, None).await;
    let community = &w.show.community;
    assert!(
        community.club.is_none() && community.missions.is_empty() && community.badges.is_empty()
    );
    let join = command(&mut tab, &ClientMsg::JoinClub { id: "j".into() }).await;
    assert_eq!(refused(&join), RejectCode::BadRequest);
    ack(&mut tab, &chat_msg("c", "no blocklist: darn")).await;
    ack(&mut tab, &like_msg("l", 5)).await;
    let seen = gather(&mut tab, |seen| {
        !lines_in(seen).is_empty()
            && seen
                .iter()
                .any(|m| matches!(m, ServerMsg::Likes { total: 5, .. }))
    })
    .await;
    assert_eq!(lines_in(&seen)[0].text, "no blocklist: darn");
    server.running.stop().await;
}

#[tokio::test]
async fn names_are_checked_masked_and_shown_in_the_chat() {
    let server = server().await;
    let (mut tab, w) = viewer(&server, None).await;
    let (mut observer, _) = viewer(&server, None).await;
    let set = |id: &str, name: &str| ClientMsg::SetName {
        id: id.into(),
        name: name.into(),
    };
    let long = "x".repeat(25);
    for (id, name) in [
        ("n-1", " a "),
        ("n-2", long.as_str()),
        ("n-3", "bad\u{7}name"),
        ("n-4", "   "),
    ] {
        let reply = command(&mut tab, &set(id, name)).await;
        assert_eq!(refused(&reply), RejectCode::InvalidDetails, "{id}");
    }
    ack(&mut tab, &set("n-5", "  Dewi darn  ")).await;
    let (progress, _) = next_progress(&mut tab).await;
    assert_eq!(progress.you.name, "Dewi ****");
    assert_eq!(progress.you.id, w.you.id);
    ack(&mut tab, &chat_msg("c", "halo semua")).await;
    let (lines, _) = chat_lines(&mut observer, 1).await;
    assert_eq!(lines[0].from.name, "Dewi ****");
    drop(tab);
    let (_tab, again) = viewer(&server, Some(&w.session.token)).await;
    assert_eq!(again.you.name, "Dewi ****");
    assert_eq!(again.progress.you, again.you);
    server.running.stop().await;
}

fn set_name(id: &str, name: &str) -> ClientMsg {
    ClientMsg::SetName {
        id: id.into(),
        name: name.into(),
    }
}

/// The `Reject` message for a refused command, after checking its code.
fn invalid_details(reply: &ServerMsg, what: &str) -> String {
    match reply {
        ServerMsg::Reject {
            code: RejectCode::InvalidDetails,
            message,
            ..
        } => message.clone(),
        other => panic!("expected InvalidDetails for {what}, got {other:?}"),
    }
}

#[tokio::test]
async fn names_that_hide_or_reorder_characters_are_refused_without_echoing_them() {
    let server = server().await;
    let (mut tab, _) = viewer(&server, None).await;
    let names = [
        "Budi\u{202E}ecnalab",
        "\u{2066}Budi\u{2069}",
        "\u{202B}Budi\u{202C}",
        "Bu\u{200F}di",
        "ad\u{200B}min",
        "Ti\u{200D}na",
        "Bu\u{00AD}di",
        "Budi\u{FE0F}",
        "\u{3164}\u{3164}",
        "Budi\u{E000}",
    ];
    for (n, name) in names.iter().enumerate() {
        let reply = command(&mut tab, &set_name(&format!("h-{n}"), name)).await;
        let message = invalid_details(&reply, name);
        assert!(
            !message.contains("Budi") && message.len() < 120,
            "{message}"
        );
    }
    assert_eq!(
        quiet_count(&mut tab, is_progress).await,
        0,
        "no name changed"
    );
    server.running.stop().await;
}

#[tokio::test]
async fn names_that_pass_for_the_host_or_the_staff_are_refused() {
    let server = server().await;
    let (mut tab, welcome) = viewer(&server, None).await;
    assert_eq!(welcome.show.host.name, "Tester");
    // Cyrillic е and і; a zero; a capital I for an l; case; words run together.
    let names = [
        "Tеster",
        "TESTER",
        "tester official",
        "H0st",
        "Admіn",
        "ADMIN",
        "Lapak Official",
        "Tuan Rumah",
        "Mod",
    ];
    for (n, name) in names.iter().enumerate() {
        let reply = command(&mut tab, &set_name(&format!("l-{n}"), name)).await;
        invalid_details(&reply, name);
    }
    assert_eq!(
        quiet_count(&mut tab, is_progress).await,
        0,
        "no name changed"
    );
    server.running.stop().await;
}

#[tokio::test]
async fn ordinary_names_of_many_scripts_are_accepted_in_nfc() {
    let server = server().await;
    let (mut tab, _) = viewer(&server, None).await;
    let names = [
        ("Budi", "Budi"),
        ("Siti  Nur", "Siti Nur"),
        ("김민지", "김민지"),
        ("Jose\u{301}", "José"),
        ("Дмитрий", "Дмитрий"),
        ("محمد", "محمد"),
        ("Ghost Rider", "Ghost Rider"),
    ];
    for (n, (sent, kept)) in names.into_iter().enumerate() {
        ack(&mut tab, &set_name(&format!("o-{n}"), sent)).await;
        let (progress, _) = next_progress(&mut tab).await;
        assert_eq!(progress.you.name, kept);
    }
    server.running.stop().await;
}

#[tokio::test]
async fn chat_lines_with_nul_are_refused_and_hidden_characters_dropped() {
    let server = server().await;
    let (mut tab, _) = viewer(&server, None).await;
    let (mut observer, _) = viewer(&server, None).await;
    for (id, text) in [
        ("z-1", "nul\0byte"),
        ("z-2", "esc\u{1b}[2J"),
        ("z-3", "\u{200B}\u{2060}"),
    ] {
        let reply = command(&mut tab, &chat_msg(id, text)).await;
        invalid_details(&reply, text);
    }
    let sent = [
        ("c-1", "da\u{200B}rn it"),
        ("c-2", "\u{202E}olleh\u{202C} says Budi"),
        ("c-3", "two\nlines"),
        ("c-4", "👩\u{200D}💻 ❤\u{FE0F}"),
    ];
    for (id, text) in sent {
        ack(&mut tab, &chat_msg(id, text)).await;
    }
    let (lines, _) = chat_lines(&mut observer, sent.len()).await;
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "**** it",
            "olleh says Budi",
            "two lines",
            "👩\u{200D}💻 ❤\u{FE0F}"
        ]
    );
    server.running.stop().await;
}

#[tokio::test]
async fn carting_sharing_and_buying_grow_the_journey() {
    let server = server().await;
    let (mut tab, _) = viewer(&server, None).await;
    acked(&mut tab, &add("a-1", "jar", "default", 1)).await;
    let (progress, completed) = next_progress(&mut tab).await;
    assert!(completed.is_empty());
    assert_eq!(progress.journey, [Activity::AddToCart]);
    // A second add changes nothing a viewer sees: no mission counts it.
    acked(&mut tab, &add("a-2", "jar", "default", 1)).await;
    assert_eq!(quiet_count(&mut tab, is_progress).await, 0);
    ack(&mut tab, &ClientMsg::Share { id: "s-1".into() }).await;
    let (progress, completed) = next_progress(&mut tab).await;
    assert_eq!(completed, ["share-1"]);
    assert_eq!(progress.journey, [Activity::AddToCart, Activity::Share]);
    let quoted = quote(&mut tab, "q").await;
    let placed = checkout(
        &mut tab,
        "buy",
        &request_from(&quoted, "std", lapak_server::payment::APPROVE),
    )
    .await;
    assert!(
        matches!(placed, ServerMsg::Ack { order: Some(_), .. }),
        "{placed:?}"
    );
    let (progress, _) = next_progress(&mut tab).await;
    assert_eq!(
        progress.journey,
        [Activity::AddToCart, Activity::Share, Activity::Buy]
    );
    server.running.stop().await;
}

#[tokio::test]
async fn the_ledger_keeps_its_rows_and_ids_through_the_community_migration() {
    use sqlx::ConnectOptions;
    if on_postgres() {
        return; // an SQLite file's upgrade: PostgreSQL starts from the whole schema
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lapak.db");
    // A database as the gifting release left it: migrations 1 to 3, and coins in it.
    let old = dir.path().join("old-migrations");
    std::fs::create_dir(&old).unwrap();
    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for name in ["0001_init.sql", "0002_orders.sql", "0003_gifting.sql"] {
        std::fs::copy(migrations.join(name), old.join(name)).unwrap();
    }
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true)
        .connect()
        .await
        .unwrap();
    let migrator = sqlx::migrate::Migrator::new(old.as_path()).await.unwrap();
    migrator.run(&mut conn).await.unwrap();
    sqlx::raw_sql(
        "INSERT INTO sessions (id, token, name, created_at_ms) VALUES (1, 'old-token', 'user000001', 1);
         INSERT INTO ledger_transactions (id, kind, session_id, command_id, gift_id, gift_count, created_at_ms)
         VALUES (1, 'top_up', 1, 'c-1', NULL, NULL, 1), (2, 'gift', 1, 'c-2', 'rose', 10, 2),
                (3, 'convert', NULL, NULL, NULL, NULL, 3);
         INSERT INTO ledger_entries (transaction_id, account, coins) VALUES
             (1, 'coins_issued', -100), (1, 'wallet:1', 100),
             (2, 'wallet:1', -10), (2, 'host_earnings:test', 10),
             (3, 'host_earnings:test', -10), (3, 'host_converted:test', 10);
         INSERT INTO balances (account, coins) VALUES ('coins_issued', -100), ('wallet:1', 90),
             ('host_earnings:test', 0), ('host_converted:test', 10);
         INSERT INTO host_credits (show_id, transaction_id, coins, rate_minor, amount_minor, currency, created_at_ms)
         VALUES ('test', 3, 10, 8000, 80000, 'IDR', 3);",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    drop(conn);

    let running = lapak_server::start(config(path)).await.unwrap();
    let server = TestServer { running, dir };
    let mut db = open_db(&server.db()).await;
    let kept: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT id, kind, gift_id FROM ledger_transactions ORDER BY id")
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(
        kept,
        [
            (1, "top_up".to_owned(), None),
            (2, "gift".to_owned(), Some("rose".to_owned())),
            (3, "convert".to_owned(), None)
        ]
    );
    assert_eq!(db_count(&mut db, "host_credits").await, 1);
    assert_ledger_sound(&server).await;

    // The old session earns a reward; ids carry on after the old ones.
    let (mut tab, w) = viewer(&server, Some("old-token")).await;
    assert_eq!((w.you.id, w.wallet.coins), (1, 90));
    assert_eq!(w.show.leaderboard[0].coins, 10, "the old gift still counts");
    ack(&mut tab, &like_msg("l", 30)).await;
    assert_eq!(wallet_changed(&mut tab).await, 95);
    let reward = db_number(
        &mut db,
        "SELECT id FROM ledger_transactions WHERE kind = 'reward'",
    )
    .await;
    assert_eq!(reward, 4);
    assert_ledger_sound(&server).await;
    server.running.stop().await;
}
