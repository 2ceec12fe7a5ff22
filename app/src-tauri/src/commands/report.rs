//! 问题上报: position with its unit grid, the category table with recently used categories,
//! nearby components, the draft, and creating the report with its photos, all offline.

use super::blocking;
use crate::error::AppError;
use crate::shell::Shell;
use crate::views::{GridLabel, Location};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cgt_client::{CategoryChoice, ComponentView, NewReport, ReportDraft};
use cgt_shared::{CategoryTable, ComponentId, GridCode, Kind, Position};
use serde::{Deserialize, Serialize};
use tauri::State;
use utoipa::ToSchema;

/// How many recently used categories the form offers.
const RECENT_CATEGORIES: usize = 6;
/// How far around the position components are offered (部件 reports).
const COMPONENT_RADIUS_M: f64 = 150.0;

/// The category table and what the form offers first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOptions {
    pub categories: CategoryTable,
    pub recent: Vec<CategoryChoice>,
    /// The unit grids of the inspector's work grids, to pick one by hand when the position
    /// lies outside all of them.
    pub unit_grids: Vec<GridLabel>,
}

/// The completed form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportForm {
    pub kind: Kind,
    pub class: u8,
    pub subclass: u8,
    pub description: String,
    pub position: Position,
    pub unit_grid: String,
    pub component_id: Option<String>,
    pub self_handled: bool,
    /// The photos as taken or picked, base64 (a `data:` URL prefix is allowed).
    pub photos: Vec<String>,
}

#[tauri::command]
pub async fn locate(shell: State<'_, Shell>) -> Result<Location, AppError> {
    let position = shell.position_now()?;
    let unit_grid = match shell.client.unit_grid_at(position)? {
        Some(code) => Some(GridLabel::find(
            &shell.client.my_work_grids()?,
            code.as_str(),
        )),
        None => None,
    };
    Ok(Location {
        lat: position.lat,
        lon: position.lon,
        accuracy_m: position.accuracy_m,
        accuracy_warning: position.accuracy_m > shell.config.accuracy_warning_m,
        unit_grid,
    })
}

#[tauri::command]
pub async fn report_options(shell: State<'_, Shell>) -> Result<ReportOptions, AppError> {
    let client = &shell.client;
    Ok(ReportOptions {
        categories: client.categories()?,
        recent: client.recent_categories(RECENT_CATEGORIES)?,
        unit_grids: client
            .my_work_grids()?
            .iter()
            .flat_map(|w| &w.unit_grids)
            .map(GridLabel::of)
            .collect(),
    })
}

#[tauri::command]
pub async fn components_near(
    shell: State<'_, Shell>,
    position: Position,
    class: u8,
    subclass: u8,
) -> Result<Vec<ComponentView>, AppError> {
    Ok(shell
        .client
        .components_near(position, COMPONENT_RADIUS_M, Some((class, subclass)))?)
}

/// Creates the report, then runs each photo through the evidence pipeline into the upload
/// queue, discards the draft and wakes the automatic sync. Returns the report id.
#[tauri::command]
pub async fn submit_report(shell: State<'_, Shell>, form: ReportForm) -> Result<String, AppError> {
    let client = shell.client.clone();
    let id = blocking(move || {
        let photos = form
            .photos
            .iter()
            .map(|photo| decode_photo(photo))
            .collect::<Result<Vec<_>, _>>()?;
        let new = NewReport {
            kind: form.kind,
            class: form.class,
            subclass: form.subclass,
            description: form.description,
            position: form.position,
            unit_grid: parse_code::<GridCode>(&form.unit_grid)?,
            component_id: form
                .component_id
                .as_deref()
                .map(parse_code::<ComponentId>)
                .transpose()?,
            photos: Vec::new(),
            self_handled: form.self_handled,
        };
        let report = client.create_report(new)?;
        for (index, bytes) in photos.iter().enumerate() {
            client.capture_photo(report.id, bytes).map_err(|source| {
                AppError::PhotoAfterReport {
                    index: index + 1,
                    source,
                }
            })?;
        }
        client.discard_draft()?;
        Ok(report.id.to_string())
    })
    .await?;
    shell.auto_sync.wake();
    Ok(id)
}

#[tauri::command]
pub async fn save_draft(
    shell: State<'_, Shell>,
    draft: ReportDraft,
) -> Result<ReportDraft, AppError> {
    Ok(shell.client.save_draft(draft)?)
}

#[tauri::command]
pub async fn load_draft(shell: State<'_, Shell>) -> Result<Option<ReportDraft>, AppError> {
    Ok(shell.client.draft()?)
}

#[tauri::command]
pub async fn discard_draft(shell: State<'_, Shell>) -> Result<(), AppError> {
    Ok(shell.client.discard_draft()?)
}

fn parse_code<T: std::str::FromStr<Err: std::fmt::Display>>(text: &str) -> Result<T, AppError> {
    text.trim()
        .parse()
        .map_err(|e: T::Err| AppError::Code(e.to_string()))
}

/// The bytes of a photo sent as base64, with or without a `data:…;base64,` prefix.
pub(super) fn decode_photo(text: &str) -> Result<Vec<u8>, AppError> {
    let payload = text.split_once(";base64,").map_or(text, |(_, data)| data);
    STANDARD
        .decode(payload.trim())
        .map_err(|e| AppError::PhotoData(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_decode_with_or_without_a_data_url_prefix() {
        let check = |text: &str, expected: Option<&[u8]>| {
            assert_eq!(decode_photo(text).ok().as_deref(), expected, "{text}");
        };
        check("/9j/", Some(&[0xFF, 0xD8, 0xFF]));
        check("data:image/jpeg;base64,/9j/", Some(&[0xFF, 0xD8, 0xFF]));
        check("data:image/jpeg;base64,@@@", None);
    }

    #[test]
    fn codes_are_parsed_or_explained() {
        assert!(parse_code::<GridCode>(" 320508001001001 ").is_ok());
        let error = parse_code::<GridCode>("123").unwrap_err().to_string();
        assert!(error.starts_with("编码无效: "), "{error}");
    }
}
