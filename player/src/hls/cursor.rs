//! Which segment, or part of one, to load next from a media playlist that
//! slides and reloads: the position by media sequence number and part, its
//! programme time, and whether its init section must go first. Pure, so the
//! rules are tested natively.
//!
//! A complete segment loads whole; the open segment of a low-latency playlist
//! (RFC 8216bis `EXT-X-PART`), and a segment joined in its middle, load part
//! by part. A playlist without parts is loaded by whole segments.
use lapak_protocol::hls::{ByteRange, Map, MediaPlaylist, Segment};

use super::live_edge;

/// The next thing to load.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Load this segment or part.
    Load(Box<Step>),
    /// Nothing new yet: reload the playlist.
    Wait,
    /// The playlist has ended and every segment is loaded.
    End,
}

/// One segment, or one part of it, to load.
#[derive(Debug, PartialEq)]
pub struct Step {
    /// The segment (the open one: with its parts so far).
    pub segment: Segment,
    /// Its media sequence number.
    pub seq: u64,
    /// The part to load (index into `segment.parts`), or `None` for the whole segment.
    pub part: Option<usize>,
    /// Programme date-time of its first frame, unix ms.
    pub start_ms: i64,
    /// The init section to append first, when it changed.
    pub init: Option<Map>,
    /// Whether it comes straight after the last one loaded.
    pub follows: bool,
}

impl Step {
    /// Where its bytes are, as written.
    pub fn uri(&self) -> &str {
        match self.part {
            Some(k) => &self.segment.parts[k].uri,
            None => &self.segment.uri,
        }
    }

    /// The part of [`Step::uri`] that holds it.
    pub fn byte_range(&self) -> Option<&ByteRange> {
        match self.part {
            Some(k) => self.segment.parts[k].byte_range.as_ref(),
            None => self.segment.byte_range.as_ref(),
        }
    }

    /// Seconds.
    pub fn duration(&self) -> f64 {
        match self.part {
            Some(k) => self.segment.parts[k].duration,
            None => self.segment.duration,
        }
    }

    /// Whether it begins a segment after an `EXT-X-DISCONTINUITY`.
    pub fn discontinuity(&self) -> bool {
        self.segment.discontinuity && self.part.unwrap_or(0) == 0
    }
}

/// The position in a playlist's timeline.
#[derive(Clone, Debug, Default)]
pub struct Cursor {
    next: Option<u64>,
    /// The part of segment `next` to load next (0: from its start).
    part: usize,
    end_ms: Option<i64>,
    map: Option<Map>,
    /// How far behind the live edge a live playlist is joined, ms; `None`:
    /// [`live_edge::TARGET_SEGMENTS`] segments.
    target_ms: Option<i64>,
}

fn ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

/// Segment `seq` of `playlist`: a complete one (`false`) or the open one still
/// being written (`true`).
fn segment_at(playlist: &MediaPlaylist, seq: u64) -> Option<(&Segment, bool)> {
    let first = playlist.sequence_of(0);
    let count = playlist.segments.len() as u64;
    if (first..first + count).contains(&seq) {
        Some((&playlist.segments[(seq - first) as usize], false))
    } else if seq == first + count {
        playlist.open_segment.as_ref().map(|s| (s, true))
    } else {
        None
    }
}

/// The complete segments then the open one, with their sequence numbers and
/// programme start times (from the playlist's first segment when it has no clock).
fn timeline(playlist: &MediaPlaylist) -> impl Iterator<Item = (u64, &Segment, i64)> {
    let first = playlist.sequence_of(0);
    let mut counted = 0.0;
    playlist
        .segments
        .iter()
        .chain(playlist.open_segment.as_ref())
        .enumerate()
        .map(move |(i, segment)| {
            let start = segment.program_date_time.unwrap_or(ms(counted));
            counted += segment.duration;
            (first + i as u64, segment, start)
        })
}

/// Programme start of part `k` of a segment starting at `start_ms`.
fn part_start(segment: &Segment, start_ms: i64, k: usize) -> i64 {
    start_ms + ms(segment.parts[..k].iter().map(|p| p.duration).sum())
}

/// Where decoding can start: every segment's start and every independent
/// part's, as `(sequence number, part, programme ms)`, oldest first.
fn entry_points(playlist: &MediaPlaylist) -> Vec<(u64, usize, i64)> {
    let mut points = Vec::new();
    for (seq, segment, start) in timeline(playlist) {
        if segment.gap {
            continue;
        }
        points.push((seq, 0, start));
        for (k, part) in segment.parts.iter().enumerate().skip(1) {
            if part.independent {
                points.push((seq, k, part_start(segment, start, k)));
            }
        }
    }
    points
}

