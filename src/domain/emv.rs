//! The payment QR payload: EMVCo's merchant-presented QR format (the standard behind
//! Mauritius' national QR), built and read back by the same code.
//!
//! A payload is a run of data objects, each `ID` (2 digits) `length` (2 digits) `value`; a
//! template's value is itself such a run. It ends with `6304` and the CRC-16/CCITT-FALSE of
//! everything before the CRC's four hex digits. Pure: no I/O, compiled for the server and the
//! browser alike (the browser does not call it, so it costs the bundle nothing).

use super::money::Money;

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), called CRC-16/IBM-3740 in the catalogue.
const CRC: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740);

/// ISO 4217 numeric code of the Mauritian rupee.
pub const CURRENCY_MUR: &str = "480";
pub const COUNTRY: &str = "MU";
/// EMVCo limits of the fields this payload carries.
pub const MAX_NAME: usize = 25;
pub const MAX_CITY: usize = 15;
pub const MAX_BILL_NUMBER: usize = 25;
/// The amount data object holds at most 13 characters (`9999999999.99`).
const MAX_AMOUNT_CHARS: usize = 13;

/// Why a payload could not be built or read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmvError {
    #[error("the payload ends inside a data object at character {at}")]
    Truncated { at: usize },
    #[error("data object {id} at character {at} has a length that is not two digits")]
    BadLength { id: String, at: usize },
    #[error("a data object id at character {at} is not two digits")]
    BadId { at: usize },
    #[error("data object {id} must hold 1 to 99 characters; it would hold {len}")]
    ValueLength { id: String, len: usize },
    #[error("{field} is missing")]
    Missing { field: &'static str },
    #[error("{field} is '{value}', expected {expected}")]
    Unexpected { field: &'static str, value: String, expected: &'static str },
    #[error("the CRC is {found}, but the payload's CRC is {computed}")]
    Crc { found: String, computed: String },
    #[error("the merchant account template id {0} is outside 26–51")]
    AccountTag(u8),
    #[error("the amount '{0}' is not a positive amount with two decimals")]
    Amount(String),
    #[error("{field} has characters a payment QR cannot carry")]
    Characters { field: &'static str },
}

/// Where the payment goes: the acquirer's template (26–51) with its network id and the
/// merchant's id in that network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerchantAccount {
    pub tag: u8,
    pub guid: String,
    pub merchant_id: String,
}

/// Everything a payment QR for one policy says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentPayload {
    pub account: MerchantAccount,
    /// 4 digits; 6300 is insurance sales and premiums.
    pub merchant_category_code: String,
    pub amount: Money,
    pub merchant_name: String,
    pub merchant_city: String,
    /// The policy number: the bank app sends it back, so the payment lands on the policy.
    pub bill_number: String,
}

fn push(out: &mut String, id: &str, value: &str) -> Result<(), EmvError> {
    if value.is_empty() || value.len() > 99 {
        return Err(EmvError::ValueLength { id: id.to_owned(), len: value.len() });
    }
    out.push_str(id);
    out.push_str(&format!("{:02}", value.len()));
    out.push_str(value);
    Ok(())
}

/// Printable ASCII only: what every bank app's reader takes, and one character per byte, so
/// lengths count characters.
fn printable(field: &'static str, value: &str) -> Result<(), EmvError> {
    if value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Ok(())
    } else {
        Err(EmvError::Characters { field })
    }
}

/// A policy number as a bill number: printable ASCII, at most 25 characters.
pub fn bill_number(policy_number: &str) -> String {
    policy_number.chars().filter(|c| c.is_ascii() && !c.is_ascii_control()).take(MAX_BILL_NUMBER).collect()
}

fn crc_hex(body: &str) -> String {
    format!("{:04X}", CRC.checksum(body.as_bytes()))
}

