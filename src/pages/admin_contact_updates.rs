use std::collections::BTreeSet;

use leptos::{prelude::*, wasm_bindgen::JsCast};
use leptos_meta::Title;
use leptos_router::{
    NavigateOptions,
    hooks::{use_location, use_navigate},
};

use crate::{
    api::report::{create_export, load_report, reject_update, sync_export, sync_matching, sync_updates},
    components::{
        confirm_dialog::ConfirmDialog,
        page_data::page_data,
        pager::Pager,
        report_exports::Exports,
        report_filter::FilterForm,
        report_table::ReportTable,
        wasm_ready::{ready, waiting},
    },
    domain::{
        contact_update::UpdateStatus,
        page_count,
        report::{ExportFormat, Leads, REJECT_REASON_MAX, ReportFilter, ReportPage, report_url},
    },
    error::AppError,
};

/// Admin → Contact Updates: every correction agents captured, filtered (the filter lives in the
/// URL, so a view can be bookmarked and Back works), paged on the server, and marked synced with
/// the master system one, many or all matching at a time, or rejected with a reason.
#[component]
pub fn AdminContactUpdatesPage() -> impl IntoView {
    let search = use_location().search;
    // Bumped after every sync or rejection: the page reads the report again.
    let version = RwSignal::new(0_u32);
    // What the last action did; it outlives the reload it causes, not a change of filter.
    let done = RwSignal::new(None::<String>);
    Effect::watch(move || search.get(), move |_, _, _| done.set(None), false);
    view! {
        <Title text="Contact Updates"/>
        <h1>"Contact Updates"</h1>
        {page_data(
            "Loading contact updates…",
            move || (search.get(), version.get()),
            |(query, _)| load_report(query),
            move |page| view! { <Report page version done/> },
        )}
    }
}

/// The filter of the current URL (what the server also read).
fn current_filter() -> ReportFilter {
    let query = leptos_router::hooks::use_query_map().get_untracked();
    ReportFilter::from_params(|k| query.get(k)).unwrap_or_default()
}

/// What the confirmation dialog is about.
#[derive(Clone, Debug, PartialEq)]
enum Pending {
    Sync { ids: Vec<i64> },
    SyncAll { total: i64 },
    Reject { id: i64, customer: String },
    SyncExport { id: i64, rows: i64 },
}

