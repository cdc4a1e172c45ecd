//! Reading JSON as the real store's Go code reads it.
//!
//! Go's `encoding/json` is lenient in ways a consumer can come to rely on without knowing
//! (`DESIGN.md`, principle 1), so request bodies and JWT claims are first brought to the form
//! serde reads exactly:
//! - an object key matches a field exactly, or else ignoring ASCII case (`"companyNUmber"` is
//!   `companyNumber`); when several keys match one field, the last one in the document wins,
//!   and objects sent twice are merged, as Go decodes each into the same struct;
//! - `null` for a field leaves it as it was (empty), so the key is dropped; an array element
//!   sent as `null` is the element's empty value;
//! - keys that match no field are ignored.
//!
//! The fields Go reads are described once per body as a [`Shape`]; each shape is tied to the
//! model it feeds by a test, so a field added to the model and forgotten here fails the build's
//! tests.

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The fields Go reads from a JSON value.
#[derive(Debug)]
pub enum Shape {
    /// A string, number or boolean: `null` leaves it empty.
    Scalar,
    /// A value read by its own rules, `null` included (the store's `Date`, a change's
    /// `old`/`new`).
    Raw,
    /// A struct with these fields.
    Object(&'static [(&'static str, &'static Self)]),
    /// An array of these.
    List(&'static Self),
}

impl Shape {
    fn field(&self, key: &str) -> Option<(&'static str, &'static Self)> {
        let Self::Object(fields) = self else {
            return None;
        };
        fields
            .iter()
            .find(|(name, _)| *name == key)
            .or_else(|| {
                fields
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(key))
            })
            .copied()
    }

    /// The value Go leaves in an array element sent as `null`.
    fn empty(&self) -> Value {
        match self {
            Self::Object(_) => Value::Object(Map::new()),
            Self::Scalar | Self::Raw | Self::List(_) => Value::Null,
        }
    }

    /// Every field name, depth first, for the tests that tie shapes to the model.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect("", &mut out);
        out
    }

    fn collect(&self, prefix: &str, out: &mut Vec<String>) {
        match self {
            Self::Object(fields) => {
                for (name, shape) in *fields {
                    let path = format!("{prefix}/{name}");
                    out.push(path.clone());
                    shape.collect(&path, out);
                }
            }
            Self::List(item) => item.collect(&format!("{prefix}/*"), out),
            Self::Scalar | Self::Raw => {}
        }
    }
}

/// A body read as Go reads it: the fields of [`Self::SHAPE`], then serde.
pub trait GoDecode: serde::de::DeserializeOwned {
    /// The fields the real store reads from this body.
    const SHAPE: &'static Shape;

    /// Reads `bytes` as the real store would.
    fn from_go_json(bytes: &[u8]) -> serde_json::Result<Self> {
        serde_json::from_value(canonical(bytes, Self::SHAPE)?)
    }
}

impl GoDecode for super::Lpa {
    const SHAPE: &'static Shape = &LPA_INIT;
}

/// Parses `bytes` as JSON and brings it to `shape`'s field names, as Go would read it.
pub fn canonical(bytes: &[u8], shape: &Shape) -> serde_json::Result<Value> {
    let node: Node = serde_json::from_slice(bytes)?;
    Ok(match node {
        // Go reads a top-level `null` into a struct as "nothing set".
        Node::Null => shape.empty(),
        node => node.canonical(shape),
    })
}

/// A JSON value that keeps its object keys in document order, which decides which of two keys
/// matching one field wins.
#[derive(Debug)]
enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Self>),
    Object(Vec<(String, Self)>),
}

impl Node {
    fn canonical(self, shape: &Shape) -> Value {
        match (self, shape) {
            (Self::Object(entries), Shape::Object(_)) => {
                let mut out = Map::new();
                for (key, node) in entries {
                    let Some((name, field)) = shape.field(&key) else {
                        continue;
                    };
                    if matches!(node, Self::Null) && !matches!(field, Shape::Raw) {
                        continue;
                    }
                    let value = node.canonical(field);
                    match (out.get_mut(name), value) {
                        (Some(Value::Object(existing)), Value::Object(more)) => {
                            existing.extend(more);
                        }
                        (_, value) => {
                            out.insert(name.to_owned(), value);
                        }
                    }
                }
                Value::Object(out)
            }
            (Self::Array(items), Shape::List(item)) => Value::Array(
                items
                    .into_iter()
                    .map(|node| match node {
                        Self::Null => item.empty(),
                        node => node.canonical(item),
                    })
                    .collect(),
            ),
            (node, _) => node.into_value(),
        }
    }

