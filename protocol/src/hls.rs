//! HLS playlists (RFC 8216): the model, a parser and a writer, shared by the
//! server (which reads its packager's playlists and writes the show's) and the
//! viewer's player (which reads the server's or a provider's).
//!
//! Only what playing and packaging need is kept: variants, subtitle
//! renditions, segments with their duration, programme date-time,
//! discontinuity, init section (`EXT-X-MAP`), byte range and gap. Other tags
//! (low-latency parts, audio groups, keys) are
//! skipped, so a playlist that uses them still plays by its full segments.
//! Durations are parsed by hand rather than with `str::parse::<f64>`, which
//! would pull a float parser into the viewer's wasm for one field.

use std::fmt::Write as _;

/// A playlist of either kind.
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
    /// Segments, oldest first.
    pub segments: Vec<Segment>,
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
            _ => {}
        }
    }
    Ok(playlist)
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
    let mut value = whole as f64;
    let mut scale = 0.1;
    for digit in fraction.bytes() {
        if !digit.is_ascii_digit() {
            return None;
        }
        value += f64::from(digit - b'0') * scale;
        scale /= 10.0;
    }
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
        let _ = writeln!(out, "#EXT-X-VERSION:{}", self.version.max(7));
        let _ = writeln!(out, "#EXT-X-TARGETDURATION:{}", self.target_duration);
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
        let mut map: Option<&Map> = None;
        for segment in &self.segments {
            if segment.discontinuity {
                out.push_str("#EXT-X-DISCONTINUITY\n");
            }
            if segment.map.is_some() && segment.map.as_ref() != map {
                if let Some(m) = &segment.map {
                    let _ = write!(out, "#EXT-X-MAP:URI=\"{}\"", m.uri);
                    if let Some(r) = m.byte_range {
                        let _ = write!(out, ",BYTERANGE=\"{}@{}\"", r.length, r.offset);
                    }
                    out.push('\n');
                }
                map = segment.map.as_ref();
            }
            if let Some(at) = segment.program_date_time {
                let _ = writeln!(out, "#EXT-X-PROGRAM-DATE-TIME:{}", format_date_time(at));
            }
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
        if self.ended {
            out.push_str("#EXT-X-ENDLIST\n");
        }
        out
    }

    /// Sequence number of segment `index`.
    pub fn sequence_of(&self, index: usize) -> u64 {
        self.media_sequence + index as u64
    }

    /// Seconds from the first segment's start to the end of the last.
    pub fn duration(&self) -> f64 {
        self.segments.iter().map(|s| s.duration).sum()
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
