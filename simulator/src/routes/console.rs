//! The rehearsal console at `/__admin/`: one page, its script and its style sheet, embedded in
//! the binary (no CDN, no build step), that drives the admin API the page is served with. It is
//! behind the admin access rule like every admin route; with an admin token, a browser logs in
//! once at `/__admin/login`, which checks the token and keeps it in an HTTP-only cookie.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use crate::access::TOKEN_COOKIE;
use crate::error::ApiError;

const PAGE: &str = include_str!("console/index.html");
const SCRIPT: &str = include_str!("console/console.js");
const STYLE: &str = include_str!("console/console.css");

/// The page only loads what it is served with: no inline script, nothing from elsewhere.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                      connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The console's page and assets, behind the admin access rule.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/__admin/",
            get(|| async { asset(PAGE, "text/html; charset=utf-8") }),
        )
        .route(
            "/__admin/console.js",
            get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/__admin/console.css",
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        )
}

/// `GET /__admin/login` (a form) and `POST /__admin/login` (the token, checked): open, since
/// they show nothing and change nothing but the caller's own cookie.
pub(crate) fn login_router() -> Router<AppState> {
    Router::new().route("/__admin/login", get(login_form).post(log_in))
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

const LOGIN: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LPA store simulator: log in</title>
<link rel="stylesheet" href="/__admin/console.css"></head>
<body><main><section><h1>Rehearsal console</h1>
<p>This simulator's admin routes need its admin token (<code>--admin-token</code>).</p>
<form method="post" action="/__admin/login">
<label>admin token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">Log in</button></form></section></main></body></html>"#;

async fn login_form(State(state): State<AppState>) -> Response {
    if !state.admin.needs_token() {
        return redirect_to_console(None);
    }
    asset(LOGIN, "text/html; charset=utf-8")
}

/// Checks the token of the form and keeps it in an HTTP-only, same-site cookie for the admin
/// routes only; a wrong token is refused as an admin call without it would be.
async fn log_in(State(state): State<AppState>, body: Bytes) -> Response {
    let given = url::form_urlencoded::parse(&body)
        .find(|(key, _)| key == "token")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    if !state.admin.needs_token() {
        return redirect_to_console(None);
    }
    if !state.admin.accepts(&given) {
        return ApiError::Refused {
            status: StatusCode::UNAUTHORIZED,
            detail: "that is not the admin token the simulator was started with".to_owned(),
        }
        .into_response();
    }
    let value: String = url::form_urlencoded::byte_serialize(given.as_bytes()).collect();
    redirect_to_console(Some(format!(
        "{TOKEN_COOKIE}={value}; Path=/__admin; HttpOnly; SameSite=Strict"
    )))
}

fn redirect_to_console(cookie: Option<String>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/__admin/")]).into_response();
    if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}
