//! `/api/v1/tokens`: a brand's owners make, list and revoke API tokens.

use serde::{Deserialize, Serialize};

/// What an API token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// List shows and read their state.
    #[serde(rename = "shows:read")]
    ShowsRead,
    /// Run shows: the ingest key, pins, ending.
    #[serde(rename = "shows:write")]
    ShowsWrite,
    /// Moderate chat.
    #[serde(rename = "moderation")]
    Moderation,
}

impl Scope {
    /// Every scope the server grants, in the order a form offers them.
    pub const ALL: [Scope; 3] = [Scope::ShowsRead, Scope::ShowsWrite, Scope::Moderation];

    /// The scope as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ShowsRead => "shows:read",
            Scope::ShowsWrite => "shows:write",
            Scope::Moderation => "moderation",
        }
    }

    /// Scopes as stored: space-separated.
    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The stored form back; unknown names are dropped (they grant nothing).
    pub fn parse_list(stored: &str) -> Vec<Scope> {
        stored
            .split(' ')
            .filter_map(|name| Scope::ALL.into_iter().find(|s| s.as_str() == name))
            .collect()
    }
}

/// A token to make (`POST /api/v1/tokens`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What its maker calls it, 1 to 64 characters.
    pub name: String,
    /// What it may do: at least one.
    pub scopes: Vec<Scope>,
    /// Days until it stops working, 1 to 366; without it, until revoked.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// A token as listed (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// Row id: what revoking names.
    pub id: i64,
    /// What its maker called it.
    pub name: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// When it was made, Unix ms.
    pub created_at_ms: i64,
    /// When it stops working, if ever.
    pub expires_at_ms: Option<i64>,
    /// When it was revoked.
    pub revoked_at_ms: Option<i64>,
    /// When a request last came with it, to the minute (the server notes a
    /// use at most once a minute); never used, `null`.
    #[serde(default)]
    pub last_used_at_ms: Option<i64>,
}

/// A token just made: its secret, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Made {
    /// The secret (`lpk_…`).
    pub token: String,
    /// The token as listed.
    #[serde(flatten)]
    pub info: Token,
}

/// What a retry of a token's making gets: the token, without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadeBefore {
    /// The token as listed.
    #[serde(flatten)]
    pub info: Token,
    /// Always `true`.
    pub already_created: bool,
    /// Why the secret is not shown.
    pub message: String,
}
