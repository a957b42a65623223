//! French number formatting: decimal comma, no trailing noise.

/// `value` with exactly `decimals` decimals and a decimal comma ("37,8"); never "-0".
pub(crate) fn fixed(value: f64, decimals: usize) -> String {
    let s = format!("{value:.decimals$}").replace('.', ",");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == ',') => rest.to_string(),
        _ => s,
    }
}

/// `value` with at most `decimals` decimals, trailing zeros removed ("0,3", "400", "1,05").
pub(crate) fn trimmed(value: f64, decimals: usize) -> String {
    let s = fixed(value, decimals);
    if s.contains(',') {
        s.trim_end_matches('0').trim_end_matches(',').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let table = [
            (fixed(37.84, 1), "37,8"),
            (fixed(37.0, 1), "37,0"),
            (fixed(-0.04, 1), "0,0"),
            (fixed(-0.4, 0), "0"),
            (fixed(-3.5, 1), "-3,5"),
            (fixed(127.6, 0), "128"),
            (trimmed(0.3, 2), "0,3"),
            (trimmed(400.0, 2), "400"),
            (trimmed(1.05, 2), "1,05"),
            (trimmed(72.50, 2), "72,5"),
            (trimmed(100.0, 1), "100"),
        ];
        for (got, expected) in table {
            assert_eq!(got, expected);
        }
    }
}
