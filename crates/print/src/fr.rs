//! French dates and times as documents print them, in the time of metropolitan France.
//!
//! The hub stamps documents with its clock, often in UTC; a French prescription shows the
//! legal time of Europe/Paris whatever offset the instant was written with.
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use chrono_tz::{Europe::Paris, Tz};

/// The instant in the legal time of metropolitan France.
pub(crate) fn paris(t: &DateTime<FixedOffset>) -> DateTime<Tz> {
    t.with_timezone(&Paris)
}

/// The calendar day of the instant in metropolitan France.
pub(crate) fn day(t: &DateTime<FixedOffset>) -> NaiveDate {
    paris(t).date_naive()
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "26 novembre 2026" ("1er" for the first day).
pub(crate) fn date_long(d: NaiveDate) -> String {
    let month = MONTHS[d.month0() as usize];
    let day = if d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    format!("{day} {month} {}", d.year())
}

const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// "jeudi 26 novembre 2026" ("vendredi 1er janvier 2027").
pub(crate) fn date_with_weekday(d: NaiveDate) -> String {
    let weekday = WEEKDAYS[d.weekday().num_days_from_monday() as usize];
    format!("{weekday} {}", date_long(d))
}

/// "26/11/2026".
pub(crate) fn date_short(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "10 h 42", Paris time.
pub(crate) fn time(t: &DateTime<FixedOffset>) -> String {
    let t = paris(t);
    format!("{} h {:02}", t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        assert_eq!(date_long(d), "1er août 2026");
        assert_eq!(date_short(d), "01/08/2026");
        assert_eq!(date_with_weekday(d), "samedi 1er août 2026");
        let thursday = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(date_with_weekday(thursday), "jeudi 26 novembre 2026");
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(date_with_weekday(sunday), "dimanche 29 novembre 2026");
        let t = DateTime::parse_from_rfc3339("2026-11-26T09:05:00+01:00").unwrap();
        assert_eq!(date_long(day(&t)), "26 novembre 2026");
        assert_eq!(time(&t), "9 h 05");
        // UTC instants print in Paris time: winter +1, summer +2, across midnight.
        let t = DateTime::parse_from_rfc3339("2026-11-26T23:30:00Z").unwrap();
        assert_eq!(
            (date_short(day(&t)), time(&t)),
            ("27/11/2026".into(), "0 h 30".into())
        );
        let t = DateTime::parse_from_rfc3339("2026-07-14T08:00:00Z").unwrap();
        assert_eq!(time(&t), "10 h 00");
    }
}
