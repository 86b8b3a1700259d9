//! The bytes of an import file as UTF-8, streamed. The encoding is decided once, from the first
//! block: a BOM says it (UTF-8, UTF-16); otherwise valid UTF-8 is UTF-8, and text that is valid
//! GB18030 (of which GBK and GB2312 are subsets, what Chinese office software saves by default) is
//! GB18030. Bytes that are neither are refused with the byte offset, never replaced by `�`: a
//! name or ID number silently mangled would match the wrong person or nobody.
//!
//! Memory is the block size on each side, whatever the file's length.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_8};

/// How much of the file decides the encoding, and the size of each read.
const BLOCK: usize = 64 * 1024;

/// Why a file's bytes are not text.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// Neither UTF-8 nor GB18030 (a spreadsheet saved as .xlsx, an image, a damaged file).
    #[error("not UTF-8 or GBK text")]
    Unknown,
    /// The file began as one encoding and has bytes that are not that encoding at `offset`.
    #[error("not valid {encoding} at byte {offset}")]
    Malformed { encoding: &'static str, offset: u64 },
}

impl DecodeError {
    fn io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }

    /// The decode error inside an I/O error from [`Utf8Reader`], if that is what it is.
    pub fn from_io(err: &io::Error) -> Option<&DecodeError> {
        err.get_ref().and_then(|inner| inner.downcast_ref::<DecodeError>())
    }
}

/// Reads `inner` as UTF-8 text, transcoding when the file is not UTF-8.
pub struct Utf8Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static Encoding,
    /// Bytes read from `inner` and not yet decoded.
    input: Vec<u8>,
    input_at: usize,
    /// Decoded text not yet handed out.
    output: Vec<u8>,
    output_at: usize,
    /// Bytes of `inner` decoded so far (for the offset of a malformed sequence).
    consumed: u64,
    /// `inner` has no more bytes.
    eof: bool,
    /// The decoder has seen the last byte (it must not be called again).
    finished: bool,
}

impl<R: Read> Utf8Reader<R> {
    /// Reads the first block of `inner` and decides its encoding.
    pub fn new(mut inner: R) -> io::Result<Self> {
        let mut first = vec![0; BLOCK];
        let filled = fill(&mut inner, &mut first)?;
        first.truncate(filled);
        let eof = filled < BLOCK;
        let (encoding, bom) = match Encoding::for_bom(&first) {
            Some((encoding, bom)) => (encoding, bom),
            None => (sniff(&first, eof).ok_or_else(|| DecodeError::Unknown.io())?, 0),
        };
        Ok(Self {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            encoding,
            input: first,
            input_at: bom,
            output: Vec::with_capacity(BLOCK * 2),
            output_at: 0,
            consumed: bom as u64,
            eof,
            finished: false,
        })
    }

    /// The encoding the file was found to be in (`UTF-8`, `gb18030`, `UTF-16LE`, ...).
    pub fn encoding(&self) -> &'static str {
        self.encoding.name()
    }

    /// Decodes more of the input into `output`; false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        loop {
            if self.finished {
                return Ok(false);
            }
            if self.input_at == self.input.len() && !self.eof {
                self.input.resize(BLOCK, 0);
                let filled = fill(&mut self.inner, &mut self.input)?;
                self.input.truncate(filled);
                self.input_at = 0;
                self.eof = filled < BLOCK;
            }
            let last = self.eof;
            let rest = &self.input[self.input_at..];
            let room = self.decoder.max_utf8_buffer_length(rest.len()).unwrap_or(BLOCK * 4).max(16);
            self.output.clear();
            self.output.resize(room, 0);
            self.output_at = 0;
            // With `last`, a character cut off by the end of the file is reported here.
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(rest, &mut self.output, last);
            self.input_at += read;
            self.consumed += read as u64;
            self.output.truncate(written);
            match result {
                DecoderResult::Malformed(bad, pending) => {
                    return Err(self.malformed(u64::from(bad) + u64::from(pending)));
                }
                DecoderResult::InputEmpty if last => self.finished = true,
                _ => {}
            }
            if written > 0 {
                return Ok(true);
            }
        }
    }

    fn malformed(&self, back: u64) -> io::Error {
        DecodeError::Malformed { encoding: self.encoding.name(), offset: self.consumed.saturating_sub(back) }.io()
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.output_at == self.output.len() && !self.refill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.output.len() - self.output_at);
        buf[..n].copy_from_slice(&self.output[self.output_at..self.output_at + n]);
        self.output_at += n;
        Ok(n)
    }
}

