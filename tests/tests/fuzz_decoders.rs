//! The bounded fuzz run of the suite: every decoder of outside bytes (`cgt_server::fuzzing`, the
//! same entry points the `cargo fuzz` targets in `fuzz/` drive for longer runs) gets random and
//! mutated input, and must answer without panicking; the Open311 XML it writes must stay
//! well-formed. Mutated Automerge chunks are re-framed with valid checksums, so Automerge really
//! parses them behind the budget.

use cgt_server::fuzzing::{
    Merged, merge_changes, open311_request, osmand_query, pending_header, photo_upload, push_frame,
    track_segment,
};
use cgt_shared::track::{TrackPoint, codec};
use cgt_shared::wire::{self, DocPush, PushFrame};
use cgt_shared::{DocId, Timestamp};

use cgt_tests::sample_docs::{
    big_doc, mutated_chunk, overwritten, rich_doc, small_doc, split_chunks,
};
use proptest::prelude::*;
use proptest::sample::Index;
use std::sync::OnceLock;

const CASES: u32 = 2_000;

/// Honest chunks of every kind: whole saves and single change chunks.
fn chunks() -> &'static Vec<Vec<u8>> {
    static CHUNKS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CHUNKS.get_or_init(|| {
        let (mut small, mut rich) = (small_doc(), rich_doc());
        let mut all = vec![small.save(), rich.save(), big_doc().save()];
        for bytes in [small.save_after(&[]), rich.save_after(&[])] {
            all.extend(split_chunks(&bytes).into_iter().map(<[u8]>::to_vec));
        }
        all
    })
}

fn segment() -> Vec<u8> {
    let points: Vec<TrackPoint> = (0..50)
        .map(|s| TrackPoint {
            at: Timestamp(1_795_400_000_000 + s * 2_000),
            lat: 31.3 + s as f64 * 1e-5,
            lon: 120.6,
            accuracy_m: 5.0,
            speed_mps: Some(1.2),
            mock: false,
        })
        .collect();
    codec::encode(&points)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn pushed_changes_never_panic(
        sample in any::<Index>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        random in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let chunks = chunks();
        let mutated = mutated_chunk(&chunks[sample.index(chunks.len())], &edits);
        prop_assert_eq!(merge_changes(&mutated).len(), 2);
        prop_assert_eq!(merge_changes(&random).len(), 2);
    }

    #[test]
    fn push_frames_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        random in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let frame = PushFrame {
            docs: vec![DocPush { id: DocId::new(), base: vec![], heads: vec![], changes: small_doc().save() }],
        };
        let encoded = wire::encode(&frame, 3);
        let _ = push_frame(&overwritten(encoded, &edits));
        let _ = push_frame(&random);
    }

    #[test]
    fn osmand_queries_never_panic(query in "[a-z=&0-9.:+%eE-]{0,120}", raw in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = osmand_query(query.as_bytes());
        let _ = osmand_query(&raw);
        let full = format!("id=ZT&key=k&lat=31.3&lon=120.6&{query}");
        if let Some(report) = osmand_query(full.as_bytes()) {
            prop_assert!(report.point.validate().is_ok());
        }
    }

    #[test]
    fn open311_forms_write_well_formed_xml(description in any::<String>(), raw in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = open311_request(&raw);
        let form = serde_urlencoded::to_string([("service_code", "event-01-02"), ("description", description.as_str())])
            .expect("a form encodes");
        let xml = open311_request(form.as_bytes()).expect("the form parses");
        prop_assert!(roxmltree::Document::parse(&xml).is_ok(), "{}", xml);
    }

    #[test]
    fn pending_headers_never_panic(value in ".{0,80}", raw in proptest::collection::vec(any::<u8>(), 0..120)) {
        let _ = pending_header(value.as_bytes());
        let _ = pending_header(&raw);
    }

    #[test]
    fn photo_uploads_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<Index>(),
    ) {
        let jpeg = cgt_photo::sample::street_scene_jpeg(64, 48, 80, 1);
        let mutated = overwritten(jpeg, &edits);
        let _ = photo_upload(&mutated[..cut.index(mutated.len()) + 1]);
        let _ = photo_upload(&mutated);
    }

    #[test]
    fn track_segments_never_panic(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        random in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let _ = track_segment(&overwritten(segment(), &edits));
        let _ = track_segment(&random);
    }
}

#[test]
fn honest_input_passes_every_decoder() {
    // A document that is no report is refused as such (not as damaged or oversized), once as
    // a new document and once against the stored report.
    for merged in merge_changes(&small_doc().save()) {
        let Merged::Refused { status, reason, .. } = merged else {
            panic!("a document without a report part was stored");
        };
        assert!(status == 422 || status == 403, "{status} {reason}");
        assert!(
            !reason.contains("变更过大") && !reason.contains("损坏"),
            "{reason}"
        );
    }
    assert_eq!(track_segment(&segment()), 50);
    let report =
        osmand_query(b"id=ZT&key=k&lat=31.3&lon=120.6&speed=10&bearing=90").expect("valid");
    assert_eq!(report.bearing, Some(90.0));
    let counts = pending_header(b"reports=2;photos=3;photo_bytes=10;track_segments=1;failed=0")
        .expect("valid header");
    assert_eq!((counts.reports, counts.photos), (2, 3));
    assert!(photo_upload(&cgt_photo::sample::street_scene_jpeg(
        64, 48, 80, 1
    )));
    assert!(!photo_upload(&cgt_tests::bombs::jpeg_declaring(
        60_000, 60_000
    )));
}
