//! The GATT Date Time structure (7 bytes) that time-stamps measurements.
//!
//! The fields are kept as sent: a device whose clock was never set, or one that sends
//! 0 for "unknown", still yields its measurement; [`GattDateTime::to_naive`] says whether
//! the stamp is a usable calendar date and time. Devices stamp in their own local time,
//! with no time zone: the caller decides how far to trust it.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// Date and time as sent by the device (year 0, month 0 or day 0 mean "unknown").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GattDateTime {
    /// Year, 1582 to 9999; 0 when unknown.
    pub year: u16,
    /// Month, 1 to 12; 0 when unknown.
    pub month: u8,
    /// Day of the month, 1 to 31; 0 when unknown.
    pub day: u8,
    /// Hours, 0 to 23.
    pub hours: u8,
    /// Minutes, 0 to 59.
    pub minutes: u8,
    /// Seconds, 0 to 59.
    pub seconds: u8,
}

impl GattDateTime {
    /// Decodes the 7 bytes: year (u16 little-endian), month, day, hours, minutes, seconds.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 7]) -> Self {
        let [year_low, year_high, month, day, hours, minutes, seconds] = bytes;
        Self {
            year: u16::from_le_bytes([year_low, year_high]),
            month,
            day,
            hours,
            minutes,
            seconds,
        }
    }

    /// Encodes the 7 bytes (for simulators and tests).
    #[must_use]
    pub fn to_bytes(self) -> [u8; 7] {
        let [year_low, year_high] = self.year.to_le_bytes();
        [
            year_low,
            year_high,
            self.month,
            self.day,
            self.hours,
            self.minutes,
            self.seconds,
        ]
    }

    /// The calendar date and time, or `None` if a field is unknown (0) or out of range.
    #[must_use]
    pub fn to_naive(self) -> Option<NaiveDateTime> {
        if !(1582..=9999).contains(&self.year) {
            return None;
        }
        NaiveDate::from_ymd_opt(
            i32::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        )?
        .and_hms_opt(
            u32::from(self.hours),
            u32::from(self.minutes),
            u32::from(self.seconds),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_encodes_the_seven_bytes() {
        let bytes = [0xE9, 0x07, 0x03, 0x0E, 0x09, 0x1E, 0x2D];
        let stamp = GattDateTime::from_bytes(bytes);
        assert_eq!(
            stamp,
            GattDateTime {
                year: 2025,
                month: 3,
                day: 14,
                hours: 9,
                minutes: 30,
                seconds: 45
            }
        );
        assert_eq!(stamp.to_bytes(), bytes);
        let expected = NaiveDate::from_ymd_opt(2025, 3, 14)
            .unwrap()
            .and_hms_opt(9, 30, 45)
            .unwrap();
        assert_eq!(stamp.to_naive(), Some(expected));
    }

    #[test]
    fn unknown_or_impossible_fields_give_no_calendar_date() {
        let base = GattDateTime::from_bytes([0xE9, 0x07, 0x03, 0x0E, 0x09, 0x1E, 0x2D]);
        for stamp in [
            GattDateTime { year: 0, ..base },
            GattDateTime { year: 1581, ..base },
            GattDateTime {
                year: 10000,
                ..base
            },
            GattDateTime { month: 0, ..base },
            GattDateTime { month: 13, ..base },
            GattDateTime { day: 0, ..base },
            GattDateTime {
                month: 2,
                day: 30,
                ..base
            },
            GattDateTime { hours: 24, ..base },
            GattDateTime {
                minutes: 60,
                ..base
            },
            GattDateTime {
                seconds: 60,
                ..base
            },
        ] {
            assert_eq!(stamp.to_naive(), None, "{stamp:?}");
        }
    }

    #[test]
    fn serializes_in_camel_case() {
        let stamp = GattDateTime::from_bytes([0xE9, 0x07, 0x03, 0x0E, 0x09, 0x1E, 0x2D]);
        assert_eq!(
            serde_json::to_value(stamp).unwrap(),
            serde_json::json!({
                "year": 2025, "month": 3, "day": 14, "hours": 9, "minutes": 30, "seconds": 45
            })
        );
    }
}
