//! Data minimisation from the contracts: each consumer's scope, read from its pacts, and the
//! simulator holding consumers to it.
//!
//! The LPA store's architecture gives each service "only access to the data we need and
//! nothing more". A pact records what a consumer needs: the operations it calls and the fields
//! of the answers its tests rely on. [`Contracts::read`] turns a folder of pacts into a
//! [`Scope`] per consumer; `lpa-contracts scopes` prints them as the data-minimisation record,
//! and `lpa-sim serve --contracts DIR --scopes report|enforce` reports or refuses calls outside
//! a consumer's scope and trims the fields of its answers (see the `watch` module).

mod fields;
mod pact;
mod watch;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

pub(crate) use fields::Step;
pub use fields::{FieldTree, leaf_paths};
pub use pact::ScopeError;
pub(crate) use watch::Watch;

/// What the simulator does with calls and fields outside a consumer's scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ScopeMode {
    /// Answer as usual, and count what was outside each consumer's scope
    /// (`GET /__admin/scopes`).
    Report,
    /// Refuse calls outside a consumer's scope with 403, and trim its answers to its fields.
    Enforce,
}

/// One kind of call to the store: a method on a route, with the update type for updates and
/// the `presign-images` flag for reads.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Operation {
    /// `GET`, `POST`, `PUT`...
    pub method: String,
    /// The route, with `{uid}` for an LPA's UID: `/lpas/{uid}/updates`.
    pub route: String,
    /// What tells calls on the same route apart.
    pub detail: Option<Detail>,
}

/// What tells two operations on one route apart.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Detail {
    /// A read with `?presign-images`: the same LPA, with its scanned images' URLs signed.
    PresignImages,
    /// An update's `type`.
    UpdateType(String),
}

impl Operation {
    /// The operation of a call to `path` (a concrete path, as in a pact) with `method`.
    pub fn of_call(
        method: &str,
        path: &str,
        presign_images: bool,
        update_type: Option<&str>,
    ) -> Self {
        let method = method.to_ascii_uppercase();
        let route = route_of(path);
        let detail = if method == "POST" && route == UPDATES_ROUTE {
            Some(Detail::UpdateType(
                update_type.unwrap_or_default().to_owned(),
            ))
        } else if method == "GET" && route == LPA_ROUTE && presign_images {
            Some(Detail::PresignImages)
        } else {
            None
        };
        Self {
            method,
            route,
            detail,
        }
    }

    /// `GET /lpas/{uid}`: the method and route, which the answer's fields are kept by.
    pub fn answer_key(&self) -> String {
        format!("{} {}", self.method, self.route)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.route)?;
        match &self.detail {
            None => Ok(()),
            Some(Detail::PresignImages) => f.write_str("?presign-images"),
            Some(Detail::UpdateType(kind)) => write!(f, " {kind}"),
        }
    }
}

impl Serialize for Operation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

const LPA_ROUTE: &str = "/lpas/{uid}";
const UPDATES_ROUTE: &str = "/lpas/{uid}/updates";

/// The store's route for a concrete path: `/lpas/M-0000-1111-2222` is `/lpas/{uid}`. Paths
/// that are not the store's API are kept as they are.
pub fn route_of(path: &str) -> String {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match segments.as_slice() {
        ["", "lpas", uid] if !uid.is_empty() => LPA_ROUTE.to_owned(),
        ["", "lpas", uid, "updates"] if !uid.is_empty() => UPDATES_ROUTE.to_owned(),
        ["", "lpas", uid, "static"] if !uid.is_empty() => "/lpas/{uid}/static".to_owned(),
        _ => path.to_owned(),
    }
}

/// Where in each answer of the store the LPA is, for the answers that carry LPAs: by method
/// and route, the path to the LPA (`POST /lpas` answers `{"lpas": [...]}`).
const LPA_ANSWERS: &[(&str, &[&str])] = &[
    ("GET /lpas/{uid}", &[]),
    ("GET /lpas/{uid}/static", &[]),
    ("PUT /lpas/{uid}", &[]),
    ("POST /lpas/{uid}/updates", &[]),
    ("POST /lpas", &["lpas", "[*]"]),
];

/// The answer that carries an LPA's change history.
const HISTORY_ANSWER: &str = "GET /lpas/{uid}/updates";

/// One consumer's scope: what its pacts show it calls, and which fields of the answers it
/// relies on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    consumer: String,
    operations: BTreeSet<Operation>,
    /// By method and route ([`Operation::answer_key`]): the fields of its successful answers.
    fields: BTreeMap<String, FieldTree>,
    pacts: Vec<PathBuf>,
}

impl Scope {
    /// The consumer's name, as its pacts give it.
    pub fn consumer(&self) -> &str {
        &self.consumer
    }

    /// Every operation its pacts call.
    pub fn operations(&self) -> &BTreeSet<Operation> {
        &self.operations
    }

