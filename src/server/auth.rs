//! Sign-in, sessions and the checks every server function and route makes.
//!
//! Sessions are rows in the database (see `db::sessions`), found by the SHA-256 of a random
//! token that only the browser holds, in an HttpOnly, SameSite=Lax cookie (`Secure` and named
//! `__Host-…` when the app is served over HTTPS, so no sibling subdomain can set or read it).
//! Throttling of sign-in attempts lives in `sign_in`, cross-site refusal in `same_origin`. We keep this small
//! layer ourselves rather than a generic session crate because the product needs user-indexed
//! revocation (deactivation ends every session of a user at once), both idle and absolute
//! expiry, and a last-seen stamp written at most once a minute so reads stay write-free.

use std::{net::SocketAddr, ops::Deref};

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use cookie::{Cookie, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{
    AppState, client,
    config::CookieSecure,
    db::sessions::SessionRow,
    device::{DEVICE_COOKIE, Device},
    error::internal,
    time::now_ms,
};
use crate::{domain::user::Role, error::AppError};

pub const SESSION_COOKIE: &str = "contactdesk_session";
/// The last-seen stamp is refreshed at most this often, so most requests only read.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The signed-in user, as the server knows them for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthUser {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
}

/// Whom a session or an API token acts for. The conversion lives here, not in `db`, so the
/// storage layer never depends on the layer that uses it.
impl From<SessionRow> for AuthUser {
    fn from(row: SessionRow) -> Self {
        let role = row.role();
        Self { id: row.user_id, username: row.username, name: row.name, role }
    }
}

impl AuthUser {
    /// The proof that this user is an admin, or `Forbidden`.
    pub fn admin(self) -> Result<Admin, AppError> {
        if self.role == Role::Admin { Ok(Admin(self)) } else { Err(AppError::Forbidden) }
    }
}

/// A signed-in admin. Only [`AuthUser::admin`] makes one, and every service that does admin
/// work takes one, so a caller that forgot the check does not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admin(AuthUser);

impl Deref for Admin {
    type Target = AuthUser;
    fn deref(&self) -> &AuthUser {
        &self.0
    }
}

/// What the auth middleware learned about a request; every handler can read it.
#[derive(Clone, Debug, Default)]
pub struct Authentication {
    pub user: Option<AuthUser>,
    pub token_hash: Option<String>,
    /// The client's address (behind a trusted proxy, the one it forwarded).
    pub client_ip: String,
    pub https: bool,
}

// ---- passwords -------------------------------------------------------------------------------

/// Argon2id with the crate's recommended parameters (19 MiB, 2 passes).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| internal("hashing a password", e))
}

pub(super) fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Hashes on the blocking pool: Argon2 is deliberately slow and must not stall the runtime.
pub async fn hash_password_async(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| internal("password hashing task", e))?
}

// ---- tokens and cookies ----------------------------------------------------------------------

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// The value of the request's cookie `name`, if present and not empty.
pub fn request_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The value of the cookie `name` (as [`cookie_name`] spells it), if present and of a sane size.
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    request_cookie(headers, name).filter(|v| v.len() <= 512)
}

/// Whether our cookies are `Secure` for a request over HTTPS (`https`) or not: the setting, or
/// the request's own scheme.
pub fn secure(state: &AppState, https: bool) -> bool {
    match state.config.auth.cookie_secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => https,
    }
}

/// A secure cookie gets the `__Host-` prefix: the browser then takes it only from this exact
/// origin, over HTTPS, for the whole site, so a sibling subdomain cannot plant or shadow it.
fn cookie_name(base: &str, secure: bool) -> String {
    if secure { format!("__Host-{base}") } else { base.to_owned() }
}

fn session_token(state: &AppState, headers: &HeaderMap, https: bool) -> Option<String> {
    cookie_value(headers, &cookie_name(SESSION_COOKIE, secure(state, https))).filter(|v| v.len() <= 128)
}

