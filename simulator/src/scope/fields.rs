//! The response fields a consumer relies on, as a tree of JSON keys with array elements
//! generalised: `$.attorneys[*].firstNames` is one field whatever the number of attorneys.
//!
//! A tree is read from the bodies of a pact's interactions (what the consumer's test asserted
//! on) and their matching rules. It then trims an answer to those fields, or names the fields
//! of an answer that it does not cover.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// One step of a field's path: a key of an object, or any element of an array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// An object's key.
    Key(String),
    /// Any element of an array.
    Each,
}

/// The fields relied on under one node of a JSON document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldTree {
    /// The node is relied on as a whole: a value the pact gave in full (a string, a number, a
    /// `null`), so whatever the store has there is kept.
    whole: bool,
    /// The keys relied on, when the node is an object.
    keys: BTreeMap<String, Self>,
    /// What is relied on in each element, when the node is an array with elements in the pact.
    each: Option<Box<Self>>,
}

impl FieldTree {
    /// The fields of a pact's example body: every key it gives, every element of an array
    /// generalised to all of them. An empty object or array is relied on as there, and no
    /// more: it keeps none of the store's keys or elements.
    pub(crate) fn from_body(body: &Value) -> Self {
        match body {
            Value::Object(map) => Self {
                keys: map
                    .iter()
                    .map(|(key, value)| (key.clone(), Self::from_body(value)))
                    .collect(),
                ..Self::default()
            },
            Value::Array(items) => Self {
                each: items
                    .iter()
                    .map(Self::from_body)
                    .reduce(|mut all, one| {
                        all.merge(one);
                        all
                    })
                    .map(Box::new),
                ..Self::default()
            },
            _ => Self {
                whole: true,
                ..Self::default()
            },
        }
    }

    /// Adds the field at `path` (a matching rule's), relied on as a whole when the body did
    /// not already give it.
    pub(crate) fn add_path(&mut self, path: &[Step]) {
        let Some((first, rest)) = path.split_first() else {
            if self.keys.is_empty() && self.each.is_none() {
                self.whole = true;
            }
            return;
        };
        let next = match first {
            Step::Key(key) => self.keys.entry(key.clone()).or_default(),
            Step::Each => self.each.get_or_insert_with(Box::default),
        };
        next.add_path(rest);
    }

    /// Everything `other` relies on, added to this tree.
    pub(crate) fn merge(&mut self, other: Self) {
        self.whole |= other.whole;
        for (key, tree) in other.keys {
            self.keys.entry(key).or_default().merge(tree);
        }
        if let Some(each) = other.each {
            self.each.get_or_insert_with(Box::default).merge(*each);
        }
    }

    /// The tree under `path`, if the tree reaches that far.
    pub(crate) fn at(&self, path: &[Step]) -> Option<&Self> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        match first {
            Step::Key(key) => self.keys.get(key)?.at(rest),
            Step::Each => self.each.as_deref()?.at(rest),
        }
    }

    /// Whether nothing is relied on.
    pub fn is_empty(&self) -> bool {
        !self.whole && self.keys.is_empty() && self.each.is_none()
    }

    /// Removes from `value` every field this tree does not rely on. The shape stays: an
    /// object stays an object with the keys relied on, an array keeps every element (each
    /// trimmed), so an answer trimmed for a pact still matches that pact.
    pub fn trim(&self, value: &mut Value) {
        if self.whole {
            return;
        }
        match value {
            Value::Object(map) => {
                map.retain(|key, _| self.keys.contains_key(key));
                for (key, field) in map.iter_mut() {
                    self.keys[key].trim(field);
                }
            }
            Value::Array(items) => match &self.each {
                Some(each) => items.iter_mut().for_each(|item| each.trim(item)),
                None => items.clear(),
            },
            _ => {}
        }
    }

    /// The fields of `value` this tree does not rely on, as paths (`$.donor.email`).
    pub fn outside(&self, value: &Value) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        self.collect_outside(value, &mut String::from("$"), &mut found);
        found
    }

    fn collect_outside(&self, value: &Value, path: &mut String, found: &mut BTreeSet<String>) {
        if self.whole {
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, field) in map {
                    let length = path.len();
                    push_key(path, key);
                    match self.keys.get(key) {
                        Some(tree) => tree.collect_outside(field, path, found),
                        None => collect_leaves(field, path, found),
                    }
                    path.truncate(length);
                }
            }
            Value::Array(items) => {
                let length = path.len();
                path.push_str("[*]");
                for item in items {
                    match &self.each {
                        Some(each) => each.collect_outside(item, path, found),
                        None => collect_leaves(item, path, found),
                    }
                }
                path.truncate(length);
            }
            _ => {}
        }
    }

    /// The fields this tree relies on, as paths (`$.attorneys[*].firstNames`): its leaves, and
    /// the empty objects and arrays it keeps.
    pub fn paths(&self) -> Vec<String> {
        let mut found = Vec::new();
        self.collect_paths(&mut String::from("$"), &mut found);
        found
    }

    fn collect_paths(&self, path: &mut String, found: &mut Vec<String>) {
        if self.whole || (self.keys.is_empty() && self.each.is_none()) {
            found.push(path.clone());
            return;
        }
        for (key, tree) in &self.keys {
            let length = path.len();
            push_key(path, key);
            tree.collect_paths(path, found);
            path.truncate(length);
        }
        if let Some(each) = &self.each {
            let length = path.len();
            path.push_str("[*]");
            each.collect_paths(path, found);
            path.truncate(length);
        }
    }
}

