//! Importing the master system's CSV export: streamed, one bad row never stops the rest.
//!
//! A blocking thread reads and checks rows and hands batches of a thousand to the database
//! side, which applies each batch in one transaction. Memory stays bounded whatever the file
//! size. Re-importing updates master fields and amounts; it never touches captured updates,
//! nor the current mobile/email an agent has set.

use std::{
    collections::HashMap,
    io::Read,
    path::{Path, PathBuf},
    time::Instant,
};

use tokio::sync::mpsc;

use super::{
    AppState,
    auth::Admin,
    db::{
        Db,
        import::{ImportRow, RowOutcome},
    },
    error::internal,
    time::now_ms,
};
use crate::{
    domain::{
        email::Email,
        import::{IMPORT_COLUMNS, ImportReport, RejectedLine},
        phone::PhoneNumber,
    },
    error::AppError,
};

const BATCH: usize = 1000;

#[derive(Default)]
struct Batch {
    rows: Vec<ImportRow>,
    rejected: Vec<RejectedLine>,
}

/// Imports a CSV from any reader (a file, an upload spooled to disk).
pub async fn import_csv<R: Read + Send + 'static>(db: &Db, reader: R) -> Result<ImportReport, AppError> {
    let started = Instant::now();
    let (tx, mut rx) = mpsc::channel::<Batch>(4);
    let parser = tokio::task::spawn_blocking(move || parse(reader, &tx));
    let mut report = ImportReport::default();
    while let Some(batch) = rx.recv().await {
        report.rows += (batch.rows.len() + batch.rejected.len()) as u64;
        report.rejected += batch.rejected.len() as u64;
        let room = ImportReport::MAX_LISTED.saturating_sub(report.rejected_lines.len());
        report.rejected_lines.extend(batch.rejected.into_iter().take(room));
        for outcome in db.apply_import_batch(&batch.rows, now_ms()).await? {
            match outcome {
                RowOutcome::Inserted => report.inserted += 1,
                RowOutcome::Updated => report.updated += 1,
                RowOutcome::Unchanged => report.unchanged += 1,
            }
        }
    }
    parser.await.map_err(|e| internal("import parser task", e))??;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Where uploads are spooled before they are imported.
fn spool_dir(state: &AppState) -> PathBuf {
    state.config.storage.data_dir.join("imports")
}

/// An import's upload, written to a file under the data folder before it is imported (spooling
/// keeps memory bounded whatever its size). It holds customers' personal data, so it is removed
/// when this is dropped, on every path: imported, refused, a read error, the client gone, the
/// request timed out (its future dropped). A crash's leftovers go at the next start.
#[derive(Debug)]
pub struct Spool {
    path: PathBuf,
}

impl Spool {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        match std::fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::error!(error = %e, path = %self.path.display(), "could not remove an import's spool file")
            }
        }
    }
}

/// A fresh spool file name for `admin`'s upload (nothing is created yet).
pub async fn spool(state: &AppState, admin: &Admin) -> Result<Spool, AppError> {
    let dir = spool_dir(state);
    tokio::fs::create_dir_all(&dir).await.map_err(|e| internal("creating the import folder", e))?;
    let unique = uuid::Uuid::new_v4().simple().to_string();
    Ok(Spool { path: dir.join(format!("upload-{}-{}-{}.csv", admin.id, now_ms(), &unique[..8])) })
}

/// Removes spool files a crash left behind: older than any import may run, so another
/// instance's import in progress on shared storage is left alone.
pub async fn remove_abandoned_spools(
    data_dir: &Path,
    older_than: std::time::Duration,
) -> std::io::Result<usize> {
    let mut entries = match tokio::fs::read_dir(data_dir.join("imports")).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    while let Some(entry) = entries.next_entry().await? {
        let modified = entry.metadata().await?.modified()?;
        if modified.elapsed().is_ok_and(|age| age > older_than) {
            tokio::fs::remove_file(entry.path()).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Imports the upload `name` that was spooled to `spool`, removes the spool file, and records
/// the import in the audit log as `admin`'s.
pub async fn import_upload(
    state: &AppState,
    admin: &Admin,
    name: &str,
    spool: Spool,
) -> Result<ImportReport, AppError> {
    let file = std::fs::File::open(spool.path()).map_err(|e| internal("opening the spool file", e))?;
    let report = import_csv(&state.db, std::io::BufReader::with_capacity(1 << 16, file)).await;
    drop(spool);
    let report = report?;
    state
        .db
        .audit(Some(admin.id), "customers.import", &format!("{name}: {}", report.summary()), now_ms())
        .await?;
    tracing::info!(admin = admin.id, file = %name, summary = %report.summary(), "customers imported");
    Ok(report)
}

fn file_error(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

/// The reading side: checks the header, then every row.
fn parse<R: Read>(reader: R, tx: &mpsc::Sender<Batch>) -> Result<(), AppError> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(reader);
    let headers = csv
        .headers()
        .map_err(|e| file_error(format!("The first line (the column names) cannot be read: {e}")))?;
    let index: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim_start_matches('\u{feff}').to_lowercase(), i))
        .collect();
    let missing: Vec<&str> = IMPORT_COLUMNS.iter().copied().filter(|c| !index.contains_key(*c)).collect();
    if !missing.is_empty() {
        return Err(file_error(format!(
            "Missing column{} {}. The first line must name the columns: {}.",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            IMPORT_COLUMNS.join(",")
        )));
    }
    let columns: Vec<usize> = IMPORT_COLUMNS.iter().map(|c| index[*c]).collect();
    let mut batch = Batch::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv.position().line();
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => match parse_row(&record, &columns) {
                Ok(row) => batch.rows.push(row),
                Err((column, reason)) => {
                    batch.rejected.push(RejectedLine { line, column: column.into(), reason })
                }
            },
            Err(e) => {
                let reason = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "The line is not valid UTF-8 text.".to_owned(),
                    _ => format!("The line cannot be read as CSV: {e}"),
                };
                batch.rejected.push(RejectedLine { line, column: String::new(), reason });
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) && e.is_io_error() {
                    break;
                }
            }
        }
        if batch.rows.len() + batch.rejected.len() >= BATCH
            && tx.blocking_send(std::mem::take(&mut batch)).is_err()
        {
            return Ok(()); // the database side stopped; its error is what is reported
        }
    }
    let _ = tx.blocking_send(batch);
    Ok(())
}

