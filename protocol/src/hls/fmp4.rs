//! The two timing facts a player needs from CMAF (fragmented MP4) segments:
//! each track's timescale, from the init section, and the decode time a
//! segment starts at. The player places segments by programme date-time, not
//! by their own timestamps; subtitle cues are timed by those timestamps, so
//! this is how a cue finds its frame.

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
