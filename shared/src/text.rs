//! The one rule for text people type: no control characters but line breaks and tabs. NUL
//! and the other C0/C1 controls mean nothing on a screen, break logs and exports, and some
//! databases (PostgreSQL) cannot store NUL at all.

/// Whether `text` holds a control character other than `\n`, `\r` or `\t`.
pub fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_tabs_are_text_other_controls_are_not() {
        assert!(!has_control("井盖破损\n位于路口\t东侧\r\n"));
        assert!(has_control("f\u{0}eke"));
        assert!(has_control("a\u{1b}[31m"));
        assert!(has_control("\u{85}"));
        assert!(!has_control(""));
    }
}
