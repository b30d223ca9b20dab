use lapak_protocol::api::refusal::Refusal;

use super::in_words;
use crate::text::{EN, ID};

fn refusal(code: &str) -> Refusal {
    Refusal {
        code: code.into(),
        message: "in English, from the server".into(),
    }
}

#[test]
fn a_refusal_is_said_in_the_hosts_language() {
    assert_eq!(in_words(&EN, &refusal("network")), EN.unreachable);
    assert_eq!(in_words(&ID, &refusal("network")), ID.unreachable);
    assert_eq!(in_words(&ID, &refusal("unauthorized")), ID.session_ended);
    assert_eq!(in_words(&EN, &refusal("forbidden")), EN.not_allowed);
    assert_eq!(in_words(&EN, &refusal("not_found")), EN.gone);
    assert_eq!(
        in_words(&ID, &refusal("too_many_coupons")),
        ID.failed,
        "a code without words of its own is a plain failure, never the server's English"
    );
}
