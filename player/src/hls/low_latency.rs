//! Low-Latency HLS (RFC 8216bis): the blocking reload that asks for the next
//! part, the delta update merged into the playlist held, the part the server
//! hints at, and where the live edge is on this viewer's clock. Pure, so the
//! rules are tested natively.
use lapak_protocol::hls::{HintKind, MediaPlaylist, PreloadHint};

/// Whether `playlist` is live with parts and blocking reloads
/// (`EXT-X-PART-INF`, `EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES`).
pub fn blocking(playlist: &MediaPlaylist) -> bool {
    playlist.is_live()
        && playlist.part_target.is_some()
        && playlist
            .server_control
            .as_ref()
            .is_some_and(|c| c.can_block_reload)
}

/// The blocking reload for the part after the newest one `playlist` lists:
/// `(_HLS_msn, _HLS_part)`. `None` when it has no blocking reloads.
pub fn next_part(playlist: &MediaPlaylist) -> Option<(u64, usize)> {
    if !blocking(playlist) {
        return None;
    }
    let open = playlist.sequence_of(playlist.segments.len());
    let written = playlist.open_segment.as_ref().map_or(0, |s| s.parts.len());
    Some((open, written))
}

/// Whether the server writes delta updates of `playlist` (`CAN-SKIP-UNTIL`).
pub fn can_skip(playlist: &MediaPlaylist) -> bool {
    playlist
        .server_control
        .as_ref()
        .is_some_and(|c| c.can_skip_until.is_some())
}

/// The address of a reload of `url`: blocking until part `next` exists, and
/// a delta update (`_HLS_skip=YES`) when `skip`. The directives go in
/// alphabetical order, as RFC 8216bis asks, so caches see one address.
pub fn reload_url(url: &str, next: Option<(u64, usize)>, skip: bool) -> String {
    let mut out = url.to_owned();
    let mut directive = |text: &str| {
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(text);
    };
    if let Some((msn, part)) = next {
        directive(&format!("_HLS_msn={msn}"));
        directive(&format!("_HLS_part={part}"));
    }
    if skip {
        directive("_HLS_skip=YES");
    }
    out
}

/// The hinted part (`EXT-X-PRELOAD-HINT:TYPE=PART`), when it is a whole
/// resource: its download starts at once and the server answers once it is
/// written. A byte range of a resource still growing is left to the playlist.
pub fn hinted_part(playlist: &MediaPlaylist) -> Option<&PreloadHint> {
    playlist
        .preload_hint
        .as_ref()
        .filter(|h| matches!(h.kind, HintKind::Part) && h.byte_range_start.is_none())
}

fn ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

/// `delta` (a playlist that skipped its older segments, `EXT-X-SKIP`) made
/// whole from `previous`, the last whole playlist; a whole playlist as it
/// is. `None` when `previous` does not hold the skipped segments: then the
/// playlist is asked for again without skipping.
pub fn merge_delta(previous: &MediaPlaylist, mut delta: MediaPlaylist) -> Option<MediaPlaylist> {
    if delta.skipped_segments == 0 {
        return Some(delta);
    }
    let from = delta.media_sequence.checked_sub(previous.sequence_of(0))? as usize;
    let to = from + usize::try_from(delta.skipped_segments).ok()?;
    let mut segments = previous.segments.get(from..to)?.to_vec();
    // why: the tags that carry from segment to segment (the init section,
    // the programme clock) may have been written only on skipped ones.
    let last = segments.last();
    let mut map = last.and_then(|s| s.map.clone());
    let mut clock = last.and_then(|s| Some(s.program_date_time? + ms(s.duration)));
    for segment in delta.segments.iter_mut().chain(delta.open_segment.as_mut()) {
        if segment.map.is_none() {
            segment.map = map.clone();
        }
        if segment.program_date_time.is_none() {
            segment.program_date_time = clock;
        }
        map = segment.map.clone();
        clock = segment
            .program_date_time
            .map(|at| at + ms(segment.duration));
    }
    segments.append(&mut delta.segments);
    delta.segments = segments;
    delta.skipped_segments = 0;
    Some(delta)
}

