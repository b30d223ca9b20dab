//! The show's blocklist: words masked in chat lines and names. Matching is by
//! whole word (a maximal run of letters and digits) and ignores case, so
//! "Darn!" is masked but "darning" is not; the word becomes as many `*` as it
//! has characters and everything else in the text is kept as written.

use serde::{Deserialize, Serialize};

/// Blocked words, lowercased.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(from = "Vec<String>", into = "Vec<String>")]
pub struct Blocklist(Vec<String>);

impl From<Blocklist> for Vec<String> {
    fn from(list: Blocklist) -> Self {
        list.0
    }
}

impl From<Vec<String>> for Blocklist {
    fn from(words: Vec<String>) -> Self {
        Blocklist(words.into_iter().map(|w| w.to_lowercase()).collect())
    }
}

impl Blocklist {
    /// Every entry must be one word, or it could never match.
    pub fn validate(&self) -> Result<(), String> {
        match self
            .0
            .iter()
            .find(|w| w.is_empty() || !w.chars().all(char::is_alphanumeric))
        {
            Some(word) => Err(format!(
                "community.blocklist entry {word:?} is not one word of letters and digits"
            )),
            None => Ok(()),
        }
    }

    /// The blocked words, lowercased.
    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// `text` with every blocked word replaced by `*`s.
    pub fn mask(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        // `None` ends the text, and with it the last word.
        for c in text.chars().map(Some).chain([None]) {
            if let Some(c) = c.filter(|c| c.is_alphanumeric()) {
                word.push(c);
                continue;
            }
            if !word.is_empty() {
                if self.0.contains(&word.to_lowercase()) {
                    out.extend(std::iter::repeat_n('*', word.chars().count()));
                } else {
                    out.push_str(&word);
                }
                word.clear();
            }
            out.extend(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_are_masked_in_any_case_and_the_rest_is_kept() {
        let list = Blocklist::from(vec!["darn".to_owned(), "Bodoh".to_owned()]);
        assert_eq!(list.mask("DARN it, bodoh!"), "**** it, *****!");
        assert_eq!(list.mask("darning darn-it"), "darning ****-it");
        assert_eq!(
            list.mask("<img src=x onerror=alert(1)>"),
            "<img src=x onerror=alert(1)>"
        );
        assert_eq!(list.mask("émoji 🎉 darn"), "émoji 🎉 ****");
        assert_eq!(Blocklist::default().mask("darn"), "darn");
    }
}