/// Programme time (unix ms) of the live edge of `playlist`: the end of its
/// newest part, or of its last segment.
pub fn edge_ms(playlist: &MediaPlaylist) -> Option<i64> {
    let (_, segment, start) = timeline(playlist)
        .filter(|(_, s, _)| s.duration > 0.0)
        .last()?;
    Some(start + ms(segment.duration))
}

/// Where to join a live playlist `target_ms` behind its edge: the last point
/// decoding can start at or before that time (the first, for a short window).
pub fn live_start(playlist: &MediaPlaylist, target_ms: i64) -> (u64, usize) {
    let points = entry_points(playlist);
    let aim = edge_ms(playlist).unwrap_or(0) - target_ms;
    points
        .iter()
        .rev()
        .find(|p| p.2 <= aim)
        .or(points.first())
        .map_or((playlist.sequence_of(0), 0), |p| (p.0, p.1))
}

impl Cursor {
    /// Joins live playlists `target_ms` behind their edge.
    pub fn aim(&mut self, target_ms: i64) {
        self.target_ms = Some(target_ms);
    }

    fn target_ms(&self, playlist: &MediaPlaylist) -> i64 {
        self.target_ms.unwrap_or_else(|| {
            let n = playlist.segments.len().max(1) as f64;
            ms(live_edge::TARGET_SEGMENTS * playlist.duration() / n)
        })
    }

    /// The next segment or part of `playlist`, skipping `EXT-X-GAP` segments.
    /// A live playlist starts at the live target; one that slid past the
    /// position (the player fell far behind) restarts there too.
    pub fn next(&mut self, playlist: &MediaPlaylist) -> Next {
        let first = playlist.sequence_of(0);
        let live = playlist.is_live();
        let (mut seq, mut part) = match self.next {
            Some(n) if n >= first => (n, self.part),
            _ => {
                self.end_ms = None;
                if live {
                    live_start(playlist, self.target_ms(playlist))
                } else {
                    (first, 0)
                }
            }
        };
        let (segment, open) = loop {
            let Some((segment, open)) = segment_at(playlist, seq) else {
                (self.next, self.part) = (Some(seq), part);
                // An on-demand playlist is complete even without EXT-X-ENDLIST.
                return if live { Next::Wait } else { Next::End };
            };
            let parts = segment.parts.len();
            if segment.gap {
                self.end_ms = None;
            } else if segment.parts.get(part).is_some_and(|p| p.gap) && (open || part > 0) {
                // A missing part (`GAP=YES`): passed over like one that failed.
                self.end_ms = None;
                part += 1;
                continue;
            } else if open && part >= parts {
                // The next part is not written yet.
                (self.next, self.part) = (Some(seq), part);
                return Next::Wait;
            } else if open || part == 0 || part < parts || parts == 0 {
                break (segment, open);
            }
            // Every part of a segment now complete is in: on to the next.
            (seq, part) = (seq + 1, 0);
        };
        (self.next, self.part) = (Some(seq), part);
        // why: a segment joined in its middle goes on part by part; one that
        // slid out of the parts window meanwhile loads whole again (placed at
        // its start, it replaces the parts already in).
        let part = (open || (part > 0 && part < segment.parts.len())).then_some(part);
        let index = (seq - first) as usize;
        let segment_start = segment
            .program_date_time
            .or(self.end_ms.filter(|_| part.unwrap_or(0) == 0))
            .unwrap_or_else(|| {
                // No clock in the playlist: count from its first segment.
                ms(playlist.segments[..index].iter().map(|s| s.duration).sum())
            });
        let start_ms = part.map_or(segment_start, |k| part_start(segment, segment_start, k));
        // why: a packager that restarts may rewrite the same init URI with
        // new content; after a discontinuity the init always goes again.
        let init = segment
            .map
            .as_ref()
            .filter(|m| {
                (segment.discontinuity && part.unwrap_or(0) == 0) || self.map.as_ref() != Some(*m)
            })
            .cloned();
        Next::Load(Box::new(Step {
            segment: segment.clone(),
            seq,
            part,
            start_ms,
            init,
            follows: self.end_ms.is_some(),
        }))
    }

