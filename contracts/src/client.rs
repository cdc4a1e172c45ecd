//! The typed client: one method per operation of the LPA store API (`lpa-store-domain.md` §2).
//!
//! Design constraints:
//! - every request is bounded by a connect timeout and a whole-request timeout, because the
//!   store's own limit is five seconds and a consumer page must not hang on it;
//! - every `/lpas…` request carries a freshly signed JWT; the health check carries none, as the
//!   store does not ask for one there;
//! - answers other than the documented success become an [`Error`] a caller can match on,
//!   including the 202 of a write the store queued during a database outage.

use std::sync::Once;
use std::time::Duration;

use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;
use uuid::Uuid;

use crate::credentials::Credentials;
use crate::error::{Error, Problem, Result};
use crate::lpa::{DonorDetails, Lpa};
use crate::update::{ChangeRecord, Update};

/// The header that carries the JWT.
pub const JWT_HEADER: &str = "X-Jwt-Authorization";

/// How long a connection may take to open, unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a whole request may take, unless configured otherwise: a little over the store's
/// five-second Lambda limit, so the store's own answer arrives first.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(6);

/// Whether image paths in the LPA are replaced by presigned URLs (`?presign-images`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Images {
    /// Paths as stored.
    #[default]
    AsStored,
    /// Presigned URLs, for showing scans to a user.
    Presigned,
}

/// The answer of `GET /health-check`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok` when healthy.
    pub status: String,
    /// The HTTP status, repeated in the body.
    pub status_code: u16,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Queued {
    operation_id: Uuid,
    #[serde(default)]
    status_url: Option<String>,
}

#[derive(Deserialize)]
struct LpaList {
    lpas: Vec<Lpa>,
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Credentials,
    connect_timeout: Duration,
    timeout: Duration,
}

impl ClientBuilder {
    /// Overrides [`DEFAULT_CONNECT_TIMEOUT`].
    #[must_use]
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Overrides [`DEFAULT_TIMEOUT`].
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client> {
        install_crypto_provider();
        let mut base_url =
            Url::parse(&self.base_url).map_err(|e| Error::BaseUrl(format!("{e}")))?;
        if base_url.cannot_be_a_base() {
            return Err(Error::BaseUrl(self.base_url));
        }
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .build()
            .map_err(Error::Transport)?;
        Ok(Client {
            http,
            base_url,
            credentials: self.credentials,
        })
    }
}

/// Installs ring as the process's rustls provider. Once pact's crates are in the build, Cargo's
/// feature unification gives reqwest a rustls without a provider, and building a client would
/// panic; installing one first makes the client safe to build wherever it is linked.
fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error means a provider is already installed, which is all that is needed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A client of the LPA store API.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base_url: Url,
    credentials: Credentials,
}

impl Client {
    /// A builder for a client of the store at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn builder(base_url: impl Into<String>, credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            credentials,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same client acting as another subject (see [`Credentials::with_subject`]).
    #[must_use]
    pub fn acting_as(&self, subject: impl Into<String>) -> Self {
        Self {
            credentials: self.credentials.clone().with_subject(subject),
            ..self.clone()
        }
    }

    /// The credentials the client signs its tokens with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// `PUT /lpas/{uid}`: stores a new LPA. [`Error::AlreadyExists`] when the UID is taken,
    /// [`Error::Accepted`] when the store queued the write.
    pub async fn create(&self, uid: &str, details: &DonorDetails) -> Result<()> {
        let url = self.url(&["lpas", uid], Images::AsStored)?;
        let response = self
            .send(self.signed(Method::PUT, url)?.json(details))
            .await?;
        expect(response, StatusCode::CREATED, "create")
            .await
            .map(|_: serde_json::Value| ())
    }

    /// `GET /lpas/{uid}`: the LPA as it is now.
    pub async fn get(&self, uid: &str, images: Images) -> Result<Lpa> {
        let url = self.url(&["lpas", uid], images)?;
        let response = self.send(self.signed(Method::GET, url)?).await?;
        expect(response, StatusCode::OK, "get").await
    }

    /// `POST /lpas`: the LPAs among `uids` that exist; unknown UIDs are left out, in no
    /// guaranteed order.
    pub async fn get_many(&self, uids: &[&str], images: Images) -> Result<Vec<Lpa>> {
        let url = self.url(&["lpas"], images)?;
        let body = serde_json::json!({ "uids": uids });
        let response = self
            .send(self.signed(Method::POST, url)?.json(&body))
            .await?;
        expect::<LpaList>(response, StatusCode::OK, "get many")
            .await
            .map(|list| list.lpas)
    }

    /// `POST /lpas/{uid}/updates`: applies `update`, answering the LPA as updated.
    pub async fn update(&self, uid: &str, update: &Update) -> Result<Lpa> {
        let url = self.url(&["lpas", uid, "updates"], Images::AsStored)?;
        let response = self
            .send(self.signed(Method::POST, url)?.json(update))
            .await?;
        expect(response, StatusCode::CREATED, "update").await
    }

