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
        contact_status::StatusBadge,
        new_contact_dialog::NewContactDialog,
        page_data::page_data,
        pager::{Pager, use_page},
    },
    domain::{
        contact::ContactStatus,
        customer::SearchPage,
        phone::display as phone_display,
        url::{contacts_url, customer_url},
    },
};

/// Contacts: every contact by name, or the matches of the header's search box (`?q=`), of one
/// status (`?status=`). The filter lives in the URL, so Back and bookmarks work. The box itself
/// is in the frame, reachable with `/` from every page.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let navigate_after_close = navigate.clone();
    let q = move || query.read().get("q").unwrap_or_default();
    let status = move || query.read().get("status").and_then(|s| ContactStatus::parse(&s).ok());
    let page = use_page();
    let go = move |status: Option<ContactStatus>, page: i64| {
        let q = query.read_untracked().get("q").unwrap_or_default();
        navigate(&contacts_url(&q, status, page), NavigateOptions { scroll: false, ..Default::default() });
    };
    // `?new=1` opens New contact: the button's own address without the WASM.
    let creating = RwSignal::new(query.read_untracked().get("new").is_some());
    let new_button = NodeRef::<leptos::html::Button>::new();
    let on_close = Callback::new(move |()| {
        creating.set(false);
        if query.read_untracked().get("new").is_some() {
            let q = query.read_untracked().get("q").unwrap_or_default();
            navigate_after_close(
                &contacts_url(&q, None, 1),
                NavigateOptions { replace: true, ..Default::default() },
            );
        }
        if let Some(button) = new_button.get_untracked() {
            let _ = button.focus();
        }
    });

    view! {
        <Title text="Contacts"/>
        <div class="page-head">
            <h1>"Contacts"</h1>
            // A form, so the button works before (and without) the WASM: the page with the dialog open.
            <form class="inline-form" method="get" action="/contacts">
                <input type="hidden" name="new" value="1"/>
                <button type="submit" class="btn primary" node_ref=new_button aria-haspopup="dialog"
                    on:click=move |ev| { ev.prevent_default(); creating.set(true); }>"New contact"</button>
            </form>
        </div>
        <p class="hint" id="search-hint">
            "Search by name, policy number, phone or email in the box at the top (press "
            <kbd>"/"</kbd>" to go there). Phone numbers in any form: 5737 2333, +230 5737 2333, "
            "0023057372333. Enter opens the first result."
        </p>
        <div class="filters">
            <div class="field">
                <label for="contact-status">"Status"</label>
                <select id="contact-status" name="status"
                    on:change={
                        let go = go.clone();
                        move |ev| go(ContactStatus::parse(&event_target_value(&ev)).ok(), 1)
                    }>
                    <option value="" selected=move || status().is_none()>"All contacts"</option>
                    {ContactStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status() == Some(s)>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
        </div>
        {page_data(
            "Searching…",
            move || (q(), status(), page()),
            |(q, status, page)| search_customers(q, page, status.map(|s| s.as_str().to_owned())),
            move |found| {
                let go = go.clone();
                view! { <Results found go=move |to| go(status(), to)/> }
            },
        )}
        <Show when=move || creating.get()>
            <NewContactDialog on_close/>
        </Show>
    }
}

#[component]
fn Results(found: SearchPage, go: impl Fn(i64) + Clone + Send + Sync + 'static) -> impl IntoView {
    if found.hits.is_empty() {
        return view! { <p class="muted" role="status">"No contact matches."</p> }.into_any();
    }
    let pages = found.pages();
    let capped = found.total_is_capped();
    let current = found.page;
    view! {
        <p class="muted" role="status">
            {if capped {
                "More than 1,000 contacts found: add a word to narrow the search.".to_owned()
            } else {
                format!("{} contact{} found", found.total, if found.total == 1 { "" } else { "s" })
            }}
        </p>
        <div class="table-wrap card">
            <table class="table">
                <caption class="visually-hidden">"Contacts, by name"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Policy number"</th>
                        <th scope="col">"Mobile"</th>
                        <th scope="col">"Email"</th>
                    </tr>
                </thead>
                <tbody>
                    {found.hits.into_iter().map(|h| view! {
                        <tr class:new-lead=h.status == ContactStatus::NewLead data-contact-id=h.contact_id>
                            <td><A href=customer_url(h.contact_id)>{h.name}</A></td>
                            <td><StatusBadge status=h.status/></td>
                            <td>{h.policy_numbers.join(", ")}</td>
                            <td>{h.mobile.as_deref().map(phone_display).unwrap_or_else(|| "—".into())}</td>
                            <td class="wrap">{h.email.unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager label="Result pages" current pages more=capped go=move |to| go(to)/>
    }
    .into_any()
}
