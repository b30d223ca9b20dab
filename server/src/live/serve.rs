//! HTTP for live shows under `/hls/<show>/`: the playlists the server renders
//! (`master.m3u8`, `<rendition>/live.m3u8`, `<rendition>/recording.m3u8`) and
//! the packager's files (`<rendition>/run-<N>/init.mp4`, `…/seg-<n>.m4s`).
//!
//! In low-latency HLS, `live.m3u8` also answers blocking reloads
//! (`_HLS_msn`, `_HLS_part`: held until the playlist holds that segment or
//! part) and delta updates (`_HLS_skip=YES`), and parts
//! (`…/run-<N>/part-<n>.m4s`) are served from the cutters' memory, the hinted
//! next one held until it is cut. Every hold is bounded in time, and the
//! number of held requests by [`MAX_HELD`](super::MAX_HELD).
//!
//! File names are only accepted when they match those patterns, so no request
//! reaches outside a show's runs. Once the show has ended, only what its
//! replay keeps is listed and served ([`Reach`]): nothing of a removed one, no
//! segment a trim cut off. Everything here may be fetched from other
//! sites (players embedded on brand pages): `Access-Control-Allow-Origin: *`.
//! Nothing is compressed: segments are already, and ranges must stay byte-exact.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::{Live, Reach, Rendered, Rendition, ShowLive};

/// A blocking reload is held at most this many target durations, then
/// answered 503 (RFC 8216bis §6.2.5.2 suggests three).
const HOLD_TARGETS: u32 = 3;
/// A hinted part is held at most this long (a part is due every ~200 ms).
const PART_HOLD: Duration = Duration::from_secs(3);
/// Cache-Control of an answer to a blocking reload: its URL names the segment
/// and part it waited for, so a CDN may keep and share it; six target
/// durations, after which no player asks for that part again.
const BLOCKED_CACHE: &str = "public, max-age=6";

/// Playlists change every segment: players must always ask.
const PLAYLIST_CACHE: &str = "no-cache";
/// Cache-Control of files whose names change with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A segment never changes once listed.
const SEGMENT_CACHE: &str = IMMUTABLE;
const PLAYLIST_TYPE: &str = "application/vnd.apple.mpegurl";

/// The `/hls` routes.
pub fn routes(live: Arc<Live>) -> Router {
    // One route, matched here: the router cannot hold both `/hls/{show}/…` and
    // a catch-all for the rest, and the rest must be 404, not the viewer's page.
    Router::new()
        .route("/hls/{*path}", get(hls).options(preflight))
        .layer(axum::middleware::map_response(cors))
        .with_state(live)
}

async fn hls(
    State(live): State<Arc<Live>>,
    Path(path): Path<String>,
    reload: Result<Query<Reload>, QueryRejection>,
    request: Request,
) -> Response {
    let parts: Vec<&str> = path.split('/').collect();
    let Some(show) = live.show(parts[0]) else {
        return not_found();
    };
    match parts[1..] {
        ["master.m3u8"] => {
            let text = show.rendered().master.clone();
            playlist_response(text.filter(|_| show.reach() != Reach::Nothing))
        }
        ["replay.m3u8"] => {
            let master = show.replay_window().and(show.rendered().master.clone());
            playlist_response(master.as_deref().and_then(super::playlist::replay_master))
        }
        [name, "live.m3u8"] if show.low_latency && show.reach() == Reach::All => match reload {
            Ok(Query(reload)) => live_playlist(&live, &show, name, reload).await,
            Err(rejection) => bad_request(rejection.body_text()),
        },
        [name, playlist] => playlist_of(&show, name, playlist),
        [name, run, file] if file.starts_with("part-") => {
            part_of(&live, &show, name, run, file).await
        }
        [name, run, file] => file_of(&show, name, run, file, request).await,
        _ => not_found(),
    }
}

/// Every `/hls` answer, 206 and 404 included, may be read by any site.
async fn cors(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    // Players read these to follow ranges.
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Content-Length, Content-Range, Accept-Ranges"),
    );
    response
}

