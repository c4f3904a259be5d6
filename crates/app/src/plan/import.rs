//! The plan table's import and exports (XLSX, CSV, JSON), for the web UI and the CLI alike.
//!
//! The file layer (`accord-formats`) reads rows as written; this module maps them onto the
//! directory and the domain (section rows to plan sections, executor names to organisations,
//! rows to validated measures), and the domain's import rules decide each row
//! (`accord_domain::plan::import`): on a signed plan a change of the signed text waits for the
//! other side as an amendment, and a row of what only the other side owns refuses the whole
//! import. The file is read only after the importer is known to be allowed to import at all.
//! Everything (new organisations, a new plan, measures, amendments) is written in one
//! transaction; every problem names its sheet, row and column.

use crate::{Actor, App, Error, Result};
use accord_domain::directory::{Action, Organisation, OrganisationForm, authorize, name_key};
use accord_domain::plan::import::{RowRefusal, decide_import};
use accord_domain::plan::version::AmendmentKind;
use accord_domain::plan::{Executor, Measure, MeasureData, MeasureForm, NewPlan, Plan, Section};
use accord_domain::{OrganisationId, Side};
use accord_formats::{ExportMeasure, ExportSection, ExportTable, MeasureRow, PlanRow, PlanTable, Problem, Reason};
use accord_store::{NewAgreement, Proposal};
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

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub plan_code: String,
    /// Measure rows in the file.
    pub measures: usize,
    pub created: usize,
    /// Measures changed at once.
    pub changed: usize,
    pub unchanged: usize,
    /// Numbers of the measures whose change awaits the other side's coordinator (new
    /// proposals and ones a previous import of the same file already made).
    pub awaiting_approval: Vec<String>,
    pub created_organisations: Vec<String>,
    pub dry_run: bool,
}

/// Reads a plan file by its name's extension (`.xlsx`, `.csv`) or its first bytes.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<PlanTable> {
    let lower = file_name.to_lowercase();
    let is_zip = bytes.starts_with(b"PK");
    let result = if lower.ends_with(".xlsx") || (is_zip && !lower.ends_with(".csv")) {
        accord_formats::read_xlsx(bytes)
    } else {
        accord_formats::read_csv(bytes)
    };
    result.map_err(Error::InvalidFile)
}

/// Finds the organisation a name in a plan means: by code, or by any of its names.
struct Directory {
    by_key: HashMap<String, (OrganisationId, Side)>,
}

impl Directory {
    fn new<'a>(organisations: impl IntoIterator<Item = &'a Organisation>) -> Self {
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

/// The measures a table maps to, each with the file row it came from.
struct Mapped {
    measures: Vec<(u32, MeasureData)>,
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
                    Ok(data) => mapped.measures.push((m.row, data)),
                    Err(invalid) => problems.extend(invalid.0.into_iter().map(|e| field_problem(table, m, e))),
                }
            }
        }
    }
    (mapped, problems)
}

