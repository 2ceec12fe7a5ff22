//! Photos: resumable uploads after the report that references them, verified on arrival,
//! stored once, and shown only to those who may read such a report.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cgt_shared::DocId;
use cgt_shared::report::PhotoRef;
use common::{Login, Reply, Server, new_doc, report};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, Rgb, RgbImage};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;

const CHUNK: usize = 256 << 10;

/// A real JPEG of noise: large (about 1 MB) because noise does not compress.
fn noisy_jpeg(seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let image = RgbImage::from_fn(800, 600, |_, _| Rgb(rng.random()));
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image)
        .unwrap();
    out
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Pushes a report by `login` referencing `photos`; returns its id.
async fn report_with(server: &Server, login: &Login, photos: &[&[u8]]) -> DocId {
    let mut r = report(login);
    r.photos = photos.iter().map(|p| PhotoRef { sha256: sha(p) }).collect();
    let (_, push) = new_doc(&r);
    let answer = server.push_docs(login, 0, vec![push]).await;
    assert_eq!(answer.outcomes, vec![cgt_shared::wire::DocOutcome::Stored]);
    r.id
}

async fn start(server: &Server, login: &Login, hash: &str, size: usize) -> Reply {
    server
        .json(
            Method::POST,
            &format!("/api/v1/photos/{hash}/upload"),
            Some(&login.token),
            Some(json!({ "size": size })),
        )
        .await
}

async fn patch(server: &Server, login: &Login, hash: &str, offset: usize, chunk: &[u8]) -> Reply {
    let request = Request::builder()
        .method(Method::PATCH)
        .uri(format!("/api/v1/photos/{hash}"))
        .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
        .header(header::CONTENT_TYPE, "application/offset+octet-stream")
        .header("Upload-Offset", offset.to_string())
        .body(Body::from(chunk.to_vec()))
        .unwrap();
    server.call(request).await
}

/// Sends `photo` from `offset` on, chunk by chunk; returns the last answer.
async fn send_from(server: &Server, login: &Login, photo: &[u8], mut offset: usize) -> Value {
    let hash = sha(photo);
    loop {
        let end = (offset + CHUNK).min(photo.len());
        let reply = patch(server, login, &hash, offset, &photo[offset..end]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.error());
        let answer = reply.json();
        offset = answer["offset"].as_u64().unwrap() as usize;
        if answer["complete"] == json!(true) {
            return answer;
        }
        assert_eq!(offset, end);
    }
}

/// Stored photo files: `photos/ab/cd/<sha256>.jpg`, without partial uploads and thumbnails.
fn stored_files(data_dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let root = data_dir.join("photos");
    for a in std::fs::read_dir(&root).unwrap() {
        let a = a.unwrap().path();
        let name = a.file_name().unwrap().to_string_lossy().to_string();
        if name == "partial" || name == "thumbs" {
            continue;
        }
        for b in std::fs::read_dir(&a).unwrap() {
            for file in std::fs::read_dir(b.unwrap().path()).unwrap() {
                found.push(file.unwrap().path());
            }
        }
    }
    found
}

