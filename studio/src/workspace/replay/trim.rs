//! The replay's trim as typed, and the lengths it leaves: plain arithmetic on
//! whole seconds, tested natively. The server checks the trim again (a trim
//! that leaves nothing is its `422`); this only reads what was typed.

use lapak_protocol::api::replay::ReplayTrim;

/// Seconds typed as `90`, `1:30` (minutes and seconds) or `1:05:00` (hours
/// too); an empty field is 0. `None` for anything else: seconds after a colon
/// are two digits under 60, so `1:5` is not read as either 1:05 or 1:50.
pub fn seconds(typed: &str) -> Option<u64> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Some(0);
    }
    let mut parts = typed.split(':');
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let first = parts.next().filter(|p| digits(p))?.parse::<u64>().ok()?;
    let mut total = first;
    let mut colons = 0;
    for part in parts {
        colons += 1;
        let sixtieths = Some(part)
            .filter(|p| p.len() == 2 && digits(p))?
            .parse::<u64>()
            .ok()
            .filter(|n| *n < 60)?;
        total = total.checked_mul(60)?.checked_add(sixtieths)?;
    }
    (colons <= 2).then_some(total)
}

/// `seconds` as a clock: `m:ss`, or `h:mm:ss` from an hour on. What the trim
/// fields show, so [`seconds`] reads it back.
pub fn clock(seconds: u64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// The recording's length in whole seconds, once it has a start and an end.
pub fn recording_s(starts_ms: Option<i64>, ends_ms: Option<i64>) -> Option<u64> {
    let span = ends_ms?.checked_sub(starts_ms?)?;
    u64::try_from(span / 1000).ok()
}

/// What a trim leaves of the recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Left {
    /// Not known: nothing recorded yet, or a field is not a time.
    Unknown,
    /// The trim takes all of it (the server refuses it).
    Nothing,
    /// Seconds of replay.
    Seconds(u64),
}

/// What trimming `start` and `end` seconds leaves of `recording` seconds.
pub fn left(recording: Option<u64>, start: Option<u64>, end: Option<u64>) -> Left {
    let (Some(recording), Some(start), Some(end)) = (recording, start, end) else {
        return Left::Unknown;
    };
    match start
        .checked_add(end)
        .and_then(|cut| recording.checked_sub(cut))
    {
        Some(left) if left > 0 => Left::Seconds(left),
        _ => Left::Nothing,
    }
}

/// A trim field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Start,
    End,
}

/// The replay form as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Typed {
    pub start: String,
    pub end: String,
    pub chat: bool,
}

impl Typed {
    /// The API's body, or the field that is not a time (or is past any
    /// recording's length: more seconds than the body carries).
    pub fn body(&self) -> Result<ReplayTrim, Edge> {
        let whole = |typed: &str| seconds(typed).and_then(|s| u32::try_from(s).ok());
        Ok(ReplayTrim {
            trim_start_s: whole(&self.start).ok_or(Edge::Start)?,
            trim_end_s: whole(&self.end).ok_or(Edge::End)?,
            chat: self.chat,
        })
    }
}

/// The viewer's page as a link to share: the API's path on the studio's own
/// origin (the server serves both); a full URL stays as it is.
pub fn viewer_link(origin: &str, url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", origin.trim_end_matches('/'))
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_typed_plain_or_as_a_clock() {
        assert_eq!(seconds("90"), Some(90));
        assert_eq!(seconds(" 1:30 "), Some(90));
        assert_eq!(seconds("0:05"), Some(5));
        assert_eq!(seconds("75:00"), Some(4500), "minutes past the hour");
        assert_eq!(seconds("1:05:00"), Some(3900));
        assert_eq!(seconds(""), Some(0), "an empty field trims nothing");
        assert_eq!(seconds("0"), Some(0));
    }

    #[test]
    fn what_is_not_a_time_is_none() {
        for typed in [
            "1:5",
            "1:60",
            "-5",
            "+5",
            "1.5",
            "1:30s",
            ":30",
            "1:",
            "1::30",
            "1:00:00:00",
            "abc",
            "١٢",
        ] {
            assert_eq!(seconds(typed), None, "{typed:?}");
        }
        assert_eq!(
            seconds("99999999999999999999"),
            None,
            "too large is not a time"
        );
    }

    #[test]
    fn a_clock_reads_back_as_its_seconds() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(90), "1:30");
        assert_eq!(clock(3599), "59:59");
        assert_eq!(clock(3600), "1:00:00");
        assert_eq!(clock(3661), "1:01:01");
        for s in [0, 7, 90, 3599, 3600, 86_399] {
            assert_eq!(seconds(&clock(s)), Some(s));
        }
    }

    #[test]
    fn the_recording_lasts_from_its_start_to_its_end() {
        let starts = Some(1_733_200_000_000);
        assert_eq!(recording_s(starts, Some(1_733_203_600_000)), Some(3600));
        assert_eq!(
            recording_s(starts, Some(1_733_200_001_999)),
            Some(1),
            "whole seconds"
        );
        assert_eq!(recording_s(None, None), None, "nothing recorded");
        assert_eq!(recording_s(starts, None), None, "still recording");
        assert_eq!(
            recording_s(starts, Some(1_733_199_000_000)),
            None,
            "an end before its start"
        );
    }

    #[test]
    fn the_trim_leaves_the_rest_of_the_recording() {
        assert_eq!(left(Some(3600), Some(30), Some(0)), Left::Seconds(3570));
        assert_eq!(left(Some(3600), Some(0), Some(0)), Left::Seconds(3600));
        assert_eq!(
            left(Some(3600), Some(1800), Some(1800)),
            Left::Nothing,
            "all of it"
        );
        assert_eq!(
            left(Some(3600), Some(4000), Some(0)),
            Left::Nothing,
            "more than all of it"
        );
        assert_eq!(left(Some(3600), Some(u64::MAX), Some(1)), Left::Nothing);
        assert_eq!(
            left(None, Some(0), Some(0)),
            Left::Unknown,
            "nothing recorded yet"
        );
        assert_eq!(left(Some(3600), None, Some(0)), Left::Unknown, "not a time");
    }

    #[test]
    fn the_form_becomes_the_apis_body_or_names_its_bad_field() {
        let typed = |start: &str, end: &str| Typed {
            start: start.into(),
            end: end.into(),
            chat: false,
        };
        let body = typed("0:30", "").body().unwrap();
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            serde_json::json!({ "trim_start_s": 30, "trim_end_s": 0, "chat": false })
        );
        assert_eq!(typed("half a minute", "0").body(), Err(Edge::Start));
        assert_eq!(typed("0", "1:5").body(), Err(Edge::End));
    }

    #[test]
    fn the_viewer_link_is_on_the_studios_origin() {
        let origin = "https://live.brand.example";
        assert_eq!(
            viewer_link(origin, "/?show=kopi-pagi"),
            "https://live.brand.example/?show=kopi-pagi"
        );
        assert_eq!(
            viewer_link("http://127.0.0.1:8080/", "/?show=demo"),
            "http://127.0.0.1:8080/?show=demo"
        );
        assert_eq!(
            viewer_link(origin, "https://shop.example/live"),
            "https://shop.example/live"
        );
    }
}
