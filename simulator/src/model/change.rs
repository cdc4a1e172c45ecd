//! The body of `POST /lpas/{uid}/updates`: an update type and its changes, as sent. The update
//! engine ([`crate::update`]) gives them meaning; the store keeps them in the change log and the
//! outbox keeps them as sent.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::decode::{GoDecode, Shape};

/// One change of an update: a JSON pointer into the LPA, the value the caller believes is
/// current, and the value to set.
///
/// To the store a left-out `old` or `new` is not `null`: the redundant-change rule counts it
/// as empty, but a type that reads the change refuses it (`error marshalling old value`,
/// `unexpected type`). So the change remembers which were left out, and writes them out
/// left out again (the outbox keeps requests as sent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "WireChange", into = "WireChange")]
pub struct Change {
    /// JSON pointer, e.g. `/attorneys/0/signedAt` or `/attorneys/<uid>/signedAt`.
    #[serde(default)]
    pub key: String,
    /// The value the caller believes is current (`null` for empty, and when left out).
    pub old: Value,
    /// The value to set (`null` when left out).
    pub new: Value,
    /// `old` was left out of the request.
    pub(crate) old_left_out: bool,
    /// `new` was left out of the request.
    pub(crate) new_left_out: bool,
}

impl Change {
    /// A change with both values given.
    pub fn new(key: impl Into<String>, old: Value, new: Value) -> Self {
        Self {
            key: key.into(),
            old,
            new,
            old_left_out: false,
            new_left_out: false,
        }
    }
}

/// A change as written in JSON: every field may be left out (a left-out key is `""`, as in
/// the store), and `null` is kept apart from a left-out value.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct WireChange {
    #[serde(default)]
    key: String,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    old: Option<Value>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    new: Option<Value>,
}

/// Some value, `null` included, when the field is there at all.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

impl From<WireChange> for Change {
    fn from(wire: WireChange) -> Self {
        Self {
            key: wire.key,
            old_left_out: wire.old.is_none(),
            new_left_out: wire.new.is_none(),
            old: wire.old.unwrap_or(Value::Null),
            new: wire.new.unwrap_or(Value::Null),
        }
    }
}

impl From<Change> for WireChange {
    fn from(change: Change) -> Self {
        Self {
            key: change.key,
            old: (!change.old_left_out).then_some(change.old),
            new: (!change.new_left_out).then_some(change.new),
        }
    }
}

/// The body of `POST /lpas/{uid}/updates`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UpdateRequest {
    /// The update type, as sent (kept verbatim for the change log and events); empty when
    /// absent, as Go reads it.
    #[serde(rename = "type", default)]
    pub update_type: String,
    /// The changes; `null`, `[]` or absent for types that take none.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub changes: Vec<Change>,
}

impl GoDecode for UpdateRequest {
    const SHAPE: &'static Shape =
        &Shape::Object(&[("type", &Shape::Scalar), ("changes", &Shape::List(&CHANGE))]);
}

/// A change's `old` and `new` are kept raw (`json.RawMessage`), `null` included.
static CHANGE: Shape = Shape::Object(&[
    ("key", &Shape::Scalar),
    ("old", &Shape::Raw),
    ("new", &Shape::Raw),
]);

fn null_as_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Change>, D::Error> {
    Ok(Option::<Vec<Change>>::deserialize(deserializer)?.unwrap_or_default())
}
