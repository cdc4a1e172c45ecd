//! Scopes read from pact files, by pact_models, so that every pact the official tools read
//! (specification 1 to 4, from any language's Pact library) is read the same way.

use std::path::{Path, PathBuf};

use pact_models::path_exp::PathToken;
use serde_json::Value;

use super::fields::{FieldTree, Step};
use super::{Operation, Scope};

/// The provider name of the LPA store's pacts; pacts for other providers are left out.
pub(crate) const PROVIDER: &str = "data-lpa-store";

/// Why a folder's pacts could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScopeError {
    /// The folder cannot be listed.
    #[error("cannot read the pact folder {dir}")]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file is not a pact pact_models can read.
    #[error("{path} is not a pact file: {reason}")]
    Broken {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// No pact in the folder is for the LPA store.
    #[error("{dir} holds no pact file (*.json) for the provider {PROVIDER}")]
    NoPacts {
        /// The folder.
        dir: PathBuf,
    },
}

/// Each pact file's scope, in file name order.
pub(crate) fn read_dir(dir: &Path) -> Result<Vec<Scope>, ScopeError> {
    let folder = |source| ScopeError::Folder {
        dir: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(folder)? {
        let path = entry.map_err(folder)?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    let mut scopes = Vec::new();
    for path in files {
        if let Some(scope) = read_file(&path)? {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err(ScopeError::NoPacts {
            dir: dir.to_path_buf(),
        });
    }
    Ok(scopes)
}

/// The scope one pact file gives its consumer; `None` for another provider's pact.
fn read_file(path: &Path) -> Result<Option<Scope>, ScopeError> {
    let broken = |reason: String| ScopeError::Broken {
        path: path.to_path_buf(),
        reason,
    };
    // pact_models reads a file that is not JSON as an empty pact, so JSON is checked first.
    let text = std::fs::read_to_string(path).map_err(|e| broken(e.to_string()))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| broken(e.to_string()))?;
    if !json.get("interactions").is_some_and(Value::is_array) {
        return Err(broken("it has no list of interactions".to_owned()));
    }
    let pact = pact_models::pact::load_pact_from_json(&path.display().to_string(), &json)
        .map_err(|e| broken(e.to_string()))?;
    let provider = pact.provider().name;
    if provider != PROVIDER {
        tracing::warn!(path = %path.display(), %provider, "a pact for another provider, left out of the scopes");
        return Ok(None);
    }
    let consumer = pact.consumer().name;
    if consumer.is_empty() {
        return Err(broken("it names no consumer".to_owned()));
    }
    let mut scope = Scope {
        consumer,
        pacts: vec![path.to_path_buf()],
        ..Scope::default()
    };
    for interaction in pact.interactions() {
        let Some(http) = interaction.as_v4_http() else {
            tracing::warn!(path = %path.display(), interaction = %interaction.description(), "not an HTTP interaction, left out of the scope");
            continue;
        };
        let request = &http.request;
        let update_type = request
            .body
            .value()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .and_then(|body| type_of(&body));
        let presign = request
            .query
            .as_ref()
            .is_some_and(|query| query.contains_key("presign-images"));
        let operation = Operation::of_call(
            &request.method,
            &request.path,
            presign,
            update_type.as_deref(),
        );
        let response = &http.response;
        // A queued write's receipt (202) is the simulator's own and carries no LPA data; the
        // layer leaves it as it is, so it gives no fields either.
        if (200..300).contains(&response.status) && response.status != 202 {
            let fields = answer_fields(&response.body, &response.matching_rules);
            scope
                .fields
                .entry(operation.answer_key())
                .or_default()
                .merge(fields);
        }
        scope.operations.insert(operation);
    }
    Ok(Some(scope))
}

/// An update's `type`, its key matched ignoring case as the store's Go decoder does.
fn type_of(body: &Value) -> Option<String> {
    body.as_object()?
        .iter()
        .rev()
        .find(|(key, _)| key.eq_ignore_ascii_case("type"))
        .and_then(|(_, value)| value.as_str())
        .map(str::to_owned)
}

/// The fields a successful answer's example body gives, with the paths of its body matching
/// rules. A rule on every key of an object (`$.attorneys[*].*`, as `each_like` writes) adds
/// no field: the example names the keys relied on.
fn answer_fields(
    body: &pact_models::bodies::OptionalBody,
    rules: &pact_models::matchingrules::MatchingRules,
) -> FieldTree {
    let mut tree = body
        .value()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .map(|value| FieldTree::from_body(&value))
        .unwrap_or_default();
    if let Some(category) = rules.rules_for_category("body") {
        for path in category.rules.keys() {
            let steps: Option<Vec<Step>> = path
                .tokens()
                .iter()
                .filter(|token| **token != PathToken::Root)
                .map(|token| match token {
                    PathToken::Field(name) => Some(Step::Key(name.clone())),
                    PathToken::Index(_) | PathToken::StarIndex => Some(Step::Each),
                    PathToken::Star | PathToken::Root => None,
                })
                .collect();
            if let Some(steps) = steps {
                tree.add_path(&steps);
            }
        }
    }
    tree
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn write_pact(dir: &Path, name: &str, pact: &Value) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, pact.to_string()).unwrap();
        path
    }

    fn pact(consumer: &str, interactions: &Value) -> Value {
        json!({
            "consumer": {"name": consumer},
            "provider": {"name": PROVIDER},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "3.0.0"}}
        })
    }

    #[test]
    fn a_pact_gives_its_consumer_the_operations_it_calls_and_the_fields_of_its_successes() {
        let dir = tempfile::tempdir().unwrap();
        write_pact(
            dir.path(),
            "use-an-lpa.json",
            &pact(
                "use-an-lpa",
                &json!([
                    {"description": "read", "request": {"method": "GET", "path": "/lpas/M-0000-1111-2222", "query": {"presign-images": [""]}},
                     "response": {"status": 200, "body": {"uid": "M-0000-1111-2222", "attorneys": [{"firstNames": "A"}]},
                                  "matchingRules": {"body": {"$.attorneys[*].*": {"matchers": [{"match": "type"}]},
                                                             "$.donor.lastName": {"matchers": [{"match": "type"}]}}}}},
                    {"description": "missing", "request": {"method": "GET", "path": "/lpas/M-0000-1111-3333", "query": {"presign-images": [""]}},
                     "response": {"status": 404, "body": {"code": "NOT_FOUND", "detail": "Record not found"}}},
                    {"description": "update", "request": {"method": "POST", "path": "/lpas/M-0000-1111-2222/updates", "body": {"Type": "CORRECTION", "changes": []}},
                     "response": {"status": 201, "body": {}}}
                ]),
            ),
        );

        let scopes = read_dir(dir.path()).unwrap();

        let scope = &scopes[0];
        assert_eq!(scope.consumer(), "use-an-lpa");
        let operations: Vec<String> = scope.operations().iter().map(ToString::to_string).collect();
        assert_eq!(
            operations,
            vec![
                "GET /lpas/{uid}?presign-images",
                "POST /lpas/{uid}/updates CORRECTION"
            ]
        );
        assert_eq!(
            scope.fields_of("GET /lpas/{uid}").unwrap().paths(),
            vec!["$.attorneys[*].firstNames", "$.donor.lastName", "$.uid"]
        );
        assert_eq!(
            scope.fields_of("POST /lpas/{uid}/updates").unwrap().paths(),
            vec!["$"]
        );
    }

    #[test]
    fn another_providers_pact_is_left_out_and_a_folder_without_ours_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut other = pact("use-an-lpa", &json!([]));
        other["provider"]["name"] = json!("lpa-codes");
        write_pact(dir.path(), "codes.json", &other);

        let error = read_dir(dir.path()).unwrap_err();

        assert!(matches!(error, ScopeError::NoPacts { .. }), "{error}");
        assert!(error.to_string().contains(PROVIDER), "{error}");
    }

    #[test]
    fn a_file_that_is_not_a_pact_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.json"), "not json").unwrap();

        let error = read_dir(dir.path()).unwrap_err();

        assert!(error.to_string().contains("notes.json"), "{error}");
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let error = read_dir(Path::new("/no/such/pacts")).unwrap_err();
        assert!(error.to_string().contains("/no/such/pacts"), "{error}");
    }
}
