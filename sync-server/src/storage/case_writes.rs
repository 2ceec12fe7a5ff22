//! Writing a case the server changed or a channel entered: the document, its summary row and
//! what goes with them, all in one job, so none is ever stored without the others.

use super::cases::{grant_department, grant_reader, upsert_case};
use super::docs::store_doc;
use super::intake::insert_contact;
use super::open311::insert_open311_fields;
use super::{Contact, Open311Fields, Storage, StorageError};
use crate::caseflow::summary::CaseRow;
use crate::storage::CaseWriter;
use cgt_shared::doc::authz::Owner;
use cgt_shared::wire::Head;
use cgt_shared::{DocId, Timestamp, UserId};

/// A case document with the steps the server appended, as saved.
pub struct CaseVersion {
    pub id: DocId,
    pub bytes: Vec<u8>,
    pub heads: Vec<Head>,
    pub owner: Owner,
    pub row: CaseRow,
}

/// Who may read a case from this step on: users given a task on it (核实 / 核查) and the
/// department it was dispatched to.
#[derive(Default)]
pub struct NewReaders {
    pub users: Vec<UserId>,
    pub department: Option<i64>,
}

/// What a channel knows beyond the report: the caller's contact, the Open311 fields.
#[derive(Default)]
pub struct CaseIntake {
    pub contact: Option<Contact>,
    pub open311: Option<Open311Fields>,
}

impl CaseWriter for Storage {
    fn record_case_step(
        &self,
        case: CaseVersion,
        readers: NewReaders,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            let seq = store_doc(c, case.id, &case.bytes, &case.heads, &case.owner, now)?;
            upsert_case(c, &case.row)?;
            for user in readers.users {
                grant_reader(c, user, case.id, seq)?;
            }
            if let Some(department) = readers.department {
                grant_department(c, department, case.id, seq)?;
            }
            Ok(())
        })
    }

    fn record_entered_case(
        &self,
        case: CaseVersion,
        intake: CaseIntake,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        self.write(move |c| {
            store_doc(c, case.id, &case.bytes, &case.heads, &case.owner, now)?;
            upsert_case(c, &case.row)?;
            if let Some(contact) = &intake.contact {
                insert_contact(c, case.id, contact)?;
            }
            if let Some(fields) = &intake.open311 {
                insert_open311_fields(c, case.id, fields)?;
            }
            Ok(())
        })
    }
}
