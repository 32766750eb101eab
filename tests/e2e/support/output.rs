//! The runner's report, reworded where cucumber's words mislead: a step that returns an
//! error is reported by cucumber as "Step panicked. Captured output: <error>" (its step
//! macro turns the `Err` into a panic). Our steps fail by returning errors, so the report
//! says "Step failed:" (cucumber's own heading) and then the error alone; the JUnit file's
//! failure type likewise reads "Step Failed". (A real panic in a step reads the same way:
//! its message is still shown.)

use std::io;

/// cucumber's words and ours.
const REWORDED: [(&str, &str); 2] = [
    ("Step panicked. Captured output: ", ""),
    ("type=\"Step Panicked\"", "type=\"Step Failed\""),
];

/// Line-buffered, so a phrase split across writes is still found.
pub struct Reworded<W: io::Write> {
    inner: W,
    line: Vec<u8>,
}

impl<W: io::Write> Reworded<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            line: Vec::new(),
        }
    }

    fn emit(&mut self, upto: usize) -> io::Result<()> {
        let rest = self.line.split_off(upto);
        let mut text = String::from_utf8_lossy(&self.line).into_owned();
        for (theirs, ours) in REWORDED {
            text = text.replace(theirs, ours);
        }
        self.inner.write_all(text.as_bytes())?;
        self.line = rest;
        Ok(())
    }
}

impl<W: io::Write> io::Write for Reworded<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.line.extend_from_slice(buf);
        if let Some(nl) = self.line.iter().rposition(|b| *b == b'\n') {
            self.emit(nl + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // cucumber redraws its progress lines without a newline: pass them on too.
        let all = self.line.len();
        self.emit(all)?;
        self.inner.flush()
    }
}

impl<W: io::Write> Drop for Reworded<W> {
    fn drop(&mut self) {
        let _ = io::Write::flush(self);
    }
}
