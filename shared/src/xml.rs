//! What XML 1.0 can carry: the characters it cannot (most C0 controls, U+FFFE, U+FFFF) are
//! dropped from text before it is written (Open311 answers with `quick-xml`, GPX with the `gpx`
//! crate), so one public report's odd character cannot make a whole feed not well-formed.
//! Escaping markup is the writers' job.

use std::borrow::Cow;

/// Whether XML 1.0 allows `c` in a document (`Char` production of the XML 1.0 specification).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` without the characters XML cannot carry.
pub fn xml_chars(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forbidden_characters_are_dropped() {
        assert_eq!(
            xml_chars("a\u{1}b\u{FFFE}c\u{FFFF}d\te\u{1F600}"),
            "abcd\te\u{1F600}"
        );
        assert!(matches!(xml_chars("井盖 <破损>"), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn any_string_is_left_with_xml_characters_only(text in any::<String>()) {
            prop_assert!(xml_chars(&text).chars().all(is_xml_char));
        }
    }
}
