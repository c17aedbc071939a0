//! An HTTP response from a profile endpoint, served over an in-memory
//! connection to the same client code `heapscope top http://...` runs
//! (`source::fetch_with`: ureq's response parser and body framing, the
//! status and Content-Type handling, the body cap, the redirect limit),
//! then the body through decode, the one-line error, pruning, `top` and
//! rendering. Nothing may panic, hang or allocate without bound.
//!
//! Input: three control bytes, then the body.
//! - byte 0: bits 0-1 framing (0 = the rest is the raw response, status
//!   line and headers included; 1 = Content-Length; 2 = chunked; 3 =
//!   delimited by the connection closing), bits 2-3 status (200, 200,
//!   404, 302 to itself), bits 4-5 Content-Type (none, octet-stream,
//!   text/plain, text/html), bit 6 `X-Go-Pprof: 1`, bit 7 `Content-Encoding:
//!   gzip`.
//! - byte 1: how many bytes the connection hands over per read (and the
//!   chunk size), 1 + 61 × byte.
//! - byte 2: the body cap (`--max-input-size`), 64 << (byte % 16).
#![no_main]

#[path = "common.rs"]
mod common;

use heapscope::aggregate::Granularity;
use heapscope::profile::decode::{self, DecodeOptions};
use heapscope::profile::legacy;
use heapscope::source::{self, ureq};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use std::time::Duration;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport,
};

/// Hands out connections that read `response` from its start.
#[derive(Debug)]
struct Canned {
    response: Arc<Vec<u8>>,
    step: usize,
}

#[derive(Debug)]
struct Conn {
    buffers: LazyBuffers,
    response: Arc<Vec<u8>>,
    pos: usize,
    step: usize,
}

impl Connector for Canned {
    type Out = Conn;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<Conn>, ureq::Error> {
        Ok(Some(Conn {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            response: self.response.clone(),
            pos: 0,
            step: self.step,
        }))
    }
}

impl Transport for Conn {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, _amount: usize, _t: NextTimeout) -> Result<(), ureq::Error> {
        Ok(()) // the request goes nowhere
    }

    fn await_input(&mut self, _t: NextTimeout) -> Result<bool, ureq::Error> {
        let left = &self.response[self.pos..];
        let buf = self.buffers.input_append_buf();
        let n = buf.len().min(self.step).min(left.len());
        buf[..n].copy_from_slice(&left[..n]);
        self.buffers.input_appended(n);
        self.pos += n;
        Ok(n > 0) // 0: the server closed the connection
    }

    fn is_open(&mut self) -> bool {
        self.pos < self.response.len()
    }
}

/// Resolves every name to 127.0.0.1:6060 at once (ureq's default
/// resolver runs each lookup on a thread, which would dominate a run).
#[derive(Debug)]
struct Loopback;

impl Resolver for Loopback {
    fn resolve(
        &self,
        _uri: &Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut a = self.empty();
        a.push(([127, 0, 0, 1], 6060).into());
        Ok(a)
    }
}

const URL: &str = "http://127.0.0.1:6060/debug/pprof/heap";

fn response(ctl: u8, step: usize, body: &[u8]) -> Vec<u8> {
    if ctl & 3 == 0 {
        return body.to_vec();
    }
    let status = match (ctl >> 2) & 3 {
        0 | 1 => "200 OK",
        2 => "404 Not Found",
        _ => "302 Found",
    };
    let mut r = format!("HTTP/1.1 {status}\r\n").into_bytes();
    let mut header = |h: &str| r.extend_from_slice(format!("{h}\r\n").as_bytes());
    if (ctl >> 2) & 3 == 3 {
        header(&format!("Location: {URL}"));
    }
    match (ctl >> 4) & 3 {
        0 => {}
        1 => header("Content-Type: application/octet-stream"),
        2 => header("Content-Type: text/plain; charset=utf-8"),
        _ => header("Content-Type: text/html; charset=utf-8"),
    }
    if ctl & 0x40 != 0 {
        header("X-Go-Pprof: 1");
    }
    if ctl & 0x80 != 0 {
        header("Content-Encoding: gzip");
    }
    match ctl & 3 {
        1 => header(&format!("Content-Length: {}", body.len())),
        2 => header("Transfer-Encoding: chunked"),
        _ => header("Connection: close"),
    }
    r.extend_from_slice(b"\r\n");
    if ctl & 3 == 2 {
        for c in body.chunks(step.max(1)) {
            r.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
            r.extend_from_slice(c);
            r.extend_from_slice(b"\r\n");
        }
        r.extend_from_slice(b"0\r\n\r\n");
    } else {
        r.extend_from_slice(body);
    }
    r
}

fuzz_target!(|data: &[u8]| {
    let [ctl, step, cap, body @ ..] = data else {
        return;
    };
    let step = 1 + 61 * *step as usize;
    let max = 64u64 << (cap % 16);
    let timeout = Duration::from_secs(5);
    let agent = ureq::Agent::with_parts(
        source::agent_config(timeout),
        Canned {
            response: Arc::new(response(*ctl, step, body)),
            step,
        },
        Loopback,
    );
    let fetched = match source::fetch_with(&agent, URL.to_string(), timeout, max) {
        Ok(f) => f,
        Err((url, e)) => {
            let line = format!("{url}: {e}");
            assert!(!line.contains('\n'), "a multi-line error: {line:?}");
            return;
        }
    };
    assert!(
        fetched.body.len() as u64 <= max,
        "the body cap was not kept"
    );
    let opts = DecodeOptions {
        max_input_size: max,
        ..Default::default()
    };
    match decode::decode_bytes(&fetched.body, opts, &legacy::parse) {
        Ok(p) => common::prune_and_top(p, &[Granularity::Functions], false),
        Err(e) => {
            let msg = heapscope::app::fetch::decode_error(URL, fetched.content_type.as_deref(), e);
            let line = format!("{msg:#}");
            assert!(!line.contains('\n'), "a multi-line error: {line:?}");
        }
    }
});
