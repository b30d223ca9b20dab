//! `/studio/api/session`: signing in with a password, and who is signed in.

use serde::{Deserialize, Serialize};

/// A sign-in (`POST /studio/api/session`).
// why: no `Debug`, so a password never reaches a log by accident.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The person's email.
    pub email: String,
    /// Their password.
    pub password: String,
}

/// The signed-in person, and the CSRF token for their changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    /// Their email.
    pub email: String,
    /// What they may do in their brand.
    pub role: Role,
    /// Their brand's id.
    pub brand: String,
    /// What every change made with the session cookie sends in `X-CSRF-Token`.
    pub csrf: String,
}

/// Who is signed in on this browser, if anyone (`GET /studio/api/session`).
/// Answered `200` either way: a page that asks before anyone signed in gets
/// no error to log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Whether the request came with a live session cookie.
    pub signed_in: bool,
    /// The person and their CSRF token, when signed in (beside `signed_in`).
    #[serde(flatten)]
    pub me: Option<Me>,
}

/// A person's role in their brand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the brand: everything, and its API tokens.
    Owner,
    /// Runs shows: goes live, pins, deals, stock, and moderates.
    Host,
    /// Keeps the chat civil.
    Moderator,
}

impl Role {
    /// The role as the API spells it (and the server stores it).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Host => "host",
            Role::Moderator => "moderator",
        }
    }

    /// The role spelled `name`.
    pub fn parse(name: &str) -> Option<Role> {
        [Role::Owner, Role::Host, Role::Moderator]
            .into_iter()
            .find(|r| r.as_str() == name)
    }
}
