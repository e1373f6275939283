//! The one way a page gets its data: loaded once per request and rendered once.
//!
//! On the server the page's loader in `server::pages` has already run (the way the auth
//! middleware has already found the user), so the page renders its data synchronously, with no
//! `Suspense` and no resource, and the value travels in the HTML (`SharedValue`) for hydration.
//! After hydration, a change of the key (the URL's parameters, an action's version) fetches
//! again through the same server function; a page mounted by client-side navigation fetches
//! through a resource read in a `Transition`.

use std::future::Future;

use leptos::{either::Either, prelude::*};
use serde::{Serialize, de::DeserializeOwned};

use super::error_view::errors_fallback;
use crate::error::AppError;

/// The data the server loaded for the page it is about to render, as the page's server function
/// would have answered. Put in the request's extensions by `server::pages::preload`.
#[derive(Clone, Debug)]
pub struct Preloaded<T>(pub Result<T, AppError>);

/// Renders `show` with the page's data, keyed by `key` (the URL's parameters) and fetched with
/// `fetch` (the page's server function) wherever the server did not load it already.
pub fn page_data<K, T, Fut, V>(
    loading: &'static str,
    key: impl Fn() -> K + Clone + Send + Sync + 'static,
    fetch: impl Fn(K) -> Fut + Clone + Send + Sync + 'static,
    show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> AnyView
where
    K: PartialEq + Clone + Send + Sync + 'static,
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    // Erased: a page's type would otherwise nest both branches' views (and overflow rustc's
    // query depth in the WASM build).
    match preloaded::<T>() {
        Some(first) => {
            // In the browser, a change of the URL's parameters (or an action's version in the
            // key) fetches again; the page keeps showing what it has until the answer is in,
            // as a `Transition` would, and an answer for a key that is no longer current is
            // dropped.
            let data = RwSignal::new(first);
            let current = key.clone();
            Effect::watch(
                key,
                move |wanted: &K, _, _| {
                    let (wanted, fetch, current) = (wanted.clone(), fetch.clone(), current.clone());
                    leptos::task::spawn_local(async move {
                        let answer = fetch(wanted.clone()).await;
                        if untrack(&current) == wanted {
                            data.set(answer);
                        }
                    });
                },
                false,
            );
            (move || match data.get() {
                Ok(value) => Either::Left(show(value)),
                Err(e) => Either::Right(error_alert(e)),
            })
            .into_any()
        }
        None => fetched(loading, key, fetch, show).into_any(),
    }
}

/// The page's data fetched in the browser: one resource read in one `Transition`.
fn fetched<K, T, Fut, V>(
    loading: &'static str,
    key: impl Fn() -> K + Send + Sync + 'static,
    fetch: impl Fn(K) -> Fut + Send + Sync + 'static,
    show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    K: PartialEq + Clone + Send + Sync + 'static,
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let data = Resource::new(key, fetch);
    view! {
        <Transition fallback=move || view! { <p class="loading">{loading}</p> }>
            <ErrorBoundary fallback=errors_fallback>
                {move || {
                    let show = show.clone();
                    Suspend::new(async move { data.await.map(show) })
                }}
            </ErrorBoundary>
        </Transition>
    }
}

/// A failed load, shown as the `ErrorBoundary` of a fetched page would show it, with the
/// error's status on the server's response (a missing contact's page is a 404).
fn error_alert(e: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(e.status())
    {
        options.set_status(status);
    }
    view! {
        <div class="alert error" role="alert">
            <ul><li>{e.to_string()}</li></ul>
        </div>
    }
}

/// What the server loaded for this page, read back from the HTML while hydrating; `None` in
/// the browser otherwise, and on the server for a page without a loader.
fn preloaded<T>() -> Option<Result<T, AppError>>
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            let parts = use_context::<axum::http::request::Parts>()?;
            parts.extensions.get::<Preloaded<T>>().map(|p| p.0.clone())
        }
        #[cfg(not(feature = "ssr"))]
        {
            None
        }
    })
    .into_inner()
}
