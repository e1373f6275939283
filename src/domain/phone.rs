//! Phone numbers: one type, [`PhoneNumber`], parsed once (E.164 inside, the kind of line known)
//! and used by the modal's check, the import, search and the phones' upload route alike.
//!
//! A Mauritian mobile is 8 digits starting with 5 (`57372333`); an international number is
//! written with `+` or `00` and its country code. The browser knows only the shape
//! ([`normalize_light`], for instant feedback as the agent types); the server parses with the full
//! `phonenumber` metadata (too heavy for the WASM bundle) and is the authority on whether a
//! number exists and what kind of line it is.

use serde::{Deserialize, Serialize};

/// The message shown for any number that is not in an accepted shape.
pub const MOBILE_FORMAT_HINT: &str =
    "Enter an 8-digit Mauritian mobile (e.g. 57372333) or an international number starting with + or 00.";

/// Mauritius' country calling code.
pub const MU_CODE: &str = "230";

/// The punctuation people and phones write numbers with (`(+230) 5737 2333`, `5737-2333`,
/// `5737.2333`, `+230/5737 2333`): ignored wherever a phone number is typed. Letters and
/// extensions are not.
pub fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}')
}

/// Normalises a typed mobile number to E.164 by shape alone.
///
/// Punctuation ([`is_separator`]) is ignored; `00` means `+`.
pub fn normalize_light(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Enter a mobile number.".into());
    }
    let mut compact = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        match c {
            '0'..='9' => compact.push(c),
            // Leading: before any digit, perhaps after a parenthesis.
            '+' if compact.is_empty() => compact.push(c),
            c if is_separator(c) => {}
            _ => {
                return Err(
                    "A mobile number may contain only digits, a leading + and spaces, dashes, dots, slashes or parentheses."
                        .into(),
                );
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

/// How a stored E.164 number is shown: national for Mauritius (`5737 2333` for a mobile,
/// `208 1234` for a fixed line), else as stored.
pub fn display(e164: &str) -> String {
    match e164.strip_prefix("+230") {
        Some(local) if local.len() == 8 => format!("{} {}", &local[..4], &local[4..]),
        Some(local) if local.len() == 7 => format!("{} {}", &local[..3], &local[3..]),
        _ => e164.to_owned(),
    }
}

/// A stored E.164 number as the master system keeps it: a Mauritius number in its national
/// digits (`58123456`; the seed's "Must be 8 digits", "No country code needed"), any other in
/// E.164, which the master cannot shorten. The export and the seed-shaped API both use it, with
/// the E.164 beside it for integrations.
pub fn master_form(e164: &str) -> String {
    match e164.strip_prefix("+230") {
        Some(local) if !local.is_empty() && local.bytes().all(|b| b.is_ascii_digit()) => local.to_owned(),
        _ => e164.to_owned(),
    }
}

/// The kind of line a number is, as far as its country's numbering plan tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Mobile,
    FixedLine,
    /// The plan cannot tell (e.g. North America) or it is another kind (toll-free, VoIP…).
    Other,
}

/// A phone number parsed once: E.164 inside, shown nationally at home, its line kind known.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneNumber {
    e164: String,
    kind: LineKind,
}

impl PhoneNumber {
    pub fn e164(&self) -> &str {
        &self.e164
    }

    pub fn into_e164(self) -> String {
        self.e164
    }

    pub fn kind(&self) -> LineKind {
        self.kind
    }

    /// National for Mauritius, international otherwise.
    pub fn display(&self) -> String {
        display(&self.e164)
    }
}

/// Why a call has no number, as the phone reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withheld {
    /// The network gave no number.
    Unknown,
    /// The caller hid it.
    Private,
    /// A payphone.
    Payphone,
}

impl Withheld {
    /// What phones write for a call without a number: words, or Android's call log values
    /// (`CallLog.Calls.NUMBER` is `-1` unknown, `-2` private, `-3` payphone).
    pub fn of(input: &str) -> Option<Self> {
        let t = input.trim();
        let is = |word: &str| t.eq_ignore_ascii_case(word);
        if ["", "-", "-1", "unknown"].into_iter().any(is) {
            Some(Self::Unknown)
        } else if ["-2", "private", "anonymous", "withheld", "restricted"].into_iter().any(is) {
            Some(Self::Private)
        } else if ["-3", "payphone"].into_iter().any(is) {
            Some(Self::Payphone)
        } else {
            None
        }
    }

