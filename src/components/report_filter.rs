//! The report's filter form: submitting it navigates to the filter's URL (the server reads the
//! same parameters), and without JavaScript it is a plain GET form to the same address.

use leptos::{prelude::*, wasm_bindgen::JsCast};
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};

use crate::domain::{
    contact_update::UpdateStatus,
    report::{Leads, PAGE_SIZES, ReportFilter, report_url},
};

#[component]
pub fn FilterForm(filter: ReportFilter, agents: Vec<(i64, String)>, size: i64) -> impl IntoView {
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
            return;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
        let get = |k: &str| data.get(k).as_string();
        match ReportFilter::from_params(get) {
            Ok(f) => {
                error.set(None);
                let size = get("size").and_then(|s| s.parse().ok()).unwrap_or(size);
                navigate(&report_url(&f, 1, size), NavigateOptions::default());
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let status = filter.status;
    let leads = filter.leads();
    let agent = filter.agent_id;
    view! {
        <form class="card filter-form" role="search" aria-label="Filter contact updates"
            method="get" action="/admin/contact-updates" on:submit=on_submit>
            <div class="field">
                <label for="f-status">"Status"</label>
                <select id="f-status" name="status">
                    <option value="" selected=status.is_none()>"All"</option>
                    {UpdateStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=status == Some(s)>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-agent">"Agent"</label>
                <select id="f-agent" name="agent_id">
                    <option value="" selected=agent.is_none()>"All agents"</option>
                    {agents.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=agent == Some(id)>{name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-from">"From"</label>
                <input id="f-from" name="from_date" type="date"
                    value=filter.from_date.map(|d| d.to_string()).unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="f-to">"To (inclusive)"</label>
                <input id="f-to" name="to_date" type="date"
                    value=filter.to_date.map(|d| d.to_string()).unwrap_or_default()/>
            </div>
            <div class="field grow">
                <label for="f-q">"Policy number or customer name"</label>
                <input id="f-q" name="q" type="search" value=filter.q.clone() maxlength="100"/>
            </div>
            <div class="field">
                <label for="f-leads">"New leads"</label>
                <select id="f-leads" name="leads">
                    // The default first and without a value: one filter, one URL.
                    <option value="" selected=leads == Leads::DEFAULT>"Left out (master customers only)"</option>
                    <option value=Leads::Include.as_str() selected=leads == Leads::Include>"Included"</option>
                    <option value=Leads::Only.as_str() selected=leads == Leads::Only>"New leads only"</option>
                </select>
            </div>
            <div class="field">
                <label for="f-size">"Rows per page"</label>
                <select id="f-size" name="size">
                    {PAGE_SIZES.into_iter().map(|n| view! {
                        <option value=n.to_string() selected=n == size>{n.to_string()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="btn primary">"Apply filters"</button>
                <A href="/admin/contact-updates">"Clear"</A>
            </div>
            {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
        </form>
    }
}
