use lapak_protocol::api::tokens::{Scope, Token};

use super::list::{state, TokenState};
use super::make::asked;
use crate::text::{EN, ID};

fn token(expires_at_ms: Option<i64>, revoked_at_ms: Option<i64>) -> Token {
    Token {
        id: 3,
        name: "shop system".into(),
        scopes: vec![Scope::ShowsRead],
        created_at_ms: 1_000,
        expires_at_ms,
        revoked_at_ms,
        last_used_at_ms: None,
    }
}

#[test]
fn a_token_is_live_until_it_expires_or_is_revoked() {
    assert_eq!(state(&token(None, None), 5_000), TokenState::Live);
    assert_eq!(
        state(&token(Some(9_000), None), 5_000),
        TokenState::LiveUntil(9_000)
    );
    assert_eq!(
        state(&token(Some(9_000), None), 9_000),
        TokenState::Expired(9_000)
    );
    assert_eq!(
        state(&token(Some(9_000), Some(4_000)), 5_000),
        TokenState::Revoked(4_000),
        "revoked says so, whatever its expiry"
    );
}

#[test]
fn the_form_asks_for_a_name_and_a_scope_and_sends_scopes_in_the_apis_order() {
    assert_eq!(
        asked(&EN, "  ", &[Scope::ShowsRead], None),
        Err(EN.token_name_needed)
    );
    assert_eq!(
        asked(&ID, &"x".repeat(65), &[Scope::ShowsRead], None),
        Err(ID.token_name_needed)
    );
    assert_eq!(asked(&EN, "shop", &[], None), Err(EN.token_scope_needed));
    let made = asked(
        &EN,
        " shop system ",
        &[Scope::Moderation, Scope::ShowsRead],
        Some(90),
    )
    .unwrap();
    assert_eq!(made.name, "shop system");
    assert_eq!(made.scopes, [Scope::ShowsRead, Scope::Moderation]);
    assert_eq!(made.expires_in_days, Some(90));
}
