//! The protobuf wire format, as much of it as profile.proto needs: varints
//! (on the streaming [`Input`] and on an in-memory [`Slice`]),
//! length-delimited fields, packed repeated integers, and skipping unknown
//! fields of every wire type. Errors are [`Malformed`] variants.

use super::super::DecodeError;
use super::super::error::Malformed;
use super::input::Input;
use std::io::BufRead;

impl<R: BufRead> Input<R> {
    /// Reads a varint; `Ok(None)` at a clean end of input.
    pub(super) fn varint_or_eof(&mut self) -> Result<Option<u64>, DecodeError> {
        let buf = self.fill()?;
        if buf.is_empty() {
            return Ok(None);
        }
        if buf.len() >= 10 {
            let mut s = Slice { b: buf, i: 0 };
            let v = s.varint()?;
            let n = s.i;
            self.advance(n)?;
            return Ok(Some(v));
        }
        // Slow path near a buffer boundary.
        let mut v: u64 = 0;
        for shift in (0..70).step_by(7) {
            let Some(&byte) = self.fill()?.first() else {
                return Err(Malformed::TruncatedVarintAtEnd.into());
            };
            self.advance(1)?;
            if shift == 63 && byte > 1 {
                return Err(Malformed::VarintOverflow.into());
            }
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(Some(v));
            }
        }
        Err(Malformed::VarintTooLong.into())
    }

    /// Reads a varint that must be there.
    pub(super) fn varint(&mut self) -> Result<u64, DecodeError> {
        self.varint_or_eof()?
            .ok_or(DecodeError::Malformed(Malformed::TruncatedField))
    }

    /// Skips a field of wire type `wire` whose key was just read.
    pub(super) fn skip_field(&mut self, wire: u64) -> Result<(), DecodeError> {
        match wire {
            0 => {
                self.varint()?;
            }
            1 => self.skip(8)?,
            2 => {
                let len = self.varint()?;
                self.skip(len)?;
            }
            5 => self.skip(4)?,
            w => return Err(Malformed::UnsupportedWireType(w).into()),
        }
        Ok(())
    }
}

/// An in-memory cursor over one message (a sub-message of the profile).
pub(super) struct Slice<'a> {
    pub(super) b: &'a [u8],
    pub(super) i: usize,
}

impl<'a> Slice<'a> {
    #[inline]
    pub(super) fn done(&self) -> bool {
        self.i >= self.b.len()
    }

    /// A varint; one to three bytes (every location id and most values
    /// of a real profile) take the fast path.
    #[inline(always)]
    pub(super) fn varint(&mut self) -> Result<u64, Malformed> {
        let (b, i) = (self.b, self.i);
        if let Some(&x) = b.get(i) {
            if x < 0x80 {
                self.i = i + 1;
                return Ok(u64::from(x));
            }
            if let Some(&y) = b.get(i + 1) {
                let v = u64::from(x & 0x7f) | u64::from(y & 0x7f) << 7;
                if y < 0x80 {
                    self.i = i + 2;
                    return Ok(v);
                }
                if let Some(&z) = b.get(i + 2) {
                    if z < 0x80 {
                        self.i = i + 3;
                        return Ok(v | u64::from(z) << 14);
                    }
                }
            }
        }
        self.varint_slow()
    }

    #[inline(never)]
    fn varint_slow(&mut self) -> Result<u64, Malformed> {
        let b = self.b;
        let mut v: u64 = 0;
        let mut shift = 0u32;
        loop {
            let Some(&byte) = b.get(self.i) else {
                return Err(Malformed::TruncatedVarint);
            };
            self.i += 1;
            if shift == 63 && byte > 1 {
                return Err(Malformed::VarintOverflow);
            }
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(Malformed::VarintTooLong);
            }
        }
    }

    #[inline]
    pub(super) fn len_delimited(&mut self) -> Result<&'a [u8], Malformed> {
        let len = self.varint()?;
        let rest = (self.b.len() - self.i) as u64;
        if len > rest {
            return Err(Malformed::TruncatedMessage {
                declared: len,
                remaining: rest,
            });
        }
        let s = &self.b[self.i..self.i + len as usize];
        self.i += len as usize;
        Ok(s)
    }

    pub(super) fn skip(&mut self, wire: u64) -> Result<(), Malformed> {
        match wire {
            0 => {
                self.varint()?;
            }
            1 => self.fixed(8)?,
            2 => {
                self.len_delimited()?;
            }
            5 => self.fixed(4)?,
            w => return Err(Malformed::UnsupportedWireType(w)),
        }
        Ok(())
    }

    fn fixed(&mut self, n: usize) -> Result<(), Malformed> {
        if self.b.len() - self.i < n {
            return Err(Malformed::TruncatedFixed);
        }
        self.i += n;
        Ok(())
    }

    /// Reads a repeated varint field, packed (wire type 2) or not (0).
    #[inline]
    pub(super) fn repeated(
        &mut self,
        wire: u64,
        mut f: impl FnMut(u64) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        match wire {
            0 => f(self.varint()?),
            2 => {
                let mut inner = Slice {
                    b: self.len_delimited()?,
                    i: 0,
                };
                while !inner.done() {
                    f(inner.varint()?)?;
                }
                Ok(())
            }
            w => Err(Malformed::RepeatedWireType(w).into()),
        }
    }
}
