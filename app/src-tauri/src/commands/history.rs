//! 我的上报: the reports of this device with the server's status, and one report with its
//! photos read from the local store.

use super::blocking;
use crate::error::AppError;
use crate::shell::Shell;
use crate::views::{PhotoView, ReportDetail, ReportItem};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cgt_client::Client;
use cgt_shared::DocId;
use cgt_shared::report::PhotoRef;
use tauri::State;

#[tauri::command]
pub async fn my_reports(shell: State<'_, Shell>) -> Result<Vec<ReportItem>, AppError> {
    let table = shell.client.categories()?;
    Ok(shell
        .client
        .reports()?
        .iter()
        .map(|view| ReportItem::of(view, &table))
        .collect())
}

#[tauri::command]
pub async fn report_detail(shell: State<'_, Shell>, id: String) -> Result<ReportDetail, AppError> {
    let id: DocId = id.parse().map_err(|_| AppError::Code(id.clone()))?;
    let client = shell.client.clone();
    blocking(move || {
        let view = client
            .report(id)?
            .ok_or(cgt_client::ClientError::NotFound)?;
        let photos = photo_views(&client, &view.report.photos)?;
        let report = &view.report;
        Ok(ReportDetail {
            item: ReportItem::of(&view, &client.categories()?),
            lat: report.position.lat,
            lon: report.position.lon,
            accuracy_m: report.position.accuracy_m,
            component_id: report.component_id.as_ref().map(ToString::to_string),
            received_at: view.received_at,
            photos,
        })
    })
    .await
}

/// The photos of a report as this device holds them, with their upload state.
pub(super) fn photo_views(
    client: &Client,
    photos: &[PhotoRef],
) -> Result<Vec<PhotoView>, AppError> {
    let waiting = client.pending_photos()?;
    photos
        .iter()
        .map(|photo| {
            let bytes = client.photo(&photo.sha256)?;
            Ok(PhotoView {
                sha256: photo.sha256.clone(),
                data_url: bytes.map(|b| format!("data:image/jpeg;base64,{}", STANDARD.encode(b))),
                state: PhotoView::state_label(waiting.iter().find(|p| p.sha256 == photo.sha256)),
            })
        })
        .collect()
}
