//! Pushing documents: what is stored, what is refused and recorded, and what a broken body
//! leaves behind.

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use cgt_shared::caseflow::command::{CommandKind, DeviceCommand};
use cgt_shared::caseflow::event::{EventKind, WorkflowEvent};
use cgt_shared::doc::commands::append_command;
use cgt_shared::doc::device_actor;
use cgt_shared::doc::report_part::write_report;
use cgt_shared::doc::workflow::append_event;
use cgt_shared::wire::{self, DocOutcome, DocPush, PushFrame, encode, encode_frames};
use cgt_shared::{DocId, Timestamp};
use common::{Server, after, new_doc, report};
use serde_json::json;

#[tokio::test]
async fn a_new_report_is_stored_once_and_visible() {
    let server = Server::new();
    let admin = server.login("admin", None).await;
    let insp = server.login("insp1", Some("Mate 60")).await;
    let r = report(&insp);
    let (mut doc, push) = new_doc(&r);

    let first = server.push_docs(&insp, 0, vec![push.clone()]).await;
    assert_eq!(first.outcomes, vec![DocOutcome::Stored]);
    assert!(first.feed.is_empty(), "the device has what it pushed");
    assert!(first.cursor > 0);

    let view = server.doc(&admin, r.id).await.json();
    assert_eq!(view["report"]["description"], json!(r.description));
    assert_eq!(view["owner_user"], json!(insp.user));
    assert_eq!(view["owner_device"], json!(insp.device.unwrap()));
    assert_eq!(view["status"], "reported");
    let heads = cgt_shared::wire::to_wire(&doc.get_heads());
    assert_eq!(
        view["heads"],
        json!(heads.iter().map(hex::encode).collect::<Vec<_>>())
    );
    let own = server
        .get(&format!("/api/v1/docs/{}", r.id), &insp.token)
        .await;
    assert_eq!(own.status, StatusCode::OK);

    let replay = server.push_docs(&insp, first.cursor, vec![push]).await;
    assert_eq!(replay.outcomes, vec![DocOutcome::Stored]);
    assert_eq!(replay.cursor, first.cursor, "a replay stores nothing");
    assert!(replay.feed.is_empty());
    assert_eq!(server.doc(&admin, r.id).await.json()["seq"], view["seq"]);

    let other = server.login("insp2", Some("Pad")).await;
    let reply = server
        .get(&format!("/api/v1/docs/{}", r.id), &other.token)
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "no existence leak");
}

/// Pushes that must be refused: (name, who pushes, what, expected status).
#[tokio::test]
async fn refused_pushes_are_recorded_and_store_nothing() {
    let server = Server::new();
    let admin = server.login("admin", None).await;
    let insp1 = server.login("insp1", Some("Mate 60")).await;
    let insp1_pad = server.login("insp1", Some("Pad")).await;
    let insp2 = server.login("insp2", Some("Pad")).await;
    let handler = server.login("handler", Some("Phone")).await;

    let stored = report(&insp1);
    let (mut doc, push) = new_doc(&stored);
    assert_eq!(
        server.push_docs(&insp1, 0, vec![push]).await.outcomes,
        vec![DocOutcome::Stored]
    );
    let base = doc.get_heads();
    let mut forged = doc.fork();
    append_event(
        &mut forged,
        &WorkflowEvent {
            kind: EventKind::Other("closed".into()),
            at: Timestamp(1),
            user: None,
            role: None,
            note: "结案".into(),
            command: None,
            data: Default::default(),
        },
    )
    .unwrap();
    forged.commit();
    let mut edited = stored.clone();
    edited.description = "篡改".into();
    let mut edit_by = |device| {
        let mut fork = doc.fork().with_actor(device_actor(device));
        write_report(&mut fork, &edited).unwrap();
        fork.commit();
        after(&mut fork, stored.id, &base)
    };
    let mut impostor = report(&insp1);
    impostor.reporter = insp2.user;
    let mut invalid = report(&insp1);
    invalid.subclass = 99;

    let cases = [
        (
            "forged workflow event",
            &insp1,
            after(&mut forged, stored.id, &base),
            403,
        ),
        (
            "another user's device edits the report",
            &insp2,
            edit_by(insp2.device.unwrap()),
            403,
        ),
        (
            "the same user's other device edits the report",
            &insp1_pad,
            edit_by(insp1_pad.device.unwrap()),
            403,
        ),
        (
            "a new report claiming another user",
            &insp1,
            new_doc(&impostor).1,
            403,
        ),
        (
            "a report from a role that may not report",
            &handler,
            new_doc(&report(&handler)).1,
            403,
        ),
        ("an invalid subclass", &insp1, new_doc(&invalid).1, 422),
    ];
    let before = server.refusals(&admin).await.len();
    for (i, (name, login, push, status)) in cases.into_iter().enumerate() {
        let id = push.id;
        let response = server.push_docs(login, 0, vec![push]).await;
        let [
            DocOutcome::Refused {
                status: got,
                reason,
            },
        ] = response.outcomes.as_slice()
        else {
            panic!("{name}: {:?}", response.outcomes);
        };
        assert_eq!(*got, status, "{name}: {reason}");
        let refusals = server.refusals(&admin).await;
        assert_eq!(refusals.len(), before + i + 1, "{name}");
        assert_eq!(refusals[0]["doc_id"], json!(id), "{name}");
        assert_eq!(refusals[0]["status"], json!(status), "{name}");
        assert_eq!(refusals[0]["user"], json!(login.user), "{name}");
        if id != stored.id {
            assert_eq!(
                server.doc(&admin, id).await.status,
                StatusCode::NOT_FOUND,
                "{name}"
            );
        }
    }
    let view = server.doc(&admin, stored.id).await.json();
    assert_eq!(view["report"]["description"], json!(stored.description));
    assert_eq!(view["events"], json!([]));
}

