//! API tokens: what a token may do, and how Admin → Tokens shows one.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a token may do. A phone gets an `Upload` token: if it is lost, the finder can upload
/// recordings and read nothing. An integration (the master-system sync) gets an `Api` token,
/// which acts with its user's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    Upload,
    Api,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upload => "upload",
            Self::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "upload" => Ok(Self::Upload),
            "api" => Ok(Self::Api),
            _ => Err(AppError::invalid("scope", "Scope must be upload (a phone) or api (an integration).")),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Upload => "Upload (phone)",
            Self::Api => "API (integration)",
        }
    }
}

/// A token's label, e.g. "Priya's Galaxy A54": 1–80 characters, so a list of phones stays legible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub const MAX: usize = 80;

    pub fn parse(s: &str) -> Result<Self, AppError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(AppError::invalid("name", "Give the token a name, e.g. the phone it is for."));
        }
        if s.chars().count() > Self::MAX {
            return Err(AppError::invalid(
                "name",
                format!("A token name has at most {} characters.", Self::MAX),
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(AppError::invalid("name", "A token name cannot contain control characters."));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A token as an admin asks for it: every field checked, every problem reported at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewToken {
    pub username: String,
    pub scope: TokenScope,
    pub name: TokenName,
}

impl NewToken {
    pub fn parse(username: &str, scope: &str, name: &str) -> Result<Self, AppError> {
        let username = username.trim().to_lowercase();
        let user_err =
            username.is_empty().then(|| AppError::invalid("user", "Choose the user the token acts for."));
        match (user_err, TokenScope::parse(scope), TokenName::parse(name)) {
            (None, Ok(scope), Ok(name)) => Ok(Self { username, scope, name }),
            (u, s, n) => Err(AppError::Invalid(
                [u, s.err(), n.err()]
                    .into_iter()
                    .flatten()
                    .flat_map(|e| match e {
                        AppError::Invalid(v) => v,
                        _ => Vec::new(),
                    })
                    .collect(),
            )),
        }
    }
}

/// One row of Admin → Tokens. The secret is never part of it: only its hash is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSummary {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub user_name: String,
    pub scope: TokenScope,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A token just issued: the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub token: String,
    pub summary: TokenSummary,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_refuse() {
        assert_eq!(TokenScope::parse(" Upload ").unwrap(), TokenScope::Upload);
        assert_eq!(TokenScope::parse("api").unwrap(), TokenScope::Api);
        assert!(TokenScope::parse("admin").unwrap_err().field_message("scope").is_some());
    }

    #[test]
    fn a_new_token_reports_every_problem() {
        let err = NewToken::parse(" ", "root", "").unwrap_err();
        for field in ["user", "scope", "name"] {
            assert!(err.field_message(field).is_some(), "{field}: {err:?}");
        }
        let ok = NewToken::parse(" Priya ", "upload", "Galaxy").unwrap();
        assert_eq!((ok.username.as_str(), ok.scope), ("priya", TokenScope::Upload));
    }

    #[test]
    fn names_are_bounded() {
        assert_eq!(TokenName::parse("  Priya's phone ").unwrap().as_str(), "Priya's phone");
        assert!(TokenName::parse("").is_err());
        assert!(TokenName::parse(&"x".repeat(81)).is_err());
        assert!(TokenName::parse("a\nb").is_err());
    }
}
