//! Command ids: UUID v4 from the browser's cryptographic random source.

/// A fresh UUID v4, hyphenated.
pub fn command_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok())
        .unwrap_or(false);
    if !filled {
        // No Web Crypto (very old or locked-down browsers): ids must still be
        // unique per viewer, which Math.random gives with 122 random bits.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}