type RowError = (&'static str, String);

fn parse_row(record: &csv::StringRecord, columns: &[usize]) -> Result<ImportRow, RowError> {
    let get = |i: usize| record.get(columns[i]).unwrap_or("").trim();
    let customer_id = get(0);
    if customer_id.is_empty() {
        return Err(("customer_id", "customer_id is empty.".into()));
    }
    if customer_id.chars().count() > 64 || customer_id.chars().any(char::is_control) {
        return Err(("customer_id", "customer_id must be at most 64 printable characters.".into()));
    }
    let name = get(1).split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(("name", "name is empty.".into()));
    }
    if name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(("name", "name must be at most 200 printable characters.".into()));
    }
    let policy_number = get(2).to_uppercase();
    if policy_number.is_empty() {
        return Err(("policy_number", "policy_number is empty.".into()));
    }
    if policy_number.len() > 64
        || !policy_number.chars().all(|c| c.is_ascii_alphanumeric() || "/-_.".contains(c))
    {
        return Err((
            "policy_number",
            "policy_number may contain only letters, digits, '/', '-', '_' and '.'.".into(),
        ));
    }
    let mobile = match get(3) {
        "" => None,
        m => Some(PhoneNumber::parse_mobile(m).map_err(|e| ("mobile", e))?.into_e164()),
    };
    let email = match get(4) {
        "" => None,
        e => Some(Email::parse(e).map_err(|e| ("email", e))?.as_str().to_owned()),
    };
    let amount_due_cents = parse_amount(get(5)).map_err(|e| ("amount_due", e))?;
    let payment_status = get(6).to_lowercase();
    if payment_status.is_empty()
        || payment_status.len() > 32
        || !payment_status.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == ' ' || c == '-')
    {
        return Err(("payment_status", "payment_status must be a word such as pending or paid.".into()));
    }
    Ok(ImportRow {
        customer_id: customer_id.to_owned(),
        name,
        policy_number,
        mobile,
        email,
        amount_due_cents,
        payment_status,
    })
}

/// `4491.29`, `4,491.29`, `MUR 4,491.29` → 449129 cents.
pub fn parse_amount(s: &str) -> Result<i64, String> {
    let cleaned: String = s
        .trim()
        .trim_start_matches("MUR")
        .trim_start_matches("Rs")
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let bad = || format!("amount_due must be an amount in rupees such as 4491.29 (found {s:?}).");
    if cleaned.is_empty() {
        return Err(bad());
    }
    let (rupees, cents) = match cleaned.split_once('.') {
        Some((r, c)) if (1..=2).contains(&c.len()) => (r, format!("{c:0<2}")),
        Some(_) => return Err(bad()),
        None => (cleaned.as_str(), "00".to_owned()),
    };
    if rupees.is_empty()
        || !rupees.chars().all(|c| c.is_ascii_digit())
        || !cents.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let rupees: i64 = rupees.parse().map_err(|_| bad())?;
    if rupees > 10_000_000_000 {
        return Err("amount_due is implausibly large.".into());
    }
    Ok(rupees * 100 + cents.parse::<i64>().map_err(|_| bad())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_the_forms_the_master_exports() {
        assert_eq!(parse_amount("4491.29"), Ok(449_129));
        assert_eq!(parse_amount("4,491.29"), Ok(449_129));
        assert_eq!(parse_amount("MUR 4,491.29"), Ok(449_129));
        assert_eq!(parse_amount("12"), Ok(1_200));
        assert_eq!(parse_amount("12.5"), Ok(1_250));
        for bad in ["", "-5", "12.345", "abc", "1e5", "."] {
            assert!(parse_amount(bad).is_err(), "{bad:?}");
        }
    }
}
