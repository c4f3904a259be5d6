//! Finding the plan table on a sheet by its header row, however the columns are worded.
//!
//! Plans are typed by hand in two countries, so captions vary ("Срок исполнения", "Сроки",
//! "Term"), carry line breaks and stray punctuation, and the executors column is sometimes one
//! shared column and sometimes one per side under a merged caption. A caption is recognised
//! by its folded key; the first row that has every required column is the header.

use super::grid::{Grid, Value};
use super::text::{header_key, measure_number};
use super::{Problem, Reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Number,
    Title,
    Term,
    Executors,
    ExecutorsBy,
    ExecutorsKhv,
    Result,
    Note,
}

const KINDS: usize = 8;

impl Kind {
    fn slot(self) -> usize {
        self as usize
    }
}

/// Captions of the number column, compared whole: they are too short to compare by prefix.
const NUMBER_KEYS: [&str; 12] = ["№", "№пп", "№№пп", "nпп", "nn", "n", "no", "nr", "#", "номер", "номерпп", "number"];
const BY_MARKERS: [&str; 2] = ["белорус", "belarus"];
const KHV_MARKERS: [&str; 4] = ["российск", "хабаровск", "russia", "khabarovsk"];
/// Checked in this order, by prefix, so that "Срок реализации мероприятия" is a term and
/// "Ожидаемый результат мероприятия" a result, not titles.
const PREFIXES: [(Kind, &[&str]); 5] = [
    (Kind::Executors, &["ответствен", "исполнит", "executor", "responsib"]),
    (Kind::Term, &["срок", "term", "deadline", "due", "timeframe"]),
    (Kind::Result, &["ожидаем", "результат", "expectedresult", "result", "outcome"]),
    (Kind::Note, &["примечан", "note", "comment", "remark"]),
    (Kind::Title, &["наименование", "мероприят", "содержание", "measure", "title", "action", "activit"]),
];

pub(crate) fn classify(caption: &str) -> Option<Kind> {
    let key = header_key(caption);
    if key.is_empty() {
        return None;
    }
    if NUMBER_KEYS.contains(&key.as_str()) || key.starts_with('№') {
        return Some(Kind::Number);
    }
    if BY_MARKERS.iter().any(|m| key.contains(m)) {
        return Some(Kind::ExecutorsBy);
    }
    if KHV_MARKERS.iter().any(|m| key.contains(m)) {
        return Some(Kind::ExecutorsKhv);
    }
    PREFIXES.iter().find(|(_, prefixes)| prefixes.iter().any(|p| key.starts_with(p))).map(|(kind, _)| *kind)
}

/// A table column: where it is and its caption as found (on one line), for problem reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub index: usize,
    pub caption: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// 0-based row of the (first) header row; everything above is the title block.
    pub first_row: usize,
    /// 0-based row where data may start (after sub-headers and merged header cells).
    pub data_start: usize,
    pub number: Column,
    pub title: Column,
    pub term: Column,
    pub executors: Option<Column>,
    pub executors_by: Option<Column>,
    pub executors_khv: Option<Column>,
    pub result: Option<Column>,
    pub note: Option<Column>,
}

impl Header {
    pub(crate) fn is_executors_column(&self, col: usize) -> bool {
        [&self.executors, &self.executors_by, &self.executors_khv].into_iter().flatten().any(|c| c.index == col)
    }
}

/// The best near-miss of a header: how many required columns it had and which were missing.
#[derive(Debug, Clone)]
pub(crate) struct Missing {
    found: usize,
    names: Vec<&'static str>,
}

const NUMBER_NAME: &str = "№ п/п";
const TITLE_NAME: &str = "Наименование мероприятия";
const TERM_NAME: &str = "Срок исполнения";
const EXECUTORS_NAME: &str = "Ответственные исполнители";

pub(crate) fn keep_best(best: &mut Option<Missing>, candidate: Missing) {
    if best.as_ref().is_none_or(|b| candidate.found > b.found) {
        *best = Some(candidate);
    }
}

