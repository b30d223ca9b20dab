//! Chat, likes, watch time, missions and the Fan Club in the reducer.
use super::*;
use lapak_protocol::{
    Activity, Badge, ChatEvent, ChatMessage, FanClub, Membership, Mission, MissionProgress, Period,
    Reward, CHAT_HISTORY, LIKE_BATCH_MS, MAX_LIKES_PER_BATCH,
};

use crate::store::community::{HEART_MS, MAX_HEARTS, MAX_TOASTS};

/// The community side of the test show: a free club, two missions, two badges.
pub fn show_side() -> lapak_protocol::Community {
    let mission = |id: &str, counts, target, badge: &str| Mission {
        id: id.into(),
        counts,
        target,
        period: Period::Show,
        reward: Reward {
            badge: Some(badge.into()),
            points: 10,
            coins: 5,
            coupon: None,
        },
    };
    let badge = |id: &str| Badge {
        id: id.into(),
        name: format!("{id} name"),
        image_url: format!("/media/badges/{id}.svg"),
    };
    lapak_protocol::Community {
        pinned: Some("Free shipping today".into()),
        pinned_translations: [("id".to_owned(), "Gratis ongkir hari ini".to_owned())].into(),
        slow_mode_s: 0,
        chat: vec![line(1, "hello")],
        likes: 100,
        club: Some(FanClub {
            name: "Ayu's Circle".into(),
            join_gift: None,
            levels: vec![0, 30, 100],
        }),
        missions: vec![
            mission("like-30", Activity::Like, 30, "heart-giver"),
            mission("comment-3", Activity::Comment, 3, "chatterbox"),
        ],
        badges: vec![badge("heart-giver"), badge("chatterbox")],
    }
}

/// Mission progress as the server reports it.
pub fn progress_of(counts: &[(&str, u32)]) -> Vec<MissionProgress> {
    counts
        .iter()
        .map(|(id, count)| MissionProgress {
            id: (*id).into(),
            count: *count,
            done: false,
        })
        .collect()
}

fn line(id: u64, text: &str) -> ChatMessage {
    ChatMessage {
        id,
        from: Viewer {
            id: 40 + id,
            name: format!("user{id}"),
            ..Viewer::default()
        },
        text: text.into(),
        event: None,
    }
}

fn sent(effects: &[Effect]) -> Vec<ClientMsg> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(msg) => Some(msg.clone()),
            _ => None,
        })
        .collect()
}

/// Three taps at time 0, sent as one `Like{id: "l0", count: 3}` when the batch is due.
fn send_three_likes(state: &mut State) -> Vec<Effect> {
    for i in 0..3 {
        let id = format!("l{i}");
        apply(state, Msg::Like { id, now_ms: 0 });
    }
    let now_ms = LIKE_BATCH_MS;
    apply(state, Msg::Tick { now_ms })
}

fn next_seq(state: &State) -> u64 {
    state.seq + 1
}

#[test]
fn the_snapshot_brings_the_pinned_message_chat_likes_club_missions_and_badges() {
    let state = live();
    let c = &state.community;
    assert_eq!(c.pinned.as_deref(), Some("Free shipping today"));
    assert_eq!(c.chat, [line(1, "hello")]);
    assert_eq!(c.likes, 100);
    assert_eq!(
        c.club.as_ref().map(|c| c.name.as_str()),
        Some("Ayu's Circle")
    );
    assert_eq!(c.missions.len(), 2);
    assert_eq!(c.badges[0].image_url, "/media/badges/heart-giver.svg");
    assert!(!c.done(Activity::Like));
}

fn shown_ids(state: &State) -> Vec<u64> {
    state.community.chat.iter().map(|l| l.id).collect()
}

#[test]
fn chat_lines_arrive_in_order_and_only_the_last_ones_are_kept() {
    let mut state = live();
    for batch in 0..3u64 {
        let messages = (0..30).map(|i| line(100 + batch * 30 + i, "hi")).collect();
        let seq = next_seq(&state);
        apply(&mut state, Msg::Server(ServerMsg::Chat { seq, messages }));
    }
    let chat = &state.community.chat;
    assert_eq!(chat.len(), CHAT_HISTORY, "bounded");
    assert_eq!(chat.last().unwrap().id, 189, "the newest kept");
    assert_eq!(
        chat[0].id,
        189 + 1 - CHAT_HISTORY as u64,
        "the oldest dropped"
    );
}

