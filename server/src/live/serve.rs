//! HTTP for live shows under `/hls/<show>/`: the playlists the server renders
//! (`master.m3u8`, `<rendition>/live.m3u8`, `<rendition>/recording.m3u8`) and
//! the packager's files (`<rendition>/run-<N>/init.mp4`, `…/seg-<n>.m4s`).
//!
//! File names are only accepted when they match those patterns, so no request
//! reaches outside a show's runs. Once the show has ended, only what its
//! replay keeps is listed and served ([`Reach`]): nothing of a removed one, no
//! segment a trim cut off. Everything here may be fetched from other
//! sites (players embedded on brand pages): `Access-Control-Allow-Origin: *`.
//! Nothing is compressed: segments are already, and ranges must stay byte-exact.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::{Live, Reach, Rendered, Rendition, ShowLive};

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
        [name, playlist] => playlist_of(&show, name, playlist),
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
