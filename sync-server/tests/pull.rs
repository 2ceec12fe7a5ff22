//! Pulling what a device lacks, and asking which documents the server has.

mod common;

use automerge::AutoCommit;
use cgt_shared::DocId;
use cgt_shared::caseflow::command::{CommandKind, DeviceCommand};
use cgt_shared::doc::commands::append_command;
use cgt_shared::doc::workflow::read_events;
use cgt_shared::wire::{FeedEntry, PullRequest, StatusRequest, Want, to_wire};
use common::{Server, after, new_doc, report};

#[tokio::test]
async fn pull_sends_what_the_device_lacks() {
    let server = Server::new();
    let insp = server.login("insp1", Some("Mate 60")).await;
    let other = server.login("insp2", Some("Pad")).await;
    let r = report(&insp);
    let (mut doc, push) = new_doc(&r);
    let first = server.push_docs(&insp, 0, vec![push]).await;
    let base = doc.get_heads();
    let command = DeviceCommand {
        id: uuid::Uuid::now_v7(),
        kind: CommandKind::Withdraw,
        note: String::new(),
        at: common::timestamp_now(),
    };
    append_command(&mut doc, insp.device.unwrap(), &command).unwrap();
    doc.commit();
    let second = server
        .push_docs(&insp, first.cursor, vec![after(&mut doc, r.id, &base)])
        .await;
    let server_heads = second.feed[0].heads.clone();

    let have = to_wire(&doc.get_heads());
    let wants = vec![
        Want {
            id: r.id,
            have: have.clone(),
        },
        Want {
            id: DocId::new(),
            have: vec![],
        },
    ];
    let pulled = server.pull(&insp, &PullRequest { wants }).await;
    let [update] = pulled.docs.as_slice() else {
        panic!("one readable document: {:?}", pulled.docs);
    };
    assert_eq!(update.heads, server_heads);
    assert!(update.received_at.millis() > 0);
    doc.load_incremental(&update.changes).unwrap();
    assert_eq!(to_wire(&doc.get_heads()), server_heads);
    assert_eq!(read_events(&doc).unwrap().len(), 1);

    let fresh = server
        .pull(
            &insp,
            &PullRequest {
                wants: vec![Want {
                    id: r.id,
                    have: vec![],
                }],
            },
        )
        .await;
    let mut copy = AutoCommit::load(&fresh.docs[0].changes).unwrap();
    assert_eq!(to_wire(&copy.get_heads()), server_heads);

    let unknown_have = server
        .pull(
            &insp,
            &PullRequest {
                wants: vec![Want {
                    id: r.id,
                    have: vec![[7; 32]],
                }],
            },
        )
        .await;
    assert!(
        AutoCommit::load(&unknown_have.docs[0].changes).is_ok(),
        "whole document"
    );

    let current = server
        .pull(
            &insp,
            &PullRequest {
                wants: vec![Want {
                    id: r.id,
                    have: server_heads,
                }],
            },
        )
        .await;
    assert!(current.docs[0].changes.is_empty());

    let foreign = server
        .pull(
            &other,
            &PullRequest {
                wants: vec![Want {
                    id: r.id,
                    have: vec![],
                }],
            },
        )
        .await;
    assert!(foreign.docs.is_empty(), "unreadable documents are left out");
}

#[tokio::test]
async fn status_tells_which_heads_are_stored() {
    let server = Server::new();
    let insp = server.login("insp1", Some("Mate 60")).await;
    let other = server.login("insp2", Some("Pad")).await;
    let r = report(&insp);
    let (mut doc, push) = new_doc(&r);
    let old_heads = to_wire(&doc.get_heads());
    server.push_docs(&insp, 0, vec![push]).await;
    let base = doc.get_heads();
    let mut edited = r.clone();
    edited.description = "又多了两袋垃圾".into();
    cgt_shared::doc::report_part::write_report(&mut doc, &edited).unwrap();
    doc.commit();
    let unsent = to_wire(&doc.get_heads());
    let _ = after(&mut doc, r.id, &base);

    let entry = |id, heads| FeedEntry { id, heads };
    let request = StatusRequest {
        docs: vec![
            entry(r.id, old_heads.clone()),
            entry(r.id, unsent),
            entry(r.id, vec![]),
            entry(DocId::new(), vec![]),
        ],
    };
    let answer = server.status(&insp, &request).await;
    assert_eq!(answer.stored, vec![true, false, true, false]);
    let foreign = server
        .status(
            &other,
            &StatusRequest {
                docs: vec![entry(r.id, old_heads)],
            },
        )
        .await;
    assert_eq!(foreign.stored, vec![false]);
}
