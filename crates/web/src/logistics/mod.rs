//! Logistics: the network and its routes, chains with their landed cost and what-ifs,
//! localisation, chains measured as plan indicators. Pages under `/logistics`, the API under
//! `/api/v1/logistics`. Every change is a use case of `accord_app::logistics`; routes, costs
//! and figures are read from there too.

mod api;
pub use api::LogisticsApiDoc;
mod chains;
mod forms;
mod imports;
mod indicator_pages;
pub mod indicators;
mod legs;
mod localisation;
mod network;
mod nodes;
mod routes;
mod view;

use crate::AppState;
use crate::i18n::Tr;
use accord_formats::Problem;
use axum::Router;

/// A network file sent to the API or uploaded: the size it may have.
pub const UPLOAD_LIMIT: usize = 32 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(network::routes())
        .merge(nodes::routes())
        .merge(legs::routes())
        .merge(routes::routes())
        .merge(chains::routes())
        .merge(localisation::routes())
        .merge(imports::routes())
        .merge(indicator_pages::routes())
        .merge(api::routes())
}

/// Routes that take whole network files (a larger body limit than the rest).
pub fn upload_routes() -> Router<AppState> {
    imports::upload_routes().merge(api::upload_routes())
}

/// A problem of a logistics document in the reader's language: a workbook's sheet and row, or
/// the JSON path as written (it names the item in the file), then the rule with its detail.
pub fn problem_line(tr: &Tr, p: &Problem) -> String {
    if p.sheet == "json" && !p.column.is_empty() {
        return tr.ta("problem-where", &[("where", p.column.clone()), ("reason", tr.problem_reason(&p.reason))]);
    }
    tr.problem(p)
}

#[cfg(test)]
mod tests {
    use super::problem_line;
    use crate::i18n::Tr;
    use accord_app::logistics::{NetworkFormat, json_problem};
    use accord_domain::directory::Locale;
    use accord_formats::logistics::LogisticsDocument;

    #[test]
    fn a_refused_rule_reads_in_the_readers_language_with_its_place() {
        let nodes = serde_json::from_value(serde_json::json!([
            {"code": "KHV", "name_ru": "Хабаровск", "name_en": "Khabarovsk", "kind": "city", "country": "RU", "time_zone": "Asia/Vladivostok"},
            {"code": "MSQ", "name_ru": "Минск", "name_en": "Minsk", "kind": "city", "country": "BY", "time_zone": "Europe/Minsk"}
        ]))
        .expect("nodes");
        let legs = serde_json::from_value(serde_json::json!([
            {"from": "KHV", "to": "MSQ", "mode": "rail-container", "distance_km": 9000,
             "transit_days": {"min": -3, "typical": 14, "max": 20},
             "cost_per_container": {"amount": "500000.00", "currency": "RUB"}},
            {"from": "MSQ", "to": "KHV", "mode": "rail-container", "distance_km": 9000,
             "transit_days": {"min": 12, "typical": 14, "max": 20},
             "cost_per_container": {"amount": "500000.00", "currency": "RUB"}}
        ]))
        .expect("legs");
        let doc = LogisticsDocument { nodes, legs, ..Default::default() };
        let Err(problems) = doc.validate() else { panic!("a negative transit time is refused") };
        let negative = problems.iter().find(|p| p.path == "legs[0]").expect("the leg is named");
        let ru = problem_line(&Tr::new(Locale::Ru), &json_problem(negative, NetworkFormat::Xlsx));
        assert_eq!(ru, "Лист «legs», строка 2: Отрицательный срок в пути: KHV→MSQ rail-container");
        let en = problem_line(&Tr::new(Locale::En), &json_problem(negative, NetworkFormat::Json));
        assert!(en.starts_with("legs[0]: ") && en.contains("KHV→MSQ rail-container"), "{en}");
        assert!(!en.contains("Отрицательный"), "{en}");
    }
}
