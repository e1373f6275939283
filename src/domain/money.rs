//! Amounts in Mauritian rupees, held as integer cents so sums are exact.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Money {
    pub cents: i64,
}

impl Money {
    pub fn from_cents(cents: i64) -> Self {
        Self { cents }
    }

    /// `4491.29`: no currency, no grouping, as machine formats (the EMV QR amount) want it.
    pub fn plain(&self) -> String {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// `MUR 4,491.29`, the way the call center reads amounts to customers.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        let (rupees, cents) = (abs / 100, abs % 100);
        let digits = rupees.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "MUR {sign}{grouped}.{cents:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_thousands_separators() {
        assert_eq!(Money::from_cents(449_129).to_string(), "MUR 4,491.29");
        assert_eq!(Money::from_cents(0).to_string(), "MUR 0.00");
        assert_eq!(Money::from_cents(5).to_string(), "MUR 0.05");
        assert_eq!(Money::from_cents(12_345_678_900).to_string(), "MUR 123,456,789.00");
        assert_eq!(Money::from_cents(-100_050).to_string(), "MUR -1,000.50");
        assert_eq!(Money::from_cents(449_129).plain(), "4491.29");
        assert_eq!(Money::from_cents(7).plain(), "0.07");
    }
}
