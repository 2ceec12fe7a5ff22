//! Entry points that hand outside bytes to each decoder the way the server does, for the
//! fuzz targets in `fuzz/` and the bounded fuzz tests of the suite (feature `fuzzing`). Each
//! returns whatever the decoder made of the bytes; none may panic or abort, whatever they are.

use crate::api::{open311_request_form, open311_xml};
use crate::photos::CHUNK_BYTES;
use crate::photos::upload::{self, Partial};
pub use crate::sync::merge::Merged;
use crate::sync::merge::{Existing, MergeContext, PushBudget, merge_guarded};
use crate::tracks::{osmand, segment};
use automerge::ActorId;
use cgt_photo::PipelineConfig;
use cgt_shared::doc::authz::{Owner, Writer};
use cgt_shared::doc::new_report_doc;
use cgt_shared::wire::{DocPush, Limits, PendingCounts, PushFrame, decode};
use cgt_shared::{
    CategoryTable, DeviceId, DocId, Kind, Position, Report, Role, SyncRights, Timestamp, UserId,
};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The clock every entry point reads: 2026-11-24, inside every time window the decoders check.
pub const NOW: Timestamp = Timestamp(1_795_500_000_000);

/// The fixed inspector whose pushes are merged, and a stored report of theirs.
struct Fixture {
    writer: Writer,
    server: ActorId,
    stored: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let writer = Writer {
            user: UserId(uuid::Uuid::from_u128(1)),
            device: DeviceId(uuid::Uuid::from_u128(2)),
            rights: SyncRights::for_roles(&[Role::Inspector]),
        };
        let report = Report {
            id: DocId(uuid::Uuid::from_u128(3)),
            kind: Kind::Event,
            class: 1,
            subclass: 2,
            description: "人行道上有暴露垃圾".into(),
            position: Position::new(31.3101, 120.6102, 5.0),
            unit_grid: "320508001001001".parse().expect("a valid grid code"),
            component_id: None,
            photos: Vec::new(),
            reporter: writer.user,
            device: writer.device,
            device_time: NOW,
            self_handled: false,
        };
        let stored = new_report_doc(&report).expect("a valid report").save();
        Fixture {
            writer,
            server: ActorId::from(vec![9u8; 16]),
            stored,
        }
    })
}

/// Pushed changes as the push handler takes them: the request budget, then the merge into a
/// new document and into the stored report. The outcomes, new then existing.
pub fn merge_changes(changes: &[u8]) -> Vec<Merged> {
    let fixture = fixture();
    let cx = MergeContext {
        writer: fixture.writer,
        role: Role::Inspector,
        department: None,
        server_actor: &fixture.server,
        table: CategoryTable::builtin(),
        now: NOW,
    };
    let push = DocPush {
        id: DocId(uuid::Uuid::from_u128(3)),
        base: Vec::new(),
        heads: Vec::new(),
        changes: changes.to_vec(),
    };
    let existing = Existing {
        bytes: &fixture.stored,
        owner: Owner {
            user: fixture.writer.user,
            device: fixture.writer.device,
        },
        readable: true,
    };
    let mut budget = PushBudget::default();
    [None, Some(existing)]
        .into_iter()
        .map(|stored| match budget.admit(changes) {
            Err(refused) => refused,
            Ok(()) => merge_guarded(stored, &push, &cx),
        })
        .collect()
}

/// A push frame message: decoded under the server's limits, each document merged.
pub fn push_frame(bytes: &[u8]) -> usize {
    let Ok(frame) = decode::<PushFrame>(bytes, &Limits::default()) else {
        return 0;
    };
    for push in &frame.docs {
        merge_changes(&push.changes);
    }
    frame.docs.len()
}

/// An OsmAnd position report: the bytes read both as a query string and as a JSON body (a form
/// reader takes almost anything, so the JSON reader is tried on its own); the first accepted.
pub fn osmand_query(bytes: &[u8]) -> Option<osmand::Report> {
    let as_form = serde_urlencoded::from_bytes::<HashMap<String, String>>(bytes).ok();
    let as_json = osmand::json_params(bytes).ok();
    let read = |params: Option<HashMap<String, String>>| osmand::read(&params?, NOW).ok();
    let from_form = read(as_form);
    let from_json = read(as_json);
    from_form.or(from_json)
}

/// An Open311 request form, and the GeoReport XML of its description as the server writes it.
pub fn open311_request(form: &[u8]) -> Option<String> {
    let request = open311_request_form(form)?;
    let answer = serde_json::json!([{ "description": request.description }]);
    let document = open311_xml::to_xml("service_requests", "request", &answer).ok()?;
    String::from_utf8(document).ok()
}

/// The `cgt-pending` header a device sends with its sync.
pub fn pending_header(value: &[u8]) -> Option<PendingCounts> {
    PendingCounts::parse_header(std::str::from_utf8(value).ok()?).ok()
}

/// The first chunk of a photo upload, then the thumbnail decoder on the same bytes.
pub fn photo_upload(bytes: &[u8]) -> bool {
    let partial = Partial {
        size: bytes.len().max(1) as u64,
        offset: 0,
    };
    let first = bytes
        .get(..bytes.len().min(CHUNK_BYTES as usize))
        .unwrap_or_default();
    let accepted =
        upload::append(partial, 0, first, CHUNK_BYTES, &PipelineConfig::default()).is_ok();
    let _ = cgt_photo::thumbnail(bytes, &PipelineConfig::default());
    accepted
}

/// A track segment body.
pub fn track_segment(body: &[u8]) -> usize {
    segment::check(1, body, NOW).map_or(0, |points| points.len())
}