/// `Set-Cookie` for one of our cookies: HttpOnly, SameSite=Lax, for the whole site; `max_age`
/// `None` makes it last until the browser closes.
fn set_cookie(state: &AppState, https: bool, base: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let secure = secure(state, https);
    let mut cookie = Cookie::build((cookie_name(base, secure), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure);
    if let Some(seconds) = max_age {
        cookie = cookie.max_age(cookie::time::Duration::seconds(seconds));
    }
    HeaderValue::from_str(&cookie.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` for a new session. No `Max-Age`: the server decides when a session ends, and
/// closing the browser ends it on the client side.
pub fn session_cookie(state: &AppState, token: &str, https: bool) -> HeaderValue {
    set_cookie(state, https, SESSION_COOKIE, token, None)
}

pub fn clear_cookie(state: &AppState, https: bool) -> HeaderValue {
    set_cookie(state, https, SESSION_COOKIE, "", Some(0))
}

/// The device this browser's device cookie names, if it carries a valid one.
pub fn device_of(state: &AppState, headers: &HeaderMap, https: bool) -> Option<Device> {
    let value = cookie_value(headers, &cookie_name(DEVICE_COOKIE, secure(state, https)))?;
    state.device_key.read(&value, now_ms() / 1000, state.config.auth.device_cookie_max_age())
}

/// `Set-Cookie` remembering this browser as a device `username` signed in on.
pub fn device_cookie(
    state: &AppState,
    previous: Option<&Device>,
    username: &str,
    https: bool,
) -> HeaderValue {
    let value = state.device_key.issue(previous, username, now_ms() / 1000);
    set_cookie(state, https, DEVICE_COOKIE, &value, Some(state.config.auth.device_cookie_max_age()))
}

// ---- sign-in and sign-out --------------------------------------------------------------------

/// Starts a new session for `user` (a new id at every sign-in, so a token planted before
/// sign-in is worthless) and returns its token.
pub async fn start_session(
    state: &AppState,
    user: &AuthUser,
    client_ip: &str,
    user_agent: &str,
) -> Result<String, AppError> {
    let token = new_token();
    let ua: String = user_agent.chars().take(256).collect();
    state.db.create_session(&token_hash(&token), user.id, now_ms(), client_ip, &ua).await?;
    tracing::info!(user_id = user.id, username = %user.username, "signed in");
    Ok(token)
}

pub async fn logout(state: &AppState, auth: &Authentication) -> Result<(), AppError> {
    if let Some(hash) = &auth.token_hash {
        state.db.delete_session(hash).await?;
    }
    if let Some(user) = &auth.user {
        tracing::info!(user_id = user.id, "signed out");
    }
    Ok(())
}

/// Finds the live session of a token, ending it if it has expired or its user was deactivated.
async fn resolve(state: &AppState, token: &str) -> Result<Option<AuthUser>, AppError> {
    let hash = token_hash(token);
    let Some(row) = state.db.find_session(&hash).await? else {
        return Ok(None);
    };
    let now = now_ms();
    let auth = &state.config.auth;
    let idle_ok = now - row.last_seen_at <= auth.idle().as_millis() as i64;
    let absolute_ok = now - row.created_at <= auth.absolute().as_millis() as i64;
    if !(row.active && idle_ok && absolute_ok) {
        state.db.delete_session(&hash).await?;
        return Ok(None);
    }
    // The stamp only drives the idle expiry: failing to write it (a busy or full database)
    // must not fail the request, which reads.
    if now - row.last_seen_at > TOUCH_EVERY_MS
        && let Err(e) = state.db.touch_session(&hash, now).await
    {
        tracing::warn!(error = %e, "could not stamp a session's last use");
    }
    Ok(Some(row.into()))
}

// ---- the middleware ----------------------------------------------------------------------------

/// Paths a signed-out visitor may load. Everything else that is a page sends them to sign in.
fn is_public_page(path: &str) -> bool {
    path == "/login"
}

/// A page is what a browser navigates to: not a server function, API, asset or probe.
fn is_page(path: &str) -> bool {
    let prefixes = ["/api/", "/v1/", "/pkg/"];
    let last = path.rsplit('/').next().unwrap_or("");
    !prefixes.iter().any(|p| path.starts_with(p))
        && !matches!(path, "/healthz" | "/readyz" | "/metrics")
        && !last.contains('.')
}

/// Resolves the session of every request and guards pages: a signed-out visitor is sent to
/// the sign-in page, a signed-in one away from it. Server functions and API routes answer
/// 401/403 themselves via [`require_user`] and [`require_admin`].
pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    let client = client::resolve(peer, req.headers(), &state.config.server);
    let https = client.https;
    let token = session_token(&state, req.headers(), https);
    let user = match &token {
        Some(t) => match resolve(&state, t).await {
            Ok(user) => user,
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let stale_cookie = token.is_some() && user.is_none();
    let path = req.uri().path().to_owned();

    if req.method() == Method::GET && is_page(&path) {
        if user.is_none() && !is_public_page(&path) {
            let target = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
            let location = format!("/login?next={}", crate::domain::url::encode_component(target));
            return with_cleared_cookie(Redirect::to(&location).into_response(), &state, https, stale_cookie);
        }
        if user.is_some() && is_public_page(&path) {
            return Redirect::to("/").into_response();
        }
    }

    let auth = Authentication {
        user,
        token_hash: token.as_deref().map(token_hash),
        client_ip: client.ip.to_string(),
        https,
    };
    req.extensions_mut().insert(auth);
    let response = next.run(req).await;
    with_cleared_cookie(response, &state, https, stale_cookie)
}

fn with_cleared_cookie(mut response: Response, state: &AppState, https: bool, stale: bool) -> Response {
    if stale && !response.headers().contains_key(header::SET_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, clear_cookie(state, https));
    }
    response
}

/// Where to go after signing in: only a path on this site. Anything else — another site
/// (`//evil.example`, `/\\evil.example`, `https:…`), a control character (browsers drop a tab
/// or newline, turning `/<TAB>/evil.example` into `//evil.example`), a character a `Location`
/// header cannot carry — goes to the Overview.
pub fn safe_next(next: Option<&str>) -> String {
    let local = |n: &str| {
        n.starts_with('/')
            && !n.starts_with("//")
            && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
            && n != "/login"
            && !n.starts_with("/login?")
    };
    match next {
        Some(n) if local(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

// ---- checks for server functions -------------------------------------------------------------

/// The request's authentication, from inside a server function.
pub async fn authentication() -> Result<Authentication, AppError> {
    let axum::Extension(auth): axum::Extension<Authentication> =
        leptos_axum::extract().await.map_err(|e| internal("reading the request's authentication", e))?;
    Ok(auth)
}

/// The signed-in user, or `Unauthorized`.
pub async fn require_user() -> Result<AuthUser, AppError> {
    authentication().await?.user.ok_or(AppError::Unauthorized)
}

/// The signed-in admin, or `Unauthorized`/`Forbidden`.
pub async fn require_admin() -> Result<Admin, AppError> {
    let user = require_user().await?;
    let id = user.id;
    user.admin().inspect_err(|_| tracing::warn!(user_id = id, "agent refused an admin function"))
}

// ---- the page being rendered -----------------------------------------------------------------

/// The person the UI shows for `user`.
pub fn me(state: &AppState, user: AuthUser) -> crate::domain::user::Me {
    crate::domain::user::Me {
        id: user.id,
        username: user.username,
        name: user.name,
        role: user.role,
        demo_data: state.demo_data(),
    }
}

/// The signed-in person of the request being rendered, read synchronously: the middleware put
/// the request's [`Authentication`] in its extensions, and leptos_axum provides the request's
/// parts as context before the app renders. `None` outside a page render or when signed out.
pub fn me_of_rendered_request() -> Option<crate::domain::user::Me> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    let user = parts.extensions.get::<Authentication>()?.user.clone()?;
    let state = leptos::prelude::use_context::<AppState>()?;
    Some(me(&state, user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/admin/users")), "/admin/users");
        assert_eq!(
            safe_next(Some("/contacts?q=5737%202333&status=new_lead")),
            "/contacts?q=5737%202333&status=new_lead"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/a\\b",
            "/é",
            "/a b",
            "\u{0}",
            "evil.example",
            "",
            "/login",
            "/login?next=/admin",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn secure_cookies_are_host_prefixed() {
        assert_eq!(cookie_name(SESSION_COOKIE, true), "__Host-contactdesk_session");
        assert_eq!(cookie_name(SESSION_COOKIE, false), "contactdesk_session");
    }

    #[test]
    fn pages_are_told_from_assets_and_apis() {
        assert!(is_page("/"));
        assert!(is_page("/admin/users"));
        assert!(!is_page("/api/auth/login"));
        assert!(!is_page("/pkg/contactdesk.wasm"));
        assert!(!is_page("/favicon.ico"));
        assert!(!is_page("/healthz"));
    }

    #[test]
    fn cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; contactdesk_session=tok; b=2"));
        assert_eq!(cookie_value(&headers, SESSION_COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie_value(&headers, "__Host-contactdesk_session"), None);
    }
}