#[test]
fn lines_a_moderator_removed_leave_the_chat() {
    let mut state = live();
    let messages = (1..=4).map(|id| line(id, "hi")).collect();
    let seq = next_seq(&state);
    apply(&mut state, Msg::Server(ServerMsg::Chat { seq, messages }));
    let seq = next_seq(&state);
    let ids = vec![2, 4, 99];
    apply(&mut state, Msg::Server(ServerMsg::ChatRemoved { seq, ids }));
    assert_eq!(shown_ids(&state), [1, 3]);
}

#[test]
fn a_snapshots_pinned_message_is_in_the_viewers_language() {
    assert_eq!(
        live().community.pinned.as_deref(),
        Some("Free shipping today")
    );
    let mut indonesian = State::default();
    indonesian.locale.lang = crate::store::Lang::Id;
    apply(&mut indonesian, Msg::Opened);
    apply(
        &mut indonesian,
        Msg::Server(super::welcome(10, Default::default())),
    );
    assert_eq!(
        indonesian.community.pinned.as_deref(),
        Some("Gratis ongkir hari ini")
    );
}

#[test]
fn the_host_changes_and_takes_down_the_pinned_message_in_each_viewers_language() {
    let pinned = |seq, text: Option<&str>| {
        let translations = [("id".to_owned(), "Flash sale jam 8 malam".to_owned())].into();
        Msg::Server(ServerMsg::PinnedMessage {
            seq,
            text: text.map(Into::into),
            translations,
        })
    };
    let mut english = live();
    let seq = next_seq(&english);
    apply(&mut english, pinned(seq, Some("Flash sale at 8 pm")));
    assert_eq!(
        english.community.pinned.as_deref(),
        Some("Flash sale at 8 pm")
    );
    let mut indonesian = live();
    indonesian.locale.lang = crate::store::Lang::Id;
    apply(&mut indonesian, pinned(seq, Some("Flash sale at 8 pm")));
    assert_eq!(
        indonesian.community.pinned.as_deref(),
        Some("Flash sale jam 8 malam")
    );
    let seq = next_seq(&indonesian);
    apply(&mut indonesian, pinned(seq, None));
    assert_eq!(indonesian.community.pinned, None);
}

#[test]
fn slow_mode_comes_with_the_snapshot_and_its_changes() {
    let mut state = live();
    assert_eq!(state.community.slow_mode_s, 0);
    let seq = next_seq(&state);
    apply(
        &mut state,
        Msg::Server(ServerMsg::SlowMode { seq, every_s: 30 }),
    );
    assert_eq!(state.community.slow_mode_s, 30);
    let seq = next_seq(&state);
    apply(
        &mut state,
        Msg::Server(ServerMsg::SlowMode { seq, every_s: 0 }),
    );
    assert_eq!(state.community.slow_mode_s, 0);
}

#[test]
fn a_chat_line_is_sent_trimmed_once_and_resent_with_its_id_after_an_outage() {
    let mut state = live();
    assert!(apply(
        &mut state,
        Msg::Chat {
            id: "c0".into(),
            text: "   ".into()
        }
    )
    .is_empty());
    let long = "a".repeat(lapak_protocol::MAX_CHAT_CHARS + 1);
    assert!(apply(
        &mut state,
        Msg::Chat {
            id: "c1".into(),
            text: long
        }
    )
    .is_empty());
    apply(&mut state, Msg::Closed { retry_in_ms: 100 });
    let offline = apply(
        &mut state,
        Msg::Chat {
            id: "c2".into(),
            text: "  ready? ".into(),
        },
    );
    assert!(
        sent(&offline).is_empty(),
        "nothing to send to while offline"
    );
    apply(&mut state, Msg::Opened);
    let seq = state.seq;
    let effects = apply(&mut state, Msg::Server(welcome(seq, Cart::default())));
    assert_eq!(
        sent(&effects),
        [ClientMsg::Chat {
            id: "c2".into(),
            text: "ready?".into()
        }]
    );
    apply(
        &mut state,
        Msg::Server(ServerMsg::Ack {
            id: "c2".into(),
            cart: None,
            order: None,
            wallet: None,
            chat: None,
        }),
    );
    assert!(state.outbox.is_empty());
}