    /// The pact files it was read from.
    pub fn pacts(&self) -> &[PathBuf] {
        &self.pacts
    }

    /// Whether the consumer's pacts call `operation`. A read with `?presign-images` covers the
    /// same read without it: that answer is the same LPA with less in it.
    pub fn allows(&self, operation: &Operation) -> bool {
        if self.operations.contains(operation) {
            return true;
        }
        operation.detail.is_none()
            && self.operations.contains(&Operation {
                detail: Some(Detail::PresignImages),
                ..operation.clone()
            })
    }

    /// The fields of the successful answers to `answer_key` (`GET /lpas/{uid}`) that the
    /// consumer relies on; none when its pacts show no successful answer there.
    pub fn fields_of(&self, answer_key: &str) -> Option<&FieldTree> {
        self.fields.get(answer_key)
    }

    /// Every answer (`GET /lpas/{uid}`) its pacts show succeeding, with the fields relied on.
    pub fn answers(&self) -> impl Iterator<Item = (&str, &FieldTree)> {
        self.fields.iter().map(|(key, tree)| (key.as_str(), tree))
    }

    /// The LPA fields the consumer relies on, from every answer that carries an LPA, as
    /// paths from the LPA's top (`$.donor.firstNames`).
    pub fn lpa_fields(&self) -> FieldTree {
        let mut all = FieldTree::default();
        for (key, at) in LPA_ANSWERS {
            let path: Vec<Step> = at
                .iter()
                .map(|s| {
                    if *s == "[*]" {
                        Step::Each
                    } else {
                        Step::Key((*s).to_owned())
                    }
                })
                .collect();
            if let Some(tree) = self.fields.get(*key).and_then(|tree| tree.at(&path)) {
                all.merge(tree.clone());
            }
        }
        all
    }

    /// The fields of each change in the change history the consumer relies on, if it reads
    /// the history.
    pub fn history_fields(&self) -> Option<&FieldTree> {
        self.fields
            .get(HISTORY_ANSWER)
            .and_then(|tree| tree.at(&[Step::Each]))
    }

    fn absorb(&mut self, other: Self) {
        self.operations.extend(other.operations);
        for (key, tree) in other.fields {
            self.fields.entry(key).or_default().merge(tree);
        }
        self.pacts.extend(other.pacts);
    }
}

/// Which JWT issuer each consumer signs as: how the simulator knows whose scope a call is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuers {
    by_consumer: BTreeMap<String, String>,
}

impl Default for Issuers {
    /// The LPA store's three consumers: Make and register an LPA (`modernising-lpa`), Use an
    /// LPA (`use-an-lpa`) and Sirius (`sirius`).
    fn default() -> Self {
        let by_consumer = [
            ("modernising-lpa", "opg.poas.makeregister"),
            ("use-an-lpa", "opg.poas.use"),
            ("sirius", "opg.poas.sirius"),
        ]
        .into_iter()
        .map(|(c, i)| (c.to_owned(), i.to_owned()))
        .collect();
        Self { by_consumer }
    }
}

impl Issuers {
    /// Adds or replaces a consumer's issuer (`--issuer consumer=issuer`).
    pub fn insert(&mut self, consumer: &str, issuer: &str) {
        self.by_consumer
            .insert(consumer.to_owned(), issuer.to_owned());
    }

    /// Reads `consumer=issuer`, as `--issuer` takes it.
    pub fn parse_pair(pair: &str) -> Result<(String, String), String> {
        match pair.split_once('=') {
            Some((consumer, issuer))
                if !consumer.trim().is_empty() && !issuer.trim().is_empty() =>
            {
                Ok((consumer.trim().to_owned(), issuer.trim().to_owned()))
            }
            _ => Err(format!(
                "{pair:?} is not CONSUMER=ISSUER, e.g. sirius=opg.poas.sirius"
            )),
        }
    }

    /// The issuer of `consumer`, if known.
    pub fn of(&self, consumer: &str) -> Option<&str> {
        self.by_consumer.get(consumer).map(String::as_str)
    }

    /// The consumer that signs as `issuer`, if one does.
    pub fn consumer_of(&self, issuer: &str) -> Option<&str> {
        self.by_consumer
            .iter()
            .find(|(_, i)| *i == issuer)
            .map(|(c, _)| c.as_str())
    }

    /// Every consumer with a known issuer.
    pub fn consumers(&self) -> impl Iterator<Item = &str> {
        self.by_consumer.keys().map(String::as_str)
    }
}

/// Why a caller has no scope to be held to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unscoped {
    /// The caller's consumer has no pact in the folder.
    #[error("{consumer} (issuer {issuer}) has no pact in {dir}")]
    NoPact {
        /// The consumer.
        consumer: String,
        /// Its issuer.
        issuer: String,
        /// The folder of pacts.
        dir: String,
    },
    /// No consumer is known to sign as the caller's issuer.
    #[error(
        "no consumer is known to sign as issuer {issuer}: name it with --issuer CONSUMER={issuer}"
    )]
    UnknownIssuer {
        /// The issuer.
        issuer: String,
    },
}

