//! Import and export of the plan table (XLSX, CSV, JSON), shared by the web UI and the CLI.
//!
//! The file layer (`accord-formats`) reads rows as written; this module maps them onto the
//! directory and the domain: section rows to plan sections, executor names to organisations,
//! rows to validated measures. Every problem names its sheet, row and column.

use crate::error::AppError;
use accord_domain::directory::{Organisation, OrganisationForm, name_key};
use accord_domain::plan::{Executor, Measure, MeasureData, MeasureForm, NewPlan, Plan, Section};
use accord_domain::{OrganisationId, Side};
use accord_formats::{ExportMeasure, ExportSection, ExportTable, MeasureRow, PlanRow, PlanTable, Problem, Reason};
use accord_store::{Author, ImportCounts, NewAgreement, Store};
use std::collections::HashMap;

/// What an import was asked to do.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// Import into this plan; without it, the file's title block makes a new plan (only into a
    /// store that has none).
    pub plan_code: Option<String>,
    /// Create organisations that the directory does not know, on the side of their column.
    pub create_orgs: bool,
}

/// The result of an import (or of a dry run).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub plan_code: String,
    pub measures: usize,
    pub counts: ImportCounts,
    pub created_organisations: Vec<String>,
    pub dry_run: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Problems(Vec<Problem>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<accord_store::StoreError> for ImportError {
    fn from(e: accord_store::StoreError) -> Self {
        ImportError::App(e.into())
    }
}

/// Reads a plan file by its name's extension (`.xlsx`, `.csv`) or its first bytes.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<PlanTable, ImportError> {
    let lower = file_name.to_lowercase();
    let is_zip = bytes.starts_with(b"PK");
    let result = if lower.ends_with(".xlsx") || (is_zip && !lower.ends_with(".csv")) {
        accord_formats::read_xlsx(bytes)
    } else {
        accord_formats::read_csv(bytes)
    };
    result.map_err(ImportError::Problems)
}

/// Finds the organisation a name in a plan means: by code, or by any of its names.
struct Directory {
    by_key: HashMap<String, (OrganisationId, Side)>,
}

impl Directory {
    fn new(organisations: &[Organisation]) -> Self {
        let mut by_key = HashMap::new();
        for o in organisations {
            let d = &o.data;
            let entry = (o.id, d.side);
            by_key.insert(format!("code:{}", d.code.as_str().to_lowercase()), entry);
            for name in
                [Some(&d.name_full_ru), Some(&d.name_short_ru), d.name_full_en.as_ref(), d.name_short_en.as_ref()]
                    .into_iter()
                    .flatten()
            {
                let key = name_key(name);
                if !key.is_empty() {
                    by_key.entry(key).or_insert(entry);
                }
            }
        }
        Directory { by_key }
    }

    fn find(&self, name: &str) -> Option<(OrganisationId, Side)> {
        self.by_key
            .get(&format!("code:{}", name.trim().to_lowercase()))
            .or_else(|| self.by_key.get(&name_key(name)))
            .copied()
    }
}

/// Which plan section a section row means: by its name in either language, else by the
/// words officials use for each dimension.
fn section_code(title: &str, sections: &[Section]) -> Option<String> {
    let key = name_key(title);
    if let Some(s) = sections.iter().find(|s| name_key(&s.name_ru) == key || name_key(&s.name_en) == key) {
        return Some(s.code.clone());
    }
    const HINTS: [(&str, &[&str]); 8] = [
        ("youth", &["молод", "образов", "youth", "education"]),
        ("culture", &["культур", "памят", "истор", "culture", "memory", "heritage"]),
        ("agriculture", &["сельск", "продовол", "агро", "agricult", "food"]),
        ("science", &["наук", "научн", "техническ", "science", "research"]),
        ("industry", &["промышл", "кооперац", "industr"]),
        ("trade", &["торгов", "экономич", "trade", "econom"]),
        ("social", &["социал", "здравоохр", "спорт", "туризм", "social", "health", "sport", "touris"]),
        ("other", &["прочее", "иное", "other"]),
    ];
    HINTS
        .iter()
        .find(|(_, words)| words.iter().any(|w| key.contains(w)))
        .map(|(code, _)| (*code).to_string())
        .filter(|code| sections.iter().any(|s| &s.code == code))
}

/// The plan period a title block names ("на 2025-2027 годы"): the smallest and largest years.
fn period_in(lines: &[String]) -> Option<(i32, i32)> {
    let text = lines.join(" ");
    let years: Vec<i32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .filter(|y| (2000..=2100).contains(y))
        .collect();
    Some((*years.iter().min()?, *years.iter().max()?))
}

