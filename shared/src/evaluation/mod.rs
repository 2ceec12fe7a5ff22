//! 综合评价: department scores by the seed's formula (范文5), inspector figures and area
//! figures for any period, and CSV export. Pure over flat per-case records, so the server can
//! evaluate a million cases from an indexed summary table without reading case documents.

mod csv;
mod department;
mod record;
mod staff;

pub use csv::{areas_csv, departments_csv, inspectors_csv};
pub use department::{DepartmentScore, Grade, evaluate_departments, history_counts};
pub use record::{CaseRecord, Period};
pub use staff::{AreaFigures, InspectorFigures, evaluate_areas, evaluate_inspectors};

/// A rate whose denominator is zero counts as fully met: no cases, no failures.
pub(crate) fn rate(numerator: u64, denominator: u64) -> f64 {
    if denominator == 0 {
        1.0
    } else {
        numerator as f64 / denominator as f64
    }
}

#[cfg(test)]
mod tests;
