//! HLS playlists (RFC 8216): the model, a parser and a writer, shared by the
//! server (which reads its packager's playlists and writes the show's) and the
//! viewer's player (which reads the server's or a provider's).
//!
//! Only what playing and packaging need is kept: variants, subtitle
//! renditions, segments with their duration, programme date-time,
//! discontinuity, init section (`EXT-X-MAP`), byte range and gap, and the
//! low-latency tags of RFC 8216bis (parts, server control, preload hints,
//! rendition reports, delta updates). Other tags (audio groups, keys) are
//! skipped.
//!
//! why hand-written: the most used playlist crate (m3u8-rs 6) does not model
//! the low-latency tags, and the crates that do are young single-purpose
//! packagers; this model is small and shared by the server and the player.
//! Durations are parsed by hand rather than with `str::parse::<f64>`, which
//! would pull a float parser into the viewer's wasm for one field.

use std::fmt::Write as _;

/// A playlist of either kind.
// why allowed: a playlist is parsed once per reload and matched at once; boxing
// the media playlist would cost an allocation for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Playlist {
    /// Lists renditions.
    Master(MasterPlaylist),
    /// Lists segments.
    Media(MediaPlaylist),
}

/// The renditions of one stream.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MasterPlaylist {
    /// Renditions, in playlist order.
    pub variants: Vec<Variant>,
    /// WebVTT subtitle renditions (`EXT-X-MEDIA:TYPE=SUBTITLES`), in playlist order.
    pub subtitles: Vec<Subtitles>,
}

/// A subtitles rendition: captions as WebVTT segments in a media playlist of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subtitles {
    /// Its media playlist, as written (maybe relative).
    pub uri: String,
    /// `GROUP-ID`, which variants name in their `SUBTITLES` attribute.
    pub group: String,
    /// `NAME`, for people.
    pub name: String,
    /// `LANGUAGE` (BCP 47), when given.
    pub language: Option<String>,
    /// `DEFAULT=YES`.
    pub default: bool,
}

/// One rendition (`EXT-X-STREAM-INF`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variant {
    /// Its media playlist, as written (maybe relative).
    pub uri: String,
    /// Peak bits per second.
    pub bandwidth: u64,
    /// Average bits per second, when given.
    pub average_bandwidth: Option<u64>,
    /// Width and height in pixels.
    pub resolution: Option<(u32, u32)>,
    /// RFC 6381 codecs, e.g. `avc1.42c01e,mp4a.40.2`.
    pub codecs: Option<String>,
    /// Frames per second.
    pub frame_rate: Option<f64>,
    /// `SUBTITLES`: the group of its subtitle renditions.
    pub subtitles: Option<String>,
}

/// What a media playlist promises about its future.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaylistKind {
    /// Segments are only ever added.
    Event,
    /// Complete and unchanging.
    Vod,
}

/// A list of segments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MediaPlaylist {
    /// `EXT-X-VERSION`.
    pub version: u32,
    /// `EXT-X-TARGETDURATION`, whole seconds.
    pub target_duration: u64,
    /// Sequence number of the first segment.
    pub media_sequence: u64,
    /// Discontinuity sequence number of the first segment.
    pub discontinuity_sequence: u64,
    /// `EXT-X-INDEPENDENT-SEGMENTS`: every segment starts with a keyframe.
    pub independent_segments: bool,
    /// `EXT-X-PLAYLIST-TYPE`, when given.
    pub kind: Option<PlaylistKind>,
    /// `EXT-X-ENDLIST`: no segment will be added.
    pub ended: bool,
    /// Segments, oldest first (after the skipped ones of a delta update).
    pub segments: Vec<Segment>,
    /// `EXT-X-PART-INF:PART-TARGET`, seconds: the playlist has parts.
    pub part_target: Option<f64>,
    /// `EXT-X-SERVER-CONTROL`.
    pub server_control: Option<ServerControl>,
    /// `EXT-X-SKIP:SKIPPED-SEGMENTS`: a delta update left out this many
    /// segments after `media_sequence`; `segments` holds the ones after them.
    pub skipped_segments: u64,
    /// The segment still being written: its parts so far, `uri` empty and
    /// `duration` their sum, with its discontinuity, init section and date-time.
    pub open_segment: Option<Segment>,
    /// `EXT-X-PRELOAD-HINT`: the next resource, asked for before it exists.
    pub preload_hint: Option<PreloadHint>,
    /// `EXT-X-RENDITION-REPORT`s: where the other renditions stand.
    pub rendition_reports: Vec<RenditionReport>,
}

