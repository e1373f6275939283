//! Exports of the contact-update report for the master-system sync, and syncing exactly what an
//! export contained.
//!
//! An export first records its set of updates (one `INSERT … SELECT` inside SQLite), then writes
//! the file from that set in chunks of rows, so memory stays flat whatever the size, and only a
//! complete file is ever served: a failure half-way is an error, never a truncated download
//! that looks whole. Files live under `data_dir/exports` for a day, so the page can hand the
//! download to the browser and an admin can fetch an export again.

use std::{
    borrow::Cow,
    io::Write,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use super::{
    AppState,
    auth::Admin,
    db::{Db, contact_updates::ContactUpdateRow, exports::ExportRow},
    report::resolve,
    time,
};
use crate::{
    domain::{
        phone,
        report::{ExportFormat, ExportSummary, ReportFilter, SyncOutcome, query_string},
    },
    error::AppError,
};

/// Rows read from the database at a time while writing a file (a few MB in memory).
const CHUNK: i64 = 10_000;
/// How long an export's file stays available for download.
const KEEP_FILES: Duration = Duration::from_secs(24 * 3600);
/// Excel's last row is 1,048,576; one is the header.
const XLSX_MAX_ROWS: i64 = 1_048_575;

/// Every field of the seed's `customer_contact_updates` table, plus the rejection's. Mobiles
/// are in the master system's form (`phone::master_form`: `58123456`), each with its E.164 beside.
pub const EXPORT_COLUMNS: [&str; 21] = [
    "id",
    "customer_id",
    "policy_number",
    "customer_name",
    "old_mobile",
    "new_mobile",
    "old_mobile_e164",
    "new_mobile_e164",
    "old_email",
    "new_email",
    "update_reason",
    "notes",
    "agent_id",
    "agent_name",
    "captured_at",
    "status",
    "synced_at",
    "synced_by",
    "rejected_at",
    "rejected_by",
    "reject_reason",
];

/// A cell of an export: numbers stay numbers in Excel; everything else is text. Borrowed from
/// the row where it can be: a million rows make every copy count.
#[derive(Debug, Clone, PartialEq)]
enum Cell<'a> {
    Int(i64),
    Text(Cow<'a, str>),
    Empty,
}

fn cells(u: &ContactUpdateRow) -> [Cell<'_>; 21] {
    fn text(s: &Option<String>) -> Cell<'_> {
        s.as_deref().map_or(Cell::Empty, |s| Cell::Text(Cow::Borrowed(s)))
    }
    let master = |s: &Option<String>| {
        s.as_deref().map_or(Cell::Empty, |s| Cell::Text(Cow::Owned(phone::master_form(s))))
    };
    let int = |n: Option<i64>| n.map_or(Cell::Empty, Cell::Int);
    let when = |ms: Option<i64>| ms.map_or(Cell::Empty, |ms| Cell::Text(Cow::Owned(time::local_iso(ms))));
    [
        Cell::Int(u.id),
        text(&u.customer_id),
        text(&u.policy_number),
        Cell::Text(Cow::Borrowed(&u.customer_name)),
        master(&u.old_mobile),
        master(&u.new_mobile),
        text(&u.old_mobile),
        text(&u.new_mobile),
        text(&u.old_email),
        text(&u.new_email),
        Cell::Text(Cow::Borrowed(&u.update_reason)),
        text(&u.notes),
        Cell::Int(u.agent_id),
        Cell::Text(Cow::Borrowed(&u.agent_name)),
        when(Some(u.captured_at)),
        Cell::Text(Cow::Borrowed(u.status.as_str())),
        when(u.synced_at),
        int(u.synced_by),
        when(u.rejected_at),
        int(u.rejected_by),
        text(&u.reject_reason),
    ]
}

/// A CSV cell a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab or carriage
/// return, at its start or after any `;`) gets an apostrophe there, which spreadsheets show as
/// text and never run. A phone number in E.164 (`+` and digits only) is left intact: digits
/// cannot run anything.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    // Excel in locales whose list separator is `;` (French, common in Mauritius) splits a CSV
    // line on `;` as well: every `;`-separated part is a cell that could start a formula.
    let risky = |part: &str| {
        let e164 = part.len() > 1 && part.starts_with('+') && part[1..].bytes().all(|b| b.is_ascii_digit());
        matches!(part.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')) && !e164
    };
    if !s.split(';').any(risky) {
        return Cow::Borrowed(s);
    }
    let parts: Vec<Cow<'_, str>> =
        s.split(';').map(|p| if risky(p) { Cow::Owned(format!("'{p}")) } else { Cow::Borrowed(p) }).collect();
    Cow::Owned(parts.join(";"))
}

/// Where export files live.
fn export_dir(state: &AppState) -> PathBuf {
    state.config.storage.data_dir.join("exports")
}

fn file_path(state: &AppState, id: i64, format: ExportFormat) -> PathBuf {
    export_dir(state).join(format!("contact-updates-{id}.{}", format.as_str()))
}