/// The live edge on this viewer's clock: how long after its programme time
/// the newest media reaches this viewer, at best. Measured against the edge
/// rather than taken as the wall clock, so a device whose clock is off still
/// keeps the target; the same for every viewer of a server whose clocks agree.
#[derive(Clone, Debug, Default)]
pub struct EdgeClock {
    /// `Date.now()` less the edge's programme time, ms, at best.
    lag_ms: Option<f64>,
    /// The newest edge seen (programme ms) and when (`Date.now()`).
    last: Option<(i64, f64)>,
}

/// How fast the lag follows samples above it, per new edge: a slower network
/// or packager is followed within a hundred playlists or so, and the phase
/// of a polled playlist's reloads moves the target little.
const RISE: f64 = 0.01;

impl EdgeClock {
    /// A playlist whose edge is programme time `edge_ms` arrived at `now_ms`.
    /// Only an edge newer than the last counts: a blocking reload answers
    /// the moment a part is written, a polled playlist some time after.
    pub fn observe(&mut self, now_ms: f64, edge_ms: i64) {
        if self.last.is_some_and(|(last, _)| edge_ms <= last) {
            return;
        }
        self.last = Some((edge_ms, now_ms));
        let sample = now_ms - edge_ms as f64;
        self.lag_ms = Some(match self.lag_ms {
            Some(lag) if sample > lag => lag + RISE * (sample - lag),
            _ => sample,
        });
    }

