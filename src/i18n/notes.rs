//! The annotated copy's own words: notes, the 校验结果 sheet, the summary workbook.

catalogue! {
    pub enum NoteMsg {
    }
}
