//! The mobile-number rule, full half: the server's authority, with `phonenumber`'s metadata.

use phonenumber::{Mode, country};

use crate::domain::phone::{MOBILE_FORMAT_HINT, normalize_light};

/// Parses a typed mobile number to E.164: first the shared shape rule (so browser and server
/// give the same message for a malformed number), then the full check that the number exists
/// for its country.
pub fn parse_mobile(input: &str) -> Result<String, String> {
    let candidate = normalize_light(input)?;
    let number = phonenumber::parse(Some(country::Id::MU), &candidate)
        .map_err(|_| format!("This is not a valid phone number. {MOBILE_FORMAT_HINT}"))?;
    if !phonenumber::is_valid(&number) {
        return Err(format!(
            "This number does not exist for its country code; check the digits. {MOBILE_FORMAT_HINT}"
        ));
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

/// For search: any typed form of a phone number to E.164, or `None` if it is not one. Only the
/// shape counts here: a stored number is findable even if the metadata has since changed.
pub fn search_key(input: &str) -> Option<String> {
    let digits = input.chars().filter(char::is_ascii_digit).count();
    (digits >= 7).then(|| normalize_light(input).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_of_a_mauritian_mobile() {
        for input in ["57372333", "5737 2333", "+230 5737 2333", "0023057372333"] {
            assert_eq!(parse_mobile(input).as_deref(), Ok("+23057372333"), "{input}");
        }
    }

    #[test]
    fn valid_international_numbers_are_accepted() {
        assert_eq!(parse_mobile("+33 6 12 34 56 78").as_deref(), Ok("+33612345678"));
        assert_eq!(parse_mobile("0044 7911 123456").as_deref(), Ok("+447911123456"));
        assert_eq!(parse_mobile("+27 82 123 4567").as_deref(), Ok("+27821234567"));
    }

    #[test]
    fn invalid_numbers_are_refused() {
        for bad in ["+33 1", "+999 12345678", "5737abcd", "573723", "+44 0000 000000", "12345678"] {
            assert!(parse_mobile(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn search_key_only_for_phone_like_text() {
        assert_eq!(search_key("5737 2333").as_deref(), Some("+23057372333"));
        assert_eq!(search_key("Kevin"), None);
        assert_eq!(search_key("LIB/C7013"), None);
    }
}
