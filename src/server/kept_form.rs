//! What a person typed into a form posted without the WASM, kept across leptos' redirect back
//! to the page when the server refuses it.
//!
//! A plain form post that fails is answered by a redirect to the page with the error in the
//! URL (`__path`, `__err`), where the page shows the message beside the form; the values typed
//! were lost with the post. Here they travel in a short-lived cookie (HttpOnly, SameSite=Strict,
//! `Secure` as the session's, one minute, never a password field), read and cleared by the page
//! that shows the error (`components::kept_form`); a taken post's answer too (the token
//! issued, the import's report), which leptos' redirect would drop. A cookie rather than the URL: a correction's phone number or a
//! customer's name does not belong in access logs and browser history.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, header},
    middleware::Next,
    response::Response,
};
use cookie::{Cookie, SameSite};

use super::{
    AppState,
    auth::{self, Authentication},
};
use crate::components::kept_form::{COOKIE, OUTPUT_FIELD, PATH_FIELD, keeps};

/// The most a kept form may weigh; a browser drops a cookie over 4 KB anyway.
const MAX_COOKIE_BYTES: usize = 3 * 1024;

/// Middleware on the server functions (inside the body limit, which has read a form's body).
pub async fn keep(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(kind) = plain_form_post(&req) else {
        return next.run(req).await;
    };
    // A second refusal on the page of a first: leptos would append its error to the first's
    // in the URL, and the page would read the first.
    let fresh_referer = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .filter(|referer| referer.contains("__err="))
        .map(without_error)
        .and_then(|referer| HeaderValue::from_str(&referer).ok());
    if let Some(referer) = fresh_referer {
        req.headers_mut().insert(header::REFERER, referer);
    }
    let path = req.uri().path().to_owned();
    let secure = secure(&state, req.extensions());
    let (mut response, fields) = match kind {
        PlainForm::Fields => {
            let (parts, body) = req.into_parts();
            // Already in memory: the body limit before this layer has collected it.
            let Ok(collected) = http_body_util::BodyExt::collect(body).await else {
                return next.run(Request::from_parts(parts, Body::empty())).await;
            };
            let bytes = collected.to_bytes();
            (next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await, Some(bytes))
        }
        // A file upload (the import) streams through untouched: a file is not kept.
        PlainForm::Upload => (next.run(req).await, None),
    };
    let refused = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|location| location.contains("__err="));
    let kept = if refused {
        fields.and_then(|bytes| refused_value(&path, &bytes))
    } else {
        taken_value(&path, &mut response).await
    };
    if let Some(header) = kept.and_then(|value| set_cookie(value, cookie::time::Duration::minutes(1), secure))
    {
        response.headers_mut().append(header::SET_COOKIE, header);
    }
    response
}

/// Whether the cookie is `Secure`: as the session's, for this request (`https` as the auth
/// layer resolved it behind a trusted proxy).
fn secure(state: &AppState, extensions: &axum::http::Extensions) -> bool {
    auth::secure(state, extensions.get::<Authentication>().is_some_and(|a| a.https))
}

/// `Set-Cookie` for the kept form: HttpOnly, SameSite=Strict, for the whole site.
fn set_cookie(value: String, max_age: cookie::time::Duration, secure: bool) -> Option<HeaderValue> {
    let cookie = Cookie::build((COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(max_age)
        .build();
    HeaderValue::from_str(&cookie.to_string()).ok()
}

/// `url` without the error leptos put in its query (`__path`, `__err`). Not leptos'
/// `ServerFnUrlError::strip_error_info`, which leaves a bare `?` behind on a page without a query.
fn without_error(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name != "__path" && name != "__err")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return base.to_owned();
    }
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish();
    format!("{base}?{query}")
}

/// A form the browser posted itself (it accepts HTML), by its encoding.
enum PlainForm {
    Fields,
    Upload,
}

