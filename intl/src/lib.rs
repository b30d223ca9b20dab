//! Number, price and date formatting through the browser's `Intl`, so every
//! currency and locale is formatted the way the reader expects: the viewer's
//! shopper and the studio's host alike.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use lapak_protocol::Money;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = NumberFormat)]
    type NumberFormat;

    // `catch`: an unknown locale tag or currency code throws a RangeError.
    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "NumberFormat", catch)]
    fn new(locale: &str, options: &Object) -> Result<NumberFormat, JsValue>;

    #[wasm_bindgen(method, js_class = "NumberFormat")]
    fn format(this: &NumberFormat, value: f64) -> String;
}

/// A currency formatter and the divisor from minor units to the amount it formats.
struct CurrencyFormat {
    format: NumberFormat,
    scale: f64,
}

thread_local! {
    // Building a formatter is far slower than using one: keep one per locale and currency.
    static CURRENCY: RefCell<HashMap<(String, String), Rc<CurrencyFormat>>> = RefCell::default();
    static PLAIN: RefCell<HashMap<String, Rc<NumberFormat>>> = RefCell::default();
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object
}

fn number_format(locale: &str, options: &Object) -> Option<NumberFormat> {
    NumberFormat::new(locale, options)
        .or_else(|_| NumberFormat::new("en-US", options))
        .ok()
}

fn currency_format(locale: &str, money: &Money) -> Option<Rc<CurrencyFormat>> {
    let key = (locale.to_owned(), money.currency.clone());
    if let Some(found) = CURRENCY.with(|c| c.borrow().get(&key).cloned()) {
        return Some(found);
    }
    // Show the ISO minor unit when there is one (Rp 129.000,50) and whole
    // amounts without it (Rp 129.000), whatever the browser's currency data says.
    let digits = money.minor_digits().to_string();
    let opts = options(&[
        ("style", "currency"),
        ("currency", &money.currency),
        // why: "Rp 189,000" for an English reader too, as prices are written
        // in the host's own messages, not "IDR 189,000" beside them.
        ("currencyDisplay", "narrowSymbol"),
        ("minimumFractionDigits", &digits),
        ("maximumFractionDigits", &digits),
        ("trailingZeroDisplay", "stripIfInteger"),
    ]);
    let format = number_format(locale, &opts)?;
    let entry = Rc::new(CurrencyFormat {
        format,
        scale: 10f64.powi(money.minor_digits() as i32),
    });
    CURRENCY.with(|c| c.borrow_mut().insert(key, entry.clone()));
    Some(entry)
}

/// `money` for `locale`, e.g. `Rp 189.000` (id-ID) or `Rp 189,000` (en-US).
pub fn format_money(money: &Money, locale: &str) -> String {
    match currency_format(locale, money) {
        // Display only: exact for any amount below 2^53 minor units.
        Some(f) => f.format.format(money.minor as f64 / f.scale),
        None => format!("{} {}", money.currency, money.minor),
    }
}

/// A count for `locale`, e.g. `1,204` (en) or `1.204` (id).
pub fn format_count(count: impl Into<u64>, locale: &str) -> String {
    let count = count.into();
    let cached = PLAIN.with(|p| p.borrow().get(locale).cloned());
    let format = match cached {
        Some(f) => f,
        None => match number_format(locale, &Object::new()) {
            Some(f) => {
                let f = Rc::new(f);
                PLAIN.with(|p| p.borrow_mut().insert(locale.to_owned(), f.clone()));
                f
            }
            None => return count.to_string(),
        },
    };
    // Display only: exact for any count below 2^53.
    format.format(count as f64)
}

fn moment(unix_ms: i64, locale: &str, styles: &[(&str, &str)]) -> String {
    js_sys::Date::new(&JsValue::from_f64(unix_ms as f64))
        .to_locale_string(locale, &options(styles))
        .into()
}

/// A moment for `locale`, e.g. `23 Nov 2026, 14:05`.
pub fn format_date_time(unix_ms: i64, locale: &str) -> String {
    moment(
        unix_ms,
        locale,
        &[("dateStyle", "medium"), ("timeStyle", "short")],
    )
}

/// When a show starts, in the shopper's own terms: the weekday, the day and
/// month and the time, e.g. `Sab, 7 Mar, 19.00` (id) or `Sat, Mar 7, 7:00 PM`
/// (en); with the year only when it is not `now_ms`'s.
pub fn format_show_start(unix_ms: i64, now_ms: i64, locale: &str) -> String {
    let year = |ms: i64| js_sys::Date::new(&JsValue::from_f64(ms as f64)).get_full_year();
    let mut styles = vec![
        ("weekday", "short"),
        ("day", "numeric"),
        ("month", "short"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
    ];
    if year(unix_ms) != year(now_ms) {
        styles.push(("year", "numeric"));
    }
    moment(unix_ms, locale, &styles)
}

/// A time of day for `locale`, e.g. `14:05` or `2:05 PM`.
pub fn format_time(unix_ms: i64, locale: &str) -> String {
    moment(unix_ms, locale, &[("timeStyle", "short")])
}

/// The browser's preferred language tag (`navigator.language`), e.g. `id-ID`;
/// `en-US` when it names none.
pub fn browser_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en-US".to_owned())
}
