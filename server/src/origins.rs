//! Who may open the socket: the pages of the origins a brand lists in its
//! show file (`allowed_origins`, or `--allowed-origin` for the whole server).
//!
//! A browser names the page that opens a WebSocket in the `Origin` header, and
//! a page cannot change it, so a list keeps other sites from putting a
//! brand's show on their pages. It does not stop programs, which send what
//! headers they like: it is not a login.
//!
//! With a list, the socket opens for an `Origin` on it, and always for the
//! server's own pages (an `Origin` whose host is the request's `Host`), so
//! Lapak's viewer and demo pages keep working wherever the server is reached.
//! A request without `Origin` is refused: every browser sends one, so it comes
//! from a program, and a brand that lists its sites has said who it expects.
//! An empty list lets everyone in.

use axum::http::{header, HeaderMap};

/// Most characters of a refused origin written to the log.
const LOGGED_CHARS: usize = 80;

/// The origins allowed to open the socket; empty for everyone.
#[derive(Clone, Debug, Default)]
pub struct Origins(Vec<String>);

/// Why a request may not open the socket, as it goes to the log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// No `Origin` header while the show has a list.
    #[error("no Origin header, and the show lists the origins it allows")]
    NoOrigin,
    /// An origin not on the list (cut to [`LOGGED_CHARS`] characters).
    #[error("origin {0:?} is not on the show's list")]
    NotListed(String),
}

/// `text` as an origin in the form browsers send (`https://shop.example`, no
/// path, no default port, lower case), or why it is not one. Also the
/// `--allowed-origin` flag's parser.
pub fn parse(text: &str) -> Result<String, String> {
    let not_one = || {
        format!(
            "{text:?} is not an origin like https://shop.example (no path, no slash at the end)"
        )
    };
    let lower = text.trim().to_ascii_lowercase();
    let (scheme, authority) = lower.split_once("://").ok_or_else(not_one)?;
    let default_port = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return Err(not_one()),
    };
    // International domain names come in their `xn--` form, as browsers send them.
    let host_chars =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if authority.is_empty() || !authority.chars().all(host_chars) {
        return Err(not_one());
    }
    let authority = authority.strip_suffix(default_port).unwrap_or(authority);
    Ok(format!("{scheme}://{authority}"))
}

impl Origins {
    /// The list; each entry already [`parse`]d.
    pub fn new(list: Vec<String>) -> Origins {
        Origins(list)
    }

    /// Whether a request with `headers` may open the socket.
    pub fn admit(&self, headers: &HeaderMap) -> Result<(), Refused> {
        if self.0.is_empty() {
            return Ok(());
        }
        let origin = headers.get(header::ORIGIN).ok_or(Refused::NoOrigin)?;
        let shown = || {
            let text = String::from_utf8_lossy(origin.as_bytes());
            Refused::NotListed(text.chars().take(LOGGED_CHARS).collect())
        };
        let origin = origin
            .to_str()
            .ok()
            .and_then(|o| parse(o).ok())
            .ok_or_else(shown)?;
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        if self.0.contains(&origin) || host.is_some_and(|host| same_host(&origin, host)) {
            Ok(())
        } else {
            Err(shown())
        }
    }
}

/// `origin` (as [`parse`] gives it) is on the host the request was sent to.
fn same_host(origin: &str, host: &str) -> bool {
    let scheme = origin.split("://").next().unwrap_or_default();
    parse(&format!("{scheme}://{host}")).is_ok_and(|own| own == origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        headers
    }

    fn shop() -> Origins {
        Origins::new(vec![parse("https://Shop.Example").unwrap()])
    }

    #[test]
    fn origins_are_kept_as_browsers_send_them() {
        assert_eq!(
            parse("HTTPS://Shop.Example:443").unwrap(),
            "https://shop.example"
        );
        assert_eq!(
            parse("http://localhost:8080").unwrap(),
            "http://localhost:8080"
        );
        assert_eq!(parse("http://[::1]:80").unwrap(), "http://[::1]");
        for wrong in [
            "shop.example",
            "https://shop.example/",
            "https://shop.example/live",
            "ftp://shop.example",
            "https://",
            "https://a@b",
            "null",
            "*",
        ] {
            assert!(parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_listed_origin_or_the_servers_own_is_admitted() {
        let shop = shop();
        assert_eq!(
            shop.admit(&headers(Some("https://shop.example"), "live.example")),
            Ok(())
        );
        assert_eq!(
            shop.admit(&headers(Some("https://live.example"), "live.example")),
            Ok(())
        );
        assert_eq!(
            shop.admit(&headers(Some("https://live.example"), "live.example:443")),
            Ok(())
        );
        assert_eq!(
            shop.admit(&headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080")),
            Ok(())
        );
    }

    #[test]
    fn another_origin_or_none_is_refused_when_there_is_a_list() {
        let shop = shop();
        let other = shop.admit(&headers(Some("https://evil.example"), "live.example"));
        assert_eq!(
            other,
            Err(Refused::NotListed("https://evil.example".into()))
        );
        assert_eq!(
            shop.admit(&headers(None, "live.example")),
            Err(Refused::NoOrigin)
        );
        assert!(shop.admit(&headers(Some("null"), "live.example")).is_err());
        assert!(shop
            .admit(&headers(Some("https://shop.example.evil"), "live.example"))
            .is_err());
        assert!(
            shop.admit(&headers(Some("http://shop.example"), "live.example"))
                .is_err(),
            "another scheme"
        );
    }

    #[test]
    fn a_refused_origin_is_logged_cut_short() {
        let long = format!("https://{}.example", "a".repeat(5000));
        let Err(Refused::NotListed(shown)) = shop().admit(&headers(Some(&long), "live.example"))
        else {
            panic!("refused");
        };
        assert_eq!(shown.chars().count(), LOGGED_CHARS);
    }

    #[test]
    fn without_a_list_everyone_is_admitted() {
        let anyone = Origins::default();
        assert_eq!(
            anyone.admit(&headers(Some("https://evil.example"), "live.example")),
            Ok(())
        );
        assert_eq!(anyone.admit(&headers(None, "live.example")), Ok(()));
    }
}
