//! Clock and display of timestamps. The database stores milliseconds since the Unix epoch
//! (`BIGINT`, the same on SQLite and PostgreSQL); people read Mauritius time (UTC+4, no DST).

use time::{OffsetDateTime, UtcOffset, macros::format_description};

const MAURITIUS: UtcOffset = match UtcOffset::from_hms(4, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("+04:00 is a valid offset"),
};

pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// `22 Nov 2026, 14:30` in Mauritius time.
pub fn display(ms: i64) -> String {
    let format = format_description!("[day] [month repr:short] [year], [hour]:[minute]");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| t.to_offset(MAURITIUS))
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "—".to_owned())
}

/// Calendar days between two instants, counted in Mauritius: 0 = the same day there.
pub fn local_days_between(earlier_ms: i64, later_ms: i64) -> i64 {
    const DAY_MS: i64 = 86_400_000;
    const OFFSET_MS: i64 = 4 * 3_600_000;
    (later_ms + OFFSET_MS).div_euclid(DAY_MS) - (earlier_ms + OFFSET_MS).div_euclid(DAY_MS)
}

/// RFC 3339 in UTC (`2024-11-28T10:30:00.000Z`), for the HTTP API.
pub fn rfc3339(ms: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_in_mauritius_time() {
        // 2024-11-28T10:30:00Z is 14:30 in Port Louis.
        assert_eq!(display(1_732_789_800_000), "28 Nov 2024, 14:30");
    }

    #[test]
    fn local_days_turn_at_mauritian_midnight() {
        // 19:59 UTC is 23:59 in Port Louis; 20:01 UTC is already the next day there.
        let before_midnight = 1_732_823_940_000; // 2024-11-28T19:59:00Z
        let after_midnight = before_midnight + 2 * 60_000;
        assert_eq!(local_days_between(before_midnight, after_midnight), 1);
        assert_eq!(local_days_between(before_midnight - 60_000, before_midnight), 0);
        assert_eq!(local_days_between(before_midnight, before_midnight + 3 * 86_400_000), 3);
    }

    #[test]
    fn rfc3339_is_utc() {
        assert_eq!(rfc3339(1_732_789_800_000), "2024-11-28T10:30:00.000Z");
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now_ms() > 1_700_000_000_000);
    }
}