/// The scopes of every consumer with a pact in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contracts {
    dir: PathBuf,
    scopes: BTreeMap<String, Scope>,
    issuers: Issuers,
}

impl Contracts {
    /// Reads every pact file (`*.json`) in `dir` whose provider is the LPA store; a consumer
    /// with several pacts gets what they have together.
    pub fn read(dir: &Path) -> Result<Self, ScopeError> {
        let mut scopes: BTreeMap<String, Scope> = BTreeMap::new();
        for scope in pact::read_dir(dir)? {
            match scopes.get_mut(&scope.consumer) {
                Some(existing) => existing.absorb(scope),
                None => {
                    scopes.insert(scope.consumer.clone(), scope);
                }
            }
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            scopes,
            issuers: Issuers::default(),
        })
    }

    /// The same scopes, with consumers signing as `issuers` say.
    #[must_use]
    pub fn with_issuers(mut self, issuers: Issuers) -> Self {
        self.issuers = issuers;
        self
    }

    /// The folder the pacts were read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Who signs as which issuer.
    pub fn issuers(&self) -> &Issuers {
        &self.issuers
    }

    /// Every consumer's scope, by name.
    pub fn scopes(&self) -> impl Iterator<Item = &Scope> {
        self.scopes.values()
    }

    /// The scope of `consumer`, if it has a pact here.
    pub fn scope(&self, consumer: &str) -> Option<&Scope> {
        self.scopes.get(consumer)
    }

    /// The scope of a caller signing as `issuer`, or why it has none.
    pub fn for_issuer(&self, issuer: &str) -> Result<&Scope, Unscoped> {
        let consumer = self
            .issuers
            .consumer_of(issuer)
            .ok_or_else(|| Unscoped::UnknownIssuer {
                issuer: issuer.to_owned(),
            })?;
        self.scopes.get(consumer).ok_or_else(|| Unscoped::NoPact {
            consumer: consumer.to_owned(),
            issuer: issuer.to_owned(),
            dir: self.dir.display().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(text: &str) -> Operation {
        let (method, rest) = text.split_once(' ').unwrap();
        let (path, kind) = rest
            .split_once(' ')
            .map_or((rest, None), |(p, k)| (p, Some(k)));
        let (path, presign) = path
            .strip_suffix("?presign-images")
            .map_or((path, false), |p| (p, true));
        Operation::of_call(method, path, presign, kind)
    }

    #[test]
    fn a_call_is_named_by_its_route_with_the_update_type_or_presign_flag() {
        assert_eq!(
            operation("post /lpas/M-0000-1111-2222/updates CORRECTION").to_string(),
            "POST /lpas/{uid}/updates CORRECTION"
        );
        assert_eq!(
            operation("GET /lpas/M-0000-1111-2222?presign-images").to_string(),
            "GET /lpas/{uid}?presign-images"
        );
        assert_eq!(operation("POST /lpas").to_string(), "POST /lpas");
        assert_eq!(
            operation("GET /lpas/M-0000-1111-2222/static").to_string(),
            "GET /lpas/{uid}/static"
        );
        assert_eq!(
            operation("GET /__admin/images/a.png").to_string(),
            "GET /__admin/images/a.png"
        );
    }

    #[test]
    fn a_read_with_presigned_images_in_scope_covers_the_plain_read_but_not_the_reverse() {
        let mut with_images = Scope::default();
        with_images
            .operations
            .insert(operation("GET /lpas/M-1?presign-images"));
        let mut plain = Scope::default();
        plain.operations.insert(operation("GET /lpas/M-1"));

        assert!(with_images.allows(&operation("GET /lpas/M-2")));
        assert!(!plain.allows(&operation("GET /lpas/M-2?presign-images")));
        assert!(!plain.allows(&operation("PUT /lpas/M-2")));
    }

    #[test]
    fn an_issuer_pair_is_read_from_consumer_equals_issuer() {
        assert_eq!(
            Issuers::parse_pair("lpa-uid=opg.poas.lpauid"),
            Ok(("lpa-uid".to_owned(), "opg.poas.lpauid".to_owned()))
        );
        assert!(Issuers::parse_pair("lpa-uid").is_err());
        assert!(Issuers::parse_pair("=opg.poas.use").is_err());
    }

    #[test]
    fn the_default_issuers_are_the_ones_the_store_accepts() {
        let issuers = Issuers::default();
        let mut known: Vec<&str> = issuers
            .consumers()
            .map(|c| issuers.of(c).unwrap())
            .collect();
        known.sort_unstable();
        let mut accepted = crate::auth::ISSUERS.to_vec();
        accepted.sort_unstable();
        assert_eq!(known, accepted);
    }
}
