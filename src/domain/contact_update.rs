//! A captured contact correction: the Update Contact form's rules, shared by the modal (as the
//! agent types) and the server (as the authority).

use serde::{Deserialize, Serialize};

use super::email::Email;
use crate::error::{AppError, FieldError};

/// Why the agent changed the contact; required, one of six. Its JSON is its label, as the API
/// takes it (the API also forgives the case and surrounding spaces).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum UpdateReason {
    #[serde(rename = "Customer provided new contact")]
    CustomerProvidedNew,
    #[serde(rename = "Current contact is incorrect")]
    CurrentIncorrect,
    #[serde(rename = "Current contact is missing")]
    CurrentMissing,
    #[serde(rename = "Email bounced / SMS failed")]
    BouncedOrFailed,
    #[serde(rename = "Customer requested update")]
    CustomerRequested,
    #[serde(rename = "Other")]
    Other,
}

impl UpdateReason {
    pub const ALL: [Self; 6] = [
        Self::CustomerProvidedNew,
        Self::CurrentIncorrect,
        Self::CurrentMissing,
        Self::BouncedOrFailed,
        Self::CustomerRequested,
        Self::Other,
    ];

    /// The words of the seed document; also what is stored and exported.
    pub fn label(self) -> &'static str {
        match self {
            Self::CustomerProvidedNew => "Customer provided new contact",
            Self::CurrentIncorrect => "Current contact is incorrect",
            Self::CurrentMissing => "Current contact is missing",
            Self::BouncedOrFailed => "Email bounced / SMS failed",
            Self::CustomerRequested => "Customer requested update",
            Self::Other => "Other",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("Select the reason for this update.".into());
        }
        Self::ALL
            .into_iter()
            .find(|r| r.label().eq_ignore_ascii_case(s))
            .ok_or_else(|| "Select one of the listed reasons.".into())
    }
}

/// Where an update stands in the master-system sync. Moves once, from `Pending` to one of the
/// others (the database's trigger enforces it too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UpdateStatus {
    Pending,
    Synced,
    Rejected,
}

impl UpdateStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Synced, Self::Rejected];

    /// What is stored, sent in the API and written in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Synced => "synced",
            Self::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Synced => "Synced",
            Self::Rejected => "Rejected",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("Unknown status '{s}': use pending, synced or rejected."))
    }
}

impl std::fmt::Display for UpdateStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Read from the database's text column.
impl TryFrom<String> for UpdateStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

/// Optional free text, at most 500 characters.
pub const NOTES_MAX: usize = 500;

pub fn parse_notes(s: &str) -> Result<Option<String>, String> {
    let trimmed = s.trim();
    let count = trimmed.chars().count();
    if count > NOTES_MAX {
        return Err(format!("Notes can be at most {NOTES_MAX} characters ({count} entered)."));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err("Notes must not contain control characters.".into());
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

/// What the agent typed into the modal, before any rule ran.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactUpdateInput {
    pub new_mobile: String,
    pub new_email: String,
    pub reason: String,
    pub notes: String,
}

/// A correction that passed every rule: at least one value really changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactChange {
    /// E.164.
    pub new_mobile: Option<String>,
    pub new_email: Option<Email>,
    pub reason: UpdateReason,
    pub notes: Option<String>,
}