#[tokio::test]
async fn one_bad_document_does_not_fail_the_others() {
    let server = Server::new();
    let insp = server.login("insp1", Some("Mate 60")).await;
    let mut invalid = report(&insp);
    invalid.description = "   ".into();
    let garbage = DocPush {
        id: DocId::new(),
        base: vec![],
        heads: vec![],
        changes: b"not automerge".to_vec(),
    };
    let docs = vec![
        new_doc(&report(&insp)).1,
        new_doc(&invalid).1,
        garbage,
        new_doc(&report(&insp)).1,
    ];
    let outcomes = server.push_docs(&insp, 0, docs).await.outcomes;
    assert_eq!(outcomes[0], DocOutcome::Stored);
    assert!(matches!(
        outcomes[1],
        DocOutcome::Refused { status: 422, .. }
    ));
    assert!(matches!(
        outcomes[2],
        DocOutcome::Refused { status: 422, .. }
    ));
    assert_eq!(outcomes[3], DocOutcome::Stored);
}

#[tokio::test]
async fn broken_bodies_are_json_errors_and_keep_what_arrived_whole() {
    let server = Server::with(|s| s.max_body_bytes = 64 << 10);
    let insp = server.login("insp1", Some("Mate 60")).await;
    let push_path = wire::PUSH_PATH;
    let r = report(&insp);
    let good = encode(
        &PushFrame {
            docs: vec![new_doc(&r).1],
        },
        3,
    );
    let framed = encode_frames([good.as_slice()]);

    let mut wrong_magic = good.clone();
    wrong_magic[0] = b'X';
    let mut truncated = framed.clone();
    truncated.extend_from_slice(&framed[..framed.len() / 2]);
    let mut oversized_frame = framed.clone();
    oversized_frame.extend_from_slice(&(1u32 << 30).to_le_bytes());
    let cases: [(&str, Vec<u8>, StatusCode); 6] = [
        (
            "garbage",
            b"GET / HTTP/1.1\r\n\r\n".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "a framed non-message",
            encode_frames([b"hello".as_slice()]),
            StatusCode::BAD_REQUEST,
        ),
        (
            "wrong magic",
            encode_frames([wrong_magic.as_slice()]),
            StatusCode::BAD_REQUEST,
        ),
        ("truncated second frame", truncated, StatusCode::BAD_REQUEST),
        (
            "frame larger than allowed",
            oversized_frame,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "body over the limit",
            vec![0u8; 65 << 10],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (name, body, status) in cases {
        let reply = server.sync(push_path, &insp.token, body).await;
        assert_eq!(reply.status, status, "{name}");
        assert!(!reply.error().is_empty(), "{name}");
        let health = server
            .json(axum::http::Method::GET, "/healthz", None, None)
            .await;
        assert_eq!(health.status, StatusCode::OK);
    }
    let admin = server.login("admin", None).await;
    assert_eq!(
        server.doc(&admin, r.id).await.status,
        StatusCode::OK,
        "the whole first frame was kept"
    );

    let r2 = report(&insp);
    let whole = encode_frames([encode(
        &PushFrame {
            docs: vec![new_doc(&r2).1],
        },
        3,
    )
    .as_slice()]);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(whole),
        Ok(vec![7, 0]),
        Err(std::io::Error::other("connection reset")),
    ];
    let reply = server
        .sync(
            push_path,
            &insp.token,
            Body::from_stream(futures::stream::iter(chunks)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        server.doc(&admin, r2.id).await.status,
        StatusCode::OK,
        "kept despite the drop"
    );

    let reply = server
        .sync(&format!("{push_path}?since=soon"), &insp.token, Vec::new())
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let request = axum::http::Request::post(push_path)
        .header("authorization", format!("Bearer {}", insp.token))
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(
        server.call(request).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
}

#[tokio::test]
async fn a_withdrawal_is_answered_and_reaches_the_device_through_the_feed() {
    let server = Server::new();
    let admin = server.login("admin", None).await;
    let insp = server.login("insp1", Some("Mate 60")).await;
    let r = report(&insp);
    let (mut doc, push) = new_doc(&r);
    let first = server.push_docs(&insp, 0, vec![push]).await;

    let base = doc.get_heads();
    let command = DeviceCommand {
        id: uuid::Uuid::now_v7(),
        kind: CommandKind::Withdraw,
        note: "重复上报".into(),
        at: common::timestamp_now(),
    };
    append_command(&mut doc, insp.device.unwrap(), &command).unwrap();
    doc.commit();
    let second = server
        .push_docs(&insp, first.cursor, vec![after(&mut doc, r.id, &base)])
        .await;
    assert_eq!(second.outcomes, vec![DocOutcome::Stored]);
    assert!(second.cursor > first.cursor);
    let [entry] = second.feed.as_slice() else {
        panic!("the answered document is in the feed: {:?}", second.feed);
    };
    assert_eq!(entry.id, r.id);

    let view = server.doc(&admin, r.id).await.json();
    assert_eq!(view["status"], "withdrawn");
    assert_eq!(view["events"][0]["kind"], "Withdrawn");
    assert_eq!(view["events"][0]["command"], json!(command.id));

    let third = server.push_docs(&insp, first.cursor, vec![]).await;
    assert_eq!(
        third.feed.len(),
        1,
        "still listed for a device at the older cursor"
    );
    let fourth = server.push_docs(&insp, second.cursor, vec![]).await;
    assert!(fourth.feed.is_empty());
    assert_eq!(fourth.cursor, second.cursor);
    let from_elsewhere = server.push_docs(&insp, second.cursor + 1000, vec![]).await;
    assert_eq!(
        from_elsewhere.feed.len(),
        1,
        "a cursor of another database gets everything"
    );
    assert_eq!(from_elsewhere.cursor, second.cursor);
}

/// Eight devices of one user each add a command to their own list of the same document at
/// the same time: every one must be stored and answered (no push overwrites another).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_pushes_of_one_document_lose_nothing() {
    let server = std::sync::Arc::new(Server::new());
    let admin = server.login("admin", None).await;
    let owner = server.login("insp1", Some("Mate 60")).await;
    let r = report(&owner);
    let (mut doc, push) = new_doc(&r);
    server.push_docs(&owner, 0, vec![push]).await;
    let base = doc.get_heads();
    let mut commands = Vec::new();
    let mut pushes = Vec::new();
    for i in 0..8 {
        let device = server.login("insp1", Some(&format!("phone {i}"))).await;
        let mut copy = doc.fork().with_actor(device_actor(device.device.unwrap()));
        let command = DeviceCommand {
            id: uuid::Uuid::now_v7(),
            kind: CommandKind::Other(format!("probe-{i}")),
            note: String::new(),
            at: common::timestamp_now(),
        };
        append_command(&mut copy, device.device.unwrap(), &command).unwrap();
        copy.commit();
        commands.push(command.id.to_string());
        pushes.push((device, after(&mut copy, r.id, &base)));
    }
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(pushes.len()));
    let tasks: Vec<_> = pushes
        .into_iter()
        .map(|(device, push)| {
            let (server, start) = (server.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                server.push_docs(&device, 0, vec![push]).await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().outcomes, vec![DocOutcome::Stored]);
    }
    let view = server.doc(&admin, r.id).await.json();
    let mut answered: Vec<String> = view["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["command"].as_str().unwrap().to_string())
        .collect();
    answered.sort();
    commands.sort();
    assert_eq!(answered, commands);
}
