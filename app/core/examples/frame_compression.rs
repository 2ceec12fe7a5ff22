//! Measures the zstd level for push frames: encoded size and encoding time of ~256 KB frames
//! of realistic new reports and of edits, per level. Run:
//! `cargo run -p cgt-client --release --example frame_compression`.

use automerge::AutoCommit;
use cgt_shared::doc::{new_report_doc, report_part::write_report};
use cgt_shared::plan::{DEFAULT_FRAME_BYTES, frame_ranges};
use cgt_shared::report::PhotoRef;
use cgt_shared::wire::{self, DocPush, PushFrame, from_wire, to_wire};
use cgt_shared::{DeviceId, DocId, Kind, Position, Report, Timestamp, UserId};
use rand::Rng;
use std::time::Instant;

const PLACES: &[&str] = &[
    "人民路与干将路交叉口",
    "观前街北侧",
    "石路步行街入口",
    "平江路12号门前",
    "十全街东段",
    "养育巷公交站旁",
    "凤凰街菜场门口",
    "南门路桥下",
    "三香路小区北门",
    "金门路人行道",
];
const PROBLEMS: &[&str] = &[
    "暴露垃圾约两平方米,已有异味",
    "井盖破损,存在塌陷危险",
    "占道经营,影响行人通行",
    "共享单车乱停放,堵塞盲道",
    "小广告张贴于电线杆",
    "绿化带内堆放建筑垃圾",
    "路灯不亮已三天",
    "护栏倾斜,需尽快修复",
    "道路不洁,油污面积较大",
];

fn random_report(rng: &mut impl Rng, reporter: UserId, device: DeviceId) -> Report {
    let photos = (0..rng.random_range(1..4))
        .map(|_| PhotoRef {
            sha256: (0..32)
                .map(|_| format!("{:02x}", rng.random::<u8>()))
                .collect(),
        })
        .collect();
    Report {
        id: DocId::new(),
        kind: Kind::Event,
        class: 1,
        subclass: rng.random_range(1..7),
        description: format!(
            "{}{}",
            PLACES[rng.random_range(0..PLACES.len())],
            PROBLEMS[rng.random_range(0..PROBLEMS.len())]
        ),
        position: Position::new(
            31.30 + rng.random::<f64>() * 0.03,
            120.60 + rng.random::<f64>() * 0.03,
            rng.random_range(3.0..25.0),
        ),
        unit_grid: format!("320508001001{:03}", rng.random_range(1..200))
            .parse()
            .unwrap(),
        component_id: None,
        photos,
        reporter,
        device,
        device_time: Timestamp(1_790_000_000_000 + rng.random_range(0..86_400_000)),
        self_handled: rng.random_bool(0.2),
    }
}

/// Documents of one device: whole new reports, or the changes of one edit of each.
fn pushes(edits: bool) -> Vec<DocPush> {
    let mut rng = rand::rng();
    let (reporter, device) = (UserId::new(), DeviceId::new());
    let mut out = Vec::new();
    let mut bytes = 0;
    while bytes < 2 * DEFAULT_FRAME_BYTES {
        let mut report = random_report(&mut rng, reporter, device);
        let mut doc: AutoCommit = new_report_doc(&report).unwrap();
        let push = if edits {
            let base = doc.get_heads();
            report.description.push_str(",已通知物业");
            report.self_handled = !report.self_handled;
            write_report(&mut doc, &report).unwrap();
            doc.commit();
            DocPush {
                id: report.id,
                base: to_wire(&base),
                heads: to_wire(&doc.get_heads()),
                changes: doc.save_after(&from_wire(&to_wire(&base))),
            }
        } else {
            DocPush {
                id: report.id,
                base: Vec::new(),
                heads: Vec::new(),
                changes: doc.save(),
            }
        };
        bytes += push.changes.len();
        out.push(push);
    }
    out
}

fn first_frame(docs: Vec<DocPush>) -> PushFrame {
    let sizes: Vec<usize> = docs.iter().map(|d| d.changes.len()).collect();
    let first = frame_ranges(&sizes, DEFAULT_FRAME_BYTES)[0].clone();
    PushFrame {
        docs: docs.into_iter().take(first.len()).collect(),
    }
}

fn main() {
    for (name, edits) in [("new reports", false), ("edits", true)] {
        let frame = first_frame(pushes(edits));
        let raw = wire::encode(&frame, 0).len();
        let plain: usize = frame.docs.iter().map(|d| d.changes.len()).sum();
        println!(
            "{name}: {} documents, {plain} change bytes, postcard+zstd(0) {raw} bytes",
            frame.docs.len()
        );
        println!("level      bytes   ratio   ms/frame");
        for level in [1, 3, 6, 9, 12, 15, 16, 17, 18, 19] {
            let runs = 5;
            let started = Instant::now();
            let mut size = 0;
            for _ in 0..runs {
                size = wire::encode(&frame, level).len();
            }
            let ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
            println!(
                "{level:>5} {size:>10} {:>7.3} {ms:>10.1}",
                size as f64 / plain as f64
            );
        }
    }
}