impl ContactUpdateInput {
    /// Runs every rule and reports each failing field. `mobile` is the number rule to use: the
    /// light shape check in the browser, the full `phonenumber` parse on the server. `current_*`
    /// are the contact's current values: a "new" value equal to them is no change.
    pub fn validate(
        &self,
        mobile: impl Fn(&str) -> Result<String, String>,
        current_mobile: Option<&str>,
        current_email: Option<&str>,
    ) -> Result<ContactChange, AppError> {
        let mut errors = Vec::new();
        let new_mobile = match self.new_mobile.trim() {
            "" => None,
            typed => match mobile(typed) {
                Ok(e164) => (current_mobile != Some(e164.as_str())).then_some(e164),
                Err(message) => {
                    errors.push(FieldError::new("new_mobile", message));
                    None
                }
            },
        };
        let new_email = match self.new_email.trim() {
            "" => None,
            typed => match Email::parse(typed) {
                Ok(email) => {
                    let same = current_email.is_some_and(|c| c.eq_ignore_ascii_case(email.as_str()));
                    (!same).then_some(email)
                }
                Err(message) => {
                    errors.push(FieldError::new("new_email", message));
                    None
                }
            },
        };
        let reason = UpdateReason::parse(&self.reason).map_err(|m| errors.push(FieldError::new("reason", m)));
        let notes = parse_notes(&self.notes).map_err(|m| errors.push(FieldError::new("notes", m)));
        let field_errors_before = errors.len();
        if new_mobile.is_none()
            && new_email.is_none()
            && !errors.iter().any(|e| e.field == "new_mobile" || e.field == "new_email")
        {
            let message = if self.new_mobile.trim().is_empty() && self.new_email.trim().is_empty() {
                "Enter a new mobile number or a new email address (or both)."
            } else {
                "The new values are the same as the current ones: nothing would change."
            };
            errors.push(FieldError::new("change", message));
        }
        match (reason, notes) {
            (Ok(reason), Ok(notes)) if errors.is_empty() => {
                Ok(ContactChange { new_mobile, new_email, reason, notes })
            }
            _ => {
                debug_assert!(errors.len() >= field_errors_before);
                Err(AppError::Invalid(errors))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::phone::normalize_light;

    #[cfg(feature = "ssr")]
    #[test]
    fn a_reason_in_json_is_its_label() {
        for reason in UpdateReason::ALL {
            assert_eq!(serde_json::to_value(reason).unwrap(), reason.label());
        }
    }

    fn input(mobile: &str, email: &str, reason: &str, notes: &str) -> ContactUpdateInput {
        ContactUpdateInput {
            new_mobile: mobile.into(),
            new_email: email.into(),
            reason: reason.into(),
            notes: notes.into(),
        }
    }

    const REASON: &str = "Customer provided new contact";

    #[test]
    fn statuses_read_back_what_they_write() {
        for status in UpdateStatus::ALL {
            assert_eq!(UpdateStatus::parse(status.as_str()), Ok(status));
            assert_eq!(UpdateStatus::try_from(status.to_string()), Ok(status));
        }
        assert_eq!(UpdateStatus::parse(" Synced "), Ok(UpdateStatus::Synced));
        assert!(UpdateStatus::parse("done").unwrap_err().contains("pending, synced or rejected"));
    }

    #[test]
    fn mobile_only_email_only_and_both() {
        let m =
            input("5812 3456", "", REASON, "").validate(normalize_light, Some("+23057372333"), None).unwrap();
        assert_eq!(m.new_mobile.as_deref(), Some("+23058123456"));
        assert_eq!(m.new_email, None);
        let e = input("", "new@email.com", REASON, "").validate(normalize_light, None, None).unwrap();
        assert_eq!(e.new_email.unwrap().as_str(), "new@email.com");
        let both = input("58123456", "new@email.com", REASON, "called in")
            .validate(normalize_light, None, None)
            .unwrap();
        assert!(both.new_mobile.is_some() && both.new_email.is_some());
        assert_eq!(both.notes.as_deref(), Some("called in"));
    }

    #[test]
    fn reason_is_required_and_must_be_listed() {
        let err = input("58123456", "", "", "").validate(normalize_light, None, None).unwrap_err();
        assert_eq!(err.field_message("reason").as_deref(), Some("Select the reason for this update."));
        let err = input("58123456", "", "Because", "").validate(normalize_light, None, None).unwrap_err();
        assert!(err.field_message("reason").is_some());
        for r in UpdateReason::ALL {
            assert_eq!(UpdateReason::parse(r.label()), Ok(r));
        }
    }

    #[test]
    fn notes_at_500_pass_and_501_fail() {
        let ok = input("58123456", "", REASON, &"n".repeat(500)).validate(normalize_light, None, None);
        assert!(ok.is_ok());
        let err = input("58123456", "", REASON, &"n".repeat(501))
            .validate(normalize_light, None, None)
            .unwrap_err();
        assert_eq!(
            err.field_message("notes").as_deref(),
            Some("Notes can be at most 500 characters (501 entered).")
        );
        // Characters, not bytes: 500 accented letters are fine.
        assert!(
            input("58123456", "", REASON, &"é".repeat(500)).validate(normalize_light, None, None).is_ok()
        );
    }

    #[test]
    fn at_least_one_real_change() {
        let none = input("", "", REASON, "").validate(normalize_light, None, None).unwrap_err();
        assert!(none.field_message("change").unwrap().contains("Enter a new mobile"));
        let same = input("5737 2333", "OLD@Email.com", REASON, "")
            .validate(normalize_light, Some("+23057372333"), Some("old@email.com"))
            .unwrap_err();
        assert!(same.field_message("change").unwrap().contains("same as the current"));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let err = input("123", "not-an-email", "", &"x".repeat(501))
            .validate(normalize_light, None, None)
            .unwrap_err();
        for field in ["new_mobile", "new_email", "reason", "notes"] {
            assert!(err.field_message(field).is_some(), "{field}");
        }
        assert!(err.field_message("change").is_none(), "no extra noise when a typed value is wrong");
    }
}