/// A field the domain refused, as a problem at its row and column.
fn field_problem(table: &PlanTable, m: &MeasureRow, e: accord_domain::FieldError) -> Problem {
    let column = match e.field {
        "term" => "Срок исполнения",
        "title_ru" => "Наименование мероприятия",
        "number" => "№ п/п",
        other => other,
    };
    use accord_domain::validation::Reason as Invalid;
    let reason = match (e.field, e.reason) {
        ("term", Invalid::Required) => Reason::new("problem-plan-term-missing"),
        ("number", Invalid::InvalidCode) => Reason::new("problem-plan-number-invalid").arg("value", m.number.trim()),
        (_, Invalid::Required) => Reason::new("problem-value-empty"),
        (_, Invalid::TooLong) => Reason::new("problem-plan-value-too-long"),
        (_, _) => Reason::new("problem-plan-value-invalid"),
    };
    Problem { sheet: table.sheet.clone(), row: m.row, column: column.into(), reason }
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

/// An organisation an import will create, with the id it will have.
struct NewOrganisation {
    organisation: Organisation,
    /// The first row naming it.
    row: u32,
}

fn problem(table: &PlanTable, row: u32, reason: Reason) -> Problem {
    Problem { sheet: table.sheet.clone(), row, column: String::new(), reason }
}

impl App {
    /// Imports a plan table. All rows or none; importing the same file twice changes nothing.
    /// The importer must be allowed to create measures before the file is read; then each row
    /// is decided by the same rules as a form (see the module's documentation).
    pub async fn plan_import(
        &self,
        actor: &Actor,
        file_name: &str,
        bytes: &[u8],
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        authorize(&actor.role(), Action::CreateMeasure)?;
        let table = read_table(file_name, bytes)?;
        self.plan_import_table(actor, &table, options).await
    }

    /// Imports a table already read (see [`App::plan_import`]).
    pub async fn plan_import_table(
        &self,
        actor: &Actor,
        table: &PlanTable,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        authorize(&actor.role(), Action::CreateMeasure)?;
        let sections = self.store.sections().await?;
        let organisations = self.store.organisation_all().await?;
        let (mut mapped, mut problems) = map_rows(table, &sections, &Directory::new(&organisations));

        // Unknown executors stop the import, unless we may create them on their column's side.
        let mut to_create: Vec<NewOrganisation> = Vec::new();
        let mut codes: Vec<String> = organisations.iter().map(|o| o.data.code.to_string()).collect();
        for (missing, name, side) in std::mem::take(&mut mapped.missing) {
            let Some(side) = side.filter(|_| options.create_orgs && missing.reason.key == UNKNOWN_EXECUTOR) else {
                problems.push(missing);
                continue;
            };
            if to_create.iter().any(|n| name_key(&n.organisation.data.name_full_ru) == name_key(&name)) {
                continue;
            }
            if authorize(&actor.role(), Action::ManageOrganisations { side }).is_err() {
                problems.push(problem(
                    table,
                    missing.row,
                    Reason::new("problem-plan-org-create-forbidden").arg("name", &name),
                ));
                continue;
            }
            let code = new_code(&name, &|c| codes.iter().any(|t| t == c));
            codes.push(code.clone());
            let form = OrganisationForm {
                side: side.code().into(),
                code,
                kind: "other".into(),
                name_full_ru: name.clone(),
                name_short_ru: name.chars().take(120).collect(),
                ..Default::default()
            };
            let data = form.validate()?;
            let organisation = Organisation { id: self.store.new_organisation_id(), version: 1, data };
            to_create.push(NewOrganisation { organisation, row: missing.row });
        }

        let plan: Option<Plan> = match options.plan_code.as_deref() {
            Some(code) => match self.store.plan_by_code(code).await {
                Ok(plan) => Some(plan),
                Err(accord_store::StoreError::NotFound { .. }) => {
                    problems.push(problem(table, 0, Reason::new("problem-plan-not-found").arg("code", code)));
                    None
                }
                Err(e) => return Err(e.into()),
            },
            None => {
                let plans = self.store.plan_list().await?;
                if !plans.is_empty() {
                    let codes: Vec<&str> = plans.iter().map(|p| p.code.as_str()).collect();
                    problems.push(problem(table, 0, Reason::new("problem-plan-exists").arg("plans", codes.join(", "))));
                } else if period_in(&table.title_lines).is_none() {
                    problems.push(problem(table, 1, Reason::new("problem-plan-no-period")));
                }
                None
            }
        };
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.row);
            return Err(Error::InvalidFile(problems));
        }

        // Map again with the organisations the import will create.
        let mapped = if to_create.is_empty() {
            mapped
        } else {
            let known = organisations.iter().chain(to_create.iter().map(|n| &n.organisation));
            let (again, problems) = map_rows(table, &sections, &Directory::new(known));
            if !problems.is_empty() || !again.missing.is_empty() {
                let mut all = problems;
                all.extend(again.missing.into_iter().map(|(p, _, _)| p));
                return Err(Error::InvalidFile(all));
            }
            again
        };

        // Each row against the plan as it stands, by the same rules as a form.
        let existing = match &plan {
            Some(plan) => self.store.measures_of_plan(plan.id).await?,
            None => Vec::new(),
        };
        let pending: HashMap<_, _> = match &plan {
            Some(plan) => {
                self.store.pending_amendments(plan.id).await?.into_iter().map(|(id, a)| (id, a.proposed)).collect()
            }
            None => HashMap::new(),
        };
        let current: HashMap<String, &Measure> = existing.iter().map(|m| (m.data.number.to_string(), m)).collect();
        let rows: Vec<u32> = mapped.measures.iter().map(|(row, _)| *row).collect();
        let merged: Vec<MeasureData> = mapped
            .measures
            .iter()
            .map(|(_, table)| match current.get(&table.number.to_string()) {
                Some(m) => m.data.with_table_fields(table),
                None => table.clone(),
            })
            .collect();
        let signed = plan.as_ref().is_some_and(|p| p.signed_version.is_some());
        let decision = decide_import(&actor.role(), signed, &existing, &pending, &merged).map_err(|refused| {
            Error::InvalidFile(
                refused
                    .into_iter()
                    .map(|(index, why)| {
                        let number = merged[index].number.to_string();
                        let key = match why {
                            RowRefusal::NotYours => "problem-plan-row-not-yours",
                            RowRefusal::NeedsCoordinator => "problem-plan-row-needs-coordinator",
                            RowRefusal::ProposalWaiting => "problem-plan-row-proposal-waiting",
                        };
                        problem(table, rows[index], Reason::new(key).arg("number", number))
                    })
                    .collect(),
            )
        })?;

        let mut awaiting: Vec<String> = decision.proposed.iter().map(|(m, ..)| m.data.number.to_string()).collect();
        awaiting.extend(
            decision
                .already_proposed
                .iter()
                .filter_map(|id| existing.iter().find(|m| m.id == *id))
                .map(|m| m.data.number.to_string()),
        );
        let mut report = ImportReport {
            plan_code: plan.as_ref().map_or_else(|| "(new)".to_string(), |p| p.code.clone()),
            measures: merged.len(),
            created: decision.created.len(),
            changed: decision.changed.len(),
            unchanged: decision.unchanged,
            awaiting_approval: awaiting,
            created_organisations: to_create.iter().map(|n| n.organisation.data.name_full_ru.clone()).collect(),
            dry_run: options.dry_run,
        };
        if options.dry_run {
            return Ok(report);
        }

        // One transaction: organisations, the plan, the measures, the amendments.
        let mut w = self.store.begin_write(actor.author()).await?;
        for new in &to_create {
            self.store.organisation_insert_in(&mut w, &new.organisation, true).await.map_err(|e| match e {
                accord_store::StoreError::Invalid(_) => Error::InvalidFile(vec![problem(
                    table,
                    new.row,
                    Reason::new("problem-plan-org-create-failed").arg("name", &new.organisation.data.name_full_ru),
                )]),
                e => e.into(),
            })?;
        }
        let plan = match plan {
            Some(plan) => plan,
            None => {
                let (new_plan, agreement) = new_plan_of(table);
                self.store.plan_create_in(&mut w, &agreement, &new_plan).await?
            }
        };
        report.plan_code = plan.code.clone();
        self.store.measures_import_in(&mut w, &plan, &decision.created, &decision.changed).await?;
        for (measure, data, proposer) in &decision.proposed {
            let proposal = Proposal {
                proposer_side: *proposer,
                measure: measure.id,
                base_version: measure.version,
                kind: AmendmentKind::Change,
                proposed: data,
                reason: Some("import".into()),
            };
            self.store.amendment_propose_in(&mut w, proposal).await?;
        }
        w.commit().await?;
        Ok(report)
    }
}

/// The plan (and agreement) a title block describes, for an import into an empty store.
fn new_plan_of(table: &PlanTable) -> (NewPlan, NewAgreement) {
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
    (new_plan, agreement)
}

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
