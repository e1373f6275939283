//! Recorded calls: what a phone uploads and what the API answers about a call.

use serde::{Deserialize, Serialize};

use super::{report::Day, url::encode_component};
use crate::error::{AppError, FieldError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbound => "inbound",
            Self::Outbound => "outbound",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "inbound" => Ok(Self::Inbound),
            "outbound" => Ok(Self::Outbound),
            _ => Err(AppError::invalid("direction", "direction must be inbound or outbound.")),
        }
    }
}

/// The phone's id of a call: a UUID, so a retried upload is recognised as the same call.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CallId(String);

impl CallId {
    /// Accepts the canonical 8-4-4-4-12 hex form, stored lower-case.
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let s = s.trim().to_ascii_lowercase();
        let groups: Vec<&str> = s.split('-').collect();
        let shape = groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12];
        if !shape || !groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit())) {
            return Err(AppError::invalid(
                "call_id",
                "call_id must be a UUID such as 3f1c2a9e-8d4b-4c6f-9a7e-2b5d1e0f4a3c.",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A call's length: whole seconds, at most a day (a longer one is a phone's clock error).
pub fn parse_duration(s: &str) -> Result<i64, AppError> {
    match s.trim().parse::<i64>() {
        Ok(n) if (0..=86_400).contains(&n) => Ok(n),
        _ => Err(AppError::invalid(
            "duration_seconds",
            "duration_seconds must be whole seconds from 0 to 86400.",
        )),
    }
}

/// A checksum as the phone sends it: 64 hex digits, compared lower-case.
pub fn parse_sha256(s: &str) -> Result<Option<String>, AppError> {
    let s = s.trim().to_ascii_lowercase();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() != 64 || !s.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::invalid("sha256", "sha256 must be 64 hexadecimal digits."));
    }
    Ok(Some(s))
}

/// A recorded call as the API returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallLog {
    pub id: i64,
    /// The phone's UUID of the call.
    pub call_id: String,
    /// The contact the number belongs to; `null` for a withheld number.
    pub contact_id: Option<i64>,
    /// `customer` or `new_lead`; `null` for a withheld number.
    pub contact_status: Option<String>,
    pub contact_name: Option<String>,
    /// E.164; `null` when the number was withheld ("Unknown number").
    pub phone: Option<String>,
    /// What the phone reported, as it reported it.
    pub phone_raw: String,
    pub direction: Direction,
    /// RFC 3339.
    pub started_at: String,
    /// When it started as people read it, in the business time zone (`25 Nov 2026, 10:30`).
    pub started_at_local: String,
    pub duration_seconds: i64,
    /// The user the uploading token acts for.
    pub agent_id: i64,
    pub agent_name: String,
    pub audio_type: String,
    pub audio_size: i64,
    pub audio_sha256: String,
    /// Other contacts sharing the number (families share phones), for the agent to choose.
    pub possible_matches: Vec<i64>,
    /// RFC 3339.
    pub created_at: String,
}

/// The Call Logs filter, as the page's URL and `GET /v1/calls` carry it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallFilter {
    pub contact_id: Option<i64>,
    pub agent_id: Option<i64>,
    /// As typed; the server reads it as a phone number in any written form.
    pub phone: String,
    pub direction: Option<Direction>,
    pub from_date: Option<Day>,
    pub to_date: Option<Day>,
}

impl CallFilter {
    /// Reads the filter from query parameters; every bad one is reported, by name.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let mut field = |name: &'static str, message: String| errors.push(FieldError::new(name, message));
        let value = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut id = |name: &'static str, what: &str| {
            value(name).and_then(|s| match s.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    field(name, format!("'{s}' is not {what}: use its number."));
                    None
                }
            })
        };
        let contact_id = id("contact_id", "a contact id");
        let agent_id = id("agent_id", "an agent id");
        let phone = value("phone").unwrap_or_default();
        // Counted as sent, spaces around included, as the document's maxLength counts.
        if get("phone").is_some_and(|raw| raw.chars().count() > 40) {
            field("phone", "A phone number has at most 40 characters.".into());
        }
        let direction = value("direction")
            .and_then(|s| Direction::parse(&s).map_err(|e| field("direction", e.to_string())).ok());
        let from_date = value("from").and_then(|s| Day::parse(&s).map_err(|m| field("from", m)).ok());
        let to_date = value("to").and_then(|s| Day::parse(&s).map_err(|m| field("to", m)).ok());
        if let (Some(from), Some(to)) = (from_date, to_date)
            && from > to
        {
            field("to", format!("The end date {to} is before the start date {from}."));
        }
        if errors.is_empty() {
            Ok(Self { contact_id, agent_id, phone, direction, from_date, to_date })
        } else {
            Err(AppError::Invalid(errors))
        }
    }

    /// The filter as query parameters, in a fixed order (empty when nothing is filtered).
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(id) = self.contact_id {
            params.push(("contact_id", id.to_string()));
        }
        if let Some(id) = self.agent_id {
            params.push(("agent_id", id.to_string()));
        }
        if !self.phone.is_empty() {
            params.push(("phone", self.phone.clone()));
        }
        if let Some(d) = self.direction {
            params.push(("direction", d.as_str().to_owned()));
        }
        if let Some(d) = self.from_date {
            params.push(("from", d.to_string()));
        }
        if let Some(d) = self.to_date {
            params.push(("to", d.to_string()));
        }
        params
    }
}

