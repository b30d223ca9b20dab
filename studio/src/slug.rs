//! Ids made from what people type: lowercase letters, digits and dashes, the
//! form the server takes for a show's or a product's id.

/// `text` as a slug of at most `max` bytes: `Kain Tenun Ikat!` → `kain-tenun-ikat`.
/// Anything but ASCII letters and digits becomes one dash between words.
pub fn slug(text: &str, max: usize) -> String {
    let mut slug = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= max {
            break;
        }
    }
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn words_become_a_slug() {
        assert_eq!(slug("Kain Tenun Ikat!", 64), "kain-tenun-ikat");
        assert_eq!(slug("  Kopi & Kue ", 64), "kopi-kue");
        assert_eq!(slug("☕☕", 64), "");
        assert_eq!(slug("abc def", 4), "abc");
    }
}
