//! Caller authentication: the HS256 JWT in `X-Jwt-Authorization` (`lpa-store-domain.md` §4.2).
//!
//! The checks are the real store's (golang-jwt v5 with its defaults, then the store's own
//! `Validate`), in its terms: the signature with the shared secret; `exp` and `nbf` only when
//! present (Make and register sends no `exp`); `iat` required and not in the future; the issuer
//! one of the three OPG services, so a token without one is refused; the subject a URN. No
//! leeway is given, as the real store gives none.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::decode::{Shape, canonical};

/// The LPA store's public local test secret, used when no secret is configured.
pub const DEFAULT_SECRET: &str = "mysupersecrettestkeythatis128bits";

/// The header that carries the JWT.
pub const JWT_HEADER: &str = "x-jwt-authorization";

/// The issuers the store accepts: Sirius, Make and register an LPA, Use an LPA.
pub const ISSUERS: [&str; 3] = ["opg.poas.sirius", "opg.poas.makeregister", "opg.poas.use"];

/// Why a JWT was refused. Every variant is answered with the same 401; the reason is logged.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// No `X-Jwt-Authorization` header, or not UTF-8.
    #[error("no X-Jwt-Authorization header")]
    Missing,
    /// Signature, format, `exp`, `nbf` or issuer check failed.
    #[error("token rejected: {0}")]
    Rejected(String),
    /// No `iat` claim.
    #[error("token has no iat claim")]
    NoIssuedAt,
    /// `iat` is in the future.
    #[error("IssuedAt must not be in the future")]
    IssuedInFuture,
    /// `sub` is not a URN.
    #[error("subject is not a valid URN")]
    SubjectNotUrn,
}

/// The claims of an accepted token that the store uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The issuer: which consumer is calling.
    pub issuer: String,
    /// The subject URN, recorded as the author of updates.
    pub subject: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    #[serde(default)]
    iss: String,
    #[serde(default)]
    sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
}

/// Checks JWTs against one secret.
#[derive(Clone)]
pub struct Verifier {
    key: DecodingKey,
    /// Tokens that passed every check that does not depend on the time, with what the
    /// time-dependent checks need: consumers send the same token on many requests, and the
    /// signature and claims of a token never change.
    passed: Arc<RwLock<HashMap<Box<str>, Passed>>>,
}

/// What is left to check of a token that passed its other checks: its dates.
#[derive(Clone, Debug)]
struct Passed {
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: f64,
    caller: Caller,
}

/// The most tokens remembered; past it the memory starts again, so a stream of distinct tokens
/// costs a full check each and never grows the memory.
const PASSED_CAPACITY: usize = 4096;

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").finish_non_exhaustive()
    }
}

/// The registered claims golang-jwt reads (its `RegisteredClaims`); `null` for any of them is
/// the same as leaving it out.
static CLAIMS: Shape = Shape::Object(&[
    ("iss", &Shape::Scalar),
    ("sub", &Shape::Scalar),
    ("aud", &Shape::Scalar),
    ("exp", &Shape::Scalar),
    ("nbf", &Shape::Scalar),
    ("iat", &Shape::Scalar),
    ("jti", &Shape::Scalar),
]);

impl Verifier {
    /// A verifier for tokens signed with `secret`.
    pub fn new(secret: &str) -> Self {
        Self {
            key: DecodingKey::from_secret(secret.as_bytes()),
            passed: Arc::default(),
        }
    }

    /// Checks the value of an `X-Jwt-Authorization` header (with or without `Bearer `).
    ///
    /// The real store parses with golang-jwt's defaults and no list of allowed algorithms, so
    /// any HMAC algorithm signed with the secret passes; the claims are then read by Go's JSON
    /// rules (keys ignoring case, a number or a numeric string for a date) and checked: `exp`
    /// and `nbf` when present, then the store's own checks of `iat`, `iss` and `sub`.
    pub fn verify(&self, header: Option<&str>) -> Result<Caller, AuthError> {
        let token = strip_bearer(header.ok_or(AuthError::Missing)?);
        let known = self
            .passed
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(token)
            .cloned();
        if let Some(passed) = known {
            check_dates(passed.exp, passed.nbf, Some(passed.iat))?;
            return Ok(passed.caller);
        }
        let payload = self.verified_payload(token)?;
        let claims = read_claims(&payload)?;
        // The checks in golang-jwt's order: the dates (whose outcome depends on the time, so
        // they are checked again on every use), then the store's own.
        check_dates(claims.exp, claims.nbf, None)?;
        let iat = claims.iat.ok_or(AuthError::NoIssuedAt)?;
        check_dates(None, None, Some(iat))?;
        if !ISSUERS.contains(&claims.iss.as_str()) {
            return Err(AuthError::Rejected("invalid issuer".into()));
        }
        if !is_urn(&claims.sub) {
            return Err(AuthError::SubjectNotUrn);
        }
        let caller = Caller {
            issuer: claims.iss,
            subject: claims.sub,
        };
        let mut cache = self.passed.write().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= PASSED_CAPACITY {
            cache.clear();
        }
        cache.insert(
            token.into(),
            Passed {
                exp: claims.exp,
                nbf: claims.nbf,
                iat,
                caller: caller.clone(),
            },
        );
        Ok(caller)
    }

