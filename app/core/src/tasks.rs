//! 核实 and 核查 tasks on the device: a case the centre assigned to this inspector reaches the
//! device by sync; the result is appended as a command of this device, durable before the call
//! returns, and the server checks and answers it (with the same rules as the console) on the
//! next sync.

use crate::client::Client;
use crate::error::ClientError;
use crate::reports::save_local_change;
use crate::store::docs;
use cgt_shared::DocId;
use cgt_shared::doc::commands::{CommandKind, DeviceCommand, append_command};
use cgt_shared::doc::device_actor;
use cgt_shared::doc::report_part::has_report;

impl Client {
    /// Sends a 核实 result: whether the reported problem exists, with on-site photos.
    pub fn submit_verification(
        &self,
        id: DocId,
        exists: bool,
        photos: Vec<String>,
        note: &str,
    ) -> Result<(), ClientError> {
        self.append_task_command(id, CommandKind::Verify { exists, photos }, note)
    }

    /// Sends a 核查 result: whether the fix passed, with on-site photos.
    pub fn submit_check(
        &self,
        id: DocId,
        passed: bool,
        photos: Vec<String>,
        note: &str,
    ) -> Result<(), ClientError> {
        self.append_task_command(id, CommandKind::Check { passed, photos }, note)
    }

    fn append_task_command(
        &self,
        id: DocId,
        kind: CommandKind,
        note: &str,
    ) -> Result<(), ClientError> {
        let (session, _) = self.require_session()?;
        let now = self.inner.clock.now();
        self.inner.store.write(|tx| {
            let mut row = docs::get(tx, id)?.ok_or(ClientError::NotFound)?;
            let mut doc = row.load()?.with_actor(device_actor(session.device_id));
            if !has_report(&doc) {
                return Err(ClientError::NotFound);
            }
            let command = DeviceCommand {
                id: uuid::Uuid::now_v7(),
                kind,
                note: note.trim().to_string(),
                at: now,
            };
            append_command(&mut doc, session.device_id, &command)?;
            doc.commit();
            save_local_change(tx, &mut row, &mut doc, now)
        })
    }
}
