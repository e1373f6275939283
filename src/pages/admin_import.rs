use leptos::{
    prelude::*,
    server::ServerActionError,
    server_fn::{ServerFn, error::ServerFnUrlError},
    wasm_bindgen::JsCast,
};
use leptos_meta::Title;

use crate::{
    api::import::{ImportCustomers, import_customers},
    components::kept_form::kept_output,
    domain::import::{IMPORT_COLUMNS, ImportReport},
    error::AppError,
};

/// Admin → Import: upload the master system's CSV export; see what was inserted, updated,
/// left unchanged and rejected (with line, column and reason).
#[component]
pub fn AdminImportPage() -> impl IntoView {
    let upload = Action::new_local(|data: &web_sys::FormData| import_customers(data.clone().into()));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
            return;
        };
        if let Ok(data) = web_sys::FormData::new_with_form(&form) {
            upload.dispatch_local(data);
        }
    };
    let pending = upload.pending();
    // Posted without the WASM: the page it comes back to shows the report (from a cookie) or
    // the refusal (from the URL, where leptos puts it), as the hydrated page shows its action's.
    let refused = use_context::<ServerActionError>()
        .filter(|e| e.path() == ImportCustomers::PATH)
        .map(|e| Err(ServerFnUrlError::<AppError>::decode_err(e.err())));
    let posted = kept_output::<ImportCustomers, ImportReport>().map(Ok).or(refused);
    let result = move || upload.value().get().or_else(|| posted.clone());
    view! {
        <Title text="Import customers"/>
        <h1>"Import customers"</h1>
        <section class="card form-card" aria-labelledby="import-title">
            <h2 id="import-title">"Master-data CSV"</h2>
            <p>
                "Upload the export of the master system. Columns: " <code>{IMPORT_COLUMNS.join(",")}</code>
                ". One line per policy; a customer with several policies has several lines. "
                <a href="/samples/master-export-sample.csv" download>"Download a sample file"</a> "."
            </p>
            <p class="hint">
                "Re-importing updates names, master contact data, amounts and statuses. Contact details captured by agents are kept."
            </p>
            <form method="post" enctype="multipart/form-data" action=ImportCustomers::PATH on:submit=on_submit>
                <div class="field">
                    <label for="import-file">"CSV file"</label>
                    <input id="import-file" name="file" type="file" accept=".csv,text/csv" required/>
                </div>
                <button type="submit" class="btn primary" disabled=pending>
                    {move || if pending.get() { "Importing…" } else { "Import" }}
                </button>
            </form>
        </section>
        {move || result().map(|result| match result {
            Ok(report) => view! { <Report report/> }.into_any(),
            Err(e) => view! { <ImportError e/> }.into_any(),
        })}
    }
}

#[component]
fn ImportError(e: AppError) -> impl IntoView {
    let message = e.field_message("file").unwrap_or_else(|| e.to_string());
    view! { <p class="alert error" role="alert">{message}</p> }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let more = report.rejected.saturating_sub(report.rejected_lines.len() as u64);
    view! {
        <section class="import-report" aria-labelledby="report-title">
            <h2 id="report-title">"Result"</h2>
            <p role="status">{format!("Import finished: {}.", report.summary())}</p>
            <div class="stat-grid">
                <Count label="Inserted" value=report.inserted/>
                <Count label="Updated" value=report.updated/>
                <Count label="Unchanged" value=report.unchanged/>
                <Count label="Rejected" value=report.rejected/>
            </div>
            {(!report.rejected_lines.is_empty()).then(|| view! {
                <div class="table-wrap card">
                    <table class="table">
                        <caption class="visually-hidden">"Rejected lines"</caption>
                        <thead><tr><th scope="col">"Line"</th><th scope="col">"Column"</th><th scope="col">"Reason"</th></tr></thead>
                        <tbody>
                            {report.rejected_lines.into_iter().map(|r| view! {
                                <tr><td>{r.line}</td><td><code>{r.column}</code></td><td>{r.reason}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {(more > 0).then(|| view! { <p class="muted">{format!("… and {more} more rejected lines.")}</p> })}
        </section>
    }
}

#[component]
fn Count(label: &'static str, value: u64) -> impl IntoView {
    view! {
        <section class="stat card" aria-label=label>
            <p class="stat-label">{label}</p>
            <p class="stat-value">{value}</p>
        </section>
    }
}
