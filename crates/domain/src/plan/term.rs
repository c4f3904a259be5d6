//! Terms as officials write them ("IV квартал 2025 г.", "до 1 июля 2025 г.", "ежеквартально"),
//! parsed into a schedule and kept verbatim. A term that cannot be parsed is kept as text and
//! flagged for a coordinator: never guessed.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often a recurring term falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    Month,
    Quarter,
    Half,
    Year,
}

impl Every {
    /// Whether a period of this length ends on a day from `start` to `end` (both included):
    /// months end every month, quarters in March, June, September and December, halves in
    /// June and December, years in December.
    pub fn ends_within(self, start: NaiveDate, end: NaiveDate) -> bool {
        let mut month = NaiveDate::from_ymd_opt(start.year(), start.month(), 1);
        while let Some(first) = month {
            let Some(last) = period_end(first, Every::Month) else { return false };
            if first > end {
                return false;
            }
            let closes = match self {
                Every::Month => true,
                Every::Quarter => last.month() % 3 == 0,
                Every::Half => last.month() % 6 == 0,
                Every::Year => last.month() == 12,
            };
            if closes && last >= start && last <= end {
                return true;
            }
            month = last.succ_opt();
        }
        false
    }
}

/// What a term means on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Schedule {
    /// Some time between two dates (a quarter, a month, a year, several years); due at `end`.
    Within { start: NaiveDate, end: NaiveDate },
    /// No later than a date.
    By { date: NaiveDate },
    /// Again every period, over the plan's whole period.
    Recurring { every: Every },
    /// All the time ("постоянно"): never due, never overdue.
    Continuous,
    /// When the need arises ("по мере необходимости"): no deadline, like `Continuous`.
    AsNeeded,
    /// "По отдельному плану": its dates live in another document.
    SeparatePlan,
    /// Not understood; kept as text and flagged.
    Unparsed,
}

/// A term: the words as written and what they mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub raw: String,
    pub schedule: Schedule,
}

impl Term {
    pub fn parse(raw: &str) -> Term {
        let raw = raw.trim().to_string();
        let schedule = parse_schedule(&raw).unwrap_or(Schedule::Unparsed);
        Term { raw, schedule }
    }

    /// Whether a coordinator should look at it.
    pub fn needs_review(&self) -> bool {
        self.schedule == Schedule::Unparsed
    }

    /// Every date the term falls due within the plan period, in order.
    pub fn due_dates(&self, plan_start: NaiveDate, plan_end: NaiveDate) -> Vec<NaiveDate> {
        match self.schedule {
            Schedule::Within { end, .. } => vec![end],
            Schedule::By { date } => vec![date],
            Schedule::Recurring { every } => {
                let mut dates = Vec::new();
                let mut period_start = NaiveDate::from_ymd_opt(plan_start.year(), plan_start.month(), 1);
                while let Some(start) = period_start {
                    let Some(end) = period_end(start, every) else { break };
                    if start > plan_end {
                        break;
                    }
                    if end >= plan_start {
                        dates.push(end.min(plan_end));
                    }
                    period_start = end.succ_opt();
                }
                dates
            }
            Schedule::Continuous | Schedule::AsNeeded | Schedule::SeparatePlan | Schedule::Unparsed => Vec::new(),
        }
    }

    /// The first due date on or after `today`, if any.
    pub fn next_due(&self, today: NaiveDate, plan_start: NaiveDate, plan_end: NaiveDate) -> Option<NaiveDate> {
        self.due_dates(plan_start, plan_end).into_iter().find(|d| *d >= today)
    }

    /// The last date by which everything must be done (for a recurring term, the plan's end).
    pub fn final_due(&self, plan_start: NaiveDate, plan_end: NaiveDate) -> Option<NaiveDate> {
        self.due_dates(plan_start, plan_end).last().copied()
    }
}