/// A `Range` request from another site is preflighted.
async fn preflight() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS"),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, "Range"),
            (header::ACCESS_CONTROL_MAX_AGE, "86400"),
        ],
    )
        .into_response()
}

fn playlist_response(text: Option<String>) -> Response {
    match text {
        Some(text) => (
            [
                (header::CONTENT_TYPE, PLAYLIST_TYPE),
                (header::CACHE_CONTROL, PLAYLIST_CACHE),
            ],
            text,
        )
            .into_response(),
        None => not_found(),
    }
}

fn bad_request(why: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CACHE_CONTROL, PLAYLIST_CACHE)],
        why.into(),
    )
        .into_response()
}

/// A held request that found nothing in time, or no room to be held.
fn unavailable(why: &'static str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CACHE_CONTROL, PLAYLIST_CACHE),
            (header::RETRY_AFTER, "1"),
        ],
        why,
    )
        .into_response()
}

/// The low-latency query of a live playlist (RFC 8216bis §6.2.5); values
/// that do not parse are refused with serde's reason.
#[derive(Debug, Default, serde::Deserialize)]
struct Reload {
    /// Hold until the playlist holds this segment…
    #[serde(rename = "_HLS_msn")]
    msn: Option<u64>,
    /// …or this part of it.
    #[serde(rename = "_HLS_part")]
    part: Option<u64>,
    /// Ask for a delta update.
    #[serde(rename = "_HLS_skip")]
    skip: Option<Skip>,
}

/// `_HLS_skip`'s values.
#[derive(Clone, Copy, Debug, serde::Deserialize)]
enum Skip {
    /// Skip older segments.
    #[serde(rename = "YES")]
    Yes,
    /// Also skip date ranges (there are none here): as `YES`.
    #[serde(rename = "v2")]
    V2,
}

/// Whether a live playlist answers a blocking reload for `msn` (and `part`).
#[derive(Debug, PartialEq, Eq)]
enum Blocking {
    Ready,
    Wait,
    TooFar,
}

fn blocking(media: &lapak_protocol::hls::MediaPlaylist, msn: u64, part: Option<u64>) -> Blocking {
    if media.ended {
        return Blocking::Ready;
    }
    let open = media.next_sequence();
    let open_parts = media.open_segment.as_ref().map_or(0, |s| s.parts.len()) as u64;
    // The last full segment is `open - 1`: more than two beyond it is refused.
    if msn > open + 1 {
        return Blocking::TooFar;
    }
    let ready = msn < open || part.is_some_and(|part| msn == open && part < open_parts);
    if ready {
        Blocking::Ready
    } else {
        Blocking::Wait
    }
}

/// `live.m3u8` in low-latency HLS: answered at once without `_HLS_msn`, else
/// held until it holds what was asked for.
async fn live_playlist(live: &Live, show: &ShowLive, name: &str, reload: Reload) -> Response {
    let Some(rendition) = rendition(show, name) else {
        return not_found();
    };
    let skip = reload.skip.is_some();
    let Some(msn) = reload.msn else {
        if reload.part.is_some() {
            return bad_request("_HLS_part needs _HLS_msn");
        }
        return live_response(show, rendition, skip, false);
    };
    let Some(_held) = live.hold() else {
        return unavailable("too many requests are held");
    };
    let mut renders = show.renders();
    let target = {
        let rendered = show.rendered();
        rendered
            .live_media
            .get(&rendition)
            .map_or(1, |media| media.target_duration.max(1))
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(target) * HOLD_TARGETS;
    loop {
        renders.borrow_and_update();
        let state = {
            let rendered = show.rendered();
            rendered
                .live_media
                .get(&rendition)
                .map_or(Blocking::Wait, |media| blocking(media, msn, reload.part))
        };
        match state {
            Blocking::Ready => return live_response(show, rendition, skip, true),
            Blocking::TooFar => {
                return bad_request("_HLS_msn is more than two segments beyond the playlist's last")
            }
            Blocking::Wait => {}
        }
        match tokio::time::timeout_at(deadline, renders.changed()).await {
            Ok(Ok(())) => {}
            _ => return unavailable("the segment or part asked for did not come in time"),
        }
    }
}

/// The live playlist as rendered, or its delta update.
fn live_response(show: &ShowLive, rendition: Rendition, skip: bool, blocked: bool) -> Response {
    let rendered = show.rendered();
    let text = if skip {
        rendered
            .live_media
            .get(&rendition)
            .map(|media| super::playlist::delta(media).render())
    } else {
        rendered.live.get(&rendition).cloned()
    };
    drop(rendered);
    let mut response = playlist_response(text);
    if blocked && response.status().is_success() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(BLOCKED_CACHE),
        );
    }
    response
}

