use lapak_protocol::api::schedule::Status;
use lapak_protocol::api::shows::{ShowSummary, Video};
use lapak_protocol::OnAir;

use super::{first_to_run, page_for, Tab};

fn show(id: &str, status: Status) -> ShowSummary {
    ShowSummary {
        id: id.into(),
        title: id.into(),
        brand: "demo".into(),
        video: Video::Ingest,
        on_air: OnAir::Waiting,
        status,
        starts_at_ms: 0,
        host: "Sari".into(),
        viewers: 0,
        pins: Vec::new(),
        pinned_message: None,
        playback_url: String::new(),
        products: Vec::new(),
    }
}

fn first(shows: &[ShowSummary], last: Option<&str>) -> Option<String> {
    first_to_run(shows, last).map(|s| s.id)
}

#[test]
fn signing_in_again_opens_the_show_last_opened_not_the_next_one() {
    let shows = [
        show("friday", Status::Ended),
        show("kopi-pagi", Status::Upcoming),
        show("batik", Status::Live),
    ];
    assert_eq!(first(&shows, Some("friday")).as_deref(), Some("friday"));
    assert_eq!(first(&shows, None).as_deref(), Some("batik"), "else live");
    assert_eq!(
        first(&shows[..2], Some("gone")).as_deref(),
        Some("kopi-pagi"),
        "a show no longer listed is forgotten: the next upcoming"
    );
    assert_eq!(first(&[], Some("friday")), None);
}

#[test]
fn an_ended_show_opens_on_its_results() {
    assert!(page_for(&show("friday", Status::Ended)) == Tab::Dashboard);
    assert!(page_for(&show("kopi-pagi", Status::Upcoming)) == Tab::Run);
    assert!(page_for(&show("batik", Status::Live)) == Tab::Run);
}
