//! The cutter: reads one rendition's fragmented MP4 as ffmpeg writes it and
//! cuts it into what low-latency HLS serves. The init section (`ftyp` +
//! `moov`) becomes `init.mp4`; each `moof` + `mdat` fragment (~200 ms) is a
//! part, independent when its first video sample is a sync sample; a segment
//! closes at the first independent part once it holds at least
//! [`SEGMENT_SECONDS`], and is written as `seg-NNNNN.m4s` (its parts, end to
//! end) with the run's own `index.m3u8`, so the recording and everything that
//! reads run folders keep working. The last few segments' parts stay in
//! memory, where `serve` answers them from.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use lapak_protocol::hls::fmp4::{self, VideoTrack};
use lapak_protocol::hls::{Map, MediaPlaylist, PlaylistKind, Segment};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::Notify;

/// The shortest segment: a segment closes at the first keyframe after this.
pub const SEGMENT_SECONDS: u64 = 1;
/// Segments whose parts' bytes are kept: the three whose parts the live
/// playlist lists, and one more for a player a little behind.
const PARTS_KEPT: usize = 4;
/// The largest box read; anything bigger is not a 200 ms fragment.
const MAX_BOX: u64 = 64 * 1024 * 1024;

/// One part: its bytes while they are kept.
#[derive(Clone, Debug)]
pub struct CutPart {
    /// Seconds of video.
    pub duration: f64,
    /// Starts with a keyframe.
    pub independent: bool,
    /// `None` once the part is old enough to be forgotten.
    pub bytes: Option<Bytes>,
}

/// A closed segment.
#[derive(Clone, Debug)]
pub struct CutSegment {
    /// Seconds (the sum of its parts').
    pub duration: f64,
    /// Bytes in `seg-NNNNN.m4s`.
    pub size: u64,
    /// Its parts.
    pub parts: Vec<CutPart>,
}

/// What one rendition's cutter has made of one run so far.
#[derive(Clone, Debug, Default)]
pub struct Cut {
    /// `init.mp4` is written.
    pub init: bool,
    /// Closed segments, oldest first (segment `i` is `seg-{i:05}.m4s`).
    pub segments: Vec<CutSegment>,
    /// The parts of the segment being cut.
    pub open: Vec<CutPart>,
    /// The stream has ended: nothing more will be added.
    pub finished: bool,
}

impl Cut {
    /// Parts cut so far: the next part's number.
    pub fn parts(&self) -> usize {
        self.closed_parts() + self.open.len()
    }

    /// Parts in the closed segments.
    pub fn closed_parts(&self) -> usize {
        self.segments.iter().map(|s| s.parts.len()).sum()
    }

    /// The bytes of the run's part number `n` (counted from 0 across its
    /// segments), if kept.
    pub fn part(&self, n: usize) -> Option<Bytes> {
        let mut first = self.closed_parts();
        if let Some(part) = n.checked_sub(first) {
            return self.open.get(part)?.bytes.clone();
        }
        for segment in self.segments.iter().rev() {
            first -= segment.parts.len();
            if let Some(part) = n.checked_sub(first) {
                return segment.parts[part].bytes.clone();
            }
        }
        None
    }
}

/// A cutter's output, shared with the playlists and `serve`.
#[derive(Debug, Default)]
pub struct Shared {
    cut: Mutex<Cut>,
    /// Woken at each new part.
    pub changed: Notify,
}

impl Shared {
    /// A copy of the cut so far.
    pub fn cut(&self) -> Cut {
        self.cut.lock().expect("cut lock poisoned").clone()
    }

    /// Reads the cut under its lock.
    pub fn with<T>(&self, read: impl FnOnce(&Cut) -> T) -> T {
        read(&self.cut.lock().expect("cut lock poisoned"))
    }

    /// Drops every kept part's bytes (the run's parts are listed no more).
    pub fn forget_parts(&self) {
        let mut cut = self.cut.lock().expect("cut lock poisoned");
        for part in cut.segments.iter_mut().flat_map(|s| &mut s.parts) {
            part.bytes = None;
        }
    }

    fn update(&self, change: impl FnOnce(&mut Cut)) {
        change(&mut self.cut.lock().expect("cut lock poisoned"));
        self.changed.notify_waiters();
    }
}

/// The name of the run's part number `n` (`part-N.m4s`), as listed and
/// served. Parts are numbered across the run's segments, so the part a
/// playlist hints at next keeps its name whether or not it starts a segment.
pub fn part_name(n: usize) -> String {
    format!("part-{n}.m4s")
}

/// The name of a segment's file.
pub fn segment_name(segment: usize) -> String {
    format!("seg-{segment:05}.m4s")
}