/// One partial segment (`EXT-X-PART`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Part {
    /// Where it is, as written (maybe relative).
    pub uri: String,
    /// Seconds.
    pub duration: f64,
    /// `INDEPENDENT=YES`: it begins with a keyframe, so playing can start at it.
    pub independent: bool,
    /// The part of `uri` that holds it.
    pub byte_range: Option<ByteRange>,
    /// `GAP=YES`: the part is missing; do not fetch it.
    pub gap: bool,
}

/// `EXT-X-SERVER-CONTROL`: what the server offers a low-latency player.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ServerControl {
    /// `CAN-BLOCK-RELOAD=YES`: `_HLS_msn`/`_HLS_part` hold a reload until then.
    pub can_block_reload: bool,
    /// `CAN-SKIP-UNTIL`, seconds: `_HLS_skip=YES` leaves out segments older than this.
    pub can_skip_until: Option<f64>,
    /// `HOLD-BACK`, seconds from the live edge a player starts at least.
    pub hold_back: Option<f64>,
    /// `PART-HOLD-BACK`, the same when playing parts.
    pub part_hold_back: Option<f64>,
}

/// What a preload hint names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HintKind {
    /// The next part.
    #[default]
    Part,
    /// The next init section.
    Map,
}

/// `EXT-X-PRELOAD-HINT`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreloadHint {
    /// `TYPE`.
    pub kind: HintKind,
    /// Where it will be, as written (maybe relative).
    pub uri: String,
    /// `BYTERANGE-START`.
    pub byte_range_start: Option<u64>,
    /// `BYTERANGE-LENGTH`.
    pub byte_range_length: Option<u64>,
}

/// `EXT-X-RENDITION-REPORT`: another rendition's last segment and part.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenditionReport {
    /// Its media playlist, as written (maybe relative).
    pub uri: String,
    /// `LAST-MSN`.
    pub last_msn: Option<u64>,
    /// `LAST-PART`.
    pub last_part: Option<u64>,
}

/// One media segment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Segment {
    /// Where it is, as written (maybe relative).
    pub uri: String,
    /// Seconds.
    pub duration: f64,
    /// The `EXTINF` title.
    pub title: String,
    /// An `EXT-X-DISCONTINUITY` precedes it: timestamps, encoding or init section may change.
    pub discontinuity: bool,
    /// Programme date-time of its first frame, unix milliseconds: from its own
    /// `EXT-X-PROGRAM-DATE-TIME`, or carried forward from an earlier one by durations.
    pub program_date_time: Option<i64>,
    /// The init section in effect.
    pub map: Option<Map>,
    /// The part of `uri` that holds it.
    pub byte_range: Option<ByteRange>,
    /// `EXT-X-GAP`: the segment is missing; do not fetch it.
    pub gap: bool,
    /// Its parts (`EXT-X-PART` lines before its `EXTINF`), when listed.
    pub parts: Vec<Part>,
}

/// An init section (`EXT-X-MAP`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Map {
    /// Where it is.
    pub uri: String,
    /// The part of `uri` that holds it.
    pub byte_range: Option<ByteRange>,
}

/// Bytes `offset..offset + length` of a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte.
    pub offset: u64,
    /// How many bytes.
    pub length: u64,
}

impl ByteRange {
    /// The HTTP `Range` header value for it.
    pub fn header(&self) -> String {
        format!(
            "bytes={}-{}",
            self.offset,
            self.offset + self.length.max(1) - 1
        )
    }
}

/// Why a playlist could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HlsError {
    /// The first line is not `#EXTM3U`.
    #[error("not an HLS playlist (no #EXTM3U)")]
    NotAPlaylist,
    /// A tag whose value cannot be read.
    #[error("line {line}: {what}")]
    Bad {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        what: &'static str,
    },
}

/// Reads a playlist.
pub fn parse(text: &str) -> Result<Playlist, HlsError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim_start_matches('\u{feff}').trim() == "#EXTM3U" => {}
        _ => return Err(HlsError::NotAPlaylist),
    }
    let is_master = text.lines().any(|l| l.starts_with("#EXT-X-STREAM-INF"));
    if is_master {
        parse_master(lines).map(Playlist::Master)
    } else {
        parse_media(lines).map(Playlist::Media)
    }
}

