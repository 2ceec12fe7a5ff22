//! Cases entered by the centre's channels: 热线 and 视频抓拍 by an operator, 领导交办, sensor
//! alarms and public reports (Open311). The document's report part is written by the channel's
//! intake device, the `received` event (naming the source) by the server.

use super::summary::{CaseRow, summarize};
use crate::state::AppState;
use crate::storage::{CaseIntake, CaseVersion, Contact, Open311Fields, StorageError};
use automerge::transaction::CommitOptions;
use cgt_shared::caseflow::Source;
use cgt_shared::caseflow::event::{EventData, EventKind, WorkflowEvent};
use cgt_shared::doc::authz::Owner;
use cgt_shared::doc::new_report_doc;
use cgt_shared::doc::workflow::append_event;
use cgt_shared::report::PhotoRef;
use cgt_shared::wire::to_wire;
use cgt_shared::{
    ComponentId, DeviceId, DocId, GridCode, Kind, Position, Report, Timestamp, UserId,
};
use thiserror::Error;

/// What a channel knows of a new case.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub source: Source,
    pub kind: Kind,
    pub class: u8,
    pub subclass: u8,
    pub description: String,
    pub position: Position,
    /// The unit grid; found from the position when absent.
    pub unit_grid: Option<GridCode>,
    pub component_id: Option<ComponentId>,
    pub photos: Vec<String>,
    pub urgent: bool,
    pub contact: Option<Contact>,
    /// What an Open311 client sent beside the case (address, media URL).
    pub open311: Option<Open311Fields>,
}

#[derive(Debug, Error)]
pub enum CreateError {
    #[error("位置不在本市任何单元网格内 (the position lies in no unit grid)")]
    OutsideGrids,
    #[error("案件内容无效: {0}")]
    Invalid(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Creates the case owned by (`user`, `device`); returns its summary. Blocking.
pub fn create_case(
    state: &AppState,
    new: NewCase,
    user: UserId,
    device: DeviceId,
    now: Timestamp,
) -> Result<CaseRow, CreateError> {
    let storage = state.storage();
    let unit_grid = match new.unit_grid {
        Some(grid) => grid,
        None => storage
            .grid_at(new.position.lon, new.position.lat)?
            .and_then(|code| code.parse().ok())
            .ok_or(CreateError::OutsideGrids)?,
    };
    let report = Report {
        id: DocId::new(),
        kind: new.kind,
        class: new.class,
        subclass: new.subclass,
        description: new.description.trim().to_string(),
        position: new.position,
        unit_grid,
        component_id: new.component_id,
        photos: new
            .photos
            .into_iter()
            .map(|sha256| PhotoRef { sha256 })
            .collect(),
        reporter: user,
        device,
        device_time: now,
        self_handled: false,
    };
    report
        .validate(state.table(), Some(now))
        .map_err(|e| CreateError::Invalid(e.to_string()))?;
    let invalid = |e: cgt_shared::doc::DocError| CreateError::Invalid(e.to_string());
    let mut doc = new_report_doc(&report).map_err(invalid)?;
    doc.set_actor(storage.server_actor().clone());
    let received = WorkflowEvent {
        kind: EventKind::Received,
        at: now,
        user: Some(user),
        role: None,
        note: String::new(),
        command: None,
        data: EventData {
            source: Some(new.source.as_str().to_string()),
            ..EventData::default()
        },
    };
    append_event(&mut doc, &received).map_err(invalid)?;
    doc.commit_with(CommitOptions::default().with_time(now.millis() / 1000));
    let id = report.id;
    let row = summarize(
        id,
        &report,
        &[received],
        now,
        new.urgent,
        &state.rules(),
        now,
    );
    let case = CaseVersion {
        id,
        bytes: doc.save(),
        heads: to_wire(&doc.get_heads()),
        owner: Owner { user, device },
        row: row.clone(),
    };
    let intake = CaseIntake {
        contact: new.contact,
        open311: new.open311,
    };
    storage.record_entered_case(case, intake, now)?;
    Ok(row)
}
