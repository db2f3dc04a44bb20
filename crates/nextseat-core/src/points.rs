//! Scores in tenths of a point.
//!
//! Every weight in the knowledge base has at most one decimal, so holding points as an
//! integer count of tenths keeps every sum exact: the evidence lines of a need always add
//! up to its score, to the last digit, in every output format.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub};

/// A number of points, stored as tenths. Serialised as a JSON number with one decimal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(i64);

impl Points {
    /// Zero points.
    pub const ZERO: Points = Points(0);

    /// Points from a whole number.
    pub const fn whole(n: i64) -> Points {
        Points(n * 10)
    }

    /// Points from a count of tenths.
    pub const fn from_tenths(t: i64) -> Points {
        Points(t)
    }

    /// The count of tenths.
    pub const fn tenths(self) -> i64 {
        self.0
    }

    /// Converts a decimal number with at most one decimal place; `None` when the value is
    /// not finite, has a finer fraction, or is beyond ±1e12.
    pub fn from_f64(v: f64) -> Option<Points> {
        if !v.is_finite() || v.abs() > 1e12 {
            return None;
        }
        let t = (v * 10.0).round();
        if (t - v * 10.0).abs() > 1e-6 {
            return None;
        }
        Some(Points(t as i64))
    }

    /// The value as a float (exact for every value this type can hold in practice).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10.0
    }

    /// Clamps into `[lo, hi]`.
    pub fn clamp(self, lo: Points, hi: Points) -> Points {
        Points(self.0.clamp(lo.0, hi.0))
    }
}

impl Points {
    /// Appends the points as [`Display`](fmt::Display) writes them (`81.0`, `-4.0`),
    /// without the formatting machinery: a batch writes four of these per row.
    pub fn push_to(self, out: &mut Vec<u8>) {
        if self.0 < 0 {
            out.push(b'-');
        }
        let a = self.0.unsigned_abs();
        push_digits(out, a / 10);
        out.push(b'.');
        out.push(b'0' + (a % 10) as u8);
    }
}

/// Appends the decimal digits of `n`.
pub fn push_digits(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{}", a / 10, a % 10)
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points(self.0 + o.0)
    }
}

impl AddAssign for Points {
    fn add_assign(&mut self, o: Points) {
        self.0 += o.0;
    }
}

impl Sub for Points {
    type Output = Points;
    fn sub(self, o: Points) -> Points {
        Points(self.0 - o.0)
    }
}

impl Neg for Points {
    type Output = Points;
    fn neg(self) -> Points {
        Points(-self.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, Add::add)
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        let v = f64::deserialize(d)?;
        Points::from_f64(v).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{v} is not a number of points with at most one decimal place"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_to_writes_what_display_writes() {
        for t in [0, 1, 9, 10, 815, 1000, -40, -5, 123_456_789, i64::MIN + 1] {
            let mut s = Vec::new();
            Points::from_tenths(t).push_to(&mut s);
            assert_eq!(
                s,
                Points::from_tenths(t).to_string().as_bytes(),
                "{t} tenths"
            );
        }
    }

    #[test]
    fn digits_are_written_as_display_writes_them() {
        for n in [0, 7, 10, 99, 100, 123_456_789, u64::MAX] {
            let mut s = Vec::new();
            push_digits(&mut s, n);
            assert_eq!(s, n.to_string().as_bytes());
        }
    }

    #[test]
    fn parses_one_decimal_and_rejects_finer() {
        assert_eq!(Points::from_f64(24.5), Some(Points::from_tenths(245)));
        assert_eq!(Points::from_f64(-3.0), Some(Points::whole(-3)));
        assert_eq!(Points::from_f64(0.25), None);
        assert_eq!(Points::from_f64(f64::NAN), None);
    }

    #[test]
    fn displays_with_one_decimal() {
        assert_eq!(Points::from_tenths(813).to_string(), "81.3");
        assert_eq!(Points::from_tenths(-5).to_string(), "-0.5");
        assert_eq!(Points::ZERO.to_string(), "0.0");
    }

    #[test]
    fn sums_are_exact() {
        let s: Points = [0.1, 0.2, 0.3]
            .iter()
            .filter_map(|v| Points::from_f64(*v))
            .sum();
        assert_eq!(s, Points::from_tenths(6));
        assert_eq!(s.as_f64(), 0.6);
    }
}