type Lines<'a> = std::iter::Enumerate<std::str::Lines<'a>>;

fn parse_master(lines: Lines) -> Result<MasterPlaylist, HlsError> {
    let mut master = MasterPlaylist::default();
    let mut pending: Option<Variant> = None;
    for (n, line) in lines {
        let line = line.trim();
        let bad = |what| HlsError::Bad { line: n + 1, what };
        if let Some(attrs) = line.strip_prefix("#EXT-X-STREAM-INF:") {
            let mut variant = Variant::default();
            for (key, value) in attributes(attrs) {
                match key {
                    "BANDWIDTH" => {
                        variant.bandwidth = value.parse().map_err(|_| bad("BANDWIDTH"))?
                    }
                    "AVERAGE-BANDWIDTH" => variant.average_bandwidth = value.parse().ok(),
                    "RESOLUTION" => variant.resolution = resolution(value),
                    "CODECS" => variant.codecs = Some(value.to_owned()),
                    "FRAME-RATE" => variant.frame_rate = seconds(value),
                    "SUBTITLES" => variant.subtitles = Some(value.to_owned()),
                    _ => {}
                }
            }
            pending = Some(variant);
        } else if let Some(attrs) = line.strip_prefix("#EXT-X-MEDIA:") {
            if let Some(subtitles) = subtitles(attrs) {
                master.subtitles.push(subtitles);
            }
        } else if !line.is_empty() && !line.starts_with('#') {
            if let Some(mut variant) = pending.take() {
                variant.uri = line.to_owned();
                master.variants.push(variant);
            }
        }
    }
    Ok(master)
}