/// The file name the browser saves.
pub fn file_name(id: i64, format: ExportFormat) -> String {
    format!("contact-updates-{id}.{}", format.as_str())
}

fn summary(row: ExportRow) -> ExportSummary {
    ExportSummary {
        id: row.id,
        format: row.format,
        rows: row.row_count,
        created_at: time::display(row.created_at),
        created_by: row.actor_name,
        filter: row.filter,
    }
}

/// Records and writes an export of every update matching `filter` now: the same rows the report
/// lists and counts for it (new leads only when the filter asks: `Leads::DEFAULT`).
pub async fn create(
    state: &AppState,
    admin: &Admin,
    filter: &ReportFilter,
    format: ExportFormat,
) -> Result<ExportSummary, AppError> {
    let mut query = resolve(filter);
    query.up_to_id = Some(state.db.max_update_id().await?);
    if format == ExportFormat::Xlsx {
        let rows = state.db.count_updates(&query).await?;
        if rows > XLSX_MAX_ROWS {
            return Err(AppError::invalid(
                "format",
                format!(
                    "{rows} rows do not fit in one Excel sheet (at most {XLSX_MAX_ROWS}): export CSV or narrow the filter."
                ),
            ));
        }
    }
    let dir = export_dir(state);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| super::error::internal("creating the export folder", e))?;
    remove_old_files(&dir).await;
    let filter_text = query_string(&filter.to_params());
    let (id, rows) = state.db.create_export(admin.id, format, &filter_text, &query, time::now_ms()).await?;
    let path = file_path(state, id, format);
    let (db, handle, tmp_dir) = (state.db.clone(), tokio::runtime::Handle::current(), dir.clone());
    let target = path.clone();
    tokio::task::spawn_blocking(move || write_file(&handle, &db, id, format, &tmp_dir, &target))
        .await
        .map_err(|e| super::error::internal("export task", e))??;
    // Only now may it be marked synced: its rows reached a file the admin can hand over.
    state.db.complete_export(id, time::now_ms()).await?;
    tracing::info!(export_id = id, rows, format = format.as_str(), admin = admin.id, "export written");
    let row = state.db.export_by_id(id).await?.ok_or(AppError::Internal)?;
    Ok(summary(row))
}

/// The latest exports, newest first.
pub async fn recent(state: &AppState, _admin: &Admin, limit: i64) -> Result<Vec<ExportSummary>, AppError> {
    Ok(state.db.recent_exports(limit).await?.into_iter().map(summary).collect())
}

/// An export's file, opened for streaming.
pub struct ExportFile {
    pub file: tokio::fs::File,
    pub len: u64,
    pub summary: ExportSummary,
}

pub async fn open(state: &AppState, _admin: &Admin, id: i64) -> Result<ExportFile, AppError> {
    let row = complete(state.db.export_by_id(id).await?.ok_or_else(|| no_such_export(id))?)?;
    let path = file_path(state, id, row.format);
    let file = tokio::fs::File::open(&path).await.map_err(|_| {
        AppError::NotFound(format!(
            "The file of export {id} is no longer kept (a day at most): export again."
        ))
    })?;
    let len = file.metadata().await.map_err(|e| super::error::internal("reading an export file", e))?.len();
    Ok(ExportFile { file, len, summary: summary(row) })
}

fn no_such_export(id: i64) -> AppError {
    AppError::NotFound(format!("No export has id {id}."))
}

/// The export, if its file was completely written; otherwise 409 saying so.
fn complete(row: ExportRow) -> Result<ExportRow, AppError> {
    match row.completed_at {
        Some(_) => Ok(row),
        None => Err(AppError::Conflict(format!(
            "Export {} was never completely written (its file failed or is still being written): \
             nothing of it was marked synced. Export again.",
            row.id
        ))),
    }
}

/// Marks synced exactly the updates the export contained that are still pending, once its file
/// was completely written.
pub async fn sync(state: &AppState, admin: &Admin, id: i64) -> Result<SyncOutcome, AppError> {
    complete(state.db.export_by_id(id).await?.ok_or_else(|| no_such_export(id))?)?;
    let (rows, synced) = state.db.sync_export(id, admin.id, time::now_ms()).await?;
    super::dashboard::forget(state).await;
    Ok(SyncOutcome { synced_count: synced, skipped_count: rows - synced })
}

