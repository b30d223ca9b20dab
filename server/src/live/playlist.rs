//! The show's own playlists, merged from its packager runs: each run's
//! cutters make its segments and parts (and a restarted server reads earlier
//! runs' own playlists), and viewers need one playlist per show that survives
//! ffmpeg restarts and encoder reconnects. Each run begins with a discontinuity and
//! its own init section, and every segment carries the server's programme
//! clock: the run's first frame's arrival time plus the run's earlier
//! segments' durations. Product pins are stamped with the same clock, so a pin
//! made when a frame arrives lands on that frame.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use lapak_protocol::hls::{
    self, MasterPlaylist, MediaPlaylist, Part, Playlist, PlaylistKind, PreloadHint,
    RenditionReport, Segment, ServerControl,
};

use super::cutter::{self, Cut};
use super::{OnAir, Rendered, Rendition, RunInfo, ShowLive};

/// Segments in the live playlist: 12 one-second segments, several times the
/// distance a player keeps from the live edge.
pub const WINDOW: usize = 12;
/// Target durations a live playlist holds before it is listed at all.
// why: a player starts at least three target durations from the live edge
// (RFC 8216 §6.3.3). Listed earlier, a stream of one or two segments leaves it
// nowhere safe to start. (WebKitGTK's early `ended` is not about the playlist:
// docs/streaming.md, "Browsers' own HLS".)
const FIRST_LISTED_TARGETS: f64 = 3.0;
/// How often the runs are looked at without a cutter's call: what a cutter
/// makes is rendered at once; this catches a run that finished or an ended show.
const POLL: Duration = Duration::from_millis(500);
/// Seconds a part lasts at most, as announced (`PART-TARGET`): the packager's
/// fragments are ~200 ms and run at most a frame longer.
pub const PART_TARGET: f64 = 0.25;
/// Segments whose parts the live playlist lists, as RFC 8216bis suggests
/// (the open segment's parts are listed too).
const PARTS_LISTED: usize = 3;
/// The codec the 360p rendition is encoded with (main profile, level 3.0).
const LOWER_VIDEO_CODEC: &str = "avc1.4d401e";

/// What one run's ffmpeg has written for one rendition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunMedia {
    /// Its finished segments, URIs relative to the rendition's folder.
    pub segments: Vec<Segment>,
    /// Each segment's size in bytes, for the master playlist's bandwidth.
    pub sizes: Vec<u64>,
    /// Length and modification time of the playlist file when read: an
    /// unchanged file is not read again (a long show's playlist is large).
    pub stamp: Option<(u64, std::time::SystemTime)>,
    /// The parts of the segment being cut (its segments' parts are in
    /// `segments`); only for runs cut by this server process.
    pub open: Vec<Part>,
    /// The name of the next part, while the run is being cut.
    pub next_part: Option<String>,
}

impl RunMedia {
    /// Peak and average bits per second over the segments (`BANDWIDTH`,
    /// `AVERAGE-BANDWIDTH`). ffmpeg's own master playlist cannot be used: while
    /// copying a stream it does not know the bitrate, and leaves the rendition
    /// out until the run ends.
    fn bandwidth(&self) -> Option<(u64, u64)> {
        let mut peak = 0.0_f64;
        let (mut bytes, mut seconds) = (0_u64, 0.0_f64);
        for (segment, &size) in self.segments.iter().zip(&self.sizes) {
            if segment.duration > 0.0 {
                peak = peak.max(size as f64 * 8.0 / segment.duration);
                bytes += size;
                seconds += segment.duration;
            }
        }
        (seconds > 0.0).then(|| {
            (
                peak.ceil() as u64,
                (bytes as f64 * 8.0 / seconds).ceil() as u64,
            )
        })
    }
}

/// A run with what its ffmpeg has written so far.
#[derive(Clone, Debug)]
pub struct RunView {
    /// The run.
    pub info: RunInfo,
    /// Per rendition.
    pub media: HashMap<Rendition, RunMedia>,
    /// Read after ffmpeg exited: it will not change.
    pub complete: bool,
}

