//! The admin's contact-update report: which updates (the filter, as it is written in the page's
//! URL and in the API's query), a page of them, and what a sync did. Shared, so the page builds
//! its links with the same rules the server parses them with.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::contact_update::UpdateStatus;
use crate::error::{AppError, FieldError};

/// Page sizes the report offers; the API's `limit` may be anything from 1 to [`MAX_LIMIT`].
pub const PAGE_SIZES: [i64; 4] = [25, 50, 100, 200];
pub const DEFAULT_PAGE_SIZE: i64 = 50;
pub const MAX_LIMIT: i64 = 1000;
/// The search box takes a policy number or part of a name, not an essay.
pub const Q_MAX: usize = 100;
/// A rejection says why, briefly.
pub const REJECT_REASON_MAX: usize = 500;

/// A calendar day (`2026-11-25`), read in the business time zone by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a date: use YYYY-MM-DD, e.g. 2026-11-25.");
        let parts: Vec<&str> = s.trim().split('-').collect();
        let [y, m, d] = parts.as_slice() else { return Err(bad()) };
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
            return Err(bad());
        }
        let (year, month, day) = match (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) {
            (Ok(y), Ok(m), Ok(d)) => (y, m, d),
            _ => return Err(bad()),
        };
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if day == 0 || day > days_in_month {
            return Err(bad());
        }
        if year < 1900 {
            return Err(format!("'{s}' is too early: use a day from the year 1900 on."));
        }
        Ok(Self { year, month, day })
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for Day {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Day> for String {
    fn from(d: Day) -> Self {
        d.to_string()
    }
}

/// Updates of contacts the master system does not know (new leads, no `customer_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Leads {
    Include,
    Exclude,
    Only,
}

impl Leads {
    pub const ALL: [Self; 3] = [Self::Include, Self::Exclude, Self::Only];
    /// What a filter that does not say means, for every use of it: the report's list and count,
    /// "all matching", the export and so "mark this export as synced". The report exists to carry
    /// corrections to the master system, which does not know new leads; one meaning everywhere
    /// means a lead's correction is never marked synced without having been exported.
    pub const DEFAULT: Self = Self::Exclude;

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Include => "include",
            Self::Exclude => "exclude",
            Self::Only => "only",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| "Use include, exclude or only.".to_owned())
    }
}

/// Which updates: every condition optional, all of them must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFilter {
    pub status: Option<UpdateStatus>,
    pub agent_id: Option<i64>,
    /// Captured on or after this day (business time zone).
    pub from_date: Option<Day>,
    /// Captured on or before this day, the whole day included.
    pub to_date: Option<Day>,
    /// A policy number (its beginning) or part of the customer's name.
    pub q: String,
    /// Not said ([`Leads::DEFAULT`]): the master system's customers only. Parsing never keeps the
    /// default as `Some`, so one filter has one URL.
    pub leads: Option<Leads>,
}

/// Which page of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    pub limit: i64,
    pub offset: i64,
}

impl Default for Paging {
    fn default() -> Self {
        Self { limit: DEFAULT_PAGE_SIZE, offset: 0 }
    }
}

impl Paging {
    /// The report's page `page` (from 1) of `size` rows; a size not offered becomes the default.
    pub fn page(page: i64, size: i64) -> Self {
        let size = if PAGE_SIZES.contains(&size) { size } else { DEFAULT_PAGE_SIZE };
        Self { limit: size, offset: (page.max(1) - 1).saturating_mul(size) }
    }

    /// The page number (from 1) this paging shows.
    pub fn page_number(&self) -> i64 {
        self.offset / self.limit.max(1) + 1
    }
}

