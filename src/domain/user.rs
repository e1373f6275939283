//! Accounts: who may sign in and what they may do.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};

/// What a signed-in person may do. Admins can do everything agents can.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Agent,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "agent" => Ok(Self::Agent),
            "admin" => Ok(Self::Admin),
            _ => Err(AppError::invalid("role", "Role must be agent or admin.")),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Agent => "Agent",
            Self::Admin => "Admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A login name: 3–32 characters of lower-case letters, digits, `.`, `_` or `-`.
/// Stored lower-case so `Priya` and `priya` are one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub const MIN: usize = 3;
    pub const MAX: usize = 32;

    pub fn parse(s: &str) -> Result<Self, AppError> {
        let s = s.trim().to_lowercase();
        let count = s.chars().count();
        if count == 0 {
            return Err(AppError::invalid("username", "Username is required."));
        }
        if !(Self::MIN..=Self::MAX).contains(&count) {
            return Err(AppError::invalid(
                "username",
                format!("Username must be {} to {} characters long.", Self::MIN, Self::MAX),
            ));
        }
        if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)) {
            return Err(AppError::invalid(
                "username",
                "Username may contain only letters, digits, '.', '_' and '-'.",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's display name, as agents and admins see it in the header and the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX: usize = 100;

    pub fn parse(s: &str) -> Result<Self, AppError> {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.is_empty() {
            return Err(AppError::invalid("name", "Name is required."));
        }
        if s.chars().count() > Self::MAX {
            return Err(AppError::invalid("name", format!("Name must be at most {} characters.", Self::MAX)));
        }
        if s.chars().any(char::is_control) {
            return Err(AppError::invalid("name", "Name must not contain control characters."));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password. Never printed: `Debug` shows a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 10;
    pub const MAX: usize = 128;

    pub fn parse(s: &str) -> Result<Self, AppError> {
        let count = s.chars().count();
        if count < Self::MIN {
            return Err(AppError::invalid(
                "password",
                format!("Password must be at least {} characters.", Self::MIN),
            ));
        }
        if count > Self::MAX {
            return Err(AppError::invalid(
                "password",
                format!("Password must be at most {} characters.", Self::MAX),
            ));
        }
        if s.trim() != s {
            return Err(AppError::invalid("password", "Password must not start or end with a space."));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// The input of Admin → Users → New user, validated as a whole so every bad field is reported.
#[derive(Debug)]
pub struct NewUser {
    pub username: Username,
    pub name: PersonName,
    pub role: Role,
    pub password: NewPassword,
}

impl NewUser {
    pub fn parse(username: &str, name: &str, role: &str, password: &str) -> Result<Self, AppError> {
        let username = Username::parse(username);
        let name = PersonName::parse(name);
        let role = Role::parse(role);
        let password = NewPassword::parse(password);
        match (username, name, role, password) {
            (Ok(username), Ok(name), Ok(role), Ok(password)) => Ok(Self { username, name, role, password }),
            (u, n, r, p) => {
                let errors: Vec<FieldError> = [u.err(), n.err(), r.err(), p.err()]
                    .into_iter()
                    .flatten()
                    .flat_map(|e| match e {
                        AppError::Invalid(v) => v,
                        _ => Vec::new(),
                    })
                    .collect();
                Err(AppError::Invalid(errors))
            }
        }
    }
}

/// The signed-in person, as the browser knows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
    /// The database holds generated demo data; the UI says so on every page.
    pub demo_data: bool,
}

impl Me {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// One row of Admin → Users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Display text, in Mauritius time.
    pub created_at: String,
    pub last_login_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_is_lower_cased_and_trimmed() {
        assert_eq!(Username::parse("  Priya.R ").unwrap().as_str(), "priya.r");
    }

    #[test]
    fn username_rejects_bad_characters_and_lengths() {
        for bad in ["", "ab", "a b c", "priya@nic", &"x".repeat(33), "émile"] {
            let err = Username::parse(bad).unwrap_err();
            assert!(err.field_message("username").is_some(), "{bad:?} accepted");
        }
        assert!(Username::parse(&"x".repeat(32)).is_ok());
    }

    #[test]
    fn name_collapses_spaces_and_limits_length() {
        assert_eq!(PersonName::parse("  Jean   Marc ").unwrap().as_str(), "Jean Marc");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
        assert!(PersonName::parse(&"é".repeat(100)).is_ok());
    }

    #[test]
    fn password_has_bounds_and_never_prints() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse(" padded-password ").is_err());
        assert!(NewPassword::parse(&"p".repeat(129)).is_err());
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "NewPassword(***)");
    }

    #[test]
    fn new_user_reports_every_bad_field() {
        let err = NewUser::parse("x", "", "boss", "short").unwrap_err();
        for field in ["username", "name", "role", "password"] {
            assert!(err.field_message(field).is_some(), "{field} not reported");
        }
    }

    #[test]
    fn role_parses_case_insensitively() {
        assert_eq!(Role::parse("Admin").unwrap(), Role::Admin);
        assert_eq!(Role::parse("agent").unwrap(), Role::Agent);
        assert!(Role::parse("root").is_err());
    }
}
