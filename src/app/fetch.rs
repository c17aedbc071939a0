//! Opening a PROFILE argument that may be a live profile URL.

use crate::options::InputOptions;
use crate::source::{self, FetchOptions};
use anyhow::{Context, Result, anyhow};
use std::io::{Cursor, Read};

/// An opened source, and for URLs what the server said the body was.
pub(crate) struct Opened<'a> {
    pub reader: Box<dyn Read + Send + 'a>,
    pub content_type: Option<String>,
}

pub(crate) fn fetch_options(input: &InputOptions) -> FetchOptions {
    FetchOptions {
        seconds: input.seconds,
        timeout: input.timeout,
        max_body: input.max_input_size,
    }
}

/// Opens a file, standard input, or fetches a URL (whole body, capped).
pub(crate) fn open(name: &str, input: &InputOptions) -> Result<Opened<'static>> {
    let shown = source::display_name(name);
    if source::is_url(name) {
        let f =
            source::fetch(name, &fetch_options(input)).map_err(|(url, e)| anyhow!("{url}: {e}"))?;
        return Ok(Opened {
            reader: Box::new(Cursor::new(f.body)),
            content_type: f.content_type,
        });
    }
    let reader = source::open(name).with_context(|| format!("{shown}: cannot read"))?;
    Ok(Opened {
        reader,
        content_type: None,
    })
}

/// The error for a body that did not decode: for an HTML page, says so.
pub fn decode_error<E>(shown: &str, ct: Option<&str>, e: E) -> anyhow::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    match ct {
        Some(ct) if ct.to_ascii_lowercase().starts_with("text/html") => anyhow!(
            "{shown}: {:#} (the server sent Content-Type: {ct}, likely an error page)",
            anyhow::Error::new(e)
        ),
        _ => anyhow::Error::new(e).context(shown.to_string()),
    }
}
