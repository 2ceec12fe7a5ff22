//! Reading a stored case document into what the UI shows: the report view and the one-line
//! summary of the pending list.

use crate::error::ClientError;
use crate::model::{PendingItem, ReportView};
use crate::store::docs::DocRow;
use cgt_shared::doc::report_part::{has_report, read_report};
use cgt_shared::doc::workflow::{derive_status, read_events};
use cgt_shared::{CategoryTable, Report};

/// Characters of the description a summary shows.
const SUMMARY_CHARS: usize = 20;

/// The report view of a stored document; `None` for a case without a report part.
pub(crate) fn report_view(row: &DocRow) -> Result<Option<ReportView>, ClientError> {
    let doc = row.load()?;
    if !has_report(&doc) {
        return Ok(None);
    }
    let events = read_events(&doc)?;
    Ok(Some(ReportView {
        report: read_report(&doc, row.id)?,
        status: derive_status(&events),
        events,
        sync: row.state(),
        received_at: row.received_at,
        error: row.error.clone(),
    }))
}

pub(crate) fn pending_item(row: &DocRow) -> Result<PendingItem, ClientError> {
    let doc = row.load()?;
    let summary = if has_report(&doc) {
        summary(&read_report(&doc, row.id)?)
    } else {
        format!("案件 {}", row.id)
    };
    Ok(PendingItem {
        id: row.id,
        summary,
        state: row.state(),
        reason: row.error.clone(),
        changed_at: row.changed_at,
    })
}

/// `事件 0102 暴露垃圾: <first 20 characters of the description>`.
fn summary(report: &Report) -> String {
    let name = CategoryTable::builtin()
        .subclass(report.kind, report.class, report.subclass)
        .map(|s| s.name.as_str())
        .unwrap_or("未知类别");
    let description: String = report
        .description
        .trim()
        .chars()
        .take(SUMMARY_CHARS)
        .collect();
    format!(
        "{} {:02}{:02} {name}: {description}",
        report.kind.label(),
        report.class,
        report.subclass
    )
}
