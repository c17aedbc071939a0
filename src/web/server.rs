//! The loopback server of `heapscope web`, on std alone: a fixed pool of
//! worker threads behind a bounded queue. It answers its own routes only
//! (`/` the page, `/api/view?...` a refined view as JSON), never a file
//! path, so nothing outside the loaded profiles can be read. Requests are
//! GET/HEAD with a head of at most 16 KiB read within 5 s; when the queue
//! is full a connection gets `503` at once, so a flood cannot pile up
//! work. [`Server::run`] returns when its stop flag is set (Ctrl-C).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server serves.
pub trait Handler: Send + Sync + 'static {
    /// The page (HTML) and its Content-Security-Policy.
    fn page(&self) -> (&str, &str);
    /// A refined view as JSON for the decoded query pairs; `Err` is a
    /// message for the user (sent as `{"error": ...}`).
    fn view(&self, query: &[(String, String)]) -> Result<String, String>;
}

const MAX_HEAD: u64 = 16 * 1024;
const WORKERS: usize = 4;
const QUEUE: usize = 64;
/// Views answered recently, by query (refinement is costly on big
/// profiles; the same link opened twice is answered once).
const CACHE: usize = 16;

/// Recent view answers: (query, JSON body).
type Cache = Mutex<Vec<(String, Arc<String>)>>;

pub struct Server {
    listener: TcpListener,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn bind(addr: SocketAddr) -> io::Result<Server> {
        Ok(Server {
            listener: TcpListener::bind(addr)?,
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A function that stops the server from any thread (a signal handler).
    pub fn stopper(&self) -> impl Fn() + Send + Sync + 'static {
        let stop = self.stop.clone();
        let addr = self.listener.local_addr().ok();
        move || {
            stop.store(true, Ordering::SeqCst);
            // Wake the accept loop.
            if let Some(a) = addr {
                let _ = TcpStream::connect_timeout(&a, Duration::from_millis(500));
            }
        }
    }

    /// Serves until stopped.
    pub fn run(self, handler: Arc<dyn Handler>) -> io::Result<()> {
        let (tx, rx) = sync_channel::<TcpStream>(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        let cache: Arc<Cache> = Arc::new(Mutex::new(Vec::new()));
        let mut workers = Vec::new();
        for _ in 0..WORKERS {
            let rx = rx.clone();
            let h = handler.clone();
            let cache = cache.clone();
            workers.push(std::thread::spawn(move || {
                loop {
                    let next = rx.lock().map(|r| r.recv());
                    let Ok(Ok(stream)) = next else { break };
                    let _ = handle(stream, &*h, &cache);
                }
            }));
        }
        for conn in self.listener.incoming() {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = conn else { continue };
            match tx.try_send(stream) {
                Ok(()) => {}
                Err(TrySendError::Full(mut s)) => {
                    let _ = s.set_write_timeout(Some(Duration::from_secs(1)));
                    let _ = respond(&mut s, 503, "text/plain", b"busy\n", false, None);
                }
                Err(TrySendError::Disconnected(_)) => break,
            }
        }
        drop(tx);
        for w in workers {
            let _ = w.join();
        }
        Ok(())
    }
}

fn respond(
    s: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
    csp: Option<&str>,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n",
        body.len()
    );
    if let Some(c) = csp {
        head.push_str(&format!("Content-Security-Policy: {c}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    if !head_only {
        s.write_all(body)?;
    }
    s.flush()
}

fn handle(mut s: TcpStream, h: &dyn Handler, cache: &Cache) -> io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut r = BufReader::new((&s).take(MAX_HEAD));
    let mut line = String::new();
    if r.read_line(&mut line).is_err() || !line.ends_with('\n') {
        return respond(&mut s, 400, "text/plain", b"bad request\n", false, None);
    }
    // Read (and ignore) the header lines up to the blank one.
    loop {
        let mut l = String::new();
        match r.read_line(&mut l) {
            Ok(0) | Err(_) => {
                return respond(&mut s, 431, "text/plain", b"bad request\n", false, None);
            }
            Ok(_) if l == "\r\n" || l == "\n" => break,
            Ok(_) => {}
        }
    }
    let mut parts = line.split_ascii_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(&mut s, 405, "text/plain", b"GET only\n", false, None);
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        "/" | "/index.html" => {
            let (page, csp) = h.page();
            respond(
                &mut s,
                200,
                "text/html; charset=utf-8",
                page.as_bytes(),
                head_only,
                Some(csp),
            )
        }
        "/api/view" => {
            let cached = cache
                .lock()
                .ok()
                .and_then(|c| c.iter().find(|(q, _)| q == query).map(|(_, b)| b.clone()));
            let body = match cached {
                Some(b) => b,
                None => {
                    let pairs = parse_query(query);
                    let b = Arc::new(match h.view(&pairs) {
                        Ok(j) => j,
                        Err(e) => serde_json::json!({ "error": e }).to_string(),
                    });
                    if let Ok(mut c) = cache.lock() {
                        if c.len() >= CACHE {
                            c.remove(0);
                        }
                        c.push((query.to_string(), b.clone()));
                    }
                    b
                }
            };
            respond(
                &mut s,
                200,
                "application/json",
                body.as_bytes(),
                head_only,
                None,
            )
        }
        _ => respond(&mut s, 404, "text/plain", b"not found\n", head_only, None),
    }
}

/// Decodes `a=b&c=d` (percent escapes and `+`); invalid UTF-8 is
/// replaced.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        assert_eq!(
            parse_query("f=a%2Bb+c&t=1&x&bad=%zz%4"),
            vec![
                ("f".into(), "a+b c".into()),
                ("t".into(), "1".into()),
                ("x".into(), "".into()),
                ("bad".into(), "%zz%4".into()),
            ]
        );
        assert_eq!(decode("%e2%82%ac"), "€");
    }
}
