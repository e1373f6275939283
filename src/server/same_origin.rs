//! Cross-site request refusal. The session cookie is `SameSite=Lax`, which a sibling
//! subdomain or another port of the same site (same-*site*, not same-*origin*) gets past, and
//! server functions take URL-encoded POSTs a plain HTML form can send. So every
//! state-changing request a browser could make with the cookie must come from this app's own
//! origin:
//!
//! - with `Origin`: it must be the app's origin (`server.public_origin`, else the request's
//!   own scheme and `Host`);
//! - without `Origin`: `Sec-Fetch-Site` must be `same-origin` or `none` (typed or bookmarked);
//! - with neither: not a browser, which cannot ride anyone's cookie: allowed.
//!
//! Bearer-token calls carry no ambient credential and are not checked. The export downloads
//! are `GET`s that record an export: a navigation from another site is refused there too.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::{AppState, auth::Authentication, client, config::PublicOrigin};
use crate::error::AppError;

/// `GET` routes that change something (an export is recorded, with its file and audit row).
const RECORDING_GETS: &[&str] =
    &["/v1/customer_contact_updates/export.csv", "/v1/customer_contact_updates/export.xlsx"];

/// Refuses a cross-site state-changing request with 403 before any handler runs.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let https = req.extensions().get::<Authentication>().is_some_and(|a| a.https);
    let own = || client::own_origin(&state.config.server, req.headers(), https);
    if let Err(e) = check(req.method(), req.uri().path(), req.headers(), own) {
        tracing::warn!(
            method = %req.method(),
            origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("-"),
            fetch_site = req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()).unwrap_or("-"),
            "cross-site request refused"
        );
        return e.into_response();
    }
    next.run(req).await
}

/// `own` gives the app's origin; it is worked out only for a request that must be checked.
fn check(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    own: impl FnOnce() -> Option<PublicOrigin>,
) -> Result<(), AppError> {
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if (safe && !RECORDING_GETS.contains(&path)) || headers.contains_key(header::AUTHORIZATION) {
        return Ok(());
    }
    let own = own();
    let own = own.as_ref();
    let refuse = |from: &str| {
        AppError::CrossSite(format!(
            "Refused: this request came from {from}, not from ContactDesk's own pages{}. Open ContactDesk \
             and do it there.",
            own.map(|o| format!(" at {o}")).unwrap_or_default()
        ))
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let matches = own.is_some_and(|own| origin.parse::<PublicOrigin>().ok().as_ref() == Some(own));
        return if matches { Ok(()) } else { Err(refuse(&format!("another site ({origin})"))) };
    }
    match headers.get("sec-fetch-site").map(|v| v.to_str().unwrap_or("")) {
        None | Some("same-origin" | "none") => Ok(()),
        Some(_) => Err(refuse("another site")),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn only_the_app_s_own_origin_may_change_things() {
        let own = || "http://127.0.0.1:3000".parse::<PublicOrigin>().ok();
        let post = |headers: HeaderMap| check(&Method::POST, "/api/admin/users/create", &headers, own);
        assert!(post(h(&[("origin", "http://127.0.0.1:3000")])).is_ok());
        assert!(post(h(&[("origin", "http://127.0.0.1:3001")])).is_err(), "another port is same-site");
        assert!(post(h(&[("origin", "null")])).is_err());
        assert!(post(h(&[("sec-fetch-site", "same-site")])).is_err());
        assert!(post(h(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(post(h(&[("sec-fetch-site", "same-origin")])).is_ok());
        assert!(post(h(&[("sec-fetch-site", "none")])).is_ok());
        assert!(post(h(&[])).is_ok(), "not a browser");
        assert!(post(h(&[("origin", "https://evil.example"), ("authorization", "Bearer x")])).is_ok());
        let err = post(h(&[("origin", "https://evil.example")])).unwrap_err();
        assert_eq!(err.status(), 403);
        assert!(err.to_string().contains("https://evil.example"), "{err}");
    }

    #[test]
    fn reads_are_free_but_an_export_navigation_from_elsewhere_is_not() {
        let cross = h(&[("sec-fetch-site", "cross-site")]);
        assert!(check(&Method::GET, "/v1/contacts", &cross, || None).is_ok());
        assert!(check(&Method::GET, RECORDING_GETS[0], &cross, || None).is_err());
        assert!(
            check(&Method::GET, RECORDING_GETS[1], &h(&[("sec-fetch-site", "same-origin")]), || None).is_ok()
        );
    }
}
