//! Signing in and out, and who is signed in.

use leptos::prelude::*;

use crate::{domain::user::Me, error::AppError};

/// Signs in and sends the browser on to `next` (a local path) or the overview.
#[server(endpoint = "auth/login")]
pub async fn login(username: String, password: String, next: String) -> Result<(), AppError> {
    use axum::http::{HeaderMap, header};

    use crate::server::{AppState, auth, error::internal, sign_in};

    super::run("login", async {
        let state = expect_context::<AppState>();
        let current = auth::authentication().await?;
        let headers: HeaderMap = leptos_axum::extract().await.map_err(|e| internal("reading headers", e))?;
        let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
        // Decided before anything is stored: no `next` can fail the answer after sign-in.
        let next = auth::safe_next(Some(&next));
        let device = auth::device_of(&state, &headers, current.https);
        let attempt = sign_in::Attempt {
            username: &username,
            password: &password,
            client_ip: &current.client_ip,
            device: device.as_ref(),
        };
        let user = sign_in::check(&state, attempt).await?;
        let token = auth::start_session(&state, &user, &current.client_ip, user_agent).await?;
        // A session that was open before is ended, never reused: one fresh id per sign-in.
        auth::logout(&state, &current).await?;
        let response = expect_context::<leptos_axum::ResponseOptions>();
        response.append_header(header::SET_COOKIE, auth::session_cookie(&state, &token, current.https));
        response.append_header(
            header::SET_COOKIE,
            auth::device_cookie(&state, device.as_ref(), &user.username, current.https),
        );
        leptos_axum::redirect(&next);
        Ok(())
    })
    .await
}

/// Ends the session on the server and clears the cookie.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use axum::http::header;

    use crate::server::{AppState, auth};

    super::run("logout", async {
        let state = expect_context::<AppState>();
        let current = auth::authentication().await?;
        auth::logout(&state, &current).await?;
        let response = expect_context::<leptos_axum::ResponseOptions>();
        response.append_header(header::SET_COOKIE, auth::clear_cookie(&state, current.https));
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// The signed-in person, or `None`.
#[server(endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    use crate::server::{AppState, auth};

    super::run("current_user", async {
        let state = expect_context::<AppState>();
        let current = auth::authentication().await?;
        Ok(current.user.map(|u| auth::me(&state, u)))
    })
    .await
}
