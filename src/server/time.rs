//! Clock, business days and display of timestamps.
//!
//! The database stores milliseconds since the Unix epoch (`BIGINT`, the same on SQLite and
//! PostgreSQL). People read, and count days, in the business time zone of the configuration
//! (`business.time_zone`, default `Indian/Mauritius`): "today", the report's date filters and
//! the dashboard's days turn at midnight there. One process serves one business, so the zone is
//! set once at start-up; jiff carries its own copy of the time-zone database, so a server
//! without `/usr/share/zoneinfo` still knows every zone.

use std::sync::OnceLock;

use jiff::{Timestamp, Zoned, civil::Date, tz::TimeZone};

use crate::domain::report::Day;

pub const DEFAULT_TIME_ZONE: &str = "Indian/Mauritius";

static ZONE: OnceLock<TimeZone> = OnceLock::new();

/// Checks a zone name from the configuration.
pub fn parse_zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|e| {
        format!("unknown time zone '{name}' (use an IANA name such as {DEFAULT_TIME_ZONE}): {e}")
    })
}

/// Sets the business time zone for this process; the first call wins (tests start several apps
/// in one process, all with the default).
pub fn set_zone(zone: TimeZone) {
    if ZONE.set(zone.clone()).is_err() && ZONE.get() != Some(&zone) {
        tracing::warn!("the business time zone is already set for this process; keeping the first one");
    }
}

fn zone() -> &'static TimeZone {
    ZONE.get_or_init(|| parse_zone(DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC))
}

pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

fn zoned(ms: i64) -> Option<Zoned> {
    Timestamp::from_millisecond(ms).ok().map(|t| t.to_zoned(zone().clone()))
}

/// `22 Nov 2026, 14:30` in the business time zone.
pub fn display(ms: i64) -> String {
    zoned(ms).map_or_else(|| "—".to_owned(), |z| z.strftime("%d %b %Y, %H:%M").to_string())
}

/// Calendar days between two instants, counted in the business time zone: 0 = the same day.
pub fn local_days_between(earlier_ms: i64, later_ms: i64) -> i64 {
    match (zoned(earlier_ms), zoned(later_ms)) {
        (Some(a), Some(b)) => b.date().since(a.date()).map_or(0, |span| i64::from(span.get_days())),
        _ => 0,
    }
}

/// The business day an instant falls on.
pub fn day_of(ms: i64) -> Day {
    day_from(zoned(ms).map_or_else(|| Date::constant(1970, 1, 1), |z| z.date()))
}

fn civil(day: Day) -> Option<Date> {
    i16::try_from(day.year).ok().and_then(|y| Date::new(y, day.month as i8, day.day as i8).ok())
}

fn day_from(date: Date) -> Day {
    Day { year: i32::from(date.year()), month: date.month() as u8, day: date.day() as u8 }
}

/// `day` moved by `days` (negative: back).
pub fn add_days(day: Day, days: i64) -> Day {
    civil(day).and_then(|d| d.checked_add(jiff::Span::new().days(days)).ok()).map_or(day, day_from)
}

/// The Monday of the business week `day` is in.
pub fn week_start(day: Day) -> Day {
    let back = civil(day).map_or(0, |d| i64::from(d.weekday().to_monday_zero_offset()));
    add_days(day, -back)
}

/// `25 Nov`, for chart labels.
pub fn short_day(day: Day) -> String {
    civil(day).map_or_else(|| day.to_string(), |d| d.strftime("%d %b").to_string())
}

/// The first millisecond of `day` in the business time zone (its midnight, or the first moment
/// after a gap).
pub fn day_start_ms(day: Day) -> i64 {
    civil(day)
        .and_then(|date| date.to_zoned(zone().clone()).ok())
        .map_or(0, |z| z.timestamp().as_millisecond())
}

/// The first millisecond after `day`: `to_date` is inclusive, so the range ends here.
pub fn day_end_ms(day: Day) -> i64 {
    civil(day)
        .and_then(|date| date.tomorrow().ok())
        .and_then(|date| date.to_zoned(zone().clone()).ok())
        .map_or(i64::MAX, |z| z.timestamp().as_millisecond())
}

