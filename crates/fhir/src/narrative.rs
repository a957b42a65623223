//! Human-readable narratives (XHTML) of the document's sections.

/// Escapes text for XHTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A Narrative of paragraphs (one per non-empty line of `text`).
pub fn paragraphs(text: &str) -> serde_json::Value {
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("<p>{}</p>", escape(l)))
        .collect();
    div(if body.is_empty() {
        "<p>Néant.</p>".to_string()
    } else {
        body
    })
}

/// A Narrative of a bulleted list.
pub fn list<I: IntoIterator<Item = String>>(items: I) -> serde_json::Value {
    let body: String = items
        .into_iter()
        .map(|i| format!("<li>{}</li>", escape(&i)))
        .collect();
    div(if body.is_empty() {
        "<p>Néant.</p>".to_string()
    } else {
        format!("<ul>{body}</ul>")
    })
}

fn div(inner: String) -> serde_json::Value {
    serde_json::json!({
        "status": "generated",
        "div": format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{inner}</div>"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_splits_lines() {
        let n = paragraphs("TA <140 & FC\n\n  ok ");
        assert_eq!(
            n["div"],
            "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>TA &lt;140 &amp; FC</p><p>ok</p></div>"
        );
        assert!(list(Vec::new())["div"]
            .as_str()
            .unwrap_or("")
            .contains("Néant"));
    }
}