struct Mapped {
    measures: Vec<MeasureData>,
    missing: Vec<(Problem, String, Option<Side>)>,
}

fn map_rows(table: &PlanTable, sections: &[Section], directory: &Directory) -> (Mapped, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut mapped = Mapped { measures: Vec::new(), missing: Vec::new() };
    let mut current_section = "other".to_string();
    for row in &table.rows {
        match row {
            PlanRow::Section(section) => {
                current_section = section_code(&section.title, sections).unwrap_or_else(|| "other".to_string());
            }
            PlanRow::Measure(m) => {
                let executors = map_executors(table, m, directory, &mut mapped.missing);
                let form = MeasureForm {
                    number: m.number.clone(),
                    section: current_section.clone(),
                    title_ru: m.title.clone(),
                    expected_result: m.expected_result.clone(),
                    term: if m.term.trim().is_empty() { String::new() } else { m.term.clone() },
                    note: m.note.clone(),
                    ..Default::default()
                };
                match form.validate(executors) {
                    Ok(data) => mapped.measures.push(data),
                    Err(invalid) => {
                        for e in invalid.0 {
                            let column = match e.field {
                                "term" => "Срок исполнения",
                                "title_ru" => "Наименование мероприятия",
                                "number" => "№ п/п",
                                other => other,
                            };
                            use accord_domain::validation::Reason as Invalid;
                            let reason = match (e.field, e.reason) {
                                ("term", Invalid::Required) => Reason::new("problem-plan-term-missing"),
                                ("number", Invalid::InvalidCode) => {
                                    Reason::new("problem-plan-number-invalid").arg("value", m.number.trim())
                                }
                                (_, Invalid::Required) => Reason::new("problem-value-empty"),
                                (_, Invalid::TooLong) => Reason::new("problem-plan-value-too-long"),
                                (_, _) => Reason::new("problem-plan-value-invalid"),
                            };
                            problems.push(Problem {
                                sheet: table.sheet.clone(),
                                row: m.row,
                                column: column.into(),
                                reason,
                            });
                        }
                    }
                }
            }
        }
    }
    (mapped, problems)
}

/// An executor the directory does not know: the one problem `--create-orgs` may resolve.
const UNKNOWN_EXECUTOR: &str = "problem-plan-executor-unknown";
/// An executor listed in the other side's column.
const OTHER_SIDE: &str = "problem-plan-executor-other-side";

fn map_executors(
    table: &PlanTable,
    m: &MeasureRow,
    directory: &Directory,
    missing: &mut Vec<(Problem, String, Option<Side>)>,
) -> Vec<Executor> {
    let mut executors: Vec<Executor> = Vec::new();
    let columns: [(&Vec<String>, Option<Side>, &str); 3] = [
        (&m.executors_by, Some(Side::By), "Исполнители с белорусской стороны"),
        (&m.executors_khv, Some(Side::Khv), "Исполнители с российской стороны"),
        (&m.executors, None, "Ответственные исполнители"),
    ];
    for (names, column_side, column) in columns {
        for name in names {
            match directory.find(name) {
                Some((organisation, side)) => {
                    if column_side.is_some_and(|s| s != side) {
                        missing.push((
                            Problem {
                                sheet: table.sheet.clone(),
                                row: m.row,
                                column: column.into(),
                                reason: Reason::new(OTHER_SIDE).arg("name", name),
                            },
                            name.clone(),
                            None,
                        ));
                        continue;
                    }
                    if !executors.iter().any(|e| e.organisation == organisation) {
                        // Plans list the lead executor of each side first.
                        let lead = !executors.iter().any(|e| e.side == side);
                        executors.push(Executor { organisation, side, lead });
                    }
                }
                None => missing.push((
                    Problem {
                        sheet: table.sheet.clone(),
                        row: m.row,
                        column: column.into(),
                        reason: Reason::new(UNKNOWN_EXECUTOR).arg("name", name),
                    },
                    name.clone(),
                    column_side,
                )),
            }
        }
    }
    executors
}

