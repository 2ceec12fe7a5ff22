//! The merge rules, case by case: each case builds a stored copy and a push, and states the
//! expected outcome.

use super::*;
use automerge::transaction::Transactable;
use automerge::{ObjType, ROOT, ReadDoc};
use cgt_shared::caseflow::command::{CommandKind, DeviceCommand};
use cgt_shared::caseflow::event::{EventKind, WorkflowEvent};
use cgt_shared::doc::commands::append_command;
use cgt_shared::doc::{device_actor, new_report_doc, report_part::write_report};
use cgt_shared::geo::Position;
use cgt_shared::report::PhotoRef;
use cgt_shared::{DeviceId, DocId, Kind, Report, SyncRights, UserId};

const NOW: Timestamp = Timestamp(1_790_000_000_000);

fn writer(role: Role) -> Writer {
    Writer {
        user: UserId::new(),
        device: DeviceId::new(),
        rights: SyncRights::for_roles(&[role]),
    }
}

fn report(w: &Writer) -> Report {
    Report {
        id: DocId::new(),
        kind: Kind::Event,
        class: 1,
        subclass: 2,
        description: "人行道上有暴露垃圾".into(),
        position: Position::new(31.3101, 120.6102, 5.0),
        unit_grid: "320508001001001".parse().unwrap(),
        component_id: None,
        photos: vec![PhotoRef {
            sha256: "ab".repeat(32),
        }],
        reporter: w.user,
        device: w.device,
        device_time: NOW,
        self_handled: false,
    }
}

fn whole(doc: &mut AutoCommit, id: DocId) -> DocPush {
    DocPush {
        id,
        base: vec![],
        heads: vec![],
        changes: doc.save(),
    }
}

fn after(doc: &mut AutoCommit, id: DocId, base: &[automerge::ChangeHash]) -> DocPush {
    DocPush {
        id,
        base: to_wire(base),
        heads: to_wire(&doc.get_heads()),
        changes: doc.save_after(base),
    }
}

/// What a case expects of the merge.
type Expect = Box<dyn Fn(&Merged) -> bool>;

struct Case {
    stored: Option<(Vec<u8>, Owner, bool)>,
    push: DocPush,
    writer: Writer,
}

fn run(case: &Case, actor: &ActorId) -> Merged {
    let cx = MergeContext {
        writer: case.writer,
        role: Role::Inspector,
        department: None,
        server_actor: actor,
        table: CategoryTable::builtin(),
        now: NOW,
    };
    let existing = case
        .stored
        .as_ref()
        .map(|(bytes, owner, readable)| Existing {
            bytes,
            owner: *owner,
            readable: *readable,
        });
    merge_guarded(existing, &case.push, &cx)
}

fn owner(w: &Writer) -> Owner {
    Owner {
        user: w.user,
        device: w.device,
    }
}

/// A report stored on the server, and the device's copy of it.
fn stored_report(w: &Writer) -> (Report, AutoCommit, Vec<u8>) {
    let r = report(w);
    let mut doc = new_report_doc(&r).unwrap();
    let bytes = doc.save();
    (r, doc, bytes)
}

fn refused_with(status: u16) -> impl Fn(&Merged) -> bool {
    move |m| matches!(m, Merged::Refused { status: s, .. } if *s == status)
}