fn plain_form_post(req: &Request) -> Option<PlainForm> {
    let header_has = |name: header::HeaderName, part: &str| {
        req.headers().get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(part))
    };
    if req.method() != Method::POST
        || !req.uri().path().starts_with("/api/")
        || !header_has(header::ACCEPT, "text/html")
    {
        return None;
    }
    if header_has(header::CONTENT_TYPE, "application/x-www-form-urlencoded") {
        Some(PlainForm::Fields)
    } else if header_has(header::CONTENT_TYPE, "multipart/form-data") {
        Some(PlainForm::Upload)
    } else {
        None
    }
}

/// The refused form's fields worth keeping, re-encoded: no password, nothing too big to keep.
fn refused_value(path: &str, body: &[u8]) -> Option<String> {
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair(PATH_FIELD, path);
    let mut any = false;
    for (name, value) in form_urlencoded::parse(body) {
        if keeps(&name) {
            out.append_pair(&name, &value);
            any = true;
        }
    }
    let value = out.finish();
    (any && value.len() <= MAX_COOKIE_BYTES).then_some(value)
}

/// A taken form's answer (the server function's JSON), for the page to show as the hydrated
/// form would; the body is put back for the response.
async fn taken_value(path: &str, response: &mut Response) -> Option<String> {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json || !response.status().is_redirection() {
        return None;
    }
    let body = std::mem::replace(response.body_mut(), Body::empty());
    let bytes = http_body_util::BodyExt::collect(http_body_util::Limited::new(body, MAX_COOKIE_BYTES))
        .await
        .ok()?
        .to_bytes();
    *response.body_mut() = Body::from(bytes.clone());
    let answer = std::str::from_utf8(&bytes).ok()?;
    let value = form_urlencoded::Serializer::new(String::new())
        .append_pair(PATH_FIELD, path)
        .append_pair(OUTPUT_FIELD, answer)
        .finish();
    (value.len() <= MAX_COOKIE_BYTES).then_some(value)
}

/// The fields kept for the server function at `path` (its form's values, or its answer), read
/// while the server renders the page the post came back to; the cookie is then cleared.
pub fn take(path: &str) -> Vec<(String, String)> {
    use leptos::prelude::use_context;

    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return Vec::new();
    };
    let Some(value) = auth::request_cookie(&parts.headers, COOKIE) else {
        return Vec::new();
    };
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(value.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if !fields.iter().any(|(name, value)| name == PATH_FIELD && value == path) {
        return Vec::new();
    }
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        let secure = use_context::<AppState>().is_some_and(|state| secure(&state, &parts.extensions));
        if let Some(cleared) = set_cookie(String::new(), cookie::time::Duration::ZERO, secure) {
            options.append_header(header::SET_COOKIE, cleared);
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_kept() {
        let kept =
            refused_value("/api/u", b"username=admin&name=Ana+Lee&role=admin&password=secret-123").unwrap();
        assert_eq!(kept, "__path=%2Fapi%2Fu&username=admin&name=Ana+Lee&role=admin");
        assert!(refused_value("/api/u", b"password=secret-123&current_password=x").is_none());
    }

    #[test]
    fn the_value_is_a_valid_cookie_value() {
        let kept = refused_value("/api/u", "name=a;b, \"c\"\\d é".as_bytes()).unwrap();
        assert!(kept.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\')));
        assert!(HeaderValue::from_str(&format!("{COOKIE}={kept}")).is_ok());
    }

    #[test]
    fn a_page_loses_a_former_refusal_but_keeps_its_own_query() {
        assert_eq!(
            without_error("http://h/contacts?new=1&__path=%2Fapi%2Fx&__err=eyJ9"),
            "http://h/contacts?new=1"
        );
        assert_eq!(without_error("http://h/admin/import?__path=%2Fapi%2Fx&__err=e"), "http://h/admin/import");
        assert_eq!(without_error("http://h/login"), "http://h/login");
    }

    #[test]
    fn an_oversized_form_is_not_kept() {
        let body = format!("notes={}", "x".repeat(MAX_COOKIE_BYTES + 1));
        assert!(refused_value("/api/u", body.as_bytes()).is_none());
    }
}
