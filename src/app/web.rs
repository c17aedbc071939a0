//! `heapscope web PROFILE... [--http HOST:PORT] [--open]`: the page of
//! `report`, served on loopback. Refinement requests are answered from the
//! loaded profile in Rust (exact, tag filters included); Ctrl-C stops the
//! server cleanly.

use super::Outcome;
use super::report_html::{Built, build};
use crate::filter::{self, FilterSpec};
use crate::options::WebRequest;
use crate::profile::Profile;
use crate::web::model::{self, Names};
use crate::web::server::{Handler, Server};
use anyhow::{Context, Result, bail};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;

struct Site {
    html: String,
    csp: String,
    profile: Profile,
    totals: Vec<i64>,
    spec: FilterSpec,
    nodes: crate::aggregate::NodeOptions,
    /// One refinement at a time: each clones the profile, and a flood of
    /// distinct queries on a big profile must not multiply that memory.
    busy: std::sync::Mutex<()>,
}

impl Handler for Site {
    fn page(&self) -> (&str, &str) {
        (&self.html, &self.csp)
    }

    fn view(&self, q: &[(String, String)]) -> Result<String, String> {
        let get = |k: &str| {
            q.iter()
                .find(|(a, _)| a == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let t: usize = get("t").parse().map_err(|_| "t: expected a number")?;
        if t >= self.profile.sample_types.len() {
            return Err(format!("t: no sample type {t}"));
        }
        let spec = FilterSpec {
            focus: get("f"),
            ignore: get("i"),
            hide: get("h"),
            show: get("s"),
            tagfocus: get("tf"),
            tagignore: get("ti"),
            ..FilterSpec::default()
        };
        let _one = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        let mut labels = self.spec.header_lines();
        // Unrefined (another type's graph): the loaded profile as is.
        let refined;
        let p = if spec.active().is_empty() {
            &self.profile
        } else {
            let mut q = self.profile.clone();
            let out = filter::apply(&mut q, &spec).map_err(|e| e.to_string())?;
            labels.extend(spec.header_lines());
            labels.extend(out.messages);
            refined = q;
            &refined
        };
        let mut names = Names::default();
        // The call graph unless the page says it need not (g=0: not the
        // Graph view; a graph walks every sample twice more).
        let graphs: &[usize] = if get("g") == "0" { &[] } else { &[t] };
        let views = model::views(
            p,
            self.nodes,
            &self.totals,
            &labels,
            &[t],
            graphs,
            &mut names,
            None,
        );
        let body = serde_json::json!({ "names": names.list, "views": views });
        Ok(body.to_string())
    }
}

/// Resolves `--http`: `HOST:PORT`, `:PORT` (loopback, as pprof).
fn resolve(s: &str) -> Result<SocketAddr> {
    let full = if s.starts_with(':') {
        format!("127.0.0.1{s}")
    } else {
        s.to_string()
    };
    let addrs: Vec<SocketAddr> = full
        .to_socket_addrs()
        .with_context(|| format!("--http {s}: expected HOST:PORT"))?
        .collect();
    // Prefer a loopback address when the name has several.
    addrs
        .iter()
        .find(|a| a.ip().is_loopback())
        .or(addrs.first())
        .copied()
        .with_context(|| format!("--http {s}: no address"))
}

pub fn run(a: WebRequest) -> Result<Outcome> {
    let addr = resolve(&a.http)?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "heapscope: warning: serving on {addr}, which is not loopback: anyone who can reach it can read these profiles (no authentication)"
        );
    }
    let Built {
        page,
        profile,
        totals,
        spec,
    } = build(&a.page, "server")?;
    let (html, csp) = crate::web::page::document(&page);
    drop(page);
    let server = Server::bind(addr).with_context(|| format!("listening on {addr}"))?;
    let local = server.local_addr()?;
    let url = format!("http://{local}/");
    let stop = server.stopper();
    if let Err(e) = ctrlc::set_handler(stop) {
        bail!("installing the Ctrl-C handler: {e}");
    }
    println!("Serving the page at {url}  (Ctrl-C to stop)");
    use std::io::Write;
    std::io::stdout().flush()?;
    if a.open {
        open_browser(&url);
    }
    let site = Site {
        html,
        csp,
        profile,
        totals,
        spec,
        nodes: a.page.nodes,
        busy: std::sync::Mutex::new(()),
    };
    server.run(Arc::new(site))?;
    eprintln!("heapscope: stopped");
    Ok(Outcome::Ok)
}

fn open_browser(url: &str) {
    let cmd = std::env::var("BROWSER").unwrap_or_else(|_| "xdg-open".into());
    if let Err(e) = std::process::Command::new(&cmd)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("heapscope: warning: could not start {cmd}: {e}; open {url} yourself");
    }
}
