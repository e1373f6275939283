//! The customer search box in the header of every signed-in page.
//!
//! Typing shows the matches on the Contacts page (the query lives in the URL, so Back and
//! bookmarks work); Enter opens the first match. Enter asks the server itself rather than
//! reading the list on screen, so an agent who types a number and presses Enter at once lands on
//! the customer even while the list is still loading.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_location, use_navigate, use_query_map},
};

use super::shortcuts::on_key;
use crate::{
    api::customers::search_customers,
    domain::url::{contacts_url, customer_url},
};

const LIST_PATH: &str = "/contacts";

/// Moves focus from the box to the page's content, as a full page load would.
fn focus_main() {
    use leptos::wasm_bindgen::JsCast;

    if let Some(main) =
        document().get_element_by_id("main").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
    }
}

#[component]
pub fn CustomerSearch() -> impl IntoView {
    let input_ref = NodeRef::<leptos::html::Input>::new();
    // `/` anywhere puts the agent in the search, as in most web apps.
    on_key("/", move || {
        if let Some(input) = input_ref.get_untracked() {
            let _ = input.focus();
            input.select();
        }
    });
    let location = use_location();
    let query = use_query_map();
    let navigate = use_navigate();
    let on_list = move || location.pathname.with(|p| p == LIST_PATH);
    let url_query = move || if on_list() { query.read().get("q").unwrap_or_default() } else { String::new() };
    let text = RwSignal::new(url_query());
    // Back and Forward on the Customers page bring their query back into the box; while the
    // agent types, the box is the source of the URL, never the other way round.
    Effect::new(move |_| {
        let q = url_query();
        let typing = input_ref.get_untracked().is_some_and(|input| {
            document().active_element().is_some_and(|active| input.is_same_node(Some(&active)))
        });
        if on_list() && !typing {
            text.set(q);
        }
    });

    let show_list = {
        let navigate = navigate.clone();
        move |q: String| {
            let replace = on_list();
            navigate(
                &contacts_url(&q, None, 1),
                NavigateOptions { replace, scroll: false, ..Default::default() },
            );
        }
    };
    let on_input = {
        let show_list = show_list.clone();
        move |ev| {
            let value = event_target_value(&ev);
            text.set(value.clone());
            show_list(value);
        }
    };
    let open_first = move || {
        let q = text.get_untracked();
        if q.trim().is_empty() {
            return;
        }
        let navigate = navigate.clone();
        let show_list = show_list.clone();
        leptos::task::spawn_local(async move {
            match search_customers(q.clone(), 1, None)
                .await
                .ok()
                .and_then(|page| page.hits.into_iter().next())
            {
                Some(hit) => {
                    navigate(&customer_url(hit.contact_id), NavigateOptions::default());
                    // The agent is on the customer now: page keys (`u`) work at once.
                    focus_main();
                }
                // Nothing to open: the list says so.
                None => show_list(q),
            }
        });
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            open_first();
        }
        // `/` is the key that brings the agent here; a search never starts with it.
        "/" if text.with_untracked(String::is_empty) => ev.prevent_default(),
        _ => {}
    };

    view! {
        <form class="topbar-search" role="search" action=LIST_PATH method="get"
            on:submit=move |ev| ev.prevent_default()>
            <label for="customer-search" class="visually-hidden">"Search contacts"</label>
            <input id="customer-search" name="q" type="search" node_ref=input_ref autocomplete="off"
                placeholder="Find a contact: name, policy, phone or email" maxlength="100"
                aria-keyshortcuts="/" aria-describedby="search-help"
                prop:value=move || text.get() on:input=on_input on:keydown=on_keydown/>
            <span id="search-help" class="visually-hidden">
                "Press slash to come here from anywhere. Phone numbers in any form. Enter opens the first result."
            </span>
        </form>
    }
}
