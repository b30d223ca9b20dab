//! The timing facts read from CMAF (fragmented MP4): each track's timescale,
//! from the init section, and the decode time a segment starts at (the player
//! places segments by programme date-time, not by their own timestamps;
//! subtitle cues are timed by those timestamps, so this is how a cue finds its
//! frame); and, for the server that cuts a packager's fragments into
//! low-latency parts, each fragment's video length and whether it starts with
//! a keyframe.

/// An ISO BMFF box: its type and its payload.
struct Box<'a> {
    kind: [u8; 4],
    body: &'a [u8],
}

/// The boxes directly inside `data`, until one is cut short.
fn boxes(mut data: &[u8]) -> impl Iterator<Item = Box<'_>> {
    std::iter::from_fn(move || {
        let size = u32::from_be_bytes(data.get(..4)?.try_into().ok()?) as u64;
        let kind: [u8; 4] = data.get(4..8)?.try_into().ok()?;
        let (header, size) = match size {
            1 => (16, u64::from_be_bytes(data.get(8..16)?.try_into().ok()?)),
            0 => (8, data.len() as u64),
            n => (8, n),
        };
        let size = usize::try_from(size).ok()?;
        let body = data.get(header..size)?;
        data = &data[size..];
        Some(Box { kind, body })
    })
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(data).find(|b| &b.kind == kind).map(|b| b.body)
}

fn be_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

/// `(track id, timescale)` of every track in an init section (`moov`).
pub fn timescales(init: &[u8]) -> Vec<(u32, u32)> {
    let Some(moov) = child(init, b"moov") else {
        return Vec::new();
    };
    boxes(moov)
        .filter(|b| &b.kind == b"trak")
        .filter_map(|trak| {
            let tkhd = child(trak.body, b"tkhd")?;
            // Full box: version, then times of 4 or 8 bytes each, then the id.
            let id = be_u32(tkhd, if tkhd.first()? == &1 { 20 } else { 12 })?;
            let mdhd = child(child(trak.body, b"mdia")?, b"mdhd")?;
            let scale = be_u32(mdhd, if mdhd.first()? == &1 { 20 } else { 12 })?;
            Some((id, scale))
        })
        .collect()
}

/// Where a media segment starts, in seconds of its first track's timeline
/// (`tfdt` over the track's timescale), given the init section's timescales.
pub fn start_seconds(segment: &[u8], timescales: &[(u32, u32)]) -> Option<f64> {
    let moof = boxes(segment).find(|b| &b.kind == b"moof")?.body;
    let traf = child(moof, b"traf")?;
    let id = be_u32(child(traf, b"tfhd")?, 4)?;
    let tfdt = child(traf, b"tfdt")?;
    let time = if tfdt.first()? == &1 {
        be_u64(tfdt, 4)?
    } else {
        u64::from(be_u32(tfdt, 4)?)
    };
    let scale = timescales.iter().find(|(track, _)| *track == id)?.1;
    (scale > 0).then(|| time as f64 / f64::from(scale))
}

/// The video track of an init section, as fragments need it read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VideoTrack {
    /// `tkhd` track id, which its fragments' `tfhd` name.
    pub id: u32,
    /// `mdhd` ticks per second.
    pub timescale: u32,
    /// `trex` defaults, used when a fragment gives none.
    pub default_duration: u32,
    /// `trex` default sample flags.
    pub default_flags: u32,
}

/// The first video track (`hdlr` `vide`) of an init section.
pub fn video_track(init: &[u8]) -> Option<VideoTrack> {
    let moov = child(init, b"moov")?;
    let (id, timescale) = boxes(moov)
        .filter(|b| &b.kind == b"trak")
        .find_map(|trak| {
            let tkhd = child(trak.body, b"tkhd")?;
            let id = be_u32(tkhd, if tkhd.first()? == &1 { 20 } else { 12 })?;
            let mdia = child(trak.body, b"mdia")?;
            // Full box header, pre_defined, then the handler type.
            (child(mdia, b"hdlr")?.get(8..12)? == b"vide").then_some(())?;
            let mdhd = child(mdia, b"mdhd")?;
            let scale = be_u32(mdhd, if mdhd.first()? == &1 { 20 } else { 12 })?;
            Some((id, scale))
        })?;
    // trex: full box header, track id, description index, duration, size, flags.
    let trex = child(moov, b"mvex").and_then(|mvex| {
        boxes(mvex)
            .filter(|b| &b.kind == b"trex")
            .find(|b| be_u32(b.body, 4) == Some(id))
    });
    let field = |at| trex.as_ref().and_then(|t| be_u32(t.body, at)).unwrap_or(0);
    Some(VideoTrack {
        id,
        timescale,
        default_duration: field(12),
        default_flags: field(20),
    })
}

/// What a player needs of one fragment (`moof`): its video's decode time,
/// length and whether it starts with a keyframe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fragment {
    /// `tfdt`, in the track's ticks.
    pub start: u64,
    /// The sum of its video samples' durations, in ticks.
    pub duration: u64,
    /// Its first video sample is a sync sample: it can be decoded alone.
    pub independent: bool,
}

/// `sample_is_non_sync_sample` in ISO BMFF sample flags.
const NON_SYNC: u32 = 0x0001_0000;

