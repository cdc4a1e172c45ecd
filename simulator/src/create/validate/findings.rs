//! The collector of validation findings and the checks it offers, with the store's messages.
//!
//! Checks run in the order the store runs them and each appends its findings, so the list comes
//! out in the store's order without sorting. A check names its field relative to the current
//! JSON-pointer prefix, which [`Findings::within`] extends for the duration of a section.

use std::fmt::{self, Write as _};

use crate::model::FieldError;
use crate::model::{Address, Channel, Date, Timestamp};

/// A value that must be present is empty.
pub(super) const REQUIRED: &str = "field is required";
/// A value that must be absent is present.
pub(super) const NOT_PROVIDED: &str = "field must not be provided";
/// An enumeration holds a value outside its range.
pub(super) const INVALID_VALUE: &str = "invalid value";
/// A UUID or date is not written as one.
pub(super) const INVALID_FORMAT: &str = "invalid format";
/// A country is not two upper-case letters.
pub(super) const COUNTRY_CODE: &str = "must be a valid ISO-3166-1 country code";
/// An optional timestamp was sent as the zero time.
pub(super) const DATETIME: &str = "must be a valid datetime";

/// Findings collected so far, and where in the request document the checks now look.
#[derive(Debug, Default)]
pub(super) struct Findings {
    prefix: String,
    errors: Vec<FieldError>,
}

impl Findings {
    /// The findings, in the order they were made.
    pub(super) fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// Runs `checks` with `segment` appended to the prefix: a field name or an array index.
    pub(super) fn within(&mut self, segment: impl fmt::Display, checks: impl FnOnce(&mut Self)) {
        let outer = self.prefix.len();
        write!(self.prefix, "/{segment}").expect("writing to a String cannot fail");
        checks(self);
        self.prefix.truncate(outer);
    }

    /// Records `detail` against `field`.
    pub(super) fn report(&mut self, field: &str, detail: &str) {
        self.errors
            .push(FieldError::new(format!("{}/{field}", self.prefix), detail));
    }

    /// The string must not be empty.
    pub(super) fn required(&mut self, field: &str, value: &str) {
        if value.is_empty() {
            self.report(field, REQUIRED);
        }
    }

    /// The string, or string-backed enumeration, must be empty.
    pub(super) fn absent(&mut self, field: &str, value: &str) {
        if !value.is_empty() {
            self.report(field, NOT_PROVIDED);
        }
    }

    /// The value must be one of `allowed`; empty counts as missing rather than invalid.
    pub(super) fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) {
        if value.is_empty() {
            self.report(field, REQUIRED);
        } else if !allowed.contains(&value) {
            self.report(field, INVALID_VALUE);
        }
    }

    /// The value must be a UUID in any spelling Go's `uuid.Validate` takes: hyphenated, plain
    /// hex, braced or `urn:uuid:`-prefixed.
    pub(super) fn uuid(&mut self, field: &str, value: &str) {
        if value.is_empty() {
            self.report(field, REQUIRED);
        } else if !is_go_uuid(value) {
            self.report(field, INVALID_FORMAT);
        }
    }

    /// The date must be set; a value that was not `YYYY-MM-DD` is a format error instead.
    pub(super) fn date(&mut self, field: &str, value: &Date) {
        if value.is_malformed() {
            self.report(field, INVALID_FORMAT);
        } else if value.is_zero() {
            self.report(field, REQUIRED);
        }
    }

    /// The timestamp must be set (not the zero time).
    pub(super) fn time(&mut self, field: &str, value: &Timestamp) {
        if value.is_zero() {
            self.report(field, REQUIRED);
        }
    }

    /// The timestamp may be left out, but if sent it must not be the zero time.
    pub(super) fn optional_time(&mut self, field: &str, value: Option<&Timestamp>) {
        if value.is_some_and(Timestamp::is_zero) {
            self.report(field, DATETIME);
        }
    }

    /// An address needs a first line and a country code. An empty country gets both the
    /// "required" and the country-code finding, as in the store.
    pub(super) fn address(&mut self, field: &str, address: &Address) {
        self.within(field, |f| {
            f.required("line1", &address.line1);
            f.required("country", &address.country);
            let is_code = address.country.len() == 2
                && address.country.bytes().all(|b| b.is_ascii_uppercase());
            if !is_code {
                f.report("country", COUNTRY_CODE);
            }
        });
    }

    /// An actor who acts online needs an email; any other channel must not carry one yet. A
    /// paper actor's email arrives later, when they move online (the `PAPER_…_ACCESS_ONLINE`
    /// updates, or a channel switch when signing).
    pub(super) fn email_for(&mut self, channel: &Channel, email: &str) {
        if *channel == Channel::ONLINE {
            self.required("email", email);
        } else {
            self.absent("email", email);
        }
    }
}

