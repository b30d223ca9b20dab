//! The studio API (docs/api.md) over fetch. Same origin: the session cookie
//! rides along; every change carries the CSRF token the sign-in gave.

use gloo_net::http::{Request, RequestBuilder};
use lapak_protocol::{ChatMessage, CouponTerms, Deal, Money, Pin, Translations};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Who is signed in.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Me {
    pub email: String,
    pub role: String,
    pub brand: String,
    pub csrf: String,
}

/// A product the host may pin and sell.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub image_url: String,
    pub price: Money,
    pub variants: Vec<Variant>,
}

/// A product's variant.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Variant {
    pub id: String,
    pub label: String,
}

pub use lapak_protocol::CatalogueProduct;

/// What a catalogue import did.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct Imported {
    pub created: usize,
    pub updated: usize,
}

/// A variant's units left.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Units {
    pub product_id: String,
    pub variant_id: String,
    pub stock: u32,
}

/// The chat's rules while the show runs.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct ChatRules {
    pub slow_mode_s: u32,
    pub blocked_words: Vec<String>,
}

/// A flash deal to start.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NewDeal {
    pub product_id: String,
    pub price: i64,
    pub quantity: u32,
    pub per_buyer: u32,
    pub duration_s: u64,
}

/// A coupon code to create: exactly one of `percent_off` and `amount_off`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NewCoupon {
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_off: Option<u32>,
    /// Minor units of the show's currency, as is `min_spend`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_off: Option<i64>,
    pub min_spend: i64,
    pub valid_hours: u32,
    pub max_claims: u32,
}

/// A host's coupon code, with how shoppers took it up.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct CouponCode {
    pub code: String,
    pub terms: CouponTerms,
    pub expires_at_ms: i64,
    pub max_claims: u32,
    /// Wallets that added it (0 in the answer to creating it, which omits it).
    #[serde(default)]
    pub claims: u32,
    /// Paid orders that used it.
    #[serde(default)]
    pub orders: u32,
}

/// A show as the API gives it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Show {
    pub id: String,
    pub title: String,
    pub video: String,
    pub on_air: String,
    /// `live`, `upcoming` or `ended`.
    pub status: String,
    pub starts_at_ms: i64,
    pub host: String,
    pub viewers: u32,
    pub pins: Vec<Pin>,
    pub pinned_message: Option<PinnedMessage>,
    pub playback_url: String,
    pub products: Vec<Product>,
}

/// The message above the viewers' chat, with its translations by language.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct PinnedMessage {
    pub text: String,
    #[serde(default)]
    pub translations: Translations,
}

/// Where the host's encoder publishes.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Ingest {
    pub server: String,
    pub stream_key: String,
}

/// A refusal: the API's code and sentence.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Refused {
    pub code: String,
    pub message: String,
}

impl Refused {
    fn network(error: impl std::fmt::Display) -> Refused {
        Refused {
            code: "network".into(),
            message: error.to_string(),
        }
    }
}

/// Sends `request` (with `body`, if any) and reads the answer (see [`answer`]).
async fn send(request: RequestBuilder, body: Option<Value>) -> Result<Value, Refused> {
    let request = match body {
        Some(body) => request.json(&body).map_err(Refused::network)?,
        None => request.build().map_err(Refused::network)?,
    };
    answer(request).await
}

/// Sends `text` as it is, of type `content_type` (a CSV upload, which is not
/// JSON), and reads the answer (see [`answer`]).
async fn send_text(
    request: RequestBuilder,
    content_type: &str,
    text: String,
) -> Result<Value, Refused> {
    let request = request
        .header("content-type", content_type)
        .body(text)
        .map_err(Refused::network)?;
    answer(request).await
}

/// The answer to `request`: JSON on 2xx (`null` for 204), the API's refusal
/// otherwise.
async fn answer(request: Request) -> Result<Value, Refused> {
    let response = request.send().await.map_err(Refused::network)?;
    if response.status() == 204 {
        return Ok(Value::Null);
    }
    let ok = response.ok();
    let value: Value = response.json().await.unwrap_or(Value::Null);
    if ok {
        Ok(value)
    } else {
        Err(refusal(value))
    }
}

/// A refusal's body as the API writes it: `{"code", "message"}`, or the same
/// under `"error"` (the replay's answers).
fn refusal(value: Value) -> Refused {
    let value = match value {
        Value::Object(mut body) if body.contains_key("error") => {
            body.remove("error").unwrap_or_default()
        }
        other => other,
    };
    serde_json::from_value(value).unwrap_or_else(|_| Refused::network("no answer"))
}

fn read<T: DeserializeOwned>(value: Value) -> Result<T, Refused> {
    serde_json::from_value(value).map_err(Refused::network)
}

