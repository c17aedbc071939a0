//! Where profile bytes come from: a file path, `-` for standard input, or
//! an http(s) URL (a live profile, fetched once).
//!
//! The HTTP client (ureq with rustls) is behind the default cargo feature
//! `https`; without it there is no network code and [`fetch`] refuses every
//! URL with [`FetchError::Disabled`].

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::time::Duration;

/// Opens a profile source for reading.
pub fn open(name: &str) -> io::Result<Box<dyn Read + Send>> {
    if name == "-" {
        return Ok(Box::new(io::stdin()));
    }
    let f = File::open(name)?;
    if f.metadata()?.is_dir() {
        return Err(io::Error::other("is a directory"));
    }
    Ok(Box::new(f))
}

/// How a source is named in messages.
pub fn display_name(name: &str) -> &str {
    if name == "-" { "<stdin>" } else { name }
}

/// How many redirects a fetch follows.
pub const MAX_REDIRECTS: u32 = 10;

/// Whether `name` names a live profile rather than a file: an `http://` or
/// `https://` URL, or `host:port/path` (as pprof, which prepends
/// `http://`) when no file of that name exists.
pub fn is_url(name: &str) -> bool {
    if name == "-" {
        return false;
    }
    if has_scheme(name) {
        return true;
    }
    looks_like_host_port(name) && std::fs::metadata(name).is_err()
}

fn has_scheme(name: &str) -> bool {
    let l = name.get(..8).unwrap_or(name).to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// `host:port` or `host:port/...` with a numeric port.
fn looks_like_host_port(name: &str) -> bool {
    let hostport = name.split('/').next().unwrap_or("");
    match hostport.rsplit_once(':') {
        Some((host, port)) => {
            !host.is_empty()
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && !host.contains(['\\', ' '])
        }
        None => false,
    }
}

/// How to fetch a live profile.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// `--seconds`: a delta profile over this many seconds (Go's
    /// `?seconds=N`).
    pub seconds: Option<u64>,
    /// `--timeout`: the whole request, in seconds; when absent, 1.5 ×
    /// the duration + 5 s with a duration, else 60 s.
    pub timeout: Option<f64>,
    /// Refuse larger bodies.
    pub max_body: u64,
}

/// A URL made complete as pprof's adjustURL does: a scheme added, the
/// `seconds` query parameter set, and the timeout that follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjusted {
    pub url: String,
    pub timeout: Duration,
}

/// Adds `http://` when no scheme is given, sets `seconds=N` when asked,
/// and computes the timeout.
pub fn adjust_url(name: &str, o: &FetchOptions) -> Adjusted {
    let mut url = if has_scheme(name) {
        name.to_string()
    } else {
        format!("http://{name}")
    };
    let (rest, fragment) = match url.find('#') {
        Some(i) => (url[..i].to_string(), url[i..].to_string()),
        None => (url.clone(), String::new()),
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (rest.clone(), None),
    };
    let mut duration: Option<f64> = None;
    let mut params: Vec<String> = Vec::new();
    if let Some(q) = &query {
        for kv in q.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            if k == "seconds" {
                if o.seconds.is_some() {
                    continue;
                }
                duration = v.parse::<f64>().ok().filter(|d| d.is_finite() && *d > 0.0);
            }
            params.push(kv.to_string());
        }
    }
    if let Some(s) = o.seconds {
        params.push(format!("seconds={s}"));
        duration = Some(s as f64);
    }
    if query.is_some() || o.seconds.is_some() {
        url = format!("{path}?{}{fragment}", params.join("&"));
    }
    let secs = match (o.timeout, duration) {
        (Some(t), _) if t > 0.0 => t,
        (_, Some(d)) => d * 1.5 + 5.0,
        _ => 60.0,
    };
    Adjusted {
        url,
        timeout: Duration::from_secs_f64(secs.min(1e9)),
    }
}

/// A fetched body and what the server said it was.
#[derive(Debug)]
pub struct Fetched {
    pub url: String,
    pub body: Vec<u8>,
    /// The Content-Type header, if any.
    pub content_type: Option<String>,
}

