//! Replays: the log drives what goes over the recording, following the picture.
use super::*;
use lapak_protocol::replay::{ReplayInfo, ReplayLog};
use lapak_protocol::{ChatMessage, GiftStreak, Viewer};

/// Programme time the replay starts at.
const T0: i64 = 1_764_748_800_000;
/// A frame at 25 fps.
const FRAME_MS: i64 = 40;
const LOG_URL: &str = "/api/v1/shows/demo/replay/log";

fn info() -> ReplayInfo {
    ReplayInfo {
        video_url: "/hls/demo/replay.m3u8".into(),
        log_url: LOG_URL.into(),
        starts_ms: T0,
        ends_ms: T0 + 600_000,
        chat: true,
    }
}

/// The test show, ended, offering `info`'s replay.
fn replay_welcome(info: ReplayInfo) -> Msg {
    let ServerMsg::Welcome(mut welcome) = welcome(10, Cart::default()) else {
        unreachable!()
    };
    welcome.show.on_air = lapak_protocol::OnAir::Ended;
    welcome.show.replay = Some(info);
    Msg::Server(ServerMsg::Welcome(welcome))
}

fn chat_line(id: u64, text: &str) -> ServerMsg {
    ServerMsg::Chat {
        seq: 0,
        messages: vec![ChatMessage {
            id,
            from: Viewer {
                id: 40 + id,
                name: format!("viewer {id}"),
                ..Viewer::default()
            },
            text: text.into(),
            event: None,
        }],
    }
}

fn replay_deal() -> Deal {
    Deal {
        starts_at_ms: T0 + 30_000,
        ends_at_ms: T0 + 60_000,
        ..deal(8)
    }
}

/// What happened in the show: the tote pinned at 10 s, a flash deal from 30
/// to 60 s, likes and viewers at 90 s, a chat line at 2 min, a gift at 3 min.
fn log() -> ReplayLog {
    let pinned = ServerMsg::Pinned {
        seq: 0,
        pin: Pin {
            at: T0 + 10_000,
            ..pin("tote")
        },
    };
    let gifted = ServerMsg::Gifted {
        seq: 0,
        streak: GiftStreak {
            id: 1,
            from: you(),
            gift_id: "rose".into(),
            count: 1,
        },
    };
    ReplayLog {
        starts_ms: T0,
        ends_ms: T0 + 600_000,
        events: vec![
            (T0 + 10_000, pinned),
            (
                T0 + 30_000,
                ServerMsg::DealStarted {
                    seq: 0,
                    deal: replay_deal(),
                },
            ),
            (
                T0 + 60_000,
                ServerMsg::DealEnded {
                    seq: 0,
                    deal_id: replay_deal().id,
                    stopped: false,
                },
            ),
            (T0 + 90_000, ServerMsg::Likes { seq: 0, total: 250 }),
            (T0 + 90_000, ServerMsg::ViewerCount { seq: 0, count: 321 }),
            (T0 + 120_000, chat_line(501, "is the tote waterproof?")),
            (T0 + 180_000, gifted),
        ],
    }
}

/// A viewer of the replay, its log loaded.
fn replaying() -> State {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    apply(&mut state, replay_welcome(info()));
    let url = LOG_URL.to_owned();
    apply(&mut state, Msg::ReplayLoaded { url, log: log() });
    state
}

/// The picture moves to `at`, told to the store as the player tells it:
/// only when the store says it matters.
fn picture_at(state: &mut State, at: i64) {
    if state.playhead_matters(Some(at)) {
        apply(state, Msg::Playhead(Some(at)));
    }
}

fn tagged(state: &State) -> Vec<&str> {
    state.pins.iter().map(|p| p.product_id.as_str()).collect()
}

fn chat_texts(state: &State) -> Vec<&str> {
    state
        .community
        .chat
        .iter()
        .map(|m| m.text.as_str())
        .collect()
}

#[test]
fn a_welcome_with_a_replay_asks_for_its_log_and_starts_at_its_beginning() {
    let mut state = State {
        asset_base: "https://lapak.example".into(),
        ..State::default()
    };
    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, replay_welcome(info()));
    let url = format!("https://lapak.example{LOG_URL}");
    assert!(effects.contains(&Effect::LoadReplay { url }), "{effects:?}");
    let replay = state.replay.info.as_ref().expect("in replay mode");
    assert_eq!(
        replay.video_url,
        "https://lapak.example/hls/demo/replay.m3u8"
    );
    assert_eq!(state.replay.log, Log::Loading);
    assert_eq!(state.replay.seek.map(|s| s.to_ms), Some(T0));
    assert!(
        state.pins.is_empty() && state.community.chat.is_empty(),
        "the ended show's last tags and chat are not the replay's"
    );
}

#[test]
fn a_link_opens_the_replay_at_its_offset_kept_within_the_replay() {
    for (offset, start) in [(90_000, T0 + 90_000), (9_000_000, T0 + 600_000)] {
        let mut state = State {
            start_offset_ms: Some(offset),
            ..State::default()
        };
        apply(&mut state, Msg::Opened);
        apply(&mut state, replay_welcome(info()));
        assert_eq!(state.replay.seek.map(|s| s.to_ms), Some(start));
    }
}

