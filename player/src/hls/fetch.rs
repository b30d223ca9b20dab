//! Playlist and segment downloads over `window.fetch`, all cancelled at once
//! (one `AbortController`) when the player goes away.
use std::future::Future;

use js_sys::{ArrayBuffer, Promise};
use lapak_protocol::hls::ByteRange;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCache, RequestInit, Response};

/// Why a download failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The server answered with this non-2xx status (404: the segment is gone).
    Status(u16),
    /// No answer: offline, refused, CORS, or cancelled.
    Network,
}

/// Downloads for one player.
pub struct Fetcher {
    abort: Option<AbortController>,
}

impl Fetcher {
    /// A fetcher whose downloads [`Fetcher::cancel`] stops.
    pub fn new() -> Self {
        Self {
            abort: AbortController::new().ok(),
        }
    }

    /// Aborts every download in flight and any started later.
    pub fn cancel(&self) {
        if let Some(abort) = &self.abort {
            abort.abort();
        }
    }

    /// Starts a download now: the request goes out before the answer is awaited.
    fn get(
        &self,
        url: &str,
        range: Option<&ByteRange>,
    ) -> impl Future<Output = Result<Response, FetchError>> + 'static {
        // why wrapped at once: a `JsFuture` handles the promise's rejection
        // from the start, so a download dropped unawaited (a hinted part not
        // needed) and then aborted is not an uncaught rejection in the page.
        let request = self.request(url, range).map(JsFuture::from);
        async move {
            let answer = request?.await.map_err(|_| FetchError::Network)?;
            let response: Response = answer.unchecked_into();
            if response.ok() {
                Ok(response)
            } else {
                Err(FetchError::Status(response.status()))
            }
        }
    }

    fn request(&self, url: &str, range: Option<&ByteRange>) -> Result<Promise, FetchError> {
        let init = RequestInit::new();
        // why: a live playlist changes under one URL more often than
        // Last-Modified's one-second resolution can tell; revalidating could
        // get a stale 304, so the HTTP cache is bypassed.
        init.set_cache(RequestCache::NoStore);
        init.set_signal(self.abort.as_ref().map(|a| a.signal()).as_ref());
        if let Some(range) = range {
            let headers = Headers::new().map_err(|_| FetchError::Network)?;
            let _ = headers.set("Range", &range.header());
            init.set_headers(&headers);
        }
        let window = web_sys::window().ok_or(FetchError::Network)?;
        Ok(window.fetch_with_str_and_init(url, &init))
    }

    async fn body(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, FetchError> {
        let promise = promise.map_err(|_| FetchError::Network)?;
        JsFuture::from(promise)
            .await
            .map_err(|_| FetchError::Network)
    }

    /// A playlist's text.
    pub async fn text(&self, url: &str) -> Result<String, FetchError> {
        let response = self.get(url, None).await?;
        let text = Self::body(response.text()).await?;
        text.as_string().ok_or(FetchError::Network)
    }

    /// A segment or init section, or the `range` of it. The request goes
    /// out at once, awaited or not (a hinted part is asked for ahead).
    pub fn bytes(
        &self,
        url: &str,
        range: Option<&ByteRange>,
    ) -> impl Future<Output = Result<ArrayBuffer, FetchError>> + 'static {
        let response = self.get(url, range);
        async move {
            let bytes = Self::body(response.await?.array_buffer()).await?;
            Ok(bytes.unchecked_into())
        }
    }
}