#[component]
fn Report(page: ReportPage, version: RwSignal<u32>, done: RwSignal<Option<String>>) -> impl IntoView {
    let ready = ready();
    let filter = current_filter();
    let size = page.paging.limit;
    let current = page.paging.page_number();
    let pages = page_count(page.total, size);
    let total = page.total;
    let as_of = page.as_of;
    let page_ids: Vec<i64> =
        page.rows.iter().filter(|r| r.status == UpdateStatus::Pending).map(|r| r.id).collect();

    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let all_matching = RwSignal::new(false);
    let asking = RwSignal::new(None::<Pending>);
    let busy = RwSignal::new(false);
    let dialog_error = RwSignal::new(None::<String>);

    let navigate = use_navigate();
    let go = {
        let filter = filter.clone();
        move |to: i64| {
            navigate(&report_url(&filter, to, size), NavigateOptions::default());
        }
    };

    let page_all_selected = {
        let ids = page_ids.clone();
        move || !ids.is_empty() && selected.with(|s| ids.iter().all(|id| s.contains(id)))
    };
    let toggle_page = {
        let ids = page_ids.clone();
        move |on: bool| {
            all_matching.set(false);
            selected.update(|s| {
                for id in &ids {
                    if on {
                        s.insert(*id);
                    } else {
                        s.remove(id);
                    }
                }
            });
        }
    };
    let count_label = move || {
        if all_matching.get() {
            format!("all {total} matching")
        } else {
            selected.with(|s| s.len()).to_string()
        }
    };
    let ask_sync = move |_| {
        dialog_error.set(None);
        if all_matching.get_untracked() {
            asking.set(Some(Pending::SyncAll { total }));
        } else {
            asking.set(Some(Pending::Sync { ids: selected.get_untracked().into_iter().collect() }));
        }
    };
    let finish = move |result: Result<String, AppError>| {
        busy.set(false);
        match result {
            Ok(message) => {
                asking.set(None);
                done.set(Some(message));
                selected.set(BTreeSet::new());
                all_matching.set(false);
                version.update(|v| *v += 1);
                // The button that opened the dialog is redrawn: keep focus in the page.
                if let Some(main) = document().get_element_by_id("main")
                    && let Ok(main) = main.dyn_into::<web_sys::HtmlElement>()
                {
                    let _ = main.focus();
                }
            }
            Err(e) => dialog_error.set(Some(e.to_string())),
        }
    };
    let confirm = move |data: web_sys::FormData| {
        let Some(what) = asking.get_untracked() else { return };
        busy.set(true);
        let query = use_location().search.get_untracked();
        leptos::task::spawn_local(async move {
            let result = match what {
                Pending::Sync { ids } => sync_updates(ids).await.map(|o| o.message()),
                Pending::SyncAll { .. } => sync_matching(query, as_of).await.map(|o| o.message()),
                Pending::SyncExport { id, .. } => {
                    sync_export(id).await.map(|o| format!("Export {id}: {}", o.message()))
                }
                Pending::Reject { id, .. } => {
                    let reason = data.get("reason").as_string().unwrap_or_default();
                    reject_update(id, reason).await.map(|()| format!("Update {id} rejected."))
                }
            };
            finish(result);
        });
    };
    let on_reject = Callback::new(move |(id, customer): (i64, String)| {
        dialog_error.set(None);
        asking.set(Some(Pending::Reject { id, customer }));
    });
    let on_sync_one = Callback::new(move |id: i64| {
        dialog_error.set(None);
        asking.set(Some(Pending::Sync { ids: vec![id] }));
    });
    let on_sync_export = Callback::new(move |(id, rows): (i64, i64)| {
        dialog_error.set(None);
        asking.set(Some(Pending::SyncExport { id, rows }));
    });
    // Exporting writes the whole filtered set on the server first (it can take seconds for a
    // large set): the button says so, then the browser downloads the finished file.
    let exporting = RwSignal::new(None::<ExportFormat>);
    let export_error = RwSignal::new(None::<String>);
    let start_export = move |format: ExportFormat| {
        if exporting.get_untracked().is_some() {
            return;
        }
        exporting.set(Some(format));
        export_error.set(None);
        let query = use_location().search.get_untracked();
        leptos::task::spawn_local(async move {
            match create_export(query, format).await {
                Ok(summary) => {
                    done.set(Some(format!(
                        "Export {} is ready: {} row{} ({}). Your download starts now.",
                        summary.id,
                        summary.rows,
                        if summary.rows == 1 { "" } else { "s" },
                        format.label()
                    )));
                    let _ = window().location().set_href(&summary.download_url());
                    version.update(|v| *v += 1);
                }
                Err(e) => export_error.set(Some(e.to_string())),
            }
            exporting.set(None);
        });
    };
    let export_button = move |format: ExportFormat| {
        view! {
            <button type="button" class="btn" data-testid=format!("export-{}", format.as_str()) data-needs-wasm="" aria-disabled=waiting(ready)
                disabled=move || exporting.get().is_some()
                on:click=move |_| start_export(format)>
                {move || if exporting.get() == Some(format) {
                    format!("Preparing {} export of {total} rows…", format.label())
                } else {
                    format!("Export {}", format.label())
                }}
            </button>
        }
    };

    view! {
        <FilterForm filter=filter.clone() agents=page.agents.clone() size/>
        {move || done.get().map(|m| view! { <p class="alert success" role="status">{m}</p> })}
        <div class="report-bar">
            <p class="muted" role="status" data-testid="report-total">
                {format!(
                    "{total} update{} match{}{}",
                    if total == 1 { "" } else { "s" },
                    if total == 1 { "es" } else { "" },
                    // The default, said where the count is: "all matching", the export and its
                    // sync take exactly these rows.
                    match filter.leads() {
                        Leads::Exclude => " (new leads left out)",
                        Leads::Only => " (new leads only)",
                        Leads::Include => " (new leads included)",
                    },
                )}
            </p>
            <span class="report-actions">
            {export_button(ExportFormat::Csv)}
            {export_button(ExportFormat::Xlsx)}
            <button type="button" class="btn primary" data-testid="sync-selected" data-needs-wasm="" aria-disabled=waiting(ready)
                disabled=move || !all_matching.get() && selected.with(|s| s.is_empty())
                on:click=ask_sync>
                {move || format!("Mark as synced ({})", count_label())}
            </button>
            </span>
        </div>
        {move || export_error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
        {
            let page_all_selected = page_all_selected.clone();
            move || (page_all_selected() && total > page_ids.len() as i64).then(|| {
                view! {
                    <p class="alert info select-all">
                        {move || if all_matching.get() {
                            view! {
                                <span>{format!("All {total} updates matching this filter are selected. ")}</span>
                                <button type="button" class="btn link" on:click=move |_| all_matching.set(false)>
                                    "Select only this page"
                                </button>
                            }.into_any()
                        } else {
                            view! {
                                <span>"The pending updates on this page are selected. "</span>
                                <button type="button" class="btn link" data-testid="select-all-matching"
                                    on:click=move |_| all_matching.set(true)>
                                    {format!("Select all {total} matching this filter")}
                                </button>
                            }.into_any()
                        }}
                    </p>
                }
            })
        }
        <ReportTable rows=page.rows selected all_matching page_all_selected=Signal::derive(page_all_selected)
            toggle_page=Callback::new(toggle_page) on_reject on_sync_one/>
        <Pager label="Report pages" current pages go=go/>
        <Exports exports=page.exports on_sync=on_sync_export/>
        {move || asking.get().map(|what| {
            let (title, label, body) = match &what {
                Pending::Sync { ids } => (
                    format!("Mark {} update{} as synced?", ids.len(), if ids.len() == 1 { "" } else { "s" }),
                    "Mark as synced",
                    view! {
                        <p>{format!(
                            "{} update{} will be marked as synced with the master system, by you, now. \
                             Updates already synced or rejected are left as they are.",
                            ids.len(), if ids.len() == 1 { "" } else { "s" })}</p>
                    }.into_any(),
                ),
                Pending::SyncAll { total } => (
                    format!("Mark all {total} matching updates as synced?"),
                    "Mark all as synced",
                    view! {
                        <p>{format!(
                            "Every pending update of the {total} matching this filter will be marked as synced. \
                             Updates captured after this page was loaded are not included."
                        )}</p>
                    }.into_any(),
                ),
                Pending::SyncExport { id, rows } => (
                    format!("Mark export {id} as synced?"),
                    "Mark export as synced",
                    view! {
                        <p>{format!(
                            "The {rows} update{} of export {id} will be marked as synced, and no other: \
                             updates captured after the export are not included. \
                             Those already synced or rejected are left as they are.",
                            if *rows == 1 { "" } else { "s" })}</p>
                    }.into_any(),
                ),
                Pending::Reject { id, customer } => (
                    format!("Reject the update of {customer}?"),
                    "Reject update",
                    view! {
                        <p>{format!(
                            "Update {id} will no longer be the customer's contact details: the previous values apply again."
                        )}</p>
                        <div class="field">
                            <label for="reject-reason">"Reason for rejecting (required)"</label>
                            <textarea id="reject-reason" name="reason" rows="3" required
                                maxlength=REJECT_REASON_MAX.to_string()></textarea>
                        </div>
                    }.into_any(),
                ),
            };
            view! {
                <ConfirmDialog id="report-confirm" title confirm_label=label busy error=dialog_error
                    on_confirm=confirm on_close=move |()| asking.set(None)>
                    {body}
                </ConfirmDialog>
            }
        })}
    }
}
