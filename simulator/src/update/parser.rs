//! Reading the `changes` of an update into typed values.
//!
//! Each update type describes the keys it takes (`field`, `prefix`, `each`); the parser checks
//! every change against the LPA's current value (`old`, optimistic concurrency), decodes `new`
//! into the field's type, runs the field's validator, and finally reports whatever was left
//! over as unexpected. Error sources and details are the real store's, so consumers that
//! branch on them see the same answers.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::FieldError;
use crate::model::{
    AttorneyStatus, CanUse, Channel, Date, HowMakeDecisions, HowStepIn, IdentityCheckType, Lang,
    LifeSustainingTreatment, LpaStatus, Timestamp,
};

use super::Change;

/// A value an update can set: how `old` is compared with it and how `new` is decoded into it.
pub(crate) trait FieldValue: Sized {
    /// True when the `old` of a change matches this (current) value. `null` matches the empty
    /// or zero value.
    fn matches_old(&self, old: &Value) -> bool;

    /// Decodes `new` into `self`. `null` leaves `self` unchanged, as Go's decoder does.
    /// `Err` means `new` has the wrong JSON type.
    fn decode(&mut self, new: &Value) -> Result<(), ()>;
}

impl FieldValue for String {
    fn matches_old(&self, old: &Value) -> bool {
        match old {
            Value::Null => self.is_empty(),
            Value::String(old) => old == self,
            _ => false,
        }
    }

    fn decode(&mut self, new: &Value) -> Result<(), ()> {
        match new {
            Value::Null => Ok(()),
            Value::String(new) => {
                self.clone_from(new);
                Ok(())
            }
            _ => Err(()),
        }
    }
}

impl FieldValue for bool {
    fn matches_old(&self, old: &Value) -> bool {
        match old {
            Value::Null => !*self,
            Value::Bool(old) => old == self,
            _ => false,
        }
    }

    fn decode(&mut self, new: &Value) -> Result<(), ()> {
        match new {
            Value::Null => Ok(()),
            Value::Bool(new) => {
                *self = *new;
                Ok(())
            }
            _ => Err(()),
        }
    }
}

impl FieldValue for Timestamp {
    fn matches_old(&self, old: &Value) -> bool {
        match old {
            Value::Null => self.is_zero(),
            Value::String(old) if old.is_empty() => self.is_zero(),
            Value::String(old) => Self::parse(old).is_some_and(|old| old == *self),
            _ => false,
        }
    }

    fn decode(&mut self, new: &Value) -> Result<(), ()> {
        match new {
            Value::Null => Ok(()),
            Value::String(new) => {
                *self = Self::parse(new).ok_or(())?;
                Ok(())
            }
            _ => Err(()),
        }
    }
}

impl FieldValue for Date {
    fn matches_old(&self, old: &Value) -> bool {
        match old {
            Value::Null => self.is_zero(),
            Value::String(old) => Self::parse(old) == *self,
            _ => false,
        }
    }

    fn decode(&mut self, new: &Value) -> Result<(), ()> {
        match new {
            Value::Null => Ok(()),
            Value::String(new) => {
                *self = Self::parse(new);
                Ok(())
            }
            _ => Err(()),
        }
    }
}

macro_rules! string_field_value {
    ($($ty:ty),+) => {$(
        impl FieldValue for $ty {
            fn matches_old(&self, old: &Value) -> bool {
                match old {
                    Value::Null => self.is_unset(),
                    Value::String(old) => old == self.as_str(),
                    _ => false,
                }
            }

            fn decode(&mut self, new: &Value) -> Result<(), ()> {
                match new {
                    Value::Null => Ok(()),
                    Value::String(new) => {
                        *self = Self::new(new.clone());
                        Ok(())
                    }
                    _ => Err(()),
                }
            }
        }
    )+};
}

string_field_value!(
    AttorneyStatus,
    CanUse,
    Channel,
    HowMakeDecisions,
    HowStepIn,
    IdentityCheckType,
    Lang,
    LifeSustainingTreatment,
    LpaStatus
);

/// A field validator: `Some(detail)` when the decoded value is not acceptable.
pub(crate) type Validator<T> = fn(&T) -> Option<&'static str>;

/// How a key is read: required or optional, with or without a validator.
#[derive(Debug)]
pub(crate) struct Rule<T> {
    optional: bool,
    validator: Option<Validator<T>>,
}

// Written by hand: deriving would require `T: Copy`, but a rule holds only a flag and a
// function pointer.
impl<T> Clone for Rule<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Rule<T> {}

impl<T> Rule<T> {
    /// The key must be present.
    pub(crate) fn required() -> Self {
        Self {
            optional: false,
            validator: None,
        }
    }

