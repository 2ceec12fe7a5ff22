//! The one escaper of XML text and attribute values written by 城管通 (Open311 answers, GPX).
//! Characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF) are dropped, so
//! one public report's odd character cannot make a whole feed not well-formed.

/// Whether XML 1.0 allows `c` in a document (`Char` production of the XML 1.0 specification).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `text` to `out`, escaped for element content and quoted attribute values.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// `text` escaped for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markup_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(
            escape("井盖 <破损> & \"x\" 'y'"),
            "井盖 &lt;破损&gt; &amp; &quot;x&quot; &apos;y&apos;"
        );
        assert_eq!(
            escape("a\u{1}b\u{FFFE}c\u{FFFF}d\te\u{1F600}"),
            "abcd\te\u{1F600}"
        );
    }

    proptest! {
        #[test]
        fn any_string_escapes_into_well_formed_xml(text in any::<String>()) {
            let document = format!("<a b=\"{}\">{}</a>", escape(&text), escape(&text));
            prop_assert!(roxmltree::Document::parse(&document).is_ok(), "{document:?}");
        }
    }
}