#[test]
fn the_viewers_own_line_shows_when_acknowledged_and_once_when_the_tick_brings_it() {
    let mut state = live();
    let chat = |id: &str| Msg::Chat {
        id: id.into(),
        text: "mine".into(),
    };
    let acked = |id: &str, line| {
        Msg::Server(ServerMsg::Ack {
            id: id.into(),
            cart: None,
            order: None,
            wallet: None,
            chat: Some(line),
        })
    };
    apply(&mut state, chat("c"));
    apply(&mut state, acked("c", line(5, "mine")));
    assert_eq!(
        shown_ids(&state),
        [1, 5],
        "shown before the show's next Chat"
    );
    let messages = vec![
        line(3, "hi"),
        line(4, "yo"),
        line(5, "mine"),
        line(6, "hey"),
    ];
    let seq = next_seq(&state);
    apply(&mut state, Msg::Server(ServerMsg::Chat { seq, messages }));
    assert_eq!(
        shown_ids(&state),
        [1, 5, 3, 4, 6],
        "once; a shown line stays put"
    );
    // Under a flood the tick may leave it out: the sender still sees it.
    apply(&mut state, chat("d"));
    apply(&mut state, acked("d", line(9, "mine")));
    let seq = next_seq(&state);
    let messages = vec![line(10, "later")];
    apply(&mut state, Msg::Server(ServerMsg::Chat { seq, messages }));
    assert_eq!(shown_ids(&state), [1, 5, 3, 4, 6, 9, 10]);
}

#[test]
fn a_refused_chat_line_is_kept_for_its_input() {
    let mut state = live();
    apply(
        &mut state,
        Msg::Chat {
            id: "c".into(),
            text: "hello".into(),
        },
    );
    apply(
        &mut state,
        Msg::Server(ServerMsg::Reject {
            id: "c".into(),
            code: RejectCode::RateLimited,
            message: String::new(),
        }),
    );
    assert_eq!(
        state.community.refused,
        Some((
            RejectCode::RateLimited,
            ClientMsg::Chat {
                id: "c".into(),
                text: "hello".into()
            }
        ))
    );
    assert!(state.outbox.is_empty());
    assert!(state.notice.is_none(), "not a cart notice");
}

#[test]
fn taps_are_batched_into_one_like_per_interval_and_hearts_stay_bounded() {
    let mut state = live();
    let mut effects = Vec::new();
    for i in 0..20 {
        effects.extend(apply(
            &mut state,
            Msg::Like {
                id: format!("l{i}"),
                now_ms: 1_000 + i * 10,
            },
        ));
    }
    assert!(sent(&effects).is_empty(), "nothing before the interval");
    assert_eq!(
        state.community.likes, 120,
        "the count shows the taps at once"
    );
    assert_eq!(state.community.hearts.len(), MAX_HEARTS, "hearts bounded");
    assert!(sent(&apply(
        &mut state,
        Msg::Tick {
            now_ms: 1_000 + LIKE_BATCH_MS - 1
        }
    ))
    .is_empty());
    let effects = apply(
        &mut state,
        Msg::Tick {
            now_ms: 1_000 + LIKE_BATCH_MS,
        },
    );
    assert_eq!(
        sent(&effects),
        [ClientMsg::Like {
            id: "l0".into(),
            count: 20
        }]
    );
    assert!(state.community.batch.is_none());
    let later = 1_000 + LIKE_BATCH_MS + HEART_MS + 1;
    apply(&mut state, Msg::Tick { now_ms: later });
    assert!(
        state.community.hearts.is_empty(),
        "hearts leave when their time is up"
    );
}

#[test]
fn a_full_batch_goes_at_once() {
    let mut state = live();
    let mut effects = Vec::new();
    for i in 0..MAX_LIKES_PER_BATCH {
        effects.extend(apply(
            &mut state,
            Msg::Like {
                id: format!("l{i}"),
                now_ms: 5,
            },
        ));
    }
    assert_eq!(
        sent(&effects),
        [ClientMsg::Like {
            id: "l0".into(),
            count: MAX_LIKES_PER_BATCH
        }]
    );
}

#[test]
fn others_likes_float_hearts_but_the_viewers_own_are_not_floated_twice() {
    let mut state = live();
    send_three_likes(&mut state);
    apply(
        &mut state,
        Msg::Tick {
            now_ms: LIKE_BATCH_MS + HEART_MS,
        },
    );
    assert!(state.community.hearts.is_empty());
    // The total now includes this viewer's 3 and 2 from someone else.
    let seq = next_seq(&state);
    apply(
        &mut state,
        Msg::Server(ServerMsg::Likes { seq, total: 105 }),
    );
    assert_eq!(state.community.likes, 105);
    let theirs: Vec<_> = state.community.hearts.iter().filter(|h| !h.mine).collect();
    assert_eq!(theirs.len(), 2);
    assert_eq!(state.community.hearts.len(), 2);
}

