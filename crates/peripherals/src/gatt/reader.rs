//! A bounds-checked little-endian cursor over a packet: every read is an `Err`, never a panic.

use super::date_time::GattDateTime;
use super::{float, sfloat, Field, GattError, Value};

/// Reads the fields of one characteristic's packet, front to back.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
    characteristic: u16,
}

impl<'a> Reader<'a> {
    /// A cursor at the start of `bytes`, a packet of `characteristic` (for error messages).
    pub(crate) fn new(bytes: &'a [u8], characteristic: u16) -> Self {
        Self {
            bytes,
            offset: 0,
            characteristic,
        }
    }

    /// The next `N` bytes, or a `Truncated` error naming `field`.
    fn take<const N: usize>(&mut self, field: Field) -> Result<[u8; N], GattError> {
        let chunk = self
            .offset
            .checked_add(N)
            .and_then(|end| Some((end, self.bytes.get(self.offset..end)?)))
            .and_then(|(end, slice)| Some((end, <[u8; N]>::try_from(slice).ok()?)));
        match chunk {
            Some((end, array)) => {
                self.offset = end;
                Ok(array)
            }
            None => Err(GattError::Truncated {
                characteristic: self.characteristic,
                field,
                offset: self.offset,
                needed: N,
                len: self.bytes.len(),
            }),
        }
    }

    /// An unsigned byte.
    pub(crate) fn u8(&mut self, field: Field) -> Result<u8, GattError> {
        let [byte] = self.take::<1>(field)?;
        Ok(byte)
    }

    /// An unsigned 16-bit integer.
    pub(crate) fn u16(&mut self, field: Field) -> Result<u16, GattError> {
        self.take::<2>(field).map(u16::from_le_bytes)
    }

    /// An unsigned 24-bit integer.
    pub(crate) fn u24(&mut self, field: Field) -> Result<u32, GattError> {
        let [low, mid, high] = self.take::<3>(field)?;
        Ok(u32::from_le_bytes([low, mid, high, 0]))
    }

    /// An IEEE 11073 SFLOAT.
    pub(crate) fn sfloat(&mut self, field: Field) -> Result<Value, GattError> {
        self.take::<2>(field).map(sfloat::from_le_bytes)
    }

    /// An IEEE 11073 FLOAT.
    pub(crate) fn float(&mut self, field: Field) -> Result<Value, GattError> {
        self.take::<4>(field).map(float::from_le_bytes)
    }

    /// A Date Time (7 bytes).
    pub(crate) fn date_time(&mut self, field: Field) -> Result<GattDateTime, GattError> {
        self.take::<7>(field).map(GattDateTime::from_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_order_then_reports_what_is_missing() {
        let mut reader = Reader::new(&[0x01, 0x34, 0x12, 0x56, 0x34, 0x12, 0xAA], 0x2A5E);
        assert_eq!(reader.u8(Field::Flags), Ok(0x01));
        assert_eq!(reader.u16(Field::MeasurementStatus), Ok(0x1234));
        assert_eq!(reader.u24(Field::DeviceAndSensorStatus), Ok(0x0012_3456));
        assert_eq!(
            reader.sfloat(Field::PulseAmplitudeIndex),
            Err(GattError::Truncated {
                characteristic: 0x2A5E,
                field: Field::PulseAmplitudeIndex,
                offset: 6,
                needed: 2,
                len: 7,
            })
        );
        // A failed read consumes nothing.
        assert_eq!(reader.u8(Field::UserId), Ok(0xAA));
        assert!(reader.u8(Field::UserId).is_err());
    }
}
