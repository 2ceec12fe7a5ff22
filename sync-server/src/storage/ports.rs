//! The storage port: what the server asks of a store, one trait per area, in domain terms —
//! no connection, statement or row type in any signature — and [`Store`], all of them, which
//! is what the server holds. Methods block (async callers run them on the blocking pool);
//! every write is committed before it returns. `Storage` (one SQLite file) implements them
//! all; another backend implements the same traits.

use super::CitySeed;
use super::CitySummary;
use super::Contact;
use super::DocLease;
use super::Open311Fields;
use super::StorageError;
use super::accounts::DeviceRecord;
use super::accounts::LoginOutcome;
use super::accounts::LoginRecord;
use super::accounts::NewUser;
use super::accounts::SessionRecord;
use super::accounts::UserRecord;
use super::case_writes::CaseIntake;
use super::case_writes::CaseVersion;
use super::case_writes::NewReaders;
use super::cases::CaseFilter;
use super::cases::CaseListRow;
use super::docs::DocRow;
use super::docs::DocWrite;
use super::docs::FeedRow;
use super::docs::RefusalRecord;
use super::import_rows::{Applied, ImportBase, ImportPlan};
use super::intake::ApiKeyOwner;
use super::photo_refs::DocVersion;
use super::photo_refs::PhotoRefs;
use super::photos::UnderWay;
use super::security::SecurityEvent;
use super::stats::Stats;
use super::tracks::ReportedAt;
use super::users::UserChange;
use super::users::UserListing;
use crate::guard::backoff::Failures;
use crate::photos::PhotoHash;
use crate::photos::upload::Uploader;
use crate::reference::ComponentChange;
use crate::reference::ComponentFilter;
use crate::reference::ComponentListing;
use crate::reference::ComponentPage;
use crate::reference::DepartmentListing;
use crate::reference::EditError;
use crate::reference::Intent;
use crate::reference::UnitGridListing;
use crate::reference::WorkGridListing;
use crate::tracks::osmand::Report;
use crate::tracks::shifts::OnShift;
use crate::tracks::shifts::Person;
use crate::tracks::shifts::ShiftRefusal;
use crate::tracks::shifts::ShiftSpan;
use crate::tracks::vehicles::AlarmView;
use crate::tracks::vehicles::Registration;
use crate::tracks::vehicles::VehicleView;
use automerge::ActorId;
use cgt_shared::CategoryTable;
use cgt_shared::ComponentId;
use cgt_shared::DeviceId;
use cgt_shared::DocId;
use cgt_shared::GridCode;
use cgt_shared::Timestamp;
use cgt_shared::UserId;
use cgt_shared::evaluation::CaseRecord;
use cgt_shared::track::TrackPoint;
use cgt_shared::track::coverage::UnitGridShape;
use cgt_shared::track::wire::ShiftReport;
use cgt_shared::wire::PendingCounts;
use cgt_shared::wire::reference::Department;
use cgt_shared::wire::reference::ReferenceAnswer;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The store of case documents: pushes committed, the feed, single documents, refusals.
pub trait DocumentStore {
    /// Writes the outcome of one push frame and records the device's sync, in one job.
    fn commit_push(
        &self,
        user: UserId,
        device: DeviceId,
        writes: Vec<DocWrite>,
        now: Timestamp,
    ) -> Result<(), StorageError>;

    /// Documents `user` may read that changed (or were granted) after `since`, and the cursor:
    /// the highest seq in the same snapshot. A `since` beyond that cursor comes from another
    /// database (restored or replaced): then every readable document is listed.
    fn feed(&self, user: UserId, since: u64) -> Result<(Vec<FeedRow>, u64), StorageError>;

    /// A document with its bookkeeping, and whether `reader` may read it.
    fn doc(&self, id: DocId, reader: UserId) -> Result<Option<DocRow>, StorageError>;

    /// Those of `ids` that are stored, as [`DocumentStore::doc`] reads each, in one snapshot
    /// (a push frame or a pull asks for hundreds at once).
    fn docs(&self, ids: &[DocId], reader: UserId) -> Result<HashMap<DocId, DocRow>, StorageError>;

    /// The newest refusals first.
    fn refusals(&self, limit: u32) -> Result<Vec<RefusalRecord>, StorageError>;

    /// Holds `ids` against every other process sharing this store until the lease is
    /// dropped; taken after the in-process locks, released before them.
    fn lease_docs(&self, ids: &[DocId]) -> Result<DocLease, StorageError>;
}

