use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    NavigateOptions,
    hooks::{use_location, use_navigate, use_query_map},
};

use crate::{
    api::calls::load_calls,
    components::{call_table::CallTable, page_data::page_data, pager::Pager},
    domain::{
        call::{CallFilter, CallPage, calls_url},
        url::encode_component,
    },
};

/// Call Logs: every recording the phones uploaded, newest first. The filter lives in the URL
/// (bookmarks and Back work) and is parsed on the server, which reports a bad one by name.
#[component]
pub fn CallLogsPage() -> impl IntoView {
    let location = use_location();
    let query = move || location.search.get();
    view! {
        <Title text="Call Logs"/>
        <h1>"Call Logs"</h1>
        {page_data("Loading calls…", query, load_calls, |page| view! { <Calls page/> })}
    }
}

#[component]
fn Calls(page: CallPage) -> impl IntoView {
    let navigate = use_navigate();
    let params = use_query_map();
    // The page only renders what the server accepted, so the filter parses here too.
    let filter = CallFilter::from_params(|k| params.read_untracked().get(k)).unwrap_or_default();
    let (pages, current, total) = (page.pages(), page.page, page.total);
    let go = {
        let navigate = navigate.clone();
        let filter = filter.clone();
        move |to: i64| navigate(&calls_url(&filter, to), NavigateOptions::default())
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        use leptos::wasm_bindgen::JsCast;
        ev.prevent_default();
        let form = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
        let Some(data) = form.and_then(|f| web_sys::FormData::new_with_form(&f).ok()) else { return };
        let get = |k: &str| data.get(k).as_string();
        match CallFilter::from_params(get) {
            Ok(f) => navigate(&calls_url(&f, 1), NavigateOptions::default()),
            // The server names the problem when the URL reaches it.
            Err(_) => {
                let raw: Vec<String> = ["contact_id", "phone", "direction", "agent_id", "from", "to"]
                    .into_iter()
                    .filter_map(|k| data.get(k).as_string().filter(|v| !v.is_empty()).map(|v| (k, v)))
                    .map(|(k, v)| format!("{k}={}", encode_component(&v)))
                    .collect();
                navigate(&format!("/calls?{}", raw.join("&")), NavigateOptions::default());
            }
        }
    };
    let direction = filter.direction.map(|d| d.as_str()).unwrap_or_default();
    view! {
        <form class="card filter-form" on:submit=on_submit role="search" aria-label="Filter calls">
            <div class="field">
                <label for="calls-phone">"Phone"</label>
                <input id="calls-phone" name="phone" type="search" value=filter.phone.clone() maxlength="40"
                    autocomplete="off" inputmode="tel"/>
            </div>
            <div class="field">
                <label for="calls-direction">"Direction"</label>
                <select id="calls-direction" name="direction">
                    <option value="" selected=direction.is_empty()>"Both"</option>
                    <option value="inbound" selected=direction == "inbound">"Inbound"</option>
                    <option value="outbound" selected=direction == "outbound">"Outbound"</option>
                </select>
            </div>
            <div class="field">
                <label for="calls-agent">"Agent"</label>
                <select id="calls-agent" name="agent_id">
                    <option value="" selected=filter.agent_id.is_none()>"Everyone"</option>
                    {page.agents.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=filter.agent_id == Some(*id)>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="calls-from">"From"</label>
                <input id="calls-from" name="from" type="date" value=filter.from_date.map(|d| d.to_string())/>
            </div>
            <div class="field">
                <label for="calls-to">"To"</label>
                <input id="calls-to" name="to" type="date" value=filter.to_date.map(|d| d.to_string())/>
            </div>
            {filter.contact_id.map(|id| view! { <input type="hidden" name="contact_id" value=id.to_string()/> })}
            <button type="submit" class="btn primary">"Filter"</button>
        </form>
        <p class="muted" role="status">{format!("{total} call{}", if total == 1 { "" } else { "s" })}</p>
        {if page.calls.is_empty() {
            view! { <p class="empty">"No calls match."</p> }.into_any()
        } else {
            view! { <CallTable calls=page.calls caption="Recorded calls, newest first"/> }.into_any()
        }}
        <Pager label="Call pages" current pages go/>
    }
}