fn parse_media(lines: Lines) -> Result<MediaPlaylist, HlsError> {
    let mut playlist = MediaPlaylist::default();
    // Tags that apply to the next segment only.
    let mut next = Segment::default();
    let mut next_pdt: Option<i64> = None;
    let mut have_extinf = false;
    // State that carries from segment to segment.
    let mut map: Option<Map> = None;
    let mut clock: Option<i64> = None;
    let mut range_end: Option<u64> = None;
    let mut part_end: Option<u64> = None;
    for (n, line) in lines {
        let line = line.trim();
        let bad = |what| HlsError::Bad { line: n + 1, what };
        if line.is_empty() {
            continue;
        }
        if !line.starts_with('#') {
            if !have_extinf {
                return Err(bad("a segment URI without #EXTINF"));
            }
            if let Some(at) = next_pdt.take() {
                clock = Some(at);
            }
            next.uri = line.to_owned();
            next.map = map.clone();
            next.program_date_time = clock;
            clock = clock.map(|at| at + (next.duration * 1000.0).round() as i64);
            range_end = next.byte_range.map(|r| r.offset + r.length);
            playlist.segments.push(std::mem::take(&mut next));
            have_extinf = false;
            continue;
        }
        let (tag, value) = line.split_once(':').unwrap_or((line, ""));
        match tag {
            "#EXTINF" => {
                let (duration, title) = value.split_once(',').unwrap_or((value, ""));
                next.duration = seconds(duration).ok_or(bad("EXTINF duration"))?;
                next.title = title.to_owned();
                have_extinf = true;
            }
            "#EXT-X-VERSION" => playlist.version = value.parse().map_err(|_| bad("VERSION"))?,
            "#EXT-X-TARGETDURATION" => {
                playlist.target_duration = value.parse().map_err(|_| bad("TARGETDURATION"))?
            }
            "#EXT-X-MEDIA-SEQUENCE" => {
                playlist.media_sequence = value.parse().map_err(|_| bad("MEDIA-SEQUENCE"))?
            }
            "#EXT-X-DISCONTINUITY-SEQUENCE" => {
                playlist.discontinuity_sequence =
                    value.parse().map_err(|_| bad("DISCONTINUITY-SEQUENCE"))?
            }
            "#EXT-X-INDEPENDENT-SEGMENTS" => playlist.independent_segments = true,
            "#EXT-X-PLAYLIST-TYPE" => {
                playlist.kind = match value {
                    "EVENT" => Some(PlaylistKind::Event),
                    "VOD" => Some(PlaylistKind::Vod),
                    _ => return Err(bad("PLAYLIST-TYPE")),
                }
            }
            "#EXT-X-ENDLIST" => playlist.ended = true,
            "#EXT-X-DISCONTINUITY" => next.discontinuity = true,
            "#EXT-X-GAP" => next.gap = true,
            "#EXT-X-PROGRAM-DATE-TIME" => {
                next_pdt = Some(date_time(value).ok_or(bad("PROGRAM-DATE-TIME"))?)
            }
            "#EXT-X-BYTERANGE" => {
                next.byte_range = Some(byte_range(value, range_end).ok_or(bad("BYTERANGE"))?)
            }
            "#EXT-X-MAP" => {
                let mut uri = None;
                let mut range = None;
                for (key, value) in attributes(value) {
                    match key {
                        "URI" => uri = Some(value.to_owned()),
                        "BYTERANGE" => range = Some(byte_range(value, Some(0)).ok_or(bad("MAP"))?),
                        _ => {}
                    }
                }
                map = Some(Map {
                    uri: uri.ok_or(bad("MAP without URI"))?,
                    byte_range: range,
                });
            }
            "#EXT-X-PART-INF" => {
                playlist.part_target = attributes(value)
                    .find(|(key, _)| *key == "PART-TARGET")
                    .and_then(|(_, v)| seconds(v));
                if playlist.part_target.is_none() {
                    return Err(bad("PART-INF without PART-TARGET"));
                }
            }
            "#EXT-X-SERVER-CONTROL" => playlist.server_control = Some(server_control(value)),
            "#EXT-X-SKIP" => {
                playlist.skipped_segments = attributes(value)
                    .find(|(key, _)| *key == "SKIPPED-SEGMENTS")
                    .and_then(|(_, v)| v.parse().ok())
                    .ok_or(bad("SKIP"))?
            }
            "#EXT-X-PART" => {
                let part = part(value, part_end).ok_or(bad("PART"))?;
                part_end = part.byte_range.map(|r| r.offset + r.length);
                next.parts.push(part);
            }
            "#EXT-X-PRELOAD-HINT" => {
                playlist.preload_hint = Some(preload_hint(value).ok_or(bad("PRELOAD-HINT"))?)
            }
            "#EXT-X-RENDITION-REPORT" => playlist.rendition_reports.push(rendition_report(value)),
            _ => {}
        }
    }
    if !next.parts.is_empty() {
        if let Some(at) = next_pdt {
            clock = Some(at);
        }
        next.map = map;
        next.program_date_time = clock;
        next.duration = next.parts.iter().map(|p| p.duration).sum();
        playlist.open_segment = Some(next);
    }
    Ok(playlist)
}

fn server_control(attrs: &str) -> ServerControl {
    let mut control = ServerControl::default();
    for (key, value) in attributes(attrs) {
        match key {
            "CAN-BLOCK-RELOAD" => control.can_block_reload = value == "YES",
            "CAN-SKIP-UNTIL" => control.can_skip_until = seconds(value),
            "HOLD-BACK" => control.hold_back = seconds(value),
            "PART-HOLD-BACK" => control.part_hold_back = seconds(value),
            _ => {}
        }
    }
    control
}

/// A part; `follows` is where the previous part's byte range ended.
fn part(attrs: &str, follows: Option<u64>) -> Option<Part> {
    let mut part = Part::default();
    let mut duration = None;
    for (key, value) in attributes(attrs) {
        match key {
            "URI" => part.uri = value.to_owned(),
            "DURATION" => duration = seconds(value),
            "INDEPENDENT" => part.independent = value == "YES",
            "GAP" => part.gap = value == "YES",
            // Without an offset, a part's range follows the previous part's.
            "BYTERANGE" => part.byte_range = Some(byte_range(value, follows.or(Some(0)))?),
            _ => {}
        }
    }
    part.duration = duration?;
    (!part.uri.is_empty()).then_some(part)
}

fn preload_hint(attrs: &str) -> Option<PreloadHint> {
    let mut hint = PreloadHint::default();
    let mut kind = None;
    for (key, value) in attributes(attrs) {
        match key {
            "TYPE" => {
                kind = match value {
                    "PART" => Some(HintKind::Part),
                    "MAP" => Some(HintKind::Map),
                    _ => None,
                }
            }
            "URI" => hint.uri = value.to_owned(),
            "BYTERANGE-START" => hint.byte_range_start = value.parse().ok(),
            "BYTERANGE-LENGTH" => hint.byte_range_length = value.parse().ok(),
            _ => {}
        }
    }
    hint.kind = kind?;
    (!hint.uri.is_empty()).then_some(hint)
}