/// A code for an organisation created by an import: from its name's initials, made unique.
fn new_code(name: &str, taken: &dyn Fn(&str) -> bool) -> String {
    const TRANSLIT: [(&str, &str); 33] = [
        ("а", "A"),
        ("б", "B"),
        ("в", "V"),
        ("г", "G"),
        ("д", "D"),
        ("е", "E"),
        ("ё", "E"),
        ("ж", "ZH"),
        ("з", "Z"),
        ("и", "I"),
        ("й", "Y"),
        ("к", "K"),
        ("л", "L"),
        ("м", "M"),
        ("н", "N"),
        ("о", "O"),
        ("п", "P"),
        ("р", "R"),
        ("с", "S"),
        ("т", "T"),
        ("у", "U"),
        ("ф", "F"),
        ("х", "H"),
        ("ц", "C"),
        ("ч", "CH"),
        ("ш", "SH"),
        ("щ", "SCH"),
        ("ъ", ""),
        ("ы", "Y"),
        ("ь", ""),
        ("э", "E"),
        ("ю", "YU"),
        ("я", "YA"),
    ];
    let key = name_key(name);
    let mut base: String = key
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| {
            let s = c.to_string();
            TRANSLIT
                .iter()
                .find(|(cy, _)| *cy == s)
                .map_or_else(|| c.to_ascii_uppercase().to_string(), |(_, l)| (*l).to_string())
        })
        .collect::<String>()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(12)
        .collect();
    if base.len() < 2 || !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base = format!("ORG{base}");
    }
    let mut code = format!("NEW-{base}");
    let mut n = 2;
    while taken(&code) {
        code = format!("NEW-{base}-{n}");
        n += 1;
    }
    code
}

/// Imports a plan table. All rows or none; importing the same file twice changes nothing.
pub async fn import_plan(
    store: &Store,
    author: Author<'_>,
    table: &PlanTable,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let sections = store.sections().await?;
    let organisations = store.organisation_all().await?;
    let directory = Directory::new(&organisations);
    let (mut mapped, mut problems) = map_rows(table, &sections, &directory);

    // Unknown executors stop the import, unless we may create them on their column's side.
    let mut to_create: Vec<(String, Side)> = Vec::new();
    for (problem, name, side) in std::mem::take(&mut mapped.missing) {
        match side {
            Some(side) if options.create_orgs && problem.reason.key == UNKNOWN_EXECUTOR => {
                if !to_create.iter().any(|(n, _)| name_key(n) == name_key(&name)) {
                    to_create.push((name, side));
                }
            }
            _ => problems.push(problem),
        }
    }

    let plan: Option<Plan> = match options.plan_code.as_deref() {
        Some(code) => match store.plan_by_code(code).await {
            Ok(plan) => Some(plan),
            Err(accord_store::StoreError::NotFound { .. }) => {
                problems.push(Problem {
                    sheet: table.sheet.clone(),
                    row: 0,
                    column: String::new(),
                    reason: Reason::new("problem-plan-not-found").arg("code", code),
                });
                None
            }
            Err(e) => return Err(e.into()),
        },
        None => {
            let plans = store.plan_list().await?;
            if !plans.is_empty() {
                problems.push(Problem {
                    sheet: table.sheet.clone(),
                    row: 0,
                    column: String::new(),
                    reason: Reason::new("problem-plan-exists")
                        .arg("plans", plans.iter().map(|p| p.code.as_str()).collect::<Vec<_>>().join(", ")),
                });
            } else if period_in(&table.title_lines).is_none() {
                problems.push(Problem {
                    sheet: table.sheet.clone(),
                    row: 1,
                    column: String::new(),
                    reason: Reason::new("problem-plan-no-period"),
                });
            }
            None
        }
    };
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(ImportError::Problems(problems));
    }

    let mut report = ImportReport { measures: mapped.measures.len(), dry_run: options.dry_run, ..Default::default() };
    report.created_organisations = to_create.iter().map(|(n, _)| n.clone()).collect();
    if options.dry_run {
        report.plan_code = plan.map(|p| p.code).unwrap_or_else(|| "(new)".into());
        return Ok(report);
    }

    // Organisations first (each its own audited write), then the measures in one transaction.
    let mut codes: Vec<String> = organisations.iter().map(|o| o.data.code.to_string()).collect();
    for (name, side) in &to_create {
        let code = new_code(name, &|c| codes.iter().any(|t| t == c));
        codes.push(code.clone());
        let short: String = name.chars().take(120).collect();
        let form = OrganisationForm {
            side: side.code().into(),
            code,
            kind: "other".into(),
            name_full_ru: name.clone(),
            name_short_ru: short,
            ..Default::default()
        };
        let data = form.validate().map_err(AppError::from)?;
        let created = store.organisation_create(author, &data).await?;
        store.organisation_mark_for_review(created.id, true).await?;
    }
    if !to_create.is_empty() {
        // Map again now that the directory knows them.
        let directory = Directory::new(&store.organisation_all().await?);
        let (again, problems) = map_rows(table, &sections, &directory);
        if !problems.is_empty() || !again.missing.is_empty() {
            let mut all = problems;
            all.extend(again.missing.into_iter().map(|(p, _, _)| p));
            return Err(ImportError::Problems(all));
        }
        mapped = again;
    }
    let plan = match plan {
        Some(plan) => plan,
        None => {
            let (from, to) = period_in(&table.title_lines).unwrap_or((2025, 2027));
            let title = table.title_lines.join(" ");
            let new_plan = NewPlan {
                code: format!("PLAN-{from}-{to}"),
                title_ru: title.clone(),
                title_en: None,
                period_start: chrono::NaiveDate::from_ymd_opt(from, 1, 1).unwrap_or_default(),
                period_end: chrono::NaiveDate::from_ymd_opt(to, 12, 31).unwrap_or_default(),
            };
            let agreement = NewAgreement {
                code: format!("AGR-{from}"),
                title_ru: title,
                title_en: None,
                signed_on: None,
                signatories: Vec::new(),
            };
            store.plan_create(author, &agreement, &new_plan).await?
        }
    };
    report.plan_code = plan.code.clone();
    let existing: HashMap<String, MeasureData> =
        store.measures_of_plan(plan.id).await?.into_iter().map(|m| (m.data.number.to_string(), m.data)).collect();
    let merged: Vec<MeasureData> = mapped
        .measures
        .iter()
        .map(|table| match existing.get(&table.number.to_string()) {
            Some(current) => current.with_table_fields(table),
            None => table.clone(),
        })
        .collect();
    report.counts = store.measures_import(author, plan.id, &merged).await?;
    Ok(report)
}