    /// `GET /lpas/{uid}/updates`: the change history, most recent first. [`Error::NotFound`]
    /// when there has been no update.
    pub async fn changes(&self, uid: &str) -> Result<Vec<ChangeRecord>> {
        let url = self.url(&["lpas", uid, "updates"], Images::AsStored)?;
        let response = self.send(self.signed(Method::GET, url)?).await?;
        expect(response, StatusCode::OK, "change history").await
    }

    /// `GET /health-check`.
    pub async fn health(&self) -> Result<Health> {
        let url = self.url(&["health-check"], Images::AsStored)?;
        let response = self.send(self.http.request(Method::GET, url)).await?;
        expect(response, StatusCode::OK, "health check").await
    }

    fn url(&self, segments: &[&str], images: Images) -> Result<Url> {
        let mut url = self.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| Error::BaseUrl(self.base_url.to_string()))?
            .pop_if_empty()
            .extend(segments);
        if images == Images::Presigned {
            url.set_query(Some("presign-images"));
        }
        Ok(url)
    }

    fn signed(&self, method: Method, url: Url) -> Result<RequestBuilder> {
        let token = self.credentials.token()?;
        Ok(self
            .http
            .request(method, url)
            .header(JWT_HEADER, format!("Bearer {token}")))
    }

    async fn send(&self, request: RequestBuilder) -> Result<Response> {
        Ok(request.send().await?)
    }
}

/// Reads a success body of type `T`, or turns the answer into the matching [`Error`].
async fn expect<T: DeserializeOwned>(
    response: Response,
    success: StatusCode,
    operation: &'static str,
) -> Result<T> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    if status == success {
        return serde_json::from_slice(&body).map_err(|source| Error::Decode { operation, source });
    }
    Err(failure(status, &headers, &body, operation))
}

fn failure(status: StatusCode, headers: &HeaderMap, body: &[u8], operation: &'static str) -> Error {
    let problem = serde_json::from_slice::<Problem>(body).ok();
    match status {
        StatusCode::ACCEPTED => match serde_json::from_slice::<Queued>(body) {
            Ok(queued) => Error::Accepted {
                operation_id: queued.operation_id,
                status_url: location(headers).or(queued.status_url).unwrap_or_default(),
            },
            Err(source) => Error::Decode { operation, source },
        },
        StatusCode::NOT_FOUND => Error::NotFound,
        StatusCode::UNAUTHORIZED => Error::Unauthorised {
            detail: problem.map(|p| p.detail).unwrap_or_default(),
        },
        StatusCode::SERVICE_UNAVAILABLE => Error::Unavailable {
            retry_after: retry_after(headers),
        },
        StatusCode::BAD_REQUEST => match problem {
            Some(Problem { detail, errors, .. }) => {
                if errors.is_empty() && detail == "LPA with UID already exists" {
                    Error::AlreadyExists
                } else {
                    Error::InvalidRequest { detail, errors }
                }
            }
            None => unexpected(status, body),
        },
        _ => unexpected(status, body),
    }
}

fn unexpected(status: StatusCode, body: &[u8]) -> Error {
    Error::UnexpectedStatus {
        status: status.as_u16(),
        body: String::from_utf8_lossy(body).into_owned(),
    }
}

fn location(headers: &HeaderMap) -> Option<String> {
    headers
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// `Retry-After` in either of its forms: seconds, or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(name: reqwest::header::HeaderName, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let wait = retry_after(&headers(RETRY_AFTER, "5"));
        assert_eq!(wait, Some(Duration::from_secs(5)));
    }

    #[test]
    fn retry_after_in_the_past_means_now() {
        let wait = retry_after(&headers(RETRY_AFTER, "Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(wait, Some(Duration::ZERO));
    }

    #[test]
    fn a_duplicate_create_is_already_exists_not_an_invalid_request() {
        let body = br#"{"code":"INVALID_REQUEST","detail":"LPA with UID already exists"}"#;
        let error = failure(StatusCode::BAD_REQUEST, &HeaderMap::new(), body, "create");
        assert!(matches!(error, Error::AlreadyExists), "{error:?}");
    }

    #[test]
    fn a_queued_write_prefers_the_location_header() {
        let id = "7f1c1b2e-9a43-4c1e-8a59-0d6c3a1b2c3d";
        let body = format!(r#"{{"operationId":"{id}","status":"queued"}}"#);
        let error = failure(
            StatusCode::ACCEPTED,
            &headers(LOCATION, "/ops/1"),
            body.as_bytes(),
            "update",
        );
        match error {
            Error::Accepted {
                operation_id,
                status_url,
            } => {
                assert_eq!(operation_id.to_string(), id);
                assert_eq!(status_url, "/ops/1");
            }
            other => panic!("expected Accepted, got {other:?}"),
        }
    }

    #[test]
    fn base_urls_with_a_path_keep_it() {
        let client = Client::builder(
            "http://store.example/prefix",
            Credentials::new("iss", "urn:x", "s"),
        )
        .build()
        .unwrap();
        let url = client.url(&["lpas", "M-1"], Images::Presigned).unwrap();
        assert_eq!(
            url.as_str(),
            "http://store.example/prefix/lpas/M-1?presign-images"
        );
    }
}
