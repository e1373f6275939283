//! Each page's data, loaded before Leptos renders the page (see `components::page_data`).
//!
//! A page that waited for its data inside a `Suspense` was rendered up to three times and
//! streamed twice (fallback, then the resolved chunk). Here the page's own server function runs
//! first, in the request's context (the same access check, span and answer as when the browser
//! calls it), and its answer rides in the request's extensions, where the page reads it
//! synchronously. A route without a loader still works: its page fetches in the browser.

use std::collections::HashMap;

use axum::{
    extract::{MatchedPath, Request, State},
    http::{Method, request::Parts},
    middleware::Next,
    response::Response,
};
use leptos::{prelude::*, reactive::computed::ScopedFuture};

use super::{AppState, auth::Authentication, report::params_of};
use crate::{
    api::{
        activity::load_activity,
        calls::load_calls,
        customers::{get_customer, search_customers},
        overview::get_home,
        payment_qr::list_outbox,
        report::load_report,
        tokens::load_tokens_page,
        users::list_users,
    },
    components::page_data::Preloaded,
    domain::{contact::ContactStatus, payment_qr::OutboxFilter, url::page_number, user::Role},
    error::AppError,
};

/// Runs the loader of the matched page route, for a signed-in user's `GET`.
pub async fn preload(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let role = req.extensions().get::<Authentication>().and_then(|a| a.user.as_ref()).map(|u| u.role);
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let (Some(route), Some(role), true) = (route, role, req.method() == Method::GET) else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    load(&route, role == Role::Admin, &state, &mut parts).await;
    next.run(Request::from_parts(parts, body)).await
}

/// The loaders, by route pattern as the router names it. Each calls the server function that
/// the page's resource would call, with the key the page derives from the same URL.
async fn load(route: &str, admin: bool, state: &AppState, parts: &mut Parts) {
    let query = parts.uri.query().unwrap_or("").to_owned();
    match route {
        "/" => preloaded(state, parts, get_home()).await,
        "/contacts/{id}" | "/customers/{id}" => {
            let id = parts.uri.path().rsplit('/').next().and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
            preloaded(state, parts, get_customer(id)).await
        }
        "/contacts" | "/customers" => {
            let params = params_of(&query);
            let q = params.get("q").cloned().unwrap_or_default();
            let status = params.get("status").and_then(|s| ContactStatus::parse(s).ok());
            let status = status.map(|s| s.as_str().to_owned());
            preloaded(state, parts, search_customers(q, page_of(&params), status)).await
        }
        "/calls" => preloaded(state, parts, load_calls(query)).await,
        // The admin door draws "No access" for anyone else without rendering the page.
        _ if !admin => {}
        "/admin/contact-updates" => preloaded(state, parts, load_report(query)).await,
        "/admin/activity" => {
            let params = params_of(&query);
            let action = params.get("action").cloned().unwrap_or_default();
            preloaded(state, parts, load_activity(action, page_of(&params))).await
        }
        "/admin/outbox" => {
            let params = params_of(&query);
            let f = OutboxFilter::from_params(|name| params.get(name).cloned());
            let status = f.status.map(|s| s.as_str().to_owned());
            preloaded(state, parts, list_outbox(page_of(&params), status, Some(f.q))).await
        }
        "/admin/tokens" => preloaded(state, parts, load_tokens_page()).await,
        "/admin/users" => preloaded(state, parts, list_users()).await,
        _ => {}
    }
}

fn page_of(params: &HashMap<String, String>) -> i64 {
    page_number(params.get("page").map(String::as_str))
}

/// Runs `load` (a server function) inside a reactive owner holding what server functions read
/// from context, and stores its answer for the page.
async fn preloaded<T>(state: &AppState, parts: &mut Parts, load: impl Future<Output = Result<T, AppError>>)
where
    T: Clone + Send + Sync + 'static,
{
    let owner = Owner::new();
    owner.with(|| {
        provide_context(state.clone());
        provide_context(parts.clone());
    });
    let answer = owner.with(|| ScopedFuture::new(load)).await;
    owner.unset();
    parts.extensions.insert(Preloaded(answer));
}