/// The plan as the official table: sections in order, measures by number, executors by name.
pub async fn export_table(store: &Store, plan: &Plan, measures: &[Measure]) -> Result<ExportTable, AppError> {
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

pub async fn export_file(
    store: &Store,
    plan: &Plan,
    measures: &[Measure],
    format: &str,
) -> Result<ExportFile, AppError> {
    let base = plan.code.to_lowercase();
    match format {
        "xlsx" => {
            let table = export_table(store, plan, measures).await?;
            let bytes = accord_formats::write_xlsx(&table).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(ExportFile {
                bytes,
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                file_name: format!("{base}.xlsx"),
            })
        }
        "csv" => {
            let table = export_table(store, plan, measures).await?;
            let bytes = accord_formats::write_csv(&table).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(ExportFile { bytes, content_type: "text/csv; charset=utf-8", file_name: format!("{base}.csv") })
        }
        "json" => {
            let body = serde_json::json!({ "plan": plan, "measures": measures });
            let bytes = serde_json::to_vec_pretty(&body).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(ExportFile { bytes, content_type: "application/json", file_name: format!("{base}.json") })
        }
        _ => Err(AppError::BadRequest("error-bad-format")),
    }
}

/// An empty plan table to fill in: the header and one example section.
pub fn template_xlsx() -> Result<Vec<u8>, AppError> {
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
    accord_formats::write_xlsx(&table).map_err(|e| AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_codes() {
        assert_eq!(period_in(&["ПЛАН мероприятий на 2025-2027 годы".into()]), Some((2025, 2027)));
        assert_eq!(period_in(&["План".into()]), None);
        let taken = |c: &str| c == "NEW-ODT";
        assert_eq!(new_code("ООО «Дары тайги»", &|_| false), "NEW-DT");
        assert_eq!(new_code("Охотские дары тайги", &taken), "NEW-ODT-2");
    }

    #[test]
    fn sections_by_name_or_words() {
        let sections = vec![
            Section {
                code: "trade".into(),
                name_ru: "Торгово-экономическое сотрудничество".into(),
                name_en: "Trade and economy".into(),
                position: 1,
            },
            Section {
                code: "culture".into(),
                name_ru: "Культура и историческая память".into(),
                name_en: "Culture".into(),
                position: 6,
            },
            Section {
                code: "youth".into(),
                name_ru: "Образование и молодёжная политика".into(),
                name_en: "Youth".into(),
                position: 5,
            },
        ];
        assert_eq!(section_code("ТОРГОВО-ЭКОНОМИЧЕСКОЕ СОТРУДНИЧЕСТВО", &sections).as_deref(), Some("trade"));
        assert_eq!(section_code("Сохранение исторической памяти", &sections).as_deref(), Some("culture"));
        assert_eq!(section_code("Работа с молодёжью", &sections).as_deref(), Some("youth"));
        assert_eq!(section_code("Космос", &sections), None);
    }
}
