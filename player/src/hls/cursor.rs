//! Which segment to load next from a media playlist that slides and reloads:
//! the playlist position by media sequence number, its programme time, and
//! whether its init section must go first. Pure, so the rules are tested natively.
use lapak_protocol::hls::{Map, MediaPlaylist, Segment};

use super::live_edge;

/// The next thing to load.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Load this segment.
    Load(Box<Step>),
    /// Nothing new yet: reload the playlist.
    Wait,
    /// The playlist has ended and every segment is loaded.
    End,
}

/// One segment to load.
#[derive(Debug, PartialEq)]
pub struct Step {
    /// The segment.
    pub segment: Segment,
    /// Its media sequence number.
    pub seq: u64,
    /// Programme date-time of its first frame, unix ms.
    pub start_ms: i64,
    /// The init section to append first, when it changed.
    pub init: Option<Map>,
}

/// The position in a playlist's timeline.
#[derive(Clone, Debug, Default)]
pub struct Cursor {
    next: Option<u64>,
    end_ms: Option<i64>,
    map: Option<Map>,
}

/// Whether `playlist` has a live edge to follow (not VOD, not ended).
pub fn is_live(playlist: &MediaPlaylist) -> bool {
    !playlist.ended && playlist.kind != Some(lapak_protocol::hls::PlaylistKind::Vod)
}

fn ms(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

impl Cursor {
    /// The next segment of `playlist`, skipping `EXT-X-GAP` ones. A live
    /// playlist starts at the live target; one that slid past the position
    /// (the player fell far behind) restarts there too.
    pub fn next(&mut self, playlist: &MediaPlaylist) -> Next {
        let first = playlist.media_sequence;
        let count = playlist.segments.len() as u64;
        let restart = if is_live(playlist) {
            live_edge::start_index(playlist.segments.len()) as u64
        } else {
            0
        };
        let mut seq = match self.next {
            Some(n) if n >= first => n,
            _ => {
                self.end_ms = None;
                first + restart
            }
        };
        while seq < first + count && playlist.segments[(seq - first) as usize].gap {
            seq += 1;
            self.end_ms = None;
        }
        self.next = Some(seq);
        let Some(segment) = playlist.segments.get((seq - first) as usize) else {
            // An on-demand playlist is complete even without EXT-X-ENDLIST.
            return if is_live(playlist) {
                Next::Wait
            } else {
                Next::End
            };
        };
        let start_ms = segment
            .program_date_time
            .or(self.end_ms)
            .unwrap_or_else(|| {
                // No clock in the playlist: count from its first segment.
                let index = (seq - first) as usize;
                ms(playlist.segments[..index].iter().map(|s| s.duration).sum())
            });
        // why: a packager that restarts may rewrite the same init URI with
        // new content; after a discontinuity the init always goes again.
        let init = segment
            .map
            .as_ref()
            .filter(|m| segment.discontinuity || self.map.as_ref() != Some(*m))
            .cloned();
        Next::Load(Box::new(Step {
            segment: segment.clone(),
            seq,
            start_ms,
            init,
        }))
    }

    /// Records that `step` was appended (or skipped after failing).
    pub fn done(&mut self, step: &Step, appended: bool) {
        self.next = Some(step.seq + 1);
        if let Some(map) = step.init.as_ref().filter(|_| appended) {
            self.map = Some(map.clone());
        }
        self.end_ms = appended.then(|| step.start_ms + ms(step.segment.duration));
    }

    /// Moves to the same programme time in another rendition's playlist (their
    /// sequence numbers need not match), and forgets the init section.
    pub fn switch_to(&mut self, playlist: &MediaPlaylist) {
        self.map = None;
        let Some(end) = self.end_ms else { return };
        let index = playlist.segments.iter().position(|s| {
            s.program_date_time
                .is_some_and(|p| p + ms(s.duration) / 2 > end)
        });
        if let Some(i) = index {
            self.next = Some(playlist.sequence_of(i));
        }
    }

    /// Jumps to the live target on the next call to [`Cursor::next`] (go live
    /// when the loader is far behind).
    pub fn restart(&mut self) {
        self.next = None;
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
        self.end_ms = None;
        // why: the buffer's last init section may be another packager run's
        // under the same URI; the first segment loaded after a seek brings its own.
        self.map = None;
    }

    /// Passes over `step` without loading it: it is buffered already (a seek
    /// back over what was loaded before).
    pub fn skip(&mut self, step: &Step) {
        self.next = Some(step.seq + 1);
        self.end_ms = Some(step.start_ms + ms(step.segment.duration));
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