    /// The decoded payload of a token of three parts whose HMAC signature is the secret's.
    fn verified_payload(&self, token: &str) -> Result<Vec<u8>, AuthError> {
        let rejected = |reason: &str| AuthError::Rejected(reason.to_owned());
        let parts: Vec<&str> = token.split('.').collect();
        let [_, payload, signature] = parts[..] else {
            return Err(rejected("token contains an invalid number of segments"));
        };
        let header = jsonwebtoken::decode_header(token).map_err(|e| rejected(&e.to_string()))?;
        if !matches!(
            header.alg,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
        ) {
            return Err(rejected("key is of invalid type"));
        }
        let message = &token[..token.len() - signature.len() - 1];
        let valid =
            jsonwebtoken::crypto::verify(signature, message.as_bytes(), &self.key, header.alg)
                .map_err(|e| rejected(&e.to_string()))?;
        if !valid {
            return Err(rejected("signature is invalid"));
        }
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|e| rejected(&e.to_string()))
    }
}

/// The checks of a token's dates against the time now, in golang-jwt's order: `exp`, `nbf`,
/// then the store's own check that it was not issued in the future.
fn check_dates(exp: Option<f64>, nbf: Option<f64>, iat: Option<f64>) -> Result<(), AuthError> {
    let now = now_secs_f64();
    if exp.is_some_and(|exp| now >= exp) {
        return Err(AuthError::Rejected("token is expired".into()));
    }
    if nbf.is_some_and(|nbf| now < nbf) {
        return Err(AuthError::Rejected("token is not valid yet".into()));
    }
    if iat.is_some_and(|iat| iat > now) {
        return Err(AuthError::IssuedInFuture);
    }
    Ok(())
}

/// The claims the store checks, as golang-jwt reads them.
#[derive(Debug, Default)]
struct ReadClaims {
    iss: String,
    sub: String,
    /// Seconds since the epoch, cut to whole seconds (golang-jwt's `TimePrecision`).
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
}

fn read_claims(payload: &[u8]) -> Result<ReadClaims, AuthError> {
    let malformed = |what: &str| AuthError::Rejected(format!("token is malformed: {what}"));
    let value = canonical(payload, &CLAIMS).map_err(|e| malformed(&e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(malformed("claims are not a JSON object"));
    };
    let text = |name: &str| match map.get(name) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(malformed(name)),
    };
    let date = |name: &str| {
        map.get(name)
            .map(numeric_date)
            .transpose()
            .map_err(|()| malformed(name))
    };
    text("jti")?;
    match map.get("aud") {
        None | Some(Value::String(_)) => {}
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
        Some(_) => return Err(malformed("aud")),
    }
    Ok(ReadClaims {
        iss: text("iss")?,
        sub: text("sub")?,
        exp: date("exp")?,
        nbf: date("nbf")?,
        iat: date("iat")?,
    })
}

/// A golang-jwt `NumericDate`: a JSON number, or a string holding a JSON number (Go reads both
/// into a `json.Number`); anything else refuses the token.
fn numeric_date(value: &Value) -> Result<f64, ()> {
    let seconds = match value {
        Value::Number(n) => n.as_f64().ok_or(())?,
        Value::String(s) if is_json_number(s) => s.parse::<f64>().map_err(|_| ())?,
        _ => return Err(()),
    };
    if seconds.is_finite() {
        Ok(seconds.floor())
    } else {
        Err(())
    }
}

/// The JSON number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let rest = text.strip_prefix('-').unwrap_or(text);
    let int = digits(rest);
    if int == 0 || (int > 1 && rest.starts_with('0')) {
        return false;
    }
    let mut rest = &rest[int..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = digits(frac);
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    if let Some(exp) = rest.strip_prefix(['e', 'E']) {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        let n = digits(exp);
        if n == 0 {
            return false;
        }
        rest = &exp[n..];
    }
    rest.is_empty()
}

/// The store strips `^Bearer[ ]+` and nothing else: a lower-case `bearer`, or a prefix without
/// a space, stays part of the token and spoils it.
fn strip_bearer(header: &str) -> &str {
    match header.strip_prefix("Bearer") {
        Some(rest) if rest.starts_with(' ') => rest.trim_start_matches(' '),
        _ => header,
    }
}