#[test]
fn a_tag_shows_on_its_own_frame_and_not_the_frame_before() {
    let mut state = replaying();
    picture_at(&mut state, T0);
    assert!(tagged(&state).is_empty());
    picture_at(&mut state, T0 + 10_000 - FRAME_MS);
    assert!(tagged(&state).is_empty(), "one frame early");
    picture_at(&mut state, T0 + 10_000);
    assert_eq!(tagged(&state), ["tote"]);
}

#[test]
fn a_chat_line_from_minute_two_shows_at_minute_two_and_not_at_minute_one() {
    let mut state = replaying();
    picture_at(&mut state, T0 + 60_000);
    assert!(chat_texts(&state).is_empty());
    picture_at(&mut state, T0 + 120_000);
    assert_eq!(chat_texts(&state), ["is the tote waterproof?"]);
}

#[test]
fn seeking_back_changes_the_moment_at_once() {
    let mut state = replaying();
    picture_at(&mut state, T0 + 150_000);
    assert_eq!(
        (state.community.likes, state.viewers, tagged(&state).len()),
        (250, 321, 1)
    );
    assert_eq!(chat_texts(&state).len(), 1);
    picture_at(&mut state, T0 + 5_000);
    assert!(chat_texts(&state).is_empty());
    assert!(tagged(&state).is_empty());
    assert_eq!((state.community.likes, state.viewers), (0, 0));
}

#[test]
fn a_deal_of_the_moment_is_a_past_deal_never_a_live_one() {
    let mut state = replaying();
    picture_at(&mut state, T0 + 40_000);
    assert_eq!(state.replay.deals, [replay_deal()]);
    assert!(state.deals.is_empty(), "prices follow the live deals only");
    let tote = state.product("tote").unwrap().clone();
    assert_eq!(state.unit_price(&tote), tote.price, "today's price");
    picture_at(&mut state, T0 + 70_000);
    assert!(state.replay.deals.is_empty());
}

#[test]
fn a_live_deal_prices_and_shows_during_a_replay() {
    let mut state = replaying();
    picture_at(&mut state, T0 + 40_000);
    let today = Deal {
        id: "tote@today".into(),
        starts_at_ms: T0 + 86_400_000,
        ends_at_ms: T0 + 86_500_000,
        ..deal(8)
    };
    let started = ServerMsg::DealStarted {
        seq: 11,
        deal: today.clone(),
    };
    apply(&mut state, Msg::Server(started));
    assert_eq!(state.deals, [today]);
    assert!(
        state.held_deals.is_empty(),
        "a replay's picture is from the past: today's deal is not held for it"
    );
}

#[test]
fn only_frames_that_cross_an_event_of_the_log_reach_the_store() {
    let mut state = replaying();
    picture_at(&mut state, T0 + 100_000);
    assert!(!state.playhead_matters(Some(T0 + 110_000)));
    assert!(state.playhead_matters(Some(T0 + 120_000)), "the chat line");
    assert!(state.playhead_matters(Some(T0 + 99_000)), "a seek back");
}

#[test]
fn the_gift_lane_follows_the_picture_and_empties_when_its_time_runs_out() {
    let mut state = replaying();
    picture_at(&mut state, T0 + 181_000);
    let lane = &state.gifting.lane.entries;
    assert_eq!(lane.len(), 1);
    assert!(lane[0].mine, "the viewer's own gift, back then");
    apply(&mut state, Msg::Tick { now_ms: 1 });
    apply(&mut state, Msg::Tick { now_ms: 100_000 });
    assert_eq!(
        state.gifting.lane.entries.len(),
        1,
        "the device clock does not time a replay's lane"
    );
    let gone = T0 + 180_000 + lapak_protocol::replay::LANE_MS;
    assert!(!state.playhead_matters(Some(gone - FRAME_MS)));
    assert!(
        state.playhead_matters(Some(gone)),
        "no event, but time ran out"
    );
    picture_at(&mut state, gone);
    assert!(state.gifting.lane.entries.is_empty());
}

#[test]
fn live_events_do_not_overwrite_what_the_replay_shows() {
    let mut state = replaying();
    picture_at(&mut state, T0 + 120_000);
    let live = [
        ServerMsg::Chat {
            seq: 11,
            messages: Vec::new(),
        },
        ServerMsg::ViewerCount { seq: 12, count: 2 },
        ServerMsg::Unpinned {
            seq: 13,
            product_id: "tote".into(),
            at: T0 + 11_000,
        },
    ];
    for event in live {
        apply(&mut state, Msg::Server(event));
    }
    assert_eq!(chat_texts(&state).len(), 1);
    assert_eq!(state.viewers, 321);
    assert_eq!(tagged(&state), ["tote"]);
    assert_eq!(state.seq, 13, "still counted: no gap");
}