/// The fields of `value`, as paths with array elements generalised: how many distinct fields
/// an answer carries.
pub fn leaf_paths(value: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    collect_leaves(value, &mut String::from("$"), &mut found);
    found
}

fn collect_leaves(value: &Value, path: &mut String, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, field) in map {
                let length = path.len();
                push_key(path, key);
                collect_leaves(field, path, found);
                path.truncate(length);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let length = path.len();
            path.push_str("[*]");
            for item in items {
                collect_leaves(item, path, found);
            }
            path.truncate(length);
        }
        _ => {
            found.insert(path.clone());
        }
    }
}

/// `.key`, or `['key']` for a key that is not a plain name.
fn push_key(path: &mut String, key: &str) {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        path.push('.');
        path.push_str(key);
    } else {
        path.push_str("['");
        path.push_str(&key.replace('\'', "\\'"));
        path.push_str("']");
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;

    /// An object with only `keys` of `map`, for building trimmed documents in tests.
    fn only(map: &Map<String, Value>, keys: &[&str]) -> Value {
        Value::Object(
            map.iter()
                .filter(|(key, _)| keys.contains(&key.as_str()))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        )
    }

    fn lpa() -> Value {
        json!({
            "uid": "M-0000-1111-2222",
            "status": "registered",
            "donor": {"firstNames": "Feeg", "lastName": "Bundlaaaa", "email": "f@example.com",
                      "address": {"line1": "74 Cloob Close", "country": "GB"}},
            "attorneys": [
                {"uid": "a1", "firstNames": "Adam", "dateOfBirth": "1999-01-01"},
                {"uid": "a2", "firstNames": "Ada", "dateOfBirth": "1998-01-01"}
            ],
            "restrictionsAndConditionsImages": [{"path": "a.png"}]
        })
    }

    #[test]
    fn an_answer_is_trimmed_to_the_fields_the_pact_body_gives_with_every_array_element_kept() {
        let tree = FieldTree::from_body(&json!({
            "uid": "M-0000-0000-0000",
            "donor": {"firstNames": "x", "address": {"country": "GB"}},
            "attorneys": [{"firstNames": "y"}]
        }));
        let mut answer = lpa();

        tree.trim(&mut answer);

        assert_eq!(
            answer,
            json!({
                "uid": "M-0000-1111-2222",
                "donor": {"firstNames": "Feeg", "address": {"country": "GB"}},
                "attorneys": [{"firstNames": "Adam"}, {"firstNames": "Ada"}]
            })
        );
    }

    #[test]
    fn an_empty_object_or_array_in_the_pact_keeps_the_node_but_none_of_its_contents() {
        let tree =
            FieldTree::from_body(&json!({"donor": {}, "restrictionsAndConditionsImages": []}));
        let mut answer = lpa();

        tree.trim(&mut answer);

        assert_eq!(
            answer,
            json!({"donor": {}, "restrictionsAndConditionsImages": []})
        );
    }

    #[test]
    fn an_empty_pact_body_keeps_nothing() {
        let mut answer = lpa();
        FieldTree::from_body(&json!({})).trim(&mut answer);
        assert_eq!(answer, json!({}));
    }

    #[test]
    fn a_matching_rule_path_the_body_lacks_is_relied_on_as_a_whole() {
        let mut tree = FieldTree::from_body(&json!({"uid": "x"}));
        tree.add_path(&[Step::Key("donor".into()), Step::Key("address".into())]);
        tree.add_path(&[Step::Key("uid".into())]);
        let mut answer = lpa();

        tree.trim(&mut answer);

        let donor = lpa()["donor"].as_object().cloned().unwrap();
        assert_eq!(
            answer,
            json!({"uid": "M-0000-1111-2222", "donor": only(&donor, &["address"])})
        );
    }

    #[test]
    fn fields_outside_the_tree_are_named_once_each_with_arrays_generalised() {
        let tree = FieldTree::from_body(&json!({"uid": "x", "attorneys": [{"uid": "a"}]}));

        let outside = tree.outside(&lpa());

        assert_eq!(
            outside.into_iter().collect::<Vec<_>>(),
            vec![
                "$.attorneys[*].dateOfBirth",
                "$.attorneys[*].firstNames",
                "$.donor.address.country",
                "$.donor.address.line1",
                "$.donor.email",
                "$.donor.firstNames",
                "$.donor.lastName",
                "$.restrictionsAndConditionsImages[*].path",
                "$.status",
            ]
        );
    }

    #[test]
    fn a_trimmed_answer_has_no_field_outside_the_tree() {
        let tree = FieldTree::from_body(&json!({"donor": {"lastName": "x"}, "attorneys": []}));
        let mut answer = lpa();
        tree.trim(&mut answer);
        assert!(tree.outside(&answer).is_empty(), "{answer}");
        assert_eq!(leaf_paths(&answer).len(), 2);
    }

    #[test]
    fn merged_trees_rely_on_both_and_paths_name_each_field_once() {
        let mut tree = FieldTree::from_body(&json!({"attorneys": [{"uid": "a"}]}));
        tree.merge(FieldTree::from_body(
            &json!({"attorneys": [{"firstNames": "b"}, {"uid": "c"}], "odd key": 1}),
        ));

        assert_eq!(
            tree.paths(),
            vec![
                "$.attorneys[*].firstNames",
                "$.attorneys[*].uid",
                "$['odd key']"
            ]
        );
    }

    #[test]
    fn leaf_paths_count_distinct_fields_not_values() {
        assert_eq!(leaf_paths(&lpa()).len(), 11);
    }
}
