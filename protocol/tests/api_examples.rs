//! docs/api.md's examples are the API's contract: every JSON body the doc
//! shows decodes into the protocol type its code fence names, and that type
//! writes it back as the doc has it. The doc is read as it is on disk, so a
//! change to either side that the other does not follow fails here.
//!
//! A fence names its body's type after the language: ```` ```json
//! api::shows::ShowSummary ````, ```` ```json [api::coupons::CouponFigures] ````
//! for a list. A `json` fence is an answer or refusal, and must name one; a
//! `sh` fence with a `curl … -d '…'` names the request body's type (or
//! `show-file`, the server's show file, which is not the protocol's).
//! Renderers take only the first word of the info string as the language.

use lapak_protocol::api::catalogue::{CatalogueProduct, FromCatalogue, Imported};
use lapak_protocol::api::coupons::{CouponCode, CouponFigures, NewCoupon};
use lapak_protocol::api::deals::NewDeal;
use lapak_protocol::api::message::Message;
use lapak_protocol::api::metrics::Metrics;
use lapak_protocol::api::moderation::{ChatRules, NewSanction, Sanctioned};
use lapak_protocol::api::orders::{NewRefund, OrderPage, PaymentSetup, Refunded};
use lapak_protocol::api::payments::{Received, TestPaid};
use lapak_protocol::api::refusal::Refusal;
use lapak_protocol::api::replay::{Replay, ReplayState, ReplayTrim};
use lapak_protocol::api::schedule::ScheduledShow;
use lapak_protocol::api::session::{Me, Session, SignIn};
use lapak_protocol::api::shows::{Ingest, NewPin, ShowSummary};
use lapak_protocol::api::stock::NewStock;
use lapak_protocol::api::tokens::{Made, NewToken};
use lapak_protocol::{ChatMessage, Deal};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

const API_MD: &str = include_str!("../../docs/api.md");

/// One fenced block of the doc.
struct Fence {
    /// 1-based line of its opening fence, for the failure message.
    line: usize,
    language: String,
    /// What the info string names after the language, if anything.
    names: Option<String>,
    body: String,
}

fn fences(doc: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    let mut open: Option<Fence> = None;
    for (i, line) in doc.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                let mut words = info.split_whitespace();
                open = Some(Fence {
                    line: i + 1,
                    language: words.next().unwrap_or_default().to_owned(),
                    names: words.next().map(str::to_owned),
                    body: String::new(),
                });
            }
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some(fence), None) => {
                fence.body.push_str(line);
                fence.body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "docs/api.md: a code fence is never closed");
    out
}

/// The body a `curl` sends: what stands between `-d '` and the next `'`.
fn curl_body(script: &str) -> Option<&str> {
    let from = script.find("-d '")? + "-d '".len();
    let len = script[from..].find('\'')?;
    Some(&script[from..from + len])
}

/// `value` with every `null` member of an object left out: an `Option` field
/// reads the same written as `null` or not written, so the doc may do either.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// `json` read as a `T` and written back: the same JSON, or why not.
fn round_trip<T: Serialize + DeserializeOwned>(json: &str) -> Result<(), String> {
    let doc: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let read: T = serde_json::from_str(json).map_err(|e| format!("does not decode: {e}"))?;
    // Through text, as on the wire: an `f32` is written as its shortest form.
    let written = serde_json::to_string(&read).map_err(|e| e.to_string())?;
    let written: Value = serde_json::from_str(&written).map_err(|e| e.to_string())?;
    let (doc, written) = (without_nulls(doc), without_nulls(written));
    if doc == written {
        Ok(())
    } else {
        Err(format!(
            "written back differently:\n  doc:  {doc}\n  type: {written}"
        ))
    }
}