/// The store of what each device said it still holds to send.
pub trait DevicePendingStore {
    /// Records what a device reported at `now`. A report older than the one held changes
    /// nothing.
    fn record_pending(
        &self,
        id: DeviceId,
        counts: PendingCounts,
        now: Timestamp,
    ) -> Result<(), StorageError>;

    /// Records that a device synced at `now` and, if it said, what it holds to send.
    fn record_sync(
        &self,
        id: DeviceId,
        now: Timestamp,
        pending: Option<PendingCounts>,
    ) -> Result<(), StorageError>;
}

/// The store of case summaries: queues, single cases, evaluation records, lookups for intake.
pub trait CaseStore {
    /// Cases matching `filter`, newest report first, at most `limit`.
    fn cases(&self, filter: &CaseFilter, limit: u32) -> Result<Vec<CaseListRow>, StorageError>;

    /// One page of the cases `filter` matches, newest first, and how many match in all; both
    /// read in one snapshot, paged by the query.
    fn case_page(
        &self,
        filter: &CaseFilter,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<CaseListRow>, u64), StorageError>;

    /// Those of `ids` that are cases marked urgent when they were entered.
    fn urgent_cases(&self, ids: &[DocId]) -> Result<HashSet<DocId>, StorageError>;

    fn case(&self, id: DocId) -> Result<Option<CaseListRow>, StorageError>;