    fn into_value(self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(b),
            Self::Number(n) => Value::Number(n),
            Self::String(s) => Value::String(s),
            Self::Array(items) => Value::Array(items.into_iter().map(Self::into_value).collect()),
            Self::Object(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, v.into_value()))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Number::from_f64(v)
            .map(Node::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            entries.push((key, value));
        }
        Ok(Node::Object(entries))
    }
}

/// Fields of a person (Go's embedded `Person`).
macro_rules! person {
    ($($rest:tt)*) => {
        &[("uid", &Shape::Scalar), ("firstNames", &Shape::Scalar), ("lastName", &Shape::Scalar), $($rest)*]
    };
}

static ADDRESS: Shape = Shape::Object(&[
    ("line1", &Shape::Scalar),
    ("line2", &Shape::Scalar),
    ("line3", &Shape::Scalar),
    ("town", &Shape::Scalar),
    ("postcode", &Shape::Scalar),
    ("country", &Shape::Scalar),
]);

static IDENTITY_CHECK: Shape =
    Shape::Object(&[("checkedAt", &Shape::Scalar), ("type", &Shape::Scalar)]);

static DONOR: Shape = Shape::Object(person![
    ("address", &ADDRESS),
    ("dateOfBirth", &Shape::Raw),
    ("email", &Shape::Scalar),
    ("otherNamesKnownBy", &Shape::Scalar),
    ("contactLanguagePreference", &Shape::Scalar),
    ("identityCheck", &IDENTITY_CHECK),
]);

static ATTORNEY: Shape = Shape::Object(person![
    ("address", &ADDRESS),
    ("dateOfBirth", &Shape::Raw),
    ("email", &Shape::Scalar),
    ("status", &Shape::Scalar),
    ("appointmentType", &Shape::Scalar),
    ("mobile", &Shape::Scalar),
    ("signedAt", &Shape::Scalar),
    ("contactLanguagePreference", &Shape::Scalar),
    ("channel", &Shape::Scalar),
    ("cannotMakeJointDecisions", &Shape::Scalar),
]);

static SIGNATORY: Shape = Shape::Object(&[
    ("firstNames", &Shape::Scalar),
    ("lastName", &Shape::Scalar),
    ("professionalTitle", &Shape::Scalar),
    ("signedAt", &Shape::Scalar),
]);

static TRUST_CORPORATION: Shape = Shape::Object(&[
    ("uid", &Shape::Scalar),
    ("name", &Shape::Scalar),
    ("companyNumber", &Shape::Scalar),
    ("email", &Shape::Scalar),
    ("appointmentType", &Shape::Scalar),
    ("address", &ADDRESS),
    ("status", &Shape::Scalar),
    ("mobile", &Shape::Scalar),
    ("signatories", &Shape::List(&SIGNATORY)),
    ("contactLanguagePreference", &Shape::Scalar),
    ("channel", &Shape::Scalar),
]);

static CERTIFICATE_PROVIDER: Shape = Shape::Object(person![
    ("address", &ADDRESS),
    ("email", &Shape::Scalar),
    ("phone", &Shape::Scalar),
    ("channel", &Shape::Scalar),
    ("signedAt", &Shape::Scalar),
    ("contactLanguagePreference", &Shape::Scalar),
    ("identityCheck", &IDENTITY_CHECK),
]);

static PERSON_TO_NOTIFY: Shape = Shape::Object(person![("address", &ADDRESS)]);

static INDEPENDENT_WITNESS: Shape =
    Shape::Object(person![("phone", &Shape::Scalar), ("address", &ADDRESS)]);

static AUTHORISED_SIGNATORY: Shape = Shape::Object(person![]);

static FILE_UPLOAD: Shape =
    Shape::Object(&[("filename", &Shape::Scalar), ("data", &Shape::Scalar)]);

