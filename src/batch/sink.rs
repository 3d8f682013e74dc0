//! Reports written as they come, in the order the [`Renderer`] lays them out.

use std::io::{self, Write};

use crate::report::Renderer;

/// Writes each file's part with what goes before it, then the end; the first write error stops
/// the writing (the checking goes on) and is what [`Sink::finish`] returns.
pub(super) struct Sink<'a> {
    renderer: &'a dyn Renderer,
    out: &'a mut dyn Write,
    items: usize,
    failed: Option<io::Error>,
}

impl<'a> Sink<'a> {
    pub(super) fn new(renderer: &'a dyn Renderer, out: &'a mut dyn Write) -> Self {
        Sink {
            renderer,
            out,
            items: 0,
            failed: None,
        }
    }

    pub(super) fn item(&mut self, rendered: &str) {
        if self.failed.is_some() {
            return;
        }
        let lead = self.renderer.before(self.items);
        self.items += 1;
        let written = self
            .out
            .write_all(lead.as_bytes())
            .and_then(|_| self.out.write_all(rendered.as_bytes()))
            .and_then(|_| self.out.flush());
        self.failed = written.err();
    }

    pub(super) fn finish(self) -> io::Result<()> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        self.out
            .write_all(self.renderer.end(self.items).as_bytes())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileReport, Status};
    use crate::report::{self, Json};

    fn report(path: &str, findings: bool) -> FileReport {
        let mut r = FileReport::failed(path.to_string(), "坏了 \"引号\"\n换行".to_string());
        if findings {
            r.status = Status::Checked;
            r.error = None;
            r.department = Some("某局".into());
            r.notes.push("说明".into());
        }
        r
    }

    fn streamed(reports: &[FileReport]) -> String {
        let mut buf = Vec::new();
        {
            let mut sink = Sink::new(&Json, &mut buf);
            for r in reports {
                sink.item(&Json.file(r));
            }
            sink.finish().unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn streamed_json_is_the_whole_document_byte_for_byte() {
        for reports in [
            vec![],
            vec![report("a.xlsx", false)],
            vec![report("a.xlsx", true), report("b/c.xlsx", false)],
        ] {
            assert_eq!(streamed(&reports), report::to_json(&reports) + "\n");
        }
    }
}
