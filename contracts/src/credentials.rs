//! The caller's identity for the store: an HS256 JWT in `X-Jwt-Authorization`
//! (`lpa-store-domain.md` §4.2).
//!
//! The store checks `iss` against its three consumers, wants `sub` to be a URN and `iat` not in
//! the future, and honours `exp` only when present. A token is signed for every request, so
//! `iat` is always fresh and a long-lived client never sends an expired token.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

/// The issuer of Make and register an LPA.
pub const MAKE_REGISTER_ISSUER: &str = "opg.poas.makeregister";
/// The issuer of Use an LPA.
pub const USE_ISSUER: &str = "opg.poas.use";
/// The issuer of Sirius.
pub const SIRIUS_ISSUER: &str = "opg.poas.sirius";

/// Who the client calls as, and the secret shared with the store.
#[derive(Clone)]
pub struct Credentials {
    issuer: String,
    subject: String,
    secret: String,
    expires_in: Option<Duration>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("issuer", &self.issuer)
            .field("subject", &self.subject)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    iat: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
}

impl Credentials {
    /// Credentials for `issuer` acting as `subject` (a URN such as
    /// `urn:opg:poas:makeregister:users:<uuid>`), signed with `secret`. Tokens carry no `exp`,
    /// as Make and register an LPA sends none.
    pub fn new(
        issuer: impl Into<String>,
        subject: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            subject: subject.into(),
            secret: secret.into(),
            expires_in: None,
        }
    }

    /// Tokens expire `lifetime` after they are signed (Use an LPA sends one hour).
    #[must_use]
    pub fn with_expiry(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }

    /// The same issuer and secret, acting as another subject: Make and register an LPA sends
    /// the acting attorney's or certificate provider's URN, and the store reads opt-outs from it.
    #[must_use]
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    /// The issuer (`iss`).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The subject (`sub`).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// A token issued at `issued_at` seconds since the epoch.
    pub fn token_issued_at(&self, issued_at: u64) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            iss: &self.issuer,
            sub: &self.subject,
            iat: issued_at,
            exp: self.expires_in.map(|d| issued_at + d.as_secs()),
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(self.secret.as_bytes()),
        )
    }

    /// A token issued now.
    pub fn token(&self) -> Result<String, jsonwebtoken::errors::Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        self.token_issued_at(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_the_same_for_the_same_claims() {
        let credentials = Credentials::new(SIRIUS_ISSUER, "urn:opg:sirius:users:34", "secret");
        assert_eq!(
            credentials.token_issued_at(1).unwrap(),
            credentials.token_issued_at(1).unwrap()
        );
    }

    #[test]
    fn expiry_is_counted_from_the_issue_time() {
        let token = Credentials::new(USE_ISSUER, "urn:opg:poas:use:users:1", "secret")
            .with_expiry(Duration::from_secs(3600))
            .token_issued_at(100)
            .unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let claims = base64_url_decode(payload);
        assert!(claims.contains("\"exp\":3700"), "{claims}");
    }

    fn base64_url_decode(text: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for byte in text.bytes() {
            let value = ALPHABET.iter().position(|&c| c == byte).unwrap() as u32;
            bits = (bits << 6) | value;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        String::from_utf8(out).unwrap()
    }
}
