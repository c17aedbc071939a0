//! The HTML document: one file with the data (JSON), our own script and
//! style inlined, and a Content-Security-Policy that allows only those
//! (by nonce) and, in a file, no network request at all.

use super::model::{Page, to_embedded_json};
use std::hash::{BuildHasher, Hasher};

/// The page script and style, embedded in the binary.
pub const SCRIPT: &str = include_str!("page.js");
pub const STYLE: &str = include_str!("page.css");

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A fresh nonce for the CSP (not a secret: it only has to be unguessable
/// by the profile's author, who writes before it is drawn).
fn nonce() -> String {
    let mut out = String::new();
    for i in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// The Content-Security-Policy of a page: scripts and styles only by
/// nonce; `connect-src` `'self'` for the server's refinement requests,
/// `'none'` in a file.
pub fn csp(nonce: &str, server: bool) -> String {
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; \
         img-src data:; connect-src {}; base-uri 'none'; form-action 'none'",
        if server { "'self'" } else { "'none'" }
    )
}

/// The whole document.
pub fn html(page: &Page) -> String {
    document(page).0
}

/// The whole document and its Content-Security-Policy (which a server
/// also sends as a header).
pub fn document(page: &Page) -> (String, String) {
    let n = nonce();
    let policy = csp(&n, page.mode == "server");
    let json = to_embedded_json(page);
    let mut out = String::with_capacity(json.len() + SCRIPT.len() + STYLE.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    out.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n"
    ));
    out.push_str("<meta name=\"viewport\" content=\"width=device-width\">\n");
    out.push_str(&format!(
        "<title>heapscope: {}</title>\n",
        escape_html(&page.title)
    ));
    out.push_str(&format!(
        "<style nonce=\"{n}\">\n{STYLE}</style>\n</head><body>\n"
    ));
    out.push_str("<div id=\"app\"></div>\n<script type=\"application/json\" id=\"data\">");
    out.push_str(&json);
    out.push_str("</script>\n");
    out.push_str(&format!(
        "<script nonce=\"{n}\">\n{SCRIPT}</script>\n</body></html>\n"
    ));
    (out, policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape_html("<img src=x onerror=\"a\">&'"),
            "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;"
        );
        assert_ne!(nonce(), nonce());
    }
}
