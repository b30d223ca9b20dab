//! Missions, badges, the Fan Club and the LIVE Journey in a real browser
//! (headless Chromium), with the frames the widget would send recorded.
#![cfg(target_arch = "wasm32")]

mod support;

use lapak::store::Msg;
use lapak_protocol::{
    Activity, ClientMsg, Membership, MissionProgress, Progress, RejectCode, ServerMsg, Viewer,
};
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn open_missions(widget: &Mounted) {
    widget.get("missions-button").click();
    leptos::task::tick().await;
}

fn progressed(progress: Progress, completed: &[&str]) -> Msg {
    Msg::Server(ServerMsg::Progress {
        progress: Box::new(progress),
        completed: completed.iter().map(|c| (*c).to_string()).collect(),
    })
}

fn meter(widget: &Mounted, mission: &str) -> (String, String) {
    let bar = widget
        .get(&format!("mission-{mission}"))
        .query_selector("[role=progressbar]")
        .unwrap()
        .unwrap();
    (
        bar.get_attribute("aria-valuenow").unwrap(),
        bar.get_attribute("aria-valuemax").unwrap(),
    )
}

#[wasm_bindgen_test]
async fn missions_show_live_progress_and_a_completion_is_announced_once_with_its_badge() {
    let widget = mount("en-US", vec![welcome(catalogue(), &[])]);
    open_missions(&widget).await;
    assert!(widget.text("mission-like-30").contains("Like 30 times"));
    assert!(widget.text("mission-like-30").contains("12/30"));
    assert_eq!(meter(&widget, "like-30"), ("12".into(), "30".into()));
    assert!(
        widget
            .text("mission-watch-5")
            .contains("Watch for 5 minutes"),
        "watch targets are seconds, shown in minutes"
    );
    assert_eq!(
        widget
            .get("badge-heart-giver")
            .get_attribute("data-earned")
            .as_deref(),
        Some("false")
    );
    assert!(
        widget.text("badge-heart-giver").contains("Like 30 times"),
        "a locked badge says how to earn it"
    );

    let done = Progress {
        you: Viewer {
            badge: Some("heart-giver".into()),
            ..you()
        },
        missions: vec![MissionProgress {
            id: "like-30".into(),
            count: 30,
            done: true,
        }],
        badges: vec!["heart-giver".into()],
        journey: vec![Activity::Like],
        ..Progress::default()
    };
    let row = widget.get("mission-like-30");
    let medal = widget.get("badge-heart-giver");
    widget.actions.dispatch(progressed(done, &["like-30"]));
    leptos::task::tick().await;
    assert_eq!(meter(&widget, "like-30"), ("30".into(), "30".into()));
    assert!(
        row.is_same_node(Some(&widget.get("mission-like-30"))),
        "the mission's row is updated in place, not built again"
    );
    assert!(widget
        .get("mission-like-30")
        .class_list()
        .contains("is-done"));
    assert_eq!(
        widget
            .get("badge-heart-giver")
            .get_attribute("data-earned")
            .as_deref(),
        Some("true")
    );
    assert!(
        medal.is_same_node(Some(&widget.get("badge-heart-giver"))),
        "the badge's row is updated in place when earned, not built again"
    );
    assert_eq!(widget.text("badge-heart-giver"), "heart-giver badgeEarned");
    let toasts = widget.get("toasts");
    assert_eq!(toasts.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(widget.text("toasts"), "Mission complete: Like 30 times");
}

#[wasm_bindgen_test]
async fn the_journey_lights_up_step_by_step() {
    let widget = mount("id-ID", vec![welcome(catalogue(), &[])]);
    open_missions(&widget).await;
    let done = |widget: &Mounted| {
        widget
            .get("journey")
            .query_selector_all("[data-done=true]")
            .unwrap()
            .length()
    };
    assert_eq!(done(&widget), 1, "joined: being here is the first step");
    assert!(widget.text("journey").contains("Menyukai"), "in Indonesian");
    let progress = Progress {
        you: you(),
        journey: vec![Activity::Like, Activity::Comment, Activity::Buy],
        ..Progress::default()
    };
    widget.actions.dispatch(progressed(progress, &[]));
    leptos::task::tick().await;
    assert_eq!(done(&widget), 4);
}

#[wasm_bindgen_test]
async fn joining_the_free_club_sends_one_command_and_members_see_their_level() {
    let widget = mount("en-US", vec![welcome(catalogue(), &[])]);
    open_missions(&widget).await;
    widget.get("join-club").click();
    leptos::task::tick().await;
    assert!(matches!(
        widget.sent.borrow().as_slice(),
        [ClientMsg::JoinClub { .. }]
    ));
    let member = Progress {
        you: Viewer {
            club: Some(2),
            ..you()
        },
        member: Some(Membership {
            level: 2,
            points: 40,
        }),
        journey: vec![Activity::JoinClub],
        ..Progress::default()
    };
    widget.actions.dispatch(progressed(member, &[]));
    leptos::task::tick().await;
    assert!(widget.find("join-club").is_none());
    assert_eq!(widget.text("club-level"), "Level 2 · 40 points");
    assert!(widget.text("club").contains("60 points to level 3"));
}

#[wasm_bindgen_test]
async fn sharing_and_renaming_go_to_the_server_and_a_refused_name_is_explained() {
    let widget = mount("en-US", vec![welcome(catalogue(), &[])]);
    open_missions(&widget).await;
    widget.get("share").click();
    leptos::task::tick().await;
    assert!(widget.text("toasts").contains("Link copied"));

    assert_eq!(widget.text("your-name"), "user123456");
    widget.get("change-name").click();
    leptos::task::tick().await;
    type_into(&widget, "name-input", "  <b>Rina</b> ");
    let form = widget.get("name-input").parent_element().unwrap();
    let submit = form.query_selector("button[type=submit]").unwrap().unwrap();
    wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(submit).click();
    leptos::task::tick().await;
    let sent = widget.sent.borrow().clone();
    let name_id = match sent.as_slice() {
        [ClientMsg::Share { .. }, ClientMsg::SetName { id, name }] => {
            assert_eq!(name, "<b>Rina</b>", "trimmed, sent as plain text");
            id.clone()
        }
        other => panic!("unexpected frames {other:?}"),
    };
    widget.actions.dispatch(Msg::Server(ServerMsg::Reject {
        id: name_id,
        code: RejectCode::InvalidDetails,
        message: String::new(),
    }));
    leptos::task::tick().await;
    assert!(widget.text("name-row").contains("can't be used"));
}

#[wasm_bindgen_test]
async fn a_coupon_used_keeps_its_row_in_the_wallet_and_says_so() {
    use lapak_protocol::{Coupon, CouponTerms, Off, Wallet};
    let widget = mount("en-US", vec![welcome(catalogue(), &[])]);
    open_missions(&widget).await;
    let wallet = |used| Wallet {
        coins: 5,
        coupons: vec![Coupon {
            code: "AYU10".into(),
            terms: CouponTerms {
                off: Off::Percent { percent: 10 },
                min_spend: 0,
            },
            expires_at_ms: 1_900_000_000_000,
            mission_id: None,
            used,
        }],
    };
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::WalletChanged {
            wallet: wallet(false),
        }));
    leptos::task::tick().await;
    let row = widget.get("wallet-coupon");
    assert!(!row.class_list().contains("is-used"));
    assert!(widget.text("wallet-coupon").contains("until"));
    widget
        .actions
        .dispatch(Msg::Server(ServerMsg::WalletChanged {
            wallet: wallet(true),
        }));
    leptos::task::tick().await;
    assert!(
        row.is_same_node(Some(&widget.get("wallet-coupon"))),
        "the coupon's row is updated in place, not built again"
    );
    assert!(row.class_list().contains("is-used"));
    assert!(widget.text("wallet-coupon").ends_with("Used"));
}
