//! The `/v1` HTTP API (JSON) for the mobile apps and the master-system sync.
//!
//! Authenticated by the browser's session cookie or `Authorization: Bearer <token>`. Errors are
//! `{"error": {"code", "message", "fields"}}` with a status that fits.

mod calls;
mod contact_updates;
mod contacts;
mod docs_page;
mod exports;
pub mod openapi;
mod payment_qr;
mod report;

use axum::{
    Router,
    extract::{DefaultBodyLimit, FromRequestParts, Request},
    handler::Handler,
    http::{Method, header, request::Parts},
    routing::{MethodFilter, MethodRouter, get, on},
};

use super::{
    AppState,
    auth::{Admin, AuthUser, Authentication},
    tokens::{self, TokenPrincipal},
};
use crate::{domain::token::TokenScope, error::AppError};

/// Where `server::http` nests [`router`]; the documented paths carry it.
const PREFIX: &str = "/v1";
/// The upload's full path: its router is merged at the top, outside the nest.
const UPLOAD_PATH: &str = "/v1/calls/upload";

/// One route: its method, its path, and a method router that answers that method only.
type Route = (Method, &'static str, MethodRouter<AppState>);

/// A [`Route`] whose method router is made from `method` itself, so the table cannot name one
/// method and serve another.
fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter =
        MethodFilter::try_from(method.clone()).expect("the route table uses standard HTTP methods only");
    (method, path, on(filter, handler))
}

/// Every route of [`router`], below [`PREFIX`]: the router and [`route_list`] are both built
/// from this table, so a route cannot be served without being listed (and the API test then
/// finds it missing from the OpenAPI document if it is not documented).
fn routes() -> Vec<Route> {
    vec![
        route(Method::POST, "/customer_contact_updates", contact_updates::create),
        route(Method::GET, "/customer_contact_updates", report::list),
        route(Method::GET, "/customer_contact_updates/latest/{customer_id}", contact_updates::latest),
        route(Method::POST, "/customer_contact_updates/bulk-sync", report::bulk_sync),
        route(Method::GET, "/customer_contact_updates/export.csv", exports::csv),
        route(Method::GET, "/customer_contact_updates/export.xlsx", exports::xlsx),
        route(Method::GET, "/exports/{id}/download", exports::download_again),
        route(Method::POST, "/exports/{id}/sync", exports::sync),
        route(Method::PATCH, "/customer_contact_updates/{id}/sync", report::sync_one),
        route(Method::POST, "/customer_contact_updates/{id}/reject", report::reject),
        route(Method::GET, "/calls", calls::list),
        route(Method::GET, "/calls/{id}", calls::get),
        route(Method::GET, "/calls/{id}/audio", calls::audio_file),
        route(Method::GET, "/contacts", contacts::list),
        route(Method::POST, "/contacts", contacts::create),
        route(Method::GET, "/contacts/{id}", contacts::get),
        route(Method::PUT, "/contacts/{id}", contacts::edit),
        route(Method::DELETE, "/contacts/{id}", contacts::delete),
        route(Method::GET, "/contacts/{id}/payment-qr.png", payment_qr::png),
    ]
}

/// The upload route, with its full path and its own body limit.
fn upload_route(max_bytes: u64) -> Route {
    let limit = usize::try_from(max_bytes).unwrap_or(usize::MAX).saturating_add(1 << 20);
    let (method, path, handler) = route(Method::POST, UPLOAD_PATH, calls::upload);
    (method, path, handler.layer(DefaultBodyLimit::max(limit)))
}

/// The API's routes, to be nested at `/v1`. Two more are public and not in [`route_list`]:
/// `GET /v1/openapi.json` and `GET /v1/docs` describe the API rather than being part of it
/// (they hold no data, so they need no credentials).
pub fn router() -> Router<AppState> {
    routes()
        .into_iter()
        // axum merges method routers registered on the same path (GET and POST on the list).
        .fold(Router::new(), |router, (_, path, handler)| router.route(path, handler))
        .route(openapi::JSON_PATH, get(openapi::json))
        .route(docs_page::PATH, get(docs_page::page))
        .fallback(|_: Request| async { AppError::NotFound("No such API endpoint.".into()) })
}

/// The upload route, kept apart from [`router`]: it must not run under the app's 30-second
/// request timeout (a long recording on a weak network takes minutes; it has an idle timeout
/// instead), and its body limit is the recordings' own.
pub fn upload_router(max_bytes: u64) -> Router<AppState> {
    let (_, path, handler) = upload_route(max_bytes);
    Router::new().route(path, handler)
}

