//! Texts in the shopper's language. A brand writes its catalogue, gifts and
//! pinned message in its own language and may add translations; each viewer
//! reads the translation into its language when there is one, and the brand's
//! own wording otherwise.

use std::collections::BTreeMap;

/// A text's translations besides the brand's own wording, by language.
pub type Translations = BTreeMap<String, String>;

/// The languages a text may be translated into: the viewer's.
pub const LANGUAGES: [&str; 2] = ["en", "id"];

/// Longest translation, in characters: as long as the longest text it translates.
pub const MAX_TRANSLATION_CHARS: usize = 300;

/// `text` for a shopper reading `lang`: its translation, else the brand's own.
pub fn in_language<'a>(text: &'a str, translations: &'a Translations, lang: &str) -> &'a str {
    translations.get(lang).map_or(text, String::as_str)
}

/// Why a set of translations cannot be kept, if it cannot: an unknown
/// language, or a text that is empty or too long.
pub fn check_translations(translations: &Translations) -> Result<(), String> {
    for (lang, text) in translations {
        if !LANGUAGES.contains(&lang.as_str()) {
            return Err(format!(
                "translation into {lang:?}: languages are {}",
                LANGUAGES.join(", ")
            ));
        }
        let chars = text.trim().chars().count();
        if chars == 0 || chars > MAX_TRANSLATION_CHARS {
            return Err(format!(
                "translation into {lang}: 1 to {MAX_TRANSLATION_CHARS} characters"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::language::*;

    fn id(text: &str) -> Translations {
        Translations::from([("id".to_owned(), text.to_owned())])
    }

    #[test]
    fn a_translation_is_read_in_its_language_and_the_brands_wording_elsewhere() {
        let names = id("Biji utuh");
        assert_eq!(in_language("Whole beans", &names, "id"), "Biji utuh");
        assert_eq!(in_language("Whole beans", &names, "en"), "Whole beans");
        assert_eq!(
            in_language("Whole beans", &Translations::new(), "id"),
            "Whole beans"
        );
    }

    #[test]
    fn unknown_languages_and_empty_or_long_texts_are_refused() {
        assert!(check_translations(&id("Biji utuh")).is_ok());
        let fr = Translations::from([("fr".to_owned(), "Grains".to_owned())]);
        assert!(check_translations(&fr).unwrap_err().contains("en, id"));
        assert!(check_translations(&id("  ")).is_err());
        assert!(check_translations(&id(&"a".repeat(MAX_TRANSLATION_CHARS + 1))).is_err());
    }
}
