//! What the blame stage says: which cell is wrong, what it should be, the slip it looks like.

catalogue! {
    pub enum BlameMsg {
    }
}
