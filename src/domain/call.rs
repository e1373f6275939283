//! Recorded calls: what a phone uploads and what the API answers about a call.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

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
