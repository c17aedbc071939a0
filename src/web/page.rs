//! The HTML document: one file with the data (JSON), our own script and
//! style inlined, and a Content-Security-Policy that allows only those
//! (by hash) and, in a file, no network request at all.

use super::model::{Page, to_embedded_json};

/// The page script and style, embedded in the binary.
pub const SCRIPT: &str = include_str!("page.js");
pub const STYLE: &str = include_str!("page.css");

/// Escapes text for HTML element content and attribute values (control
/// characters are kept).
pub fn escape_html(s: &str) -> String {
    crate::render::escape_markup(s, "&#39;", |c| c)
}

/// The CSP source for an inline element's text: `'sha256-BASE64'`. Hashes
/// (not a nonce) keep the output deterministic: the same profile makes
/// the same file.
pub fn csp_hash(text: &str) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    format!("'sha256-{}'", base64(d.as_ref()))
}

fn base64(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for ch in b.chunks(3) {
        let n = (u32::from(ch[0]) << 16)
            | (u32::from(*ch.get(1).unwrap_or(&0)) << 8)
            | u32::from(*ch.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= ch.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The Content-Security-Policy of a page: only our script and style (by
/// hash); `connect-src` `'self'` for the server's refinement requests,
/// `'none'` in a file.
pub fn csp(server: bool) -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; \
         img-src data:; connect-src {}; base-uri 'none'; form-action 'none'",
        csp_hash(&script_text()),
        csp_hash(&style_text()),
        if server { "'self'" } else { "'none'" }
    )
}

/// The script element's text exactly as written.
fn script_text() -> String {
    format!("\n{SCRIPT}")
}

fn style_text() -> String {
    format!("\n{STYLE}")
}

/// The whole document.
pub fn html(page: &Page) -> String {
    document(page).0
}

/// The whole document and its Content-Security-Policy (which a server
/// also sends as a header).
pub fn document(page: &Page) -> (String, String) {
    let policy = csp(page.mode == "server");
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
    out.push_str(&format!("<style>{}</style>\n</head><body>\n", style_text()));
    out.push_str("<div id=\"app\"></div>\n<script type=\"application/json\" id=\"data\">");
    out.push_str(&json);
    out.push_str("</script>\n");
    out.push_str(&format!(
        "<script>{}</script>\n</body></html>\n",
        script_text()
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
        // RFC 4648 test vectors, and the hash of "" (FIPS 180-2).
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
