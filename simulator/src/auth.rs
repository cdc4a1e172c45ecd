//! Caller authentication: the HS256 JWT in `X-Jwt-Authorization` (`lpa-store-domain.md` §4.2).
//!
//! The checks are the real store's, in its terms: the signature with the shared secret; `exp`
//! and `nbf` only when present (Make and register sends no `exp`); `iat` required and not in the
//! future; the issuer one of the three OPG services; the subject a URN. No leeway is given,
//! as the real store gives none.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

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
    validation: Validation,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for tokens signed with `secret`.
    pub fn new(secret: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.leeway = 0;
        validation.set_issuer(&ISSUERS);
        Self {
            key: DecodingKey::from_secret(secret.as_bytes()),
            validation,
        }
    }

    /// Checks the value of an `X-Jwt-Authorization` header (with or without `Bearer `).
    pub fn verify(&self, header: Option<&str>) -> Result<Caller, AuthError> {
        let header = header.ok_or(AuthError::Missing)?;
        let token = strip_bearer(header);
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|e| AuthError::Rejected(e.to_string()))?;
        let claims = data.claims;
        let issued_at = claims
            .iat
            .as_ref()
            .and_then(serde_json::Value::as_f64)
            .ok_or(AuthError::NoIssuedAt)?;
        if issued_at > now_secs() as f64 {
            return Err(AuthError::IssuedInFuture);
        }
        if !is_urn(&claims.sub) {
            return Err(AuthError::SubjectNotUrn);
        }
        Ok(Caller {
            issuer: claims.iss,
            subject: claims.sub,
        })
    }
}

fn strip_bearer(header: &str) -> &str {
    let trimmed = header.trim();
    match trimmed.get(..6) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer") => trimmed[6..].trim_start(),
        _ => trimmed,
    }
}

/// RFC 8141 shape: `urn:<NID>:<NSS>`, NID 2–32 letters, digits or hyphens starting with a
/// letter or digit, NSS non-empty.
fn is_urn(value: &str) -> bool {
    let mut parts = value.splitn(3, ':');
    let (Some(scheme), Some(nid), Some(nss)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    scheme.eq_ignore_ascii_case("urn")
        && (2..=32).contains(&nid.len())
        && nid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && nid.as_bytes()[0].is_ascii_alphanumeric()
        && !nss.is_empty()
        && !nss.chars().any(char::is_whitespace)
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
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
        assert!(!is_urn("http://example.com"));
        assert!(!is_urn(""));
    }
}
