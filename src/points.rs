//! Points as exact tenths, so sums and deductions never drift the way binary floats do
//! (0.1 × 3 ≠ 0.3). Chinese assessment sheets score in halves and tenths, never finer.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use serde::{Serialize, Serializer};

/// A number of points, stored in tenths of a point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(u32);

impl Points {
    /// No points.
    pub const ZERO: Points = Points(0);

    /// Points from a count of tenths.
    pub const fn from_tenths(tenths: u32) -> Points {
        Points(tenths)
    }

    /// Points from a decimal as written in a checklist. `None` when the number is negative,
    /// not finite, too large, or finer than a tenth.
    pub fn from_decimal(value: f64) -> Option<Points> {
        if !value.is_finite() || !(0.0..=1_000_000.0).contains(&value) {
            return None;
        }
        let tenths = (value * 10.0).round();
        if (tenths - value * 10.0).abs() > 1e-6 {
            return None;
        }
        Some(Points(tenths as u32))
    }

    /// The number of tenths.
    pub const fn tenths(self) -> u32 {
        self.0
    }

    /// The value as a decimal, for JSON and percentages.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// `self × n`, saturating rather than overflowing.
    pub fn times(self, n: usize) -> Points {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        Points(self.0.saturating_mul(n))
    }

    /// Subtraction floored at zero: 扣完为止, a deduction never goes below nothing.
    pub fn saturating_sub(self, other: Points) -> Points {
        Points(self.0.saturating_sub(other.0))
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, rhs: Points) -> Points {
        Points(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Points {
    fn add_assign(&mut self, rhs: Points) {
        *self = *self + rhs;
    }
}

impl Sub for Points {
    type Output = Points;
    fn sub(self, rhs: Points) -> Points {
        self.saturating_sub(rhs)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Add::add)
    }
}

impl Points {
    /// Appends the points as [`Display`](fmt::Display) writes them, without the formatting
    /// machinery: every row of a large CSV export writes two.
    pub fn push_digits(self, out: &mut Vec<u8>) {
        let mut digits = [0u8; 12];
        let mut at = digits.len();
        let mut put = |b: u8| {
            at -= 1;
            digits[at] = b;
        };
        let (mut whole, tenth) = (self.0 / 10, self.0 % 10);
        if tenth != 0 {
            put(b'0' + tenth as u8);
            put(b'.');
        }
        loop {
            put(b'0' + (whole % 10) as u8);
            whole /= 10;
            if whole == 0 {
                break;
            }
        }
        out.extend_from_slice(&digits[at..]);
    }
}

/// Whole points print without a decimal ("8"), others with one ("0.5"), as on paper.
impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 % 10 == 0 {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, self.0 % 10)
        }
    }
}

/// JSON carries points as numbers: 8, 0.5, 92.5.
impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 10 == 0 {
            serializer.serialize_u32(self.0 / 10)
        } else {
            serializer.serialize_f64(self.as_f64())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_trip_in_tenths() {
        assert_eq!(Points::from_decimal(0.5), Some(Points(5)));
        assert_eq!(Points::from_decimal(8.0), Some(Points(80)));
        assert_eq!(Points::from_decimal(0.1 + 0.2), Some(Points(3)));
        assert_eq!(Points::from_decimal(0.25), None);
        assert_eq!(Points::from_decimal(-1.0), None);
        assert_eq!(Points::from_decimal(f64::NAN), None);
    }

    #[test]
    fn display_drops_trailing_zero() {
        assert_eq!(Points(80).to_string(), "8");
        assert_eq!(Points(5).to_string(), "0.5");
        assert_eq!(Points(925).to_string(), "92.5");
    }

    #[test]
    fn digits_are_as_displayed() {
        let tenths = (0..20_000).chain([99_999, 100_000, 1_000_001, u32::MAX - 1, u32::MAX]);
        for n in tenths {
            let mut digits = b"x".to_vec();
            Points(n).push_digits(&mut digits);
            assert_eq!(digits, format!("x{}", Points(n)).into_bytes());
        }
    }

    #[test]
    fn subtraction_floors_at_zero() {
        assert_eq!(Points(10) - Points(30), Points::ZERO);
        assert_eq!(Points(10).times(3), Points(30));
    }
}