#[test]
fn a_flood_of_likes_never_cuts_hearts_short_and_a_tap_takes_the_oldest_of_others_place() {
    let mut state = live();
    let mut total = 100;
    let mut flood = |state: &mut State| {
        total += 500;
        let seq = next_seq(state);
        apply(state, Msg::Server(ServerMsg::Likes { seq, total }));
    };
    flood(&mut state);
    assert_eq!(
        state.community.hearts.len(),
        MAX_HEARTS / 2,
        "half the hearts start in one go"
    );
    flood(&mut state);
    let floating: Vec<u64> = state.community.hearts.iter().map(|h| h.id).collect();
    assert_eq!(floating.len(), MAX_HEARTS);
    flood(&mut state);
    assert_eq!(
        state
            .community
            .hearts
            .iter()
            .map(|h| h.id)
            .collect::<Vec<_>>(),
        floating,
        "the hearts in flight stay; the count still rises"
    );
    assert_eq!(state.community.likes, total);
    apply(
        &mut state,
        Msg::Like {
            id: "mine".into(),
            now_ms: 0,
        },
    );
    let hearts = &state.community.hearts;
    assert_eq!(hearts.len(), MAX_HEARTS);
    assert!(
        hearts.last().is_some_and(|h| h.mine),
        "the tap floats at once"
    );
    assert_eq!(
        hearts[0].id, floating[1],
        "in place of the oldest of others'"
    );
}

#[test]
fn heartbeats_are_sent_only_while_the_video_plays_in_a_visible_tab() {
    let mut state = live();
    let beat = |state: &mut State| sent(&apply(state, Msg::Heartbeat { id: "h".into() }));
    assert!(beat(&mut state).is_empty(), "not playing");
    apply(&mut state, Msg::Playing(true));
    assert!(beat(&mut state).is_empty(), "not visible");
    apply(&mut state, Msg::Visible(true));
    assert_eq!(beat(&mut state), [ClientMsg::Heartbeat { id: "h".into() }]);
    apply(&mut state, Msg::Visible(false));
    assert!(beat(&mut state).is_empty(), "hidden tab");
    apply(&mut state, Msg::Visible(true));
    apply(&mut state, Msg::Closed { retry_in_ms: 10 });
    assert!(
        beat(&mut state).is_empty(),
        "offline heartbeats are not earned later"
    );
}

#[test]
fn a_tag_tap_is_reported_live_and_forgotten_offline() {
    let mut state = live();
    let tap = |state: &mut State, id: &str| {
        let msg = Msg::TagTapped {
            id: id.into(),
            product_id: "tote".into(),
        };
        sent(&apply(state, msg))
    };
    let expected = ClientMsg::TagTap {
        id: "t1".into(),
        product_id: "tote".into(),
    };
    assert_eq!(tap(&mut state, "t1"), [expected]);
    let ack = ServerMsg::Ack {
        id: "t1".into(),
        cart: None,
        order: None,
        wallet: None,
        chat: None,
    };
    apply(&mut state, Msg::Server(ack));
    assert!(state.outbox.is_empty(), "an answered tap leaves the outbox");
    apply(&mut state, Msg::Closed { retry_in_ms: 10 });
    assert!(tap(&mut state, "t2").is_empty());
    assert!(state.outbox.is_empty(), "an offline tap is not queued");
}

#[test]
fn a_completed_mission_updates_progress_toasts_once_and_shows_the_badge_beside_the_name() {
    let mut state = live();
    let you = Viewer {
        badge: Some("heart-giver".into()),
        ..state.gifting.you.clone().unwrap()
    };
    let progress = Progress {
        you: you.clone(),
        missions: vec![MissionProgress {
            id: "like-30".into(),
            count: 30,
            done: true,
        }],
        badges: vec!["heart-giver".into()],
        journey: vec![Activity::Like],
        ..Progress::default()
    };
    apply(
        &mut state,
        Msg::Server(ServerMsg::Progress {
            progress: Box::new(progress.clone()),
            completed: vec!["like-30".into()],
        }),
    );
    assert_eq!(state.community.progress, progress);
    assert_eq!(
        state.gifting.you.as_ref(),
        Some(&you),
        "the lane and chat see the badge"
    );
    assert!(state.community.done(Activity::Like));
    assert_eq!(
        state
            .community
            .toasts
            .iter()
            .map(|t| &t.kind)
            .collect::<Vec<_>>(),
        [&ToastKind::Completed("like-30".into())]
    );
    apply(
        &mut state,
        Msg::Server(ServerMsg::Progress {
            progress: Box::new(progress),
            completed: Vec::new(),
        }),
    );
    assert_eq!(
        state.community.toasts.len(),
        1,
        "no second toast without a completion"
    );
    for _ in 0..5 {
        apply(&mut state, Msg::Share { id: "s".into() });
    }
    assert_eq!(state.community.toasts.len(), MAX_TOASTS, "toasts bounded");
}