    /// The key may be left out.
    pub(crate) fn optional() -> Self {
        Self {
            optional: true,
            validator: None,
        }
    }

    /// Checks the decoded value with `validator`.
    pub(crate) fn with_validator(mut self, validator: Validator<T>) -> Self {
        self.validator = Some(validator);
        self
    }
}

/// Common validators, with the store's messages.
pub(crate) mod check {
    use crate::model::{Date, Timestamp};

    /// A string that must not be empty.
    #[expect(clippy::ptr_arg, reason = "validators are fn(&T) for every field type")]
    pub(crate) fn not_empty(value: &String) -> Option<&'static str> {
        value.is_empty().then_some("field is required")
    }

    /// A string that must be left empty, for keys that only make sense in another mode.
    #[expect(
        clippy::ptr_arg,
        reason = "a validator takes its field's own type, here String"
    )]
    pub(crate) fn empty(value: &String) -> Option<&'static str> {
        (!value.is_empty()).then_some("field must not be provided")
    }

    /// A timestamp that must be set.
    pub(crate) fn time_set(value: &Timestamp) -> Option<&'static str> {
        value.is_zero().then_some("field is required")
    }

    /// A date that must be set and well formed.
    pub(crate) fn date_set(value: &Date) -> Option<&'static str> {
        if value.is_malformed() {
            Some("invalid format")
        } else if value.is_zero() {
            Some("field is required")
        } else {
            None
        }
    }

    /// An ISO 3166-1 alpha-2 country code (two upper-case letters).
    #[expect(clippy::ptr_arg, reason = "validators are fn(&T) for every field type")]
    pub(crate) fn country(value: &String) -> Option<&'static str> {
        let valid = value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase());
        (!valid).then_some("must be a valid ISO-3166-1 country code")
    }

    /// Generates `valid`/`valid_or_unset` checks for the string enumerations.
    macro_rules! enum_checks {
        ($($ty:ident),+) => {
            /// One of the type's values.
            pub(crate) fn valid<T: EnumLike>(value: &T) -> Option<&'static str> {
                if value.unset() {
                    Some("field is required")
                } else if !value.valid() {
                    Some("invalid value")
                } else {
                    None
                }
            }

            /// A string enumeration, for [`valid`].
            pub(crate) trait EnumLike {
                /// Empty.
                fn unset(&self) -> bool;
                /// One of the type's values.
                fn valid(&self) -> bool;
            }

            $(impl EnumLike for crate::model::$ty {
                fn unset(&self) -> bool { self.is_unset() }
                fn valid(&self) -> bool { self.is_valid() }
            })+
        };
    }

    enum_checks!(
        AttorneyStatus,
        CanUse,
        Channel,
        HowMakeDecisions,
        HowStepIn,
        IdentityCheckType,
        Lang,
        LifeSustainingTreatment,
        LpaStatus
    );
}

#[derive(Clone, Debug)]
struct Positioned {
    key: String,
    old: Value,
    new: Value,
    old_left_out: bool,
    new_left_out: bool,
    pos: usize,
}

impl Positioned {
    fn source(&self, after: &str) -> String {
        format!("/changes/{}{after}", self.pos)
    }
}

/// Reads a list of changes; see the module docs.
#[derive(Debug)]
pub(crate) struct Parser {
    root: String,
    changes: Vec<Positioned>,
    errors: Vec<FieldError>,
}

impl Parser {
    /// A parser over the changes of an update request.
    pub(crate) fn new(changes: &[Change]) -> Self {
        Self {
            root: String::new(),
            changes: changes
                .iter()
                .enumerate()
                .map(|(pos, c)| Positioned {
                    key: c.key.clone(),
                    old: c.old.clone(),
                    new: c.new.clone(),
                    old_left_out: c.old_left_out,
                    new_left_out: c.new_left_out,
                    pos,
                })
                .collect(),
            errors: Vec::new(),
        }
    }

    /// Reads `key` into `target`, whose current value is what `old` must match.
    pub(crate) fn field<T: FieldValue>(
        &mut self,
        key: &str,
        target: &mut T,
        rule: Rule<T>,
    ) -> &mut Self {
        let Some(index) = self.changes.iter().position(|c| c.key == key) else {
            if !rule.optional {
                self.missing(key);
            }
            return self;
        };
        let change = self.changes.remove(index);
        let matches = target.matches_old(&change.old);
        self.read(&change, matches, target, rule);
        self
    }

