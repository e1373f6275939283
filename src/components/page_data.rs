//! The one way a page gets its data: loaded once per request and rendered once.
//!
//! On the server the page's loader in `server::pages` has already run (the way the auth
//! middleware has already found the user), so the page renders its data synchronously, with no
//! `Suspense` and no resource, and the value travels in the HTML (`SharedValue`) for hydration.
//! In the browser the same signal holds the data: a change of the key (the URL's parameters,
//! an action's version) fetches again through the page's server function, and a page mounted by
//! client-side navigation fetches once on mount. One view path for all three: each page's view
//! is compiled once, not again inside a `Suspense` (its async hydration code was a sixth of the
//! WASM).

use std::future::Future;

use leptos::{either::EitherOf3, prelude::*};
use serde::{Serialize, de::DeserializeOwned};

use crate::error::AppError;

/// The data the server loaded for the page it is about to render, as the page's server function
/// would have answered. Put in the request's extensions by `server::pages::preload`.
#[derive(Clone, Debug)]
pub struct Preloaded<T>(pub Result<T, AppError>);

/// Renders `show` with the page's data, keyed by `key` (the URL's parameters) and fetched with
/// `fetch` (the page's server function) wherever the server did not load it already; `loading`
/// is shown until the first answer.
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
    let first = preloaded::<T>();
    // Fetch on mount only when the server did not load the data (client-side navigation).
    let fetch_now = first.is_none();
    let data = RwSignal::new(first);
    let current = key.clone();
    // The page keeps showing what it has until the answer is in, as a `Transition` would, and
    // an answer for a key that is no longer current is dropped.
    Effect::watch(
        key,
        move |wanted: &K, _, _| {
            let (wanted, fetch, current) = (wanted.clone(), fetch.clone(), current.clone());
            leptos::task::spawn_local(async move {
                let answer = fetch(wanted.clone()).await;
                if untrack(&current) == wanted {
                    data.set(Some(answer));
                }
            });
        },
        fetch_now,
    );
    // Erased: a page's type would otherwise nest this view (and overflow rustc's query depth
    // in the WASM build).
    (move || match data.get() {
        Some(Ok(value)) => EitherOf3::A(show(value)),
        Some(Err(e)) => EitherOf3::B(error_alert(e)),
        None => EitherOf3::C(view! { <p class="loading">{loading}</p> }),
    })
    .into_any()
}

/// A failed load, shown in the page as an alert, with the error's status on the server's
/// response (a missing contact's page is a 404).
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
