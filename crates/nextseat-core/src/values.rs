//! How people type numbers: one reading shared by batch rows, the web form and the
//! interview, so "2.5M", "$800k" and "2,500,000" mean the same everywhere.

/// An amount of dollars as people write it: digits with optional `$`, thousands
/// separators (`,` `_` or spaces) and a scale suffix (`k`, `M`, `B`, any case). Empty
/// means not given. A scaled amount is rounded to whole dollars.
///
/// # Errors
/// What to type instead, when the text is not such an amount or is negative, not finite
/// or unreasonably large (a quadrillion dollars or more).
pub fn amount(s: &str) -> Result<Option<f64>, String> {
    const WHY: &str = "an amount in dollars, 0 or more (e.g. 2500000, 2.5M or 800k)";
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // The common case, a plain number, without building a string.
    let value = match s.parse::<f64>() {
        Ok(v) => v,
        Err(_) => {
            let d = plain(s);
            let (number, scale) = match d.char_indices().last() {
                Some((i, 'k' | 'K')) => (&d[..i], 1e3),
                Some((i, 'm' | 'M')) => (&d[..i], 1e6),
                Some((i, 'b' | 'B')) => (&d[..i], 1e9),
                _ => (d.as_str(), 1.0),
            };
            let v = number.parse::<f64>().map_err(|_| WHY.to_string())? * scale;
            if scale > 1.0 { v.round() } else { v }
        }
    };
    if value.is_finite() && (0.0..1e15).contains(&value) {
        Ok(Some(value))
    } else {
        Err(WHY.into())
    }
}

/// A whole number as people write it (`35`, `1,200`); empty means not given.
///
/// # Errors
/// What to type instead, when the text is not a whole number.
pub fn whole(s: &str) -> Result<Option<i64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .or_else(|_| plain(s).parse::<i64>())
        .map(Some)
        .map_err(|_| "a whole number (e.g. 35)".to_string())
}

/// `s` without the `$` and the thousands separators people type.
fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ',' | '_' | '$' | ' '))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_the_way_people_write_them() {
        for (text, want) in [
            ("2500000", 2_500_000.0),
            ("2,500,000", 2_500_000.0),
            ("$2,500,000", 2_500_000.0),
            ("2.5M", 2_500_000.0),
            ("1.2m", 1_200_000.0),
            ("$800k", 800_000.0),
            (" 3 B ", 3_000_000_000.0),
            ("0", 0.0),
            ("1234.56", 1234.56),
        ] {
            assert_eq!(amount(text), Ok(Some(want)), "{text}");
        }
        assert_eq!(amount("  "), Ok(None));
        for bad in ["lots", "-5", "2.5X", "1e20", "NaN", "inf", "$"] {
            assert!(amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn whole_numbers_take_thousands_separators() {
        assert_eq!(whole("35"), Ok(Some(35)));
        assert_eq!(whole("1,200"), Ok(Some(1200)));
        assert_eq!(whole(""), Ok(None));
        assert!(whole("3.5").is_err());
        assert!(whole("many").is_err());
    }
}
