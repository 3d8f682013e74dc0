//! Operating-system errors in words a clerk can act on, for every place an `io::Error` is shown.

use std::io;

use crate::annotate::Lang;

/// `e` said plainly in `lang` (see [`crate::i18n::errors::os_error`]).
pub fn os_error(e: &io::Error, lang: Lang) -> String {
    crate::i18n::errors::os_error(e).render(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_kinds_are_said_in_the_language_asked() {
        let gone = io::Error::from(io::ErrorKind::NotFound);
        assert_eq!(os_error(&gone, Lang::Zh), "文件或文件夹不存在");
        assert_eq!(os_error(&gone, Lang::En), "no such file or folder");
        let full = io::Error::from(io::ErrorKind::StorageFull);
        assert_eq!(os_error(&full, Lang::Zh), "磁盘已满");
        let other = io::Error::other("奇怪的错误");
        assert_eq!(os_error(&other, Lang::Zh), "奇怪的错误");
    }

    #[cfg(windows)]
    #[test]
    fn a_sharing_violation_says_to_close_the_file() {
        let busy = io::Error::from_raw_os_error(32);
        assert!(os_error(&busy, Lang::Zh).contains("请先在 Excel/WPS 中关闭该文件"));
    }
}