#[test]
fn merge_outcomes() {
    let actor = ActorId::random();
    let me = writer(Role::Inspector);
    let cases: Vec<(&str, Case, Expect)> = vec![
        (
            "a new valid report is stored",
            {
                let r = report(&me);
                Case {
                    stored: None,
                    push: whole(&mut new_report_doc(&r).unwrap(), r.id),
                    writer: me,
                }
            },
            Box::new(
                |m| matches!(m, Merged::Stored { heads, device_heads, answered: 0, .. } if heads == device_heads),
            ),
        ),
        (
            "replaying a stored report changes nothing",
            {
                let (r, mut doc, bytes) = stored_report(&me);
                Case {
                    stored: Some((bytes, owner(&me), true)),
                    push: whole(&mut doc, r.id),
                    writer: me,
                }
            },
            Box::new(|m| matches!(m, Merged::Unchanged { .. })),
        ),
        (
            "a new report claiming another device is refused",
            {
                let mut r = report(&me);
                r.device = DeviceId::new();
                Case {
                    stored: None,
                    push: whole(&mut new_report_doc(&r).unwrap(), r.id),
                    writer: me,
                }
            },
            Box::new(refused_with(403)),
        ),
        (
            "an invalid subclass is refused as invalid",
            {
                let mut r = report(&me);
                r.subclass = 99;
                Case {
                    stored: None,
                    push: whole(&mut new_report_doc(&r).unwrap(), r.id),
                    writer: me,
                }
            },
            Box::new(refused_with(422)),
        ),
        (
            "a report by a role that may not report is refused",
            {
                let handler = Writer {
                    rights: SyncRights::for_roles(&[Role::DepartmentHandler]),
                    ..me
                };
                let r = report(&me);
                Case {
                    stored: None,
                    push: whole(&mut new_report_doc(&r).unwrap(), r.id),
                    writer: handler,
                }
            },
            Box::new(refused_with(403)),
        ),
        (
            "a document the user may not read is refused without loading it",
            {
                let (r, mut doc, bytes) = stored_report(&me);
                Case {
                    stored: Some((bytes, owner(&me), false)),
                    push: whole(&mut doc, r.id),
                    writer: me,
                }
            },
            Box::new(
                |m| matches!(m, Merged::Refused { status: 403, reason, .. } if reason == NO_ACCESS),
            ),
        ),
        (
            "garbage is refused as corrupt",
            Case {
                stored: None,
                push: DocPush {
                    id: DocId::new(),
                    base: vec![],
                    heads: vec![],
                    changes: b"\x85\x6f\x4a\x83garbage".to_vec(),
                },
                writer: me,
            },
            Box::new(refused_with(422)),
        ),
        (
            "an empty new document is refused",
            Case {
                stored: None,
                push: DocPush {
                    id: DocId::new(),
                    base: vec![],
                    heads: vec![],
                    changes: vec![],
                },
                writer: me,
            },
            Box::new(refused_with(422)),
        ),
        (
            "changes on a base the server lacks ask for the whole document",
            {
                let (r, mut doc, _) = stored_report(&me);
                let base = doc.get_heads();
                let mut edited = r.clone();
                edited.description = "垃圾已堆到路中间".into();
                write_report(&mut doc, &edited).unwrap();
                doc.commit();
                Case {
                    stored: None,
                    push: after(&mut doc, r.id, &base),
                    writer: me,
                }
            },
            Box::new(|m| *m == Merged::MissingDeps),
        ),
        (
            "an edit by the reporting device is stored",
            {
                let (r, mut doc, bytes) = stored_report(&me);
                let base = doc.get_heads();
                let mut edited = r.clone();
                edited.description = "垃圾已堆到路中间".into();
                write_report(&mut doc, &edited).unwrap();
                doc.commit();
                Case {
                    stored: Some((bytes, owner(&me), true)),
                    push: after(&mut doc, r.id, &base),
                    writer: me,
                }
            },
            Box::new(|m| matches!(m, Merged::Stored { .. })),
        ),
        (
            "an edit from another device of the same user is refused",
            {
                let (r, mut doc, bytes) = stored_report(&me);
                let base = doc.get_heads();
                let other = Writer {
                    device: DeviceId::new(),
                    ..me
                };
                let mut theirs = doc.fork().with_actor(device_actor(other.device));
                let mut edited = r.clone();
                edited.description = "篡改".into();
                write_report(&mut theirs, &edited).unwrap();
                theirs.commit();
                Case {
                    stored: Some((bytes, owner(&me), true)),
                    push: after(&mut theirs, r.id, &base),
                    writer: other,
                }
            },
            Box::new(refused_with(403)),
        ),
        (
            "a forged workflow event is refused",
            {
                let (r, mut doc, bytes) = stored_report(&me);
                let base = doc.get_heads();
                append_event(
                    &mut doc,
                    &WorkflowEvent {
                        kind: EventKind::Other("closed".into()),
                        at: NOW,
                        user: None,
                        role: None,
                        note: String::new(),
                        command: None,
                        data: Default::default(),
                    },
                )
                .unwrap();
                doc.commit();
                Case {
                    stored: Some((bytes, owner(&me), true)),
                    push: after(&mut doc, r.id, &base),
                    writer: me,
                }
            },
            Box::new(refused_with(403)),
        ),
        (
            "changes without heads on a non-empty base are refused",
            {
                let (r, mut doc, bytes) = stored_report(&me);
                let base = doc.get_heads();
                doc.put_object(ROOT, "extra", ObjType::Map).unwrap();
                doc.commit();
                let mut push = after(&mut doc, r.id, &base);
                push.heads.clear();
                Case {
                    stored: Some((bytes, owner(&me), true)),
                    push,
                    writer: me,
                }
            },
            Box::new(refused_with(422)),
        ),
    ];
    for (name, case, expected) in &cases {
        let merged = run(case, &actor);
        assert!(expected(&merged), "{name}: got {merged:?}");
    }
}

#[test]
fn a_withdraw_command_is_answered_by_the_server() {
    let actor = ActorId::random();
    let me = writer(Role::Inspector);
    let (r, mut doc, bytes) = stored_report(&me);
    let base = doc.get_heads();
    let command = DeviceCommand {
        id: uuid::Uuid::now_v7(),
        kind: CommandKind::Withdraw,
        note: "重复上报".into(),
        at: NOW,
    };
    append_command(&mut doc, me.device, &command).unwrap();
    doc.commit();
    let case = Case {
        stored: Some((bytes, owner(&me), true)),
        push: after(&mut doc, r.id, &base),
        writer: me,
    };
    let Merged::Stored {
        bytes,
        heads,
        device_heads,
        answered,
        ..
    } = run(&case, &actor)
    else {
        panic!("not stored");
    };
    assert_eq!(answered, 1);
    assert_ne!(heads, device_heads, "the server's answer is a new change");
    let mut merged = AutoCommit::load(&bytes).unwrap();
    let events = read_events(&merged).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::Withdrawn);
    assert_eq!(events[0].command, Some(command.id));
    assert_eq!(events[0].user, Some(me.user));
    let last = merged.get_changes(&[]).pop().unwrap();
    assert_eq!(last.actor_id(), &actor);
    assert!(pending_commands(&merged).unwrap().is_empty());
    assert!(merged.get(ROOT, "workflow").unwrap().is_some());
}