/// A part, from the cutter's memory; the next one (the playlist's preload
/// hint) is held until it is cut.
async fn part_of(live: &Live, show: &ShowLive, name: &str, run: &str, file: &str) -> Response {
    let (Some(rendition), Some(run), Some(n)) =
        (rendition(show, name), run_number(run), part_number(file))
    else {
        return not_found();
    };
    if show.reach() != Reach::All {
        return not_found();
    }
    let Some(shared) = show.cut(run, rendition) else {
        return not_found();
    };
    let deadline = tokio::time::Instant::now() + PART_HOLD;
    let mut held = None;
    loop {
        let notified = shared.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let (bytes, next, finished) = shared.with(|cut| (cut.part(n), cut.parts(), cut.finished));
        if let Some(bytes) = bytes {
            return (
                [
                    (header::CONTENT_TYPE, "video/iso.segment"),
                    (header::CACHE_CONTROL, SEGMENT_CACHE),
                ],
                bytes,
            )
                .into_response();
        }
        if n != next || finished {
            return not_found();
        }
        if held.is_none() {
            held = live.hold();
            if held.is_none() {
                return unavailable("too many requests are held");
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return unavailable("the part did not come in time");
        }
    }
}

/// `part-<n>.m4s`: a part's number in its run.
fn part_number(name: &str) -> Option<usize> {
    let digits = name.strip_prefix("part-")?.strip_suffix(".m4s")?;
    (!digits.is_empty() && digits.len() <= 10 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, PLAYLIST_CACHE)],
    )
        .into_response()
}

fn rendition(show: &ShowLive, name: &str) -> Option<Rendition> {
    Rendition::parse(name).filter(|r| show.renditions.contains(r))
}

fn playlist_of(show: &ShowLive, name: &str, playlist: &str) -> Response {
    let Some(rendition) = rendition(show, name) else {
        return not_found();
    };
    // Both read the playlists: taken before holding them.
    let (reach, window) = (show.reach(), show.replay_window());
    let rendered = show.rendered();
    let text = match playlist {
        "live.m3u8" => reached(reach, &rendered, rendered.live.get(&rendition)),
        "recording.m3u8" => reached(reach, &rendered, rendered.recording.get(&rendition)),
        "replay.m3u8" => window.and_then(|window| {
            super::playlist::replay(rendered.recording.get(&rendition)?, window)
        }),
        _ => None,
    };
    drop(rendered);
    playlist_response(text)
}

/// A live or recording playlist as `reach` serves it.
fn reached(reach: Reach, rendered: &Rendered, text: Option<&String>) -> Option<String> {
    match reach {
        Reach::All => text.cloned(),
        // Nothing trimmed: as rendered.
        Reach::Window(window) if Some(window) == rendered.span => text.cloned(),
        Reach::Window(window) => super::playlist::trimmed(text?, window),
        Reach::Nothing => None,
    }
}

