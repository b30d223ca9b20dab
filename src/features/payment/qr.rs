//! A QRIS code drawn by the widget itself, as SVG, from the provider's QR
//! string: no image is fetched (the widget runs under other pages' strict
//! Content-Security-Policies), and it stays sharp at any size and zoom.
use leptos::prelude::*;
use qrcodegen::{QrCode, QrCodeEcc};

/// Modules of white around the code, as scanners expect.
const QUIET_ZONE: i32 = 4;

/// The code for `text`: its side in modules (quiet zone included) and an SVG
/// path of its dark modules, one run of a row at a time; `None` when the text
/// is too long for any QR code.
pub fn qr_path(text: &str) -> Option<(i32, String)> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            let (left, top, run) = (start + QUIET_ZONE, y + QUIET_ZONE, x - start);
            path.push_str(&format!("M{left} {top}h{run}v1h-{run}z"));
        }
    }
    Some((size + 2 * QUIET_ZONE, path))
}

/// The QR code for `text`, named for screen readers by `label`.
#[component]
pub fn QrCodeImage(
    /// What the code holds (the provider's QR string).
    text: String,
    /// Its text alternative: what scanning it pays.
    label: String,
) -> impl IntoView {
    qr_path(&text).map(|(side, path)| {
        view! {
            <svg class="lapak-qr" data-testid="qr" role="img" aria-label=label
                viewBox=format!("0 0 {side} {side}") shape-rendering="crispEdges">
                <rect width=side.to_string() height=side.to_string() fill="#fff"/>
                <path d=path fill="#000"/>
            </svg>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::qr_path;

    #[test]
    fn a_qris_string_becomes_a_square_of_runs_with_its_quiet_zone() {
        let qris = "00020101021226670016COM.NOBUBANK.WWW01189360050300000879140214520146370528490303UMI51440014ID.CO.QRIS.WWW0215ID10200211817450303UMI5204581253033605405216005802ID5909LAPAK DEMO6007JAKARTA6105101106304ABCD";
        let (side, path) = qr_path(qris).expect("a QRIS string fits a QR code");
        // Version 9 or so: 53 modules, plus 4 of quiet zone on each side.
        assert!(side > 21 + 8 && (side - 8 - 17) % 4 == 0, "{side}");
        assert!(
            path.starts_with("M4 4h7v1h-7z"),
            "the finder's top row: {path}"
        );
        assert!(
            qr_path(&"9".repeat(8_000)).is_none(),
            "too long for any QR code"
        );
    }
}