/// RFC 3339 in UTC (`2024-11-28T10:30:00.000Z`), for the HTTP API.
pub fn rfc3339(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S.%3fZ").to_string())
        .unwrap_or_default()
}

/// An RFC 3339 time with its offset (`2026-11-25T10:30:00+04:00`, `…Z`) to milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    s.trim().parse::<Timestamp>().ok().map(|t| t.as_millisecond())
}

/// The HTTP date of `Last-Modified` (`Wed, 25 Nov 2026 06:30:00 GMT`).
pub fn http_date(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default()
}

/// An HTTP date (`If-Modified-Since`) to milliseconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    jiff::fmt::rfc2822::parse(s.trim()).ok().map(|z| z.timestamp().as_millisecond())
}

/// `YYYY/MM` in UTC, for spreading stored files over folders.
pub fn year_month_path(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y/%m").to_string())
        .unwrap_or_else(|_| "0000/00".into())
}

/// ISO 8601 in the business time zone with its offset (`2024-11-28T14:30:00+04:00`), for
/// exports read by people and spreadsheets.
pub fn local_iso(ms: i64) -> String {
    zoned(ms).map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_rfc3339_dates_round_trip() {
        let ms = parse_rfc3339("2026-11-25T10:30:00+04:00").unwrap();
        assert_eq!(rfc3339(ms), "2026-11-25T06:30:00.000Z");
        assert_eq!(http_date(ms), "Wed, 25 Nov 2026 06:30:00 GMT");
        assert_eq!(parse_http_date(&http_date(ms)), Some(ms));
        assert_eq!(year_month_path(ms), "2026/11");
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn displays_in_mauritius_time() {
        // 2024-11-28T10:30:00Z is 14:30 in Port Louis.
        assert_eq!(display(1_732_789_800_000), "28 Nov 2024, 14:30");
        assert_eq!(local_iso(1_732_789_800_000), "2024-11-28T14:30:00+04:00");
    }

    #[test]
    fn local_days_turn_at_mauritian_midnight() {
        // 19:59 UTC is 23:59 in Port Louis; 20:01 UTC is already the next day there.
        let before_midnight = 1_732_823_940_000; // 2024-11-28T19:59:00Z
        let after_midnight = before_midnight + 2 * 60_000;
        assert_eq!(local_days_between(before_midnight, after_midnight), 1);
        assert_eq!(local_days_between(before_midnight - 60_000, before_midnight), 0);
        assert_eq!(local_days_between(before_midnight, before_midnight + 3 * 86_400_000), 3);
        assert_eq!(day_of(before_midnight).to_string(), "2024-11-28");
        assert_eq!(day_of(after_midnight).to_string(), "2024-11-29");
    }

    #[test]
    fn a_business_day_is_its_local_midnight_to_midnight() {
        let day = Day::parse("2024-11-28").unwrap();
        // Midnight in Port Louis is 20:00 UTC the day before.
        assert_eq!(rfc3339(day_start_ms(day)), "2024-11-27T20:00:00.000Z");
        assert_eq!(rfc3339(day_end_ms(day)), "2024-11-28T20:00:00.000Z");
    }

    #[test]
    fn weeks_start_on_monday_and_days_add_up() {
        let wednesday = Day::parse("2026-11-25").unwrap();
        assert_eq!(week_start(wednesday).to_string(), "2026-11-23");
        assert_eq!(week_start(Day::parse("2026-11-23").unwrap()).to_string(), "2026-11-23");
        assert_eq!(add_days(wednesday, -29).to_string(), "2026-10-27");
        assert_eq!(add_days(Day::parse("2024-02-28").unwrap(), 1).to_string(), "2024-02-29");
        assert_eq!(short_day(wednesday), "25 Nov");
    }

    #[test]
    fn rfc3339_is_utc() {
        assert_eq!(rfc3339(1_732_789_800_000), "2024-11-28T10:30:00.000Z");
    }

    #[test]
    fn zones_are_checked() {
        assert!(parse_zone("Europe/Paris").is_ok());
        assert!(parse_zone("Mars/Olympus").unwrap_err().contains("unknown time zone"));
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now_ms() > 1_700_000_000_000);
    }
}
