//! CSV export of evaluation tables with Chinese headers (UTF-8 with a BOM, so spreadsheet
//! programs used in the centres open it correctly).

use super::department::DepartmentScore;
use super::staff::{AreaFigures, InspectorFigures};
use std::fmt::Write;

const BOM: &str = "\u{feff}";

/// Quotes a field when it contains a separator, quote or line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn pct(rate: f64) -> String {
    format!("{:.2}", rate * 100.0)
}

fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = String::from(BOM);
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in rows {
        let fields: Vec<String> = row.iter().map(|f| field(f)).collect();
        let _ = write!(out, "{}\r\n", fields.join(","));
    }
    out
}

/// `names` gives each department's name; rows are in the order given.
pub fn departments_csv(scores: &[DepartmentScore], name: impl Fn(i64) -> String) -> String {
    table(
        &[
            "部门",
            "发案数",
            "基准值",
            "发案率",
            "处置数",
            "处置率(%)",
            "及时处置率(%)",
            "结案数",
            "结案率(%)",
            "及时结案率(%)",
            "完好率(%)",
            "群众满意率(%)",
            "督办扣分",
            "主动处理加分",
            "综合得分",
            "等次",
        ],
        scores.iter().map(|s| {
            vec![
                name(s.department),
                s.received.to_string(),
                format!("{:.2}", s.baseline),
                format!("{:.4}", s.incidence_rate),
                s.handled.to_string(),
                pct(s.handling_rate),
                pct(s.timely_handling_rate),
                s.closed.to_string(),
                pct(s.closing_rate),
                pct(s.timely_closing_rate),
                pct(s.intact_rate),
                pct(s.satisfaction_rate),
                format!("{:.1}", s.supervision_deduction),
                format!("{:.1}", s.proactive_bonus),
                format!("{:.2}", s.score),
                s.grade_label.to_string(),
            ]
        }),
    )
}

pub fn inspectors_csv(
    figures: &[InspectorFigures],
    name: impl Fn(&InspectorFigures) -> String,
) -> String {
    table(
        &[
            "监督员",
            "上报数",
            "有效上报数",
            "有效上报率(%)",
            "核实任务",
            "按时核实率(%)",
            "核查任务",
            "按时核查率(%)",
        ],
        figures.iter().map(|f| {
            vec![
                name(f),
                f.reported.to_string(),
                f.valid.to_string(),
                pct(f.valid_rate),
                f.verify_tasks.to_string(),
                pct(f.timely_verify_rate),
                f.check_tasks.to_string(),
                pct(f.timely_check_rate),
            ]
        }),
    )
}

pub fn areas_csv(figures: &[AreaFigures], name: impl Fn(&str) -> String) -> String {
    table(
        &[
            "区域",
            "上报数",
            "立案数",
            "结案数",
            "结案率(%)",
            "及时结案率(%)",
        ],
        figures.iter().map(|a| {
            vec![
                name(&a.area),
                a.reported.to_string(),
                a.registered.to_string(),
                a.closed.to_string(),
                pct(a.closing_rate),
                pct(a.timely_closing_rate),
            ]
        }),
    )
}
