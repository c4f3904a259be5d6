//! Reading the rows under a found header into sections and measures, and collecting every
//! problem on the way.
//!
//! Where the table ends is not marked in real files: signatures, footnotes and approval
//! stamps follow it. The table is taken to run to its last measure row; after that only a
//! run of section-shaped rows (a new section with no measures yet) or rows that plainly are
//! table rows with a bad number still count, up to the first empty row.

use std::collections::HashMap;

use super::grid::{Grid, Value};
use super::header::{Column, Header};
use super::text::{measure_number, number_key, parse_section, roman_section_number, split_executors};
use super::{MeasureRow, PlanRow, PlanTable, Problem, Reason, SectionRow};

enum Item {
    Empty,
    /// A row that carries nothing a plan needs (a lone number, such as a page number).
    Ignored,
    Section {
        row: SectionRow,
        /// Laid out the way a section heading is: merged across the table, or alone in the
        /// title column with no number. Only such rows may follow the last measure.
        shaped: bool,
    },
    Measure {
        row: MeasureRow,
        problems: Vec<Problem>,
    },
    Bad {
        problem: Problem,
        /// Both a number and a title: a table row, not a signature or a footnote.
        numbered: bool,
    },
}

pub(crate) fn parse(grid: &Grid, header: &Header) -> Result<PlanTable, Vec<Problem>> {
    let mut items: Vec<Item> = Vec::new();
    // Measure number key → the 1-based row that first had it.
    let mut seen: HashMap<String, u32> = HashMap::new();
    // 0-based grid row of a measure → its index in `items`, for rows continuing it.
    let mut measure_at: HashMap<usize, usize> = HashMap::new();
    let mut first = header.data_start;
    if is_column_numbering(grid, first) {
        first += 1;
    }
    for r in first..grid.height() {
        let filled = grid.filled_cols(r);
        if filled.is_empty() {
            items.push(Item::Empty);
            continue;
        }
        // A measure spread over several rows under a number cell merged down.
        if let Some(merge) = grid.merge_at(r, header.number.index)
            && merge.first_row < r
            && let Some(&index) = measure_at.get(&merge.first_row)
        {
            if let Some(Item::Measure { row, .. }) = items.get_mut(index) {
                append_continuation(row, grid, r, header);
            }
            continue;
        }
        let item = classify_row(grid, header, r, &filled, &mut seen);
        if matches!(item, Item::Measure { .. }) {
            measure_at.insert(r, items.len());
        }
        items.push(item);
    }

    let body_end = items.iter().rposition(|i| matches!(i, Item::Measure { .. })).map_or(0, |i| i + 1);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut tail = items.split_off(body_end);
    for item in items {
        match item {
            Item::Section { row, .. } => rows.push(PlanRow::Section(row)),
            Item::Measure { row, problems: found } => {
                problems.extend(found);
                rows.push(PlanRow::Measure(row));
            }
            Item::Bad { problem, .. } => problems.push(problem),
            Item::Empty | Item::Ignored => {}
        }
    }
    for item in tail.drain(..) {
        match item {
            Item::Section { row, shaped: true } => rows.push(PlanRow::Section(row)),
            Item::Bad { problem, numbered: true } => problems.push(problem),
            _ => break,
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(PlanTable { sheet: grid.sheet.clone(), title_lines: title_lines(grid, header.first_row), rows })
}

fn row_number(r: usize) -> u32 {
    u32::try_from(r + 1).unwrap_or(u32::MAX)
}

fn classify_row(grid: &Grid, header: &Header, r: usize, filled: &[usize], seen: &mut HashMap<String, u32>) -> Item {
    let problem = |column: &Column, reason: Reason| Problem {
        sheet: grid.sheet.clone(),
        row: row_number(r),
        column: column.caption.clone(),
        reason,
    };
    let number_cell = grid.own(r, header.number.index);
    if let Some(number) = measure_number(number_cell) {
        let mut problems = Vec::new();
        let row = read_measure(grid, header, r, number);
        if row.title.is_empty() {
            problems.push(problem(&header.title, Reason::new("problem-plan-title-empty").arg("number", &row.number)));
        }
        let key = number_key(&row.number);
        match seen.get(&key) {
            Some(first) => problems.push(problem(
                &header.number,
                Reason::new("problem-plan-number-repeated").arg("number", &row.number).arg("first", first),
            )),
            None => {
                seen.insert(key, row.row);
            }
        }
        return Item::Measure { row, problems };
    }
    if let [col] = filled {
        let Value::Text(text) = grid.own(r, *col) else { return Item::Ignored };
        let merged_across =
            grid.merge_at(r, *col).is_some_and(|m| m.first_row == r && m.first_col == *col && m.width() > 1);
        let alone_in_title = *col == header.title.index && number_cell.is_empty();
        let (number, title) = parse_section(text);
        return Item::Section {
            row: SectionRow { row: row_number(r), number, title },
            shaped: merged_across || alone_in_title,
        };
    }
    let title_cell = grid.own(r, header.title.index);
    if let [a, b] = filled
        && *a == header.number.index
        && *b == header.title.index
        && let Some(number) = roman_section_number(&number_cell.text())
    {
        return Item::Section {
            row: SectionRow { row: row_number(r), number: Some(number), title: title_cell.text() },
            shaped: true,
        };
    }
    let written = number_cell.text();
    let reason = if written.is_empty() {
        Reason::new("problem-plan-number-missing")
    } else {
        Reason::new("problem-plan-number-invalid").arg("value", &written)
    };
    Item::Bad { problem: problem(&header.number, reason), numbered: !written.is_empty() && !title_cell.is_empty() }
}

fn read_measure(grid: &Grid, header: &Header, r: usize, number: String) -> MeasureRow {
    let field = |column: &Option<Column>| column.as_ref().map(|c| data_text(grid, header, r, c.index));
    let names = |column: &Option<Column>| field(column).map(|t| split_executors(&t)).unwrap_or_default();
    let optional = |column: &Option<Column>| field(column).filter(|t| !t.is_empty());
    MeasureRow {
        row: row_number(r),
        number,
        title: grid.own(r, header.title.index).text(),
        term: data_text(grid, header, r, header.term.index),
        executors: names(&header.executors),
        executors_by: names(&header.executors_by),
        executors_khv: names(&header.executors_khv),
        expected_result: optional(&header.result),
        note: optional(&header.note),
    }
}

/// A data cell's text, taking in merges that mean "the same for these rows" (a term merged
/// down over several measures) or "both sides" (one executor merged over both side columns).
/// Merges that start in another kind of column (a title spread over the term) are not read.
fn data_text(grid: &Grid, header: &Header, r: usize, col: usize) -> String {
    let own = grid.own(r, col);
    if !own.is_empty() {
        return own.text();
    }
    match grid.merge_at(r, col) {
        Some(m)
            if m.first_row <= r
                && (m.first_col == col
                    || (header.is_executors_column(m.first_col) && header.is_executors_column(col))) =>
        {
            grid.own(m.first_row, m.first_col).text()
        }
        _ => String::new(),
    }
}

/// Adds a continuation row's own values to the measure it continues.
fn append_continuation(measure: &mut MeasureRow, grid: &Grid, r: usize, header: &Header) {
    let own = |column: &Option<Column>| column.as_ref().map(|c| grid.own(r, c.index).text()).unwrap_or_default();
    let append = |target: &mut String, more: String| {
        if more.is_empty() {
            return;
        }
        if !target.is_empty() {
            target.push('\n');
        }
        target.push_str(&more);
    };
    append(&mut measure.title, grid.own(r, header.title.index).text());
    append(&mut measure.term, grid.own(r, header.term.index).text());
    measure.executors.extend(split_executors(&own(&header.executors)));
    measure.executors_by.extend(split_executors(&own(&header.executors_by)));
    measure.executors_khv.extend(split_executors(&own(&header.executors_khv)));
    for (target, column) in [(&mut measure.expected_result, &header.result), (&mut measure.note, &header.note)] {
        let more = own(column);
        if !more.is_empty() {
            let mut text = target.take().unwrap_or_default();
            append(&mut text, more);
            *target = Some(text);
        }
    }
}

/// A row that only numbers the columns: "1", "2", "3", … rising from 1 in every filled cell.
fn is_column_numbering(grid: &Grid, r: usize) -> bool {
    let cols = grid.filled_cols(r);
    if cols.len() < 3 {
        return false;
    }
    let mut previous = 0_i64;
    for col in cols {
        let n = match grid.own(r, col) {
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e6 => *n as i64,
            Value::Text(t) => match t.trim_end_matches('.').parse::<i64>() {
                Ok(n) => n,
                Err(_) => return false,
            },
            _ => return false,
        };
        if n <= previous || (previous == 0 && n != 1) {
            return false;
        }
        previous = n;
    }
    true
}

/// Every non-empty line of every cell above the header, top to bottom, left to right.
fn title_lines(grid: &Grid, header_row: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for r in 0..header_row {
        for col in grid.filled_cols(r) {
            let text = grid.own(r, col).text();
            lines.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
        }
    }
    lines
}