async fn file_of(show: &ShowLive, name: &str, run: &str, file: &str, request: Request) -> Response {
    let (Some(rendition), Some(run), Some(content_type)) =
        (rendition(show, name), run_number(run), media_type(file))
    else {
        return not_found();
    };
    let reach = show.reach();
    let listed = show
        .rendered()
        .times
        .get(&rendition)
        .and_then(|times| times.get(&format!("run-{run}/{file}")).copied());
    if !reach.serves(listed) {
        return not_found();
    }
    let path = super::packager::run_dir(&show.dir, run)
        .join(rendition.as_str())
        .join(file);
    let mut response = match ServeFile::new(path).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status().is_success() {
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(SEGMENT_CACHE),
        );
    }
    response
}

/// `run-<N>`: a run folder.
fn run_number(name: &str) -> Option<u32> {
    let digits = name.strip_prefix("run-")?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

/// The media type of a packager file name, `None` for any other name.
fn media_type(name: &str) -> Option<&'static str> {
    if name == "init.mp4" {
        return Some("video/mp4");
    }
    let (stem, kind) = if let Some(stem) = name.strip_suffix(".m4s") {
        (stem, "video/iso.segment")
    } else if let Some(stem) = name.strip_suffix(".ts") {
        (stem, "video/mp2t")
    } else {
        return None;
    };
    let digits = stem.strip_prefix("seg-")?;
    (!digits.is_empty() && digits.len() <= 10 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_packager_names_are_served() {
        assert_eq!(media_type("init.mp4"), Some("video/mp4"));
        assert_eq!(media_type("seg-00012.m4s"), Some("video/iso.segment"));
        assert_eq!(media_type("seg-3.ts"), Some("video/mp2t"));
        for name in [
            "../init.mp4",
            "seg-.m4s",
            "seg-1.m4s/..",
            "seg-%2e%2e.m4s",
            "index.m3u8",
            "master.m3u8",
            "seg-1.mp4",
            "seg-12345678901.m4s",
        ] {
            assert_eq!(media_type(name), None, "{name}");
        }
    }

    #[test]
    fn a_blocking_reload_waits_for_its_part_and_refuses_what_is_too_far() {
        use lapak_protocol::hls::{MediaPlaylist, Part, Segment};
        // Segments 10 and 11 whole, segment 12 open with two parts.
        let media = MediaPlaylist {
            media_sequence: 10,
            segments: vec![Segment::default(), Segment::default()],
            open_segment: Some(Segment {
                parts: vec![Part::default(), Part::default()],
                ..Segment::default()
            }),
            ..MediaPlaylist::default()
        };
        assert_eq!(blocking(&media, 11, None), Blocking::Ready);
        assert_eq!(blocking(&media, 11, Some(7)), Blocking::Ready);
        assert_eq!(blocking(&media, 12, Some(1)), Blocking::Ready);
        assert_eq!(blocking(&media, 12, Some(2)), Blocking::Wait);
        assert_eq!(blocking(&media, 12, None), Blocking::Wait);
        assert_eq!(blocking(&media, 13, Some(0)), Blocking::Wait);
        assert_eq!(blocking(&media, 14, None), Blocking::TooFar);
        let ended = MediaPlaylist {
            ended: true,
            ..media
        };
        assert_eq!(blocking(&ended, 13, None), Blocking::Ready);
    }

    #[test]
    fn part_names_are_numbers() {
        assert_eq!(part_number("part-0.m4s"), Some(0));
        assert_eq!(part_number("part-123.m4s"), Some(123));
        for name in [
            "part-.m4s",
            "part-1.mp4",
            "part--1.m4s",
            "part-1.m4s/..",
            "part-a.m4s",
        ] {
            assert_eq!(part_number(name), None, "{name}");
        }
    }

    #[test]
    fn run_folders_are_numbers() {
        assert_eq!(run_number("run-3"), Some(3));
        for name in [
            "run-",
            "run-+3",
            "run-../x",
            "run--1",
            "..",
            "run-99999999999",
        ] {
            assert_eq!(run_number(name), None, "{name}");
        }
    }
}
