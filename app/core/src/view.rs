//! Reading a stored case document into what the UI shows: the report view and the one-line
//! summary of the pending list.

use crate::error::ClientError;
use crate::model::{PendingItem, ReportView};
use crate::store::docs::DocRow;
use automerge::ReadDoc;
use cgt_shared::caseflow::event::derive_status;
use cgt_shared::doc::commands::read_commands;
use cgt_shared::doc::report_part::{has_report, read_report};
use cgt_shared::doc::workflow::read_events;
use cgt_shared::{CategoryTable, DocId, Report};

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
pub(crate) fn summary(report: &Report) -> String {
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

/// Every photo a case document references: its report's, those of device commands (核实 / 核查
/// results, 处置反馈) and those attached to steps of its history. Unreadable parts reference
/// nothing.
pub(crate) fn referenced_photos<D: ReadDoc>(doc: &D, id: DocId) -> Vec<String> {
    let report = read_report(doc, id)
        .map(|r| r.photos.into_iter().map(|p| p.sha256).collect())
        .unwrap_or_else(|_| Vec::new());
    let commands = read_commands(doc).unwrap_or_default();
    let events = read_events(doc).unwrap_or_default();
    report
        .into_iter()
        .chain(
            commands
                .into_iter()
                .flat_map(|(_, c)| c.kind.photos().to_vec()),
        )
        .chain(events.into_iter().flat_map(|e| e.data.photos))
        .collect()
}
