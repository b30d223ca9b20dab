//! The studio API (docs/api.md) over fetch. Same origin: the session cookie
//! rides along; every change carries the CSRF token the sign-in gave. The
//! bodies are the protocol crate's (`lapak_protocol::api`), the server's own.

use gloo_net::http::{Request, RequestBuilder};
use lapak_protocol::api::catalogue::{CatalogueProduct, Imported};
use lapak_protocol::api::coupons::{CouponCode, CouponFigures, NewCoupon};
use lapak_protocol::api::deals::NewDeal;
use lapak_protocol::api::message::Message;
use lapak_protocol::api::metrics::Metrics;
use lapak_protocol::api::moderation::{ChatRules, NewSanction, Sanctioned};
use lapak_protocol::api::orders::{NewRefund, OrderPage, PaymentSetup, Refunded, ShowOrder};
use lapak_protocol::api::refusal::Refusal;
use lapak_protocol::api::replay::{Replay, ReplayTrim};
use lapak_protocol::api::session::{Me, Session, SignIn};
use lapak_protocol::api::shows::{Ingest, NewPin, ShowSummary};
use lapak_protocol::api::stock::{NewStock, Units};
use lapak_protocol::api::tokens::{Made, NewToken, Token};
use lapak_protocol::{ChatMessage, Deal, Money, Pin, Translations};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// A refusal made here: the request never got an answer from the API.
pub fn network(error: impl std::fmt::Display) -> Refusal {
    Refusal {
        code: "network".into(),
        message: error.to_string(),
    }
}

/// Sends `request` without a body and reads the answer (see [`answer`]).
async fn send(request: RequestBuilder) -> Result<Value, Refusal> {
    answer(request.build().map_err(network)?).await
}

/// Sends `request` with `body` as JSON and reads the answer (see [`answer`]).
async fn send_json(request: RequestBuilder, body: &impl Serialize) -> Result<Value, Refusal> {
    answer(request.json(body).map_err(network)?).await
}

/// Sends `text` as it is, of type `content_type` (a CSV upload, which is not
/// JSON), and reads the answer (see [`answer`]).
async fn send_text(
    request: RequestBuilder,
    content_type: &str,
    text: String,
) -> Result<Value, Refusal> {
    let request = request
        .header("content-type", content_type)
        .body(text)
        .map_err(network)?;
    answer(request).await
}

