//! The report's table: one row per contact update, with its selection box and its actions.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::components::A;

use super::wasm_ready::{ready, waiting};
use crate::domain::{contact_update::UpdateStatus, report::ReportRow, url::customer_url};

#[component]
pub fn ReportTable(
    rows: Vec<ReportRow>,
    selected: RwSignal<BTreeSet<i64>>,
    all_matching: RwSignal<bool>,
    page_all_selected: Signal<bool>,
    toggle_page: Callback<bool>,
    on_reject: Callback<(i64, String)>,
    on_sync_one: Callback<i64>,
) -> impl IntoView {
    let ready = ready();
    if rows.is_empty() {
        return view! { <p class="muted">"No contact update matches this filter."</p> }.into_any();
    }
    view! {
        <div class="table-wrap card">
            <table class="table report">
                <caption class="visually-hidden">"Contact updates, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">
                            <input type="checkbox" id="select-page" aria-label="Select the pending updates on this page"
                                data-needs-wasm="" aria-disabled=waiting(ready)
                                prop:checked=move || page_all_selected.get()
                                on:change=move |ev| toggle_page.run(event_target_checked(&ev))/>
                        </th>
                        <th scope="col">"Policy / customer"</th>
                        <th scope="col">"Mobile"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Reason"</th>
                        <th scope="col">"Agent / captured"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <Row r selected all_matching on_reject on_sync_one ready/>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn Row(
    r: ReportRow,
    selected: RwSignal<BTreeSet<i64>>,
    all_matching: RwSignal<bool>,
    on_reject: Callback<(i64, String)>,
    on_sync_one: Callback<i64>,
    ready: ReadSignal<bool>,
) -> impl IntoView {
    let id = r.id;
    let pending = r.status == UpdateStatus::Pending;
    let change = |old: Option<String>, new: Option<String>| match new {
        Some(new) => view! {
            <span class="old">{old.unwrap_or_else(|| "—".into())}</span>
            " → "
            <strong class="new">{new}</strong>
        }
        .into_any(),
        None => view! { <span class="muted">"unchanged"</span> }.into_any(),
    };
    let customer = r.customer_name.clone();
    let select_label = format!("Select the update of {}", r.customer_name);
    view! {
        <tr data-update-id=id data-status=r.status.as_str()>
            <td>
                {pending.then(|| view! {
                    <input type="checkbox" aria-label=select_label data-needs-wasm="" aria-disabled=waiting(ready)
                        prop:checked=move || all_matching.get() || selected.with(|s| s.contains(&id))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            all_matching.set(false);
                            selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                        }/>
                })}
            </td>
            <td>
                <span class="policy">{r.policy_number.clone().unwrap_or_else(|| "—".into())}</span>
                <br/>
                <A href=customer_url(r.contact_id)>{r.customer_name.clone()}</A>
                {r.customer_id.is_none().then(|| view! { <span class="pill lead">"New lead"</span> })}
            </td>
            <td>{change(r.old_mobile, r.new_mobile)}</td>
            <td class="wrap">{change(r.old_email, r.new_email)}</td>
            <td>
                {r.reason}
                {r.notes.map(|n| view! { <br/><span class="muted notes">{n}</span> })}
            </td>
            <td>{r.agent_name}<br/><time class="muted">{r.captured_at}</time></td>
            <td>
                <span class=format!("pill status-{}", r.status.as_str())>{r.status.label()}</span>
                {r.decided_at.map(|at| view! {
                    <br/><span class="muted">{format!("{at} by {}", r.decided_by.unwrap_or_default())}</span>
                })}
                {r.reject_reason.map(|why| view! { <br/><span class="muted">{format!("Why: {why}")}</span> })}
            </td>
            <td class="actions">
                {pending.then(|| view! {
                    <button type="button" class="btn small" data-needs-wasm="" aria-disabled=waiting(ready) on:click=move |_| on_sync_one.run(id)>
                        "Sync" <span class="visually-hidden">{format!(" update {id}")}</span>
                    </button>
                    <button type="button" class="btn small danger" data-needs-wasm="" aria-disabled=waiting(ready)
                        on:click=move |_| on_reject.run((id, customer.clone()))>
                        "Reject" <span class="visually-hidden">{format!(" update {id}")}</span>
                    </button>
                })}
            </td>
        </tr>
    }
}
