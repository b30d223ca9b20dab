//! The host's message above the chat: the show file's to begin with, then
//! whatever a host sets from the studio or the API, kept across restarts.
//! It is shown like a chat line, so it and each translation obey a chat
//! line's rules; each viewer reads it in their language when it has it.

use lapak_protocol::{check_translations, Translations};
use serde::{Deserialize, Serialize};

use crate::db::Conn;
use crate::error::AppError;
use crate::text;

/// A pinned message: the brand's wording and its translations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// In the brand's language.
    pub text: String,
    /// By language (`en`, `id`).
    #[serde(default, skip_serializing_if = "Translations::is_empty")]
    pub translations: Translations,
}

/// `message` as the wire carries it: the text (`None`: none) and its translations.
pub fn parts(message: Option<Message>) -> (Option<String>, Translations) {
    message.map_or_else(Default::default, |m| (Some(m.text), m.translations))
}

/// The message to show now: the last one a host set, else the show file's (`from_file`).
pub async fn current(
    conn: &mut Conn,
    show: &str,
    from_file: Option<Message>,
) -> Result<Option<Message>, AppError> {
    let set: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT pinned, translations FROM pinned_messages WHERE show_id = $1")
            .bind(show)
            .fetch_optional(conn)
            .await?;
    Ok(match set {
        Some((text, translations)) => text.map(|text| Message {
            text,
            // Written by `keep` only: a row that does not read has no translations.
            translations: serde_json::from_str(&translations).unwrap_or_default(),
        }),
        None => from_file,
    })
}

/// `text` and its `translations` as viewers will read them (hidden characters
/// dropped, one line, 1 to the chat's length; known languages), or why not;
/// no text takes the message down.
pub fn check(text: Option<&str>, translations: &Translations) -> Result<Option<Message>, String> {
    let Some(text) = text else {
        return Ok(None);
    };
    check_translations(translations)?;
    let text = text::chat(text).map_err(|e| format!("text: {e}"))?;
    let translations = translations
        .iter()
        .map(|(lang, said)| {
            Ok((
                lang.clone(),
                text::chat(said).map_err(|e| format!("{lang}: {e}"))?,
            ))
        })
        .collect::<Result<_, String>>()?;
    Ok(Some(Message { text, translations }))
}

/// Keeps `message` as the show's, set by `who`.
pub async fn keep(
    conn: &mut Conn,
    show: &str,
    message: Option<&Message>,
    who: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let translations = message.map_or_else(
        || "{}".to_owned(),
        |m| serde_json::to_string(&m.translations).expect("a map of strings always serializes"),
    );
    sqlx::query(
        "INSERT INTO pinned_messages (show_id, pinned, translations, by_whom, at_ms) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (show_id) DO UPDATE SET pinned = excluded.pinned,
             translations = excluded.translations, by_whom = excluded.by_whom, at_ms = excluded.at_ms",
    )
    .bind(show)
    .bind(message.map(|m| m.text.as_str()))
    .bind(translations)
    .bind(who)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}