impl PaymentPayload {
    /// The payload string, refusing a field that does not fit the format.
    pub fn encode(&self) -> Result<String, EmvError> {
        if !(26..=51).contains(&self.account.tag) {
            return Err(EmvError::AccountTag(self.account.tag));
        }
        let mcc = &self.merchant_category_code;
        if mcc.len() != 4 || !mcc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EmvError::Unexpected {
                field: "merchant category code",
                value: mcc.clone(),
                expected: "4 digits",
            });
        }
        if self.amount.cents <= 0 || self.amount.plain().len() > MAX_AMOUNT_CHARS {
            return Err(EmvError::Amount(self.amount.plain()));
        }
        for (field, value, max) in [
            ("merchant name", &self.merchant_name, MAX_NAME),
            ("merchant city", &self.merchant_city, MAX_CITY),
            ("bill number", &self.bill_number, MAX_BILL_NUMBER),
        ] {
            printable(field, value)?;
            if value.len() > max {
                return Err(EmvError::ValueLength { id: field.to_owned(), len: value.len() });
            }
        }
        printable("merchant account", &self.account.guid)?;
        printable("merchant id", &self.account.merchant_id)?;
        let mut account = String::new();
        push(&mut account, "00", &self.account.guid)?;
        push(&mut account, "01", &self.account.merchant_id)?;
        let mut additional = String::new();
        push(&mut additional, "01", &self.bill_number)?;

        let mut out = String::with_capacity(160);
        push(&mut out, "00", "01")?; // payload format indicator
        push(&mut out, "01", "12")?; // dynamic: this code is for one payment
        push(&mut out, &format!("{:02}", self.account.tag), &account)?;
        push(&mut out, "52", mcc)?;
        push(&mut out, "53", CURRENCY_MUR)?;
        push(&mut out, "54", &self.amount.plain())?;
        push(&mut out, "58", COUNTRY)?;
        push(&mut out, "59", &self.merchant_name)?;
        push(&mut out, "60", &self.merchant_city)?;
        push(&mut out, "62", &additional)?;
        out.push_str("6304");
        let crc = crc_hex(&out);
        out.push_str(&crc);
        Ok(out)
    }

    /// Reads a payload back: every length checked, the CRC checked, the fixed fields (format,
    /// dynamic, currency, country) as this application writes them.
    pub fn parse(payload: &str) -> Result<Self, EmvError> {
        printable("payload", payload)?;
        let objects = objects(payload, 0)?;
        let (crc_at, found) = objects
            .iter()
            .find(|o| o.id == "63")
            .map(|o| (o.at, o.value.to_owned()))
            .ok_or(EmvError::Missing { field: "CRC (63)" })?;
        if crc_at + 8 != payload.len() {
            return Err(EmvError::Unexpected {
                field: "CRC (63)",
                value: found,
                expected: "the last data object",
            });
        }
        let computed = crc_hex(&payload[..crc_at + 4]);
        if !found.eq_ignore_ascii_case(&computed) {
            return Err(EmvError::Crc { found, computed });
        }
        let get = |id: &str, field: &'static str| {
            objects.iter().find(|o| o.id == id).map(|o| o.value).ok_or(EmvError::Missing { field })
        };
        let expect = |id: &str, field: &'static str, expected: &'static str| -> Result<(), EmvError> {
            let value = get(id, field)?;
            if value == expected {
                Ok(())
            } else {
                Err(EmvError::Unexpected { field, value: value.into(), expected })
            }
        };
        expect("00", "payload format indicator (00)", "01")?;
        expect("01", "point of initiation (01)", "12")?;
        expect("53", "currency (53)", CURRENCY_MUR)?;
        expect("58", "country (58)", COUNTRY)?;
        let account_object = objects
            .iter()
            .find(|o| o.id.parse::<u8>().is_ok_and(|t| (26..=51).contains(&t)))
            .ok_or(EmvError::Missing { field: "merchant account (26–51)" })?;
        let inner = objects_of(account_object)?;
        let sub = |id: &str, field: &'static str| {
            inner.iter().find(|o| o.id == id).map(|o| o.value.to_owned()).ok_or(EmvError::Missing { field })
        };
        let account = MerchantAccount {
            tag: account_object.id.parse().expect("checked above"),
            guid: sub("00", "merchant account network id (00)")?,
            merchant_id: sub("01", "merchant id (01)")?,
        };
        let additional = objects
            .iter()
            .find(|o| o.id == "62")
            .ok_or(EmvError::Missing { field: "additional data (62)" })?;
        let bill = objects_of(additional)?
            .into_iter()
            .find(|o| o.id == "01")
            .map(|o| o.value.to_owned())
            .ok_or(EmvError::Missing { field: "bill number (62/01)" })?;
        Ok(Self {
            account,
            merchant_category_code: get("52", "merchant category code (52)")?.to_owned(),
            amount: parse_amount(get("54", "amount (54)")?)?,
            merchant_name: get("59", "merchant name (59)")?.to_owned(),
            merchant_city: get("60", "merchant city (60)")?.to_owned(),
            bill_number: bill,
        })
    }
}

/// `4491.29` → 449,129 cents; exactly two decimals, positive.
fn parse_amount(s: &str) -> Result<Money, EmvError> {
    let bad = || EmvError::Amount(s.to_owned());
    let (rupees, cents) = s.split_once('.').ok_or_else(bad)?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(rupees) || cents.len() != 2 || !digits(cents) {
        return Err(bad());
    }
    let value = rupees
        .parse::<i64>()
        .ok()
        .and_then(|r| r.checked_mul(100))
        .and_then(|r| r.checked_add(cents.parse().ok()?));
    match value {
        Some(v) if v > 0 => Ok(Money::from_cents(v)),
        _ => Err(bad()),
    }
}

