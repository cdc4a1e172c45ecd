//! Value types of the LPA document: string-backed enumerations, timestamps and dates.
//!
//! The real store keeps every enumeration as a plain string and checks it with a validator, so
//! an out-of-range value is *stored* (paper channel) or reported as `invalid value` with a
//! JSON-pointer source (online channel) rather than rejected while parsing. The types here keep
//! that behaviour: they accept any string and answer `is_valid`.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, TimeZone, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Cow<'static, str>);

        impl $name {
            $($(#[$vmeta])* pub const $variant: Self = Self(Cow::Borrowed($value));)+

            /// Every value the real store accepts.
            pub const ALL: &'static [&'static str] = &[$($value),+];

            /// Wraps any string, valid or not; see [`Self::is_valid`].
            pub fn new(value: impl Into<String>) -> Self {
                Self(Cow::Owned(value.into()))
            }

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// True for the empty string, which the real store treats as "not set".
            pub fn is_unset(&self) -> bool {
                self.0.is_empty()
            }

            /// True when the value is one of [`Self::ALL`].
            pub fn is_valid(&self) -> bool {
                Self::ALL.contains(&self.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_enum!(
    /// `lpaType`.
    LpaType {
        /// Personal welfare.
        PERSONAL_WELFARE = "personal-welfare",
        /// Property and affairs.
        PROPERTY_AND_AFFAIRS = "property-and-affairs",
    }
);

string_enum!(
    /// The channel an LPA or an actor uses.
    Channel {
        /// Online.
        ONLINE = "online",
        /// Paper.
        PAPER = "paper",
    }
);

string_enum!(
    /// A language: of the LPA document, or an actor's contact preference.
    Lang {
        /// English.
        EN = "en",
        /// Welsh.
        CY = "cy",
    }
);

string_enum!(
    /// The LPA's status, set only by the store.
    LpaStatus {
        /// Created, not yet perfect.
        IN_PROGRESS = "in-progress",
        /// Perfect, waiting out the statutory period.
        STATUTORY_WAITING_PERIOD = "statutory-waiting-period",
        /// Registered.
        REGISTERED = "registered",
        /// Cannot be registered.
        CANNOT_REGISTER = "cannot-register",
        /// Withdrawn by the donor.
        WITHDRAWN = "withdrawn",
        /// Cancelled after registration.
        CANCELLED = "cancelled",
        /// Not to be registered.
        DO_NOT_REGISTER = "do-not-register",
        /// Expired.
        EXPIRED = "expired",
    }
);

string_enum!(
    /// An attorney's or trust corporation's status.
    AttorneyStatus {
        /// Acting.
        ACTIVE = "active",
        /// Not (yet) acting.
        INACTIVE = "inactive",
        /// Removed.
        REMOVED = "removed",
    }
);

string_enum!(
    /// Whether an attorney was appointed as an original or a replacement.
    AppointmentType {
        /// Original attorney.
        ORIGINAL = "original",
        /// Replacement attorney.
        REPLACEMENT = "replacement",
    }
);

string_enum!(
    /// How attorneys (or replacement attorneys) make decisions.
    HowMakeDecisions {
        /// Jointly.
        JOINTLY = "jointly",
        /// Jointly and severally.
        JOINTLY_AND_SEVERALLY = "jointly-and-severally",
        /// Jointly for some decisions, severally for others.
        JOINTLY_FOR_SOME = "jointly-for-some-severally-for-others",
    }
);

string_enum!(
    /// How replacement attorneys step in.
    HowStepIn {
        /// When no original attorney can act.
        ALL_CAN_NO_LONGER_ACT = "all-can-no-longer-act",
        /// When one original attorney can no longer act.
        ONE_CAN_NO_LONGER_ACT = "one-can-no-longer-act",
        /// Some other way, described in the details.
        ANOTHER_WAY = "another-way",
    }
);

string_enum!(
    /// When a property-and-affairs LPA can be used.
    CanUse {
        /// Only when the donor has lost capacity.
        WHEN_CAPACITY_LOST = "when-capacity-lost",
        /// As soon as it is registered.
        WHEN_HAS_CAPACITY = "when-has-capacity",
    }
);

string_enum!(
    /// The life-sustaining treatment option of a personal-welfare LPA.
    LifeSustainingTreatment {
        /// Attorneys may decide.
        OPTION_A = "option-a",
        /// Attorneys may not decide.
        OPTION_B = "option-b",
    }
);

string_enum!(
    /// How an identity was checked.
    IdentityCheckType {
        /// GOV.UK One Login.
        ONE_LOGIN = "one-login",
        /// OPG's paper identity check.
        OPG_PAPER_ID = "opg-paper-id",
    }
);

/// An instant as the real store writes it: RFC 3339 with nanosecond precision and trailing zeros
/// trimmed, the offset kept as received, and the zero value `0001-01-01T00:00:00Z` for "never".
///
/// Equality compares instants, as the store's optimistic-concurrency check does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(DateTime<FixedOffset>);

impl Timestamp {
    /// The zero value, written for timestamps that were never set.
    pub fn zero() -> Self {
        Self(
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0)
                .single()
                .expect("year 1 is representable")
                .fixed_offset(),
        )
    }

    /// The current instant, in UTC.
    pub fn now() -> Self {
        Self(Utc::now().fixed_offset())
    }

    /// The current instant truncated to whole seconds, as the change log records it.
    pub fn now_seconds() -> Self {
        let now = Utc::now();
        Self(
            DateTime::from_timestamp(now.timestamp(), 0)
                .expect("now is representable")
                .fixed_offset(),
        )
    }

    /// Parses an RFC 3339 string.
    pub fn parse(value: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(value).ok().map(Self)
    }

    /// True for the zero value.
    pub fn is_zero(&self) -> bool {
        *self == Self::zero()
    }

    /// True when this instant is after `other`.
    pub fn is_after(&self, other: &Self) -> bool {
        self.0 > other.0
    }

    /// This instant, `millis` milliseconds later.
    #[must_use]
    pub fn plus_millis(&self, millis: u64) -> Self {
        Self(self.0 + chrono::Duration::milliseconds(i64::try_from(millis).unwrap_or(i64::MAX)))
    }

    /// Milliseconds from `earlier` to this instant (negative when `earlier` is later).
    pub fn millis_since(&self, earlier: &Self) -> i64 {
        (self.0 - earlier.0).num_milliseconds()
    }
}

impl Default for Timestamp {
    fn default() -> Self {
        Self::zero()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let utc = self.0.offset().local_minus_utc() == 0;
        let nanos = self.0.nanosecond();
        if utc && (0..=9999).contains(&self.0.year()) && nanos < 1_000_000_000 {
            // The common case, written directly: every LPA carries several of these and
            // formatting through chrono's RFC 3339 writer costs a string per timestamp.
            let t = &self.0;
            write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )?;
            if nanos > 0 {
                let mut digits = 9;
                let mut fraction = nanos;
                while fraction.is_multiple_of(10) {
                    fraction /= 10;
                    digits -= 1;
                }
                write!(f, ".{fraction:0digits$}")?;
            }
            return f.write_str("Z");
        }
        let text = self.0.to_rfc3339_opts(SecondsFormat::Nanos, utc);
        // Go's RFC3339Nano drops trailing zeros of the fraction, and the dot with them.
        let (main, offset) = text.split_at(text.len() - if utc { 1 } else { 6 });
        let main = match main.split_once('.') {
            Some((whole, fraction)) => {
                let fraction = fraction.trim_end_matches('0');
                if fraction.is_empty() {
                    whole.to_owned()
                } else {
                    format!("{whole}.{fraction}")
                }
            }
            None => main.to_owned(),
        };
        write!(f, "{main}{offset}")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Like Go's time.Time: null leaves the zero value, anything else must be RFC 3339.
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(Self::zero()),
            Some(text) => Self::parse(&text).ok_or_else(|| {
                serde::de::Error::custom(format!("{text:?} is not an RFC 3339 date-time"))
            }),
        }
    }
}

/// A calendar date (`YYYY-MM-DD`), written as `""` when unset.
///
/// Like the real store's date type, a malformed value is not a parse error: it is remembered as
/// malformed, so validation can answer `invalid format` against the right source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Date {
    value: Option<NaiveDate>,
    malformed: bool,
}

