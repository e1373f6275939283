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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_in_mauritius_time() {
        // 2024-11-28T10:30:00Z is 14:30 in Port Louis.
        assert_eq!(display(1_732_789_800_000), "28 Nov 2024, 14:30");
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now_ms() > 1_700_000_000_000);
    }
}
