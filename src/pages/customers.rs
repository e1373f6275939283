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
    domain::{customer::SearchPage, phone::display as phone_display, url::encode_component},
};

/// Customers: one search box for name, policy number, phone (any format) or email.
/// `/` focuses it from anywhere on the page; Enter opens the first hit.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let q = move || query.read().get("q").unwrap_or_default();
    let page = use_page();
    let text = RwSignal::new(query.read_untracked().get("q").unwrap_or_default());
    let results = Resource::new(move || (q(), page()), |(q, page)| search_customers(q, page));
    let input_ref = NodeRef::<leptos::html::Input>::new();

    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = document()
            .active_element()
            .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if ev.key() == "/" && !typing {
            ev.prevent_default();
            if let Some(input) = input_ref.get() {
                let _ = input.focus();
            }
        }
    });
    on_cleanup(move || keys.remove());

    let go = {
        let navigate = navigate.clone();
        move |q: String, page: i64| {
            let url = if page > 1 {
                format!("/customers?q={}&page={page}", encode_component(&q))
            } else {
                format!("/customers?q={}", encode_component(&q))
            };
            navigate(&url, NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    };
    let on_input = {
        let go = go.clone();
        move |ev| {
            let value = event_target_value(&ev);
            text.set(value.clone());
            go(value, 1);
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            let first = results.get_untracked().and_then(Result::ok).and_then(|p| p.hits.first().cloned());
            if let Some(hit) = first {
                navigate(&format!("/customers/{}", hit.contact_id), NavigateOptions::default());
            }
        }
    };

    view! {
        <Title text="Customers"/>
        <h1>"Customers"</h1>
        <div class="search-bar">
            <label for="customer-search" class="visually-hidden">"Search customers"</label>
            <input id="customer-search" type="search" node_ref=input_ref autofocus autocomplete="off"
                placeholder="Name, policy number, phone or email   ( / )" maxlength="100"
                prop:value=move || text.get() on:input=on_input on:keydown=on_keydown
                aria-describedby="search-help"/>
            <p id="search-help" class="hint">
                "Phone numbers in any form: 5737 2333, +230 5737 2333, 0023057372333. Enter opens the first result."
            </p>
        </div>
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
                            <td><A href=format!("/customers/{}", h.contact_id)>{h.name}</A></td>
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
