//! The template's columns, their names in both languages, and finding them in a header row.

use accord_domain::text::fold;
use accord_domain::trade::Lang;

use crate::Reason;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateColumn {
    Period,
    Flow,
    Reporter,
    Partner,
    Code,
    Value,
    Currency,
    NetMassKg,
    Qty,
    QtyUnit,
}

impl TemplateColumn {
    pub const ALL: [TemplateColumn; 10] = [
        TemplateColumn::Period,
        TemplateColumn::Flow,
        TemplateColumn::Reporter,
        TemplateColumn::Partner,
        TemplateColumn::Code,
        TemplateColumn::Value,
        TemplateColumn::Currency,
        TemplateColumn::NetMassKg,
        TemplateColumn::Qty,
        TemplateColumn::QtyUnit,
    ];

    /// The English header, also the column's key.
    pub fn key(self) -> &'static str {
        match self {
            TemplateColumn::Period => "period",
            TemplateColumn::Flow => "flow",
            TemplateColumn::Reporter => "reporter",
            TemplateColumn::Partner => "partner",
            TemplateColumn::Code => "code",
            TemplateColumn::Value => "value",
            TemplateColumn::Currency => "currency",
            TemplateColumn::NetMassKg => "net_mass_kg",
            TemplateColumn::Qty => "qty",
            TemplateColumn::QtyUnit => "qty_unit",
        }
    }

    /// The header the blank template carries in a language.
    pub fn header(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.key(),
            Lang::Ru => match self {
                TemplateColumn::Period => "Период",
                TemplateColumn::Flow => "Направление",
                TemplateColumn::Reporter => "Отчитывающаяся территория",
                TemplateColumn::Partner => "Территория-партнёр",
                TemplateColumn::Code => "Код ТН ВЭД",
                TemplateColumn::Value => "Стоимость",
                TemplateColumn::Currency => "Валюта",
                TemplateColumn::NetMassKg => "Масса нетто, кг",
                TemplateColumn::Qty => "Количество в доп. ед.",
                TemplateColumn::QtyUnit => "Доп. единица измерения",
            },
        }
    }

    pub fn required(self) -> bool {
        !matches!(self, TemplateColumn::NetMassKg | TemplateColumn::Qty | TemplateColumn::QtyUnit)
    }

    /// What goes in the column, for the template's instructions sheet.
    pub fn description(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TemplateColumn::Period, Lang::En) => "A month (2025-03) or a quarter (2025Q1)",
            (TemplateColumn::Period, Lang::Ru) => "Месяц (2025-03) или квартал (2025Q1)",
            (TemplateColumn::Flow, Lang::En) => "export or import, from the reporter's side",
            (TemplateColumn::Flow, Lang::Ru) => "экспорт или импорт со стороны отчитывающейся территории",
            (TemplateColumn::Reporter, Lang::En) => "Whose statistics: ISO 3166 code (BY-MA, RU-KHA, BY, RU)",
            (TemplateColumn::Reporter, Lang::Ru) => "Чья статистика: код ISO 3166 (BY-MA, RU-KHA, BY, RU)",
            (TemplateColumn::Partner, Lang::En) => "The other territory, same codes",
            (TemplateColumn::Partner, Lang::Ru) => "Территория-партнёр, коды те же",
            (TemplateColumn::Code, Lang::En) => "TN VED EAEU / HS code: 2, 4, 6, 8 or 10 digits, spaces allowed",
            (TemplateColumn::Code, Lang::Ru) => "Код ТН ВЭД ЕАЭС: 2, 4, 6, 8 или 10 знаков, пробелы допускаются",
            (TemplateColumn::Value, Lang::En) => "Value in currency units (not thousands), at most 2 decimals",
            (TemplateColumn::Value, Lang::Ru) => {
                "Стоимость в единицах валюты (не в тысячах), не более 2 знаков после запятой"
            }
            (TemplateColumn::Currency, Lang::En) => "USD, RUB, BYN, EUR, CNY or KZT",
            (TemplateColumn::Currency, Lang::Ru) => "USD, RUB, BYN, EUR, CNY или KZT",
            (TemplateColumn::NetMassKg, Lang::En) => "Net mass in kilograms, at most 3 decimals (optional)",
            (TemplateColumn::NetMassKg, Lang::Ru) => {
                "Масса нетто в килограммах, не более 3 знаков после запятой (необязательно)"
            }
            (TemplateColumn::Qty, Lang::En) => "Quantity in the supplementary unit (optional)",
            (TemplateColumn::Qty, Lang::Ru) => "Количество в дополнительной единице измерения (необязательно)",
            (TemplateColumn::QtyUnit, Lang::En) => {
                "The supplementary unit: шт, пар, л, м3, ... (required with a quantity)"
            }
            (TemplateColumn::QtyUnit, Lang::Ru) => {
                "Дополнительная единица измерения: шт, пар, л, м3, ... (обязательна при количестве)"
            }
        }
    }

    /// An example value.
    pub fn example(self) -> &'static str {
        match self {
            TemplateColumn::Period => "2025-03",
            TemplateColumn::Flow => "export",
            TemplateColumn::Reporter => "BY-MA",
            TemplateColumn::Partner => "RU-KHA",
            TemplateColumn::Code => "8701 20 101 3",
            TemplateColumn::Value => "125000.00",
            TemplateColumn::Currency => "USD",
            TemplateColumn::NetMassKg => "8450.5",
            TemplateColumn::Qty => "2",
            TemplateColumn::QtyUnit => "шт",
        }
    }

    /// Header spellings accepted, already folded by [`normalise`].
    fn aliases(self) -> &'static [&'static str] {
        match self {
            TemplateColumn::Period => &["period", "период", "отчетный период", "month", "месяц"],
            TemplateColumn::Flow => &["flow", "направление", "поток", "экспорт импорт", "trade flow"],
            TemplateColumn::Reporter => {
                &["reporter", "отчитывающаяся территория", "отчитывающийся регион", "регион", "территория"]
            }
            TemplateColumn::Partner => {
                &["partner", "территория партнер", "партнер", "регион партнер", "страна партнер"]
            }
            TemplateColumn::Code => {
                &["code", "код тн вэд", "код тн вэд еаэс", "тн вэд", "код", "hs code", "commodity code"]
            }
            TemplateColumn::Value => &["value", "стоимость", "стоимость в валюте", "trade value"],
            TemplateColumn::Currency => &["currency", "валюта"],
            TemplateColumn::NetMassKg => &[
                "net mass kg",
                "масса нетто кг",
                "масса нетто",
                "вес нетто кг",
                "нетто кг",
                "net weight kg",
                "netweight kg",
            ],
            TemplateColumn::Qty => {
                &["qty", "quantity", "количество в доп ед", "количество", "количество в доп единицах", "доп количество"]
            }
            TemplateColumn::QtyUnit => &[
                "qty unit",
                "unit",
                "доп единица измерения",
                "доп ед изм",
                "единица измерения",
                "ед изм",
                "доп единица",
            ],
        }
    }
}