    /// Like [`Self::field`], but `old` is compared with `current` rather than with `target`'s
    /// starting value; for keys whose target starts empty.
    pub(crate) fn field_with_old<T: FieldValue>(
        &mut self,
        key: &str,
        target: &mut T,
        current: &T,
        rule: Rule<T>,
    ) -> &mut Self {
        let Some(index) = self.changes.iter().position(|c| c.key == key) else {
            if !rule.optional {
                self.missing(key);
            }
            return self;
        };
        let change = self.changes.remove(index);
        let matches = current.matches_old(&change.old);
        self.read(&change, matches, target, rule);
        self
    }

    /// Checks one change whose `old` does or does not match, and decodes its `new` into
    /// `target`. As in the store, a left-out `old` is reported and then compared as `null`,
    /// and a left-out `new` is of the wrong type.
    fn read<T: FieldValue>(
        &mut self,
        change: &Positioned,
        matches: bool,
        target: &mut T,
        rule: Rule<T>,
    ) {
        if change.old_left_out {
            self.error(change.source("/old"), "error marshalling old value");
        }
        if !matches {
            self.error(change.source("/old"), "does not match existing value");
        } else if change.new_left_out || target.decode(&change.new).is_err() {
            self.error(change.source("/new"), "unexpected type");
        } else if let Some(detail) = rule.validator.and_then(|v| v(target)) {
            self.error(change.source("/new"), detail);
        }
    }

    /// Runs `read` over the changes under `prefix`, with keys relative to it. When none are
    /// present and `optional` is false, reports `missing <prefix>/...`.
    pub(crate) fn prefix(
        &mut self,
        prefix: &str,
        optional: bool,
        read: impl FnOnce(&mut Self),
    ) -> &mut Self {
        let with_slash = format!("{prefix}/");
        let (matching, remaining): (Vec<_>, Vec<_>) = std::mem::take(&mut self.changes)
            .into_iter()
            .partition(|c| c.key.starts_with(&with_slash));
        self.changes = remaining;
        if matching.is_empty() {
            if !optional {
                let root = format!("{}{prefix}/...", self.root);
                self.error("/changes".to_owned(), &format!("missing {root}"));
            }
            return self;
        }
        let mut sub = Self {
            root: format!("{}{prefix}", self.root),
            changes: matching
                .into_iter()
                .map(|c| Positioned {
                    key: c.key[prefix.len()..].to_owned(),
                    ..c
                })
                .collect(),
            errors: Vec::new(),
        };
        read(&mut sub);
        self.errors.append(&mut sub.errors);
        self
    }

    /// Groups the changes by their first key segment (an array index or an actor UID) and runs
    /// `read` for each group in the order the segments first appear, with keys relative to the
    /// segment. Keys without
    /// a segment are reported as `require index or actor UID`.
    pub(crate) fn each(&mut self, mut read: impl FnMut(&str, &mut Self)) -> &mut Self {
        let mut groups: Vec<(String, Vec<Positioned>)> = Vec::new();
        for change in std::mem::take(&mut self.changes) {
            let mut parts = change.key.splitn(3, '/');
            let (Some(""), Some(segment), Some(rest)) = (parts.next(), parts.next(), parts.next())
            else {
                self.error(change.source("/key"), "require index or actor UID");
                continue;
            };
            if segment.is_empty() {
                self.error(change.source("/key"), "require index or actor UID");
                continue;
            }
            let relative = Positioned {
                key: format!("/{rest}"),
                ..change.clone()
            };
            match groups.iter_mut().find(|(s, _)| s == segment) {
                Some((_, group)) => group.push(relative),
                None => groups.push((segment.to_owned(), vec![relative])),
            }
        }
        // In the order each segment first appears, as the store's `EachKey` reads them: the
        // first actor named is the one an update is about.
        for (segment, changes) in groups {
            let mut sub = Self {
                root: format!("{}/{segment}", self.root),
                changes,
                errors: Vec::new(),
            };
            read(&segment, &mut sub);
            self.errors.append(&mut sub.errors);
        }
        self
    }

    /// Like [`Self::each`], for lists addressed by position only (a trust corporation's
    /// signatories). Every index in `required` is visited even when none of its keys is
    /// present, so that its required keys are reported missing; indexes run in ascending order.
    /// Keys without a numeric segment are reported as `require index`.
    pub(crate) fn each_index(
        &mut self,
        required: &[usize],
        mut read: impl FnMut(usize, &mut Self),
    ) -> &mut Self {
        let mut groups: BTreeMap<usize, Vec<Positioned>> =
            required.iter().map(|&index| (index, Vec::new())).collect();
        for change in std::mem::take(&mut self.changes) {
            let mut parts = change.key.splitn(3, '/');
            let split = match (parts.next(), parts.next(), parts.next()) {
                (Some(""), Some(segment), Some(rest)) => segment
                    .parse::<usize>()
                    .ok()
                    .map(|index| (index, format!("/{rest}"))),
                _ => None,
            };
            let Some((index, key)) = split else {
                self.error(change.source("/key"), "require index");
                continue;
            };
            groups
                .entry(index)
                .or_default()
                .push(Positioned { key, ..change });
        }
        for (index, changes) in groups {
            let mut sub = Self {
                root: format!("{}/{index}", self.root),
                changes,
                errors: Vec::new(),
            };
            read(index, &mut sub);
            self.errors.append(&mut sub.errors);
        }
        self
    }

