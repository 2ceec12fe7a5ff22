//! Property tests of the case document encoding: any valid report survives the document, its
//! saved form and its change chunks; and the device's report edits merge with the server's
//! workflow events in any order to the same document.

use automerge::AutoCommit;
use cgt_shared::caseflow::event::{EventKind, WorkflowEvent};
use cgt_shared::doc::report_part::{read_report, write_report};
use cgt_shared::doc::workflow::{append_event, read_events};
use cgt_shared::doc::{device_actor, new_report_doc};
use cgt_shared::report::PhotoRef;
use cgt_shared::*;
use proptest::prelude::*;

fn report_strategy() -> impl Strategy<Value = Report> {
    let subclasses: Vec<(Kind, u8, u8)> = CategoryTable::builtin()
        .all_subclasses()
        .map(|(k, c, s)| (k, c.code, s.code))
        .collect();
    (
        proptest::sample::select(subclasses),
        "[\\p{Han}a-z0-9,。 ]{1,60}",
        (-89.9f64..89.9, -179.9f64..179.9, 0.0f64..500.0),
        (1u16..999, 1u16..999, 1u16..999),
        any::<bool>(),
        1u32..999_999,
        proptest::collection::vec("[0-9a-f]{64}", 0..4),
        1_420_070_400_000i64..1_900_000_000_000,
    )
        .prop_filter_map(
            "description must not be blank",
            |(
                (kind, class, subclass),
                description,
                (lat, lon, acc),
                (st, co, se),
                with_component,
                serial,
                photos,
                time,
            )| {
                if description.trim().is_empty() {
                    return None;
                }
                let county: CountyCode = "320508".parse().ok()?;
                Some(Report {
                    id: DocId::new(),
                    kind,
                    class,
                    subclass,
                    description,
                    position: Position::new(lat, lon, acc),
                    unit_grid: GridCode::compose(&county, st, co, se).ok()?,
                    component_id: (kind == Kind::Component && with_component)
                        .then(|| ComponentId::compose(&county, class, subclass, serial).ok())
                        .flatten(),
                    photos: photos
                        .into_iter()
                        .map(|sha256| PhotoRef { sha256 })
                        .collect(),
                    reporter: UserId::new(),
                    device: DeviceId::new(),
                    device_time: Timestamp(time),
                    self_handled: with_component,
                })
            },
        )
}

fn assert_same_report(a: &Report, b: &Report) {
    let (mut a, mut b) = (a.clone(), b.clone());
    assert!(
        a.position.distance_m(&b.position) < 0.03,
        "{:?} vs {:?}",
        a.position,
        b.position
    );
    assert!((a.position.accuracy_m - b.position.accuracy_m).abs() <= 0.05);
    a.position = b.position;
    b.id = a.id;
    assert_eq!(a, b);
}

fn event(n: i64) -> WorkflowEvent {
    WorkflowEvent {
        kind: EventKind::Other(format!("step{n}")),
        at: Timestamp(n),
        user: None,
        role: None,
        note: String::new(),
        command: None,
        data: Default::default(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_valid_report_survives_save_and_change_chunks(report in report_strategy()) {
        report.validate(CategoryTable::builtin(), None).unwrap();
        let mut doc = new_report_doc(&report).unwrap();
        let saved = AutoCommit::load(&doc.save()).unwrap();
        assert_same_report(&report, &read_report(&saved, report.id).unwrap());
        let mut from_chunks = AutoCommit::new();
        from_chunks.load_incremental(&doc.save_after(&[])).unwrap();
        assert_same_report(&report, &read_report(&from_chunks, report.id).unwrap());
        prop_assert_eq!(from_chunks.get_heads(), doc.get_heads());
    }

    #[test]
    fn device_edits_and_server_events_merge_to_the_same_document(
        report in report_strategy(),
        edits in proptest::collection::vec("[\\p{Han}]{1,20}", 1..5),
        events in 1i64..5,
    ) {
        let mut device = new_report_doc(&report).unwrap();
        let mut server = AutoCommit::load(&device.save()).unwrap()
            .with_actor(automerge::ActorId::from(b"server-actor-000".as_slice()));
        let mut edited = report.clone();
        for text in &edits {
            edited.description = text.clone();
            write_report(&mut device, &edited).unwrap();
            device.commit();
        }
        for n in 0..events {
            append_event(&mut server, &event(n)).unwrap();
            server.commit();
        }
        let mut a = device.fork().with_actor(device_actor(report.device));
        a.merge(&mut server).unwrap();
        let mut b = server.fork();
        b.merge(&mut device).unwrap();
        prop_assert_eq!(a.get_heads(), b.get_heads());
        assert_same_report(&read_report(&a, report.id).unwrap(), &edited);
        assert_same_report(&read_report(&b, report.id).unwrap(), &edited);
        let expected: Vec<_> = (0..events).map(event).collect();
        prop_assert_eq!(read_events(&a).unwrap(), expected.clone());
        prop_assert_eq!(read_events(&b).unwrap(), expected);
    }
}
