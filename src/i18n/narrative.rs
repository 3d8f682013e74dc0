//! What the check of the 自评报告 says: figures of the text against the tables.

catalogue! {
    pub enum DocMsg {
    }
}