/// Whether google/uuid's `Validate` takes `value`. It reads the same four spellings as
/// `Uuid::try_parse`, but matches the `urn:uuid:` prefix ignoring case, where `try_parse` wants
/// it in lower case.
fn is_go_uuid(value: &str) -> bool {
    const URN: &str = "urn:uuid:";
    let unprefixed = match value.get(..URN.len()) {
        Some(prefix) if value.len() == URN.len() + 36 && prefix.eq_ignore_ascii_case(URN) => {
            &value[URN.len()..]
        }
        _ => value,
    };
    uuid::Uuid::try_parse(unprefixed).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources_and_details(findings: Findings) -> Vec<(String, String)> {
        findings
            .into_errors()
            .into_iter()
            .map(|e| (e.source, e.detail))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(s, d)| ((*s).to_owned(), (*d).to_owned()))
            .collect()
    }

    #[test]
    fn nested_sections_prefix_sources_and_restore_the_prefix_afterwards() {
        let mut f = Findings::default();
        f.within("attorneys", |f| {
            f.within(1, |f| f.required("firstNames", ""));
            f.required("lastName", "");
        });
        f.required("signedAt", "");

        assert_eq!(
            sources_and_details(f),
            pairs(&[
                ("/attorneys/1/firstNames", REQUIRED),
                ("/attorneys/lastName", REQUIRED),
                ("/signedAt", REQUIRED),
            ])
        );
    }

    #[test]
    fn enumeration_reports_missing_before_invalid() {
        let mut f = Findings::default();
        f.one_of("a", "", &["x"]);
        f.one_of("b", "y", &["x"]);
        f.one_of("c", "x", &["x"]);

        assert_eq!(
            sources_and_details(f),
            pairs(&[("/a", REQUIRED), ("/b", INVALID_VALUE)])
        );
    }

    #[test]
    fn uuid_accepts_go_spellings_and_rejects_others() {
        let mut f = Findings::default();
        for good in [
            "6808960d-12cf-47c5-a2bc-3177deb8599c",
            "6808960d12cf47c5a2bc3177deb8599c",
            "{6808960d-12cf-47c5-a2bc-3177deb8599c}",
            "urn:uuid:6808960d-12cf-47c5-a2bc-3177deb8599c",
            "URN:Uuid:6808960D-12CF-47C5-A2BC-3177DEB8599C",
        ] {
            f.uuid(good, good);
        }
        f.uuid("missing", "");
        f.uuid("bad", "not-a-uuid");
        f.uuid(
            "urn of plain hex",
            "urn:uuid:6808960d12cf47c5a2bc3177deb8599c",
        );

        assert_eq!(
            sources_and_details(f),
            pairs(&[
                ("/missing", REQUIRED),
                ("/bad", INVALID_FORMAT),
                ("/urn of plain hex", INVALID_FORMAT),
            ])
        );
    }

    #[test]
    fn date_reports_malformed_as_format_and_empty_as_required() {
        let mut f = Findings::default();
        f.date("malformed", &Date::parse("02/01/2024"));
        f.date("empty", &Date::default());
        f.date("good", &Date::parse("2024-01-02"));

        assert_eq!(
            sources_and_details(f),
            pairs(&[("/malformed", INVALID_FORMAT), ("/empty", REQUIRED)])
        );
    }

    #[test]
    fn optional_time_reports_only_a_zero_time_that_was_sent() {
        let mut f = Findings::default();
        f.optional_time("absent", None);
        f.optional_time("zero", Some(&Timestamp::zero()));
        f.optional_time("set", Some(&Timestamp::now()));
        f.time("required", &Timestamp::zero());

        assert_eq!(
            sources_and_details(f),
            pairs(&[("/zero", DATETIME), ("/required", REQUIRED)])
        );
    }

    #[test]
    fn empty_address_reports_line1_and_country_twice() {
        let mut f = Findings::default();
        f.address("address", &Address::default());

        assert_eq!(
            sources_and_details(f),
            pairs(&[
                ("/address/line1", REQUIRED),
                ("/address/country", REQUIRED),
                ("/address/country", COUNTRY_CODE),
            ])
        );
    }

    #[test]
    fn address_country_must_be_two_upper_case_letters() {
        let mut f = Findings::default();
        for (field, country) in [("a", "gb"), ("b", "GBR"), ("c", "United Kingdom")] {
            let address = Address {
                line1: "1 High Street".into(),
                country: country.into(),
                ..Address::default()
            };
            f.address(field, &address);
        }

        assert_eq!(
            sources_and_details(f),
            pairs(&[
                ("/a/country", COUNTRY_CODE),
                ("/b/country", COUNTRY_CODE),
                ("/c/country", COUNTRY_CODE),
            ])
        );
    }

    #[test]
    fn email_is_required_online_and_refused_on_any_other_channel() {
        let mut f = Findings::default();
        f.within("online", |f| f.email_for(&Channel::ONLINE, ""));
        f.within("paper", |f| f.email_for(&Channel::PAPER, "a@example.com"));
        f.within("unset", |f| {
            f.email_for(&Channel::default(), "a@example.com")
        });
        f.within("ok", |f| f.email_for(&Channel::PAPER, ""));

        assert_eq!(
            sources_and_details(f),
            pairs(&[
                ("/online/email", REQUIRED),
                ("/paper/email", NOT_PROVIDED),
                ("/unset/email", NOT_PROVIDED),
            ])
        );
    }
}