/// Keeps the show's playlists current until the task is dropped.
pub async fn keep(show: Arc<ShowLive>) {
    let mut views: Vec<RunView> = Vec::new();
    let mut closed = false;
    let mut deleted = false;
    loop {
        // why: a cutter's call renders its part the moment it exists, so a
        // blocking reload waiting for it is answered without a polling delay.
        let _ = tokio::time::timeout(POLL, show.cut_made.notified()).await;
        let runs = show.runs();
        let mut changed = false;
        for info in runs {
            let position = views.iter().position(|v| v.info.n == info.n);
            let view = match position {
                Some(index) => &mut views[index],
                None => {
                    views.push(RunView {
                        info: info.clone(),
                        media: HashMap::new(),
                        complete: false,
                    });
                    views.last_mut().expect("just pushed")
                }
            };
            if view.complete {
                continue;
            }
            // Read before marking complete, so the last segments written before
            // ffmpeg exited are seen.
            let finished = info.finished;
            view.info = info;
            let dir = super::packager::run_dir(&show.dir, view.info.n);
            let mut media = read_run(&dir, &show.renditions, &view.media).await;
            for &rendition in &show.renditions {
                if let Some(shared) = show.cut(view.info.n, rendition) {
                    let cut = shared.with(|cut| cut_media(cut, !finished));
                    media.insert(rendition, cut);
                }
            }
            if media != view.media {
                view.media = media;
                changed = true;
            }
            if finished {
                view.complete = true;
                changed = true;
            }
        }
        // The playlists end once the show has and its last ffmpeg has finished.
        let ended = *show.on_air.borrow() == OnAir::Ended && views.iter().all(|v| v.complete);
        if changed || ended != closed {
            closed = ended;
            let rendered = render_after(
                &views,
                &show.renditions,
                ended,
                show.low_latency,
                &show.rendered(),
            );
            show.set_rendered(rendered);
        }
        // why: a replay removed on air is deleted once nothing writes to it
        // (and what a stopped server left of a removed one, at the next start).
        if ended && !deleted && show.replay_settings().removed {
            show.delete_recording().await;
            deleted = true;
        }
    }
}

/// What a cutter has made of a run's rendition, as the playlists list it;
/// `live`: the run is still being cut, so its next part is hinted.
pub fn cut_media(cut: &Cut, live: bool) -> RunMedia {
    let map = hls::Map {
        uri: "init.mp4".into(),
        byte_range: None,
    };
    // why: only the last segments' parts are listed; naming every part of a
    // long run at each new part would cost more than the playlist itself.
    let listed = cut.segments.len().saturating_sub(PARTS_LISTED);
    let mut n: usize = cut.segments[..listed].iter().map(|s| s.parts.len()).sum();
    let mut part = |p: &cutter::CutPart| {
        n += 1;
        Part {
            uri: cutter::part_name(n - 1),
            duration: p.duration,
            independent: p.independent,
            byte_range: None,
            gap: false,
        }
    };
    let segments = cut
        .segments
        .iter()
        .enumerate()
        .map(|(index, segment)| Segment {
            uri: cutter::segment_name(index),
            duration: segment.duration,
            map: Some(map.clone()),
            parts: if index < listed {
                Vec::new()
            } else {
                segment.parts.iter().map(&mut part).collect()
            },
            ..Segment::default()
        })
        .collect();
    let open = cut.open.iter().map(&mut part).collect();
    RunMedia {
        segments,
        sizes: cut.segments.iter().map(|s| s.size).collect(),
        stamp: None,
        open,
        next_part: (live && cut.init && !cut.finished).then(|| cutter::part_name(cut.parts())),
    }
}

/// Reads one run's playlists; what cannot be read yet is left out. Sizes
/// already known (`before`) are kept, so each segment is measured once.
async fn read_run(
    dir: &Path,
    renditions: &[Rendition],
    before: &HashMap<Rendition, RunMedia>,
) -> HashMap<Rendition, RunMedia> {
    let mut media = HashMap::new();
    for &rendition in renditions {
        let folder = dir.join(rendition.as_str());
        let path = folder.join("index.m3u8");
        let stamp = tokio::fs::metadata(&path)
            .await
            .ok()
            .and_then(|m| Some((m.len(), m.modified().ok()?)));
        let known = before.get(&rendition);
        if let Some(known) = known.filter(|known| stamp.is_some() && known.stamp == stamp) {
            media.insert(rendition, known.clone());
            continue;
        }
        let Ok(text) = tokio::fs::read_to_string(&path).await else {
            continue;
        };
        let segments = match hls::parse(&text) {
            Ok(Playlist::Media(playlist)) => playlist.segments,
            Ok(Playlist::Master(_)) => continue,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "unreadable packager playlist");
                continue;
            }
        };
        let mut sizes = known.map(|known| known.sizes.clone()).unwrap_or_default();
        sizes.truncate(segments.len());
        for segment in &segments[sizes.len()..] {
            let size = tokio::fs::metadata(folder.join(&segment.uri))
                .await
                .map_or(0, |m| m.len());
            sizes.push(size);
        }
        media.insert(
            rendition,
            RunMedia {
                segments,
                sizes,
                stamp,
                ..RunMedia::default()
            },
        );
    }
    media
}

/// The show's playlists from its runs, oldest first; `ended` closes them;
/// `low_latency` makes the live ones low-latency HLS.
pub fn render(
    runs: &[RunView],
    renditions: &[Rendition],
    ended: bool,
    low_latency: bool,
) -> Rendered {
    render_after(runs, renditions, ended, low_latency, &Rendered::default())
}

