//! Turns the JSON a client sends, or a reply it expects, into a Pact pattern with matchers.
//!
//! The rules are by value and by field name, so every contract follows the same policy:
//! references (LPA UIDs in both formats, actor UUIDs) and times match by regular expression or
//! format, free text by type, and the values that carry meaning (status, type, codes, keys of
//! changes) stay concrete.

use pact_consumer::patterns::{DateTime, EachLike, JsonPattern, Like, Term, build_regex};
use pact_consumer::prelude::*;
use serde_json::Value;

/// Both UID formats of the LPA UID service: digits (current) and the "safe alphabet" (earlier).
pub(crate) const LPA_UID: &str = "^M-([0-9]{4}-[0-9]{4}-[0-9]{4}|[346789QWERTYUPADFGHJKLXCVBNM]{4}-[346789QWERTYUPADFGHJKLXCVBNM]{4}-[346789QWERTYUPADFGHJKLXCVBNM]{4})$";
/// A UUID in its canonical lower-case form.
pub(crate) const UUID: &str = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
/// An RFC 3339 date-time as the store writes it: seconds, perhaps a fraction, then an offset.
pub(crate) const RFC3339: &str =
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$";
/// The date-time format consumers send (Java `SimpleDateFormat` letters, as Pact wants).
const SENT_DATETIME: &str = "yyyy-MM-dd'T'HH:mm:ssXXX";
/// A calendar date.
const DATE: &str = r"^\d{4}-\d{2}-\d{2}$";

/// Which way the JSON travels: a consumer's request is matched by the mock server; a reply is
/// matched by the provider verifier, which allows extra keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    /// Sent by the consumer.
    Request,
    /// Expected from the store.
    Reply,
}

/// Fields whose values are free text: any string will do.
const FREE_TEXT: &[&str] = &[
    "firstNames",
    "lastName",
    "name",
    "otherNamesKnownBy",
    "line1",
    "line2",
    "line3",
    "town",
    "postcode",
    "email",
    "mobile",
    "phone",
    "companyNumber",
    "professionalTitle",
    "restrictionsAndConditions",
    "howAttorneysMakeDecisionsDetails",
    "filename",
    "data",
    "author",
    "detail",
];

/// `value` as a pattern, with matchers chosen by [`Side`], field name and value.
pub(crate) fn shape(value: &Value, side: Side) -> JsonPattern {
    shape_field(None, value, side)
}

fn shape_field(field: Option<&str>, value: &Value, side: Side) -> JsonPattern {
    match value {
        Value::Object(map) => JsonPattern::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), shape_field(Some(key), value, side)))
                .collect(),
        ),
        Value::Array(items) => match (side, items.first()) {
            (Side::Reply, Some(first)) => EachLike::new(shape_field(field, first, side)).into(),
            _ => JsonPattern::Array(
                items
                    .iter()
                    .map(|item| shape_field(field, item, side))
                    .collect(),
            ),
        },
        Value::String(text) => shape_string(field, text, side),
        Value::Bool(_) | Value::Number(_) if side == Side::Reply => {
            Like::<JsonPattern>::new(JsonPattern::Json(value.clone())).into()
        }
        _ => JsonPattern::Json(value.clone()),
    }
}

fn shape_string(field: Option<&str>, text: &str, side: Side) -> JsonPattern {
    if matches(LPA_UID, text) {
        return regex(LPA_UID, text);
    }
    if matches(UUID, text) {
        return regex(UUID, text);
    }
    if matches(RFC3339, text) {
        return match side {
            Side::Request => DateTime::<JsonPattern>::new(SENT_DATETIME, text).into(),
            Side::Reply => regex(RFC3339, text),
        };
    }
    if matches(DATE, text) {
        return regex(DATE, text);
    }
    let free = field.is_some_and(|f| FREE_TEXT.contains(&f));
    if free || (side == Side::Reply && !is_meaningful(field)) {
        return Like::<JsonPattern>::new(JsonPattern::Json(Value::String(text.to_owned()))).into();
    }
    JsonPattern::Json(Value::String(text.to_owned()))
}

/// Fields whose exact value is what the consumer relies on, even in a reply.
fn is_meaningful(field: Option<&str>) -> bool {
    matches!(field, Some("status" | "code" | "type" | "key"))
}

/// A string matched by `pattern`, with `example` written to the pact.
pub(crate) fn regex(pattern: &str, example: &str) -> JsonPattern {
    Term::<JsonPattern>::new(build_regex(pattern), example).into()
}

/// A string pattern (for paths and headers) matched by `pattern`.
pub(crate) fn regex_string(pattern: &str, example: &str) -> StringPattern {
    Term::<StringPattern>::new(build_regex(pattern), example).into()
}

fn matches(pattern: &str, text: &str) -> bool {
    build_regex(pattern).is_match(text)
}

/// Replaces (or adds) `key` of an object pattern, for the few fields a contract treats apart
/// from the general rules.
pub(crate) fn with_field(mut pattern: JsonPattern, key: &str, value: JsonPattern) -> JsonPattern {
    if let JsonPattern::Object(map) = &mut pattern {
        map.insert(key.to_owned(), value);
    }
    pattern
}