/// A URN as go-urn v1.4 (RFC 2141) parses it: `urn:<NID>:<NSS>`, the prefix in any case; the
/// NID 1 to 32 letters, digits or hyphens, starting with a letter or digit, and not `urn`; the
/// NSS one or more letters, digits, `()+,-.:=@;$_!*'`, or `%` and two letters or digits (its
/// grammar does not hold them to hex).
fn is_urn(value: &str) -> bool {
    let mut parts = value.splitn(3, ':');
    let (Some(scheme), Some(nid), Some(nss)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    scheme.eq_ignore_ascii_case("urn")
        && (1..=32).contains(&nid.len())
        && nid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && nid.as_bytes()[0].is_ascii_alphanumeric()
        && !nid.eq_ignore_ascii_case("urn")
        && is_urn_specific_string(nss)
}

fn is_urn_specific_string(nss: &str) -> bool {
    let bytes = nss.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                if !bytes
                    .get(i + 1..i + 3)
                    .is_some_and(|pair| pair.iter().all(u8::is_ascii_alphanumeric))
                {
                    return false;
                }
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || b"()+,-.:=@;$_!*'".contains(&b) => i += 1,
            _ => return false,
        }
    }
    !bytes.is_empty()
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn now_secs_f64() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// What to put in a token made by [`issue`].
#[derive(Clone, Debug)]
pub struct TokenRequest {
    /// `iss`.
    pub issuer: String,
    /// `sub`, a URN.
    pub subject: String,
    /// Seconds from now until `exp`; none for a token without `exp`.
    pub expires_in: Option<i64>,
    /// Seconds to shift `iat` by (negative: in the past); for tests of clock rules.
    pub issued_offset: i64,
}

/// Signs a token the store will accept (when the issuer and subject are acceptable).
pub fn issue(secret: &str, request: &TokenRequest) -> anyhow::Result<String> {
    let iat = now_secs() + request.issued_offset;
    let claims = Claims {
        iss: request.issuer.clone(),
        sub: request.subject.clone(),
        iat: Some(serde_json::Value::from(iat)),
        exp: request.expires_in.map(|secs| now_secs() + secs),
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(issuer: &str, subject: &str, expires_in: Option<i64>, offset: i64) -> String {
        issue(
            DEFAULT_SECRET,
            &TokenRequest {
                issuer: issuer.into(),
                subject: subject.into(),
                expires_in,
                issued_offset: offset,
            },
        )
        .unwrap()
    }

    #[test]
    fn a_token_accepted_before_is_refused_once_it_has_expired() {
        let verifier = Verifier::new(DEFAULT_SECRET);
        let token = token("opg.poas.sirius", "urn:opg:sirius:users:1", Some(1), 0);

        let first = verifier.verify(Some(&token));
        std::thread::sleep(std::time::Duration::from_millis(2100));
        let later = verifier.verify(Some(&token));

        assert!(first.is_ok(), "{first:?}");
        assert!(
            matches!(&later, Err(AuthError::Rejected(reason)) if reason == "token is expired"),
            "{later:?}"
        );
    }

    #[test]
    fn a_token_refused_once_is_refused_again_with_the_same_reason() {
        let verifier = Verifier::new(DEFAULT_SECRET);
        let token = token("opg.poas.nobody", "urn:opg:sirius:users:1", None, 0);

        let reasons: Vec<String> = (0..2)
            .map(|_| verifier.verify(Some(&token)).unwrap_err().to_string())
            .collect();

        assert_eq!(reasons[0], reasons[1]);
        assert!(reasons[0].contains("invalid issuer"), "{reasons:?}");
    }

    #[test]
    fn accepts_each_known_issuer_with_and_without_bearer() {
        let verifier = Verifier::new(DEFAULT_SECRET);
        for issuer in ISSUERS {
            let t = token(issuer, "urn:opg:sirius:users:1", None, 0);
            assert!(verifier.verify(Some(&format!("Bearer {t}"))).is_ok());
            assert!(verifier.verify(Some(&t)).is_ok());
        }
    }

    #[test]
    fn refuses_bad_issuer_subject_and_clock() {
        let verifier = Verifier::new(DEFAULT_SECRET);
        let check = |t: String| verifier.verify(Some(&t));
        assert!(matches!(
            check(token("opg.poas.other", "urn:a:b", None, 0)),
            Err(AuthError::Rejected(_))
        ));
        assert_eq!(
            check(token("opg.poas.use", "not a urn", None, 0)),
            Err(AuthError::SubjectNotUrn)
        );
        assert_eq!(
            check(token("opg.poas.use", "urn:a:b", None, 3600)),
            Err(AuthError::IssuedInFuture)
        );
        assert!(matches!(
            check(token("opg.poas.use", "urn:a:b", Some(-10), -20)),
            Err(AuthError::Rejected(_))
        ));
        assert_eq!(verifier.verify(None), Err(AuthError::Missing));
    }

    #[test]
    fn refuses_a_token_signed_with_another_secret() {
        let other = Verifier::new("another-secret");
        let t = token("opg.poas.use", "urn:a:b", None, 0);
        assert!(matches!(
            other.verify(Some(&t)),
            Err(AuthError::Rejected(_))
        ));
    }

    #[test]
    fn urn_shapes() {
        assert!(is_urn(
            "urn:opg:poas:makeregister:users:00000000-0000-4000-0000-000000000000"
        ));
        assert!(is_urn("urn:opg:sirius:users:34"));
        assert!(!is_urn("urn:opg"));
        assert!(is_urn("urn:o:%zZ"));
        assert!(!is_urn("urn:urn:x"));
        assert!(!is_urn("urn:opg:a/b"));
        assert!(!is_urn("urn:opg:%2"));
        assert!(!is_urn("http://example.com"));
        assert!(!is_urn(""));
    }
}