/// Cuts `stream` into `dir` until it ends, telling `shared` and `wake` (the
/// show's playlists) of each new part. Errors end the cut as if the stream had
/// ended: the run's playlist keeps what was cut.
pub async fn cut(
    mut stream: impl AsyncRead + Unpin,
    dir: PathBuf,
    shared: Arc<Shared>,
    wake: Arc<Notify>,
) {
    let mut cutter = Cutter {
        dir,
        shared: shared.clone(),
        wake: wake.clone(),
        track: None,
        init: Vec::new(),
        pending: Vec::new(),
        open_ticks: 0,
    };
    if let Err(error) = cutter.run(&mut stream).await {
        tracing::warn!(dir = %cutter.dir.display(), %error, "fragmented MP4 cut short");
    }
    if let Err(error) = cutter.close_segment().await {
        tracing::warn!(dir = %cutter.dir.display(), %error, "cannot write the last segment");
    }
    shared.update(|cut| cut.finished = true);
    wake.notify_one();
}

struct Cutter {
    dir: PathBuf,
    shared: Arc<Shared>,
    wake: Arc<Notify>,
    track: Option<VideoTrack>,
    init: Vec<u8>,
    /// The fragment being read (`moof`, then its `mdat`).
    pending: Vec<u8>,
    /// Video ticks in the open segment.
    open_ticks: u64,
}

impl Cutter {
    async fn run(&mut self, stream: &mut (impl AsyncRead + Unpin)) -> std::io::Result<()> {
        while let Some((kind, bytes)) = next_box(stream).await? {
            match (&kind, self.track) {
                (b"moof", None) => {
                    let track = fmp4::video_track(&self.init).ok_or_else(|| {
                        std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            "no video track in the init section",
                        )
                    })?;
                    write_file(&self.dir.join("init.mp4"), &self.init).await?;
                    self.track = Some(track);
                    self.shared.update(|cut| cut.init = true);
                    self.pending = bytes;
                }
                (_, None) => self.init.extend_from_slice(&bytes),
                (b"mdat", Some(track)) => {
                    self.pending.extend_from_slice(&bytes);
                    let part = std::mem::take(&mut self.pending);
                    self.add_part(part, &track).await?;
                }
                (_, Some(_)) => self.pending.extend_from_slice(&bytes),
            }
        }
        Ok(())
    }

    async fn add_part(&mut self, bytes: Vec<u8>, track: &VideoTrack) -> std::io::Result<()> {
        let Some(fragment) = fmp4::fragment(&bytes, track) else {
            // why: a fragment without video (audio only) cannot start or
            // measure a part; it joins the next one.
            self.pending = bytes;
            return Ok(());
        };
        let scale = u64::from(track.timescale.max(1));
        if fragment.independent && self.open_ticks >= SEGMENT_SECONDS * scale {
            self.close_segment().await?;
        }
        self.open_ticks += fragment.duration;
        let part = CutPart {
            duration: fragment.duration as f64 / scale as f64,
            independent: fragment.independent,
            bytes: Some(Bytes::from(bytes)),
        };
        self.shared.update(|cut| cut.open.push(part));
        self.wake.notify_one();
        Ok(())
    }

    /// Writes the open segment's file and the run's playlist, then lists it
    /// as closed (so it is never listed before its file exists).
    async fn close_segment(&mut self) -> std::io::Result<()> {
        let (index, parts, mut segments) = self.shared.with(|cut| {
            (
                cut.segments.len(),
                cut.open.clone(),
                cut.segments.iter().map(|s| s.duration).collect::<Vec<_>>(),
            )
        });
        if parts.is_empty() {
            return Ok(());
        }
        let mut file = Vec::new();
        for part in &parts {
            file.extend_from_slice(part.bytes.as_deref().unwrap_or_default());
        }
        write_file(&self.dir.join(segment_name(index)), &file).await?;
        let duration = parts.iter().map(|p| p.duration).sum();
        segments.push(duration);
        write_file(
            &self.dir.join("index.m3u8"),
            run_playlist(&segments).as_bytes(),
        )
        .await?;
        self.open_ticks = 0;
        self.shared.update(|cut| {
            cut.open.clear();
            cut.segments.push(CutSegment {
                duration,
                size: file.len() as u64,
                parts,
            });
            let forget = cut.segments.len().saturating_sub(PARTS_KEPT);
            for segment in &mut cut.segments[..forget] {
                for part in &mut segment.parts {
                    part.bytes = None;
                }
            }
        });
        self.wake.notify_one();
        Ok(())
    }
}

/// The run's own playlist of its segments, as ffmpeg's HLS muxer wrote it:
/// what a restarted server reads of an earlier run.
fn run_playlist(durations: &[f64]) -> String {
    let map = Map {
        uri: "init.mp4".into(),
        byte_range: None,
    };
    MediaPlaylist {
        version: 7,
        target_duration: durations.iter().fold(1.0_f64, |a, &b| a.max(b)).ceil() as u64,
        independent_segments: true,
        kind: Some(PlaylistKind::Event),
        segments: durations
            .iter()
            .enumerate()
            .map(|(index, &duration)| Segment {
                uri: segment_name(index),
                duration,
                map: Some(map.clone()),
                ..Segment::default()
            })
            .collect(),
        ..MediaPlaylist::default()
    }
    .render()
}

