//! A contact as agents create and edit it: the status, and the New Contact and Edit Contact
//! forms' rules, shared by the browser (as the agent types) and the server (the authority).

use serde::{Deserialize, Serialize};

use super::email::Email;
use crate::error::{AppError, FieldError};

/// Customers come from the master system; a lead is someone the call center met first (an
/// unknown number that called, or a person an agent entered by hand).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactStatus {
    Customer,
    #[default]
    NewLead,
}

impl ContactStatus {
    pub const ALL: [Self; 2] = [Self::Customer, Self::NewLead];

    /// What is stored, sent in the API and written in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::NewLead => "new_lead",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Customer => "Customer",
            Self::NewLead => "New Lead",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("Unknown status '{s}': use customer or new_lead."))
    }
}

/// Read from the database's text column.
impl TryFrom<String> for ContactStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

/// A person's name as the call center writes it.
pub const NAME_MAX: usize = 200;

pub fn parse_name(s: &str) -> Result<String, String> {
    let name = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err("Enter the contact's name.".into());
    }
    let count = name.chars().count();
    if count > NAME_MAX {
        return Err(format!("A name has at most {NAME_MAX} characters ({count} entered)."));
    }
    if name.chars().any(char::is_control) {
        return Err("A name must not contain control characters.".into());
    }
    Ok(name)
}

/// What the agent typed into the New Contact form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContactInput {
    pub name: String,
    pub mobile: String,
    pub email: String,
}

/// A new contact that passed every rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewContact {
    pub name: String,
    /// E.164.
    pub mobile: Option<String>,
    pub email: Option<Email>,
}

impl NewContactInput {
    /// The Update Contact modal's rules for the values (a mobile that is a mobile, a valid
    /// email, at least one of them), plus a name. `mobile` is the number rule to use: the light
    /// shape check in the browser, the full `phonenumber` parse on the server.
    pub fn validate(&self, mobile: impl Fn(&str) -> Result<String, String>) -> Result<NewContact, AppError> {
        let mut errors = Vec::new();
        let name = parse_name(&self.name).map_err(|m| errors.push(FieldError::new("name", m)));
        let parsed_mobile = match self.mobile.trim() {
            "" => None,
            typed => mobile(typed).map_err(|m| errors.push(FieldError::new("mobile", m))).ok(),
        };
        let email = match self.email.trim() {
            "" => None,
            typed => Email::parse(typed).map_err(|m| errors.push(FieldError::new("email", m))).ok(),
        };
        if self.mobile.trim().is_empty() && self.email.trim().is_empty() {
            errors.push(FieldError::new("mobile", "Enter a mobile number or an email address (or both)."));
        }
        match name {
            Ok(name) if errors.is_empty() => Ok(NewContact { name, mobile: parsed_mobile, email }),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn light(s: &str) -> Result<String, String> {
        super::super::phone::normalize_light(s)
    }

    #[test]
    fn statuses_round_trip() {
        for s in ContactStatus::ALL {
            assert_eq!(ContactStatus::parse(s.as_str()), Ok(s));
        }
        assert!(ContactStatus::parse("vip").is_err());
        assert_eq!(ContactStatus::default(), ContactStatus::NewLead);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  Marie   Laval "), Ok("Marie Laval".into()));
        assert!(parse_name("   ").is_err());
        assert!(parse_name(&"x".repeat(NAME_MAX + 1)).is_err());
        assert!(parse_name("a\u{7}b").is_err());
    }

    #[test]
    fn a_new_contact_needs_a_name_and_a_way_to_reach_them() {
        let ok =
            NewContactInput { name: "Marie Laval".into(), mobile: "5737 2333".into(), email: String::new() }
                .validate(light)
                .unwrap();
        assert_eq!(ok.mobile.as_deref(), Some("+23057372333"));
        assert_eq!(ok.email, None);

        let Err(AppError::Invalid(errors)) = NewContactInput::default().validate(light) else { panic!() };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "mobile"]);

        let Err(AppError::Invalid(errors)) =
            NewContactInput { name: "A".into(), mobile: "12".into(), email: "nope".into() }.validate(light)
        else {
            panic!()
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["mobile", "email"]);
    }
}