    /// Reports every change not read yet as `unexpected change provided`.
    pub(crate) fn consumed(&mut self) -> &mut Self {
        for change in std::mem::take(&mut self.changes) {
            self.error(change.source(""), "unexpected change provided");
        }
        self
    }

    /// Reports every change not read yet as `index out of range` (at its key).
    pub(crate) fn out_of_range(&mut self) -> &mut Self {
        for change in std::mem::take(&mut self.changes) {
            self.error(change.source("/key"), "index out of range");
        }
        self
    }

    /// Adds an error of the caller's own.
    pub(crate) fn error(&mut self, source: String, detail: &str) {
        self.errors.push(FieldError::new(source, detail));
    }

    /// The errors found; empty when every change was read and valid.
    pub(crate) fn finish(&mut self) -> Vec<FieldError> {
        std::mem::take(&mut self.errors)
    }

    fn missing(&mut self, key: &str) {
        let full = format!("missing {}{key}", self.root);
        self.error("/changes".to_owned(), &full);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn change(key: &str, old: Value, new: Value) -> Change {
        Change::new(key, old, new)
    }

    #[test]
    fn field_reads_new_value_when_old_matches() {
        let mut name = "Zoller".to_owned();
        let errors = Parser::new(&[change("/lastName", json!("Zoller"), json!("Perkins"))])
            .field("/lastName", &mut name, Rule::required())
            .consumed()
            .finish();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(name, "Perkins");
    }

    #[test]
    fn stale_old_is_reported_at_the_changes_old() {
        let mut name = "Zoller".to_owned();
        let errors = Parser::new(&[change("/lastName", json!("Smith"), json!("Perkins"))])
            .field("/lastName", &mut name, Rule::required())
            .finish();
        assert_eq!(
            errors,
            vec![FieldError::new(
                "/changes/0/old",
                "does not match existing value"
            )]
        );
    }

    #[test]
    fn missing_required_key_names_the_full_key() {
        let mut signed = Timestamp::zero();
        let errors = Parser::new(&[change("/attorneys/0/mobile", Value::Null, json!("07"))])
            .prefix("/attorneys", false, |p| {
                p.each(|_, p| {
                    let mut mobile = String::new();
                    p.field("/mobile", &mut mobile, Rule::optional())
                        .field("/signedAt", &mut signed, Rule::required())
                        .consumed();
                });
            })
            .finish();
        assert_eq!(
            errors,
            vec![FieldError::new("/changes", "missing /attorneys/0/signedAt")]
        );
    }

    #[test]
    fn leftover_changes_are_unexpected_and_wrong_types_are_reported() {
        let mut flag = false;
        let errors = Parser::new(&[
            change("/flag", Value::Null, json!("yes")),
            change("/other", Value::Null, json!(1)),
        ])
        .field("/flag", &mut flag, Rule::required())
        .consumed()
        .finish();
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/0/new", "unexpected type"),
                FieldError::new("/changes/1", "unexpected change provided"),
            ]
        );
    }

    #[test]
    fn null_old_matches_empty_and_zero_values() {
        assert!(String::new().matches_old(&Value::Null));
        assert!(String::new().matches_old(&json!("")));
        assert!(Timestamp::zero().matches_old(&Value::Null));
        assert!(!"x".to_owned().matches_old(&Value::Null));
    }

    #[test]
    fn each_index_visits_required_indexes_and_refuses_other_segments() {
        let mut seen = Vec::new();
        let errors = Parser::new(&[
            change("/1/name", Value::Null, json!("b")),
            change("/x/name", Value::Null, json!("c")),
        ])
        .each_index(&[0], |index, p| {
            let mut name = String::new();
            p.field("/name", &mut name, Rule::required()).consumed();
            seen.push((index, name));
        })
        .finish();
        assert_eq!(seen, vec![(0, String::new()), (1, "b".to_owned())]);
        assert_eq!(
            errors,
            vec![
                FieldError::new("/changes/1/key", "require index"),
                FieldError::new("/changes", "missing /0/name"),
            ]
        );
    }
}
