//! The rules for text: what may name a brand, a show or a product
//! ([`is_slug`]), the words a show masks ([`Blocklist`]), and the server's
//! half of the rules for what viewers write for others to read (the other half, which the viewer applies too, is `lapak_protocol`'s
//! `display_name` and `chat_line`). This half needs Unicode's tables, which
//! would weigh on the viewer.
//!
//! A name is an identity, so a name with anything hidden in it is refused,
//! never quietly cleaned: hidden characters, private-use or unassigned ones,
//! alphabets mixed so one passes for another, and names that pass for the
//! host or the staff ([`lookalike`]). A chat line is not an
//! identity, so its hidden characters are dropped instead, except those that
//! hold emoji together; dropping them also keeps a blocked word from hiding
//! behind a zero-width space.
//!
//! A brand's catalogue text (a product's name, a variant's label or id) is
//! refused when it holds anything hidden, like a name; but the joiners and
//! selectors inside emoji stay, as in chat, and alphabets may mix (a product
//! is no one's identity, and bilingual product names are common).

use lapak_protocol::{chat_line, display_name, is_control_or_direction, ChatError, NameError};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeEmoji, UnicodeGeneralCategory};
use unicode_security::general_security_profile::IdentifierType;
use unicode_security::{GeneralSecurityProfile, RestrictionLevel, RestrictionLevelDetection};

mod blocklist;
mod lookalike;

pub use blocklist::Blocklist;

/// Whether `id` may name a brand or a show (in URLs and folders): 1 to 64
/// lowercase ASCII letters, digits and dashes.
pub fn is_slug(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Why a name is refused. The messages are fixed: the name itself is never
/// echoed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameRefused {
    /// Length, control or direction characters.
    #[error(transparent)]
    Shape(#[from] NameError),
    /// Hidden, private-use or unassigned characters.
    #[error("a name may contain only visible characters: no invisible, formatting, private-use or unassigned ones")]
    Hidden,
    /// Letters of alphabets that pass for one another, mixed.
    #[error("a name may not mix look-alike alphabets, such as Latin and Cyrillic")]
    MixedScripts,
    /// It passes for the host or the staff.
    #[error("a name may not look like the host's name or a staff name")]
    Impersonates,
}

/// `raw` as the name others see, for a show whose host is called `host`; in
/// NFC, so that one name has one spelling.
pub fn name(raw: &str, host: &str) -> Result<String, NameRefused> {
    let name = display_name(&raw.nfc().collect::<String>())?;
    if name.chars().any(|c| is_hidden(c) || !is_public(c)) {
        return Err(NameRefused::Hidden);
    }
    if !single_alphabet(&name) {
        return Err(NameRefused::MixedScripts);
    }
    if lookalike::impersonates(&name, host) {
        return Err(NameRefused::Impersonates);
    }
    Ok(name)
}

/// `raw` as the chat line others see: without hidden characters, except the
/// joiners, variation selectors and tags inside emoji sequences (👩‍💻, ❤️,
/// the flag of Scotland).
pub fn chat(raw: &str) -> Result<String, ChatError> {
    let shown: String = shown(raw)
        .filter_map(|(c, shows)| shows.then_some(c))
        .collect();
    chat_line(&shown)
}

/// Why a brand's text for shoppers is refused. The messages are fixed and
/// name no field: the caller names it, and the text is never echoed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabelRefused {
    /// Control (NUL, BEL, ESC, line breaks…) or text-direction characters.
    #[error("may not contain control or text-direction characters")]
    Control,
    /// Hidden characters outside emoji, private-use or unassigned ones.
    #[error("may contain only visible characters: no invisible, formatting, private-use or unassigned ones")]
    Hidden,
}

/// Checks a brand's text that shoppers read as it is written (a product's
/// name, a variant's label or id, their translations): a name's rule for
/// control, direction and hidden characters, but with emoji sequences whole,
/// as chat keeps them.
pub fn label(text: &str) -> Result<(), LabelRefused> {
    if text.chars().any(is_control_or_direction) {
        return Err(LabelRefused::Control);
    }
    if shown(text).any(|(c, shows)| !shows || !is_public(c)) {
        return Err(LabelRefused::Hidden);
    }
    Ok(())
}

