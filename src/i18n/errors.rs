//! Why a file could not be read, a template loaded, data imported or an output written.

catalogue! {
    pub enum ErrMsg {
    }
}
