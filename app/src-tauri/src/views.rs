//! What the commands hand the UI: serializable views built from the client library's types,
//! with the labels the screens show already in zh-CN.

use cgt_client::{
    ClientError, LastSync, PatrolSummary, PendingItem, PendingPhoto, PhotoState, ReferenceState,
    ReportView, Session, SyncProgress, SyncReport, SyncState, UnitGridView, WorkGridView,
};
use cgt_shared::{CategoryTable, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

/// What the app needs at start: who is logged in, and the configured defaults.
#[derive(Debug, Serialize, ToSchema)]
pub struct Startup {
    pub session: Option<Session>,
    pub default_server_url: String,
    pub accuracy_warning_m: f64,
}

/// The current position with its accuracy and, from the offline grid data, its unit grid.
#[derive(Debug, Serialize, ToSchema)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    /// The accuracy radius is above the configured threshold (定位精度差).
    pub accuracy_warning: bool,
    pub unit_grid: Option<GridLabel>,
}

/// A unit grid (单元网格) with the names the inspector knows it by.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GridLabel {
    pub code: String,
    pub street: String,
    pub community: String,
}

impl GridLabel {
    pub fn of(grid: &UnitGridView) -> GridLabel {
        GridLabel {
            code: grid.code.to_string(),
            street: grid.street.clone(),
            community: grid.community.clone(),
        }
    }

    /// The unit grid `code` among the inspector's work grids, with bare code as fallback.
    pub fn find(work_grids: &[WorkGridView], code: &str) -> GridLabel {
        work_grids
            .iter()
            .flat_map(|w| &w.unit_grids)
            .find(|g| g.code.as_str() == code)
            .map_or_else(
                || GridLabel {
                    code: code.to_string(),
                    street: String::new(),
                    community: String::new(),
                },
                GridLabel::of,
            )
    }
}

/// One line of 我的上报.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportItem {
    pub id: String,
    /// e.g. `事件 · 市容环境 · 暴露垃圾`.
    pub category: String,
    pub description: String,
    pub device_time: Timestamp,
    /// The case status as the server's workflow reports it (已上报, 已撤回, …).
    pub status: String,
    pub sync: SyncState,
    /// 待上传 / 已上传 / 被拒收.
    pub sync_label: String,
    pub error: Option<String>,
    pub self_handled: bool,
    pub unit_grid: String,
    pub photo_count: usize,
}

impl ReportItem {
    pub fn of(view: &ReportView, table: &CategoryTable) -> ReportItem {
        let report = &view.report;
        ReportItem {
            id: report.id.to_string(),
            category: category_label(table, report.kind, report.class, report.subclass),
            description: report.description.clone(),
            device_time: report.device_time,
            status: view.status.label().to_string(),
            sync: view.sync,
            sync_label: sync_label(view.sync).to_string(),
            error: view.error.clone(),
            self_handled: report.self_handled,
            unit_grid: report.unit_grid.to_string(),
            photo_count: report.photos.len(),
        }
    }
}

/// A report with its position, component and photos, for the detail screen.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetail {
    pub item: ReportItem,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub component_id: Option<String>,
    pub received_at: Option<Timestamp>,
    pub photos: Vec<PhotoView>,
}

/// A photo of a report as held on this device.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoView {
    pub sha256: String,
    /// `data:image/jpeg;base64,…`, or `None` when the photo was taken on another device.
    pub data_url: Option<String>,
    /// 已上传, or 待上传 with how far the upload got.
    pub state: String,
}

impl PhotoView {
    pub fn state_label(pending: Option<&PendingPhoto>) -> String {
        match pending {
            None => "已上传".into(),
            Some(p) if p.state == PhotoState::Failed => "上传失败".into(),
            Some(p) => format!("待上传 {}/{}", human_bytes(p.uploaded), human_bytes(p.size)),
        }
    }
}

/// Everything the 同步 screen shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncOverview {
    pub pending: Vec<PendingItem>,
    pub photos: Vec<PendingPhoto>,
    /// Photo bytes still to send.
    pub photo_bytes: u64,
    pub last: Option<LastSync>,
    pub reference: ReferenceState,
    pub running: bool,
    pub progress: SyncProgress,
}

/// The outcome of one sync, as the `sync-finished` event and the 立即同步 button report it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SyncOutcome {
    pub ok: bool,
    pub message: String,
}

impl SyncOutcome {
    pub fn of(result: Result<&SyncReport, &ClientError>) -> SyncOutcome {
        match result {
            Ok(report) => SyncOutcome {
                ok: true,
                message: sync_summary(report),
            },
            Err(e) => SyncOutcome {
                ok: false,
                message: e.to_string(),
            },
        }
    }
}

fn sync_summary(report: &SyncReport) -> String {
    let mut parts = vec![format!("上传 {} 条", report.stored)];
    if report.photos_uploaded > 0 {
        parts.push(format!("照片 {} 张", report.photos_uploaded));
    }
    if report.pulled > 0 {
        parts.push(format!("收到更新 {} 条", report.pulled));
    }
    if !report.refused.is_empty() {
        parts.push(format!("被拒收 {} 条", report.refused.len()));
    }
    if report.photos_waiting > 0 {
        parts.push(format!("仍有 {} 张照片待上传", report.photos_waiting));
    }
    format!("同步完成: {}", parts.join(","))
}

