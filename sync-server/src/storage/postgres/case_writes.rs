//! Writing a case the server changed or a channel entered, in PostgreSQL: the document, its
//! summary row and what goes with them, all in one transaction, so none is ever stored without
//! the others. Storing the document takes a seq, so each transaction takes the doc seq lock
//! first (see `docs`).

use super::super::StorageError;
use super::PgStorage;
use super::cases::{grant_department, grant_reader, upsert_case};
use super::docs::{DocStatements, Seqs, store_doc};
use super::intake::insert_contact;
use super::open311::insert_open311_fields;
use crate::storage::{CaseIntake, CaseVersion, CaseWriter, NewReaders};
use cgt_shared::Timestamp;

impl CaseWriter for PgStorage {
    fn record_case_step(
        &self,
        case: CaseVersion,
        readers: NewReaders,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        self.write(move |tx| {
            let mut seqs = Seqs::lock(tx)?;
            let statements = DocStatements::prepare(tx)?;
            let seq = store_doc(
                tx,
                &statements,
                &mut seqs,
                case.id,
                (&case.bytes, &case.heads),
                &case.owner,
                now,
            )?;
            upsert_case(tx, &statements.case, &case.row)?;
            for user in readers.users {
                grant_reader(tx, user, case.id, seq)?;
            }
            if let Some(department) = readers.department {
                grant_department(tx, department, case.id, seq)?;
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
        self.write(move |tx| {
            let mut seqs = Seqs::lock(tx)?;
            let statements = DocStatements::prepare(tx)?;
            store_doc(
                tx,
                &statements,
                &mut seqs,
                case.id,
                (&case.bytes, &case.heads),
                &case.owner,
                now,
            )?;
            upsert_case(tx, &statements.case, &case.row)?;
            if let Some(contact) = &intake.contact {
                insert_contact(tx, case.id, contact)?;
            }
            if let Some(fields) = &intake.open311 {
                insert_open311_fields(tx, case.id, fields)?;
            }
            Ok(())
        })
    }
}
