//! Where the decoder's bytes come from: gzip inflation (optionally on a
//! second thread, pipelined with parsing) and [`Input`], a buffered reader
//! that counts every byte it hands out against the size cap and turns I/O
//! errors into decode errors (a truncated gzip stream is a gzip error).
//!
//! Untrusted lengths never size an allocation before the bytes exist:
//! [`Input::bytes`] grows its buffer only as bytes arrive.

use super::super::DecodeError;
use super::super::error::Malformed;
use flate2::bufread::MultiGzDecoder;
use std::io::{BufRead, Read};

/// Inflated bytes travel between the threads in chunks of this size.
const CHUNK: usize = 1 << 20;

/// True if `head` starts with the gzip magic bytes 1f 8b.
pub(super) fn is_gzip(head: &[u8]) -> bool {
    head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b
}

/// Runs `parse` on the inflated bytes of the gzip stream `br`, inflating on
/// a second thread so the two costs overlap instead of adding up.
///
/// Chunks go back to the inflating thread once parsed and are refilled, so
/// the pipeline touches the same few megabytes over and over instead of
/// allocating (and page-faulting in) a fresh chunk per megabyte.
pub(super) fn with_parallel_inflate<R: BufRead + Send, T>(
    br: R,
    parse: impl FnOnce(ChunkReader) -> T,
) -> T {
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(4);
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut gz = MultiGzDecoder::new(br);
            loop {
                let mut chunk = back_rx.try_recv().unwrap_or_default();
                chunk.resize(CHUNK, 0);
                let mut filled = 0;
                let res = loop {
                    match gz.read(&mut chunk[filled..]) {
                        Ok(0) => break Ok(true),
                        Ok(n) => {
                            filled += n;
                            if filled == chunk.len() {
                                break Ok(false);
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => break Err(e),
                    }
                };
                chunk.truncate(filled);
                match res {
                    Ok(eof) => {
                        if !chunk.is_empty() && tx.send(Ok(chunk)).is_err() {
                            return;
                        }
                        if eof {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
        });
        parse(ChunkReader {
            rx,
            back: back_tx,
            cur: Vec::new(),
            pos: 0,
            done: false,
        })
    })
}

/// A `BufRead` over chunks of inflated bytes arriving from the inflating
/// thread; spent chunks go back to it through `back`. Dropping it stops
/// that thread.
pub(super) struct ChunkReader {
    rx: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    back: std::sync::mpsc::Sender<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
    done: bool,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChunkReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos >= self.cur.len() && !self.done {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    let spent = std::mem::replace(&mut self.cur, chunk);
                    if spent.capacity() != 0 {
                        // The inflating thread may be gone; then the chunk
                        // is simply freed.
                        let _ = self.back.send(spent);
                    }
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => self.done = true,
            }
        }
        Ok(&self.cur[self.pos.min(self.cur.len())..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

/// The decoder's view of its (decompressed) input: buffered, counted
/// against the size cap.
pub(super) struct Input<R> {
    pub(super) r: R,
    pos: u64,
    limit: u64,
    gzipped: bool,
}

impl<R: BufRead> Input<R> {
    /// `limit` caps the bytes read; `gzipped` makes I/O errors gzip errors.
    pub(super) fn new(r: R, limit: u64, gzipped: bool) -> Self {
        Input {
            r,
            pos: 0,
            limit,
            gzipped,
        }
    }

    /// How many more bytes the size cap allows.
    #[inline]
    pub(super) fn room(&self) -> u64 {
        self.limit.saturating_sub(self.pos)
    }

    /// The buffered bytes (empty at the end of input).
    #[inline]
    pub(super) fn fill(&mut self) -> Result<&[u8], DecodeError> {
        let gzipped = self.gzipped;
        self.r.fill_buf().map_err(|e| io_err(gzipped, e))
    }

    /// Consumes `n` buffered bytes, failing past the size cap.
    #[inline]
    pub(super) fn advance(&mut self, n: usize) -> Result<(), DecodeError> {
        self.r.consume(n);
        self.pos += n as u64;
        if self.pos > self.limit {
            return Err(DecodeError::TooLarge { limit: self.limit });
        }
        Ok(())
    }

    pub(super) fn read_to_end(&mut self, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        loop {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(());
            }
            let n = buf.len();
            out.extend_from_slice(buf);
            self.advance(n)?;
        }
    }

    /// Reads exactly `len` bytes into `out` (cleared first), growing it only
    /// as bytes actually arrive.
    pub(super) fn bytes(&mut self, len: u64, out: &mut Vec<u8>) -> Result<(), DecodeError> {
        out.clear();
        let mut need = len;
        while need > 0 {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Err(Malformed::TruncatedInput {
                    declared: len,
                    available: len - need,
                }
                .into());
            }
            let n = (buf.len() as u64).min(need) as usize;
            out.extend_from_slice(&buf[..n]);
            self.advance(n)?;
            need -= n as u64;
        }
        Ok(())
    }

    /// Runs `f` on the next `len` bytes and consumes them: straight from
    /// the buffer when they are all there (the common case: a sample or a
    /// location is far smaller than a chunk), else copied into `scratch`
    /// first as [`bytes`](Self::bytes) does.
    #[inline]
    pub(super) fn with_bytes<T>(
        &mut self,
        len: u64,
        scratch: &mut Vec<u8>,
        f: impl FnOnce(&[u8]) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        if self.pos.saturating_add(len) <= self.limit {
            let gzipped = self.gzipped;
            let buf = self.r.fill_buf().map_err(|e| io_err(gzipped, e))?;
            if buf.len() as u64 >= len {
                let n = len as usize;
                let t = f(&buf[..n])?;
                self.advance(n)?;
                return Ok(t);
            }
        }
        self.bytes(len, scratch)?;
        f(scratch)
    }

    pub(super) fn skip(&mut self, len: u64) -> Result<(), DecodeError> {
        let mut need = len;
        while need > 0 {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Err(Malformed::FieldPastEnd.into());
            }
            let n = (buf.len() as u64).min(need) as usize;
            self.advance(n)?;
            need -= n as u64;
        }
        Ok(())
    }
}

/// An I/O error as a decode error: inside a gzip stream it is the stream's
/// fault (a truncated or corrupt stream).
fn io_err(gzipped: bool, e: std::io::Error) -> DecodeError {
    if gzipped {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            DecodeError::Gzip("the gzip stream is truncated".into())
        } else {
            DecodeError::Gzip(e.to_string())
        }
    } else {
        DecodeError::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    /// `with_bytes` hands out the same bytes whether the message is whole
    /// in the buffer (no copy) or straddles buffer refills (copied), and
    /// counts them against the cap either way.
    #[test]
    fn with_bytes_same_bytes_both_paths() {
        let data: Vec<u8> = (0u8..40).collect();
        for cap in [4, 64] {
            let mut input = Input::new(BufReader::with_capacity(cap, &data[..]), 1000, false);
            let mut scratch = Vec::new();
            let got = input
                .with_bytes(10, &mut scratch, |b| Ok(b.to_vec()))
                .unwrap();
            assert_eq!(got, (0u8..10).collect::<Vec<_>>(), "buffer capacity {cap}");
            let next = input
                .with_bytes(5, &mut scratch, |b| Ok(b.to_vec()))
                .unwrap();
            assert_eq!(
                next,
                (10u8..15).collect::<Vec<_>>(),
                "buffer capacity {cap}"
            );
        }
        let mut input = Input::new(BufReader::with_capacity(64, &data[..]), 8, false);
        let err = input
            .with_bytes(10, &mut Vec::new(), |b| Ok(b.len()))
            .unwrap_err();
        assert!(matches!(err, DecodeError::TooLarge { limit: 8 }), "{err:?}");
        let mut input = Input::new(BufReader::with_capacity(64, &data[..]), 1000, false);
        let err = input
            .with_bytes(50, &mut Vec::new(), |b| Ok(b.len()))
            .unwrap_err();
        assert!(
            matches!(
                err,
                DecodeError::Malformed(Malformed::TruncatedInput {
                    declared: 50,
                    available: 40
                })
            ),
            "{err:?}"
        );
    }
}
