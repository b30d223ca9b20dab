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
//!
//! The studio's changes, made with its session cookie, come from the server's
//! own pages only ([`same_origin`]).

use axum::http::{header, HeaderMap, HeaderValue};

/// Most characters of a refused origin written to the log.
const LOGGED_CHARS: usize = 80;

/// The origins allowed to open the socket; empty for everyone.
#[derive(Clone, Debug, Default)]
pub struct Origins(Vec<String>);

/// Why a request is refused, as it goes to the log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// No `Origin` header while the show has a list.
    #[error("no Origin header, and the show lists the origins it allows")]
    NoOrigin,
    /// An origin not on the list (cut to [`LOGGED_CHARS`] characters).
    #[error("origin {0:?} is not on the show's list")]
    NotListed(String),
    /// An origin that is not the server's own (cut to [`LOGGED_CHARS`]).
    #[error("origin {0:?} is not the server's own")]
    NotOwn(String),
    /// No `Origin`, and `Sec-Fetch-Site` tells another site (cut to [`LOGGED_CHARS`]).
    #[error("no Origin header, and Sec-Fetch-Site is {0:?}")]
    OtherSite(String),
}

/// `value` as the log shows it: cut to [`LOGGED_CHARS`] characters.
fn shown(value: &HeaderValue) -> String {
    let text = String::from_utf8_lossy(value.as_bytes());
    text.chars().take(LOGGED_CHARS).collect()
}

/// Whether a browser says the request comes from the server's own pages: its
/// `Origin` is on the host the request was sent to; without an `Origin`,
/// `Sec-Fetch-Site`, when sent, says `same-origin`. A request with neither
/// comes from a program (`curl` with a cookie jar) or a browser too old to
/// send them, and is let through: browsers send `Origin` with every `POST`,
/// `PUT`, `PATCH` and `DELETE`, and `Sec-Fetch-Site` with every request.
pub fn same_origin(headers: &HeaderMap) -> Result<(), Refused> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return match headers.get("sec-fetch-site") {
            Some(site) if site != "same-origin" => Err(Refused::OtherSite(shown(site))),
            _ => Ok(()),
        };
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let own = origin
        .to_str()
        .ok()
        .and_then(|o| parse(o).ok())
        .zip(host)
        .is_some_and(|(origin, host)| same_host(&origin, host));
    if own {
        Ok(())
    } else {
        Err(Refused::NotOwn(shown(origin)))
    }
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
        let shown = || Refused::NotListed(shown(origin));
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
    fn only_the_servers_own_pages_are_the_same_origin() {
        let own = headers(Some("https://live.example"), "live.example:443");
        assert_eq!(same_origin(&own), Ok(()));
        for other in ["https://evil.example", "https://live.example.evil", "null"] {
            assert_eq!(
                same_origin(&headers(Some(other), "live.example")),
                Err(Refused::NotOwn(other.into()))
            );
        }
        let fetched = |site: &str| {
            let mut headers = headers(None, "live.example");
            headers.insert("sec-fetch-site", HeaderValue::from_str(site).unwrap());
            same_origin(&headers)
        };
        assert_eq!(fetched("same-origin"), Ok(()));
        assert_eq!(
            fetched("same-site"),
            Err(Refused::OtherSite("same-site".into())),
            "a sibling subdomain is another site's page"
        );
        assert!(fetched("cross-site").is_err());
        assert_eq!(
            same_origin(&headers(None, "live.example")),
            Ok(()),
            "a program's request"
        );
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
