use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An RFC 3339 date-time (`format: date-time`) that keeps the exact text it was given.
///
/// Decoding checks the text and reads the instant, the UTC offset and the fraction of a
/// second; encoding writes the original text back, so `2009-09-23 14:30:00-07:00` (a
/// space instead of `T`, as the specs' own examples write it) or `...:00.5Z` round-trip
/// unchanged. Two values are equal when their texts are; they are ordered by instant.
///
/// A text without a UTC offset (`2009-09-23T14:30:00`, which RFC 3339 does not allow but
/// some payloads carry) is accepted rather than failing a whole response: its instant is
/// read as UTC and [`DateTime::offset_seconds`] is `None`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTime {
    text: String,
    unix_seconds: i64,
    nanos: u32,
    offset_seconds: Option<i32>,
}

/// Why a text is not an RFC 3339 date-time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTimeError {
    text: String,
    reason: &'static str,
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an RFC 3339 date-time: {}",
            self.text, self.reason
        )
    }
}

impl std::error::Error for DateTimeError {}

impl DateTime {
    /// Parses `YYYY-MM-DD(T| )hh:mm:ss[.fraction](Z|±hh:mm)`; the offset may be missing.
    pub fn parse(text: &str) -> Result<DateTime, DateTimeError> {
        let fail = |reason| DateTimeError {
            text: text.to_owned(),
            reason,
        };
        let b = text.as_bytes();
        if b.len() < 19 {
            return Err(fail("too short"));
        }
        let digits = |range: std::ops::Range<usize>| -> Result<i64, DateTimeError> {
            let part = &b[range];
            if part.iter().all(u8::is_ascii_digit) {
                Ok(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
            } else {
                Err(fail("expected digits"))
            }
        };
        if b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
            return Err(fail("expected YYYY-MM-DD and hh:mm:ss"));
        }
        if !matches!(b[10], b'T' | b't' | b' ') {
            return Err(fail("expected `T` or a space between date and time"));
        }
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(fail("no such date"));
        }
        // 60 is a leap second; it is kept in the text and read as :59.
        if hour > 23 || minute > 59 || second > 60 {
            return Err(fail("no such time"));
        }
        let mut i = 19;
        let mut nanos = 0u32;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return Err(fail("expected digits after `.`"));
            }
            for (n, d) in b[start..i].iter().take(9).enumerate() {
                nanos += u32::from(d - b'0') * 10u32.pow(8 - n as u32);
            }
        }
        let offset_seconds = match &b[i..] {
            [] => None,
            [b'Z' | b'z'] => Some(0),
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hours = digits(i + 1..i + 3)?;
                let minutes = digits(i + 4..i + 6)?;
                let _ = (h1, h2, m1, m2);
                if hours > 23 || minutes > 59 {
                    return Err(fail("no such offset"));
                }
                let seconds = (hours * 3600 + minutes * 60) as i32;
                Some(if *sign == b'-' { -seconds } else { seconds })
            }
            _ => return Err(fail("expected `Z` or an offset like +05:30")),
        };
        let days = days_from_civil(year, month, day);
        let local = days * 86_400 + hour * 3600 + minute * 60 + second.min(59);
        Ok(DateTime {
            text: text.to_owned(),
            unix_seconds: local - i64::from(offset_seconds.unwrap_or(0)),
            nanos,
            offset_seconds,
        })
    }

    /// A date-time at `unix_seconds` + `nanos` in UTC, written as `...Z` with as many
    /// fraction digits as needed.
    pub fn from_unix(unix_seconds: i64, nanos: u32) -> DateTime {
        let nanos = nanos.min(999_999_999);
        let days = unix_seconds.div_euclid(86_400);
        let secs = unix_seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        if nanos > 0 {
            let fraction = format!("{nanos:09}");
            text.push('.');
            text.push_str(fraction.trim_end_matches('0'));
        }
        text.push('Z');
        DateTime {
            text,
            unix_seconds,
            nanos,
            offset_seconds: Some(0),
        }
    }

    /// The current time.
    pub fn now() -> DateTime {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        DateTime::from_unix(since.as_secs() as i64, since.subsec_nanos())
    }

    /// The text, exactly as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_seconds(&self) -> i64 {
        self.unix_seconds
    }

    /// Fraction of the second, in nanoseconds (digits past the ninth are ignored).
    pub fn nanos(&self) -> u32 {
        self.nanos
    }

    /// The UTC offset the text was written in, in seconds east of UTC; `None` when the
    /// text has no offset.
    pub fn offset_seconds(&self) -> Option<i32> {
        self.offset_seconds
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({})", self.text)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for DateTime {
    type Err = DateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DateTime::parse(text)
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.unix_seconds, self.nanos, &self.text).cmp(&(
            other.unix_seconds,
            other.nanos,
            &other.text,
        ))
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = super::Key::deserialize(deserializer)?;
        DateTime::parse(text.as_str()).map_err(serde::de::Error::custom)
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_offset_and_fraction() {
        let t = DateTime::parse("2009-09-23 14:30:00-07:00").unwrap();
        assert_eq!(t.as_str(), "2009-09-23 14:30:00-07:00");
        assert_eq!(t.offset_seconds(), Some(-7 * 3600));
        assert_eq!(t.unix_seconds(), 1_253_741_400);
        let t = DateTime::parse("2015-07-20T15:49:04.120Z").unwrap();
        assert_eq!(t.nanos(), 120_000_000);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2015-07-20T15:49:04.120Z\""
        );
    }

    #[test]
    fn unix_round_trip() {
        for seconds in [-86_401, 0, 951_782_400, 1_700_000_000, 4_102_444_800] {
            let t = DateTime::from_unix(seconds, 5_000);
            let again = DateTime::parse(t.as_str()).unwrap();
            assert_eq!((again.unix_seconds(), again.nanos()), (seconds, 5_000));
        }
    }

    #[test]
    fn accepts_a_missing_offset_as_utc() {
        let t = DateTime::parse("2009-09-23T14:30:00.5").unwrap();
        assert_eq!(t.offset_seconds(), None);
        assert_eq!((t.unix_seconds(), t.nanos()), (1_253_716_200, 500_000_000));
        assert_eq!(t.as_str(), "2009-09-23T14:30:00.5");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "string",
            "2009-02-29T00:00:00Z",
            "2009-09-23T14:30",
            "2009-09-23T14:30:00+7:00",
            "2009-09-23T14:30:00 ",
        ] {
            assert!(DateTime::parse(bad).is_err(), "{bad}");
        }
    }
}
