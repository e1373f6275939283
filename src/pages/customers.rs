use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_query_map},
};

use crate::{
    api::customers::search_customers,
    components::{
        error_view::errors_fallback,
        pager::{Pager, use_page},
    },
    domain::{
        customer::SearchPage,
        phone::display as phone_display,
        url::{customer_url, customers_url},
    },
};

/// Customers: the matches of the header's search box (`?q=`); the query lives in the URL, so
/// Back and bookmarks work. The box itself is in the frame, reachable with `/` from every
/// page.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let q = move || query.read().get("q").unwrap_or_default();
    let page = use_page();
    let results = Resource::new(move || (q(), page()), |(q, page)| search_customers(q, page));
    let go = move |q: String, page: i64| {
        navigate(
            &customers_url(&q, page),
            NavigateOptions { replace: true, scroll: false, ..Default::default() },
        );
    };

    view! {
        <Title text="Customers"/>
        <h1>"Customers"</h1>
        <p class="hint" id="search-hint">
            "Search by name, policy number, phone or email in the box at the top (press "
            <kbd>"/"</kbd>" to go there). Phone numbers in any form: 5737 2333, +230 5737 2333, "
            "0023057372333. Enter opens the first result."
        </p>
        <Transition fallback=|| view! { <p class="loading">"Searching…"</p> }>
            <ErrorBoundary fallback=errors_fallback>
                {move || {
                    let go = go.clone();
                    Suspend::new(async move { results.await.map(|page| view! { <Results page go/> }) })
                }}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Results(page: SearchPage, go: impl Fn(String, i64) + Clone + Send + Sync + 'static) -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read_untracked().get("q").unwrap_or_default();
    if q().trim().is_empty() {
        return view! { <p class="muted">"Type a name, policy number, phone number or email to find a customer."</p> }
            .into_any();
    }
    if page.hits.is_empty() {
        return view! { <p class="muted" role="status">"No customer matches this search."</p> }.into_any();
    }
    let pages = page.pages();
    let capped = page.total_is_capped();
    let current = page.page;
    view! {
        <p class="muted" role="status">
            {if page.total_is_capped() {
                "More than 1,000 customers found: add a word to narrow the search.".to_owned()
            } else {
                format!("{} customer{} found", page.total, if page.total == 1 { "" } else { "s" })
            }}
        </p>
        <div class="table-wrap card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Policy number"</th>
                        <th scope="col">"Mobile"</th>
                        <th scope="col">"Email"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.hits.into_iter().map(|h| view! {
                        <tr>
                            <td><A href=customer_url(h.contact_id)>{h.name}</A></td>
                            <td>{h.policy_numbers.join(", ")}</td>
                            <td>{h.mobile.as_deref().map(phone_display).unwrap_or_else(|| "—".into())}</td>
                            <td class="wrap">{h.email.unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager label="Result pages" current pages more=capped go=move |to| go(q(), to)/>
    }
    .into_any()
}