/// Who is signed in, if anyone.
pub async fn me() -> Result<Me, Refused> {
    read(send(Request::get("/studio/api/session"), None).await?)
}

/// Signs in.
pub async fn sign_in(email: &str, password: &str) -> Result<Me, Refused> {
    let body = json!({ "email": email, "password": password });
    read(send(Request::post("/studio/api/session"), Some(body)).await?)
}

/// A signed-in session's calls.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    csrf: String,
}

impl Api {
    /// Calls as `me`.
    pub fn new(me: &Me) -> Api {
        Api {
            csrf: me.csrf.clone(),
        }
    }

    fn change(&self, request: RequestBuilder) -> RequestBuilder {
        request.header("x-csrf-token", &self.csrf)
    }

    /// A show as its file says, in JSON: the base of a show scheduled like it.
    pub async fn show_file(&self, show: &str) -> Result<Value, Refused> {
        send(Request::get(&format!("/api/v1/shows/{show}/file")), None).await
    }

    /// Schedules `show` (the show file's fields, in JSON) for the brand.
    pub async fn schedule(&self, show: Value) -> Result<Show, Refused> {
        read(send(self.change(Request::post("/api/v1/shows")), Some(show)).await?)
    }

    /// Signs out.
    pub async fn sign_out(&self) -> Result<(), Refused> {
        send(self.change(Request::delete("/studio/api/session")), None).await?;
        Ok(())
    }

    /// The brand's shows.
    pub async fn shows(&self) -> Result<Vec<Show>, Refused> {
        read(send(Request::get("/api/v1/shows"), None).await?)
    }

    /// One show now.
    pub async fn show(&self, show: &str) -> Result<Show, Refused> {
        read(send(Request::get(&format!("/api/v1/shows/{show}")), None).await?)
    }

    /// The ingest address and key; `rotate` replaces the key first.
    pub async fn ingest(&self, show: &str, rotate: bool) -> Result<Ingest, Refused> {
        let request = if rotate {
            self.change(Request::post(&format!(
                "/api/v1/shows/{show}/ingest/rotate"
            )))
        } else {
            Request::get(&format!("/api/v1/shows/{show}/ingest"))
        };
        read(send(request, None).await?)
    }

    /// Pins `product` at (x, y) from the frame at programme time `at`.
    pub async fn pin(
        &self,
        show: &str,
        product: &str,
        x: f32,
        y: f32,
        at: Option<i64>,
    ) -> Result<Pin, Refused> {
        let body = json!({ "product_id": product, "x": x, "y": y, "at": at });
        let request = self.change(Request::post(&format!("/api/v1/shows/{show}/pins")));
        read(send(request, Some(body)).await?)
    }

    /// Unpins `product`.
    pub async fn unpin(&self, show: &str, product: &str) -> Result<(), Refused> {
        let path = format!("/api/v1/shows/{show}/pins/{product}");
        send(self.change(Request::delete(&path)), None).await?;
        Ok(())
    }

    /// Ends the show.
    pub async fn end(&self, show: &str) -> Result<(), Refused> {
        let path = format!("/api/v1/shows/{show}/end");
        send(self.change(Request::post(&path)), None).await?;
        Ok(())
    }