fn optional(get: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl ReportFilter {
    /// Reads the filter from query parameters (the page's URL or the API's query), reporting every
    /// bad parameter by its name.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let mut field = |name: &'static str, message: String| errors.push(FieldError::new(name, message));
        let status = optional(&get, "status")
            .and_then(|s| UpdateStatus::parse(&s).map_err(|m| field("status", m)).ok());
        let agent_id = optional(&get, "agent_id").and_then(|s| match s.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                field("agent_id", format!("'{s}' is not an agent id: use the number of a user."));
                None
            }
        });
        let from_date =
            optional(&get, "from_date").and_then(|s| Day::parse(&s).map_err(|m| field("from_date", m)).ok());
        let to_date =
            optional(&get, "to_date").and_then(|s| Day::parse(&s).map_err(|m| field("to_date", m)).ok());
        if let (Some(from), Some(to)) = (from_date, to_date)
            && from > to
        {
            field("to_date", format!("The end date {to} is before the start date {from}."));
        }
        let q = optional(&get, "q").unwrap_or_default();
        let count = q.chars().count();
        if count > Q_MAX {
            field("q", format!("Search for at most {Q_MAX} characters ({count} entered)."));
        } else if get("q").is_some_and(|raw| raw.chars().any(char::is_control)) {
            // Before trimming, so a tab or a line break alone is refused like any other.
            field("q", "The search must not contain control characters.".to_owned());
        }
        let leads = optional(&get, "leads")
            .and_then(|s| Leads::parse(&s).map_err(|m| field("leads", m)).ok())
            .filter(|l| *l != Leads::DEFAULT);
        if errors.is_empty() {
            Ok(Self { status, agent_id, from_date, to_date, q, leads })
        } else {
            Err(AppError::Invalid(errors))
        }
    }

    /// Which updates of new leads the filter takes, the default resolved.
    pub fn leads(&self) -> Leads {
        self.leads.unwrap_or(Leads::DEFAULT)
    }

    /// The filter as query parameters, in a fixed order (empty when nothing is filtered).
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(s) = self.status {
            params.push(("status", s.as_str().to_owned()));
        }
        if let Some(a) = self.agent_id {
            params.push(("agent_id", a.to_string()));
        }
        if let Some(d) = self.from_date {
            params.push(("from_date", d.to_string()));
        }
        if let Some(d) = self.to_date {
            params.push(("to_date", d.to_string()));
        }
        if !self.q.is_empty() {
            params.push(("q", self.q.clone()));
        }
        if let Some(l) = self.leads {
            params.push(("leads", l.as_str().to_owned()));
        }
        params
    }

    pub fn is_empty(&self) -> bool {
        self.to_params().is_empty()
    }
}

/// `key=value&…`, each part percent-encoded.
pub fn query_string(params: &[(&str, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={}", super::url::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The report's address for `filter` at `page` of `size` rows (defaults left out).
pub fn report_url(filter: &ReportFilter, page: i64, size: i64) -> String {
    let mut params = filter.to_params();
    if page > 1 {
        params.push(("page", page.to_string()));
    }
    if size != DEFAULT_PAGE_SIZE {
        params.push(("size", size.to_string()));
    }
    if params.is_empty() {
        "/admin/contact-updates".to_owned()
    } else {
        format!("/admin/contact-updates?{}", query_string(&params))
    }
}

/// A rejection's reason: required, short, printable.
pub fn parse_reject_reason(s: &str) -> Result<String, AppError> {
    let reason = s.trim();
    let count = reason.chars().count();
    let message = if reason.is_empty() {
        "Say why this update is rejected.".to_owned()
    } else if count > REJECT_REASON_MAX {
        format!("A reason can be at most {REJECT_REASON_MAX} characters ({count} entered).")
    } else if reason.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        "The reason must not contain control characters other than line breaks and tabs.".to_owned()
    } else {
        return Ok(reason.to_owned());
    };
    Err(AppError::invalid("reason", message))
}

/// One contact update as the report shows it (times already in the business time zone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: i64,
    pub contact_id: i64,
    /// `None`: a new lead, not in the master system.
    pub customer_id: Option<String>,
    pub policy_number: Option<String>,
    pub customer_name: String,
    pub old_mobile: Option<String>,
    pub new_mobile: Option<String>,
    pub old_email: Option<String>,
    pub new_email: Option<String>,
    pub reason: String,
    pub notes: Option<String>,
    pub agent_name: String,
    pub captured_at: String,
    pub status: UpdateStatus,
    /// Synced or rejected: when, by whom.
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub reject_reason: Option<String>,
}

/// The two export formats: CSV for the master system's import, Excel for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::Xlsx => "Excel",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            other => Err(format!("Unknown export format '{other}': use csv or xlsx.")),
        }
    }
}

impl TryFrom<String> for ExportFormat {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

/// One export as the report lists it: enough to download it again and to sync exactly it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSummary {
    pub id: i64,
    pub format: ExportFormat,
    pub rows: i64,
    pub created_at: String,
    pub created_by: String,
    /// The report filter it was made from, as query parameters.
    pub filter: String,
}

impl ExportSummary {
    pub fn download_url(&self) -> String {
        format!("/v1/exports/{}/download", self.id)
    }
}

