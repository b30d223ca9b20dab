//! The chat's rules a moderator sets while the show runs: slow mode (one line
//! per viewer every so many seconds) and words to mask on top of the show
//! file's blocklist. Kept in `chat_rules`, so a restart changes nothing.

use std::sync::RwLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::db::Conn;
use crate::error::AppError;
use crate::limit::Throttle;
use crate::text::Blocklist;

/// Longest slow mode: five minutes between lines.
pub const MAX_SLOW_S: u32 = 300;
/// Most words a moderator may add, and the longest.
pub const MAX_WORDS: usize = 200;
pub const MAX_WORD_CHARS: usize = 40;

/// The rules as set and stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Seconds between two lines of one viewer; 0 is off.
    pub slow_mode_s: u32,
    /// Words masked in chat lines, whole words, any case.
    pub blocked_words: Vec<String>,
}

impl Rules {
    /// The rules with their words lowercased and deduplicated, or why they are refused.
    pub fn checked(mut self) -> Result<Rules, String> {
        if self.slow_mode_s > MAX_SLOW_S {
            return Err(format!("slow_mode_s: 0 (off) to {MAX_SLOW_S}"));
        }
        self.blocked_words = self
            .blocked_words
            .iter()
            .map(|w| w.trim().to_lowercase())
            .collect();
        self.blocked_words.sort();
        self.blocked_words.dedup();
        if self.blocked_words.len() > MAX_WORDS
            || self
                .blocked_words
                .iter()
                .any(|w| w.chars().count() > MAX_WORD_CHARS)
        {
            return Err(format!(
                "blocked_words: at most {MAX_WORDS}, each of at most {MAX_WORD_CHARS} characters"
            ));
        }
        Blocklist::from(self.blocked_words.clone())
            .validate()
            .map_err(|e| e.replace("community.blocklist", "blocked_words"))?;
        Ok(self)
    }
}

/// The rules in force, and each viewer's slow-mode clock.
#[derive(Default)]
pub struct ChatRules {
    now: RwLock<(Rules, Blocklist, Option<Throttle>)>,
}

impl ChatRules {
    /// Puts `rules` in force; slow mode's clocks start again.
    pub fn set(&self, rules: Rules) {
        let words = Blocklist::from(rules.blocked_words.clone());
        let slow = (rules.slow_mode_s > 0)
            .then(|| Throttle::new(1, Duration::from_secs(rules.slow_mode_s.into())));
        *self.now.write().unwrap_or_else(|p| p.into_inner()) = (rules, words, slow);
    }

    /// The rules in force.
    pub fn get(&self) -> Rules {
        self.now.read().unwrap_or_else(|p| p.into_inner()).0.clone()
    }

    /// Whether `session` may send a line at `now`; `Err` with the seconds
    /// between lines when slow mode holds it back.
    pub fn may_speak(&self, session: i64, now: Instant) -> Result<(), u32> {
        let rules = self.now.read().unwrap_or_else(|p| p.into_inner());
        match &rules.2 {
            Some(slow) if !slow.take(session, now) => Err(rules.0.slow_mode_s),
            _ => Ok(()),
        }
    }

    /// `text` with the moderators' words masked.
    pub fn mask(&self, text: &str) -> String {
        self.now
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .mask(text)
    }
}

/// The rules a moderator last set for `show`, if any.
pub async fn stored(conn: &mut Conn, show: &str) -> Result<Rules, AppError> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT slow_mode_s, blocked_words FROM chat_rules WHERE show_id = $1")
            .bind(show)
            .fetch_optional(conn)
            .await?;
    Ok(row.map_or_else(Rules::default, |(slow, words)| Rules {
        slow_mode_s: u32::try_from(slow).unwrap_or(0),
        blocked_words: serde_json::from_str(&words).unwrap_or_default(),
    }))
}

/// Keeps `rules` as `show`'s, set by `who`.
pub async fn keep(
    conn: &mut Conn,
    show: &str,
    rules: &Rules,
    who: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let words = serde_json::to_string(&rules.blocked_words).expect("strings serialize");
    sqlx::query(
        "INSERT INTO chat_rules (show_id, slow_mode_s, blocked_words, by_whom, at_ms) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (show_id) DO UPDATE SET slow_mode_s = excluded.slow_mode_s,
             blocked_words = excluded.blocked_words, by_whom = excluded.by_whom, at_ms = excluded.at_ms",
    )
    .bind(show)
    .bind(i64::from(rules.slow_mode_s))
    .bind(words)
    .bind(who)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_mode_lets_one_line_through_per_period_and_words_are_masked() {
        let rules = ChatRules::default();
        let start = Instant::now();
        assert_eq!(rules.may_speak(1, start), Ok(()), "off: no limit here");
        rules.set(Rules {
            slow_mode_s: 30,
            blocked_words: vec!["scam".into()],
        });
        assert_eq!(rules.may_speak(1, start), Ok(()));
        assert_eq!(rules.may_speak(1, start + Duration::from_secs(10)), Err(30));
        assert_eq!(rules.may_speak(2, start), Ok(()), "each viewer has a clock");
        assert_eq!(rules.may_speak(1, start + Duration::from_secs(31)), Ok(()));
        assert_eq!(rules.mask("a SCAM link"), "a **** link");
    }

    #[test]
    fn rules_are_checked_and_their_words_made_plain() {
        let rules = Rules {
            slow_mode_s: 10,
            blocked_words: vec![" Scam ".into(), "scam".into(), "spam".into()],
        };
        assert_eq!(rules.checked().unwrap().blocked_words, ["scam", "spam"]);
        let too_slow = Rules {
            slow_mode_s: MAX_SLOW_S + 1,
            ..Rules::default()
        };
        assert!(too_slow.checked().is_err());
        for bad in ["two words", "", "x".repeat(41).as_str()] {
            let rules = Rules {
                slow_mode_s: 0,
                blocked_words: vec![bad.to_owned()],
            };
            assert!(rules.checked().is_err(), "{bad:?}");
        }
    }
}
