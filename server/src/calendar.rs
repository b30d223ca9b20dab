//! "Remind me": a scheduled show as an iCalendar event (RFC 5545) that a
//! shopper adds to their calendar, with a reminder 15 minutes before. Public,
//! as the show's title and start are: the widget links to it from a show that
//! has not begun.
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use icalendar::{Alarm, Calendar, Component, Event, EventLike};

use crate::clock::now_ms;
use crate::server::Server;

/// How long a show is put in the calendar for: shows do not say when they end.
const SHOW_MINUTES: i64 = 60;
/// The reminder, before the start.
const REMIND_MINUTES: i64 = 15;

/// `GET /shows/{show}/calendar.ics` ([`lapak_protocol::calendar_path`]): the event of a show not begun yet; 404
/// for an unknown show or one with no start ahead.
pub async fn event(State(server): State<Arc<Server>>, Path(id): Path<String>) -> Response {
    let Some(stage) = server.stage(Some(&id)) else {
        return (StatusCode::NOT_FOUND, "no such show").into_response();
    };
    let Some(starts_ms) = stage.scheduled_start(now_ms()) else {
        return (StatusCode::NOT_FOUND, "this show has no start ahead").into_response();
    };
    let show = &stage.show;
    let Some(text) = ics(&show.id, &show.title, &show.host.name, starts_ms) else {
        return (StatusCode::NOT_FOUND, "this show has no start ahead").into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                &format!("attachment; filename=\"{}.ics\"", show.id),
            ),
        ],
        text,
    )
        .into_response()
}

/// The calendar text; `None` for a start no calendar can hold.
fn ics(show_id: &str, title: &str, host: &str, starts_ms: i64) -> Option<String> {
    let starts = chrono::DateTime::from_timestamp_millis(starts_ms)?;
    let event = Event::new()
        // why a stable uid: a show moved to another time replaces the event
        // when the shopper adds it again, instead of leaving two.
        .uid(&format!("show-{show_id}@lapak"))
        .summary(title)
        .description(&format!("Live shopping with {host}"))
        .starts(starts)
        .ends(starts + chrono::Duration::minutes(SHOW_MINUTES))
        .alarm(Alarm::display(
            title,
            -chrono::Duration::minutes(REMIND_MINUTES),
        ))
        .done();
    Some(Calendar::new().push(event).done().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_show_is_an_event_at_its_start_with_a_reminder_before() {
        // Sat 7 Mar 2027, 19:00 in Jakarta (UTC+7).
        let starts_ms = 1_804_420_800_000;
        let text =
            ics("kopi-pagi", "Kopi, pagi; and \"more\"", "Ayu", starts_ms).expect("an event");
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        assert!(text.contains("UID:show-kopi-pagi@lapak\r\n"), "{text}");
        assert!(text.contains("DTSTART:20270307T120000Z\r\n"), "{text}");
        assert!(text.contains("DTEND:20270307T130000Z\r\n"), "{text}");
        // Commas and semicolons in a title are escaped, as RFC 5545 says.
        assert!(
            text.contains("SUMMARY:Kopi\\, pagi\\; and \"more\"\r\n"),
            "{text}"
        );
        assert!(
            text.contains("BEGIN:VALARM\r\n") && text.contains("TRIGGER:-PT900S\r\n"),
            "{text}"
        );
        assert!(text.trim_end().ends_with("END:VCALENDAR"), "{text}");
    }
}