/// The answer to `request`: JSON on 2xx (`null` for 204), the API's refusal
/// otherwise.
async fn answer(request: Request) -> Result<Value, Refusal> {
    let response = request.send().await.map_err(network)?;
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
fn refusal(value: Value) -> Refusal {
    let value = match value {
        Value::Object(mut body) if body.contains_key("error") => {
            body.remove("error").unwrap_or_default()
        }
        other => other,
    };
    serde_json::from_value(value).unwrap_or_else(|_| network("no answer"))
}

fn read<T: DeserializeOwned>(value: Value) -> Result<T, Refusal> {
    serde_json::from_value(value).map_err(network)
}

/// Who is signed in on this browser, if anyone: asking is never refused, so
/// a fresh page logs no failed request.
pub async fn me() -> Result<Option<Me>, Refusal> {
    let session: Session = read(send(Request::get("/studio/api/session")).await?)?;
    Ok(session.me.filter(|_| session.signed_in))
}

/// Signs in.
pub async fn sign_in(email: &str, password: &str) -> Result<Me, Refusal> {
    let body = SignIn {
        email: email.to_owned(),
        password: password.to_owned(),
    };
    read(send_json(Request::post("/studio/api/session"), &body).await?)
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
    pub async fn show_file(&self, show: &str) -> Result<Value, Refusal> {
        send(Request::get(&format!("/api/v1/shows/{show}/file"))).await
    }

    /// Schedules `show` (the show file's fields, in JSON) for the brand.
    pub async fn schedule(&self, show: Value) -> Result<ShowSummary, Refusal> {
        read(send_json(self.change(Request::post("/api/v1/shows")), &show).await?)
    }

    /// Signs out.
    pub async fn sign_out(&self) -> Result<(), Refusal> {
        send(self.change(Request::delete("/studio/api/session"))).await?;
        Ok(())
    }

    /// The brand's shows.
    pub async fn shows(&self) -> Result<Vec<ShowSummary>, Refusal> {
        read(send(Request::get("/api/v1/shows")).await?)
    }

    /// One show now.
    pub async fn show(&self, show: &str) -> Result<ShowSummary, Refusal> {
        read(send(Request::get(&format!("/api/v1/shows/{show}"))).await?)
    }

    /// The ingest address and key; `rotate` replaces the key first.
    pub async fn ingest(&self, show: &str, rotate: bool) -> Result<Ingest, Refusal> {
        let request = if rotate {
            self.change(Request::post(&format!(
                "/api/v1/shows/{show}/ingest/rotate"
            )))
        } else {
            Request::get(&format!("/api/v1/shows/{show}/ingest"))
        };
        read(send(request).await?)
    }

    /// Pins `product` at (x, y) from the frame at programme time `at`.
    pub async fn pin(
        &self,
        show: &str,
        product: &str,
        x: f32,
        y: f32,
        at: Option<i64>,
    ) -> Result<Pin, Refusal> {
        let body = NewPin {
            product_id: product.to_owned(),
            x,
            y,
            at,
        };
        let request = self.change(Request::post(&format!("/api/v1/shows/{show}/pins")));
        read(send_json(request, &body).await?)
    }

    /// Unpins `product`.
    pub async fn unpin(&self, show: &str, product: &str) -> Result<(), Refusal> {
        let path = format!("/api/v1/shows/{show}/pins/{product}");
        send(self.change(Request::delete(&path))).await?;
        Ok(())
    }

    /// Ends the show.
    pub async fn end(&self, show: &str) -> Result<(), Refusal> {
        let path = format!("/api/v1/shows/{show}/end");
        send(self.change(Request::post(&path))).await?;
        Ok(())
    }

    /// The chat a joiner sees now.
    pub async fn chat(&self, show: &str) -> Result<Vec<ChatMessage>, Refusal> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/chat"))).await?)
    }

    /// Removes a chat line for everyone.
    pub async fn remove_line(&self, show: &str, line: u64) -> Result<(), Refusal> {
        let path = format!("/api/v1/shows/{show}/chat/{line}");
        send(self.change(Request::delete(&path))).await?;
        Ok(())
    }

    /// Mutes a viewer for `minutes`, or bans them (`None`).
    pub async fn sanction(
        &self,
        show: &str,
        viewer: u64,
        minutes: Option<u32>,
    ) -> Result<Sanctioned, Refusal> {
        let body = match minutes {
            Some(minutes) => NewSanction::Mute {
                minutes: minutes.into(),
            },
            None => NewSanction::Ban,
        };
        let path = format!("/api/v1/shows/{show}/viewers/{viewer}/sanction");
        read(send_json(self.change(Request::put(&path)), &body).await?)
    }

    /// Lifts a viewer's mute or ban.
    pub async fn lift_sanction(&self, show: &str, viewer: u64) -> Result<(), Refusal> {
        let path = format!("/api/v1/shows/{show}/viewers/{viewer}/sanction");
        send(self.change(Request::delete(&path))).await?;
        Ok(())
    }

    /// Pins `text` with its `translations` above the chat, or takes the
    /// message down (`None`).
    pub async fn pin_message(
        &self,
        show: &str,
        text: Option<&str>,
        translations: &Translations,
    ) -> Result<(), Refusal> {
        let request = self.change(Request::put(&format!("/api/v1/shows/{show}/message")));
        let body = Message {
            text: text.map(str::to_owned),
            translations: translations.clone(),
        };
        send_json(request, &body).await?;
        Ok(())
    }

    /// Slow mode and the moderators' words.
    pub async fn chat_rules(&self, show: &str) -> Result<ChatRules, Refusal> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/chat/rules"))).await?)
    }

    /// Sets slow mode and the words to mask.
    pub async fn set_chat_rules(
        &self,
        show: &str,
        rules: &ChatRules,
    ) -> Result<ChatRules, Refusal> {
        let request = self.change(Request::put(&format!("/api/v1/shows/{show}/chat/rules")));
        read(send_json(request, rules).await?)
    }

    /// The deals running.
    pub async fn deals(&self, show: &str) -> Result<Vec<Deal>, Refusal> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/deals"))).await?)
    }

    /// Starts a flash deal now.
    pub async fn start_deal(&self, show: &str, deal: &NewDeal) -> Result<Deal, Refusal> {
        let request = self.change(Request::post(&format!("/api/v1/shows/{show}/deals")));
        read(send_json(request, deal).await?)
    }

    /// Stops a deal a host started.
    pub async fn stop_deal(&self, show: &str, deal: &str) -> Result<(), Refusal> {
        let path = format!("/api/v1/shows/{show}/deals/{deal}");
        send(self.change(Request::delete(&path))).await?;
        Ok(())
    }

    /// The show's coupon codes, newest first, with how shoppers took them up.
    pub async fn coupons(&self, show: &str) -> Result<Vec<CouponFigures>, Refusal> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/coupons"))).await?)
    }

    /// Creates a coupon code shoppers can add to their wallets.
    pub async fn create_coupon(
        &self,
        show: &str,
        coupon: &NewCoupon,
    ) -> Result<CouponCode, Refusal> {
        let request = self.change(Request::post(&format!("/api/v1/shows/{show}/coupons")));
        read(send_json(request, coupon).await?)
    }

    /// Units left per variant.
    pub async fn stock(&self, show: &str) -> Result<Vec<Units>, Refusal> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/stock"))).await?)
    }

    /// Sets a variant's units.
    pub async fn set_stock(
        &self,
        show: &str,
        product: &str,
        variant: &str,
        stock: u32,
    ) -> Result<Units, Refusal> {
        let path = format!("/api/v1/shows/{show}/stock/{product}/{variant}");
        let request = self.change(Request::put(&path));
        read(send_json(request, &NewStock { stock }).await?)
    }

    /// The brand's catalogue, by id.
    pub async fn catalogue(&self) -> Result<Vec<CatalogueProduct>, Refusal> {
        read(send(Request::get("/api/v1/catalogue")).await?)
    }

    /// Adds `product` to the catalogue, or replaces the one with its id.
    pub async fn put_product(&self, product: &CatalogueProduct) -> Result<(), Refusal> {
        let path = format!("/api/v1/catalogue/{}", product.id);
        send_json(self.change(Request::put(&path)), product).await?;
        Ok(())
    }

    /// Removes a product from the catalogue (shows keep their copies).
    pub async fn delete_product(&self, product: &str) -> Result<(), Refusal> {
        let path = format!("/api/v1/catalogue/{product}");
        send(self.change(Request::delete(&path))).await?;
        Ok(())
    }

    /// Imports `csv` (a row per variant): all of it, or nothing and every bad line named.
    pub async fn import_csv(&self, csv: String) -> Result<Imported, Refusal> {
        let request = self.change(Request::post("/api/v1/catalogue/import"));
        read(send_text(request, "text/csv", csv).await?)
    }

    /// The show's replay: its state, trim and figures.
    pub async fn replay(&self, show: &str) -> Result<Replay, Refusal> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/replay"))).await?)
    }

    /// Sets the replay's trim and whether its chat is replayed.
    pub async fn set_replay(&self, show: &str, trim: &ReplayTrim) -> Result<Replay, Refusal> {
        let request = self.change(Request::put(&format!("/api/v1/shows/{show}/replay")));
        read(send_json(request, trim).await?)
    }

    /// Removes the replay and its event log for good.
    pub async fn remove_replay(&self, show: &str) -> Result<(), Refusal> {
        let path = format!("/api/v1/shows/{show}/replay");
        send(self.change(Request::delete(&path))).await?;
        Ok(())
    }

    /// The dashboard's figures now.
    pub async fn metrics(&self, show: &str) -> Result<Metrics, Refusal> {
        read(send(Request::get(&format!("/api/v1/shows/{show}/metrics"))).await?)
    }

    /// A page of the show's orders, newest first: the latest, or those older than `before`.
    pub async fn orders(&self, show: &str, before: Option<&str>) -> Result<OrderPage, Refusal> {
        let path = match before {
            Some(number) => format!("/api/v1/shows/{show}/orders?before={number}"),
            None => format!("/api/v1/shows/{show}/orders"),
        };
        read(send(Request::get(&path)).await?)
    }

    /// Refunds `amount` of a paid order, or all that is not refunded yet (`None`).
    pub async fn refund(
        &self,
        show: &str,
        number: &str,
        amount: Option<Money>,
    ) -> Result<Refunded, Refusal> {
        let path = format!("/api/v1/shows/{show}/orders/{number}/refund");
        let request = self.change(Request::post(&path));
        read(send_json(request, &NewRefund { amount }).await?)
    }

    /// Moves an order: `cancel`, `delivered` or `returned`.
    pub async fn move_order(
        &self,
        show: &str,
        number: &str,
        what: &str,
    ) -> Result<ShowOrder, Refusal> {
        let path = format!("/api/v1/shows/{show}/orders/{number}/{what}");
        read(send(self.change(Request::post(&path))).await?)
    }

    /// The brand's API tokens, newest first (owners).
    pub async fn tokens(&self) -> Result<Vec<Token>, Refusal> {
        read(send(Request::get("/api/v1/tokens")).await?)
    }

    /// Makes a token: its secret is in this answer only.
    pub async fn create_token(&self, token: &NewToken) -> Result<Made, Refusal> {
        read(send_json(self.change(Request::post("/api/v1/tokens")), token).await?)
    }

    /// Revokes token `id`: it is refused from the next request on.
    pub async fn revoke_token(&self, id: i64) -> Result<(), Refusal> {
        let path = format!("/api/v1/tokens/{id}");
        send(self.change(Request::delete(&path))).await?;
        Ok(())
    }

    /// What the server's shows offer, and its payment providers' callback paths.
    pub async fn payment_setup(&self) -> Result<PaymentSetup, Refusal> {
        read(send(Request::get("/api/v1/payments")).await?)
    }
}

#[cfg(test)]
mod tests;
