//! Text folding for search that works for Russian on every backend.
//!
//! SQLite's `lower()` does not fold Cyrillic and PostgreSQL's depends on the database's ctype,
//! so search columns hold text folded here and queries are folded the same way.

/// Lowercases (full Unicode) and maps `ё` to `е`, so "МТЗ" and "мтз", "Ёлка" and "елка" match.
pub fn fold(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).map(|c| if c == 'ё' { 'е' } else { c }).collect()
}

/// Folds several fields into one search text, separated by a character no query contains.
pub fn fold_all<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    fields.into_iter().filter(|f| !f.is_empty()).map(fold).collect::<Vec<_>>().join("\u{1f}")
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern and wraps it in `%…%`.
pub fn like_pattern(query: &str) -> String {
    let mut out = String::with_capacity(query.len() + 2);
    out.push('%');
    for c in fold(query.trim()).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_cyrillic_case_and_yo() {
        assert_eq!(fold("МТЗ"), "мтз");
        assert_eq!(fold("Ёмкость ЁЖ"), "емкость еж");
        assert_eq!(fold("BelAZ"), "belaz");
    }

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern(" 50%_А\\ "), "%50\\%\\_а\\\\%");
    }

    #[test]
    fn fold_all_skips_empty_fields() {
        assert_eq!(fold_all(["МАЗ", "", "Минск"]), "маз\u{1f}минск");
    }
}