    /// Programme time (ms) of the live edge at `now_ms`: at most `cap_ms`
    /// past the newest edge seen, so a stream that stops (a host gone) does
    /// not count as running away from the picture.
    pub fn edge_at(&self, now_ms: f64, cap_ms: f64) -> Option<f64> {
        let (last, _) = self.last?;
        Some((now_ms - self.lag_ms?).min(last as f64 + cap_ms))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use lapak_protocol::hls::{parse, Playlist};

    fn media(text: &str) -> MediaPlaylist {
        match parse(text).expect("a valid playlist") {
            Playlist::Media(m) => m,
            Playlist::Master(_) => unreachable!("written as a media playlist"),
        }
    }

    /// Segments 10..13 of 1 s (four 0.25 s parts each on the last two), and
    /// the open segment 13 with two parts, as a server writes it.
    pub(crate) fn low_latency() -> MediaPlaylist {
        let mut text = String::from(
            "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n\
             #EXT-X-PART-INF:PART-TARGET=0.25\n\
             #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.75,CAN-SKIP-UNTIL=6.0\n\
             #EXT-X-MEDIA-SEQUENCE:10\n#EXT-X-MAP:URI=\"init.mp4\"\n",
        );
        for seq in 10..13 {
            text += &format!("#EXT-X-PROGRAM-DATE-TIME:2026-12-03T10:00:{seq:02}.000Z\n");
            if seq >= 11 {
                for k in 0..4 {
                    let independent = if k == 0 { ",INDEPENDENT=YES" } else { "" };
                    text +=
                        &format!("#EXT-X-PART:DURATION=0.25,URI=\"p{seq}.{k}.m4s\"{independent}\n");
                }
            }
            text += &format!("#EXTINF:1.0,\ns{seq}.m4s\n");
        }
        text += "#EXT-X-PROGRAM-DATE-TIME:2026-12-03T10:00:13.000Z\n\
                 #EXT-X-PART:DURATION=0.25,URI=\"p13.0.m4s\",INDEPENDENT=YES\n\
                 #EXT-X-PART:DURATION=0.25,URI=\"p13.1.m4s\"\n\
                 #EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p13.2.m4s\"\n\
                 #EXT-X-RENDITION-REPORT:URI=\"../360p/live.m3u8\",LAST-MSN=13,LAST-PART=1\n";
        media(&text)
    }

    #[test]
    fn the_next_blocking_reload_asks_for_the_part_after_the_newest() {
        let p = low_latency();
        assert!(blocking(&p));
        assert_eq!(next_part(&p), Some((13, 2)));
        assert_eq!(
            reload_url("/hls/show/src/live.m3u8", next_part(&p), can_skip(&p)),
            "/hls/show/src/live.m3u8?_HLS_msn=13&_HLS_part=2&_HLS_skip=YES"
        );
        assert_eq!(
            reload_url("https://cdn.example/x.m3u8?token=a", Some((5, 0)), false),
            "https://cdn.example/x.m3u8?token=a&_HLS_msn=5&_HLS_part=0"
        );
        assert_eq!(hinted_part(&p).map(|h| h.uri.as_str()), Some("p13.2.m4s"));
    }

    #[test]
    fn a_segment_just_completed_asks_for_the_first_part_of_the_next() {
        let mut p = low_latency();
        let open = p.open_segment.take();
        assert!(open.is_some());
        assert_eq!(next_part(&p), Some((13, 0)));
    }

    #[test]
    fn a_playlist_without_parts_or_blocking_is_polled() {
        let plain = media(
            "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:3\n#EXTINF:1.0,\na.m4s\n",
        );
        assert!(!blocking(&plain));
        assert_eq!(next_part(&plain), None);
        assert!(!can_skip(&plain));
        assert_eq!(reload_url("live.m3u8", None, false), "live.m3u8");
        let mut no_block = low_latency();
        if let Some(c) = no_block.server_control.as_mut() {
            c.can_block_reload = false;
        }
        assert_eq!(next_part(&no_block), None);
        let mut ended = low_latency();
        ended.ended = true;
        assert_eq!(next_part(&ended), None, "nothing more to wait for");
    }

    #[test]
    fn a_delta_update_is_merged_into_the_playlist_held() {
        let previous = low_latency();
        // The next playlist, as a delta: segments 10 and 11 skipped, 13 complete.
        let delta = media(
            "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n\
             #EXT-X-PART-INF:PART-TARGET=0.25\n\
             #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.75,CAN-SKIP-UNTIL=6.0\n\
             #EXT-X-MEDIA-SEQUENCE:10\n#EXT-X-SKIP:SKIPPED-SEGMENTS=2\n\
             #EXTINF:1.0,\ns12.m4s\n#EXTINF:1.0,\ns13.m4s\n\
             #EXT-X-PART:DURATION=0.25,URI=\"p14.0.m4s\",INDEPENDENT=YES\n\
             #EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p14.1.m4s\"\n",
        );
        assert_eq!(delta.skipped_segments, 2);
        let merged = merge_delta(&previous, delta).expect("the skipped segments are held");
        assert_eq!(merged.skipped_segments, 0);
        let uris: Vec<&str> = merged.segments.iter().map(|s| s.uri.as_str()).collect();
        assert_eq!(uris, ["s10.m4s", "s11.m4s", "s12.m4s", "s13.m4s"]);
        assert_eq!(merged.sequence_of(3), 13);
        let t12 = previous.segments[2].program_date_time.expect("dated");
        assert_eq!(merged.segments[2].program_date_time, Some(t12));
        assert_eq!(merged.segments[3].program_date_time, Some(t12 + 1000));
        let open = merged.open_segment.as_ref().expect("segment 14 is open");
        assert_eq!(open.program_date_time, Some(t12 + 2000));
        assert_eq!(open.map.as_ref().map(|m| m.uri.as_str()), Some("init.mp4"));
        assert_eq!(next_part(&merged), Some((14, 1)));
    }

    #[test]
    fn a_delta_that_skips_what_is_not_held_is_refused() {
        let previous = low_latency();
        let mut delta = low_latency();
        delta.media_sequence = 5;
        delta.skipped_segments = 2;
        assert_eq!(
            merge_delta(&previous, delta),
            None,
            "5 and 6 were never held"
        );
        let whole = low_latency();
        assert_eq!(merge_delta(&previous, whole.clone()), Some(whole));
    }

    #[test]
    fn the_edge_clock_takes_the_earliest_arrival_and_follows_slowly() {
        let mut clock = EdgeClock::default();
        assert_eq!(clock.edge_at(0.0, 1500.0), None);
        clock.observe(10_300.0, 10_000);
        assert_eq!(clock.edge_at(10_300.0, 1500.0), Some(10_000.0));
        // A part written 250 ms later, reported at once: 50 ms lag.
        clock.observe(10_300.0, 10_250);
        assert_eq!(clock.edge_at(10_400.0, 1500.0), Some(10_350.0));
        // The same edge again (a reload that found nothing new): no sample.
        clock.observe(12_000.0, 10_250);
        assert_eq!(clock.edge_at(10_400.0, 1500.0), Some(10_350.0));
        // A late one moves it only a little.
        clock.observe(11_000.0, 10_500);
        let edge = clock.edge_at(11_000.0, 1500.0).expect("known");
        assert!(edge > 10_940.0 && edge < 10_950.0, "{edge}");
        // A stream that stopped: the edge stops a little past its last part.
        assert_eq!(clock.edge_at(60_000.0, 1500.0), Some(12_000.0));
    }
}