/// One data object: its id, value, and where it starts in the whole payload.
struct Object<'a> {
    id: &'a str,
    value: &'a str,
    at: usize,
}

/// Splits `s` (starting at `offset` of the whole payload) into its data objects.
fn objects(s: &str, offset: usize) -> Result<Vec<Object<'_>>, EmvError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let at = offset + i;
        let head = s.get(i..i + 4).ok_or(EmvError::Truncated { at })?;
        let (id, len) = head.split_at(2);
        if !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EmvError::BadId { at });
        }
        if !len.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EmvError::BadLength { id: id.to_owned(), at });
        }
        let len: usize = len.parse().expect("two digits");
        let value = s.get(i + 4..i + 4 + len).ok_or(EmvError::Truncated { at })?;
        out.push(Object { id, value, at });
        i += 4 + len;
    }
    Ok(out)
}

fn objects_of<'a>(template: &Object<'a>) -> Result<Vec<Object<'a>>, EmvError> {
    objects(template.value, template.at + 4)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn demo() -> PaymentPayload {
        PaymentPayload {
            account: MerchantAccount {
                tag: 26,
                guid: "mu.maucas".into(),
                merchant_id: "DEMO-MERCHANT-0001".into(),
            },
            merchant_category_code: "6300".into(),
            amount: Money::from_cents(449_129),
            merchant_name: "Demo Life Insurance".into(),
            merchant_city: "Port Louis".into(),
            bill_number: "LIB/C7013".into(),
        }
    }

    #[test]
    fn crc_is_ccitt_false() {
        // The catalogue's check value for CRC-16/CCITT-FALSE.
        assert_eq!(CRC.checksum(b"123456789"), 0x29B1);
    }

    #[test]
    fn a_payload_has_every_field_and_a_valid_crc() {
        let p = demo().encode().unwrap();
        assert!(p.starts_with("000201010212"), "{p}");
        assert!(p.contains("26350009mu.maucas0118DEMO-MERCHANT-0001"), "{p}");
        assert!(p.contains("52046300") && p.contains("5303480") && p.contains("54074491.29"), "{p}");
        assert!(p.contains("5802MU5919Demo Life Insurance6010Port Louis"), "{p}");
        assert!(p.contains("62130109LIB/C7013"), "{p}");
        let (body, crc) = p.split_at(p.len() - 4);
        assert!(body.ends_with("6304"));
        assert_eq!(crc, crc_hex(body));
        assert_eq!(PaymentPayload::parse(&p), Ok(demo()));
    }

    #[test]
    fn the_parser_names_what_is_wrong() {
        let p = demo().encode().unwrap();
        let mut flipped = p.clone();
        flipped.replace_range(p.len() - 1.., if p.ends_with('0') { "1" } else { "0" });
        assert!(matches!(PaymentPayload::parse(&flipped), Err(EmvError::Crc { .. })));
        assert!(matches!(PaymentPayload::parse(&p[..p.len() - 6]), Err(EmvError::Truncated { .. })));
        assert!(matches!(PaymentPayload::parse("000201010212"), Err(EmvError::Missing { .. })));
        // A length that runs past the end of the payload.
        let body = "000201010212549912.00";
        assert!(matches!(PaymentPayload::parse(body), Err(EmvError::Truncated { .. })));
        let mut bad = demo();
        bad.amount = Money::from_cents(0);
        assert_eq!(bad.encode(), Err(EmvError::Amount("0.00".into())));
        bad = demo();
        bad.merchant_city = "A city far too long".into();
        assert!(matches!(bad.encode(), Err(EmvError::ValueLength { .. })));
        bad = demo();
        bad.bill_number = "LIB/Ç".into();
        assert_eq!(bad.encode(), Err(EmvError::Characters { field: "bill number" }));
    }

    fn text(max: usize) -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("[ -~]{{1,{max}}}")).unwrap()
    }

    proptest! {
        #[test]
        fn every_valid_payload_parses_back_to_its_fields(
            tag in 26u8..=51,
            guid in text(30),
            merchant_id in text(30),
            mcc in "[0-9]{4}",
            cents in 1i64..=999_999_999_999,
            name in text(MAX_NAME),
            city in text(MAX_CITY),
            bill in text(MAX_BILL_NUMBER),
        ) {
            let payload = PaymentPayload {
                account: MerchantAccount { tag, guid, merchant_id },
                merchant_category_code: mcc,
                amount: Money::from_cents(cents),
                merchant_name: name,
                merchant_city: city,
                bill_number: bill,
            };
            let encoded = payload.encode().unwrap();
            prop_assert_eq!(PaymentPayload::parse(&encoded), Ok(payload));
        }

        #[test]
        fn no_string_makes_the_parser_panic(s in "[ -~]{0,200}") {
            let _ = PaymentPayload::parse(&s);
        }
    }
}
