//! The shopper's details, for every domain that takes them (checkout, coin
//! top-ups, daily missions): the refusal that names what is wrong with them,
//! and the calendar date a card's expiry and a day's missions are read on.

use lapak_protocol::{Field, Problem, RejectCode, ServerMsg};

use crate::answers::reject;

/// `invalid_details` naming every problem with the shopper's details, if there is one.
pub fn invalid_details(id: &str, problems: &[(Field, Problem)]) -> Option<ServerMsg> {
    if problems.is_empty() {
        return None;
    }
    let list: Vec<String> = problems
        .iter()
        .map(|(field, problem)| format!("{field:?}: {problem:?}"))
        .collect();
    Some(reject(id, RejectCode::InvalidDetails, list.join(", ")))
}

/// The UTC (year, month) of a Unix time in milliseconds, for card expiry dates.
pub fn civil_month(unix_ms: i64) -> (u32, u32) {
    let (year, month, _) = civil_date(unix_ms);
    (u32::try_from(year).unwrap_or(0), month)
}

/// The UTC calendar date (year, month, day) at Unix time `unix_ms`.
pub use lapak_protocol::dates::civil_date;

#[cfg(test)]
mod tests {
    #[test]
    fn civil_month_reads_unix_time() {
        assert_eq!(super::civil_month(0), (1970, 1));
        assert_eq!(super::civil_month(1_795_392_000_000), (2026, 11)); // 2026-11-23
        assert_eq!(super::civil_month(951_782_400_000), (2000, 2)); // 2000-02-29
        assert_eq!(super::civil_date(951_782_400_000), (2000, 2, 29));
        assert_eq!(super::civil_date(1_795_478_399_999), (2026, 11, 23));
    }
}
