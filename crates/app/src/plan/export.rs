//! The plan as a file: the official table (XLSX, CSV) or JSON, and a blank template.

use crate::{App, Error, Result};
use accord_domain::OrganisationId;
use accord_domain::Side;
use accord_domain::plan::{Executor, Measure, Plan};
use accord_formats::{ExportMeasure, ExportSection, ExportTable};
use std::collections::HashMap;

/// The plan as the official table: sections in order, measures by number, executors by name.
async fn export_table(app: &App, plan: &Plan, measures: &[Measure]) -> Result<ExportTable> {
    let store = &app.store;
    let sections = store.sections().await?;
    let agreement = store.agreement(plan.agreement_id).await?;
    let names: HashMap<OrganisationId, String> =
        store.organisation_all().await?.into_iter().map(|o| (o.id, o.data.name_short_ru.clone())).collect();
    let mut title_lines = vec![plan.title_ru.clone()];
    if agreement.title_ru != plan.title_ru {
        title_lines.insert(0, agreement.title_ru.clone());
    }
    let mut export_sections: Vec<ExportSection> = Vec::new();
    for (index, section) in sections.iter().enumerate() {
        let mut in_section: Vec<&Measure> = measures.iter().filter(|m| m.data.section == section.code).collect();
        if in_section.is_empty() {
            continue;
        }
        in_section.sort_by(|a, b| a.data.number.cmp(&b.data.number));
        export_sections.push(ExportSection {
            number: Some(format!("{}.", index + 1)),
            title: section.name_ru.clone(),
            measures: in_section
                .into_iter()
                .map(|m| {
                    let side_names = |side: Side| {
                        let mut list: Vec<&Executor> = m.data.executors_of(side).collect();
                        list.sort_by_key(|e| !e.lead);
                        list.iter().filter_map(|e| names.get(&e.organisation).cloned()).collect::<Vec<_>>()
                    };
                    ExportMeasure {
                        number: m.data.number.to_string(),
                        title: m.data.title_ru.clone(),
                        term: m.data.term.raw.clone(),
                        executors_by: side_names(Side::By),
                        executors_khv: side_names(Side::Khv),
                        expected_result: m.data.expected_result.clone(),
                        note: m.data.note.clone(),
                    }
                })
                .collect(),
        });
    }
    Ok(ExportTable { title_lines, sections: export_sections })
}

/// The file of an export, with its content type and file name.
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub file_name: String,
}

impl App {
    /// The plan (or the measures a filter kept) as a file: `xlsx` or `csv` in the official
    /// layout, or `json`.
    pub async fn plan_export(&self, plan: &Plan, measures: &[Measure], format: &str) -> Result<ExportFile> {
        export_file(self, plan, measures, format).await
    }
}

async fn export_file(app: &App, plan: &Plan, measures: &[Measure], format: &str) -> Result<ExportFile> {
    let base = plan.code.to_lowercase();
    match format {
        "xlsx" => {
            let table = export_table(app, plan, measures).await?;
            let bytes = accord_formats::write_xlsx(&table).map_err(Error::internal)?;
            Ok(ExportFile {
                bytes,
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                file_name: format!("{base}.xlsx"),
            })
        }
        "csv" => {
            let table = export_table(app, plan, measures).await?;
            let bytes = accord_formats::write_csv(&table).map_err(Error::internal)?;
            Ok(ExportFile { bytes, content_type: "text/csv; charset=utf-8", file_name: format!("{base}.csv") })
        }
        "json" => {
            let body = serde_json::json!({ "plan": plan, "measures": measures });
            let bytes = serde_json::to_vec_pretty(&body).map_err(Error::internal)?;
            Ok(ExportFile { bytes, content_type: "application/json", file_name: format!("{base}.json") })
        }
        _ => {
            Err(accord_domain::validation::Invalid::one("format", accord_domain::validation::Reason::UnknownValue)
                .into())
        }
    }
}

/// An empty plan table to fill in: the header and one example section.
pub fn template_xlsx() -> Result<Vec<u8>> {
    let table = ExportTable {
        title_lines: vec!["ПЛАН мероприятий на 2025–2027 годы".into()],
        sections: vec![ExportSection {
            number: Some("1.".into()),
            title: "Торгово-экономическое сотрудничество".into(),
            measures: vec![ExportMeasure {
                number: "1.1.".into(),
                title: "Наименование мероприятия".into(),
                term: "IV квартал 2025 г.".into(),
                executors_by: vec!["Могилёвский облисполком".into()],
                executors_khv: vec!["Правительство Хабаровского края".into()],
                expected_result: Some("Ожидаемый результат".into()),
                note: None,
            }],
        }],
    };
    accord_formats::write_xlsx(&table).map_err(Error::internal)
}
