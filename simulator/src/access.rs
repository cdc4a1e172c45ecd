//! Who may use the admin routes (`/__admin/...`) and the provider-state routes
//! (`/__pact/provider-states`, `/_pact_state`).
//!
//! They can replace or delete any LPA, take the database away, add faults and list every UID,
//! so anyone who can reach them owns the simulator. The rule:
//! - with an admin token (`--admin-token`), every call needs `Authorization: Bearer <token>`,
//!   whatever the listener;
//! - without one, they are open to anonymous callers only on a loopback listener, where only
//!   this machine can reach them; on any other address they answer 403 and say what to do.
//!
//! Scanned images (`/__admin/images/...`, the simulator's stand-in for presigned S3 URLs) are
//! data of the LPA, not control: they are served to a caller with a valid store JWT, or with
//! the admin token.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{JWT_HEADER, Verifier};
use crate::error::ApiError;

/// The admin routes' access rule, decided when the listener's address is known.
#[derive(Clone, Debug, Default)]
pub(crate) struct AdminAccess {
    token: Option<Arc<str>>,
    /// Set when there is no token and the listener is not loopback: the routes are closed.
    closed_on: Option<SocketAddr>,
}

impl AdminAccess {
    /// Admin calls need `Authorization: Bearer <token>` when `token` is given.
    pub(crate) fn new(token: Option<String>) -> Self {
        Self {
            token: token.filter(|t| !t.is_empty()).map(Arc::from),
            closed_on: None,
        }
    }

    /// The rule for a listener bound to `address`: without a token, open on loopback only.
    pub(crate) fn for_listener(mut self, address: SocketAddr) -> Self {
        if self.token.is_none() && !address.ip().is_loopback() {
            tracing::warn!(
                %address,
                "the admin and provider-state routes are closed on this address, which other \
                 hosts can reach: start with --admin-token (LPA_SIM_ADMIN_TOKEN) to open them \
                 to callers with the token, or with --admin-listen 127.0.0.1:PORT to serve \
                 them on a loopback listener of their own"
            );
            self.closed_on = Some(address);
        }
        self
    }

    /// Whether the request carries the admin token: as `Authorization: Bearer`, or, for the
    /// console in a browser (which cannot set that header on a page load), in the
    /// [`TOKEN_COOKIE`] cookie that `POST /__admin/login` sets after checking the token.
    fn holds_token(&self, headers: &HeaderMap) -> bool {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|given| self.accepts(given.trim()));
        bearer || cookie(headers, TOKEN_COOKIE).is_some_and(|given| self.accepts(&given))
    }

    /// Whether `given` is the admin token.
    pub(crate) fn accepts(&self, given: &str) -> bool {
        self.token
            .as_ref()
            .is_some_and(|token| constant_time_eq(given.as_bytes(), token.as_bytes()))
    }

    /// Whether admin calls need the token.
    pub(crate) fn needs_token(&self) -> bool {
        self.token.is_some()
    }

    /// Lets an admin call through, or says why not.
    pub(crate) fn admit(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        if self.token.is_some() {
            return if self.holds_token(headers) {
                Ok(())
            } else {
                Err(ApiError::Refused {
                    status: StatusCode::UNAUTHORIZED,
                    detail: "admin routes need the admin token: send Authorization: Bearer \
                             <the --admin-token the simulator was started with>"
                        .to_owned(),
                })
            };
        }
        match self.closed_on {
            None => Ok(()),
            Some(address) => Err(ApiError::Refused {
                status: StatusCode::FORBIDDEN,
                detail: format!(
                    "admin routes are closed on {address}, which other hosts can reach: start \
                     the simulator with --admin-token (LPA_SIM_ADMIN_TOKEN) and send \
                     Authorization: Bearer <token>, or serve them on a loopback listener of \
                     their own with --admin-listen"
                ),
            }),
        }
    }
}

/// The cookie the console's login sets: the admin token, for a browser.
pub(crate) const TOKEN_COOKIE: &str = "lpa_sim_admin_token";

/// The value of cookie `name`, percent-decoded.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| {
            url::form_urlencoded::parse(format!("v={value}").as_bytes())
                .next()
                .map(|(_, decoded)| decoded.into_owned())
                .unwrap_or_default()
        })
}

/// Compares without stopping at the first difference, so the time taken tells nothing of how
/// much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware of the admin and provider-state routes.
pub(crate) async fn require_admin(
    State(access): State<AdminAccess>,
    request: Request,
    next: Next,
) -> Response {
    match access.admit(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(refused) => refused.into_response(),
    }
}

/// Middleware of the scanned-image route: a valid store JWT, or the admin token.
pub(crate) async fn require_reader(
    State((access, verifier)): State<(AdminAccess, Verifier)>,
    request: Request,
    next: Next,
) -> Response {
    let jwt = request
        .headers()
        .get(JWT_HEADER)
        .and_then(|value| value.to_str().ok());
    if verifier.verify(jwt).is_ok() || access.holds_token(request.headers()) {
        return next.run(request).await;
    }
    ApiError::Refused {
        status: StatusCode::UNAUTHORIZED,
        detail: "scanned images are served to callers with a valid X-Jwt-Authorization token \
                 of the store, or with the admin token"
            .to_owned(),
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        headers
    }

    #[test]
    fn without_a_token_admin_calls_are_open_on_loopback_only() {
        let loopback = AdminAccess::new(None).for_listener("127.0.0.1:8080".parse().unwrap());
        let anywhere = AdminAccess::new(None).for_listener("0.0.0.0:8080".parse().unwrap());
        let v6_loopback = AdminAccess::new(None).for_listener("[::1]:8080".parse().unwrap());

        assert!(loopback.admit(&HeaderMap::new()).is_ok());
        assert!(v6_loopback.admit(&HeaderMap::new()).is_ok());
        let refused = anywhere.admit(&HeaderMap::new()).unwrap_err();
        let (status, problem) = refused.to_problem();
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(
            problem.detail.contains("--admin-token"),
            "{}",
            problem.detail
        );
    }

    #[test]
    fn with_a_token_every_admin_call_needs_it_even_on_loopback() {
        let access = AdminAccess::new(Some("s3cret".to_owned()))
            .for_listener("127.0.0.1:8080".parse().unwrap());

        assert!(access.admit(&with_bearer("s3cret")).is_ok());
        assert!(access.admit(&with_bearer("s3cres")).is_err());
        assert!(access.admit(&with_bearer("s3cret-and-more")).is_err());
        assert!(access.admit(&HeaderMap::new()).is_err());
    }

    #[test]
    fn the_console_cookie_carries_the_token_like_the_bearer_header() {
        let access = AdminAccess::new(Some("s3cret; with=odd chars".to_owned()))
            .for_listener("0.0.0.0:8080".parse().unwrap());
        let encoded: String =
            url::form_urlencoded::byte_serialize(b"s3cret; with=odd chars").collect();
        let mut right = HeaderMap::new();
        right.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("theme=dark; {TOKEN_COOKIE}={encoded}")).unwrap(),
        );
        let mut wrong = HeaderMap::new();
        wrong.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{TOKEN_COOKIE}=guess")).unwrap(),
        );

        assert!(access.admit(&right).is_ok());
        assert!(access.admit(&wrong).is_err());
    }

    #[test]
    fn an_empty_token_is_no_token() {
        let access =
            AdminAccess::new(Some(String::new())).for_listener("127.0.0.1:8080".parse().unwrap());
        assert!(access.admit(&HeaderMap::new()).is_ok());
    }
}
