//! What a viewer writes for others to read, display names and chat lines: the
//! part of the rules both sides apply. The viewer applies it before sending, so
//! it never sends what the server would refuse for these reasons; the server
//! applies it too, and then the checks that need Unicode's tables (format
//! characters, look-alike names), which stay on the server to keep the viewer
//! small.
//!
//! These checks need no tables: control characters (NUL, escape, line breaks)
//! and the twelve bidirectional controls of UAX #9. The latter show nothing
//! themselves but reorder the text around them, so a name or a line could read
//! as something else, or pull the name beside it out of place.

use crate::{MAX_CHAT_CHARS, NAME_CHARS};

/// Why a display name is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Too short or too long, once trimmed.
    #[error("a name has {}..={} characters", NAME_CHARS.start(), NAME_CHARS.end())]
    Length,
    /// A control or bidirectional control character.
    #[error("a name may not contain control or text-direction characters")]
    Control,
}

/// Why a chat line is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// Empty or too long, once trimmed.
    #[error("a chat line has 1..={MAX_CHAT_CHARS} characters")]
    Length,
    /// A control character other than a line break or a tab (NUL, escape…).
    #[error("a chat line may not contain control characters")]
    Control,
}

/// One of UAX #9's Bidi_Control characters: the Arabic letter mark, the
/// left-to-right and right-to-left marks, embeddings, overrides and isolates.
/// The set is closed: Unicode adds no more.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// A control character (NUL, escape, line breaks…) or a bidirectional
/// control ([`is_bidi_control`]): what a name, or a brand's text for shoppers
/// (a product's name, a variant's label), may not hold.
pub fn is_control_or_direction(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// A display name as it is sent and kept: without control or bidirectional
/// control characters, trimmed, each run of spaces (of any width) one plain
/// space, and [`NAME_CHARS`] characters long. A name is an identity, so
/// nothing in it is silently dropped: it is refused instead.
pub fn display_name(raw: &str) -> Result<String, NameError> {
    if raw.chars().any(is_control_or_direction) {
        return Err(NameError::Control);
    }
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if !NAME_CHARS.contains(&name.chars().count()) {
        return Err(NameError::Length);
    }
    Ok(name)
}

/// A chat line as it is sent and shown: one line, so line breaks and tabs
/// become spaces (what was pasted still reads the same); bidirectional
/// controls are dropped (they show nothing, and right-to-left text lays
/// itself out without them); other control characters are refused; trimmed
/// and 1..=[`MAX_CHAT_CHARS`] characters long.
pub fn chat_line(raw: &str) -> Result<String, ChatError> {
    let mut line = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            c if is_bidi_control(c) => {}
            '\u{2028}' | '\u{2029}' => line.push(' '),
            c if c.is_control() && c.is_whitespace() => line.push(' '),
            c if c.is_control() => return Err(ChatError::Control),
            c => line.push(c),
        }
    }
    let line = line.trim();
    if !(1..=MAX_CHAT_CHARS).contains(&line.chars().count()) {
        return Err(ChatError::Length);
    }
    Ok(line.to_owned())
}

#[cfg(test)]
mod tests {
    use crate::text::*;

    #[test]
    fn a_name_is_trimmed_and_its_spaces_made_one_plain_space() {
        assert_eq!(display_name("  Siti \u{3000} Nur ").unwrap(), "Siti Nur");
        assert_eq!(display_name("김민지").unwrap(), "김민지");
        assert_eq!(display_name("José").unwrap(), "José");
    }

    #[test]
    fn a_name_counts_its_characters_after_trimming() {
        assert_eq!(display_name(" a "), Err(NameError::Length));
        assert_eq!(display_name("   "), Err(NameError::Length));
        assert_eq!(display_name(&"é".repeat(25)), Err(NameError::Length));
        assert!(display_name(&"é".repeat(24)).is_ok());
    }

    #[test]
    fn a_name_with_a_control_or_direction_character_is_refused() {
        for name in [
            "bad\u{7}name",
            "nul\0name",
            "two\nlines",
            "tab\tname",
            "Ayu\u{202E}iratseL",
            "iso\u{2066}late\u{2069}",
            "mark\u{200F}ed",
            "arab\u{061C}ic",
        ] {
            assert_eq!(display_name(name), Err(NameError::Control), "{name:?}");
        }
    }

    #[test]
    fn a_chat_line_is_one_line_without_direction_controls() {
        assert_eq!(chat_line(" halo\r\nsemua\t! ").unwrap(), "halo  semua !");
        assert_eq!(chat_line("a\u{2028}b").unwrap(), "a b");
        assert_eq!(chat_line("\u{202E}olleh\u{202C}").unwrap(), "olleh");
        assert_eq!(chat_line("مرحبا 👋").unwrap(), "مرحبا 👋");
    }

    #[test]
    fn a_chat_line_with_nul_or_another_control_is_refused() {
        for line in ["nul\0byte", "esc\u{1b}[31m", "del\u{7f}", "c1\u{9b}"] {
            assert_eq!(chat_line(line), Err(ChatError::Control), "{line:?}");
        }
    }

    #[test]
    fn a_chat_line_is_counted_after_what_it_drops() {
        assert_eq!(chat_line(" \n\t "), Err(ChatError::Length));
        assert_eq!(chat_line("\u{200F}\u{200E}"), Err(ChatError::Length));
        assert_eq!(chat_line(&"x".repeat(151)), Err(ChatError::Length));
        assert!(chat_line(&format!(" {} ", "é".repeat(150))).is_ok());
    }

    #[test]
    fn the_bidi_controls_are_exactly_uax9s_twelve() {
        let all: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_bidi_control(c))
            .collect();
        assert_eq!(all.len(), 12, "{all:?}");
    }
}
