//! 综合评价 endpoints: department scores, inspector and area figures for a period, as JSON or
//! CSV (`format=csv`). Read from the `cases` summary table, never from case documents.

use super::blocking;
use super::extract::QueryParams;
use crate::auth::Session;
use crate::error::ApiError;
use crate::state::AppState;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::{Json, extract::State};
use cgt_shared::caseflow::civil::{days_from_civil, parse_date};
use cgt_shared::evaluation::{
    Period, areas_csv, departments_csv, evaluate_areas, evaluate_departments, evaluate_inspectors,
    inspectors_csv,
};
use cgt_shared::{Role, Timestamp};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Dates are China Standard Time.
const CST_OFFSET_MS: i64 = 8 * 3_600_000;

#[derive(Clone, Debug, Deserialize)]
pub struct PeriodQuery {
    /// `YYYY-MM`: the whole month.
    pub month: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, exclusive.
    pub to: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

fn midnight(day: i64) -> Timestamp {
    Timestamp(day * Timestamp::MS_PER_DAY - CST_OFFSET_MS)
}

/// The period a query names.
pub fn period(q: &PeriodQuery) -> Result<Period, ApiError> {
    let bad =
        |what: &str| ApiError::bad_request(format!("{what} 日期格式无效 (YYYY-MM-DD / YYYY-MM)"));
    let (from, to) = match (&q.month, &q.from, &q.to) {
        (Some(month), None, None) => {
            let (y, m) = month.split_once('-').ok_or_else(|| bad("month"))?;
            let (y, m): (i64, u32) = (
                y.parse().map_err(|_| bad("month"))?,
                m.parse().map_err(|_| bad("month"))?,
            );
            if !(1..=12).contains(&m) {
                return Err(bad("month"));
            }
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            (days_from_civil(y, m, 1), days_from_civil(ny, nm, 1))
        }
        (None, Some(from), Some(to)) => (
            parse_date(from).ok_or_else(|| bad("from"))?,
            parse_date(to).ok_or_else(|| bad("to"))?,
        ),
        _ => return Err(ApiError::bad_request("请给出 month,或同时给出 from 与 to")),
    };
    if to <= from || to - from > 366 {
        return Err(ApiError::bad_request("评价周期须在 1…366 天之间"));
    }
    Ok(Period {
        from: midnight(from),
        to: midnight(to),
    })
}

fn may_read(session: &Session) -> Result<(), ApiError> {
    let readers = [
        Role::Leader,
        Role::ShiftLeader,
        Role::Dispatcher,
        Role::PatrolSupervisor,
        Role::Admin,
    ];
    if readers.iter().any(|r| session.has(*r)) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "需要领导、值班长、派遣员、巡查主管或管理员角色 (evaluation readers only)",
        ))
    }
}

fn csv(body: String, name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Checks the caller and the query: the period and whether CSV is wanted.
fn prepare(session: &Session, q: &PeriodQuery) -> Result<(Period, bool), ApiError> {
    may_read(session)?;
    let as_csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(ApiError::bad_request("format 须为 json 或 csv")),
    };
    Ok((period(q)?, as_csv))
}

/// Each row as JSON with a display name added under `key`.
fn named<T: serde::Serialize>(rows: &[T], key: &str, name: impl Fn(&T) -> String) -> Vec<Value> {
    rows.iter()
        .map(|row| {
            let mut v = serde_json::to_value(row).unwrap_or_default();
            v[key] = name(row).into();
            v
        })
        .collect()
}

/// `GET /api/v1/evaluation/departments`
pub async fn departments(
    State(state): State<AppState>,
    session: Session,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Response, ApiError> {
    let (period, as_csv) = prepare(&session, &q)?;
    blocking(move || {
        let storage = state.storage();
        let departments = storage.departments()?;
        let baseline = period.previous_three();
        let history = storage.dispatch_counts(baseline.from, baseline.to)?;
        let records = storage.dispatched_records(period.from, period.to)?;
        let ids: Vec<i64> = departments.iter().map(|d| d.id).collect();
        let scores = evaluate_departments(&records, &history, &ids, period);
        let names: HashMap<i64, String> = departments.into_iter().map(|d| (d.id, d.name)).collect();
        let name = |id: i64| {
            names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("部门{id}"))
        };
        if as_csv {
            return Ok(csv(departments_csv(&scores, name), "departments"));
        }
        let rows = named(&scores, "department_name", |s| name(s.department));
        Ok(Json(json!({ "period": period, "departments": rows })).into_response())
    })
    .await
}

/// `GET /api/v1/evaluation/inspectors`
pub async fn inspectors(
    State(state): State<AppState>,
    session: Session,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Response, ApiError> {
    let (period, as_csv) = prepare(&session, &q)?;
    blocking(move || {
        let storage = state.storage();
        let records = storage.case_records(period.from, period.to)?;
        let figures = evaluate_inspectors(&records, period);
        let names = storage.user_names()?;
        let name = |id| names.get(&id).cloned().unwrap_or_default();
        if as_csv {
            return Ok(csv(
                inspectors_csv(&figures, |f| name(f.inspector)),
                "inspectors",
            ));
        }
        let rows = named(&figures, "inspector_name", |f| name(f.inspector));
        Ok(Json(json!({ "period": period, "inspectors": rows })).into_response())
    })
    .await
}

/// `GET /api/v1/evaluation/areas` (per 街道)
pub async fn areas(
    State(state): State<AppState>,
    session: Session,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Response, ApiError> {
    let (period, as_csv) = prepare(&session, &q)?;
    blocking(move || {
        let records = state.storage().case_records(period.from, period.to)?;
        let figures = evaluate_areas(&records, period);
        if as_csv {
            return Ok(csv(areas_csv(&figures, str::to_string), "areas"));
        }
        Ok(Json(json!({ "period": period, "areas": figures })).into_response())
    })
    .await
}