fn arrived(view: &Value) -> Vec<(String, bool)> {
    view["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["sha256"].as_str().unwrap().to_string(),
                p["arrived"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_photo_goes_up_in_chunks_resumes_and_is_stored_once() {
    let server = Server::new();
    let admin = server.login("admin", None).await;
    let insp = server.login("insp1", Some("Mate 60")).await;
    let photo = noisy_jpeg(1);
    let other = noisy_jpeg(2);
    assert!(photo.len() > 3 * CHUNK, "{}", photo.len());
    let hash = sha(&photo);
    let id = report_with(&server, &insp, &[&photo, &other]).await;
    let view = server.doc(&admin, id).await.json();
    assert_eq!(
        arrived(&view),
        vec![(hash.clone(), false), (sha(&other), false)]
    );

    let started = start(&server, &insp, &hash, photo.len()).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.error());
    assert_eq!(
        started.json(),
        json!({ "offset": 0, "size": photo.len(), "max_bytes": 8 << 20,
                "chunk_bytes": CHUNK, "complete": false })
    );
    let first = patch(&server, &insp, &hash, 0, &photo[..CHUNK]).await;
    assert_eq!(first.json()["offset"], json!(CHUNK));
    assert_eq!(first.json()["complete"], json!(false));

    // The connection dropped; the device asks where to go on.
    let resumed = start(&server, &insp, &hash, photo.len()).await.json();
    assert_eq!(resumed["offset"], json!(CHUNK));
    let last = send_from(&server, &insp, &photo, CHUNK).await;
    assert_eq!(last["offset"], json!(photo.len()));

    let files = stored_files(server.dir.path());
    assert_eq!(files.len(), 1);
    assert_eq!(std::fs::read(&files[0]).unwrap(), photo);
    assert!(files[0].ends_with(format!("{}/{}/{hash}.jpg", &hash[..2], &hash[2..4])));
    assert_eq!(
        std::fs::read_dir(server.dir.path().join("photos/partial"))
            .unwrap()
            .count(),
        0
    );
    let view = server.doc(&admin, id).await.json();
    assert_eq!(
        arrived(&view),
        vec![(hash.clone(), true), (sha(&other), false)]
    );

    // The same photo again, by another inspector in another report: nothing to send.
    let insp2 = server.login("insp2", Some("Pad")).await;
    report_with(&server, &insp2, &[&photo]).await;
    let again = start(&server, &insp2, &hash, photo.len()).await.json();
    assert_eq!(again["complete"], json!(true));
    assert_eq!(again["offset"], json!(photo.len()));
    // A resent last chunk whose answer was lost is answered as complete.
    let resent = patch(
        &server,
        &insp,
        &hash,
        photo.len() - 10,
        &photo[photo.len() - 10..],
    )
    .await;
    assert_eq!(resent.json()["complete"], json!(true));
    assert_eq!(stored_files(server.dir.path()).len(), 1, "stored once");
}

#[tokio::test]
async fn a_chunk_at_the_wrong_offset_is_told_where_to_go_on() {
    let server = Server::new();
    let insp = server.login("insp1", Some("Mate 60")).await;
    let photo = noisy_jpeg(3);
    let hash = sha(&photo);
    report_with(&server, &insp, &[&photo]).await;
    start(&server, &insp, &hash, photo.len()).await;
    patch(&server, &insp, &hash, 0, &photo[..CHUNK]).await;

    for wrong in [0, CHUNK + 1, 2 * CHUNK] {
        let reply = patch(&server, &insp, &hash, wrong, &photo[wrong..wrong + 100]).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "at {wrong}");
        assert_eq!(reply.json()["offset"], json!(CHUNK));
        assert!(
            reply.error().starts_with("上传位置不一致"),
            "{}",
            reply.error()
        );
    }
    let answer = send_from(&server, &insp, &photo, CHUNK).await;
    assert_eq!(answer["complete"], json!(true));
}

#[tokio::test]
async fn bytes_that_do_not_match_the_name_are_discarded() {
    let server = Server::new();
    let admin = server.login("admin", None).await;
    let insp = server.login("insp1", Some("Mate 60")).await;
    let photo = noisy_jpeg(4);
    let hash = sha(&photo);
    let id = report_with(&server, &insp, &[&photo]).await;
    let mut damaged = photo.clone();
    damaged[CHUNK + 7] ^= 0x40;

    start(&server, &insp, &hash, photo.len()).await;
    let mut offset = 0;
    let last = loop {
        let end = (offset + CHUNK).min(photo.len());
        let reply = patch(&server, &insp, &hash, offset, &damaged[offset..end]).await;
        if end == photo.len() {
            break reply;
        }
        offset = end;
    };
    assert_eq!(last.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(last.error().starts_with("照片校验失败"), "{}", last.error());
    assert!(stored_files(server.dir.path()).is_empty());
    assert_eq!(
        std::fs::read_dir(server.dir.path().join("photos/partial"))
            .unwrap()
            .count(),
        0,
        "the partial upload is gone"
    );
    assert_eq!(
        arrived(&server.doc(&admin, id).await.json()),
        vec![(hash.clone(), false)]
    );

    let restarted = start(&server, &insp, &hash, photo.len()).await.json();
    assert_eq!(restarted["offset"], json!(0));
    assert_eq!(
        send_from(&server, &insp, &photo, 0).await["complete"],
        json!(true)
    );
    assert_eq!(
        arrived(&server.doc(&admin, id).await.json()),
        vec![(hash, true)]
    );
}

#[tokio::test]
async fn the_size_limit_is_stated_before_any_byte_is_sent() {
    let server = Server::with(|s| s.max_photo_bytes = 1 << 20);
    let insp = server.login("insp1", Some("Mate 60")).await;
    let photo = noisy_jpeg(5);
    let hash = sha(&photo);
    report_with(&server, &insp, &[&photo]).await;

    let reply = start(&server, &insp, &hash, (1 << 20) + 1).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.json()["max_bytes"], json!(1 << 20));
    assert!(
        reply.error().contains("服务器上限 1 MB"),
        "{}",
        reply.error()
    );
    let nothing = patch(&server, &insp, &hash, 0, &photo[..100]).await;
    assert_eq!(
        nothing.status,
        StatusCode::NOT_FOUND,
        "no upload was started"
    );

    let small = &photo[..CHUNK * 2];
    let started = start(&server, &insp, &hash, small.len()).await.json();
    assert_eq!(started["max_bytes"], json!(1 << 20));
    let big_chunk = patch(&server, &insp, &hash, 0, &small[..CHUNK + 1]).await;
    assert_eq!(big_chunk.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big_chunk.json()["chunk_bytes"], json!(CHUNK));
}

#[tokio::test]
async fn only_photos_of_reports_the_uploader_may_read_are_accepted() {
    let server = Server::new();
    let insp1 = server.login("insp1", Some("Mate 60")).await;
    let insp2 = server.login("insp2", Some("Pad")).await;
    let photo = noisy_jpeg(6);
    let hash = sha(&photo);

    let unreferenced = start(&server, &insp1, &hash, photo.len()).await;
    assert_eq!(unreferenced.status, StatusCode::FORBIDDEN);
    assert!(
        unreferenced.error().contains("请先同步上报"),
        "{}",
        unreferenced.error()
    );

    report_with(&server, &insp1, &[&photo]).await;
    let stranger = start(&server, &insp2, &hash, photo.len()).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    let stranger_chunk = patch(&server, &insp2, &hash, 0, &photo[..CHUNK]).await;
    assert_eq!(stranger_chunk.status, StatusCode::FORBIDDEN);
    assert_eq!(
        start(&server, &insp1, &hash, photo.len()).await.status,
        StatusCode::OK
    );

    let console = server.login("insp1", None).await;
    let no_device = start(&server, &console, &hash, photo.len()).await;
    assert_eq!(no_device.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn photos_are_shown_to_readers_and_admins_only() {
    let server = Server::new();
    let insp = server.login("insp1", Some("Mate 60")).await;
    let photo = noisy_jpeg(7);
    let hash = sha(&photo);
    report_with(&server, &insp, &[&photo]).await;
    let path = format!("/api/v1/photos/{hash}");
    let thumb_path = format!("{path}/thumb");
    assert_eq!(
        server.get(&path, &insp.token).await.status,
        StatusCode::NOT_FOUND,
        "not yet uploaded"
    );

    start(&server, &insp, &hash, photo.len()).await;
    send_from(&server, &insp, &photo, 0).await;
    let admin = server.login("admin", None).await;
    let console = server.login("insp1", None).await;
    for reader in [&insp, &admin, &console] {
        let reply = server.get(&path, &reader.token).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.content_type.as_deref(), Some("image/jpeg"));
        assert_eq!(reply.body, photo);
        let thumb = server.get(&thumb_path, &reader.token).await;
        assert_eq!(thumb.status, StatusCode::OK);
        let small = image::load_from_memory_with_format(&thumb.body, ImageFormat::Jpeg).unwrap();
        assert_eq!((small.width(), small.height()), (320, 240));
    }
    assert_eq!(
        std::fs::read_dir(server.dir.path().join("photos/thumbs"))
            .unwrap()
            .count(),
        1,
        "the thumbnail is made once and cached"
    );

    let stranger = server.login("insp2", Some("Pad")).await;
    for p in [&path, &thumb_path] {
        let reply = server.get(p, &stranger.token).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{p}");
        assert_eq!(reply.error(), "照片不存在 (no such photo)");
    }
    let unknown = format!("/api/v1/photos/{}", "0".repeat(64));
    assert_eq!(
        server.get(&unknown, &admin.token).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn malformed_photo_requests_are_refused_as_json() {
    let server = Server::new();
    let insp = server.login("insp1", Some("Mate 60")).await;
    let photo = noisy_jpeg(8);
    let hash = sha(&photo);
    report_with(&server, &insp, &[&photo]).await;

    let check = |reply: Reply, status: StatusCode, fragment: &str| {
        assert_eq!(
            reply.status,
            status,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        assert!(
            reply.error().contains(fragment),
            "{} lacks {fragment}",
            reply.error()
        );
    };
    check(
        start(&server, &insp, &hash.to_uppercase(), 10).await,
        StatusCode::BAD_REQUEST,
        "照片摘要无效",
    );
    check(
        start(&server, &insp, "abc", 10).await,
        StatusCode::BAD_REQUEST,
        "照片摘要无效",
    );
    check(
        start(&server, &insp, &hash, 0).await,
        StatusCode::BAD_REQUEST,
        "大于 0",
    );
    let negative = server
        .json(
            Method::POST,
            &format!("/api/v1/photos/{hash}/upload"),
            Some(&insp.token),
            Some(json!({ "size": -5 })),
        )
        .await;
    assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
    let anonymous = server
        .json(
            Method::POST,
            &format!("/api/v1/photos/{hash}/upload"),
            None,
            Some(json!({ "size": 5 })),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    check(
        patch(&server, &insp, &hash, 0, &photo[..10]).await,
        StatusCode::NOT_FOUND,
        "没有进行中的上传",
    );

    start(&server, &insp, &hash, photo.len()).await;
    let raw = |offset: Option<&str>, content_type: &str, body: Vec<u8>| {
        let mut request = Request::builder()
            .method(Method::PATCH)
            .uri(format!("/api/v1/photos/{hash}"))
            .header(header::AUTHORIZATION, format!("Bearer {}", insp.token))
            .header(header::CONTENT_TYPE, content_type);
        if let Some(offset) = offset {
            request = request.header("Upload-Offset", offset);
        }
        request.body(Body::from(body)).unwrap()
    };
    let octets = "application/offset+octet-stream";
    check(
        server.call(raw(None, octets, photo[..10].to_vec())).await,
        StatusCode::BAD_REQUEST,
        "Upload-Offset",
    );
    check(
        server
            .call(raw(Some("-1"), octets, photo[..10].to_vec()))
            .await,
        StatusCode::BAD_REQUEST,
        "Upload-Offset",
    );
    check(
        server
            .call(raw(Some("0"), "image/jpeg", photo[..10].to_vec()))
            .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "offset+octet-stream",
    );
    check(
        server.call(raw(Some("0"), octets, Vec::new())).await,
        StatusCode::BAD_REQUEST,
        "为空",
    );
    check(
        server
            .call(raw(Some("0"), octets, b"GIF89a".to_vec()))
            .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "不是 JPEG",
    );

    // A device that claims another size starts over; chunks may not pass the claimed size.
    let restarted = start(&server, &insp, &hash, 1000).await.json();
    assert_eq!(
        (restarted["offset"].as_u64(), restarted["size"].as_u64()),
        (Some(0), Some(1000))
    );
    // The first chunk must hold the JPEG frame header, whose size is checked then.
    check(
        patch(&server, &insp, &hash, 0, &photo[..10]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "第一个数据块",
    );
    assert_eq!(
        patch(&server, &insp, &hash, 0, &photo[..600]).await.status,
        StatusCode::OK
    );
    check(
        patch(&server, &insp, &hash, 600, &photo[600..1100]).await,
        StatusCode::BAD_REQUEST,
        "超出照片大小",
    );
}

#[tokio::test]
async fn what_a_crash_left_behind_is_recovered_or_restarted() {
    let server = Server::new();
    let insp = server.login("insp1", Some("Mate 60")).await;
    let (stored, partial) = (noisy_jpeg(9), noisy_jpeg(10));
    let (stored_hash, partial_hash) = (sha(&stored), sha(&partial));
    report_with(&server, &insp, &[&stored, &partial]).await;
    let photos = server.dir.path().join("photos");

    // Renamed into place, then the server died before recording it.
    let dir = photos.join(&stored_hash[..2]).join(&stored_hash[2..4]);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{stored_hash}.jpg")), &stored).unwrap();
    let adopted = start(&server, &insp, &stored_hash, stored.len())
        .await
        .json();
    assert_eq!(adopted["complete"], json!(true));
    assert_eq!(
        server
            .get(&format!("/api/v1/photos/{stored_hash}"), &insp.token)
            .await
            .body,
        stored
    );

    // The partial file vanished under a recorded upload.
    start(&server, &insp, &partial_hash, partial.len()).await;
    patch(&server, &insp, &partial_hash, 0, &partial[..CHUNK]).await;
    std::fs::remove_file(photos.join(format!("partial/{partial_hash}.part"))).unwrap();
    let lost = patch(
        &server,
        &insp,
        &partial_hash,
        CHUNK,
        &partial[CHUNK..2 * CHUNK],
    )
    .await;
    assert_eq!(lost.status, StatusCode::NOT_FOUND);
    let again = start(&server, &insp, &partial_hash, partial.len())
        .await
        .json();
    assert_eq!(again["offset"], json!(0));
    assert_eq!(
        send_from(&server, &insp, &partial, 0).await["complete"],
        json!(true)
    );
}
