//! The email rule: a syntactically valid address (RFC 5321/5322 via `email_address`),
//! stored trimmed with its domain lower-cased (the local part is the mailbox owner's business).

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub const MAX: usize = 254;

    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("Enter an email address.".into());
        }
        if trimmed.len() > Self::MAX {
            return Err(format!("An email address has at most {} characters.", Self::MAX));
        }
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err("An email address needs an @ (e.g. customer@example.mu).".into());
        };
        // Addresses that reach real mailboxes have a dot in the domain; `user@localhost` does not.
        if !domain.contains('.') || domain.ends_with('.') || domain.starts_with('.') {
            return Err("The part after @ must be a domain such as example.mu.".into());
        }
        let normalized = format!("{local}@{}", domain.to_lowercase());
        if !email_address::EmailAddress::is_valid(&normalized) {
            return Err("This is not a valid email address (e.g. customer@example.mu).".into());
        }
        Ok(Self(normalized))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_are_normalised() {
        assert_eq!(Email::parse("  Kevin.A@ZwennPay.COM ").unwrap().as_str(), "Kevin.A@zwennpay.com");
        for ok in
            ["o'neil+quotes@example.mu", "first.last-x_y@sub.domain.mu", "a@b.co", "user%tag@example.com"]
        {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn invalid_addresses_are_refused() {
        for bad in [
            "",
            "plainaddress",
            "@example.mu",
            "user@",
            "user@localhost",
            "user@@example.mu",
            "us er@example.mu",
            "user@example.",
            "user@.example.mu",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
        let long = format!("{}@example.mu", "a".repeat(250));
        assert!(Email::parse(&long).unwrap_err().contains("at most"));
    }
}
