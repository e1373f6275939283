//! The report's latest exports.

use leptos::prelude::*;

use crate::domain::report::ExportSummary;

/// The latest exports: download again, or mark exactly an export's rows as synced once the
/// master system has taken them.
#[component]
pub fn Exports(exports: Vec<ExportSummary>, on_sync: Callback<(i64, i64)>) -> impl IntoView {
    if exports.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card exports" aria-labelledby="exports-title">
            <h2 id="exports-title">"Latest exports"</h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Export"</th>
                        <th scope="col">"Made"</th>
                        <th scope="col">"Filter"</th>
                        <th scope="col">"Rows"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {exports.into_iter().map(|x| {
                        let (id, rows) = (x.id, x.rows);
                        view! {
                            <tr data-export-id=id>
                                <td>{format!("#{id} ({})", x.format.label())}</td>
                                <td>{format!("{} by {}", x.created_at, x.created_by)}</td>
                                <td class="wrap">{if x.filter.is_empty() { "All".to_owned() } else { x.filter.clone() }}</td>
                                <td>{rows}</td>
                                <td class="actions">
                                    <a class="btn small" href=x.download_url() download rel="external">
                                        "Download" <span class="visually-hidden">{format!(" export {id}")}</span>
                                    </a>
                                    <button type="button" class="btn small" on:click=move |_| on_sync.run((id, rows))>
                                        "Mark synced" <span class="visually-hidden">{format!(" export {id}")}</span>
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}