/// UTF-8 when the block is UTF-8, or has valid multi-byte UTF-8 before its first bad byte (a
/// damaged UTF-8 file, reported where it is damaged, not read as GBK mojibake), or ends inside a
/// character; else GB18030 when the block decodes as that without a single error; else nothing.
fn sniff(block: &[u8], whole: bool) -> Option<&'static Encoding> {
    let utf8 = match std::str::from_utf8(block) {
        Ok(_) => true,
        Err(err) => err.error_len().is_none() || !block[..err.valid_up_to()].is_ascii(),
    };
    if utf8 {
        return Some(UTF_8);
    }
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    let mut out = vec![0; decoder.max_utf8_buffer_length(block.len()).unwrap_or(block.len() * 4)];
    let (result, _, _) = decoder.decode_to_utf8_without_replacement(block, &mut out, whole);
    matches!(result, DecoderResult::InputEmpty).then_some(GB18030)
}

/// Reads until `buf` is full or the input ends; the bytes read.
fn fill(inner: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match inner.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out its bytes `step` at a time, as a network stream does.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn text(bytes: &[u8], step: usize) -> io::Result<(String, &'static str)> {
        let mut reader = Utf8Reader::new(Trickle { bytes, step })?;
        let mut out = String::new();
        reader.read_to_string(&mut out)?;
        Ok((out, reader.encoding()))
    }

    fn gbk(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = GB18030.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    const ROWS: &str = "身份证号,姓名,自付金额\n500101195003171234,张秀英,12345.60\n";

    #[test]
    fn utf8_passes_through_and_its_bom_is_dropped() {
        assert_eq!(text(ROWS.as_bytes(), 7).unwrap(), (ROWS.to_owned(), "UTF-8"));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), ROWS.as_bytes()].concat();
        assert_eq!(text(&with_bom, 3).unwrap().0, ROWS);
    }

    #[test]
    fn a_gbk_file_arrives_as_the_same_text() {
        let bytes = gbk(ROWS);
        assert_ne!(bytes, ROWS.as_bytes());
        assert_eq!(text(&bytes, 1).unwrap(), (ROWS.to_owned(), "gb18030"));
    }

    #[test]
    fn characters_cut_by_block_and_read_boundaries_are_whole() {
        // Long enough that blocks end inside characters, in both encodings.
        let long: String = (0..12_000).map(|i| format!("{i},张秀英,医疗救助\n")).collect();
        assert!(long.len() > 3 * BLOCK);
        assert_eq!(text(long.as_bytes(), 4093).unwrap().0, long);
        assert_eq!(text(&gbk(&long), 4093).unwrap().0, long);
    }

    #[test]
    fn bytes_that_are_no_text_are_refused_with_where() {
        let binary: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let err = text(&binary, 512).unwrap_err();
        assert_eq!(DecodeError::from_io(&err), Some(&DecodeError::Unknown));
        // UTF-8 for the first block, then a byte that is not.
        let mut late = "张".repeat(BLOCK).into_bytes();
        let at = late.len() as u64;
        late.extend_from_slice(b"ok\xFFmore");
        let err = text(&late, 8192).unwrap_err();
        assert_eq!(DecodeError::from_io(&err), Some(&DecodeError::Malformed { encoding: "UTF-8", offset: at + 2 }));
        // Damaged inside the first block: UTF-8 with a bad byte, not GBK mojibake.
        let damaged = [ROWS.as_bytes(), b"\xFF", ROWS.as_bytes()].concat();
        let err = text(&damaged, 100).unwrap_err();
        let offset = ROWS.len() as u64;
        assert_eq!(DecodeError::from_io(&err), Some(&DecodeError::Malformed { encoding: "UTF-8", offset }));
        // A file cut in the middle of its last character.
        let cut = &ROWS.as_bytes()[..ROWS.len() - 2];
        let cut = [cut, "张".as_bytes().get(..2).unwrap()].concat();
        assert!(matches!(
            text(&cut, 5).map_err(|e| DecodeError::from_io(&e).cloned()),
            Err(Some(DecodeError::Malformed { .. }))
        ));
    }
}
