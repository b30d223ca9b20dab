//! `PUT /api/v1/shows/{show}/message`: the message pinned above the viewers'
//! chat, with its translations.

use serde::{Deserialize, Serialize};

use crate::Translations;

/// The message to pin, and the answer: a chat line's rules, or `null` to take
/// it down; its translations by language (`{"id": "…"}`), each a chat line too.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// In the brand's language; `None` takes the message down.
    pub text: Option<String>,
    /// By language (`en`, `id`).
    #[serde(default, skip_serializing_if = "Translations::is_empty")]
    pub translations: Translations,
}

/// The message up above the chat, as a show gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedMessage {
    /// In the brand's language.
    pub text: String,
    /// By language (`en`, `id`).
    #[serde(default, skip_serializing_if = "Translations::is_empty")]
    pub translations: Translations,
}
