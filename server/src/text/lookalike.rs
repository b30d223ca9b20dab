//! Names that pass for someone they are not: the host, or the staff. Two
//! names look alike when their words' confusable skeletons (UTS #39) match
//! once case is set aside, so `H0st`, `Admіn` (Cyrillic і) and `AYU LESTARI`
//! all read as `host`, `admin` and `ayu lestari`.
//!
//! A name impersonates a phrase (the host's name, or a staff word) when the
//! phrase's words appear in it in a row (`Host Ayu`, `Lapak Official`) or its
//! letters run together spell the phrase (`AyuLestari`, `Tuan.Rumah`). Words
//! are runs of letters, digits and marks, so `Ghost` and `Modesta` stay free.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
use unicode_security::skeleton;

/// Words only the show's own people may go by, in English and Indonesian.
const STAFF: &[&str] = &[
    "host",
    "admin",
    "administrator",
    "moderator",
    "mod",
    "staff",
    "support",
    "official",
    "lapak",
    "system",
    "tuan rumah",
    "pembawa acara",
    "resmi",
    "penjual",
];

/// Whether `name` passes for the host `host` or for the staff.
pub fn impersonates(name: &str, host: &str) -> bool {
    let name = words(name);
    std::iter::once(host)
        .chain(STAFF.iter().copied())
        .map(words)
        .any(|phrase| contains(&name, &phrase))
}

/// `phrase` appears in `name` as whole words in a row, or spelled without the
/// spaces and punctuation between them.
fn contains(name: &[String], phrase: &[String]) -> bool {
    !phrase.is_empty()
        && (name.windows(phrase.len()).any(|run| run == phrase) || name.concat() == phrase.concat())
}

/// The words of `text`, each as its look-alike key.
fn words(text: &str) -> Vec<String> {
    let is_letter = |c: char| {
        matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Number
                | GeneralCategoryGroup::Mark
        )
    };
    text.split(|c: char| !is_letter(c))
        .filter(|word| !word.is_empty())
        .map(key)
        .collect()
}

/// What a word looks like, whatever its case: lower case, then its UTS #39
/// skeleton, lower-cased again (the skeleton of `0` is `O`), without
/// accents. Skeletons tell capitals apart, so case goes first; but that loses
/// the one look-alike only capitals have, `I` and `l`, so `l` (the skeleton of
/// `1` and `|` too) is read as `i`.
fn key(word: &str) -> String {
    skeleton(&word.to_lowercase())
        .filter(|c| c.general_category_group() != GeneralCategoryGroup::Mark)
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'l' { 'i' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "Ayu Lestari";

    #[test]
    fn the_hosts_name_in_any_case_or_disguise_is_taken() {
        for name in [
            "Ayu Lestari",
            "AYU LESTARI",
            "ayu lestarı",
            "Ayu Lestarі",
            "Ayu Lèstari",
            "AYU LESTARl",
            "AyuLestari",
            "Ayu_Lestari",
            "Ayu Lestari Live",
            "Ayu  Lestari ✓",
        ] {
            assert!(impersonates(name, HOST), "{name:?}");
        }
    }

    #[test]
    fn staff_words_are_taken_in_look_alike_spellings() {
        for name in [
            "Host",
            "H0st",
            "Admіn",
            "ADMIN",
            "Adm1n",
            "Adrnin",
            "Mod",
            "Lapak Official",
            "Admin Budi",
            "TuanRumah",
            "tuan rumah",
            "Toko Resmi",
        ] {
            assert!(impersonates(name, HOST), "{name:?}");
        }
    }

    #[test]
    fn ordinary_names_are_free_even_with_a_staff_word_inside_a_word() {
        for name in [
            "Budi",
            "Siti Nur",
            "김민지",
            "José",
            "Ayu",
            "Lestari Wati",
            "Ghost Rider",
            "Modesta",
            "Badminton Fan",
            "Rina <img src=x>",
            "Dewi ❤",
        ] {
            assert!(!impersonates(name, HOST), "{name:?}");
        }
    }
}
