//! The mobile-number rule, light half: what the browser checks as the agent types.
//!
//! A Mauritian mobile is 8 digits starting with 5 (`57372333`); an international number is
//! written with `+` or `00` and its country code. This half knows only the shape; the server
//! then parses with the full `phonenumber` metadata (too heavy for the WASM bundle) and is the
//! authority on whether the number exists for its country.

/// The message shown for any number that is not in an accepted shape.
pub const MOBILE_FORMAT_HINT: &str =
    "Enter an 8-digit Mauritian mobile (e.g. 57372333) or an international number starting with + or 00.";

/// Mauritius' country calling code.
pub const MU_CODE: &str = "230";

/// Normalises a typed mobile number to E.164 by shape alone.
///
/// Spaces, dashes, dots and parentheses are ignored; `00` means `+`.
pub fn normalize_light(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Enter a mobile number.".into());
    }
    let mut compact = String::with_capacity(trimmed.len());
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => compact.push(c),
            '+' if i == 0 => compact.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            _ => {
                return Err("A mobile number may contain only digits, spaces and a leading + sign.".into());
            }
        }
    }
    let international = if let Some(rest) = compact.strip_prefix('+') {
        Some(rest.to_owned())
    } else {
        compact.strip_prefix("00").map(str::to_owned)
    };
    match international {
        Some(digits) => {
            if let Some(local) = digits.strip_prefix(MU_CODE) {
                mauritian_mobile(local)
            } else if digits.len() < 8 {
                Err(format!("This international number is too short. {MOBILE_FORMAT_HINT}"))
            } else if digits.len() > 15 {
                Err(format!("This international number is too long. {MOBILE_FORMAT_HINT}"))
            } else if digits.starts_with('0') {
                Err(format!("A country code never starts with 0. {MOBILE_FORMAT_HINT}"))
            } else {
                Ok(format!("+{digits}"))
            }
        }
        None => mauritian_mobile(&compact),
    }
}

fn mauritian_mobile(local: &str) -> Result<String, String> {
    match local.len() {
        n if n < 8 => Err(format!("A Mauritian mobile has 8 digits; this has {n}. {MOBILE_FORMAT_HINT}")),
        n if n > 8 => Err(format!("A Mauritian mobile has 8 digits; this has {n}. {MOBILE_FORMAT_HINT}")),
        _ if !local.starts_with('5') => {
            Err("A Mauritian mobile starts with 5 (e.g. 57372333); this looks like a landline.".into())
        }
        _ => Ok(format!("+{MU_CODE}{local}")),
    }
}

/// How a stored E.164 number is shown: national for Mauritius (`5737 2333`), else as stored.
pub fn display(e164: &str) -> String {
    match e164.strip_prefix("+230") {
        Some(local) if local.len() == 8 => format!("{} {}", &local[..4], &local[4..]),
        _ => e164.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mauritian_mobiles_in_every_written_form() {
        for input in
            ["57372333", "5737 2333", "+230 5737 2333", "0023057372333", "+230-5737-2333", " 57372333 "]
        {
            assert_eq!(normalize_light(input).as_deref(), Ok("+23057372333"), "{input:?}");
        }
    }

    #[test]
    fn international_numbers_with_a_prefix() {
        assert_eq!(normalize_light("+33 6 12 34 56 78").as_deref(), Ok("+33612345678"));
        assert_eq!(normalize_light("0044 7911 123456").as_deref(), Ok("+447911123456"));
    }

    #[test]
    fn wrong_shapes_are_refused_with_a_reason() {
        let cases = [
            ("5737233", "8 digits"),
            ("573723331", "8 digits"),
            ("4737 2333", "starts with 5"),
            ("5737abcd", "only digits"),
            ("+12", "too short"),
            ("+1234567890123456", "too long"),
            ("", "Enter a mobile"),
            ("+0612345678", "never starts with 0"),
            ("57+372333", "only digits"),
        ];
        for (input, why) in cases {
            let err = normalize_light(input).unwrap_err();
            assert!(err.contains(why), "{input:?}: {err}");
        }
    }

    #[test]
    fn display_is_national_at_home() {
        assert_eq!(display("+23057372333"), "5737 2333");
        assert_eq!(display("+33612345678"), "+33612345678");
    }
}