/// A page of the report, with what the filter form needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPage {
    pub rows: Vec<ReportRow>,
    /// Every update matching the filter, not only this page.
    pub total: i64,
    pub paging: Paging,
    /// The newest update id when the page was read: "all matching" means matching up to here,
    /// so an update captured while the admin reads the page is never synced unseen.
    pub as_of: i64,
    /// (id, name) of everyone who can capture updates, for the agent filter.
    pub agents: Vec<(i64, String)>,
    /// The latest exports, newest first.
    pub exports: Vec<ExportSummary>,
}

/// What a sync did: rows marked synced now, and rows left as they were (already synced or
/// rejected, or not found).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncOutcome {
    pub synced_count: i64,
    pub skipped_count: i64,
}

impl SyncOutcome {
    pub fn message(&self) -> String {
        let plural = |n: i64| if n == 1 { "update" } else { "updates" };
        let mut message = format!("{} {} marked as synced", self.synced_count, plural(self.synced_count));
        if self.skipped_count > 0 {
            message.push_str(&format!(
                "; {} left as they were (already synced or rejected)",
                self.skipped_count
            ));
        }
        message
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<ReportFilter, AppError> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ReportFilter::from_params(|k| map.get(k).cloned())
    }

    #[test]
    fn days_are_real_calendar_days() {
        assert_eq!(Day::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        for bad in ["2023-02-29", "2026-13-01", "2026-1-01", "26-11-25", "2026-11-31", "yesterday", ""] {
            assert!(Day::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_filter_survives_its_url() {
        let filter = parse(&[
            ("status", "pending"),
            ("agent_id", "7"),
            ("from_date", "2026-11-01"),
            ("to_date", "2026-11-25"),
            ("q", "Zoë & Co/LIB"),
            ("leads", "only"),
        ])
        .unwrap();
        let back: HashMap<String, String> =
            filter.to_params().into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        assert_eq!(ReportFilter::from_params(|k| back.get(k).cloned()).unwrap(), filter);
        let url = report_url(&filter, 2, 100);
        assert!(url.contains("q=Zo%C3%AB%20%26%20Co/LIB"), "{url}");
        assert!(url.ends_with("&page=2&size=100"), "{url}");
        assert_eq!(report_url(&ReportFilter::default(), 1, DEFAULT_PAGE_SIZE), "/admin/contact-updates");
        let default = parse(&[("leads", "exclude")]).unwrap();
        assert_eq!(default, ReportFilter::default(), "the default has one URL");
        assert_eq!(default.leads(), Leads::DEFAULT);
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let err = parse(&[
            ("status", "done"),
            ("agent_id", "bob"),
            ("from_date", "2026-02-30"),
            ("to_date", "soon"),
            ("q", &"x".repeat(101)),
            ("leads", "maybe"),
        ])
        .unwrap_err();
        for field in ["status", "agent_id", "from_date", "to_date", "q", "leads"] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
        let err = parse(&[("from_date", "2026-11-25"), ("to_date", "2026-11-24")]).unwrap_err();
        assert!(err.field_message("to_date").unwrap().contains("before the start date"));
    }

    #[test]
    fn empty_parameters_filter_nothing() {
        assert_eq!(parse(&[("status", ""), ("q", "  ")]).unwrap(), ReportFilter::default());
    }

    #[test]
    fn pages_offer_fixed_sizes() {
        assert_eq!(Paging::page(3, 25), Paging { limit: 25, offset: 50 });
        assert_eq!(Paging::page(0, 7), Paging { limit: DEFAULT_PAGE_SIZE, offset: 0 });
        assert_eq!(Paging::page(3, 25).page_number(), 3);
    }

    #[test]
    fn reject_reasons_are_required_and_short() {
        assert_eq!(parse_reject_reason("  wrong customer ").unwrap(), "wrong customer");
        assert!(parse_reject_reason(" ").is_err());
        assert!(parse_reject_reason(&"r".repeat(501)).is_err());
    }

    #[test]
    fn the_sync_message_counts_both() {
        assert_eq!(SyncOutcome { synced_count: 1, skipped_count: 0 }.message(), "1 update marked as synced");
        assert_eq!(
            SyncOutcome { synced_count: 5, skipped_count: 2 }.message(),
            "5 updates marked as synced; 2 left as they were (already synced or rejected)"
        );
    }
}
