//! WebVTT captions: the cues of a file or of one HLS subtitle segment, for
//! the viewer's caption overlay.
//!
//! Only what showing captions needs is kept: each cue's times and its text as
//! plain lines (voice, class and style tags removed, entities decoded), and
//! the `X-TIMESTAMP-MAP` header by which an HLS segment's cue times map to the
//! video's timestamps. Cue settings, regions and styles are skipped: the
//! overlay places and sizes captions itself, by the viewer's own settings.

/// A parsed WebVTT file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vtt {
    /// Cues in file order.
    pub cues: Vec<Cue>,
    /// `X-TIMESTAMP-MAP`, in an HLS subtitle segment.
    pub timestamp_map: Option<TimestampMap>,
}

/// One caption.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    /// When it appears, in the file's time (ms).
    pub start_ms: i64,
    /// When it goes (ms).
    pub end_ms: i64,
    /// Its lines, markup removed.
    pub text: String,
}

/// `X-TIMESTAMP-MAP=MPEGTS:<90 kHz>,LOCAL:<cue time>`: cue time `local_ms`
/// is the media timestamp `mpegts` (RFC 8216 §3.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimestampMap {
    /// A media timestamp, 90 kHz ticks.
    pub mpegts: u64,
    /// The cue time it corresponds to (ms).
    pub local_ms: i64,
}

impl Vtt {
    /// Seconds to add to a cue time (s) to get the media timestamp (s) it
    /// belongs to: 0 without a map.
    pub fn media_offset(&self) -> f64 {
        self.timestamp_map.map_or(0.0, |m| {
            m.mpegts as f64 / 90_000.0 - m.local_ms as f64 / 1000.0
        })
    }
}

/// Why a file is not WebVTT.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VttError {
    /// The first line is not `WEBVTT`.
    #[error("not a WebVTT file (no WEBVTT header)")]
    NotVtt,
}

/// Reads a WebVTT file. Blocks that are not cues (notes, styles, regions)
/// and cues with unreadable times are skipped, as browsers skip them.
pub fn parse(text: &str) -> Result<Vtt, VttError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut blocks = text.split("\n\n").flat_map(|b| b.split("\r\n\r\n"));
    let header = blocks.next().unwrap_or("");
    let first = header.lines().next().unwrap_or("");
    if first != "WEBVTT" && !first.starts_with("WEBVTT ") && !first.starts_with("WEBVTT\t") {
        return Err(VttError::NotVtt);
    }
    let mut vtt = Vtt {
        timestamp_map: header.lines().find_map(timestamp_map),
        cues: Vec::new(),
    };
    for block in blocks {
        let mut lines = block
            .lines()
            .map(str::trim_end)
            .skip_while(|l| l.is_empty());
        let Some(mut line) = lines.next() else {
            continue;
        };
        // An optional identifier line comes before the timings.
        if !line.contains("-->") {
            match lines.next() {
                Some(next) => line = next,
                None => continue,
            }
        }
        let Some((start, end)) = timings(line) else {
            continue;
        };
        let text = lines.map(plain).collect::<Vec<_>>().join("\n");
        if end > start && !text.trim().is_empty() {
            vtt.cues.push(Cue {
                start_ms: start,
                end_ms: end,
                text,
            });
        }
    }
    Ok(vtt)
}

fn timestamp_map(line: &str) -> Option<TimestampMap> {
    let value = line.strip_prefix("X-TIMESTAMP-MAP=")?;
    let (mut mpegts, mut local_ms) = (None, None);
    for part in value.split(',') {
        match part.trim().split_once(':') {
            Some(("MPEGTS", ticks)) => mpegts = ticks.parse().ok(),
            Some(("LOCAL", time)) => local_ms = timestamp(time),
            _ => {}
        }
    }
    Some(TimestampMap {
        mpegts: mpegts?,
        local_ms: local_ms?,
    })
}

/// `start --> end [settings]`.
fn timings(line: &str) -> Option<(i64, i64)> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    Some((timestamp(start.trim())?, timestamp(end)?))
}

/// `[hh:]mm:ss.ttt` as milliseconds.
fn timestamp(text: &str) -> Option<i64> {
    let (clock, millis) = text.split_once('.')?;
    if millis.len() != 3 {
        return None;
    }
    let mut parts = clock.split(':').rev();
    let seconds: i64 = parts.next()?.parse().ok()?;
    let minutes: i64 = parts.next()?.parse().ok()?;
    let hours: i64 = parts.next().map_or(Some(0), |h| h.parse().ok())?;
    if parts.next().is_some() || seconds > 59 || minutes > 59 {
        return None;
    }
    Some(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis.parse::<i64>().ok()?)
}

/// A cue line without its tags (`<v Ayu>`, `<i>`, `<00:01.000>`), entities decoded.
fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = rest[open..]
            .find('>')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lrm;", "\u{200e}")
        .replace("&rlm;", "\u{200f}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEGMENT: &str = "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n\
        1\n00:00:01.500 --> 00:00:03.000 align:center line:90%\n<v Ayu>Welcome, everyone!</v>\n\n\
        NOTE a note, skipped\n\n\
        00:03.000 --> 00:05.250\nThis batik is <i>hand-drawn</i>\n&lt;cap&gt; &amp; all\n";

    #[test]
    fn cues_keep_their_times_and_plain_text() {
        let vtt = parse(SEGMENT).unwrap();
        assert_eq!(
            vtt.cues,
            vec![
                Cue {
                    start_ms: 1500,
                    end_ms: 3000,
                    text: "Welcome, everyone!".into()
                },
                Cue {
                    start_ms: 3000,
                    end_ms: 5250,
                    text: "This batik is hand-drawn\n<cap> & all".into()
                },
            ]
        );
    }

    #[test]
    fn the_timestamp_map_places_cues_on_the_media_timeline() {
        let vtt = parse(SEGMENT).unwrap();
        assert_eq!(
            vtt.timestamp_map,
            Some(TimestampMap {
                mpegts: 900_000,
                local_ms: 0
            })
        );
        assert_eq!(vtt.media_offset(), 10.0);
        let plain = parse("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n").unwrap();
        assert_eq!(plain.media_offset(), 0.0);
    }

    #[test]
    fn crlf_files_hours_and_bad_cues() {
        let vtt = parse(
            "\u{feff}WEBVTT - captions\r\n\r\n01:00:00.000 --> 01:00:01.000\r\nlate\r\n\r\n\
             00:00:09.000 --> 00:00:08.000\r\nbackwards\r\n\r\n00:61.000 --> 00:62.000\r\nbad\r\n",
        )
        .unwrap();
        assert_eq!(vtt.cues.len(), 1);
        assert_eq!(vtt.cues[0].start_ms, 3_600_000);
        assert_eq!(vtt.cues[0].text, "late");
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(
            parse("1\n00:00:01,000 --> 00:00:02,000\nsrt\n"),
            Err(VttError::NotVtt)
        );
        assert_eq!(parse("WEBVTTX\n"), Err(VttError::NotVtt));
    }
}