/// The video of the `moof` in `data` (a `moof` and its `mdat`), read with the
/// init section's defaults; `None` when it holds no video.
pub fn fragment(data: &[u8], track: &VideoTrack) -> Option<Fragment> {
    let moof = boxes(data).find(|b| &b.kind == b"moof")?.body;
    let traf = boxes(moof)
        .filter(|b| &b.kind == b"traf")
        .find(|traf| child(traf.body, b"tfhd").and_then(|t| be_u32(t, 4)) == Some(track.id))?
        .body;
    let tfhd = child(traf, b"tfhd")?;
    let flags = be_u32(tfhd, 0)? & 0x00ff_ffff;
    // Optional fields after the track id, in this order, each present by its flag.
    let mut at = 8;
    let mut optional = |flag: u32, len: usize| {
        let here = (flags & flag != 0).then_some(at);
        if here.is_some() {
            at += len;
        }
        here
    };
    optional(0x01, 8);
    optional(0x02, 4);
    let duration_at = optional(0x08, 4);
    optional(0x10, 4);
    let flags_at = optional(0x20, 4);
    let default_duration = match duration_at {
        Some(at) => be_u32(tfhd, at)?,
        None => track.default_duration,
    };
    let default_flags = match flags_at {
        Some(at) => be_u32(tfhd, at)?,
        None => track.default_flags,
    };
    let start = child(traf, b"tfdt").and_then(|tfdt| {
        if tfdt.first()? == &1 {
            be_u64(tfdt, 4)
        } else {
            be_u32(tfdt, 4).map(u64::from)
        }
    })?;
    let (mut duration, mut first_flags) = (0_u64, None);
    for trun in boxes(traf).filter(|b| &b.kind == b"trun") {
        let body = trun.body;
        let flags = be_u32(body, 0)? & 0x00ff_ffff;
        let count = be_u32(body, 4)?;
        let mut at = 8 + if flags & 0x01 != 0 { 4 } else { 0 };
        let first_sample_flags = if flags & 0x04 != 0 {
            at += 4;
            Some(be_u32(body, at - 4)?)
        } else {
            None
        };
        let per_sample = [0x100, 0x200, 0x400, 0x800]
            .iter()
            .filter(|&&f| flags & f != 0)
            .count()
            * 4;
        for index in 0..count as usize {
            let sample = at + index * per_sample;
            duration += u64::from(if flags & 0x100 != 0 {
                be_u32(body, sample)?
            } else {
                default_duration
            });
            if first_flags.is_none() {
                let flags_offset = sample
                    + if flags & 0x100 != 0 { 4 } else { 0 }
                    + if flags & 0x200 != 0 { 4 } else { 0 };
                first_flags = Some(match first_sample_flags {
                    Some(flags) => flags,
                    None if flags & 0x400 != 0 => be_u32(body, flags_offset)?,
                    None => default_flags,
                });
            }
        }
    }
    Some(Fragment {
        start,
        duration,
        independent: first_flags? & NON_SYNC == 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    fn full(version: u8, rest: &[u8]) -> Vec<u8> {
        let mut out = vec![version, 0, 0, 0];
        out.extend_from_slice(rest);
        out
    }

    fn trak(id: u32, scale: u32) -> Vec<u8> {
        // tkhd v0: created, modified, then the track id.
        let tkhd = full(0, &[&[0; 8][..], &id.to_be_bytes(), &[0; 72]].concat());
        // mdhd v1: created and modified as 8 bytes each, then the timescale.
        let mdhd = full(1, &[&[0; 16][..], &scale.to_be_bytes(), &[0; 12]].concat());
        boxed(
            b"trak",
            &[
                boxed(b"tkhd", &tkhd),
                boxed(b"mdia", &boxed(b"mdhd", &mdhd)),
            ]
            .concat(),
        )
    }

    #[test]
    fn init_timescales_and_segment_start() {
        let init = [
            boxed(b"ftyp", b"iso6mp41"),
            boxed(b"moov", &[trak(1, 90_000), trak(2, 48_000)].concat()),
        ]
        .concat();
        let scales = timescales(&init);
        assert_eq!(scales, vec![(1, 90_000), (2, 48_000)]);
        let traf = |id: u32, tfdt: Vec<u8>| {
            boxed(
                b"traf",
                &[
                    boxed(b"tfhd", &full(0, &id.to_be_bytes())),
                    boxed(b"tfdt", &tfdt),
                ]
                .concat(),
            )
        };
        let segment = |id, tfdt| {
            [
                boxed(b"styp", b"msdh"),
                boxed(b"moof", &[boxed(b"mfhd", &[0; 8]), traf(id, tfdt)].concat()),
                boxed(b"mdat", &[1, 2, 3]),
            ]
            .concat()
        };
        let v1 = segment(1, full(1, &(900_000u64 + 45_000).to_be_bytes()));
        assert_eq!(start_seconds(&v1, &scales), Some(10.5));
        let v0 = segment(2, full(0, &96_000u32.to_be_bytes()));
        assert_eq!(start_seconds(&v0, &scales), Some(2.0));
        // A track the init does not know, or a cut segment, has no start.
        assert_eq!(start_seconds(&segment(3, full(0, &[0; 4])), &scales), None);
        assert_eq!(start_seconds(&v1[..20], &scales), None);
        assert_eq!(timescales(b"not mp4"), Vec::new());
    }
}