    /// Moves past `step`: the next part of its segment, or the next segment.
    fn pass(&mut self, step: &Step) {
        (self.next, self.part) = match step.part {
            Some(k) => (Some(step.seq), k + 1),
            None => (Some(step.seq + 1), 0),
        };
    }

    /// Records that `step` was appended (or skipped after failing).
    pub fn done(&mut self, step: &Step, appended: bool) {
        self.pass(step);
        if let Some(map) = step.init.as_ref().filter(|_| appended) {
            self.map = Some(map.clone());
        }
        self.end_ms = appended.then(|| step.start_ms + ms(step.duration()));
    }

    /// Moves to the same programme time in another rendition's playlist (their
    /// sequence numbers need not match), and forgets the init section: to the
    /// point where decoding can start that begins where the last load ended,
    /// else the segment that mostly lies after it.
    pub fn switch_to(&mut self, playlist: &MediaPlaylist) {
        self.map = None;
        let Some(end) = self.end_ms else { return };
        if let Some(&(seq, part, _)) = entry_points(playlist)
            .iter()
            .find(|p| (p.2 - end).abs() <= 20)
        {
            (self.next, self.part) = (Some(seq), part);
            return;
        }
        let index = playlist.segments.iter().position(|s| {
            s.program_date_time
                .is_some_and(|p| p + ms(s.duration) / 2 > end)
        });
        if let Some(i) = index {
            (self.next, self.part) = (Some(playlist.sequence_of(i)), 0);
        }
    }

    /// Jumps to the live target on the next call to [`Cursor::next`] (go live
    /// when the loader is far behind).
    pub fn restart(&mut self) {
        self.next = None;
        self.part = 0;
        self.end_ms = None;
    }

    /// Continues, on the next call to [`Cursor::next`], at the segment playing
    /// at `programme_ms` (unix ms): the one whose span holds it, else the first
    /// after it (a gap between packager runs, or before the first), else the
    /// last. A playlist without date-times has no programme time to seek by:
    /// the position stays.
    pub fn seek(&mut self, playlist: &MediaPlaylist, programme_ms: i64) {
        let segments = &playlist.segments;
        if !segments.iter().any(|s| s.program_date_time.is_some()) {
            return;
        }
        let index = segments
            .iter()
            .position(|s| {
                s.program_date_time
                    .is_some_and(|p| p + ms(s.duration) > programme_ms)
            })
            .unwrap_or(segments.len() - 1);
        self.next = Some(playlist.sequence_of(index));
        self.part = 0;
        self.end_ms = None;
        // why: the buffer's last init section may be another packager run's
        // under the same URI; the first segment loaded after a seek brings its own.
        self.map = None;
    }

