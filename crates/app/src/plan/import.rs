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

use super::table::{Directory, UNKNOWN_EXECUTOR, map_rows, new_code, period_in};
use crate::{Actor, App, Error, Result};
use accord_domain::directory::{Action, Organisation, OrganisationForm, authorize, name_key};
use accord_domain::plan::import::{RowRefusal, decide_import};
use accord_domain::plan::version::AmendmentKind;
use accord_domain::plan::{Measure, MeasureData, NewPlan, Plan};
use accord_formats::{PlanTable, Problem, Reason};
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