/// Rows per page of Call Logs.
pub const CALLS_PAGE_SIZE: i64 = 25;

/// The Call Logs page at `page` of `filter`.
pub fn calls_url(filter: &CallFilter, page: i64) -> String {
    let mut params: Vec<String> =
        filter.to_params().into_iter().map(|(k, v)| format!("{k}={}", encode_component(&v))).collect();
    if page > 1 {
        params.push(format!("page={page}"));
    }
    if params.is_empty() { "/calls".to_owned() } else { format!("/calls?{}", params.join("&")) }
}

/// One page of Call Logs, with the total and the agents for the filter's choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallPage {
    pub total: i64,
    pub page: i64,
    pub calls: Vec<CallLog>,
    /// (id, name) of everyone who has uploaded a call.
    pub agents: Vec<(i64, String)>,
}

impl CallPage {
    pub fn pages(&self) -> i64 {
        super::page_count(self.total, CALLS_PAGE_SIZE)
    }
}

/// How long a call lasted, as people read it: `1:35`, `1:02:07`.
pub fn duration_display(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// Where the browser's player streams a call's recording from (Range requests for seeking).
pub fn audio_url(call_id: i64) -> String {
    format!("/v1/calls/{call_id}/audio")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_ids_are_uuids() {
        let id = CallId::parse(" 3F1C2A9E-8D4B-4C6F-9A7E-2B5D1E0F4A3C ").unwrap();
        assert_eq!(id.as_str(), "3f1c2a9e-8d4b-4c6f-9a7e-2b5d1e0f4a3c");
        for bad in ["", "abc", "3f1c2a9e8d4b4c6f9a7e2b5d1e0f4a3c", "3f1c2a9e-8d4b-4c6f-9a7e-2b5d1e0f4a3g"] {
            assert!(CallId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_filter_round_trips_through_the_url() {
        let params =
            [("phone", "5737 2333"), ("direction", "outbound"), ("from", "2026-11-01"), ("agent_id", "2")];
        let get = |k: &str| params.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned());
        let filter = CallFilter::from_params(get).unwrap();
        assert_eq!(
            calls_url(&filter, 2),
            "/calls?agent_id=2&phone=5737%202333&direction=outbound&from=2026-11-01&page=2"
        );
        assert_eq!(calls_url(&CallFilter::default(), 1), "/calls");
        let bad = [("contact_id", "x"), ("direction", "up"), ("from", "2026-11-09"), ("to", "2026-11-01")];
        let get = |k: &str| bad.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned());
        let err = CallFilter::from_params(get).unwrap_err();
        for f in ["contact_id", "direction", "to"] {
            assert!(err.field_message(f).is_some(), "{f}: {err:?}");
        }
        assert_eq!((duration_display(95), duration_display(3727)), ("1:35".to_owned(), "1:02:07".to_owned()));
    }

    #[test]
    fn fields_are_checked() {
        assert_eq!(parse_duration("125").unwrap(), 125);
        assert!(
            parse_duration("-1").is_err()
                && parse_duration("1.5").is_err()
                && parse_duration("86401").is_err()
        );
        assert_eq!(parse_sha256("").unwrap(), None);
        assert!(parse_sha256("abc").is_err());
        assert_eq!(Direction::parse("Outbound").unwrap(), Direction::Outbound);
        assert!(Direction::parse("sideways").is_err());
    }
}