/// Checks `json` against the type `name` names.
fn check(name: &str, json: &str) -> Result<(), String> {
    match name {
        "api::catalogue::CatalogueProduct" => round_trip::<CatalogueProduct>(json),
        "[api::catalogue::CatalogueProduct]" => round_trip::<Vec<CatalogueProduct>>(json),
        "api::catalogue::Imported" => round_trip::<Imported>(json),
        "api::coupons::NewCoupon" => round_trip::<NewCoupon>(json),
        "api::coupons::CouponCode" => round_trip::<CouponCode>(json),
        "[api::coupons::CouponFigures]" => round_trip::<Vec<CouponFigures>>(json),
        "api::deals::NewDeal" => round_trip::<NewDeal>(json),
        "Deal" => round_trip::<Deal>(json),
        "api::message::Message" => round_trip::<Message>(json),
        "api::metrics::Metrics" => round_trip::<Metrics>(json),
        "[ChatMessage]" => round_trip::<Vec<ChatMessage>>(json),
        "api::moderation::ChatRules" => round_trip::<ChatRules>(json),
        "api::moderation::NewSanction" => round_trip::<NewSanction>(json),
        "api::moderation::Sanctioned" => round_trip::<Sanctioned>(json),
        "api::orders::NewRefund" => round_trip::<NewRefund>(json),
        "api::orders::OrderPage" => round_trip::<OrderPage>(json),
        "api::orders::Refunded" => round_trip::<Refunded>(json),
        "api::orders::PaymentSetup" => round_trip::<PaymentSetup>(json),
        "api::payments::Received" => round_trip::<Received>(json),
        "api::payments::TestPaid" => round_trip::<TestPaid>(json),
        "api::refusal::Refusal" => round_trip::<Refusal>(json),
        "api::replay::Replay" => round_trip::<Replay>(json),
        "api::replay::ReplayTrim" => round_trip::<ReplayTrim>(json),
        "[api::schedule::ScheduledShow]" => round_trip::<Vec<ScheduledShow>>(json),
        "api::session::SignIn" => round_trip::<SignIn>(json),
        "api::session::Me" => round_trip::<Me>(json),
        "api::session::Session" => round_trip::<Session>(json),
        "api::shows::ShowSummary" => round_trip::<ShowSummary>(json),
        "api::shows::NewPin" => round_trip::<NewPin>(json),
        "api::shows::Ingest" => round_trip::<Ingest>(json),
        "api::stock::NewStock" => round_trip::<NewStock>(json),
        "api::tokens::NewToken" => round_trip::<NewToken>(json),
        "api::tokens::Made" => round_trip::<Made>(json),
        "show-file" => show_file(json),
        other => Err(format!("names no type this test knows: {other}")),
    }
}

/// A show file is the server's, not the protocol's: only its products that
/// name the catalogue are the protocol's ([`FromCatalogue`]).
fn show_file(json: &str) -> Result<(), String> {
    let show: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let products = show["products"]
        .as_array()
        .ok_or("a show file has products")?;
    products
        .iter()
        .filter(|p| p.get("from_catalogue").is_some())
        .try_for_each(|p| round_trip::<FromCatalogue>(&p.to_string()))
}

#[test]
fn every_example_in_the_api_doc_is_its_types_json() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for fence in fences(API_MD) {
        let json = match fence.language.as_str() {
            "json" => Some(fence.body.as_str()),
            "sh" => curl_body(&fence.body),
            _ => None,
        };
        let Some(json) = json else { continue };
        let outcome = match &fence.names {
            Some(name) => check(name, json),
            None => Err("names no type: write it after the language".to_owned()),
        };
        match outcome {
            Ok(()) => checked += 1,
            Err(problem) => problems.push(format!("docs/api.md:{}: {problem}", fence.line)),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The doc shows 35 bodies; fewer found means the reading above broke.
    assert!(checked >= 35, "only {checked} examples found");
}

#[test]
fn an_untyped_or_mistyped_example_is_caught() {
    // The check above is only as good as these: a field spelled otherwise, a
    // missing field, an enum value it does not know.
    assert!(check("api::stock::NewStock", r#"{"stock": 12}"#).is_ok());
    assert!(check("api::stock::NewStock", r#"{"stocks": 12}"#).is_err());
    assert!(check("api::shows::Ingest", r#"{"server": "rtmp://h/live"}"#).is_err());
    assert!(check("api::moderation::NewSanction", r#"{"kind": "kick"}"#).is_err());
    assert!(check(
        "api::session::Me",
        r#"{"email": "a@b.c", "role": "owner", "brand": "b", "csrf": "x", "extra": 1}"#
    )
    .is_err());
    assert!(check("api::nothing::Here", "{}").is_err());
    let picked = r#"{"products": [{"from_catalogue": "kain-tenun", "stock": {"blue": 2}}]}"#;
    assert!(check("show-file", picked).is_ok());
    let mistyped = r#"{"products": [{"from_catalogue": "kain-tenun", "units": 2}]}"#;
    assert!(check("show-file", mistyped).is_err());
    let doc =
        "```json api::stock::NewStock\n{\"stock\": 1}\n```\n```sh\ncurl -d '{\"a\": 1}'\n```\n";
    let found = fences(doc);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].names.as_deref(), Some("api::stock::NewStock"));
    assert_eq!(curl_body(&found[1].body), Some(r#"{"a": 1}"#));
}

#[test]
fn a_replay_state_added_later_reads_as_unknown() {
    let later: ReplayState = serde_json::from_str(r#""archived""#).unwrap();
    assert_eq!(
        later,
        ReplayState::Unknown,
        "a newer server does not break the studio"
    );
}