#[test]
fn a_reconnect_to_the_same_replay_keeps_its_index_and_its_moment() {
    let mut state = replaying();
    picture_at(&mut state, T0 + 120_000);
    let index = state.replay.log.clone();
    let seek = state.replay.seek;
    apply(&mut state, Msg::Closed { retry_in_ms: 500 });
    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, replay_welcome(info()));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadReplay { .. })),
        "{effects:?}"
    );
    assert_eq!(state.replay.log, index, "the same index, not a copy");
    assert_eq!(state.replay.seek, seek, "the picture stays where it is");
    assert_eq!(chat_texts(&state), ["is the tote waterproof?"]);
    assert_eq!(tagged(&state), ["tote"]);
    assert_eq!(state.viewers, 321, "the moment's, not the snapshot's");
}

#[test]
fn a_changed_replay_is_loaded_again_and_its_old_log_dropped() {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    apply(&mut state, replay_welcome(info()));
    let trimmed = ReplayInfo {
        starts_ms: T0 + 5_000,
        log_url: format!("{LOG_URL}?v=2"),
        ..info()
    };
    let effects = apply(&mut state, replay_welcome(trimmed.clone()));
    let url = trimmed.log_url.clone();
    assert!(effects.contains(&Effect::LoadReplay { url: url.clone() }));
    let stale = LOG_URL.to_owned();
    apply(
        &mut state,
        Msg::ReplayLoaded {
            url: stale,
            log: log(),
        },
    );
    assert_eq!(
        state.replay.log,
        Log::Loading,
        "an answer for the old replay"
    );
    apply(&mut state, Msg::ReplayLoaded { url, log: log() });
    assert!(state.replay.index().is_some());
}

#[test]
fn a_log_that_cannot_be_loaded_leaves_the_picture_bare_and_says_so() {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    apply(&mut state, replay_welcome(info()));
    apply(&mut state, Msg::Playhead(Some(T0 + 120_000)));
    apply(
        &mut state,
        Msg::ReplayFailed {
            url: LOG_URL.into(),
        },
    );
    assert_eq!(state.replay.log, Log::Failed);
    assert!(state.pins.is_empty() && state.community.chat.is_empty());
    assert_eq!(
        state.notice.as_ref().map(|n| n.kind),
        Some(NoticeKind::ReplayUnavailable)
    );
    assert!(state.replay.is_on(), "the recording plays on");
    apply(&mut state, Msg::Opened);
    let effects = apply(&mut state, replay_welcome(info()));
    let url = LOG_URL.to_owned();
    assert!(
        effects.contains(&Effect::LoadReplay { url }),
        "a reconnect tries again"
    );
}

#[test]
fn a_hidden_chat_is_not_replayed() {
    let mut state = State::default();
    apply(&mut state, Msg::Opened);
    let info = ReplayInfo {
        chat: false,
        ..info()
    };
    apply(&mut state, replay_welcome(info));
    let url = LOG_URL.to_owned();
    apply(&mut state, Msg::ReplayLoaded { url, log: log() });
    picture_at(&mut state, T0 + 150_000);
    assert!(state.community.chat.is_empty());
    assert_eq!(state.community.likes, 250);
}

#[test]
fn seeks_stay_within_the_replay_and_each_is_its_own() {
    let mut state = replaying();
    apply(&mut state, Msg::Seek { to_ms: T0 + 30_000 });
    let first = state.replay.seek.unwrap();
    apply(&mut state, Msg::Seek { to_ms: T0 + 30_000 });
    let again = state.replay.seek.unwrap();
    assert_eq!((first.to_ms, again.to_ms), (T0 + 30_000, T0 + 30_000));
    assert_ne!(first, again, "the same moment asked twice moves twice");
    apply(&mut state, Msg::Seek { to_ms: T0 - 5_000 });
    assert_eq!(state.replay.seek.unwrap().to_ms, T0);
    let mut live = live();
    apply(&mut live, Msg::Seek { to_ms: T0 });
    assert_eq!(live.replay.seek, None, "a live show is not seeked");
}

#[test]
fn sharing_a_moment_copies_a_link_at_its_second_and_counts_as_a_share() {
    let mut state = replaying();
    let share = Msg::ShareMoment {
        id: "s1".into(),
        at_ms: T0 + 90_750,
    };
    let effects = apply(&mut state, share);
    assert_eq!(
        effects,
        [
            Effect::CopyLinkAt { seconds: 90 },
            Effect::Send(ClientMsg::Share { id: "s1".into() })
        ]
    );
    assert!(matches!(
        state.community.toasts.last().map(|t| &t.kind),
        Some(ToastKind::LinkCopied)
    ));
}

#[test]
fn nothing_is_said_or_liked_to_a_replay() {
    let mut state = replaying();
    let chat = apply(
        &mut state,
        Msg::Chat {
            id: "c1".into(),
            text: "hi".into(),
        },
    );
    let like = apply(
        &mut state,
        Msg::Like {
            id: "l1".into(),
            now_ms: 0,
        },
    );
    assert!(chat.is_empty() && like.is_empty());
    assert!(state.outbox.is_empty() && state.community.batch.is_none());
}
