//! Prices, counts and times as the host's browser writes them (through the
//! viewer's own `Intl` formatters), and amounts for the studio's number fields.

use lapak_intl as intl;
use lapak_protocol::Money;
use serde::Serialize;
use serde_json::Value;

/// `money` for the host's language, e.g. `Rp 45.000` or `Rp 45,000`.
pub fn money(money: &Money) -> String {
    intl::format_money(money, &intl::browser_language())
}

/// Minor units of `currency`, shown as [`money`].
pub fn minor(minor: i64, currency: &str) -> String {
    money(&Money {
        minor,
        currency: currency.to_owned(),
    })
}

/// A value of one of the API's enums as the API spells it (`live`,
/// `ended`…), e.g. for a `data-state` attribute; empty for anything else.
pub fn spelled(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => name,
        _ => String::new(),
    }
}

/// Watch time as hours and minutes, e.g. `14h 05m` (the replay panel's too).
pub fn watch_time(seconds: u64) -> String {
    format!("{}h {:02}m", seconds / 3600, seconds / 60 % 60)
}

/// A count, e.g. `1,204` or `1.204`.
pub fn count(count: u64) -> String {
    intl::format_count(count, &intl::browser_language())
}

/// A `datetime-local` value (the host's local time) as an instant with its
/// offset, in the form the server reads: `2027-03-14T03:00:00Z`.
pub fn instant(local: &str) -> Option<String> {
    let date = js_sys::Date::new(&local.into());
    if date.get_time().is_nan() {
        return None;
    }
    let iso: String = date.to_iso_string().into();
    // Whole seconds: a start needs no milliseconds.
    Some(
        iso.split('.')
            .next()
            .map(|s| format!("{s}Z"))
            .unwrap_or(iso),
    )
}

/// A date and time, e.g. `7 Mar 2027, 09:00`.
pub fn when(unix_ms: i64) -> String {
    intl::format_date_time(unix_ms, &intl::browser_language())
}

/// A time of day, e.g. `14:05`.
pub fn time(unix_ms: i64) -> String {
    intl::format_time(unix_ms, &intl::browser_language())
}

/// The value a number field shows for `money`: a plain decimal (`45000`, `12.5`).
pub fn decimal(money: &Money) -> String {
    let scale = 10i64.pow(money.minor_digits());
    let (whole, part) = (money.minor / scale, money.minor % scale);
    if part == 0 {
        whole.to_string()
    } else {
        let digits = money.minor_digits() as usize;
        format!("{whole}.{part:0digits$}")
            .trim_end_matches('0')
            .to_owned()
    }
}

/// The `step` of a number field for amounts of `currency`: its minor unit
/// (`0.01`, `1`), so the browser takes no finer amount than the API does.
pub fn step(currency: &str) -> String {
    decimal(&Money {
        minor: 1,
        currency: currency.to_owned(),
    })
}