/// What `PUT /lpas/{uid}` reads: the real store's `LpaInit`. The fields the store sets itself
/// (`uid`, `status`, `updatedAt`, ...) are not read from the body.
pub static LPA_INIT: Shape = Shape::Object(&[
    ("lpaType", &Shape::Scalar),
    ("channel", &Shape::Scalar),
    ("language", &Shape::Scalar),
    ("donor", &DONOR),
    ("attorneys", &Shape::List(&ATTORNEY)),
    ("trustCorporations", &Shape::List(&TRUST_CORPORATION)),
    ("certificateProvider", &CERTIFICATE_PROVIDER),
    ("peopleToNotify", &Shape::List(&PERSON_TO_NOTIFY)),
    ("independentWitness", &INDEPENDENT_WITNESS),
    ("authorisedSignatory", &AUTHORISED_SIGNATORY),
    ("howAttorneysMakeDecisions", &Shape::Scalar),
    ("howAttorneysMakeDecisionsDetails", &Shape::Scalar),
    (
        "howAttorneysMakeDecisionsDetailsImages",
        &Shape::List(&FILE_UPLOAD),
    ),
    ("howAttorneysMakeDecisionsIsDefault", &Shape::Scalar),
    ("howReplacementAttorneysMakeDecisions", &Shape::Scalar),
    (
        "howReplacementAttorneysMakeDecisionsDetails",
        &Shape::Scalar,
    ),
    (
        "howReplacementAttorneysMakeDecisionsIsDefault",
        &Shape::Scalar,
    ),
    ("howReplacementAttorneysStepIn", &Shape::Scalar),
    ("howReplacementAttorneysStepInDetails", &Shape::Scalar),
    ("whenTheLpaCanBeUsed", &Shape::Scalar),
    ("whenTheLpaCanBeUsedIsDefault", &Shape::Scalar),
    ("lifeSustainingTreatmentOption", &Shape::Scalar),
    ("lifeSustainingTreatmentOptionIsDefault", &Shape::Scalar),
    ("restrictionsAndConditions", &Shape::Scalar),
    (
        "restrictionsAndConditionsImages",
        &Shape::List(&FILE_UPLOAD),
    ),
    ("signedAt", &Shape::Scalar),
    ("witnessedByCertificateProviderAt", &Shape::Scalar),
    ("witnessedByIndependentWitnessAt", &Shape::Scalar),
    ("certificateProviderNotRelatedConfirmedAt", &Shape::Scalar),
]);

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;

    fn read(body: &str) -> Value {
        canonical(body.as_bytes(), &LPA_INIT).unwrap()
    }

    #[test]
    fn keys_match_fields_ignoring_case_and_exact_matches_win() {
        let value = read(
            r#"{"LPATYPE":"personal-welfare","trustCorporations":[{"companyNUmber":"123"}],
                "channel":"paper","CHANNEL":"online","donor":{"EMAIL":"a@b","email":"c@d"}}"#,
        );
        assert_eq!(value["lpaType"], "personal-welfare");
        assert_eq!(value["trustCorporations"][0]["companyNumber"], "123");
        // the last key matching a field wins, exact or not, as Go decodes them in order
        assert_eq!(value["channel"], "online");
        assert_eq!(value["donor"]["email"], "c@d");
    }

    #[test]
    fn null_leaves_a_field_empty_but_reaches_a_date() {
        let value = read(
            r#"{"lpaType":null,"donor":{"email":null,"dateOfBirth":null},"attorneys":[null],
                "peopleToNotify":null}"#,
        );
        assert_eq!(
            value,
            json!({"donor": {"dateOfBirth": null}, "attorneys": [{}]})
        );
        assert_eq!(canonical(b"null", &LPA_INIT).unwrap(), json!({}));
    }

    #[test]
    fn objects_sent_twice_are_merged_and_unknown_keys_dropped() {
        let value = read(r#"{"donor":{"firstNames":"A"},"Donor":{"lastName":"B"},"uid":"M-1"}"#);
        assert_eq!(
            value,
            json!({"donor": {"firstNames": "A", "lastName": "B"}})
        );
    }

    /// Every key the model writes for a fully filled-in LPA, as `/a/b` paths (`*` for items).
    fn written_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    let path = format!("{prefix}/{key}");
                    out.insert(path.clone());
                    written_paths(item, &path, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    written_paths(item, &format!("{prefix}/*"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn the_create_shape_names_every_field_of_the_model_the_caller_may_send() {
        let lpa = crate::model::lpa::tests::every_field_set();
        let mut written = BTreeSet::new();
        written_paths(&serde_json::to_value(&lpa).unwrap(), "", &mut written);
        // fields the store sets itself, and the stored form of images and notes
        let set_by_store = [
            "/uid",
            "/status",
            "/registrationDate",
            "/updatedAt",
            "/notes",
        ];
        written.retain(|path| {
            !set_by_store
                .iter()
                .any(|own| path == own || path.starts_with(&format!("{own}/")))
                && !path.ends_with("Images/*/path")
                && !path.ends_with("Images/*/hash")
        });
        let mut shaped: BTreeSet<String> = LPA_INIT.names().into_iter().collect();
        shaped.retain(|path| {
            !path.ends_with("Images/*/filename") && !path.ends_with("Images/*/data")
        });
        assert_eq!(written, shaped);
    }
}