/// As [`render`], keeping `before`'s recording playlists and times where no
/// segment was added since: a new part changes only the live playlists, and
/// a long show's recording is worth rendering once a segment, not once a part.
pub fn render_after(
    runs: &[RunView],
    renditions: &[Rendition],
    ended: bool,
    low_latency: bool,
    before: &Rendered,
) -> Rendered {
    let mut rendered = Rendered {
        closed: ended,
        ..Rendered::default()
    };
    let mut variants = Vec::new();
    for &rendition in renditions {
        let segments = merge(runs, rendition);
        if !ended && !long_enough_to_list(&segments) {
            continue;
        }
        if rendition == Rendition::Source {
            rendered.span = span(&segments);
        }
        let count = segments.len();
        let unchanged = before.closed == ended && before.recorded.get(&rendition) == Some(&count);
        let kept_times =
            kept(&before.times, rendition, unchanged).unwrap_or_else(|| times(&segments));
        rendered.times.insert(rendition, kept_times);
        let edge = (low_latency && !ended).then(|| open_edge(runs, rendition, &segments));
        let (recording, live) = playlists(segments, ended, edge);
        let text =
            kept(&before.recording, rendition, unchanged).unwrap_or_else(|| recording.render());
        rendered.recording.insert(rendition, text);
        rendered.recorded.insert(rendition, count);
        rendered.live_media.insert(rendition, live);
        if let Some(variant) = variant(runs, rendition) {
            variants.push(variant);
        }
    }
    let reports: Vec<(Rendition, RenditionReport)> = rendered
        .live_media
        .iter()
        .filter(|(_, live)| live.server_control.is_some())
        .map(|(&rendition, live)| (rendition, report(rendition, live)))
        .collect();
    for (&rendition, live) in &mut rendered.live_media {
        if live.server_control.is_some() {
            live.rendition_reports = reports
                .iter()
                .filter(|(other, _)| *other != rendition)
                .map(|(_, report)| report.clone())
                .collect();
        }
        rendered.live.insert(rendition, live.render());
    }
    if !variants.is_empty() {
        rendered.master = Some(
            MasterPlaylist {
                variants,
                ..MasterPlaylist::default()
            }
            .render(),
        );
    }
    rendered
}

/// `rendition`'s entry of `map`, if `unchanged`.
fn kept<T: Clone>(map: &HashMap<Rendition, T>, rendition: Rendition, unchanged: bool) -> Option<T> {
    map.get(&rendition).filter(|_| unchanged).cloned()
}

/// Programme time from the first segment's start to the last one's end.
fn span(segments: &[Segment]) -> Option<(i64, i64)> {
    let first = segments.first()?.program_date_time?;
    let last = segments.last()?;
    Some((
        first,
        last.program_date_time? + (last.duration * 1000.0).round() as i64,
    ))
}

/// The programme time each segment covers, and each init section (the
/// segments it starts), by URI.
fn times(segments: &[Segment]) -> HashMap<String, (i64, i64)> {
    let mut times = HashMap::with_capacity(segments.len() + 1);
    for segment in segments {
        let Some(start) = segment.program_date_time else {
            continue;
        };
        let covers = (start, start + (segment.duration * 1000.0).round() as i64);
        times.insert(segment.uri.clone(), covers);
        if let Some(map) = &segment.map {
            times
                .entry(map.uri.clone())
                .and_modify(|run: &mut (i64, i64)| run.1 = run.1.max(covers.1))
                .or_insert(covers);
        }
    }
    times
}

/// Whether a segment covering programme time `span` belongs in `window`: the
/// one rule for what a trimmed replay lists and serves.
pub fn overlaps(span: (i64, i64), window: (i64, i64)) -> bool {
    span.0 < window.1 && span.1 > window.0
}

/// `media` without its segments outside `window` (programme time); `false`
/// when none is left. What was dropped before the first segment left is
/// counted in the sequence numbers, so a player that read the playlist before
/// still finds its place.
fn within(media: &mut MediaPlaylist, window: (i64, i64)) -> bool {
    let inside = |s: &Segment| {
        s.program_date_time.is_some_and(|start| {
            overlaps(
                (start, start + (s.duration * 1000.0).round() as i64),
                window,
            )
        })
    };
    let Some(first) = media.segments.iter().position(inside) else {
        media.segments.clear();
        return false;
    };
    let last = media.segments.iter().rposition(inside).unwrap_or(first);
    media.segments.truncate(last + 1);
    let dropped: Vec<Segment> = media.segments.drain(..first).collect();
    media.media_sequence += dropped.len() as u64;
    // A discontinuity before the first segment is one the playlist has passed.
    let passed = dropped.iter().filter(|s| s.discontinuity).count()
        + usize::from(media.segments[0].discontinuity);
    media.discontinuity_sequence += passed as u64;
    media.segments[0].discontinuity = false;
    true
}

