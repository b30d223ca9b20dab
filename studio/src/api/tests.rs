use serde_json::{json, Value};

use super::refusal;

#[test]
fn a_refusal_is_read_flat_or_under_error() {
    let flat = json!({ "code": "forbidden", "message": "hosts may not do this" });
    assert_eq!(refusal(flat).code, "forbidden");
    let nested = json!({ "error": { "code": "invalid", "message": "the trim leaves nothing" } });
    let read = refusal(nested);
    assert_eq!(
        (read.code.as_str(), read.message.as_str()),
        ("invalid", "the trim leaves nothing")
    );
    assert_eq!(refusal(Value::Null).code, "network", "no body is no answer");
}