/// The last day of the period (month, quarter, half, year) starting on `start`'s month.
fn period_end(start: NaiveDate, every: Every) -> Option<NaiveDate> {
    let months = match every {
        Every::Month => 1,
        Every::Quarter => 3 - (start.month0() % 3),
        Every::Half => 6 - (start.month0() % 6),
        Every::Year => 12 - start.month0(),
    };
    let first_of_next = start.with_day(1)?.checked_add_months(chrono::Months::new(months))?;
    first_of_next.pred_opt()
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    period_end(NaiveDate::from_ymd_opt(year, month, 1)?, Every::Month)
}

fn quarter_range(year: i32, q: u32) -> Option<Schedule> {
    let start = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)?;
    Some(Schedule::Within { start, end: period_end(start, Every::Quarter)? })
}

fn years_range(from: i32, to: i32) -> Option<Schedule> {
    if to < from || !(1900..=2200).contains(&from) || !(1900..=2200).contains(&to) {
        return None;
    }
    Some(Schedule::Within { start: NaiveDate::from_ymd_opt(from, 1, 1)?, end: NaiveDate::from_ymd_opt(to, 12, 31)? })
}

const MONTHS: [(&str, u32); 24] = [
    ("январ", 1),
    ("феврал", 2),
    ("март", 3),
    ("апрел", 4),
    ("ма", 5),
    ("июн", 6),
    ("июл", 7),
    ("август", 8),
    ("сентябр", 9),
    ("октябр", 10),
    ("ноябр", 11),
    ("декабр", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

fn month_of(word: &str) -> Option<u32> {
    // "ма" must match only май/мая/мае, not март (checked earlier in the list).
    if word == "мая" || word == "май" || word == "мае" {
        return Some(5);
    }
    MONTHS.iter().find(|(stem, _)| *stem != "ма" && word.starts_with(stem)).map(|(_, m)| *m)
}

fn roman_or_digit(word: &str) -> Option<u32> {
    let word = ["st", "nd", "rd", "th"].iter().fold(word, |w, suffix| w.strip_suffix(suffix).unwrap_or(w));
    match word {
        "i" | "1" => Some(1),
        "ii" | "2" => Some(2),
        "iii" | "3" => Some(3),
        "iv" | "4" => Some(4),
        _ => None,
    }
}

fn year_of(word: &str) -> Option<i32> {
    let y: i32 = word.parse().ok()?;
    (1900..=2200).contains(&y).then_some(y)
}

/// Lowercase words, with dashes between numbers split out and filler words removed.
fn words(raw: &str) -> Vec<String> {
    let text = raw.to_lowercase().replace('ё', "е").replace(['–', '—', '−'], "-");
    let mut spaced = String::new();
    for c in text.chars() {
        match c {
            '-' | '/' => spaced.push_str(" - "),
            ',' | ';' | '(' | ')' => spaced.push(' '),
            _ => spaced.push(c),
        }
    }
    spaced
        .split_whitespace()
        .map(|w| w.trim_end_matches('.').to_string())
        .filter(|w| !w.is_empty())
        .filter(|w| {
            !matches!(
                w.as_str(),
                "г" | "гг" | "год" | "года" | "годы" | "годов" | "году" | "year" | "years" | "of" | "the"
            )
        })
        .collect()
}

fn parse_schedule(raw: &str) -> Option<Schedule> {
    if raw.is_empty() {
        return None;
    }
    if let Ok(date) = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
        return Some(Schedule::By { date });
    }
    if let Ok(date) = NaiveDate::parse_from_str(raw.trim(), "%d.%m.%Y") {
        return Some(Schedule::By { date });
    }
    let w = words(raw);
    let s: Vec<&str> = w.iter().map(String::as_str).collect();
    let joined = s.join(" ");
    match joined.as_str() {
        "ежегодно" | "annually" | "yearly" => return Some(Schedule::Recurring { every: Every::Year }),
        "ежеквартально" | "quarterly" => return Some(Schedule::Recurring { every: Every::Quarter }),
        "ежемесячно" | "monthly" => return Some(Schedule::Recurring { every: Every::Month }),
        "раз в полугодие" | "каждое полугодие" | "semi-annually" | "half-yearly" => {
            return Some(Schedule::Recurring { every: Every::Half });
        }
        "постоянно" | "на постоянной основе" | "ongoing" | "continuously" | "permanently" | "continuous" =>
        {
            return Some(Schedule::Continuous);
        }
        "по мере необходимости" | "по необходимости" | "as needed" | "as required" | "when needed" =>
        {
            return Some(Schedule::AsNeeded);
        }
        "по отдельному плану"
        | "по отдельным планам"
        | "under a separate plan"
        | "per a separate plan"
        | "separate plan" => {
            return Some(Schedule::SeparatePlan);
        }
        _ => {}
    }
    // Leading words: some do not change the meaning of the dates after them; "до" names the
    // first day that is too late, "не позднее" (and English "by") the last day that is in time.
    let (s, lead) = match s.as_slice() {
        ["в", "течение", rest @ ..]
        | ["throughout", rest @ ..]
        | ["during", rest @ ..]
        | ["в", rest @ ..]
        | ["in", rest @ ..] => (rest.to_vec(), Lead::None),
        ["до", rest @ ..] | ["before", rest @ ..] => (rest.to_vec(), Lead::Before),
        ["не", "позднее", rest @ ..]
        | ["by", rest @ ..]
        | ["until", rest @ ..]
        | ["no", "later", "than", rest @ ..] => (rest.to_vec(), Lead::NoLaterThan),
        _ => (s.clone(), Lead::None),
    };
    let schedule = match s.as_slice() {
        // 2025 | 2025 - 2027
        [y] => years_range(year_of(y)?, year_of(y)?),
        [a, "-", b] if year_of(a).is_some() => years_range(year_of(a)?, year_of(b)?),
        // I квартал 2025 | 2 кв 2026 | q3 2025 | 1st quarter 2025
        [q, kw, y] if kw.starts_with("кв") || kw.starts_with("quarter") => {
            quarter_range(year_of(y)?, roman_or_digit(q)?)
        }
        [q, y] if q.starts_with('q') => quarter_range(year_of(y)?, roman_or_digit(&q[1..])?),
        [y, q] if q.starts_with('q') && year_of(y).is_some() => quarter_range(year_of(y)?, roman_or_digit(&q[1..])?),
        // I - II квартал 2025
        [a, "-", b, kw, y] if kw.starts_with("кв") || kw.starts_with("quarter") => {
            let start = quarter_range(year_of(y)?, roman_or_digit(a)?)?;
            let end = quarter_range(year_of(y)?, roman_or_digit(b)?)?;
            match (start, end) {
                (Schedule::Within { start, .. }, Schedule::Within { end, .. }) if start <= end => {
                    Some(Schedule::Within { start, end })
                }
                _ => None,
            }
        }
        // II полугодие 2025
        [h, kw, y] if kw.starts_with("полугод") || kw.starts_with("half") => {
            let half = roman_or_digit(h).filter(|h| *h <= 2)?;
            let start = NaiveDate::from_ymd_opt(year_of(y)?, (half - 1) * 6 + 1, 1)?;
            Some(Schedule::Within { start, end: period_end(start, Every::Half)? })
        }
        // ноябрь - декабрь 2025 | november - december 2025
        [a, "-", b, y] if month_of(a).is_some() && month_of(b).is_some() => {
            let (year, first, last) = (year_of(y)?, month_of(a)?, month_of(b)?);
            if first > last {
                return None;
            }
            Some(Schedule::Within { start: NaiveDate::from_ymd_opt(year, first, 1)?, end: month_end(year, last)? })
        }
        // июнь 2025 | june 2025
        [m, y] => {
            let (year, month) = (year_of(y)?, month_of(m)?);
            Some(Schedule::Within { start: NaiveDate::from_ymd_opt(year, month, 1)?, end: month_end(year, month)? })
        }
        // july 1 2025
        [m, d, y] if month_of(m).is_some() => {
            let date = NaiveDate::from_ymd_opt(year_of(y)?, month_of(m)?, d.trim_end_matches("st").parse().ok()?)?;
            Some(Schedule::By { date })
        }
        // 1 июля 2025 | 1 july 2025
        [d, m, y] => {
            let date = NaiveDate::from_ymd_opt(year_of(y)?, month_of(m)?, d.parse().ok()?)?;
            Some(Schedule::By { date })
        }
        _ => None,
    }?;
    Some(match (lead, schedule) {
        // "до 1 июля 2026 г.": the named day is already too late, so 30 June is the deadline;
        // "до 2026 г." likewise means before 2026 begins: 31 December 2025.
        (Lead::Before, Schedule::By { date }) => Schedule::By { date: date.pred_opt()? },
        (Lead::Before, Schedule::Within { start, .. }) => Schedule::By { date: start.pred_opt()? },
        // "не позднее 2026 г.": the period's last day is still in time.
        (Lead::NoLaterThan, Schedule::Within { end, .. }) => Schedule::By { date: end },
        (_, other) => other,
    })
}

/// How a term's leading words bound the dates after them.
#[derive(Debug, Clone, Copy)]
enum Lead {
    None,
    /// "до …": the date named (or the period's first day) is the first day too late.
    Before,
    /// "не позднее …", "by …": the date named (or the period's last day) is the last day in time.
    NoLaterThan,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn within(raw: &str) -> (NaiveDate, NaiveDate) {
        match Term::parse(raw).schedule {
            Schedule::Within { start, end } => (start, end),
            other => panic!("{raw:?} parsed as {other:?}"),
        }
    }

    fn by(raw: &str) -> NaiveDate {
        match Term::parse(raw).schedule {
            Schedule::By { date } => date,
            other => panic!("{raw:?} parsed as {other:?}"),
        }
    }

    #[test]
    fn quarters() {
        assert_eq!(within("I квартал 2025 г."), (d(2025, 1, 1), d(2025, 3, 31)));
        assert_eq!(within("2 квартал 2026 года"), (d(2026, 4, 1), d(2026, 6, 30)));
        assert_eq!(within("IV кв. 2025 г."), (d(2025, 10, 1), d(2025, 12, 31)));
        assert_eq!(within("Q3 2025"), (d(2025, 7, 1), d(2025, 9, 30)));
        assert_eq!(within("2025 Q3"), (d(2025, 7, 1), d(2025, 9, 30)));
        assert_eq!(within("3rd quarter 2025").0, d(2025, 7, 1), "English ordinal");
        assert_eq!(within("I–II квартал 2026 г."), (d(2026, 1, 1), d(2026, 6, 30)));
        assert_eq!(within("II полугодие 2025 г."), (d(2025, 7, 1), d(2025, 12, 31)));
    }

    #[test]
    fn years_and_months() {
        assert_eq!(within("2025 г."), (d(2025, 1, 1), d(2025, 12, 31)));
        assert_eq!(within("2025-2027 гг."), (d(2025, 1, 1), d(2027, 12, 31)));
        assert_eq!(within("2025–2026 годы"), (d(2025, 1, 1), d(2026, 12, 31)));
        assert_eq!(within("в течение 2025-2027 гг."), (d(2025, 1, 1), d(2027, 12, 31)));
        assert_eq!(within("throughout 2025-2027"), (d(2025, 1, 1), d(2027, 12, 31)));
        assert_eq!(within("июнь 2025 г."), (d(2025, 6, 1), d(2025, 6, 30)));
        assert_eq!(within("февраль 2028 г."), (d(2028, 2, 1), d(2028, 2, 29)));
        assert_eq!(within("June 2025"), (d(2025, 6, 1), d(2025, 6, 30)));
        assert_eq!(within("май 2026"), (d(2026, 5, 1), d(2026, 5, 31)));
        assert_eq!(within("март 2026"), (d(2026, 3, 1), d(2026, 3, 31)));
    }

    #[test]
    fn deadlines() {
        // "до" excludes the day it names: due the day before.
        assert_eq!(by("до 1 июля 2025 г."), d(2025, 6, 30));
        assert_eq!(by("до 1 января 2026 г."), d(2025, 12, 31));
        assert_eq!(by("до 2026 г."), d(2025, 12, 31), "before 2026 begins");
        assert_eq!(by("до IV квартала 2025 г."), d(2025, 9, 30));
        // "не позднее" and "by" include it.
        assert_eq!(by("не позднее 15 мая 2026 г."), d(2026, 5, 15));
        assert_eq!(by("не позднее 2026 г."), d(2026, 12, 31));
        assert_eq!(by("by 1 July 2025"), d(2025, 7, 1));
        assert_eq!(by("2025-09-30"), d(2025, 9, 30));
        assert_eq!(by("30.09.2025"), d(2025, 9, 30));
    }

    #[test]
    fn recurring_and_open_terms() {
        assert_eq!(Term::parse("ежегодно").schedule, Schedule::Recurring { every: Every::Year });
        assert_eq!(Term::parse("Ежеквартально").schedule, Schedule::Recurring { every: Every::Quarter });
        assert_eq!(Term::parse("quarterly").schedule, Schedule::Recurring { every: Every::Quarter });
        assert_eq!(Term::parse("постоянно").schedule, Schedule::Continuous);
        assert_eq!(Term::parse("по отдельному плану").schedule, Schedule::SeparatePlan);
        assert_eq!(Term::parse("Under a separate plan").schedule, Schedule::SeparatePlan);
        let as_needed = Term::parse("По мере необходимости");
        assert_eq!(as_needed.schedule, Schedule::AsNeeded);
        assert!(!as_needed.needs_review(), "understood: it has no deadline");
        assert_eq!(as_needed.due_dates(d(2025, 1, 1), d(2027, 12, 31)), Vec::<NaiveDate>::new());
    }

    #[test]
    fn month_ranges() {
        assert_eq!(within("ноябрь–декабрь 2025 г."), (d(2025, 11, 1), d(2025, 12, 31)));
        assert_eq!(within("январь - март 2026"), (d(2026, 1, 1), d(2026, 3, 31)));
        assert_eq!(Term::parse("декабрь–ноябрь 2025 г.").schedule, Schedule::Unparsed, "backwards");
    }

    #[test]
    fn garbage_is_kept_and_flagged() {
        for raw in ["", "когда-нибудь", "V квартал 2025", "31 февраля 2025", "1 квартал", "2025-2024"]
        {
            let term = Term::parse(raw);
            assert_eq!(term.schedule, Schedule::Unparsed, "{raw:?}");
            assert!(term.needs_review());
            assert_eq!(term.raw, raw.trim());
        }
    }

    #[test]
    fn recurring_terms_fall_due_every_period() {
        let (start, end) = (d(2025, 1, 1), d(2027, 12, 31));
        let quarterly = Term::parse("ежеквартально").due_dates(start, end);
        assert_eq!(quarterly.len(), 12);
        assert_eq!(quarterly[0], d(2025, 3, 31));
        assert_eq!(quarterly[11], d(2027, 12, 31));
        let yearly = Term::parse("ежегодно").due_dates(start, end);
        assert_eq!(yearly, vec![d(2025, 12, 31), d(2026, 12, 31), d(2027, 12, 31)]);
        let term = Term::parse("ежеквартально");
        assert_eq!(term.next_due(d(2026, 11, 27), start, end), Some(d(2026, 12, 31)));
        // Which periods end within the fourth quarter of 2026, and within its first month.
        let (q4, oct) = ((d(2026, 10, 1), d(2026, 12, 31)), (d(2026, 10, 1), d(2026, 10, 31)));
        for every in [Every::Month, Every::Quarter, Every::Half, Every::Year] {
            assert!(every.ends_within(q4.0, q4.1), "{every:?} ends in Q4");
        }
        assert!(Every::Month.ends_within(oct.0, oct.1));
        assert!(!Every::Quarter.ends_within(oct.0, oct.1));
        assert!(!Every::Year.ends_within(d(2026, 4, 1), d(2026, 6, 30)));
        assert!(Every::Half.ends_within(d(2026, 4, 1), d(2026, 6, 30)));
        assert_eq!(Term::parse("постоянно").due_dates(start, end), Vec::<NaiveDate>::new());
        assert_eq!(Term::parse("IV квартал 2025").final_due(start, end), Some(d(2025, 12, 31)));
    }
}