/// An ended show's live or recording playlist as its replay's `window` keeps
/// it, or `None` when nothing of it is left.
pub fn trimmed(playlist: &str, window: (i64, i64)) -> Option<String> {
    let Ok(Playlist::Media(mut media)) = hls::parse(playlist) else {
        return None;
    };
    within(&mut media, window).then(|| media.render())
}

/// The replay's on-demand playlist: the closed recording's segments that
/// overlap `window` (programme time), or `None` when none do.
pub fn replay(recording: &str, window: (i64, i64)) -> Option<String> {
    let Ok(Playlist::Media(mut media)) = hls::parse(recording) else {
        return None;
    };
    if !within(&mut media, window) {
        return None;
    }
    media.kind = Some(PlaylistKind::Vod);
    media.ended = true;
    Some(media.render())
}

/// The replay's master playlist: the live one's renditions, each pointing at
/// its replay playlist.
pub fn replay_master(master: &str) -> Option<String> {
    let Ok(Playlist::Master(mut master)) = hls::parse(master) else {
        return None;
    };
    for variant in &mut master.variants {
        variant.uri = variant.uri.replace("live.m3u8", "replay.m3u8");
    }
    Some(master.render())
}

/// Every segment of a rendition across runs, with the URIs relative to the
/// rendition's folder in `/hls/<show>/<rendition>/`, the programme clock, and a
/// discontinuity where a run begins.
pub fn merge(runs: &[RunView], rendition: Rendition) -> Vec<Segment> {
    let mut merged: Vec<Segment> = Vec::new();
    for run in runs {
        let Some(media) = run.media.get(&rendition) else {
            continue;
        };
        let prefix = format!("run-{}/", run.info.n);
        let mut elapsed = 0.0_f64;
        for (index, segment) in media.segments.iter().enumerate() {
            let mut segment = segment.clone();
            segment.uri = format!("{prefix}{}", segment.uri);
            if let Some(map) = &mut segment.map {
                map.uri = format!("{prefix}{}", map.uri);
            }
            for part in &mut segment.parts {
                part.uri = format!("{prefix}{}", part.uri);
            }
            segment.discontinuity = index == 0 && !merged.is_empty();
            segment.program_date_time =
                Some(run.info.first_frame_ms + (elapsed * 1000.0).round() as i64);
            elapsed += segment.duration;
            merged.push(segment);
        }
    }
    merged
}

/// The live edge of a rendition in low-latency HLS: the segment being cut
/// (its parts so far) and the next part's name.
#[derive(Clone, Debug, Default)]
struct Edge {
    open: Option<Segment>,
    hint: Option<String>,
}

/// The last run's open segment and next part, placed after `merged` (the
/// closed segments of every run).
fn open_edge(runs: &[RunView], rendition: Rendition, merged: &[Segment]) -> Edge {
    let Some(run) = runs.last().filter(|run| !run.complete) else {
        return Edge::default();
    };
    let Some(media) = run.media.get(&rendition) else {
        return Edge::default();
    };
    let prefix = format!("run-{}/", run.info.n);
    let hint = media
        .next_part
        .as_ref()
        .map(|name| format!("{prefix}{name}"));
    if media.open.is_empty() {
        return Edge { open: None, hint };
    }
    let elapsed: f64 = media.segments.iter().map(|s| s.duration).sum();
    let parts: Vec<Part> = media
        .open
        .iter()
        .map(|part| Part {
            uri: format!("{prefix}{}", part.uri),
            ..part.clone()
        })
        .collect();
    let open = Segment {
        duration: parts.iter().map(|p| p.duration).sum(),
        discontinuity: media.segments.is_empty() && !merged.is_empty(),
        program_date_time: Some(run.info.first_frame_ms + (elapsed * 1000.0).round() as i64),
        map: Some(hls::Map {
            uri: format!("{prefix}init.mp4"),
            byte_range: None,
        }),
        parts,
        ..Segment::default()
    };
    Edge {
        open: Some(open),
        hint,
    }
}

/// Where a rendition's live playlist ends, for the other renditions'
/// `EXT-X-RENDITION-REPORT`.
fn report(rendition: Rendition, live: &MediaPlaylist) -> RenditionReport {
    let (last_msn, last_part) = match &live.open_segment {
        Some(open) if !open.parts.is_empty() => (live.next_sequence(), open.parts.len() - 1),
        _ => (
            live.next_sequence().saturating_sub(1),
            live.segments
                .last()
                .map_or(0, |s| s.parts.len().saturating_sub(1)),
        ),
    };
    RenditionReport {
        uri: format!("../{}/live.m3u8", rendition.as_str()),
        last_msn: Some(last_msn),
        last_part: Some(last_part as u64),
    }
}