    /// The chat a joiner sees now.
    pub async fn chat(&self, show: &str) -> Result<Vec<ChatMessage>, Refused> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/chat")), None).await?)
    }

    /// Removes a chat line for everyone.
    pub async fn remove_line(&self, show: &str, line: u64) -> Result<(), Refused> {
        let path = format!("/api/v1/shows/{show}/chat/{line}");
        send(self.change(Request::delete(&path)), None).await?;
        Ok(())
    }

    /// Mutes a viewer for `minutes`, or bans them (`None`).
    pub async fn sanction(
        &self,
        show: &str,
        viewer: u64,
        minutes: Option<u32>,
    ) -> Result<(), Refused> {
        let body = match minutes {
            Some(minutes) => json!({ "kind": "mute", "minutes": minutes }),
            None => json!({ "kind": "ban" }),
        };
        let path = format!("/api/v1/shows/{show}/viewers/{viewer}/sanction");
        send(self.change(Request::put(&path)), Some(body)).await?;
        Ok(())
    }

    /// Pins `text` with its `translations` above the chat, or takes the
    /// message down (`None`).
    pub async fn pin_message(
        &self,
        show: &str,
        text: Option<&str>,
        translations: &Translations,
    ) -> Result<(), Refused> {
        let request = self.change(Request::put(&format!("/api/v1/shows/{show}/message")));
        let body = json!({ "text": text, "translations": translations });
        send(request, Some(body)).await?;
        Ok(())
    }

    /// Slow mode and the moderators' words.
    pub async fn chat_rules(&self, show: &str) -> Result<ChatRules, Refused> {
        read(
            send(
                Request::get(&format!("/api/v1/shows/{show}/chat/rules")),
                None,
            )
            .await?,
        )
    }

    /// Sets slow mode and the words to mask.
    pub async fn set_chat_rules(
        &self,
        show: &str,
        rules: &ChatRules,
    ) -> Result<ChatRules, Refused> {
        let request = self.change(Request::put(&format!("/api/v1/shows/{show}/chat/rules")));
        read(send(request, Some(json!(rules))).await?)
    }

    /// The deals running.
    pub async fn deals(&self, show: &str) -> Result<Vec<Deal>, Refused> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/deals")), None).await?)
    }

    /// Starts a flash deal now.
    pub async fn start_deal(&self, show: &str, deal: &NewDeal) -> Result<Deal, Refused> {
        let request = self.change(Request::post(&format!("/api/v1/shows/{show}/deals")));
        read(send(request, Some(json!(deal))).await?)
    }

    /// Stops a deal a host started.
    pub async fn stop_deal(&self, show: &str, deal: &str) -> Result<(), Refused> {
        let path = format!("/api/v1/shows/{show}/deals/{deal}");
        send(self.change(Request::delete(&path)), None).await?;
        Ok(())
    }

    /// The show's coupon codes, newest first.
    pub async fn coupons(&self, show: &str) -> Result<Vec<CouponCode>, Refused> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/coupons")), None).await?)
    }

    /// Creates a coupon code shoppers can add to their wallets.
    pub async fn create_coupon(
        &self,
        show: &str,
        coupon: &NewCoupon,
    ) -> Result<CouponCode, Refused> {
        let request = self.change(Request::post(&format!("/api/v1/shows/{show}/coupons")));
        read(send(request, Some(json!(coupon))).await?)
    }

    /// Units left per variant.
    pub async fn stock(&self, show: &str) -> Result<Vec<Units>, Refused> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/stock")), None).await?)
    }

    /// Sets a variant's units.
    pub async fn set_stock(
        &self,
        show: &str,
        product: &str,
        variant: &str,
        stock: u32,
    ) -> Result<Units, Refused> {
        let path = format!("/api/v1/shows/{show}/stock/{product}/{variant}");
        read(
            send(
                self.change(Request::put(&path)),
                Some(json!({ "stock": stock })),
            )
            .await?,
        )
    }

    /// The brand's catalogue, by id.
    pub async fn catalogue(&self) -> Result<Vec<CatalogueProduct>, Refused> {
        read(send(Request::get("/api/v1/catalogue"), None).await?)
    }

    /// Adds `product` to the catalogue, or replaces the one with its id.
    pub async fn put_product(&self, product: &CatalogueProduct) -> Result<(), Refused> {
        let path = format!("/api/v1/catalogue/{}", product.id);
        send(self.change(Request::put(&path)), Some(json!(product))).await?;
        Ok(())
    }

    /// Removes a product from the catalogue (shows keep their copies).
    pub async fn delete_product(&self, product: &str) -> Result<(), Refused> {
        let path = format!("/api/v1/catalogue/{product}");
        send(self.change(Request::delete(&path)), None).await?;
        Ok(())
    }

    /// Imports `csv` (a row per variant): all of it, or nothing and every bad line named.
    pub async fn import_csv(&self, csv: String) -> Result<Imported, Refused> {
        let request = self.change(Request::post("/api/v1/catalogue/import"));
        read(send_text(request, "text/csv", csv).await?)
    }

    /// The show's replay: its state, trim and figures.
    pub async fn replay(&self, show: &str) -> Result<Replay, Refused> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/replay")), None).await?)
    }

    /// Sets the replay's trim and whether its chat is replayed.
    pub async fn set_replay(&self, show: &str, trim: &ReplayTrim) -> Result<Replay, Refused> {
        let request = self.change(Request::put(&format!("/api/v1/shows/{show}/replay")));
        read(send(request, Some(json!(trim))).await?)
    }

    /// Removes the replay and its event log for good.
    pub async fn remove_replay(&self, show: &str) -> Result<(), Refused> {
        let path = format!("/api/v1/shows/{show}/replay");
        send(self.change(Request::delete(&path)), None).await?;
        Ok(())
    }

    /// The dashboard's figures now.
    pub async fn metrics(&self, show: &str) -> Result<Metrics, Refused> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/metrics")), None).await?)
    }
}

/// Where a show's replay is.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ReplayState {
    /// The show does not record here: there is no replay.
    None,
    /// The show has not ended; the replay opens when it does.
    Recording,
    /// Viewers see the replay.
    Ready,
    /// Removed for good, with its event log.
    Removed,
    /// A state this studio does not know yet.
    #[serde(other)]
    Unknown,
}