fn rendition_report(attrs: &str) -> RenditionReport {
    let mut report = RenditionReport::default();
    for (key, value) in attributes(attrs) {
        match key {
            "URI" => report.uri = value.to_owned(),
            "LAST-MSN" => report.last_msn = value.parse().ok(),
            "LAST-PART" => report.last_part = value.parse().ok(),
            _ => {}
        }
    }
    report
}

/// An `EXT-X-MEDIA` rendition, when it is subtitles with a playlist (closed
/// captions inside the video and other media types are not).
fn subtitles(attrs: &str) -> Option<Subtitles> {
    let mut subtitles = Subtitles::default();
    let mut kind = "";
    for (key, value) in attributes(attrs) {
        match key {
            "TYPE" => kind = value,
            "URI" => subtitles.uri = value.to_owned(),
            "GROUP-ID" => subtitles.group = value.to_owned(),
            "NAME" => subtitles.name = value.to_owned(),
            "LANGUAGE" => subtitles.language = Some(value.to_owned()),
            "DEFAULT" => subtitles.default = value == "YES",
            _ => {}
        }
    }
    (kind == "SUBTITLES" && !subtitles.uri.is_empty()).then_some(subtitles)
}

/// `KEY=value,KEY="quoted, value"` pairs, quotes removed.
fn attributes(list: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = list;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches([',', ' ']);
        let (key, after) = rest.split_once('=')?;
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            (&quoted[..end], quoted.get(end + 1..).unwrap_or(""))
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        rest = tail;
        Some((key.trim(), value))
    })
}

fn resolution(value: &str) -> Option<(u32, u32)> {
    let (w, h) = value.split_once('x')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

/// `<length>[@<offset>]`; without an offset the range follows the previous one.
fn byte_range(value: &str, follows: Option<u64>) -> Option<ByteRange> {
    let (length, offset) = match value.split_once('@') {
        Some((length, offset)) => (length, offset.parse().ok()?),
        None => (value, follows?),
    };
    Some(ByteRange {
        offset,
        length: length.parse().ok()?,
    })
}

/// A non-negative decimal number of seconds, e.g. `4.00008`.
fn seconds(text: &str) -> Option<f64> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    // why an integer fraction: summing digit by digit drifts (0.75 read as
    // 0.7500000000000001), and a written playlist should read back the same.
    let mut numerator: u64 = 0;
    let mut denominator: u64 = 1;
    for digit in fraction.bytes() {
        if !digit.is_ascii_digit() {
            return None;
        }
        if denominator < 10_u64.pow(15) {
            numerator = numerator * 10 + u64::from(digit - b'0');
            denominator *= 10;
        }
    }
    let value = whole as f64 + numerator as f64 / denominator as f64;
    Some(value)
}

