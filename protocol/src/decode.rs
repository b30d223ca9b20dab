//! [`ServerMsg::from_json`] and [`ServerMsg::from_msgpack`]: the viewer's
//! decoders for server frames.
//!
//! The derived `Deserialize` of an internally tagged enum (`#[serde(tag = "type")]`)
//! cannot know which variant it is reading until it has seen `type`, so it first
//! buffers the whole frame into serde's private `Content` tree and then reads the
//! variant from that. That generic buffering layer is a large part of the viewer's
//! wasm. Here the text is read twice instead: once for `type` alone, then once
//! more straight into that variant's fields (which ignore the `type` key like any
//! other unknown field). A MessagePack frame is rewritten as JSON text first
//! ([`msgpack_to_json`]) and read the same way. Same frames in, same messages
//! out; the derived `Deserialize` stays for everything else (the server, tests).

use std::borrow::Cow;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::encoding::msgpack_to_json;
use crate::{Cart, Deal, Order, Pin, Progress, Quote, RejectCode, ServerMsg, Session, Welcome};
use crate::{ChatMessage, GiftStreak, Gifter, Wallet};
use crate::{CommandId, OnAir, ProductId, VariantId};

impl ServerMsg {
    /// Decodes one server frame: the same result as `serde_json::from_str::<ServerMsg>`
    /// for every JSON object (an unknown `type` is [`ServerMsg::Unknown`], unknown
    /// fields are ignored), without the derived decoder's buffering. Anything but
    /// an object is an error.
    pub fn from_json(text: &str) -> serde_json::Result<ServerMsg> {
        /// The frame's `type`; every other field is skipped.
        #[derive(Deserialize)]
        struct Tag<'a> {
            #[serde(rename = "type", borrow)]
            kind: Cow<'a, str>,
        }
        let json_whitespace: &[char] = &[' ', '\t', '\n', '\r'];
        if !text.trim_start_matches(json_whitespace).starts_with('{') {
            return Err(de::Error::custom("a server frame must be a JSON object"));
        }
        let tag: Tag = serde_json::from_str(text)?;
        Fields::deserialize(Frame {
            kind: &tag.kind,
            text,
        })
    }

    /// Decodes one MessagePack server frame: the same result as the derived
    /// decoder (rmp-serde) for every map, as [`ServerMsg::from_json`] gives for
    /// JSON. Anything but a map is an error.
    pub fn from_msgpack(bytes: &[u8]) -> serde_json::Result<ServerMsg> {
        let text = msgpack_to_json(bytes).map_err(de::Error::custom)?;
        ServerMsg::from_json(&text)
    }
}

/// A frame whose `type` is known, seen as an externally tagged enum: the variant
/// is `kind`, its content is the whole object `text`.
struct Frame<'a> {
    kind: &'a str,
    text: &'a str,
}

impl<'a> Frame<'a> {
    /// Reads all of `text` with `read`, which must consume exactly one JSON value.
    fn read<T>(
        self,
        read: impl FnOnce(
            &mut serde_json::Deserializer<serde_json::de::StrRead<'a>>,
        ) -> serde_json::Result<T>,
    ) -> serde_json::Result<T> {
        let mut json = serde_json::Deserializer::from_str(self.text);
        let value = read(&mut json)?;
        json.end()?;
        Ok(value)
    }
}

impl<'de> Deserializer<'de> for Frame<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> serde_json::Result<V::Value> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> de::EnumAccess<'de> for Frame<'de> {
    type Error = serde_json::Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> serde_json::Result<(V::Value, Self)> {
        let variant = seed.deserialize(self.kind.into_deserializer())?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for Frame<'de> {
    type Error = serde_json::Error;

    /// Only `Unknown`, whose fields are not read.
    fn unit_variant(self) -> serde_json::Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> serde_json::Result<T::Value> {
        self.read(|json| seed.deserialize(json))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> serde_json::Result<V::Value> {
        Err(de::Error::custom("server messages have no tuple variants"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        self.read(|json| json.deserialize_map(visitor))
    }
}

/// [`ServerMsg`]'s variants and fields, as serde's `remote` derive reads them
/// (externally tagged). The compiler checks every field against `ServerMsg`,
/// and, by the derived `Serialize` (never called, so never built into the
/// viewer), that every variant is here; `protocol/src/tests.rs` checks that
/// the hand decoder reads every variant's sample as serde writes it.
#[derive(Deserialize, Serialize)]
#[serde(remote = "ServerMsg")]
#[allow(dead_code)] // The fields are only ever written, by the derive.
enum Fields {
    Welcome(Box<Welcome>),
    Resumed {
        epoch: u64,
        seq: u64,
        session: Session,
        cart: Cart,
        orders: Vec<Order>,
        wallet: Wallet,
        progress: Box<Progress>,
    },
    Pong {
        server_time_ms: i64,
    },
    Ack {
        id: CommandId,
        #[serde(default)]
        cart: Option<Cart>,
        #[serde(default)]
        order: Option<Box<Order>>,
        #[serde(default)]
        wallet: Option<Wallet>,
        #[serde(default)]
        chat: Option<ChatMessage>,
    },
    Quoted {
        id: CommandId,
        quote: Quote,
    },
    Reject {
        id: CommandId,
        code: RejectCode,
        message: String,
    },
    CartChanged {
        cart: Cart,
    },
    OrderUpdated {
        order: Box<Order>,
    },
    WalletChanged {
        wallet: Wallet,
    },
    Gifted {
        seq: u64,
        streak: GiftStreak,
    },
    Chat {
        seq: u64,
        messages: Vec<ChatMessage>,
    },
    ChatRemoved {
        seq: u64,
        ids: Vec<u64>,
    },
    PinnedMessage {
        seq: u64,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        translations: crate::Translations,
    },
    SlowMode {
        seq: u64,
        every_s: u32,
    },
    Likes {
        seq: u64,
        total: u64,
    },
    Progress {
        progress: Box<Progress>,
        #[serde(default)]
        completed: Vec<String>,
    },
    Leaderboard {
        seq: u64,
        top: Vec<Gifter>,
    },
    Pinned {
        seq: u64,
        pin: Pin,
    },
    Unpinned {
        seq: u64,
        product_id: ProductId,
        at: i64,
    },
    OnAir {
        seq: u64,
        state: OnAir,
    },
    ReplayReady {
        seq: u64,
        replay: crate::replay::ReplayInfo,
    },
    StockChanged {
        seq: u64,
        product_id: ProductId,
        variant_id: VariantId,
        stock: u32,
    },
    DealStarted {
        seq: u64,
        deal: Deal,
    },
    DealChanged {
        seq: u64,
        deal_id: String,
        remaining: u32,
    },
    DealEnded {
        seq: u64,
        deal_id: String,
        #[serde(default)]
        stopped: bool,
    },
    ViewerCount {
        seq: u64,
        count: u32,
    },
    #[serde(other)]
    Unknown,
}

/// The names of [`ServerMsg`]'s variants, from [`Fields`]' derived decoder.
#[cfg(test)]
pub(crate) fn variant_names() -> &'static [&'static str] {
    /// A decoder that only asks for an enum, and fails with its variants' names.
    struct Names;
    impl<'de> Deserializer<'de> for Names {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not an enum"))
        }
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            NAMES.with(|names| names.set(Some(variants)));
            Err(de::Error::custom("names taken"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map struct identifier ignored_any
        }
    }
    thread_local!(static NAMES: std::cell::Cell<Option<&'static [&'static str]>> = const { std::cell::Cell::new(None) });
    let _ = Fields::deserialize(Names);
    NAMES.with(|names| names.get()).expect("Fields is an enum")
}