impl ReplayState {
    /// The state as the API spells it (the panel's `data-state`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayState::None => "none",
            ReplayState::Recording => "recording",
            ReplayState::Ready => "ready",
            ReplayState::Removed => "removed",
            ReplayState::Unknown => "unknown",
        }
    }
}

/// A show's replay as the brand set it, with its figures apart from the live show's.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Replay {
    pub state: ReplayState,
    /// The recording's span (unix ms); absent while nothing was recorded.
    #[serde(default)]
    pub recording_starts_ms: Option<i64>,
    #[serde(default)]
    pub recording_ends_ms: Option<i64>,
    /// Seconds cut from the recording's start and end.
    pub trim_start_s: u64,
    pub trim_end_s: u64,
    /// Whether the chat is replayed.
    pub chat: bool,
    /// The viewer's page for the show (`/?show=…`), where the replay plays.
    pub viewer_url: String,
    pub figures: ReplayFigures,
    pub live: LiveFigures,
}

/// What the replay's viewers did.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct ReplayFigures {
    pub views: u64,
    pub watch_s: u64,
    /// Taps on product tags.
    pub taps: u64,
}

/// The live show's figures to set the replay's beside.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct LiveFigures {
    pub watch_s: u64,
    pub taps: u64,
}

/// The replay's settings to save.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ReplayTrim {
    pub trim_start_s: u64,
    pub trim_end_s: u64,
    pub chat: bool,
}

/// The live dashboard's figures (docs/api.md).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Metrics {
    pub at_ms: i64,
    pub viewers: Viewers,
    pub watch_seconds: u64,
    pub likes: u64,
    pub chat_lines: u64,
    pub orders: u64,
    pub units: u64,
    pub gmv: Money,
    /// Paid orders that used a coupon, and what coupons took off them.
    pub coupon_orders: u64,
    pub coupon_discounts: Money,
    pub products: Vec<ProductFigures>,
    pub gifts: Gifts,
    pub minutes: Vec<MinuteFigures>,
}

/// Viewers now and at the peak.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Viewers {
    pub now: u32,
    pub peak: u32,
}

/// One product's selling.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ProductFigures {
    pub product_id: String,
    pub name: String,
    pub impressions: u64,
    /// Taps on its tag, and the shoppers who tapped.
    pub taps: u64,
    pub tappers: u64,
    pub adds_to_cart: u64,
    pub orders: u64,
    pub units: u64,
    pub gmv: Money,
}

/// Gifts to the host.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Gifts {
    pub sends: u64,
    pub gifts: u64,
    pub coins: u64,
    pub converted: Money,
}

/// One minute of the show.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct MinuteFigures {
    pub start_ms: i64,
    pub viewers: u32,
    pub chat: u32,
    pub likes: u64,
    pub pinned: Vec<String>,
    pub orders: u64,
    pub gmv_minor: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_read_flat_or_under_error() {
        let flat = json!({ "code": "forbidden", "message": "hosts may not do this" });
        assert_eq!(refusal(flat).code, "forbidden");
        let nested =
            json!({ "error": { "code": "invalid", "message": "the trim leaves nothing" } });
        let read = refusal(nested);
        assert_eq!(
            (read.code.as_str(), read.message.as_str()),
            ("invalid", "the trim leaves nothing")
        );
        assert_eq!(refusal(Value::Null).code, "network", "no body is no answer");
    }

    #[test]
    fn a_replay_reads_as_the_api_gives_it() {
        let replay: Replay = serde_json::from_value(json!({
            "state": "ready", "recording_starts_ms": 1_733_200_000_000_i64,
            "recording_ends_ms": 1_733_203_600_000_i64, "trim_start_s": 0, "trim_end_s": 0,
            "chat": true, "viewer_url": "/?show=kopi-pagi",
            "figures": { "views": 12, "watch_s": 340, "taps": 5 },
            "live": { "watch_s": 3400, "taps": 40 }
        }))
        .unwrap();
        assert_eq!(replay.state, ReplayState::Ready);
        assert_eq!(replay.figures.views, 12);
        assert_eq!(replay.live.taps, 40);
        let unrecorded: Replay = serde_json::from_value(json!({
            "state": "none", "trim_start_s": 0, "trim_end_s": 0, "chat": true,
            "viewer_url": "/?show=demo", "figures": { "views": 0, "watch_s": 0, "taps": 0 },
            "live": { "watch_s": 0, "taps": 0 }
        }))
        .unwrap();
        assert_eq!(
            (unrecorded.recording_starts_ms, unrecorded.recording_ends_ms),
            (None, None)
        );
        let later: ReplayState = serde_json::from_value(json!("archived")).unwrap();
        assert_eq!(
            later,
            ReplayState::Unknown,
            "a state added later does not break the panel"
        );
    }
}