/// An ISO 8601 date-time with a zone (`Z`, `+07:00` or `+0700`) as unix milliseconds.
pub fn date_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if text.get(4..5)? != "-" || !text.get(10..11)?.eq_ignore_ascii_case("T") {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix(['.', ',']) {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        for (i, digit) in fraction.bytes().take(digits.min(3)).enumerate() {
            millis += i64::from(digit - b'0') * [100, 10, 1][i];
        }
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let zone = rest[1..].replace(':', "");
            if zone.len() != 4 || !zone.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            sign * (zone[..2].parse::<i64>().ok()? * 60 + zone[2..].parse::<i64>().ok()?)
        }
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let days = crate::dates::days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_date_time(unix_ms: i64) -> String {
    let (year, month, day) = crate::dates::civil_date(unix_ms);
    let in_day = unix_ms.rem_euclid(86_400_000);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// `uri` resolved against the playlist address `base` (RFC 3986, for the forms
/// playlists use: absolute, host-absolute `/x`, and relative `x`/`../x`).
pub fn resolve(base: &str, uri: &str) -> String {
    if uri.contains("://") {
        return uri.to_owned();
    }
    let origin_end = base
        .find("://")
        .map(|scheme| {
            scheme
                + 3
                + base[scheme + 3..]
                    .find('/')
                    .unwrap_or(base.len() - scheme - 3)
        })
        .unwrap_or(0);
    let (origin, path) = base.split_at(origin_end);
    if uri.starts_with("//") {
        let scheme = base.split_once("://").map_or("", |(s, _)| s);
        return format!("{scheme}:{uri}");
    }
    if uri.starts_with('/') {
        return format!("{origin}{uri}");
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop(); // the playlist's own name
    for piece in uri.split('/') {
        match piece {
            "." => {}
            ".." => {
                if parts.len() > 1 {
                    parts.pop();
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if joined.starts_with('/') || origin.is_empty() {
        format!("{origin}{joined}")
    } else {
        format!("{origin}/{joined}")
    }
}

impl MediaPlaylist {
    /// The playlist as text. Every segment carries its programme date-time, so a
    /// player joining anywhere in the window knows the clock.
    pub fn render(&self) -> String {
        let mut out = String::from("#EXTM3U\n");
        // why 9: EXT-X-SKIP needs version 9; parts and hints need 6, maps 7.
        let version = if self.skipped_segments > 0 { 9 } else { 7 };
        let _ = writeln!(out, "#EXT-X-VERSION:{}", self.version.max(version));
        let _ = writeln!(out, "#EXT-X-TARGETDURATION:{}", self.target_duration);
        if let Some(control) = self.server_control {
            out.push_str("#EXT-X-SERVER-CONTROL:");
            let mut attrs = Vec::new();
            if control.can_block_reload {
                attrs.push("CAN-BLOCK-RELOAD=YES".to_owned());
            }
            for (name, value) in [
                ("CAN-SKIP-UNTIL", control.can_skip_until),
                ("HOLD-BACK", control.hold_back),
                ("PART-HOLD-BACK", control.part_hold_back),
            ] {
                if let Some(value) = value {
                    attrs.push(format!("{name}={value:.3}"));
                }
            }
            out.push_str(&attrs.join(","));
            out.push('\n');
        }
        if let Some(target) = self.part_target {
            let _ = writeln!(out, "#EXT-X-PART-INF:PART-TARGET={target:.5}");
        }
        let _ = writeln!(out, "#EXT-X-MEDIA-SEQUENCE:{}", self.media_sequence);
        if self.discontinuity_sequence > 0 {
            let _ = writeln!(
                out,
                "#EXT-X-DISCONTINUITY-SEQUENCE:{}",
                self.discontinuity_sequence
            );
        }
        if self.independent_segments {
            out.push_str("#EXT-X-INDEPENDENT-SEGMENTS\n");
        }
        match self.kind {
            Some(PlaylistKind::Event) => out.push_str("#EXT-X-PLAYLIST-TYPE:EVENT\n"),
            Some(PlaylistKind::Vod) => out.push_str("#EXT-X-PLAYLIST-TYPE:VOD\n"),
            None => {}
        }
        if self.skipped_segments > 0 {
            let _ = writeln!(
                out,
                "#EXT-X-SKIP:SKIPPED-SEGMENTS={}",
                self.skipped_segments
            );
        }
        let mut map: Option<&Map> = None;
        for segment in &self.segments {
            write_segment_head(&mut out, segment, &mut map);
            let _ = writeln!(out, "#EXTINF:{:.6},{}", segment.duration, segment.title);
            if let Some(r) = segment.byte_range {
                let _ = writeln!(out, "#EXT-X-BYTERANGE:{}@{}", r.length, r.offset);
            }
            if segment.gap {
                out.push_str("#EXT-X-GAP\n");
            }
            out.push_str(&segment.uri);
            out.push('\n');
        }
        if let Some(open) = &self.open_segment {
            write_segment_head(&mut out, open, &mut map);
        }
        if let Some(hint) = &self.preload_hint {
            let kind = match hint.kind {
                HintKind::Part => "PART",
                HintKind::Map => "MAP",
            };
            let _ = write!(out, "#EXT-X-PRELOAD-HINT:TYPE={kind},URI=\"{}\"", hint.uri);
            if let Some(start) = hint.byte_range_start {
                let _ = write!(out, ",BYTERANGE-START={start}");
            }
            if let Some(length) = hint.byte_range_length {
                let _ = write!(out, ",BYTERANGE-LENGTH={length}");
            }
            out.push('\n');
        }
        for report in &self.rendition_reports {
            let _ = write!(out, "#EXT-X-RENDITION-REPORT:URI=\"{}\"", report.uri);
            if let Some(msn) = report.last_msn {
                let _ = write!(out, ",LAST-MSN={msn}");
            }
            if let Some(part) = report.last_part {
                let _ = write!(out, ",LAST-PART={part}");
            }
            out.push('\n');
        }
        if self.ended {
            out.push_str("#EXT-X-ENDLIST\n");
        }
        out
    }

    /// Whether it has a live edge to follow (not VOD, not ended).
    pub fn is_live(&self) -> bool {
        !self.ended && self.kind != Some(PlaylistKind::Vod)
    }

    /// Sequence number of segment `index` of `segments`.
    pub fn sequence_of(&self, index: usize) -> u64 {
        self.media_sequence + self.skipped_segments + index as u64
    }

    /// Sequence number of the segment after the last whole one: the open
    /// segment's, when there is one.
    pub fn next_sequence(&self) -> u64 {
        self.sequence_of(self.segments.len())
    }

    /// Seconds from the first segment's start to the end of the last.
    pub fn duration(&self) -> f64 {
        self.segments.iter().map(|s| s.duration).sum()
    }
}

/// What comes before a segment's `EXTINF` (or, for the open segment, all of
/// it): discontinuity, a changed init section, date-time and parts.
fn write_segment_head<'a>(out: &mut String, segment: &'a Segment, map: &mut Option<&'a Map>) {
    if segment.discontinuity {
        out.push_str("#EXT-X-DISCONTINUITY\n");
    }
    if segment.map.is_some() && segment.map.as_ref() != *map {
        if let Some(m) = &segment.map {
            let _ = write!(out, "#EXT-X-MAP:URI=\"{}\"", m.uri);
            if let Some(r) = m.byte_range {
                let _ = write!(out, ",BYTERANGE=\"{}@{}\"", r.length, r.offset);
            }
            out.push('\n');
        }
        *map = segment.map.as_ref();
    }
    if let Some(at) = segment.program_date_time {
        let _ = writeln!(out, "#EXT-X-PROGRAM-DATE-TIME:{}", format_date_time(at));
    }
    for part in &segment.parts {
        let _ = write!(
            out,
            "#EXT-X-PART:DURATION={:.5},URI=\"{}\"",
            part.duration, part.uri
        );
        if part.independent {
            out.push_str(",INDEPENDENT=YES");
        }
        if let Some(r) = part.byte_range {
            let _ = write!(out, ",BYTERANGE=\"{}@{}\"", r.length, r.offset);
        }
        if part.gap {
            out.push_str(",GAP=YES");
        }
        out.push('\n');
    }
}

impl MasterPlaylist {
    /// The playlist as text.
    pub fn render(&self) -> String {
        let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        for s in &self.subtitles {
            let _ = write!(
                out,
                "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"{}\",NAME=\"{}\"",
                s.group, s.name
            );
            if let Some(language) = &s.language {
                let _ = write!(out, ",LANGUAGE=\"{language}\"");
            }
            let default = if s.default { "YES" } else { "NO" };
            let _ = writeln!(out, ",DEFAULT={default},AUTOSELECT=YES,URI=\"{}\"", s.uri);
        }
        for v in &self.variants {
            let _ = write!(out, "#EXT-X-STREAM-INF:BANDWIDTH={}", v.bandwidth);
            if let Some(average) = v.average_bandwidth {
                let _ = write!(out, ",AVERAGE-BANDWIDTH={average}");
            }
            if let Some((w, h)) = v.resolution {
                let _ = write!(out, ",RESOLUTION={w}x{h}");
            }
            if let Some(codecs) = &v.codecs {
                let _ = write!(out, ",CODECS=\"{codecs}\"");
            }
            if let Some(rate) = v.frame_rate {
                let _ = write!(out, ",FRAME-RATE={rate:.3}");
            }
            if let Some(group) = &v.subtitles {
                let _ = write!(out, ",SUBTITLES=\"{group}\"");
            }
            out.push('\n');
            out.push_str(&v.uri);
            out.push('\n');
        }
        out
    }
}

pub mod fmp4;

#[cfg(test)]
mod tests;
