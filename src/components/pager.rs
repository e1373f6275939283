//! Previous / Next under a paged list.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The `page` query parameter of a paged list (1 when absent or not a number).
pub fn use_page() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || crate::domain::url::page_number(query.read().get("page").as_deref())
}

/// `more` says the page count is a lower bound (the count stopped at its limit).
#[component]
pub fn Pager(
    label: &'static str,
    current: i64,
    pages: i64,
    #[prop(optional)] more: bool,
    #[prop(into)] go: Callback<i64>,
) -> impl IntoView {
    view! {
        <nav class="pagination" aria-label=label>
            <button type="button" class="btn small" disabled={current <= 1}
                on:click=move |_| go.run(current - 1)>"Previous"</button>
            <span>{format!("Page {current} of {pages}{}", if more { "+" } else { "" })}</span>
            <button type="button" class="btn small" disabled={current >= pages}
                on:click=move |_| go.run(current + 1)>"Next"</button>
        </nav>
    }
}