/// Writes the export's rows to `target` (through a temporary file in `tmp_dir`, renamed when
/// complete). Runs on a blocking thread; reads the database chunk by chunk through `handle`.
fn write_file(
    handle: &tokio::runtime::Handle,
    db: &Db,
    id: i64,
    format: ExportFormat,
    tmp_dir: &Path,
    target: &Path,
) -> Result<(), AppError> {
    let io = |e: std::io::Error| super::error::internal("writing an export", e);
    let tmp = tempfile::NamedTempFile::new_in(tmp_dir).map_err(io)?;
    // The next chunk is read while this one is written (SQLite's worker thread and this one
    // on two cores), until a chunk comes back empty.
    let fetch = |after: i64| {
        let db = db.clone();
        handle.spawn(async move { db.export_rows(id, after, CHUNK).await })
    };
    let mut pending = Some(fetch(0));
    let mut next_chunk = || -> Result<Vec<ContactUpdateRow>, AppError> {
        let Some(task) = pending.take() else { return Ok(Vec::new()) };
        let rows = handle.block_on(task).map_err(|e| super::error::internal("reading an export", e))??;
        if let Some(last) = rows.last() {
            pending = Some(fetch(last.id));
        }
        Ok(rows)
    };
    match format {
        ExportFormat::Csv => {
            let mut file = std::io::BufWriter::with_capacity(256 * 1024, tmp.as_file());
            // A byte-order mark, so Excel reads the file as UTF-8 (accents intact).
            file.write_all("\u{feff}".as_bytes()).map_err(io)?;
            let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(file);
            out.write_record(EXPORT_COLUMNS).map_err(|e| super::error::internal("writing an export", e))?;
            loop {
                let rows = next_chunk()?;
                if rows.is_empty() {
                    break;
                }
                let mut number = itoa_buffer();
                for r in &rows {
                    for cell in cells(r) {
                        let written = match &cell {
                            Cell::Int(n) => out.write_field(number.format(*n)),
                            Cell::Text(s) => out.write_field(neutralise(s).as_bytes()),
                            Cell::Empty => out.write_field(""),
                        };
                        written.map_err(|e| super::error::internal("writing an export", e))?;
                    }
                    out.write_record(None::<&[u8]>)
                        .map_err(|e| super::error::internal("writing an export", e))?;
                }
            }
            out.flush().map_err(io)?;
            out.into_inner()
                .map_err(|e| super::error::internal("writing an export", e))?
                .get_ref()
                .sync_all()
                .map_err(io)?;
        }
        ExportFormat::Xlsx => {
            let xlsx = |e: rust_xlsxwriter::XlsxError| super::error::internal("writing an Excel export", e);
            let mut workbook = rust_xlsxwriter::Workbook::new();
            workbook.set_tempdir(tmp_dir).map_err(xlsx)?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            let sheet = workbook.add_worksheet_with_constant_memory();
            sheet.set_name("Contact updates").map_err(xlsx)?;
            for (col, name) in EXPORT_COLUMNS.iter().enumerate() {
                sheet.write_string_with_format(0, col as u16, *name, &bold).map_err(xlsx)?;
            }
            let mut row_no: u32 = 0;
            loop {
                let rows = next_chunk()?;
                if rows.is_empty() {
                    break;
                }
                for r in &rows {
                    row_no += 1;
                    for (col, cell) in cells(r).into_iter().enumerate() {
                        match cell {
                            // Typed cells: a text cell is never run as a formula, and a phone
                            // number stays text (its + and leading zeros kept).
                            Cell::Int(n) => {
                                sheet.write_number(row_no, col as u16, n as f64).map_err(xlsx)?;
                            }
                            Cell::Text(s) => {
                                sheet.write_string(row_no, col as u16, s.as_ref()).map_err(xlsx)?;
                            }
                            Cell::Empty => {}
                        }
                    }
                }
            }
            sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
            sheet.autofilter(0, 0, row_no, (EXPORT_COLUMNS.len() - 1) as u16).map_err(xlsx)?;
            let file = std::io::BufWriter::with_capacity(256 * 1024, tmp.as_file());
            workbook.save_to_writer(file).map_err(xlsx)?;
            tmp.as_file().sync_all().map_err(io)?;
        }
    }
    tmp.persist(target).map_err(|e| io(e.error))?;
    Ok(())
}

/// Integers written without an allocation each.
fn itoa_buffer() -> IntText {
    IntText(String::with_capacity(20))
}

struct IntText(String);

impl IntText {
    fn format(&mut self, n: i64) -> &str {
        use std::fmt::Write as _;
        self.0.clear();
        let _ = write!(self.0, "{n}");
        &self.0
    }
}

/// Deletes export files older than a day.
async fn remove_old_files(dir: &Path) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else { return };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let old = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > KEEP_FILES);
        if old {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_are_neutralised_and_phone_numbers_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"http://evil\")"), "'=HYPERLINK(\"http://evil\")");
        assert_eq!(neutralise("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("+23057372333"), "+23057372333");
        assert_eq!(neutralise("Zoë Lagesse"), "Zoë Lagesse");
        assert_eq!(neutralise("+"), "'+");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn a_formula_after_a_semicolon_is_neutralised_too() {
        // French Excel splits on `;`: `ok;=1+2` would be two cells, the second a formula.
        assert_eq!(
            neutralise("called back;=HYPERLINK(\"http://evil\")"),
            "called back;'=HYPERLINK(\"http://evil\")"
        );
        assert_eq!(neutralise("=1;-2;fine;@x"), "'=1;'-2;fine;'@x");
        assert_eq!(neutralise("a; b;c"), "a; b;c");
        assert_eq!(neutralise("+23057372333;+23057372334"), "+23057372333;+23057372334");
    }
}
