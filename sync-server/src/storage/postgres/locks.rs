//! Keys of the transaction-scoped advisory locks (`pg_advisory_xact_lock`) that serialize,
//! across every server process sharing the database, what the embedded backend serializes
//! with its one writer thread. Each key is taken at most once per transaction, before any
//! row it guards is read.

/// Applying migrations.
pub(super) const MIGRATIONS: i64 = 0x6367_7401;
/// Allocating document seqs (stores and grants): seqs commit in the order they are taken,
/// so a feed cursor never passes a seq that is still to commit.
pub(super) const DOC_SEQ: i64 = 0x6367_7402;
/// Moving the reference version on.
pub(super) const REFERENCE_VERSION: i64 = 0x6367_7403;
/// Creating a channel's intake device (one per user).
pub(super) const INTAKE_DEVICE: i64 = 0x6367_7404;