    /// Evaluation records of cases dispatched in `[from, to)`, with only what department
    /// scores need (read from the covering index `cases_for_evaluation`).
    fn dispatched_records(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<CaseRecord>, StorageError>;

    /// Evaluation records of cases dispatched in `[from, to)` or reported in it.
    fn case_records(&self, from: Timestamp, to: Timestamp)
    -> Result<Vec<CaseRecord>, StorageError>;

    /// Cases dispatched to each department in `[from, to)` (the 发案率 baseline).
    fn dispatch_counts(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<std::collections::BTreeMap<i64, u64>, StorageError>;

    fn departments(&self) -> Result<Vec<Department>, StorageError>;

    fn user_department(&self, user: UserId) -> Result<Option<i64>, StorageError>;

    /// Display names of users by id, for labels.
    fn user_names(&self) -> Result<HashMap<UserId, String>, StorageError>;

    /// The unit grid containing a point (by its bounding box) and its street.
    fn grid_at(&self, lon: f64, lat: f64) -> Result<Option<String>, StorageError>;

    /// Position and unit grid of a component (部件).
    fn component(&self, id: &str) -> Result<Option<(f64, f64, String)>, StorageError>;

    /// The inspector of the work grid a unit grid belongs to (who 核实 / 核查 there).
    fn grid_inspector(&self, unit_grid: &str) -> Result<Option<UserId>, StorageError>;

    /// Cases of one subcategory reported in `[from, to]`, for 智能比对.
    fn cases_of_category(
        &self,
        kind: &str,
        class: u8,
        subclass: u8,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<CaseListRow>, StorageError>;
}

/// The store of case writes: a case's new version with its summary and readers, in one job.
pub trait CaseExport {
    /// Cases reported in `[from, to)`, oldest first, at most `limit`: each one's queue line
    /// and evaluation record (status, department, times).
    fn case_export(
        &self,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<(CaseListRow, CaseRecord)>, StorageError>;
}

pub trait CaseWriter {
    /// Stores a case's new version, its summary and its new readers.
    fn record_case_step(
        &self,
        case: CaseVersion,
        readers: NewReaders,
        now: Timestamp,
    ) -> Result<(), StorageError>;

    /// Stores a case a channel entered, with its summary and what the channel knows of it.
    fn record_entered_case(
        &self,
        case: CaseVersion,
        intake: CaseIntake,
        now: Timestamp,
    ) -> Result<(), StorageError>;
}

/// The store of the instants running steps turn yellow, for rows written before they were kept.
pub trait WarningStore {
    /// Sets `step_yellow_at` of every running step that lacks it to `yellow(deadline, limit)`;
    /// returns how many rows it filled.
    fn fill_step_yellow(
        &self,
        yellow: &dyn Fn(Timestamp, i64) -> Timestamp,
    ) -> Result<usize, StorageError>;
}

/// The store of the Open311 fields a public request came with.
pub trait Open311Store {
    /// The fields of those of `docs` that have any.
    fn open311_fields(&self, docs: &[DocId])
    -> Result<HashMap<DocId, Open311Fields>, StorageError>;
}

/// The store of the counts the console's home page shows.
pub trait StatsStore {
    fn stats(&self) -> Result<Stats, StorageError>;
}

/// The store of accounts, sessions and devices: sign-in, tokens, registration, revocation.
pub trait AccountStore {
    fn user_count(&self) -> Result<u64, StorageError>;

    fn find_user(&self, username: &str) -> Result<Option<UserRecord>, StorageError>;

    /// Writes a login: registers or reuses the device, then stores the session.
    fn login(&self, login: LoginRecord) -> Result<LoginOutcome, StorageError>;

    fn session(&self, token_hash: [u8; 32]) -> Result<Option<SessionRecord>, StorageError>;

    fn revoke_session(&self, token_hash: [u8; 32]) -> Result<(), StorageError>;

    fn devices(&self) -> Result<Vec<DeviceRecord>, StorageError>;

    /// Marks a device revoked (keeping the first revocation time); `None` if there is no such
    /// device.
    fn revoke_device(
        &self,
        id: DeviceId,
        now: Timestamp,
    ) -> Result<Option<DeviceRecord>, StorageError>;
}

/// The store of user management (用户管理).
pub trait UserStore {
    /// Every person with an account, by username.
    fn users(&self) -> Result<Vec<UserListing>, StorageError>;

    fn user_listing(&self, id: UserId) -> Result<Option<UserListing>, StorageError>;

    /// Stores a new user whose department, if any, is in service.
    fn create_user(&self, user: NewUser) -> Result<(), StorageError>;

    /// Applies `change` to a user; deactivating one also ends their sessions. `None` if there is
    /// no such user.
    fn change_user(
        &self,
        id: UserId,
        change: UserChange,
    ) -> Result<Option<UserListing>, StorageError>;

    /// Replaces a user's password hash and ends their sessions, so whoever held the old
    /// password is logged out. `None` if there is no such user.
    fn set_password(
        &self,
        id: UserId,
        password_hash: String,
    ) -> Result<Option<UserListing>, StorageError>;
}

/// The store of intake channels: their devices, API keys, public contacts.
pub trait IntakeStore {
    /// The intake device of `user`, created on first use.
    fn intake_device(&self, user: UserId, now: Timestamp) -> Result<DeviceId, StorageError>;

    /// Creates a system user and its intake device for a new API key (stored as `key_hash`).
    fn create_api_key(
        &self,
        key_hash: [u8; 32],
        name: String,
        channel: &'static str,
        now: Timestamp,
    ) -> Result<ApiKeyOwner, StorageError>;

    /// The owner of an unrevoked API key.
    fn api_key(&self, key_hash: [u8; 32]) -> Result<Option<ApiKeyOwner>, StorageError>;

    fn contact(&self, doc: DocId) -> Result<Option<Contact>, StorageError>;
}

/// The store of wrong-password records, shared by every process using the store, so a lock
/// taken at one server instance holds at all of them.
pub trait LoginFailureStore {
    /// The records of `keys`, in order; a key with none gets a fresh record.
    fn login_failures(&self, keys: &[String]) -> Result<Vec<Failures>, StorageError>;

    /// Applies `fail` to the record of `key` with no other writer in between, stores and
    /// answers the result; first drops every record last touched before `forget_before` and
    /// no longer locked then (so the table stays as small as the failures of the last half
    /// hour).
    fn record_login_failure(
        &self,
        key: String,
        fail: Box<dyn FnOnce(&mut Failures) + Send>,
        forget_before: i64,
    ) -> Result<Failures, StorageError>;

    fn clear_login_failures(&self, key: String) -> Result<(), StorageError>;
}

/// The store of security events (locks, refused keys).
pub trait SecurityLog {
    fn record_security_event(&self, event: SecurityEvent) -> Result<(), StorageError>;

    /// The newest `limit` events, newest first.
    fn security_events(&self, limit: u32) -> Result<Vec<SecurityEvent>, StorageError>;
}

/// The store of the city a server is seeded with.
pub trait CityStore {
    /// Writes `seed` in one transaction if the database has no users yet; `None` otherwise.
    fn seed_city(&self, seed: CitySeed) -> Result<Option<CitySummary>, StorageError>;
}

/// The store of category tables, each under the reference version it appeared at.
pub trait CategoryStore {
    /// Records `table` unless it equals the latest one recorded; a change moves the reference
    /// version on. Returns the version the table carries.
    fn record_categories(&self, table: &CategoryTable) -> Result<u64, StorageError>;
}

/// The store of the reference snapshot or delta a caller's work grids need.
pub trait ReferenceAnswers {
    /// What `user` needs after reference version `since`: a delta, or a snapshot when `since`
    /// is 0, is ahead of this server, or the delta would be larger than the snapshot.
    fn reference_answer(&self, user: UserId, since: u64) -> Result<ReferenceAnswer, StorageError>;
}

/// The store of reference data as the admin console lists it.
pub trait ReferenceCatalog {
    fn department_listing(&self) -> Result<Vec<DepartmentListing>, StorageError>;

    fn work_grid_listing(&self) -> Result<Vec<WorkGridListing>, StorageError>;

    /// Unit grids in service, of one work grid or all.
    fn unit_grid_listing(
        &self,
        work_grid: Option<GridCode>,
    ) -> Result<Vec<UnitGridListing>, StorageError>;

    /// One page of the components in service matching `filter`, by id.
    fn component_page(&self, filter: ComponentFilter) -> Result<ComponentPage, StorageError>;

    /// A component in service.
    fn component_listing(&self, id: ComponentId) -> Result<Option<ComponentListing>, StorageError>;
}

/// The store of edits of reference data, each moving the reference version on.
pub trait ReferenceEditor {
    /// Adds or changes a component, bringing a retired one back into service. Returns the new
    /// reference version.
    fn put_component(&self, change: ComponentChange) -> Result<u64, EditError>;

    /// Adds or changes a component as `intent` allows; a changed one that was retired comes
    /// back into service. The position must lie in the unit grid (its edge included). Returns
    /// the new reference version.
    fn edit_component(&self, change: ComponentChange, intent: Intent) -> Result<u64, EditError>;

    /// Takes a component out of service. Returns the new reference version, or `None` when no
    /// component in service has this id.
    fn retire_component(&self, id: ComponentId) -> Result<Option<u64>, StorageError>;

    /// Gives a work grid to an inspector (监督员), or to nobody. The old inspector's device
    /// drops the grid with its next delta and the new one's downloads it. Returns the
    /// reference version after the change (unchanged when the grid already had this inspector).
    fn assign_work_grid(&self, code: GridCode, inspector: Option<UserId>)
    -> Result<u64, EditError>;
}

/// The store of shifts and track segments and the replay's reads.
/// Importing a city's base data (`crate::import`): what is held, and the plan written.
pub trait ReferenceImport {
    /// Every reference row, retired or not, at one reference version.
    fn import_base(&self) -> Result<ImportBase, StorageError>;

    /// Writes `plan` in one transaction at one new reference version, unless the reference
    /// data moved on since `plan.base_version` (then nothing is written).
    fn apply_import(&self, plan: ImportPlan) -> Result<Applied, StorageError>;
}

pub trait TrackStore {
    /// The user named by id or username.
    fn person(&self, name_or_id: &str) -> Result<Option<Person>, StorageError>;

    /// Records a shift or its end; the end, once known, is kept.
    fn put_shift(
        &self,
        id: Uuid,
        who: (DeviceId, UserId),
        report: ShiftReport,
        now: Timestamp,
    ) -> Result<Result<(), ShiftRefusal>, StorageError>;

    /// Stores a segment unless a version at least as long is stored; returns the points held.
    fn put_segment(
        &self,
        who: (DeviceId, UserId),
        at: (Uuid, u32),
        points: Vec<TrackPoint>,
        data: Vec<u8>,
        now: Timestamp,
    ) -> Result<Result<usize, ShiftRefusal>, StorageError>;

    /// A person's points from `from` (inclusive) to `to` (exclusive), in time order, one per
    /// instant.
    fn track_points(
        &self,
        user: UserId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<TrackPoint>, StorageError>;

    /// A person's shifts overlapping `[from, to)`.
    fn shifts(
        &self,
        user: UserId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ShiftSpan>, StorageError>;

    /// The unit grids of the work grids the person is the inspector of.
    fn unit_grids_of(&self, user: UserId) -> Result<Vec<UnitGridShape>, StorageError>;

    /// People with a shift open that started after `since`, with their last known position.
    fn on_shift(&self, since: Timestamp) -> Result<Vec<OnShift>, StorageError>;

    /// Reports by `user` with a device time in `[from, to)`, oldest first.
    fn reports_by(
        &self,
        user: UserId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ReportedAt>, StorageError>;
}

/// The store of monitored vehicles, their positions and alarms.
pub trait VehicleStore {
    /// Stores a vehicle with the hash of `key`; `false` when the id is taken.
    fn register_vehicle(
        &self,
        registration: Registration,
        key: String,
        now: Timestamp,
    ) -> Result<bool, StorageError>;

    /// Whether `key` is the key of registered unit `id` (a read: the key is checked before the
    /// position goes to the writer).
    fn vehicle_key_matches(&self, id: &str, key: &str) -> Result<bool, StorageError>;

    /// Stores a reported position and recomputes the alarms of its day. `false` when the id is
    /// not registered or the key is wrong (the two are not told apart).
    fn record_vehicle_position(&self, report: Report, now: Timestamp)
    -> Result<bool, StorageError>;

    /// Registered vehicles with their last position.
    fn vehicles(&self) -> Result<Vec<VehicleView>, StorageError>;

    /// Alarms starting in `[from, to)`, of one vehicle or all, in time order.
    fn vehicle_alarms(
        &self,
        from: Timestamp,
        to: Timestamp,
        vehicle: Option<&str>,
    ) -> Result<Vec<AlarmView>, StorageError>;
}

/// The store of uploads under way and stored photos.
pub trait PhotoIndex {
    /// The size of a stored photo, and the upload of it under way (read together).
    fn photo_state(&self, hash: &PhotoHash) -> Result<(Option<u64>, UnderWay), StorageError>;

    /// The size of a stored photo.
    fn photo_size(&self, hash: &PhotoHash) -> Result<Option<u64>, StorageError>;

    /// Which of `hashes` are stored.
    fn photos_stored(&self, hashes: &[String]) -> Result<Vec<bool>, StorageError>;

    /// Records an upload starting at byte 0, replacing any earlier one.
    fn begin_photo_upload(
        &self,
        hash: &PhotoHash,
        size: u64,
        who: Uploader,
        now: Timestamp,
    ) -> Result<(), StorageError>;

    /// Moves an upload on to `offset` bytes received.
    fn advance_photo_upload(&self, hash: &PhotoHash, offset: u64) -> Result<(), StorageError>;

    /// Forgets an upload under way.
    fn drop_photo_upload(&self, hash: &PhotoHash) -> Result<(), StorageError>;

    /// Records a photo as stored (its bytes are in place) and ends its upload.
    fn record_photo(
        &self,
        hash: &PhotoHash,
        size: u64,
        who: Uploader,
        now: Timestamp,
    ) -> Result<(), StorageError>;

    /// Holds the photo's upload against every other process sharing this store until the
    /// lease is dropped; taken after the in-process lock.
    fn lease_photo(&self, hash: &PhotoHash) -> Result<DocLease, StorageError>;
}

/// The store of which stored documents reference which photo.
pub trait PhotoRefIndex {
    /// Up to `limit` documents stored after the index's high-water mark, by seq.
    fn unindexed_docs(&self, limit: usize) -> Result<Vec<DocVersion>, StorageError>;

    /// Replaces each document's references, unless a newer version of it is indexed already.
    fn index_photo_refs(&self, batch: Vec<PhotoRefs>) -> Result<(), StorageError>;

    /// Whether a report `user` may read references the photo (after `photos::refs::catch_up`).
    fn photo_readable_by(&self, hash: &PhotoHash, user: UserId) -> Result<bool, StorageError>;
}

/// Everything the server asks of its store: what handlers hold (`AppState::storage`), whichever
/// backend is behind it.
pub trait Store:
    DocumentStore
    + DevicePendingStore
    + CaseStore
    + CaseExport
    + CaseWriter
    + WarningStore
    + Open311Store
    + StatsStore
    + AccountStore
    + UserStore
    + IntakeStore
    + SecurityLog
    + LoginFailureStore
    + CityStore
    + CategoryStore
    + ReferenceAnswers
    + ReferenceCatalog
    + ReferenceEditor
    + ReferenceImport
    + TrackStore
    + VehicleStore
    + PhotoIndex
    + PhotoRefIndex
    + Send
    + Sync
{
    /// The Automerge actor of this server: every workflow event it writes carries it.
    fn server_actor(&self) -> &ActorId;
}
