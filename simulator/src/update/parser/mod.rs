//! Reading the `changes` of an update into typed values.
//!
//! Each update type describes the keys it takes (`field`, `prefix`, `each`); the parser checks
//! every change against the LPA's current value (`old`, optimistic concurrency), decodes `new`
//! into the field's type, runs the field's validator, and finally reports whatever was left
//! over as unexpected. Error sources and details are the real store's, so consumers that
//! branch on them see the same answers.

//!
//! Layout: [`value`] (checking `old` and decoding `new`), [`rule`] (required or optional keys,
//! and validators), and the parser itself here.

/// Applies the macro named to the model's string enumerations that an update can set, so the
/// list is written once for reading them ([`value`]) and checking them ([`rule`]).
macro_rules! string_enums {
    ($apply:ident) => {
        $apply!(
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
    };
}

mod rule;
mod value;

use std::collections::BTreeMap;

use serde_json::Value;

pub(crate) use rule::{Rule, check};
pub(crate) use value::FieldValue;

use super::Change;
use crate::model::FieldError;

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
        if let Some(change) = self.take(key, rule.optional) {
            let matches = target.matches_old(&change.old);
            self.read(&change, matches, target, rule);
        }
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
        if let Some(change) = self.take(key, rule.optional) {
            let matches = current.matches_old(&change.old);
            self.read(&change, matches, target, rule);
        }
        self
    }

    /// The change of `key`, taken out of those left to read; a required key that is not there
    /// is reported missing.
    fn take(&mut self, key: &str, optional: bool) -> Option<Positioned> {
        let Some(index) = self.changes.iter().position(|c| c.key == key) else {
            if !optional {
                self.missing(key);
            }
            return None;
        };
        Some(self.changes.remove(index))
    }

    /// Runs `read` on a parser over `changes`, whose keys are relative to `segment`, and keeps
    /// its errors.
    fn nested(&mut self, segment: &str, changes: Vec<Positioned>, read: impl FnOnce(&mut Self)) {
        let mut sub = Self {
            root: format!("{}{segment}", self.root),
            changes,
            errors: Vec::new(),
        };
        read(&mut sub);
        self.errors.append(&mut sub.errors);
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
        let relative = matching
            .into_iter()
            .map(|c| Positioned {
                key: c.key[prefix.len()..].to_owned(),
                ..c
            })
            .collect();
        self.nested(prefix, relative, read);
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
            self.nested(&format!("/{segment}"), changes, |sub| read(&segment, sub));
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
            self.nested(&format!("/{index}"), changes, |sub| read(index, sub));
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
    use crate::model::Timestamp;

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