/// Every `/v1` route the app serves, as (upper-case method, full path with `{param}`s), the
/// upload included: what the OpenAPI document must describe, operation for operation.
pub fn route_list() -> Vec<(String, String)> {
    let nested = routes().into_iter().map(|(method, path, _)| (method, format!("{PREFIX}{path}")));
    let (upload_method, upload_path, _) = upload_route(0);
    nested.chain([(upload_method, upload_path.to_owned())]).map(|(m, p)| (m.as_str().to_owned(), p)).collect()
}

/// Who presented a request to `/v1`: a bearer token's principal, else the session's user.
enum Caller {
    Token(TokenPrincipal),
    Session(AuthUser),
}

impl Caller {
    async fn of(parts: &Parts, state: &AppState) -> Result<Self, AppError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        if let Some(token) = bearer {
            // A token that is presented but wrong is refused, even with a valid session.
            return tokens::resolve(&state.db, token).await?.map(Caller::Token).ok_or(AppError::Unauthorized);
        }
        parts
            .extensions
            .get::<Authentication>()
            .and_then(|a| a.user.clone())
            .map(Caller::Session)
            .ok_or(AppError::Unauthorized)
    }
}

/// The caller of an API route: a session, or an `api` token acting with its user's role;
/// otherwise 401. An `upload` token (a phone's) gets 403 here: it can upload and nothing else.
pub struct ApiUser(pub AuthUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match Caller::of(parts, state).await? {
            Caller::Session(user) => Ok(ApiUser(user)),
            Caller::Token(t) if t.scope == TokenScope::Api => Ok(ApiUser(t.user)),
            Caller::Token(t) => {
                tracing::warn!(token_id = t.token_id, path = %parts.uri.path(), "upload token refused outside uploads");
                Err(AppError::Forbidden)
            }
        }
    }
}

/// The caller of the upload route: any token (the recording is attributed to its user) or a
/// session. The token's id is kept on the call log, so a lost phone's uploads can be found.
pub struct Uploader {
    pub user: AuthUser,
    pub token_id: Option<i64>,
}

impl FromRequestParts<AppState> for Uploader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(match Caller::of(parts, state).await? {
            Caller::Session(user) => Uploader { user, token_id: None },
            Caller::Token(t) => Uploader { user: t.user, token_id: Some(t.token_id) },
        })
    }
}

/// The caller of an admin route: like [`ApiUser`], and an admin, otherwise 403.
pub struct ApiAdmin(pub Admin);

impl FromRequestParts<AppState> for ApiAdmin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ApiUser(user) = ApiUser::from_request_parts(parts, state).await?;
        let id = user.id;
        user.admin().map(ApiAdmin).inspect_err(
            |_| tracing::warn!(user_id = id, path = %parts.uri.path(), "agent refused an admin API route"),
        )
    }
}

/// A JSON body, or 422 saying what is wrong with it, naming the field when one is at fault; 413
/// when it is over the limit (nothing of it is kept).
fn json_body<T>(body: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>) -> Result<T, AppError> {
    body.map(|axum::Json(b)| b).map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return super::http::too_large();
        }
        let text = rejection.body_text();
        let field = field_at_fault(&text).unwrap_or("body");
        AppError::invalid(field, format!("The request body is not valid: {text}"))
    })
}

/// The top-level field a JSON rejection blames: axum names the path of a wrong value
/// (`…target type: update_ids[1]: invalid type…`), serde a missing one (`missing field `x``).
fn field_at_fault(text: &str) -> Option<&str> {
    let is_name = |f: &&str| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if let Some((_, rest)) = text.split_once("missing field `") {
        return rest.split('`').next().filter(is_name);
    }
    let (_, rest) = text.split_once("target type: ")?;
    let (path, _) = rest.split_once(": ")?;
    path.split(['.', '[']).next().filter(is_name)
}

/// The `{id}` of a path, or 422 naming it (axum's own rejection is a plain-text 400); `what`
/// says whose id it is ("call", "contact").
fn path_id(
    path: Result<axum::extract::Path<i64>, axum::extract::rejection::PathRejection>,
    what: &str,
) -> Result<i64, AppError> {
    path.map(|axum::extract::Path(id)| id)
        .map_err(|_| AppError::invalid("id", format!("The {what} id in the path is a number.")))
}

#[cfg(test)]
mod tests {
    use super::field_at_fault;

    #[test]
    fn a_json_rejection_names_the_field_at_fault() {
        let wrong = "Failed to deserialize the JSON body into the target type: update_ids[1]: invalid type: \
                     string \"x\", expected i64 at line 1 column 22";
        assert_eq!(field_at_fault(wrong), Some("update_ids"));
        let missing = "Failed to deserialize the JSON body into the target type: missing field `reason` at line 1 column 2";
        assert_eq!(field_at_fault(missing), Some("reason"));
        assert_eq!(field_at_fault("Failed to parse the request body as JSON: EOF while parsing"), None);
    }
}