    /// How Call Logs and a contact's calls name the other party.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unknown => "Unknown number",
            Self::Private => "Private number",
            Self::Payphone => "Payphone",
        }
    }
}

/// True when a phone reported no number at all: the call is stored without a contact.
pub fn is_withheld(input: &str) -> bool {
    Withheld::of(input).is_some()
}

/// What was dialled, `+` and digits, when `input` is written like a phone number: 3 to 15
/// digits, an optional leading `+` or `00`, spaces, dashes, dots and parentheses ignored. The
/// OpenAPI document's pattern for a phone filter says the same.
#[cfg(feature = "ssr")]
pub fn dialled(input: &str) -> Result<String, String> {
    let compact: String = input.trim().chars().filter(|c| !is_separator(*c)).collect();
    // `00` is the international prefix only before a number (`000` is three digits).
    let candidate = match compact.strip_prefix("00") {
        Some(rest) if rest.len() >= 3 => format!("+{rest}"),
        _ => compact,
    };
    let digits = candidate.strip_prefix('+').unwrap_or(&candidate);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("This is not a phone number: use digits, with an optional leading + or 00.".into());
    }
    if !(3..=15).contains(&digits.len()) {
        return Err(format!("A phone number has 3 to 15 digits; this has {}.", digits.len()));
    }
    Ok(candidate)
}

#[cfg(feature = "ssr")]
impl PhoneNumber {
    /// Any number a phone could have called or been called from: mobile or fixed line, at home
    /// (national digits) or abroad (`+` or `00`). Refused only when the text cannot be a phone
    /// number at all; a number the metadata does not know (a new range) is kept as dialled,
    /// because a recording is never refused for its number.
    pub fn parse(input: &str) -> Result<Self, String> {
        use phonenumber::{Mode, country};

        let candidate = dialled(input)?;
        let number = phonenumber::parse(Some(country::Id::MU), &candidate)
            .map_err(|e| format!("This is not a phone number ({e})."))?;
        let kind = if number.is_valid() { Self::kind_of(&number) } else { LineKind::Other };
        Ok(Self { e164: number.format().mode(Mode::E164).to_string(), kind })
    }

    /// A customer's mobile, as agents type it in the modal and the master system exports it:
    /// first the shared shape rule (so browser and server give the same message for a malformed
    /// number), then the full check that the number exists for its country.
    pub fn parse_mobile(input: &str) -> Result<Self, String> {
        use phonenumber::{Mode, country};

        let candidate = normalize_light(input)?;
        let number = phonenumber::parse(Some(country::Id::MU), &candidate)
            .map_err(|_| format!("This is not a valid phone number. {MOBILE_FORMAT_HINT}"))?;
        if !number.is_valid() {
            return Err(format!(
                "This number does not exist for its country code; check the digits. {MOBILE_FORMAT_HINT}"
            ));
        }
        let kind = Self::kind_of(&number);
        if kind == LineKind::FixedLine {
            return Err(format!("This is a fixed line; enter a mobile number. {MOBILE_FORMAT_HINT}"));
        }
        Ok(Self { e164: number.format().mode(Mode::E164).to_string(), kind })
    }

    /// The line kind the numbering plan gives a (valid) number.
    fn kind_of(number: &phonenumber::PhoneNumber) -> LineKind {
        match number.number_type(&phonenumber::metadata::DATABASE) {
            phonenumber::Type::Mobile => LineKind::Mobile,
            phonenumber::Type::FixedLine => LineKind::FixedLine,
            _ => LineKind::Other,
        }
    }

    /// For search: any typed form of a phone number, or `None` if the text is not one. Only the
    /// shape counts here: a stored number is findable even if the metadata has since changed.
    pub fn search_key(input: &str) -> Option<Self> {
        let digits = input.chars().filter(char::is_ascii_digit).count();
        if digits < 7 {
            return None;
        }
        normalize_light(input)
            .ok()
            .map(|e164| Self { e164, kind: LineKind::Other })
            .or_else(|| Self::parse(input).ok())
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
        // As people write them: parentheses round the code, slashes, dots.
        for input in ["(+230) 5737 2333", "+230/5737 2333", "5737.2333", "5737/2333", "(00230)57372333"] {
            assert_eq!(normalize_light(input).as_deref(), Ok("+23057372333"), "{input:?}");
        }
    }

