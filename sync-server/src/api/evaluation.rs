//! 综合评价 endpoints: department scores, inspector and area figures for a period, as JSON or
//! CSV (`format=csv`). Read from the `cases` summary table, never from case documents.

use super::blocking;
use super::extract::QueryParams;
use super::openapi::LoggedIn;
use crate::auth::Session;
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::{Json, extract::State};
use cgt_shared::Role;
use cgt_shared::china_time::{midnight, parse_date, parse_month};
use cgt_shared::evaluation::{AreaFigures, DepartmentScore, InspectorFigures};
use cgt_shared::evaluation::{
    Period, areas_csv, departments_csv, evaluate_areas, evaluate_departments, evaluate_inspectors,
    inspectors_csv,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// A period: `month`, or `from` and `to` together (1…366 days, China time).
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// `YYYY-MM`: the whole month.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub month: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub from: Option<String>,
    /// `YYYY-MM-DD`, exclusive.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub to: Option<String>,
    /// `json` (default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    pub format: Option<String>,
}

/// A department's score with its name.
#[derive(Serialize, ToSchema)]
pub struct DepartmentRow {
    #[serde(flatten)]
    pub score: DepartmentScore,
    pub department_name: String,
}

/// An inspector's figures with their name.
#[derive(Serialize, ToSchema)]
pub struct InspectorRow {
    #[serde(flatten)]
    pub figures: InspectorFigures,
    pub inspector_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentsAnswer {
    pub period: Period,
    pub departments: Vec<DepartmentRow>,
}

#[derive(Serialize, ToSchema)]
pub struct InspectorsAnswer {
    pub period: Period,
    pub inspectors: Vec<InspectorRow>,
}

#[derive(Serialize, ToSchema)]
pub struct AreasAnswer {
    pub period: Period,
    pub areas: Vec<AreaFigures>,
}

/// Who may read evaluations, as the 403 says.
const EVALUATION_READERS: &str =
    "需要领导、值班长、派遣员、巡查主管或管理员角色 (evaluation readers only)";

/// The period a query names.
pub fn period(q: &PeriodQuery) -> Result<Period, ApiError> {
    let bad =
        |what: &str| ApiError::bad_request(format!("{what} 日期格式无效 (YYYY-MM-DD / YYYY-MM)"));
    let (from, to) = match (&q.month, &q.from, &q.to) {
        (Some(month), None, None) => parse_month(month).ok_or_else(|| bad("month"))?,
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
        Err(ApiError::forbidden(EVALUATION_READERS))
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

/// Department scores (综合评价 of 专业部门) for a period, as JSON or CSV.
#[utoipa::path(get, path = "/api/v1/evaluation/departments", tag = "evaluation", params(PeriodQuery),
    responses((status = 200, description = "JSON, or CSV with `format=csv`",
            content((DepartmentsAnswer = "application/json"), (String = "text/csv"))),
        (status = 403, description = EVALUATION_READERS, body = ErrorBody), LoggedIn))]
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
        let departments = scores
            .into_iter()
            .map(|score| DepartmentRow {
                department_name: name(score.department),
                score,
            })
            .collect();
        Ok(Json(DepartmentsAnswer {
            period,
            departments,
        })
        .into_response())
    })
    .await
}

/// Inspector figures (监督员 评价) for a period, as JSON or CSV.
#[utoipa::path(get, path = "/api/v1/evaluation/inspectors", tag = "evaluation", params(PeriodQuery),
    responses((status = 200, description = "JSON, or CSV with `format=csv`",
            content((InspectorsAnswer = "application/json"), (String = "text/csv"))),
        (status = 403, description = EVALUATION_READERS, body = ErrorBody), LoggedIn))]
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
        let inspectors = figures
            .into_iter()
            .map(|figures| InspectorRow {
                inspector_name: name(figures.inspector),
                figures,
            })
            .collect();
        Ok(Json(InspectorsAnswer { period, inspectors }).into_response())
    })
    .await
}

/// Area figures per 街道 for a period, as JSON or CSV.
#[utoipa::path(get, path = "/api/v1/evaluation/areas", tag = "evaluation", params(PeriodQuery),
    responses((status = 200, description = "JSON, or CSV with `format=csv`",
            content((AreasAnswer = "application/json"), (String = "text/csv"))),
        (status = 403, description = EVALUATION_READERS, body = ErrorBody), LoggedIn))]
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
        Ok(Json(AreasAnswer {
            period,
            areas: figures,
        })
        .into_response())
    })
    .await
}
