//! Calling the studio API over real HTTP: signed in (cookie and CSRF token),
//! with a token, or as nobody; and the test show's team.

use std::path::PathBuf;

use lapak_server::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{config, server, TestServer};

pub const PASSWORD: &str = "correct horse battery";

/// Who tries, as whom, what request, and the answer they must get.
pub type Refusal<'a> = (
    &'a str,
    &'a Caller,
    Method,
    &'a str,
    Option<Value>,
    StatusCode,
    &'a str,
);

/// Someone calling the API: signed in (a cookie and its CSRF token), with a
/// token, or neither.
#[derive(Clone, Default)]
pub struct Caller {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

impl Api {
    pub fn of(server: &TestServer) -> Api {
        Api::at(&server.running.addr.to_string())
    }

    /// The API of the server listening at `addr` (`127.0.0.1:port`).
    pub fn at(addr: &str) -> Api {
        Api {
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
        }
    }

    pub async fn call(
        &self,
        caller: &Caller,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.request(caller, method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let (status, text) = self.send(request).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A request as `caller` (cookie and CSRF token, or bearer token), to send.
    pub fn request(&self, caller: &Caller, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(cookie) = &caller.cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(csrf) = &caller.csrf {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(token) = &caller.bearer {
            request = request.bearer_auth(token);
        }
        request
    }

    /// A `POST` as `caller` with an `Idempotency-Key`, to send.
    pub fn keyed(&self, caller: &Caller, path: &str, key: &str) -> reqwest::RequestBuilder {
        self.request(caller, Method::POST, path)
            .header("idempotency-key", key)
    }

    /// Sends `request`: its status and body text.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, String) {
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// Signs in; the caller holds the session cookie and CSRF token.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Caller, (StatusCode, Value)> {
        let response = self
            .http
            .post(format!("{}/studio/api/session", self.base))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let cookie = response
            .headers()
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().to_owned());
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status != StatusCode::OK {
            return Err((status, body));
        }
        let cookie = cookie.expect("a session cookie");
        Ok(Caller {
            cookie: Some(cookie.split(';').next().unwrap().to_owned()),
            csrf: Some(body["csrf"].as_str().unwrap().to_owned()),
            bearer: None,
        })
    }

    pub async fn token(&self, owner: &Caller, scopes: &[&str]) -> (i64, Caller) {
        let (status, made) = self
            .call(
                owner,
                Method::POST,
                "/api/v1/tokens",
                Some(json!({ "name": "shop system", "scopes": scopes })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let bearer = made["token"].as_str().unwrap().to_owned();
        (
            made["id"].as_i64().unwrap(),
            Caller {
                bearer: Some(bearer),
                ..Caller::default()
            },
        )
    }

    /// Revokes token `id` as `owner`; it answers 204.
    pub async fn revoke(&self, owner: &Caller, id: i64) {
        let path = format!("/api/v1/tokens/{id}");
        let (status, _) = self.call(owner, Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
}

pub fn db(server: &TestServer) -> PathBuf {
    server.dir.path().join("lapak.db")
}

pub async fn add(server: &TestServer, brand: &str, email: &str, role: Role) {
    let config = config(db(server));
    lapak_server::add_user(&config, Some(brand), email, role, PASSWORD)
        .await
        .unwrap();
}

/// The test show's team (brand `demo`), and a host of another brand.
pub async fn team(server: &TestServer) {
    add(server, "demo", "owner@demo.example", Role::Owner).await;
    add(server, "demo", "host@demo.example", Role::Host).await;
    add(server, "demo", "mod@demo.example", Role::Moderator).await;
    add(server, "rival", "host@rival.example", Role::Host).await;
}

/// The test show's server with its team, and `email` signed in.
pub async fn signed_in(email: &str) -> (TestServer, Api, Caller) {
    let server = server().await;
    team(&server).await;
    let api = Api::of(&server);
    let caller = api.sign_in(email, PASSWORD).await.unwrap();
    (server, api, caller)
}

/// NUL, BEL, ESC and a right-to-left override: what catalogue text may not
/// hold (it would not read as written, or a terminal or a log would act on it).
pub const HOSTILE_CHARS: [char; 4] = ['\0', '\u{7}', '\u{1b}', '\u{202E}'];

/// `status` and `answer` refuse the text that held `c` in `field`: a 422
/// `invalid` that names the field and does not echo the text.
pub fn assert_text_refused(status: StatusCode, answer: &Value, field: &str, c: char) {
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid")),
        "{c:?} in {field}: {answer}"
    );
    let message = answer["message"].as_str().unwrap();
    assert!(message.contains(field), "{c:?}: {message}");
    assert!(!message.contains(c), "the text is not echoed: {message:?}");
}

/// A show to schedule through the API: the show file's fields, in JSON.
pub fn new_show(id: &str) -> Value {
    json!({
        "id": id,
        "title": "Sunday Brunch Drop",
        "starts_at": "2099-02-01T10:00:00+07:00",
        "currency": "IDR",
        "stream_url": "/media/stream.mp4",
        "poster_url": "/media/poster.jpg",
        "loop_ms": 3600000,
        "host": { "name": "Sari", "avatar_url": "/media/host.svg" },
        "shipping": [{ "id": "std", "name": "Standard", "days_min": 2, "days_max": 4, "price": 1800000 }],
        "products": [{
            "id": "kopi", "name": "Kopi", "names": { "id": "Kopi susu" },
            "image_url": "/media/products/gayo-coffee.svg", "price": 8900000,
            "max_per_order": 5, "variants": [{ "id": "default", "label": "", "stock": 9 }]
        }]
    })
}