    #[test]
    fn the_master_system_gets_mauritius_numbers_national_and_others_whole() {
        assert_eq!(master_form("+23058123456"), "58123456");
        assert_eq!(master_form("+2302081234"), "2081234");
        assert_eq!(master_form("+33612345678"), "+33612345678");
        assert_eq!(master_form("+2301"), "1");
        assert_eq!(master_form("+230"), "+230");
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
            ("5737 2333 ext 12", "only digits"),
            ("5737 2333 #12", "only digits"),
        ];
        for (input, why) in cases {
            let err = normalize_light(input).unwrap_err();
            assert!(err.contains(why), "{input:?}: {err}");
        }
    }

    #[test]
    fn androids_call_log_values_say_why_there_is_no_number() {
        assert_eq!(Withheld::of("-1"), Some(Withheld::Unknown));
        assert_eq!(Withheld::of(" -2 "), Some(Withheld::Private));
        assert_eq!(Withheld::of("-3"), Some(Withheld::Payphone));
        assert_eq!(Withheld::of("Private").map(Withheld::label), Some("Private number"));
        assert_eq!(Withheld::of("").map(Withheld::label), Some("Unknown number"));
        assert_eq!(Withheld::of("PAYPHONE").map(Withheld::label), Some("Payphone"));
        assert_eq!(Withheld::of("-4"), None);
        assert_eq!(Withheld::of("57372333"), None);
    }

    #[test]
    fn withheld_numbers_are_recognised() {
        for w in ["", " Private ", "UNKNOWN", "anonymous"] {
            assert!(is_withheld(w), "{w:?}");
        }
        assert!(!is_withheld("57372333"));
    }

    #[test]
    fn display_is_national_at_home() {
        assert_eq!(display("+23057372333"), "5737 2333");
        assert_eq!(display("+2302081234"), "208 1234");
        assert_eq!(display("+33612345678"), "+33612345678");
    }
}

#[cfg(all(test, feature = "ssr"))]
mod server_tests {
    use super::*;

    #[test]
    fn every_written_form_of_a_mauritian_mobile() {
        for input in ["57372333", "5737 2333", "+230 5737 2333", "0023057372333"] {
            let n = PhoneNumber::parse_mobile(input).unwrap();
            assert_eq!((n.e164(), n.kind()), ("+23057372333", LineKind::Mobile), "{input}");
            assert_eq!(PhoneNumber::parse(input).unwrap(), n, "{input}");
        }
    }

    #[test]
    fn valid_international_mobiles_are_accepted() {
        assert_eq!(PhoneNumber::parse_mobile("+33 6 12 34 56 78").unwrap().e164(), "+33612345678");
        assert_eq!(PhoneNumber::parse_mobile("0044 7911 123456").unwrap().e164(), "+447911123456");
        assert_eq!(PhoneNumber::parse_mobile("+27 82 123 4567").unwrap().e164(), "+27821234567");
    }

    #[test]
    fn invalid_mobiles_are_refused() {
        for bad in [
            "+33 1",
            "+999 12345678",
            "5737abcd",
            "573723",
            "+44 0000 000000",
            "12345678",
            "208 1234",
            "+44 20 7946 0018",
        ] {
            assert!(PhoneNumber::parse_mobile(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn any_number_a_call_can_have() {
        let fixed = PhoneNumber::parse("208 1234").unwrap();
        assert_eq!((fixed.e164(), fixed.kind()), ("+2302081234", LineKind::FixedLine));
        assert_eq!(fixed.display(), "208 1234");
        let london = PhoneNumber::parse("+44 20 7946 0018").unwrap();
        assert_eq!((london.e164(), london.kind()), ("+442079460018", LineKind::FixedLine));
        assert_eq!(PhoneNumber::parse("0033612345678").unwrap().e164(), "+33612345678");
        for bad in ["abc", "12", "+", "5737-abcd", "++23057372333", "1234567890123456"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn search_key_only_for_phone_like_text() {
        assert_eq!(PhoneNumber::search_key("5737 2333").unwrap().e164(), "+23057372333");
        assert_eq!(PhoneNumber::search_key("208 1234").unwrap().e164(), "+2302081234");
        assert_eq!(PhoneNumber::search_key("Kevin"), None);
        assert_eq!(PhoneNumber::search_key("LIB/C7013"), None);
    }
}