/// Folds a header for comparison: lower case, ё as е, letters and digits only, single spaces
/// ("Масса нетто, кг" and "net_mass_kg" become "масса нетто кг" and "net mass kg").
pub(crate) fn normalise(header: &str) -> String {
    let folded = fold(header.trim_start_matches('\u{feff}'));
    let spaced: String = folded.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where each column is in a file, and the header texts as written there.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    index: [Option<usize>; 10],
    names: Vec<String>,
}

impl Layout {
    /// Finds the columns in a header row; the reason names every required column missing and
    /// any column given twice.
    pub(crate) fn resolve(names: &[String]) -> Result<Layout, Reason> {
        let mut index = [None; 10];
        let mut twice = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let n = normalise(name);
            let Some(column) = TemplateColumn::ALL.into_iter().find(|c| c.aliases().contains(&n.as_str())) else {
                continue;
            };
            let slot = &mut index[column as usize];
            if slot.is_some() {
                twice.push(name.trim().to_string());
            } else {
                *slot = Some(i);
            }
        }
        let missing: Vec<&str> = TemplateColumn::ALL
            .into_iter()
            .filter(|c| c.required() && index[*c as usize].is_none())
            .map(|c| c.key())
            .collect();
        if !missing.is_empty() {
            return Err(Reason::new("problem-template-columns-missing").arg("columns", missing.join(", ")));
        }
        if !twice.is_empty() {
            return Err(Reason::new("problem-template-column-twice").arg("columns", twice.join(", ")));
        }
        Ok(Layout { index, names: names.iter().map(|n| n.trim().trim_start_matches('\u{feff}').to_string()).collect() })
    }

    pub(crate) fn index(&self, column: TemplateColumn) -> Option<usize> {
        self.index[column as usize]
    }

    /// The header text of a column as in the file (its key when the file has no such column).
    pub(crate) fn name(&self, column: TemplateColumn) -> &str {
        self.index(column).and_then(|i| self.names.get(i)).map_or(column.key(), String::as_str)
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn both_languages_and_any_order() {
        let en: Vec<String> = TemplateColumn::ALL.iter().map(|c| c.header(Lang::En).to_string()).collect();
        let ru: Vec<String> = TemplateColumn::ALL.iter().rev().map(|c| c.header(Lang::Ru).to_string()).collect();
        let en = Layout::resolve(&en).expect("en");
        let ru = Layout::resolve(&ru).expect("ru");
        assert_eq!(en.index(TemplateColumn::Period), Some(0));
        assert_eq!(ru.index(TemplateColumn::Period), Some(9));
        assert_eq!(ru.name(TemplateColumn::NetMassKg), "Масса нетто, кг");
        for c in TemplateColumn::ALL {
            assert!(c.aliases().contains(&normalise(c.header(Lang::Ru)).as_str()), "{c:?}");
            assert!(c.aliases().contains(&normalise(c.key()).as_str()), "{c:?}");
        }
    }

    #[test]
    fn missing_and_duplicate_columns() {
        let err = Layout::resolve(&strings(&["period", "flow", "notes"])).unwrap_err();
        assert_eq!(err.key, "problem-template-columns-missing");
        assert_eq!(err.get("columns"), Some("reporter, partner, code, value, currency"));
        let err = Layout::resolve(&strings(&[
            "period",
            "flow",
            "reporter",
            "partner",
            "code",
            "value",
            "currency",
            "Стоимость",
        ]))
        .unwrap_err();
        assert_eq!(err, Reason::new("problem-template-column-twice").arg("columns", "Стоимость"));
        let ok = Layout::resolve(&strings(&[
            "\u{feff}Период",
            "ПАРТНЁР",
            "Код ТН ВЭД ЕАЭС",
            "notes",
            "Направление",
            "Регион",
            "Стоимость",
            "Валюта",
        ]))
        .expect("aliases");
        assert_eq!(ok.index(TemplateColumn::Partner), Some(1));
        assert_eq!(ok.index(TemplateColumn::Qty), None);
        assert_eq!(ok.name(TemplateColumn::Qty), "qty");
        assert_eq!(ok.name(TemplateColumn::Period), "Период");
    }
}
