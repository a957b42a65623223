//! Exact calendar age.
use chrono::{Datelike, NaiveDate};

/// Whole years of age on `today` (exact calendar age). A 29 February birth has its birthday on 1 March in non-leap years.
///
/// `None` when `birth` is after `today`.
pub fn years(birth: NaiveDate, today: NaiveDate) -> Option<u32> {
    if birth > today {
        return None;
    }
    let mut years = today.year() - birth.year();
    // Comparing (month, day) pairs gives the 1 March rule for free: in a non-leap year
    // (2, 28) < (2, 29) <= (3, 1).
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn check(birth: &str, today: &str, expected: Option<u32>) {
        assert_eq!(
            years(d(birth), d(today)),
            expected,
            "years({birth}, {today})"
        );
    }

    #[test]
    fn ages() {
        let table = [
            ("2020-05-10", "2020-05-10", Some(0)),
            ("2020-05-10", "2020-05-09", None),
            ("2020-05-10", "2023-05-09", Some(2)),
            ("2020-05-10", "2023-05-10", Some(3)),
            ("2020-05-10", "2023-05-11", Some(3)),
            ("2020-12-31", "2021-01-01", Some(0)),
            ("2020-12-31", "2021-12-31", Some(1)),
            ("1955-03-14", "2025-03-13", Some(69)),
            ("1955-03-14", "2025-03-14", Some(70)),
            // 29 February births.
            ("2020-02-29", "2023-02-28", Some(2)),
            ("2020-02-29", "2023-03-01", Some(3)),
            ("2020-02-29", "2024-02-28", Some(3)),
            ("2020-02-29", "2024-02-29", Some(4)),
            ("2020-02-29", "2021-02-28", Some(0)),
            ("2020-02-29", "2021-03-01", Some(1)),
            // Born on 1 March, looked at on a leap 29 February.
            ("2021-03-01", "2024-02-29", Some(2)),
            ("2021-03-01", "2024-03-01", Some(3)),
            ("1895-01-01", "2025-01-01", Some(130)),
        ];
        for (birth, today, expected) in table {
            check(birth, today, expected);
        }
    }
}