impl Date {
    /// Parses `YYYY-MM-DD`; the empty string is the unset date.
    pub fn parse(text: &str) -> Self {
        if text.is_empty() {
            return Self::default();
        }
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if text.len() == 10 => Self {
                value: Some(date),
                malformed: false,
            },
            _ => Self {
                value: None,
                malformed: true,
            },
        }
    }

    /// True when no date is set (including a malformed one).
    pub fn is_zero(&self) -> bool {
        self.value.is_none()
    }

    /// True when the value received was not a `YYYY-MM-DD` string.
    pub fn is_malformed(&self) -> bool {
        self.malformed
    }

    /// The date as written on the wire.
    pub fn as_string(&self) -> String {
        self.value
            .map(|d| {
                if (0..=9999).contains(&d.year()) {
                    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
                } else {
                    d.format("%Y-%m-%d").to_string()
                }
            })
            .unwrap_or_default()
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Self::parse(&text),
            _ => Self {
                value: None,
                malformed: true,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_written_as_go_writes_them_with_or_without_a_fraction() {
        for (given, written) in [
            ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
            ("2024-01-02T03:04:05.5Z", "2024-01-02T03:04:05.5Z"),
            ("2024-01-02T03:04:05.120000Z", "2024-01-02T03:04:05.12Z"),
            (
                "2024-01-02T03:04:05.000000001Z",
                "2024-01-02T03:04:05.000000001Z",
            ),
            ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
            (
                "2024-01-02T03:04:05.25+01:00",
                "2024-01-02T03:04:05.25+01:00",
            ),
        ] {
            let timestamp = Timestamp::parse(given).expect(given);
            assert_eq!(timestamp.to_string(), written, "{given}");
        }
    }

    #[test]
    fn dates_are_written_with_four_digit_years() {
        let date = Date::parse("0999-03-04");
        assert_eq!(date.as_string(), "0999-03-04");
    }

    #[test]
    fn timestamp_is_written_like_go_rfc3339nano() {
        let cases = [
            ("2024-01-02T12:13:14Z", "2024-01-02T12:13:14Z"),
            ("2024-01-02T12:13:14.500Z", "2024-01-02T12:13:14.5Z"),
            (
                "2024-01-02T12:13:14.123456789+01:00",
                "2024-01-02T12:13:14.123456789+01:00",
            ),
            ("2024-01-02T12:13:14+00:00", "2024-01-02T12:13:14Z"),
        ];
        for (input, written) in cases {
            assert_eq!(
                Timestamp::parse(input).unwrap().to_string(),
                written,
                "{input}"
            );
        }
        assert_eq!(Timestamp::zero().to_string(), "0001-01-01T00:00:00Z");
    }

    #[test]
    fn timestamps_compare_as_instants_whatever_their_offset() {
        let utc = Timestamp::parse("2024-01-02T12:00:00Z").unwrap();
        let bst = Timestamp::parse("2024-01-02T13:00:00+01:00").unwrap();
        assert_eq!(utc, bst);
    }

    #[test]
    fn null_timestamp_reads_as_zero() {
        let ts: Timestamp = serde_json::from_str("null").unwrap();
        assert!(ts.is_zero());
    }

    #[test]
    fn malformed_date_is_kept_as_malformed_and_written_empty() {
        let date: Date = serde_json::from_str("\"2024-13-45\"").unwrap();
        assert!(date.is_malformed());
        assert_eq!(serde_json::to_string(&date).unwrap(), "\"\"");
        let empty: Date = serde_json::from_str("\"\"").unwrap();
        assert!(!empty.is_malformed() && empty.is_zero());
        let number: Date = serde_json::from_str("12").unwrap();
        assert!(number.is_malformed());
    }

    #[test]
    fn string_enums_accept_anything_and_report_validity() {
        let status: LpaStatus = serde_json::from_str("\"nonsense\"").unwrap();
        assert!(!status.is_valid());
        assert!(LpaStatus::REGISTERED.is_valid());
        assert!(Channel::default().is_unset());
    }
}
