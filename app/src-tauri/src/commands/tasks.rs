//! 任务: my open 核实 / 核查 tasks as the last sync brought them, one task with the report's
//! photos, and sending a result with on-site photos, all offline.

use super::blocking;
use super::history::photo_views;
use super::report::decode_photo;
use crate::error::AppError;
use crate::shell::Shell;
use crate::views::{GridLabel, PhotoView};
use cgt_client::{Client, ClientError, TaskKind, TaskView};
use cgt_shared::{DocId, Timestamp};
use serde::{Deserialize, Serialize};
use tauri::State;
use utoipa::ToSchema;

/// One line of the 任务 list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskItem {
    pub id: String,
    pub kind: TaskKind,
    /// 核实 / 核查
    pub label: String,
    pub category: String,
    pub summary: String,
    pub description: String,
    pub grid: GridLabel,
    pub assigned_at: Timestamp,
    pub note: String,
}

/// A task with what the inspector needs on site.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDetail {
    pub item: TaskItem,
    pub lat: f64,
    pub lon: f64,
    pub photos: Vec<PhotoView>,
}

/// The result form: 存在 / 通过 when `result` is true.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TaskResult {
    pub id: String,
    pub result: bool,
    pub note: String,
    /// On-site photos as picked, base64 (a `data:` URL prefix is allowed).
    pub photos: Vec<String>,
}

fn item(task: &TaskView, grids: &[cgt_client::WorkGridView]) -> TaskItem {
    TaskItem {
        id: task.id.to_string(),
        kind: task.kind,
        label: task.label.clone(),
        category: task.category.clone(),
        summary: task.summary.clone(),
        description: task.report.description.clone(),
        grid: GridLabel::find(grids, task.report.unit_grid.as_str()),
        assigned_at: task.assigned_at,
        note: task.note.clone(),
    }
}

fn parse_id(id: &str) -> Result<DocId, AppError> {
    id.parse().map_err(|_| AppError::Code(id.to_string()))
}

/// My open task on case `id`; not found once its result is sent.
fn open_task(client: &Client, id: DocId) -> Result<TaskView, AppError> {
    Ok(client
        .tasks()?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(ClientError::NotFound)?)
}

#[tauri::command]
pub async fn my_tasks(shell: State<'_, Shell>) -> Result<Vec<TaskItem>, AppError> {
    let grids = shell.client.my_work_grids()?;
    Ok(shell
        .client
        .tasks()?
        .iter()
        .map(|t| item(t, &grids))
        .collect())
}

#[tauri::command]
pub async fn task_detail(shell: State<'_, Shell>, id: String) -> Result<TaskDetail, AppError> {
    let id = parse_id(&id)?;
    let client = shell.client.clone();
    blocking(move || {
        let task = open_task(&client, id)?;
        Ok(TaskDetail {
            item: item(&task, &client.my_work_grids()?),
            lat: task.report.position.lat,
            lon: task.report.position.lon,
            photos: photo_views(&client, &task.report.photos)?,
        })
    })
    .await
}

/// Runs each photo through the evidence pipeline into the upload queue, then stores the
/// result command; both wait on the device until the next sync.
#[tauri::command]
pub async fn submit_task(shell: State<'_, Shell>, form: TaskResult) -> Result<(), AppError> {
    let id = parse_id(&form.id)?;
    let client = shell.client.clone();
    blocking(move || {
        let kind = open_task(&client, id)?.kind;
        let mut photos = Vec::with_capacity(form.photos.len());
        for photo in &form.photos {
            photos.push(client.capture_task_photo(id, &decode_photo(photo)?)?);
        }
        match kind {
            TaskKind::Verify => client.submit_verification(id, form.result, photos, &form.note)?,
            TaskKind::Check => client.submit_check(id, form.result, photos, &form.note)?,
        }
        Ok(())
    })
    .await?;
    shell.auto_sync.wake();
    Ok(())
}