/// Whether a live rendition holds enough to start playing safely.
fn long_enough_to_list(segments: &[Segment]) -> bool {
    let listed: f64 = segments.iter().map(|s| s.duration).sum();
    !segments.is_empty() && listed >= FIRST_LISTED_TARGETS * target_duration(segments) as f64
}

/// The longest segment so far, rounded up: a target duration never shrinks.
fn target_duration(segments: &[Segment]) -> u64 {
    segments
        .iter()
        .map(|s| s.duration)
        .fold(1.0_f64, f64::max)
        .ceil() as u64
}

/// The recording (every segment) and live (the last [`WINDOW`]) playlists;
/// with an `edge`, the live one is low-latency HLS: the last segments' and the
/// open segment's parts, the next part hinted, blocking reloads and delta
/// updates offered.
fn playlists(
    mut segments: Vec<Segment>,
    ended: bool,
    edge: Option<Edge>,
) -> (MediaPlaylist, MediaPlaylist) {
    let start = segments.len().saturating_sub(WINDOW);
    let target = target_duration(&segments);
    let mut live_segments = segments[start..].to_vec();
    let with_parts = live_segments.len().saturating_sub(PARTS_LISTED);
    let listed_parts = if edge.is_some() {
        with_parts
    } else {
        live_segments.len()
    };
    for segment in &mut live_segments[..listed_parts] {
        segment.parts.clear();
    }
    for segment in &mut segments {
        segment.parts.clear();
    }
    let mut live = MediaPlaylist {
        version: 7,
        target_duration: target,
        media_sequence: start as u64,
        discontinuity_sequence: segments[..start].iter().filter(|s| s.discontinuity).count() as u64,
        independent_segments: true,
        kind: None,
        ended,
        segments: live_segments,
        ..MediaPlaylist::default()
    };
    if let Some(edge) = edge {
        let longest = live
            .segments
            .iter()
            .chain(&edge.open)
            .flat_map(|s| &s.parts)
            .map(|p| p.duration)
            .fold(PART_TARGET, f64::max);
        // why: a part target is announced in milliseconds, never below a part.
        let part_target = (longest * 1000.0).ceil() / 1000.0;
        live.part_target = Some(part_target);
        live.server_control = Some(ServerControl {
            can_block_reload: true,
            can_skip_until: Some(6.0 * target as f64),
            hold_back: None,
            part_hold_back: Some(3.0 * part_target),
        });
        live.open_segment = edge.open;
        live.preload_hint = edge.hint.map(|uri| PreloadHint {
            kind: hls::HintKind::Part,
            uri,
            byte_range_start: None,
            byte_range_length: None,
        });
    }
    let recording = MediaPlaylist {
        version: 7,
        target_duration: target,
        independent_segments: true,
        kind: Some(PlaylistKind::Event),
        ended,
        segments,
        ..MediaPlaylist::default()
    };
    (recording, live)
}

/// A delta update of `live` (`_HLS_skip=YES`): the segments older than its
/// `CAN-SKIP-UNTIL` from the end are left out and counted (`EXT-X-SKIP`).
pub fn delta(live: &MediaPlaylist) -> MediaPlaylist {
    let mut delta = live.clone();
    let Some(until) = live.server_control.as_ref().and_then(|c| c.can_skip_until) else {
        return delta;
    };
    let mut after = 0.0;
    let mut keep = 0;
    for segment in live.segments.iter().rev() {
        if after >= until {
            break;
        }
        after += segment.duration;
        keep += 1;
    }
    let skipped = live.segments.len() - keep;
    // why: what follows a skip must still say its init section and any
    // discontinuity of its own; both are on the segment, so only whole
    // segments are left out.
    delta.segments.drain(..skipped);
    delta.skipped_segments = skipped as u64;
    delta
}

/// The master playlist's entry for a rendition, from its latest run.
fn variant(runs: &[RunView], rendition: Rendition) -> Option<hls::Variant> {
    let run = runs.iter().rev().find(|r| {
        r.media
            .get(&rendition)
            .is_some_and(|m| !m.segments.is_empty())
    })?;
    let media = &run.media[&rendition];
    let (video, resolution) = match rendition {
        Rendition::Source => (run.info.video_codec.clone(), run.info.resolution),
        Rendition::P360 => (
            Some(LOWER_VIDEO_CODEC.to_owned()),
            run.info.resolution.map(scaled_to_360),
        ),
    };
    let codecs: Vec<String> = video
        .into_iter()
        .chain(run.info.audio_codec.clone())
        .collect();
    let (peak, average) = media.bandwidth().unzip();
    Some(hls::Variant {
        uri: format!("{}/live.m3u8", rendition.as_str()),
        // Before a segment has been measured, a guess that a player only uses
        // to choose a first rendition.
        bandwidth: peak.filter(|&b| b > 0).unwrap_or(match rendition {
            Rendition::Source => 2_500_000,
            Rendition::P360 => 800_000,
        }),
        average_bandwidth: average.filter(|&b| b > 0),
        resolution,
        codecs: (!codecs.is_empty()).then(|| codecs.join(",")),
        frame_rate: run.info.frame_rate.filter(|&rate| rate > 0.0),
        subtitles: None,
    })
}

