//! What the check stage says: rules that failed, could not run, or could not be read.

catalogue! {
    pub enum CheckMsg {
        /// `未能检查：B1 财政供养人员控制率（未找到"编制数"）`: id, name, the labels not found, then the close ones.
        NotChecked => "未能检查：{} {}（未找到{}{}）", "not checked: {} {} (not found: {}{})";
        /// A label on the sheet close to a missing one: found, known.
        CloseLabel => "；表中\"{}\"与\"{}\"相近", "; \"{}\" on the sheet is close to \"{}\"";
    }
}