/// Writes under another name and renames, so no reader sees half a file.
async fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = path.with_extension("tmp");
    tokio::fs::write(&temporary, bytes).await?;
    tokio::fs::rename(&temporary, path).await
}

/// The next top-level box, header included; `None` at a clean end.
async fn next_box(
    stream: &mut (impl AsyncRead + Unpin),
) -> std::io::Result<Option<([u8; 4], Vec<u8>)>> {
    let mut header = [0u8; 8];
    match stream.read_exact(&mut header).await {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let kind: [u8; 4] = header[4..8].try_into().expect("four bytes");
    let mut bytes = header.to_vec();
    let size = match u32::from_be_bytes(header[..4].try_into().expect("four bytes")) {
        1 => {
            let mut large = [0u8; 8];
            stream.read_exact(&mut large).await?;
            bytes.extend_from_slice(&large);
            u64::from_be_bytes(large)
        }
        n => u64::from(n),
    };
    if size < bytes.len() as u64 || size > MAX_BOX {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a box of {size} bytes"),
        ));
    }
    let start = bytes.len();
    bytes.resize(size as usize, 0);
    stream.read_exact(&mut bytes[start..]).await?;
    Ok(Some((kind, bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ffmpeg's fragmented MP4 of three seconds of a test pattern with a
    /// keyframe a second, as the packager asks for it.
    fn fragmented() -> Vec<u8> {
        let output = std::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-nostdin"])
            .args(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25"])
            .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"])
            .args(["-t", "3.2", "-c:v", "libx264", "-preset", "ultrafast"])
            .args(["-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac"])
            .args(super::super::packager::FRAGMENTED_MP4)
            .arg("pipe:1")
            .output()
            .expect("ffmpeg is installed");
        assert!(output.status.success(), "{output:?}");
        output.stdout
    }

    #[tokio::test]
    async fn parts_are_cut_on_fragments_and_segments_on_keyframes() {
        let bytes = fragmented();
        let dir = tempfile::tempdir().unwrap();
        let shared = Arc::new(Shared::default());
        cut(
            &bytes[..],
            dir.path().to_owned(),
            shared.clone(),
            Arc::default(),
        )
        .await;
        let cut = shared.cut();
        assert!(cut.init && cut.finished);
        let init = std::fs::read(dir.path().join("init.mp4")).unwrap();
        assert_eq!(&init[4..8], b"ftyp");
        // Three one-second segments and the last fifth of a second.
        let durations: Vec<f64> = cut.segments.iter().map(|s| s.duration).collect();
        assert_eq!(durations.len(), 4, "{durations:?}");
        for (index, segment) in cut.segments.iter().enumerate() {
            let flags: Vec<bool> = segment.parts.iter().map(|p| p.independent).collect();
            assert!(flags[0], "segment {index} starts on a keyframe: {flags:?}");
            assert!(
                flags[1..].iter().all(|f| !f),
                "one keyframe a segment: {flags:?}"
            );
            let parts: f64 = segment.parts.iter().map(|p| p.duration).sum();
            assert!((parts - segment.duration).abs() < 1e-9);
            assert!(segment.parts.iter().all(|p| p.duration <= 0.25));
            let file = std::fs::read(dir.path().join(segment_name(index))).unwrap();
            assert_eq!(file.len() as u64, segment.size);
            // The last segments' parts are kept, and the file is them end to end.
            if index + PARTS_KEPT >= cut.segments.len() {
                let first: usize = cut.segments[..index].iter().map(|s| s.parts.len()).sum();
                let parts: Vec<u8> = (first..first + segment.parts.len())
                    .flat_map(|n| cut.part(n).unwrap().to_vec())
                    .collect();
                assert!(parts == file, "segment {index} is its parts");
            }
            // The file parses as fragments that follow on from one another.
            let track = fmp4::video_track(&init).unwrap();
            let first = fmp4::fragment(&file, &track).unwrap();
            assert_eq!(first.start, (index as u64) * u64::from(track.timescale));
        }
        for segment in &cut.segments[..3] {
            assert!((segment.duration - 1.0).abs() < 1e-9, "{durations:?}");
        }
        let playlist = std::fs::read_to_string(dir.path().join("index.m3u8")).unwrap();
        let Ok(lapak_protocol::hls::Playlist::Media(media)) = lapak_protocol::hls::parse(&playlist)
        else {
            panic!("{playlist}");
        };
        assert_eq!(media.segments.len(), 4);
        assert_eq!(media.segments[3].uri, "seg-00003.m4s");
    }
}
