//! A replay's log: fetched once per replay over `window.fetch`, from the
//! server that serves it as JSON (CORS-open, like media, so an embedded
//! widget reads it across origins).
use lapak_protocol::replay::ReplayLog;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// Why a log could not be had (for the console: the shopper is told only
/// that it could not).
#[derive(Debug)]
pub enum LogError {
    /// No answer: offline, refused, blocked by CORS.
    Network,
    /// The server answered with this non-2xx status (404: no replay there).
    Status(u16),
    /// The answer is not a replay log.
    Malformed(serde_json::Error),
}

/// The log at `url`.
pub async fn fetch_log(url: &str) -> Result<ReplayLog, LogError> {
    let window = web_sys::window().ok_or(LogError::Network)?;
    let answer = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| LogError::Network)?;
    let response: Response = answer.unchecked_into();
    if !response.ok() {
        return Err(LogError::Status(response.status()));
    }
    let text = response.text().map_err(|_| LogError::Network)?;
    let text = JsFuture::from(text)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or(LogError::Network)?;
    ReplayLog::from_json(&text).map_err(LogError::Malformed)
}