    /// Passes over `step` without loading it: it is buffered already (a seek
    /// back over what was loaded before).
    pub fn skip(&mut self, step: &Step) {
        self.pass(step);
        self.end_ms = Some(step.start_ms + ms(step.duration()));
        // The init section `step` would have brought is not in the buffer:
        // the next segment loaded takes its own.
        if step.init.is_some() {
            self.map = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapak_protocol::hls::{parse, Playlist};

    fn playlist(first: u64, n: usize, ended: bool) -> MediaPlaylist {
        let mut text = format!("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:{first}\n#EXT-X-MAP:URI=\"init.mp4\"\n");
        for i in 0..n as u64 {
            let seq = first + i;
            let (m, s) = (seq / 60, seq % 60);
            text += &format!("#EXT-X-PROGRAM-DATE-TIME:2026-12-03T10:{m:02}:{s:02}.000Z\n#EXTINF:1.0,\nseg{seq}.m4s\n");
        }
        if ended {
            text += "#EXT-X-ENDLIST\n";
        }
        match parse(&text).expect("a valid playlist") {
            Playlist::Media(m) => m,
            Playlist::Master(_) => unreachable!("written as a media playlist"),
        }
    }

    /// Programme time of `p`'s first segment.
    fn t0(p: &MediaPlaylist) -> i64 {
        p.segments[0].program_date_time.expect("dated")
    }

    /// An ended playlist of 1 s segments 0..10 whose second packager run
    /// (from segment 5) started 10 s after the first stopped.
    fn two_runs() -> MediaPlaylist {
        let mut p = playlist(0, 10, true);
        p.segments[5].discontinuity = true;
        for s in &mut p.segments[5..] {
            s.program_date_time = s.program_date_time.map(|t| t + 10_000);
        }
        p
    }

    fn load(c: &mut Cursor, p: &MediaPlaylist) -> Step {
        match c.next(p) {
            Next::Load(step) => *step,
            other => panic!("expected a segment, got {other:?}"),
        }
    }

    use crate::hls::low_latency::tests::low_latency;

    fn uris(c: &mut Cursor, p: &MediaPlaylist) -> Vec<String> {
        let mut out = Vec::new();
        while let Next::Load(step) = c.next(p) {
            out.push(step.uri().to_owned());
            c.done(&step, true);
        }
        out
    }

    #[test]
    fn low_latency_joins_at_the_last_keyframe_before_the_target_then_goes_part_by_part() {
        // Edge: the end of part 13.1 (13.5 s); 1 s behind it is 12.5 s, in segment 12.
        let p = low_latency();
        let mut c = Cursor::default();
        c.aim(1000);
        let step = load(&mut c, &p);
        assert_eq!((step.seq, step.part, step.uri()), (12, None, "s12.m4s"));
        assert!(step.init.is_some());
        c.done(&step, true);
        let step = load(&mut c, &p);
        assert_eq!(
            (step.seq, step.part, step.uri()),
            (13, Some(0), "p13.0.m4s")
        );
        assert_eq!(step.start_ms, t0(&p) + 3000);
        assert!(step.discontinuity() == step.segment.discontinuity);
        c.done(&step, true);
        assert_eq!(uris(&mut c, &p), ["p13.1.m4s"]);
        assert_eq!(c.next(&p), Next::Wait, "the next part is not written yet");
    }

    #[test]
    fn an_independent_part_before_the_target_is_where_a_join_starts() {
        let mut p = low_latency();
        p.segments[2].parts[2].independent = true;
        let mut c = Cursor::default();
        c.aim(1000);
        let step = load(&mut c, &p);
        assert_eq!((step.seq, step.part), (12, Some(2)));
        assert_eq!(step.start_ms, t0(&p) + 2500);
        assert_eq!(step.duration(), 0.25);
        assert!(
            step.init.is_some(),
            "the init section goes first wherever a join starts"
        );
        c.done(&step, true);
        assert_eq!(uris(&mut c, &p), ["p12.3.m4s", "p13.0.m4s", "p13.1.m4s"]);
    }

    #[test]
    fn a_longer_target_joins_further_back_by_whole_segments() {
        let p = low_latency();
        let mut c = Cursor::default();
        c.aim(3000);
        assert_eq!(
            uris(&mut c, &p),
            ["s10.m4s", "s11.m4s", "s12.m4s", "p13.0.m4s", "p13.1.m4s"]
        );
    }

    #[test]
    fn the_open_segment_completing_continues_with_its_remaining_parts_then_the_next() {
        let p = low_latency();
        let mut c = Cursor::default();
        c.aim(500);
        assert_eq!(uris(&mut c, &p), ["p13.0.m4s", "p13.1.m4s"]);
        // The reload: 13 complete with four parts, 14 open with one.
        let mut fresh = low_latency();
        let mut done = fresh.open_segment.take().expect("open");
        done.uri = "s13.m4s".into();
        done.duration = 1.0;
        for k in 2..4 {
            let mut part = done.parts[1].clone();
            part.uri = format!("p13.{k}.m4s");
            done.parts.push(part);
        }
        let mut open = done.clone();
        open.uri.clear();
        open.parts.truncate(1);
        open.parts[0].uri = "p14.0.m4s".into();
        open.duration = 0.25;
        open.program_date_time = done.program_date_time.map(|t| t + 1000);
        fresh.segments.push(done);
        fresh.open_segment = Some(open);
        assert_eq!(
            uris(&mut c, &fresh),
            ["p13.2.m4s", "p13.3.m4s", "p14.0.m4s"]
        );
        assert_eq!(c.next(&fresh), Next::Wait);
    }

    #[test]
    fn a_part_that_failed_is_passed_over() {
        let p = low_latency();
        let mut c = Cursor::default();
        c.aim(500);
        let step = load(&mut c, &p);
        c.done(&step, false);
        assert_eq!(load(&mut c, &p).uri(), "p13.1.m4s");
    }

    #[test]
    fn a_missing_part_is_passed_over() {
        let mut p = low_latency();
        if let Some(open) = p.open_segment.as_mut() {
            open.parts[0].gap = true;
        }
        let mut c = Cursor::default();
        c.aim(500);
        let step = load(&mut c, &p);
        assert_eq!(step.uri(), "p13.1.m4s");
        assert!(!step.follows, "placed: what came before it is missing");
    }

    #[test]
    fn switching_rendition_mid_segment_continues_at_an_independent_part() {
        let p = low_latency();
        let mut c = Cursor::default();
        c.aim(500);
        let step = load(&mut c, &p);
        c.done(&step, true);
        // The other rendition can start decoding where part 13.0 ended.
        let mut other = low_latency();
        if let Some(open) = other.open_segment.as_mut() {
            open.parts[1].independent = true;
            open.parts[1].uri = "other13.1.m4s".into();
        }
        c.switch_to(&other);
        let step = load(&mut c, &other);
        assert_eq!((step.uri(), step.init.is_some()), ("other13.1.m4s", true));
    }

    #[test]
    fn the_edge_is_the_newest_parts_end() {
        let p = low_latency();
        assert_eq!(edge_ms(&p), Some(t0(&p) + 3500));
        let plain = playlist(0, 4, false);
        assert_eq!(edge_ms(&plain), Some(t0(&plain) + 4000));
    }

    #[test]
    fn live_starts_three_segments_from_the_edge_with_its_init() {
        let p = playlist(100, 10, false);
        let mut c = Cursor::default();
        let step = load(&mut c, &p);
        assert_eq!(step.seq, 107);
        assert_eq!(step.segment.uri, "seg107.m4s");
        assert_eq!(step.init.as_ref().map(|m| m.uri.as_str()), Some("init.mp4"));
        c.done(&step, true);
        let step = load(&mut c, &p);
        assert_eq!(step.seq, 108);
        assert_eq!(step.init, None, "same init section: not again");
        assert_eq!(
            step.start_ms - p.segments[0].program_date_time.unwrap(),
            8000
        );
    }

    #[test]
    fn vod_starts_at_the_beginning_and_ends() {
        let p = playlist(0, 2, true);
        let mut c = Cursor::default();
        for seq in 0..2 {
            let step = load(&mut c, &p);
            assert_eq!(step.seq, seq);
            c.done(&step, true);
        }
        assert_eq!(c.next(&p), Next::End);
    }

    #[test]
    fn waits_at_the_live_edge_and_continues_after_a_reload() {
        let mut c = Cursor::default();
        let p = playlist(0, 3, false);
        for _ in 0..3 {
            let step = load(&mut c, &p);
            c.done(&step, true);
        }
        assert_eq!(c.next(&p), Next::Wait);
        let p = playlist(1, 3, false);
        assert_eq!(load(&mut c, &p).seq, 3);
    }

    #[test]
    fn a_window_that_slid_past_restarts_at_the_live_target() {
        let mut c = Cursor::default();
        let p = playlist(0, 10, false);
        let step = load(&mut c, &p);
        c.done(&step, true);
        let p = playlist(50, 10, false);
        assert_eq!(load(&mut c, &p).seq, 57);
    }

    #[test]
    fn gap_segments_are_skipped() {
        let mut p = playlist(0, 3, true);
        p.segments[0].gap = true;
        let mut c = Cursor::default();
        assert_eq!(load(&mut c, &p).seq, 1);
    }

    #[test]
    fn a_new_init_section_after_a_discontinuity_goes_first() {
        let mut p = playlist(0, 3, true);
        p.segments[2].discontinuity = true;
        p.segments[2].map = Some(Map {
            uri: "init-2.mp4".into(),
            byte_range: None,
        });
        let mut c = Cursor::default();
        for _ in 0..2 {
            let step = load(&mut c, &p);
            c.done(&step, true);
        }
        assert_eq!(
            load(&mut c, &p).init.map(|m| m.uri),
            Some("init-2.mp4".to_owned())
        );
    }

    #[test]
    fn a_discontinuity_appends_the_init_again_even_under_the_same_uri() {
        let mut p = playlist(0, 3, true);
        p.segments[1].discontinuity = true;
        let mut c = Cursor::default();
        let step = load(&mut c, &p);
        c.done(&step, true);
        assert_eq!(
            load(&mut c, &p).init.map(|m| m.uri),
            Some("init.mp4".to_owned())
        );
    }

    #[test]
    fn a_failed_init_is_fetched_again() {
        let p = playlist(0, 3, true);
        let mut c = Cursor::default();
        let step = load(&mut c, &p);
        c.done(&step, false);
        assert!(load(&mut c, &p).init.is_some());
    }

    #[test]
    fn switching_rendition_continues_at_the_same_programme_time() {
        let p = playlist(0, 10, true);
        let mut c = Cursor::default();
        for _ in 0..4 {
            let step = load(&mut c, &p);
            c.done(&step, true);
        }
        // The other rendition numbers its segments differently.
        let mut other = playlist(0, 10, true);
        other.media_sequence = 500;
        c.switch_to(&other);
        let step = load(&mut c, &other);
        assert_eq!(step.seq, 504);
        assert!(step.init.is_some(), "the other rendition's init section");
    }

    #[test]
    fn a_seek_loads_the_segment_holding_the_time_then_the_rest_in_order() {
        let p = playlist(0, 10, true);
        let mut c = Cursor::default();
        let step = load(&mut c, &p);
        c.done(&step, true);
        c.seek(&p, t0(&p) + 4500);
        let step = load(&mut c, &p);
        assert_eq!(step.seq, 4);
        assert_eq!(step.start_ms, t0(&p) + 4000);
        assert!(
            step.init.is_some(),
            "after a seek the init section goes again"
        );
        c.done(&step, true);
        for seq in 5..10 {
            let step = load(&mut c, &p);
            assert_eq!((step.seq, &step.init), (seq, &None));
            c.done(&step, true);
        }
        assert_eq!(c.next(&p), Next::End);
    }

    #[test]
    fn a_seek_into_the_gap_between_packager_runs_lands_after_it() {
        let p = two_runs();
        let mut c = Cursor::default();
        // Segment 4 ends at +5 s; the second run starts at +15 s.
        c.seek(&p, t0(&p) + 9000);
        let step = load(&mut c, &p);
        assert_eq!(step.seq, 5);
        assert_eq!(step.start_ms, t0(&p) + 15_000);
        c.seek(&p, t0(&p) + 16_500);
        assert_eq!(load(&mut c, &p).seq, 6, "inside the second run");
    }

    #[test]
    fn a_seek_before_the_first_segment_starts_at_the_first() {
        let p = playlist(100, 10, true);
        let mut c = Cursor::default();
        c.seek(&p, t0(&p) - 60_000);
        assert_eq!(load(&mut c, &p).seq, 100);
    }

    #[test]
    fn a_seek_past_the_end_loads_the_last_segment_then_ends() {
        let p = playlist(0, 10, true);
        let mut c = Cursor::default();
        c.seek(&p, t0(&p) + 3_600_000);
        let step = load(&mut c, &p);
        assert_eq!(step.seq, 9);
        c.done(&step, true);
        assert_eq!(c.next(&p), Next::End);
    }

    #[test]
    fn a_seek_in_a_live_playlist_loads_there_not_at_the_live_target() {
        let p = playlist(100, 10, false);
        let mut c = Cursor::default();
        c.seek(&p, t0(&p) + 2000);
        assert_eq!(load(&mut c, &p).seq, 102);
    }

    #[test]
    fn a_playlist_without_date_times_ignores_seeks() {
        let mut p = playlist(0, 5, true);
        for s in &mut p.segments {
            s.program_date_time = None;
        }
        let mut c = Cursor::default();
        let step = load(&mut c, &p);
        c.done(&step, true);
        c.seek(&p, 3000);
        assert_eq!(load(&mut c, &p).seq, 1);
    }

    #[test]
    fn a_skipped_segment_leaves_its_init_section_to_the_next_load() {
        // A packager restart rewrote the init section under the same URI.
        let mut p = playlist(0, 3, true);
        p.segments[1].discontinuity = true;
        let mut c = Cursor::default();
        let step = load(&mut c, &p);
        c.done(&step, true);
        let step = load(&mut c, &p);
        assert!(step.init.is_some());
        c.skip(&step);
        let step = load(&mut c, &p);
        assert_eq!(step.seq, 2);
        assert!(step.init.is_some(), "the buffer never got the skipped init");
    }

    #[test]
    fn an_on_demand_playlist_without_endlist_ends_too() {
        let mut p = playlist(0, 1, false);
        p.kind = Some(lapak_protocol::hls::PlaylistKind::Vod);
        let mut c = Cursor::default();
        let step = load(&mut c, &p);
        c.done(&step, true);
        assert_eq!(c.next(&p), Next::End);
    }
}
