//! Fresh JWTs for every request the verifier replays.
//!
//! The real store's pacts leave the `X-Jwt-Authorization` header out (Make and register an
//! LPA stopped asserting headers in 2024), and a token recorded in a pact may be signed with a
//! secret other than the provider's, or have expired. So every request gets a token signed now
//! with the provider's secret: with the `iss` and `sub` of the token the pact recorded, when it
//! recorded one (opt-outs name the acting attorney in `sub`), or else as the consumer whose pact
//! it is, by that consumer's issuer.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use contracts::credentials::{Credentials, SIRIUS_ISSUER};
use itertools::Either;
use jsonwebtoken::{DecodingKey, Validation};
use pact_models::bodies::OptionalBody;
use pact_models::v4::http_parts::HttpRequest;
use pact_verifier::callback_executors::RequestFilterExecutor;
use serde::Deserialize;
use serde_json::Value;

/// The header the store reads its JWT from.
pub const JWT_HEADER: &str = "X-Jwt-Authorization";

/// The issuer of requests from a consumer whose issuer is not known and whose pact recorded no
/// token: Sirius's, as the real provider's own verification signs every request.
pub const FALLBACK_ISSUER: &str = SIRIUS_ISSUER;

/// Which issuer each known consumer signs as: the simulator's list, so that the verifier and
/// `lpa-sim serve --contracts` place a consumer's calls alike.
pub use simulator::scope::Issuers;

/// The subject a consumer's requests carry when its pact recorded no token.
pub fn default_subject(issuer: &str) -> String {
    match issuer {
        SIRIUS_ISSUER => "urn:opg:sirius:users:pact-verifier".to_owned(),
        other => format!(
            "urn:opg:poas:{}:users:pact-verifier",
            other.rsplit('.').next().unwrap_or(other)
        ),
    }
}

/// Re-signs the JWT of every request for one consumer's pacts.
#[derive(Clone, Debug)]
pub struct FreshTokens {
    secret: String,
    issuer: String,
}

#[derive(Deserialize)]
struct RecordedClaims {
    iss: String,
    sub: String,
}

impl FreshTokens {
    /// Signs with `secret`; requests without a recorded token are signed as `issuer`.
    pub fn new(secret: impl Into<String>, issuer: impl Into<String>) -> Self {
        Self {
            secret: secret.into(),
            issuer: issuer.into(),
        }
    }

    /// The `iss` and `sub` of a token the pact recorded, read without checking its signature
    /// (it was signed with the consumer's test secret, not necessarily the provider's).
    fn recorded(token: &str) -> Option<RecordedClaims> {
        let mut validation = Validation::default();
        validation.insecure_disable_signature_validation();
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let token = token.strip_prefix("Bearer ").unwrap_or(token).trim();
        jsonwebtoken::decode::<RecordedClaims>(token, &DecodingKey::from_secret(&[]), &validation)
            .ok()
            .map(|data| data.claims)
    }

    /// The header value for a request whose recorded header was `recorded`.
    pub fn header_for(&self, recorded: Option<&str>) -> Option<String> {
        let (issuer, subject) = match recorded.and_then(Self::recorded) {
            Some(claims) => (claims.iss, claims.sub),
            None => (self.issuer.clone(), default_subject(&self.issuer)),
        };
        let token = Credentials::new(issuer, subject, self.secret.clone())
            .token()
            .ok()?;
        Some(format!("Bearer {token}"))
    }
}

impl RequestFilterExecutor for FreshTokens {
    fn call(self: Arc<Self>, request: &HttpRequest) -> HttpRequest {
        let mut request = request.clone();
        let mut headers = request.headers.take().unwrap_or_default();
        let recorded_key = headers
            .keys()
            .find(|key| key.eq_ignore_ascii_case(JWT_HEADER))
            .cloned();
        let recorded = recorded_key
            .as_ref()
            .and_then(|key| headers.get(key))
            .and_then(|values| values.first())
            .cloned();
        match self.header_for(recorded.as_deref()) {
            Some(value) => {
                if let Some(key) = recorded_key {
                    headers.remove(&key);
                }
                headers.insert(JWT_HEADER.to_owned(), vec![value]);
            }
            None => tracing::warn!(
                path = %request.path,
                "the token could not be signed: the request goes without a JWT"
            ),
        }
        request.headers = Some(headers);
        request
    }

    fn call_non_http(
        &self,
        request_body: &OptionalBody,
        metadata: &HashMap<String, Either<Value, Bytes>>,
    ) -> (OptionalBody, HashMap<String, Either<Value, Bytes>>) {
        (request_body.clone(), metadata.clone())
    }
}

#[cfg(test)]
mod tests {
    use contracts::credentials::{MAKE_REGISTER_ISSUER, USE_ISSUER};
    use simulator::auth::{DEFAULT_SECRET, Verifier};

    use super::*;

    fn verify(header: &str, secret: &str) -> simulator::auth::Caller {
        Verifier::new(secret)
            .verify(Some(header))
            .expect("the store accepts the fresh token")
    }

    #[test]
    fn a_request_without_a_token_is_signed_as_its_consumer() {
        let tokens = FreshTokens::new("provider-secret", USE_ISSUER);
        let header = tokens.header_for(None).expect("a header");
        let caller = verify(&header, "provider-secret");
        assert_eq!(caller.issuer, USE_ISSUER);
        assert_eq!(caller.subject, "urn:opg:poas:use:users:pact-verifier");
    }

    #[test]
    fn a_recorded_token_keeps_its_issuer_and_subject_but_gets_the_providers_secret() {
        let recorded = Credentials::new(
            MAKE_REGISTER_ISSUER,
            "urn:opg:poas:makeregister:users:9ac5e2f0-3b1d-4c8e-a7f6-5d4c3b2a1f0e",
            DEFAULT_SECRET,
        )
        .token_issued_at(1)
        .unwrap();
        let tokens = FreshTokens::new("provider-secret", SIRIUS_ISSUER);
        let header = tokens
            .header_for(Some(&format!("Bearer {recorded}")))
            .expect("a header");
        let caller = verify(&header, "provider-secret");
        assert_eq!(caller.issuer, MAKE_REGISTER_ISSUER);
        assert!(
            caller
                .subject
                .ends_with("9ac5e2f0-3b1d-4c8e-a7f6-5d4c3b2a1f0e")
        );
    }

    #[test]
    fn the_filter_replaces_the_header_whatever_its_case() {
        let tokens = Arc::new(FreshTokens::new(DEFAULT_SECRET, SIRIUS_ISSUER));
        let request = HttpRequest {
            headers: Some(HashMap::from([(
                "x-jwt-authorization".to_owned(),
                vec!["Bearer not-a-jwt".to_owned()],
            )])),
            ..HttpRequest::default()
        };
        let filtered = tokens.call(&request);
        let headers = filtered.headers.expect("headers");
        assert_eq!(headers.len(), 1);
        verify(&headers[JWT_HEADER][0], DEFAULT_SECRET);
    }
}