/// The size ffmpeg's `scale=-2:360` gives: 360 lines, the width keeping the
/// aspect ratio, rounded to the nearest even number.
pub fn scaled_to_360((width, height): (u32, u32)) -> (u32, u32) {
    if height == 0 {
        return (0, 360);
    }
    let half = (u64::from(width) * 360 + u64::from(height)) / (2 * u64::from(height));
    (u32::try_from(half * 2).unwrap_or(u32::MAX), 360)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ordinary HLS, as these tests were written for.
    fn render(runs: &[RunView], renditions: &[Rendition], ended: bool) -> Rendered {
        super::render(runs, renditions, ended, false)
    }

    fn run(n: u32, first_frame_ms: i64, count: usize) -> RunView {
        let segments = (0..count)
            .map(|i| Segment {
                uri: format!("seg-{i:05}.m4s"),
                duration: 1.0,
                map: Some(hls::Map {
                    uri: "init.mp4".into(),
                    byte_range: None,
                }),
                ..Segment::default()
            })
            .collect();
        RunView {
            info: RunInfo {
                n,
                first_frame_ms,
                video_codec: Some("avc1.64001f".into()),
                audio_codec: Some("mp4a.40.2".into()),
                resolution: Some((320, 240)),
                frame_rate: Some(25.0),
                finished: false,
            },
            media: HashMap::from([(
                Rendition::Source,
                RunMedia {
                    sizes: vec![125_000; count],
                    segments,
                    ..RunMedia::default()
                },
            )]),
            complete: false,
        }
    }

    fn media(text: &str) -> MediaPlaylist {
        match hls::parse(text).unwrap() {
            Playlist::Media(media) => media,
            Playlist::Master(_) => panic!("a master playlist"),
        }
    }

    #[test]
    fn programme_time_is_the_first_frame_plus_earlier_durations() {
        let merged = merge(&[run(1, 1_000_000, 3)], Rendition::Source);
        let times: Vec<_> = merged
            .iter()
            .map(|s| s.program_date_time.unwrap())
            .collect();
        assert_eq!(times, [1_000_000, 1_001_000, 1_002_000]);
        assert_eq!(merged[2].uri, "run-1/seg-00002.m4s");
        assert_eq!(merged[0].map.as_ref().unwrap().uri, "run-1/init.mp4");
    }

    #[test]
    fn a_new_run_starts_with_a_discontinuity_and_its_own_init() {
        let rendered = render(
            &[run(1, 0, 2), run(2, 60_000, 2)],
            &[Rendition::Source],
            false,
        );
        let live = media(&rendered.live[&Rendition::Source]);
        let flags: Vec<_> = live.segments.iter().map(|s| s.discontinuity).collect();
        assert_eq!(flags, [false, false, true, false]);
        assert_eq!(live.segments[2].map.as_ref().unwrap().uri, "run-2/init.mp4");
        assert_eq!(live.segments[2].program_date_time, Some(60_000));
        assert!(
            rendered.live[&Rendition::Source]
                .matches("#EXT-X-MAP")
                .count()
                == 2
        );
    }

    #[test]
    fn the_live_window_slides_and_counts_what_left_it() {
        let rendered = render(
            &[run(1, 0, 10), run(2, 20_000, 10)],
            &[Rendition::Source],
            false,
        );
        let live = media(&rendered.live[&Rendition::Source]);
        assert_eq!(live.segments.len(), WINDOW);
        assert_eq!(live.media_sequence, 8);
        assert_eq!(live.discontinuity_sequence, 0);
        let later = render(
            &[run(1, 0, 10), run(2, 20_000, 10), run(3, 40_000, 12)],
            &[Rendition::Source],
            false,
        );
        let live = media(&later.live[&Rendition::Source]);
        assert_eq!(live.media_sequence, 20);
        // Run 3's discontinuity is still in the window; run 2's has left it.
        assert_eq!(live.discontinuity_sequence, 1);
        assert!(live.segments[0].discontinuity);
        let later = render(
            &[run(1, 0, 10), run(2, 20_000, 10), run(3, 40_000, 13)],
            &[Rendition::Source],
            false,
        );
        let live = media(&later.live[&Rendition::Source]);
        assert_eq!(live.media_sequence, 21);
        assert_eq!(live.discontinuity_sequence, 2);
        assert!(
            live.segments[0].map.is_some(),
            "the window starts with an init section"
        );
    }

    #[test]
    fn the_recording_keeps_everything_and_ends_with_the_show() {
        let runs = [run(1, 0, 10), run(2, 20_000, 10)];
        let open = media(&render(&runs, &[Rendition::Source], false).recording[&Rendition::Source]);
        assert_eq!(open.segments.len(), 20);
        assert_eq!(open.kind, Some(PlaylistKind::Event));
        assert!(!open.ended);
        let closed =
            media(&render(&runs, &[Rendition::Source], true).recording[&Rendition::Source]);
        assert!(closed.ended);
    }

    #[test]
    fn a_trimmed_playlist_keeps_its_window_and_counts_what_went_before() {
        let rendered = render(
            &[run(1, 0, 5), run(2, 10_000, 5)],
            &[Rendition::Source],
            true,
        );
        let recording = &rendered.recording[&Rendition::Source];
        let uris = |media: &MediaPlaylist| -> Vec<String> {
            media.segments.iter().map(|s| s.uri.clone()).collect()
        };
        let across = media(&trimmed(recording, (3_500, 11_000)).unwrap());
        assert_eq!(
            uris(&across),
            [
                "run-1/seg-00003.m4s",
                "run-1/seg-00004.m4s",
                "run-2/seg-00000.m4s"
            ]
        );
        assert_eq!(
            (across.media_sequence, across.discontinuity_sequence),
            (3, 0)
        );
        assert!(across.segments[2].discontinuity);
        assert!(across.ended);
        let later = media(&trimmed(recording, (10_500, 20_000)).unwrap());
        assert_eq!(later.segments.len(), 5);
        assert_eq!((later.media_sequence, later.discontinuity_sequence), (5, 1));
        assert!(!later.segments[0].discontinuity);
        assert_eq!(
            later.segments[0].map.as_ref().unwrap().uri,
            "run-2/init.mp4"
        );
        assert_eq!(trimmed(recording, (20_000, 30_000)), None);
        // What each file covers, for serving only what a trim keeps.
        let times = &rendered.times[&Rendition::Source];
        assert_eq!(times["run-2/init.mp4"], (10_000, 15_000));
        assert_eq!(times["run-1/seg-00004.m4s"], (4_000, 5_000));
    }

    #[test]
    fn the_master_lists_each_rendition_with_codecs() {
        let mut both = run(1, 0, 3);
        let source = both.media[&Rendition::Source].clone();
        both.media.insert(Rendition::P360, source);
        let rendered = render(&[both], &[Rendition::Source, Rendition::P360], false);
        let Playlist::Master(master) = hls::parse(rendered.master.as_deref().unwrap()).unwrap()
        else {
            panic!("not a master playlist");
        };
        assert_eq!(master.variants.len(), 2);
        assert_eq!(master.variants[0].uri, "src/live.m3u8");
        assert_eq!(
            master.variants[0].codecs.as_deref(),
            Some("avc1.64001f,mp4a.40.2")
        );
        assert_eq!(
            master.variants[1].codecs.as_deref(),
            Some("avc1.4d401e,mp4a.40.2")
        );
        assert_eq!(master.variants[0].resolution, Some((320, 240)));
        assert_eq!(master.variants[1].resolution, Some((480, 360)));
        assert_eq!(master.variants[0].bandwidth, 1_000_000);
        assert_eq!(master.variants[0].average_bandwidth, Some(1_000_000));
    }

    #[test]
    fn the_lower_rendition_keeps_the_aspect_ratio_with_an_even_width() {
        assert_eq!(scaled_to_360((1920, 1080)), (640, 360));
        assert_eq!(scaled_to_360((720, 1280)), (202, 360));
        assert_eq!(scaled_to_360((320, 240)), (480, 360));
    }

    #[test]
    fn nothing_is_listed_before_the_first_segment() {
        let rendered = render(&[run(1, 0, 0)], &[Rendition::Source], false);
        assert!(rendered.master.is_none());
        assert!(rendered.live.is_empty());
    }

    #[test]
    fn a_live_stream_is_listed_once_it_holds_three_target_durations() {
        for (count, listed) in [(1, false), (2, false), (3, true)] {
            let rendered = render(&[run(1, 0, count)], &[Rendition::Source], false);
            assert_eq!(rendered.master.is_some(), listed, "{count} segments");
            assert_eq!(rendered.live.contains_key(&Rendition::Source), listed);
        }
        // A show that ended sooner is still listed: its recording is all there is.
        let ended = render(&[run(1, 0, 1)], &[Rendition::Source], true);
        assert!(ended.master.is_some());
    }

    /// A run cut into `count` one-second segments of five parts, and `open`
    /// parts of the next, for both renditions.
    fn cut_run(count: usize, open: usize) -> RunView {
        let part = |k: usize| cutter::CutPart {
            duration: 0.2,
            independent: k == 0,
            bytes: None,
        };
        let cut = Cut {
            init: true,
            segments: (0..count)
                .map(|_| cutter::CutSegment {
                    duration: 1.0,
                    size: 125_000,
                    parts: (0..5).map(part).collect(),
                })
                .collect(),
            open: (0..open).map(part).collect(),
            finished: false,
        };
        let mut view = run(1, 0, 0);
        for rendition in [Rendition::Source, Rendition::P360] {
            view.media.insert(rendition, cut_media(&cut, true));
        }
        view
    }

    #[test]
    fn a_low_latency_playlist_lists_the_last_parts_the_open_ones_and_the_next() {
        let renditions = [Rendition::Source, Rendition::P360];
        let rendered = super::render(&[cut_run(10, 2)], &renditions, false, true);
        let live = media(&rendered.live[&Rendition::Source]);
        let with_parts: Vec<usize> = (0..live.segments.len())
            .filter(|&i| !live.segments[i].parts.is_empty())
            .collect();
        assert_eq!(with_parts, [7, 8, 9]);
        assert_eq!(live.segments[9].parts[4].uri, "run-1/part-49.m4s");
        assert!(live.segments[9].parts[0].independent);
        let open = live.open_segment.as_ref().expect("the open segment");
        assert_eq!(open.parts.len(), 2);
        assert_eq!(open.parts[1].uri, "run-1/part-51.m4s");
        assert_eq!(open.program_date_time, Some(10_000));
        assert_eq!(live.preload_hint.as_ref().unwrap().uri, "run-1/part-52.m4s");
        assert_eq!(live.part_target, Some(PART_TARGET));
        let control = live.server_control.unwrap();
        assert!(control.can_block_reload);
        assert_eq!(control.can_skip_until, Some(6.0));
        assert_eq!(live.next_sequence(), 10);
        // The other rendition, where it stands.
        let report = &live.rendition_reports[..];
        assert_eq!(report.len(), 1);
        assert_eq!(report[0].uri, "../360p/live.m3u8");
        assert_eq!(
            (report[0].last_msn, report[0].last_part),
            (Some(10), Some(1))
        );
        // The recording lists no parts.
        let recording = &rendered.recording[&Rendition::Source];
        assert!(!recording.contains("#EXT-X-PART"), "{recording}");

        // The delta update skips what lies beyond CAN-SKIP-UNTIL of the end.
        let full = &rendered.live_media[&Rendition::Source];
        let delta = media(&delta(full).render());
        assert_eq!(delta.skipped_segments, 4);
        assert_eq!(delta.segments, full.segments[4..]);
        assert_eq!(delta.next_sequence(), full.next_sequence());

        // Ordinary HLS from the same run: no low-latency tags.
        let ordinary = super::render(&[cut_run(10, 2)], &renditions, false, false);
        let text = &ordinary.live[&Rendition::Source];
        for tag in [
            "#EXT-X-PART",
            "#EXT-X-SERVER-CONTROL",
            "#EXT-X-PRELOAD-HINT",
            "#EXT-X-RENDITION-REPORT",
        ] {
            assert!(!text.contains(tag), "{tag} in\n{text}");
        }
    }

    #[test]
    fn a_new_part_renders_the_live_playlist_and_keeps_the_recording() {
        let renditions = [Rendition::Source];
        let before = super::render(&[cut_run(4, 1)], &renditions, false, true);
        // Reused as it was: a recording that differs from what these runs give.
        let mut marked = before.clone();
        let marked_text = format!("{}#marked\n", before.recording[&Rendition::Source]);
        marked
            .recording
            .insert(Rendition::Source, marked_text.clone());
        let part = render_after(&[cut_run(4, 2)], &renditions, false, true, &marked);
        assert_eq!(part.recording[&Rendition::Source], marked_text);
        assert_ne!(
            part.live[&Rendition::Source],
            before.live[&Rendition::Source]
        );
        let segment = render_after(&[cut_run(5, 0)], &renditions, false, true, &marked);
        assert!(!segment.recording[&Rendition::Source].contains("#marked"));
        assert_eq!(
            media(&segment.recording[&Rendition::Source]).segments.len(),
            5
        );
        let ended = render_after(&[cut_run(4, 2)], &renditions, true, true, &marked);
        assert!(media(&ended.recording[&Rendition::Source]).ended);
    }
}