pub(crate) fn no_header_problem(sheet: &str, best: Option<Missing>) -> Problem {
    let names = best.map_or_else(|| vec![NUMBER_NAME, TITLE_NAME, TERM_NAME, EXECUTORS_NAME], |b| b.names);
    let list: Vec<String> = names.iter().map(|n| format!("«{n}»")).collect();
    Problem {
        sheet: sheet.to_string(),
        row: 0,
        column: String::new(),
        reason: Reason::new("problem-plan-no-header").arg("columns", list.join(", ")),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Scans the sheet top to bottom for the first row that has every required column.
pub(crate) fn find(grid: &Grid) -> Result<Header, Missing> {
    let mut best: Option<Missing> = None;
    for row in 0..grid.height() {
        match header_at(grid, row) {
            Ok(header) => return Ok(header),
            Err(missing) => keep_best(&mut best, missing),
        }
    }
    Err(best.unwrap_or(Missing { found: 0, names: vec![NUMBER_NAME, TITLE_NAME, TERM_NAME, EXECUTORS_NAME] }))
}

fn header_at(grid: &Grid, row: usize) -> Result<Header, Missing> {
    let mut columns: [Option<Column>; KINDS] = Default::default();
    for col in 0..grid.width() {
        // A caption merged across columns ("Ответственные исполнители" over both sides) is
        // read in each of them; the first column of a kind wins, so it is read once, in its
        // first column (a merge over a whole sheet costs one caption a row: plan_xlsx-1).
        if grid.merge_at(row, col).is_some_and(|m| m.first_col < col) {
            continue;
        }
        if let Value::Text(caption) = grid.shown(row, col)
            && let Some(kind) = classify(caption)
            && columns[kind.slot()].is_none()
        {
            columns[kind.slot()] = Some(Column { index: col, caption: one_line(caption) });
        }
    }
    let core_found = [Kind::Number, Kind::Title, Kind::Term].iter().filter(|k| columns[k.slot()].is_some()).count();
    let mut last_header_row = row;
    if core_found == 3 && side_subheader(grid, row, &mut columns) {
        last_header_row = row + 1;
    }
    let [number, title, term, executors, by, khv, result, note] = columns;
    let executors_found = executors.is_some() || (by.is_some() && khv.is_some());
    let (Some(number), Some(title), Some(term), true) = (number.clone(), title.clone(), term.clone(), executors_found)
    else {
        let mut names = Vec::new();
        for (found, name) in [
            (number.is_some(), NUMBER_NAME),
            (title.is_some(), TITLE_NAME),
            (term.is_some(), TERM_NAME),
            (executors_found, EXECUTORS_NAME),
        ] {
            if !found {
                names.push(name);
            }
        }
        return Err(Missing { found: 4 - names.len(), names });
    };
    // Under a merged "Ответственные исполнители" split per side, the shared caption's column
    // is one of the side columns: it is not a third executors column.
    let executors = executors.filter(|e| ![&by, &khv].into_iter().flatten().any(|side| side.index == e.index));
    let mut header = Header {
        first_row: row,
        data_start: last_header_row + 1,
        number,
        title,
        term,
        executors,
        executors_by: by,
        executors_khv: khv,
        result,
        note,
    };
    // Captions merged down over more rows than the sub-header ("№ п/п" over three rows).
    let table_columns = [&header.number, &header.title, &header.term].into_iter().map(|c| c.index).chain(
        [&header.executors, &header.executors_by, &header.executors_khv, &header.result, &header.note]
            .into_iter()
            .flatten()
            .map(|c| c.index),
    );
    for col in table_columns.collect::<Vec<_>>() {
        if let Some(merge) = grid.merge_at(last_header_row, col)
            && merge.first_row <= last_header_row
        {
            header.data_start = header.data_start.max(merge.last_row + 1);
        }
    }
    Ok(header)
}

/// Looks for "с белорусской стороны" / "с российской стороны" in the row under the header,
/// beneath the executors caption or beneath empty header cells next to it. Fills the side
/// columns and returns whether the row is a sub-header.
fn side_subheader(grid: &Grid, row: usize, columns: &mut [Option<Column>; KINDS]) -> bool {
    let below = row + 1;
    if below >= grid.height() {
        return false;
    }
    // A measure row directly under a one-row header is not a sub-header, whatever it says.
    if let Some(number) = &columns[Kind::Number.slot()]
        && measure_number(grid.own(below, number.index)).is_some()
    {
        return false;
    }
    let mut found = false;
    for col in 0..grid.width() {
        let above = grid.shown(row, col);
        let above_kind = match above {
            Value::Text(caption) => classify(caption),
            _ => None,
        };
        if !(above.is_empty() || above_kind == Some(Kind::Executors)) {
            continue;
        }
        // Own values only: a section row merged across the table must not pass for captions.
        let Value::Text(caption) = grid.own(below, col) else { continue };
        let Some(kind @ (Kind::ExecutorsBy | Kind::ExecutorsKhv)) = classify(caption) else { continue };
        let full = match above {
            Value::Text(top) => format!("{} {}", one_line(top), one_line(caption)),
            _ => one_line(caption),
        };
        columns[kind.slot()] = Some(Column { index: col, caption: full });
        found = true;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_russian_and_english_captions() {
        let cases = [
            ("№ п/п", Kind::Number),
            ("N п/п", Kind::Number),
            ("No.", Kind::Number),
            ("#", Kind::Number),
            ("Номер", Kind::Number),
            ("Наименование\nмероприятия", Kind::Title),
            ("Содержание мероприятия", Kind::Title),
            ("Action", Kind::Title),
            ("Срок реализации мероприятия", Kind::Term),
            ("Сроки", Kind::Term),
            ("Deadline", Kind::Term),
            ("Ответственные исполнители", Kind::Executors),
            ("Responsible", Kind::Executors),
            ("с белорусской стороны", Kind::ExecutorsBy),
            ("Исполнители с российской стороны", Kind::ExecutorsKhv),
            ("Khabarovsk side", Kind::ExecutorsKhv),
            ("Belarusian side", Kind::ExecutorsBy),
            ("Ожидаемый результат", Kind::Result),
            ("Outcome", Kind::Result),
            ("Примечание", Kind::Note),
            ("Comments", Kind::Note),
        ];
        for (caption, kind) in cases {
            assert_eq!(classify(caption), Some(kind), "{caption}");
        }
        assert_eq!(classify("ПЛАН"), None);
        assert_eq!(classify(""), None);
    }
}
