//! Mapping a plan table onto the directory and the plan's sections: executor names to
//! organisations, section rows to dimensions, rows to validated measures, each problem at its
//! sheet, row and column.

use accord_domain::directory::{Organisation, name_key};
use accord_domain::plan::{Executor, MeasureData, MeasureForm, Section};
use accord_domain::{OrganisationId, Side};
use accord_formats::{MeasureRow, PlanRow, PlanTable, Problem, Reason};
use std::collections::HashMap;

/// Finds the organisation a name in a plan means: by code, or by any of its names.
pub(super) struct Directory {
    by_key: HashMap<String, (OrganisationId, Side)>,
}

impl Directory {
    pub(super) fn new<'a>(organisations: impl IntoIterator<Item = &'a Organisation>) -> Self {
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

    pub(super) fn find(&self, name: &str) -> Option<(OrganisationId, Side)> {
        self.by_key
            .get(&format!("code:{}", name.trim().to_lowercase()))
            .or_else(|| self.by_key.get(&name_key(name)))
            .copied()
    }
}

/// Which plan section a section row means: by its name in either language, else by the
/// words officials use for each dimension.
pub(super) fn section_code(title: &str, sections: &[Section]) -> Option<String> {
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
pub(super) fn period_in(lines: &[String]) -> Option<(i32, i32)> {
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
pub(super) struct Mapped {
    pub(super) measures: Vec<(u32, MeasureData)>,
    pub(super) missing: Vec<(Problem, String, Option<Side>)>,
}

pub(super) fn map_rows(table: &PlanTable, sections: &[Section], directory: &Directory) -> (Mapped, Vec<Problem>) {
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
pub(super) fn field_problem(table: &PlanTable, m: &MeasureRow, e: accord_domain::FieldError) -> Problem {
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
pub(super) const UNKNOWN_EXECUTOR: &str = "problem-plan-executor-unknown";
/// An executor listed in the other side's column.
pub(super) const OTHER_SIDE: &str = "problem-plan-executor-other-side";

pub(super) fn map_executors(
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
pub(super) fn new_code(name: &str, taken: &dyn Fn(&str) -> bool) -> String {
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