/// Why a fetch failed; the message never names the URL (the caller does).
#[derive(Debug)]
pub enum FetchError {
    Refused,
    Timeout(Duration),
    HostNotFound,
    Status {
        line: String,
        detail: Option<String>,
    },
    TooLarge(u64),
    TooManyRedirects,
    /// Built without the `https` feature: no network code.
    Disabled,
    Other(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Refused => write!(f, "connection refused"),
            FetchError::Timeout(d) => {
                write!(f, "timed out after {}s (see --timeout)", d.as_secs_f64())
            }
            FetchError::HostNotFound => write!(f, "host not found"),
            FetchError::Status { line, detail } => {
                write!(f, "server response: {line}")?;
                if let Some(d) = detail {
                    write!(f, " - {d}")?;
                }
                Ok(())
            }
            FetchError::TooLarge(n) => {
                write!(f, "response larger than --max-input-size ({n} bytes)")
            }
            FetchError::TooManyRedirects => {
                write!(f, "more than {MAX_REDIRECTS} redirects")
            }
            FetchError::Disabled => write!(
                f,
                "this heapscope was built without http(s) support (cargo feature `https`); \
                 download the profile and pass the file"
            ),
            FetchError::Other(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for FetchError {}

#[cfg(feature = "https")]
fn map_err(e: ureq::Error, timeout: Duration, max: u64) -> FetchError {
    use ureq::Error as E;
    match e {
        E::Timeout(_) => FetchError::Timeout(timeout),
        E::HostNotFound => FetchError::HostNotFound,
        E::BodyExceedsLimit(_) => FetchError::TooLarge(max),
        E::TooManyRedirects => FetchError::TooManyRedirects,
        E::Io(io) => map_io(io, timeout),
        E::ConnectionFailed => FetchError::Refused,
        other => FetchError::Other(one_line(&other.to_string())),
    }
}

#[cfg(feature = "https")]
fn map_io(io: io::Error, timeout: Duration) -> FetchError {
    match io.kind() {
        io::ErrorKind::ConnectionRefused => FetchError::Refused,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => FetchError::Timeout(timeout),
        _ => FetchError::Other(one_line(&io.to_string())),
    }
}

#[cfg(feature = "https")]
fn one_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("").trim();
    let mut out: String = l.chars().take(200).collect();
    if out.len() < l.len() {
        out.push('…');
    }
    out
}

/// The HTTP client heapscope fetches with (re-exported so that the fuzz
/// target can drive [`fetch_with`] over an in-memory connection).
#[cfg(feature = "https")]
pub use ureq;

/// The client configuration of every fetch: a timeout covering the whole
/// request (body included), at most [`MAX_REDIRECTS`] redirects, statuses
/// returned rather than raised.
#[cfg(feature = "https")]
pub fn agent_config(timeout: Duration) -> ureq::config::Config {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .user_agent(concat!("heapscope/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Fetches a live profile: GET with a timeout covering the whole request
/// (body included), at most [`MAX_REDIRECTS`] redirects, and a body cap.
#[cfg(feature = "https")]
pub fn fetch(name: &str, o: &FetchOptions) -> Result<Fetched, (String, FetchError)> {
    let Adjusted { url, timeout } = adjust_url(name, o);
    let agent: ureq::Agent = agent_config(timeout).into();
    fetch_with(&agent, url, timeout, o.max_body)
}

/// [`fetch`] with a given client: everything after the URL is complete.
/// A non-200 answer is an error (with the first line of a Go pprof
/// handler's plain-text explanation); a body over `max` bytes is refused
/// as soon as it passes the cap.
#[cfg(feature = "https")]
pub fn fetch_with(
    agent: &ureq::Agent,
    url: String,
    timeout: Duration,
    max: u64,
) -> Result<Fetched, (String, FetchError)> {
    let mut resp = match agent.get(&url).call() {
        Ok(r) => r,
        Err(e) => return Err((url, map_err(e, timeout, max))),
    };
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if status != 200 {
        let line = format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_string();
        let go_pprof = resp.headers().contains_key("x-go-pprof")
            && content_type
                .as_deref()
                .is_some_and(|c| c.starts_with("text/plain"));
        let detail = if go_pprof {
            resp.body_mut()
                .with_config()
                .limit(64 * 1024)
                .lossy_utf8(true)
                .read_to_string()
                .ok()
                .map(|b| one_line(&b))
                .filter(|l| !l.is_empty())
        } else {
            None
        };
        return Err((url, FetchError::Status { line, detail }));
    }
    let body = match resp.body_mut().with_config().limit(max).read_to_vec() {
        Ok(b) => b,
        Err(e) => return Err((url, map_err(e, timeout, max))),
    };
    Ok(Fetched {
        url,
        body,
        content_type,
    })
}

/// Without the `https` feature: every URL is refused, naming the URL as
/// the real fetch would.
#[cfg(not(feature = "https"))]
pub fn fetch(name: &str, o: &FetchOptions) -> Result<Fetched, (String, FetchError)> {
    Err((adjust_url(name, o).url, FetchError::Disabled))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adj(name: &str, seconds: Option<u64>, timeout: Option<f64>) -> Adjusted {
        adjust_url(
            name,
            &FetchOptions {
                seconds,
                timeout,
                max_body: 1,
            },
        )
    }

    #[test]
    fn adjusts_urls_as_pprof() {
        let a = adj("127.0.0.1:6060/debug/pprof/heap", None, None);
        assert_eq!(a.url, "http://127.0.0.1:6060/debug/pprof/heap");
        assert_eq!(a.timeout, Duration::from_secs(60));
        let a = adj("http://h:1/heap?gc=1", Some(10), None);
        assert_eq!(a.url, "http://h:1/heap?gc=1&seconds=10");
        assert_eq!(a.timeout, Duration::from_secs(20));
        let a = adj("http://h:1/heap?seconds=4&gc=1", Some(2), Some(3.0));
        assert_eq!(a.url, "http://h:1/heap?gc=1&seconds=2");
        assert_eq!(a.timeout, Duration::from_secs(3));
        let a = adj("https://h/heap?seconds=2", None, None);
        assert_eq!(a.url, "https://h/heap?seconds=2");
        assert_eq!(a.timeout, Duration::from_secs(8));
    }

    #[test]
    fn recognizes_urls() {
        assert!(is_url("http://x/heap"));
        assert!(is_url("HTTPS://x/heap"));
        assert!(is_url("localhost:6060/debug/pprof/heap"));
        assert!(!is_url("-"));
        assert!(!is_url("testdata/snap1.pb.gz"));
        assert!(!is_url("c:/x"));
    }
}