/// Each character of `raw`, and whether it shows: hidden characters do not,
/// except the joiners, variation selectors and tags that hold an emoji
/// sequence together.
fn shown(raw: &str) -> impl Iterator<Item = (char, bool)> + '_ {
    let mut chars = raw.chars().peekable();
    let mut last = None;
    std::iter::from_fn(move || {
        let c = chars.next()?;
        let shows = !is_hidden(c)
            || match c {
                '\u{200D}' => {
                    last.is_some_and(ends_emoji) && chars.peek().is_some_and(|&n| emoji(n))
                }
                '\u{FE0E}' | '\u{FE0F}' => last.is_some_and(|l: char| l.is_emoji_char()),
                '\u{E0020}'..='\u{E007F}' => last
                    .is_some_and(|l| l == '\u{1F3F4}' || ('\u{E0020}'..='\u{E007F}').contains(&l)),
                _ => false,
            };
        if shows {
            last = Some(c);
        }
        Some((c, shows))
    })
}

/// Shows nothing itself, or changes how what is around it shows: format
/// characters (bidi controls, zero-width space and joiners, soft hyphen, word
/// joiner, tags…) and the other default-ignorables (variation selectors,
/// Hangul fillers, the combining grapheme joiner).
fn is_hidden(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
        || c.identifier_type() == Some(IdentifierType::Default_Ignorable)
}

/// Assigned, not for private use, and not deprecated: something every reader
/// sees the same.
fn is_public(c: char) -> bool {
    !matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
    ) && c.identifier_type() != Some(IdentifierType::Deprecated)
}

/// UTS #39's "moderately restrictive" level, over the name's letters and
/// digits: one script, or Latin with Han, Japanese or Korean, or Latin with one
/// other script that does not pass for it (not Cyrillic, not Greek). Spaces,
/// punctuation and emoji belong to every script and are left out, as they
/// would otherwise make every name "unrestricted".
fn single_alphabet(name: &str) -> bool {
    let letters: String = name.chars().filter(|c| c.identifier_allowed()).collect();
    letters.check_restriction_level(RestrictionLevel::ModeratelyRestrictive)
}

/// An emoji that is not also an ASCII digit, `#` or `*` (which are, for keycaps).
fn emoji(c: char) -> bool {
    c.is_emoji_char() && !c.is_ascii()
}

