//! Operating-system errors in words a clerk can act on, for every place an `io::Error` is shown.

use std::io;

use crate::annotate::Lang;

/// Windows: ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION, what Excel or WPS holding the file
/// open gives.
const WINDOWS_IN_USE: [i32; 2] = [32, 33];

/// `e` said plainly: the common kinds translated (the file open in Excel/WPS, not found, no
/// permission, disk full), anything else as the system words it.
pub fn os_error(e: &io::Error, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let said = |zh_text: &str, en_text: &str| if zh { zh_text } else { en_text }.to_string();
    if cfg!(windows)
        && e.raw_os_error()
            .is_some_and(|c| WINDOWS_IN_USE.contains(&c))
    {
        return said(
            "文件正被其他程序使用，请先在 Excel/WPS 中关闭该文件",
            "the file is in use by another program: close it in Excel/WPS first",
        );
    }
    match e.kind() {
        io::ErrorKind::NotFound => said("文件或文件夹不存在", "no such file or folder"),
        io::ErrorKind::PermissionDenied => said(
            "没有权限（文件可能为只读，或正被 Excel/WPS 打开）",
            "permission denied (the file may be read-only or open in Excel/WPS)",
        ),
        io::ErrorKind::StorageFull => said("磁盘已满", "the disk is full"),
        io::ErrorKind::ReadOnlyFilesystem => said("磁盘为只读", "the disk is read-only"),
        io::ErrorKind::AlreadyExists => said("文件已存在", "the file already exists"),
        _ => e.to_string(),
    }
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