#[test]
fn sharing_copies_the_link_and_tells_the_server() {
    let mut state = live();
    let effects = apply(&mut state, Msg::Share { id: "s".into() });
    assert!(effects.contains(&Effect::CopyLink));
    assert_eq!(sent(&effects), [ClientMsg::Share { id: "s".into() }]);
    assert_eq!(state.community.toasts[0].kind, ToastKind::LinkCopied);
}

#[test]
fn a_free_club_is_joined_by_command_and_a_gift_club_by_its_gift() {
    let mut state = live();
    let effects = apply(
        &mut state,
        Msg::JoinClub {
            id: "j".into(),
            now_ms: 0,
        },
    );
    assert_eq!(sent(&effects), [ClientMsg::JoinClub { id: "j".into() }]);

    let mut state = live();
    state.community.club.as_mut().unwrap().join_gift = Some("rose".into());
    let effects = apply(
        &mut state,
        Msg::JoinClub {
            id: "g".into(),
            now_ms: 0,
        },
    );
    assert_eq!(
        sent(&effects),
        [ClientMsg::SendGift {
            id: "g".into(),
            gift_id: "rose".into(),
            count: 1,
            coins: 1
        }]
    );

    state.community.progress.member = Some(Membership {
        level: 1,
        points: 0,
    });
    assert!(
        apply(
            &mut state,
            Msg::JoinClub {
                id: "k".into(),
                now_ms: 0
            }
        )
        .is_empty(),
        "already a member"
    );
}

#[test]
fn a_name_out_of_bounds_is_not_sent_and_a_good_one_is_trimmed() {
    let mut state = live();
    assert!(apply(
        &mut state,
        Msg::SetName {
            id: "n".into(),
            name: " a ".into()
        }
    )
    .is_empty());
    assert!(apply(
        &mut state,
        Msg::SetName {
            id: "n".into(),
            name: "x".repeat(25)
        }
    )
    .is_empty());
    let effects = apply(
        &mut state,
        Msg::SetName {
            id: "n".into(),
            name: " Rina ".into(),
        },
    );
    assert_eq!(
        sent(&effects),
        [ClientMsg::SetName {
            id: "n".into(),
            name: "Rina".into()
        }]
    );
}

#[test]
fn a_name_with_a_direction_control_is_not_sent_and_its_spaces_are_made_one() {
    let mut state = live();
    let mut set = |name: &str| {
        let msg = Msg::SetName {
            id: "n".into(),
            name: name.into(),
        };
        sent(&apply(&mut state, msg))
    };
    assert!(set("Budi\u{202E}ecnalab").is_empty());
    assert!(set("bad\0name").is_empty());
    assert_eq!(
        set(" Siti \u{3000} Nur "),
        [ClientMsg::SetName {
            id: "n".into(),
            name: "Siti Nur".into()
        }]
    );
}

#[test]
fn a_chat_line_with_nul_is_not_sent_and_a_line_break_goes_as_a_space() {
    let mut state = live();
    let mut say = |id: &str, text: &str| {
        let msg = Msg::Chat {
            id: id.into(),
            text: text.into(),
        };
        sent(&apply(&mut state, msg))
    };
    assert!(say("c1", "nul\0byte").is_empty());
    assert_eq!(
        say("c2", "two\nlines\u{202E}"),
        [ClientMsg::Chat {
            id: "c2".into(),
            text: "two lines".into()
        }]
    );
}

#[test]
fn server_written_lines_keep_their_event() {
    let mut state = live();
    let mut up = line(9, "");
    up.event = Some(ChatEvent::LevelUp { level: 2 });
    let seq = next_seq(&state);
    apply(
        &mut state,
        Msg::Server(ServerMsg::Chat {
            seq,
            messages: vec![up.clone()],
        }),
    );
    assert_eq!(state.community.chat.last(), Some(&up));
}

#[test]
fn likes_refused_for_coming_too_fast_go_again_with_the_next_batch() {
    let mut state = live();
    send_three_likes(&mut state);
    apply(
        &mut state,
        Msg::Server(ServerMsg::Reject {
            id: "l0".into(),
            code: RejectCode::RateLimited,
            message: String::new(),
        }),
    );
    assert_eq!(state.community.refused, None, "nothing to tell the viewer");
    apply(
        &mut state,
        Msg::Like {
            id: "l9".into(),
            now_ms: LIKE_BATCH_MS + 10,
        },
    );
    let effects = apply(
        &mut state,
        Msg::Tick {
            now_ms: LIKE_BATCH_MS + 20,
        },
    );
    assert_eq!(
        sent(&effects),
        [ClientMsg::Like {
            id: "l0".into(),
            count: 4
        }]
    );
}