/// What a zero-width joiner may follow in an emoji sequence: an emoji, its
/// skin tone, or its emoji-style selector (❤️‍🔥).
fn ends_emoji(c: char) -> bool {
    emoji(c) || c == '\u{FE0F}'
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "Ayu Lestari";

    #[test]
    fn names_of_many_scripts_pass_in_nfc() {
        for given in [
            "Budi",
            "Siti Nur",
            "김민지",
            "José",
            "Nguyễn Văn An",
            "Αλέξης",
            "Дмитрий",
            "محمد",
            "李小龙",
            "Ken 李",
            "Dewi ❤",
            "O'Brien-Putri",
        ] {
            assert_eq!(name(given, HOST).as_deref(), Ok(given), "{given:?}");
        }
        // `e` and a combining acute become `é`.
        assert_eq!(name("Jose\u{301}", HOST).unwrap(), "José");
    }

    #[test]
    fn hidden_characters_in_a_name_are_refused() {
        for given in [
            "ad\u{200B}min",
            "Budi\u{200D}",
            "Bu\u{00AD}di",
            "Bu\u{2060}di",
            "\u{FEFF}Budi",
            "Budi\u{FE0F}",
            "Bu\u{034F}di",
            "\u{3164}\u{3164}",
            "Budi\u{E0041}",
            "Budi\u{E000}",
            "Budi\u{0378}",
            "Budi\u{FFF9}x\u{FFFB}",
        ] {
            assert_eq!(name(given, HOST), Err(NameRefused::Hidden), "{given:?}");
        }
    }

    #[test]
    fn direction_characters_in_a_name_are_refused_before_anything_else() {
        assert_eq!(
            name("Ayu\u{202E}iratseL", HOST),
            Err(NameRefused::Shape(NameError::Control))
        );
        assert_eq!(
            name("\u{2067}Budi\u{2069}", HOST),
            Err(NameRefused::Shape(NameError::Control))
        );
    }

    #[test]
    fn latin_mixed_with_cyrillic_or_greek_is_refused() {
        for given in ["Budі", "Αlexis", "Siti Nur Сomel"] {
            assert_eq!(
                name(given, HOST),
                Err(NameRefused::MixedScripts),
                "{given:?}"
            );
        }
    }

    #[test]
    fn the_host_and_staff_look_alikes_are_refused() {
        for given in [
            "AYU LESTARI",
            "ayu lestari",
            "H0st",
            "Admin",
            "Lapak Official",
            "tuan rumah",
        ] {
            assert_eq!(
                name(given, HOST),
                Err(NameRefused::Impersonates),
                "{given:?}"
            );
        }
        assert!(name("Ayu Lestarі", HOST).is_err(), "Cyrillic і");
    }

    #[test]
    fn refusals_never_repeat_the_name() {
        let long = format!("{}\u{200B}", "x".repeat(20));
        let message = name(&long, HOST).unwrap_err().to_string();
        assert!(!message.contains("xxxx"), "{message}");
    }

    #[test]
    fn a_chat_line_loses_its_hidden_characters_but_keeps_its_emoji() {
        let cases = [
            ("da\u{200B}rn", "darn"),
            ("so\u{00AD}ft\u{2060}", "soft"),
            ("\u{202E}olleh", "olleh"),
            ("\u{FEFF}hi\u{E0041}", "hi"),
            ("👩\u{200D}💻 coding", "👩\u{200D}💻 coding"),
            ("❤\u{FE0F}\u{200D}🔥", "❤\u{FE0F}\u{200D}🔥"),
            ("👨🏽\u{200D}🦰", "👨🏽\u{200D}🦰"),
            ("1\u{FE0F}\u{20E3}", "1\u{FE0F}\u{20E3}"),
            ("a\u{FE0F}", "a"),
            ("a\u{200D}b", "ab"),
            ("👍\u{200D}", "👍"),
            (
                "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
                "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            ),
            ("می\u{200C}خواهم", "میخواهم"),
        ];
        for (raw, shown) in cases {
            assert_eq!(chat(raw).as_deref(), Ok(shown), "{raw:?}");
        }
    }

    #[test]
    fn a_chat_line_of_hidden_characters_only_is_empty() {
        assert_eq!(chat("\u{200B}\u{200D}\u{FE0F}"), Err(ChatError::Length));
        assert_eq!(chat("nul\0"), Err(ChatError::Control));
    }

    #[test]
    fn a_label_with_a_control_or_direction_character_is_refused() {
        for given in [
            "nul\0",
            "bell\u{7}",
            "esc\u{1b}[31m",
            "Ori\u{202E}lanig",
            "two\nlines",
        ] {
            assert_eq!(label(given), Err(LabelRefused::Control), "{given:?}");
        }
        for given in [
            "Bu\u{200B}tik",
            "\u{FEFF}Kopi",
            "Kopi\u{E000}",
            "a\u{200D}b",
        ] {
            assert_eq!(label(given), Err(LabelRefused::Hidden), "{given:?}");
        }
    }

    #[test]
    fn a_label_keeps_emoji_sequences_and_mixed_alphabets() {
        for given in [
            "",
            "Kopi ❤\u{FE0F}\u{200D}🔥",
            "👩\u{200D}💻 sticker",
            "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} scarf",
            "Кофе Latte",
            "میخواهم",
        ] {
            assert_eq!(label(given), Ok(()), "{given:?}");
        }
    }

    #[test]
    fn what_the_viewer_checks_is_hidden_to_the_server_too() {
        let bidi = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| lapak_protocol::is_bidi_control(c));
        for c in bidi {
            assert!(is_hidden(c), "{c:?}");
        }
    }
}