pub fn category_label(
    table: &CategoryTable,
    kind: cgt_shared::Kind,
    class: u8,
    subclass: u8,
) -> String {
    let class_name = table
        .class(kind, class)
        .map_or_else(|_| format!("{class:02}"), |c| c.name.clone());
    let subclass_name = table
        .subclass(kind, class, subclass)
        .map_or_else(|_| format!("{subclass:02}"), |s| s.name.clone());
    format!("{} · {class_name} · {subclass_name}", kind.label())
}

fn sync_label(state: SyncState) -> &'static str {
    match state {
        SyncState::Pending => "待上传",
        SyncState::Synced => "已上传",
        SyncState::Refused => "被拒收",
    }
}

/// Bytes as the inspector reads them: `812 B`, `35.2 KB`, `1.4 MB`.
pub fn human_bytes(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

/// 巡查: today's patrol (the open shift, or the last one started today) and whether the
/// recorder is working, with the reason in plain words when it is not.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatrolView {
    /// Today's shift and its figures; `None` before the first 上班.
    pub today: Option<PatrolSummary>,
    pub on_shift: bool,
    /// The summary's verdict, and also false while the recorder's last sample failed.
    pub recording_healthy: bool,
    /// 正在记录 / 已下班 / why recording is not healthy.
    pub recording_label: String,
    /// How often the recorder samples the position, in seconds.
    pub interval_s: f64,
}

impl PatrolView {
    /// `problem` is the recorder's reason the last sample was not stored, if any.
    pub fn of(today: Option<PatrolSummary>, problem: Option<String>, interval_s: f64) -> Self {
        let on_shift = today.as_ref().is_some_and(|s| s.shift.ended_at.is_none());
        let (recording_healthy, recording_label) = match &today {
            None => (true, "未上班".to_string()),
            Some(_) if !on_shift => (true, "已下班,记录已停止".to_string()),
            Some(_) if problem.is_some() => (false, problem.unwrap_or_default()),
            Some(s) if s.points == 0 => (false, "尚未记录到位置".to_string()),
            Some(s) if s.recording_healthy => (true, "正在记录".to_string()),
            Some(_) => (false, "超过 90 秒未记录到新位置".to_string()),
        };
        PatrolView {
            today,
            on_shift,
            recording_healthy,
            recording_label,
            interval_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cgt_shared::Kind;

    #[test]
    fn labels_read_as_the_inspector_expects() {
        let table = CategoryTable::builtin();
        assert_eq!(
            category_label(table, Kind::Event, 1, 2),
            "事件 · 市容环境 · 暴露垃圾"
        );
        assert_eq!(
            category_label(table, Kind::Component, 1, 99),
            "部件 · 公用设施 · 99"
        );
        let sizes: Vec<String> = [812, 36_045, 1_468_006].map(human_bytes).to_vec();
        assert_eq!(sizes, ["812 B", "35.2 KB", "1.4 MB"]);
        let summary = sync_summary(&SyncReport {
            stored: 2,
            photos_uploaded: 3,
            photos_waiting: 1,
            ..SyncReport::default()
        });
        assert_eq!(summary, "同步完成: 上传 2 条,照片 3 张,仍有 1 张照片待上传");
    }

    #[test]
    fn patrol_health_says_why_recording_is_not_working() {
        let summary = PatrolSummary {
            shift: cgt_client::Shift {
                // The uuid type is the client's; read one rather than depend on the crate.
                id: serde_json::from_str("\"0191d0e2-7b1c-7a00-8000-000000000007\"").unwrap(),
                started_at: Timestamp(1_000),
                ended_at: None,
            },
            distance_m: 12.0,
            duration_ms: 60_000,
            points: 5,
            segments: 1,
            reports_made: 0,
            recording_healthy: true,
            last_point_at: Some(Timestamp(50_000)),
            unsent_segments: 1,
            upload_error: None,
        };
        let label = |s: &PatrolSummary, problem: Option<&str>| {
            let view = PatrolView::of(Some(s.clone()), problem.map(String::from), 5.0);
            (view.recording_healthy, view.recording_label)
        };
        assert_eq!(label(&summary, None), (true, "正在记录".into()));
        assert_eq!(
            label(&summary, Some("暂时无法定位,请到开阔处")),
            (false, "暂时无法定位,请到开阔处".into())
        );
        let stale = PatrolSummary {
            recording_healthy: false,
            ..summary.clone()
        };
        assert_eq!(
            label(&stale, None),
            (false, "超过 90 秒未记录到新位置".into())
        );
        let ended = PatrolSummary {
            shift: cgt_client::Shift {
                ended_at: Some(Timestamp(61_000)),
                ..summary.shift
            },
            ..summary.clone()
        };
        assert_eq!(
            label(&ended, Some("ignored after 下班")),
            (true, "已下班,记录已停止".into())
        );
        let none = PatrolView::of(None, None, 5.0);
        assert_eq!(
            (none.today.is_none(), none.recording_label.as_str()),
            (true, "未上班")
        );
    }
}
