//! Recognises what a file is before any workbook parser sees it.
//!
//! Decides by content, never by extension. ZIP files are checked against
//! decompression bombs and XLSX packages are rebuilt without the attributes that
//! make calamine pre-allocate from untrusted numbers. OLE files are checked for
//! encryption with a small bounds-checked CFB reader.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Cursor, Read, Write};
use std::path::Path;

use quick_xml::events::Event;
use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

mod xls;

pub use crate::model::Package;

/// Input files larger than this are refused unread.
pub const MAX_FILE_BYTES: u64 = 100 * MIB;

const MIB: u64 = 1024 * 1024;

/// A workbook container whose bytes are ready for calamine
/// (`open_workbook_from_rs` with `std::io::Cursor`).
pub enum Container {
    /// The package rebuilt for calamine, and the file as it was (for the annotated copy).
    Xlsx(Vec<u8>, Package),
    /// The file rebuilt with only its Workbook stream, and how its sheets were squeezed.
    Xls(Vec<u8>, XlsRemap),
    Ods(Vec<u8>),
}

/// Where the cells of squeezed xls sheets really are. calamine holds every xls sheet
/// as a dense range over the bounding box of its cells; a sheet whose cells lie far
/// apart has its empty rows and columns squeezed out before calamine sees it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct XlsRemap {
    /// Per BOUNDSHEET record, in order: the original row and column of each
    /// squeezed row and column, or `None` where the sheet was left as it was.
    sheets: Vec<Option<Axes>>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Axes {
    rows: Vec<u32>,
    cols: Vec<u32>,
}

impl XlsRemap {
    /// The original position of `(row, col)` as calamine reports it for the sheet of
    /// the `sheet`-th BOUNDSHEET record.
    pub fn original(&self, sheet: usize, row: u32, col: u32) -> (u32, u32) {
        match self.sheets.get(sheet).and_then(Option::as_ref) {
            Some(a) => (
                a.rows.get(row as usize).copied().unwrap_or(row),
                a.cols.get(col as usize).copied().unwrap_or(col),
            ),
            None => (row, col),
        }
    }

    /// Whether any sheet was squeezed.
    pub fn is_identity(&self) -> bool {
        self.sheets.iter().all(Option::is_none)
    }
}

/// Why a file is not handed to calamine. Each message is one line of Chinese:
/// what the file is, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum SniffError {
    #[error("无法读取文件（{}）；请检查路径和读取权限。", io_reason(.0))]
    Io(#[source] io::Error),
    #[error("文件大小 {} MiB，超过上限 {} MiB，不像是绩效自评表；请确认是否选错了文件。", mib(*.size), mib(*.limit))]
    TooLarge { size: u64, limit: u64 },
    #[error("文件为空（0 字节），不是 Excel 工作簿；请重新导出或索取原文件。")]
    Empty,
    #[error(
        "这是{}{what}，不是可读取的 Excel 工作簿；请提供 .xlsx 或 .xls 格式的绩效自评表。",
        space(what)
    )]
    NotWorkbook { what: &'static str },
    #[error(
        "这是{}{what}，不是标准的 Excel 工作簿；请用 Excel/WPS 打开后另存为 .xlsx 再检查。",
        space(what)
    )]
    ConvertFirst { what: &'static str },
    #[error("无法识别的文件格式（开头字节 {head}），不是可读取的 Excel 工作簿；请确认文件是否正确或索取原文件。")]
    Unknown { head: String },
    #[error("文件已损坏或不完整（{detail}），无法读取；请重新下载或向报送单位索取原文件。")]
    Corrupt { detail: &'static str },
    #[error("{detail}，疑似压缩炸弹，已拒绝；请向报送单位索取正常导出的文件。")]
    ZipBomb { detail: String },
    #[error("{detail}，不像是正常的绩效自评表；请在 Excel/WPS 中打开后另存为 .xlsx 再试。")]
    Bloated { detail: String },
    #[error("工作表中的单元格分布过散或内容过多（读取约需 {mib} MiB 内存），不像是绩效自评表；请只保留基础数据表和绩效自评表，另存为 .xlsx 后再试。")]
    TooSpread { mib: u64 },
    #[error("文件设有密码保护（加密），无法读取；请在 Excel/WPS 中取消密码后重试{}。", if *.xls { "（若打开时并不要求输入密码，另存为 .xlsx 即可）" } else { "" })]
    Encrypted { xls: bool },
}

fn io_reason(e: &io::Error) -> Cow<'static, str> {
    match e.kind() {
        io::ErrorKind::NotFound => "找不到该文件".into(),
        io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        io::ErrorKind::IsADirectory => "这是文件夹，不是文件".into(),
        _ => one_line(&e.to_string(), 120).into(),
    }
}

fn mib(n: u64) -> String {
    if n.is_multiple_of(MIB) {
        (n / MIB).to_string()
    } else {
        format!("{:.1}", n as f64 / MIB as f64)
    }
}

/// A space between "这是" and a name that starts with Latin letters.
fn space(what: &str) -> &'static str {
    if what.starts_with(|c: char| c.is_ascii()) {
        " "
    } else {
        ""
    }
}

/// Makes untrusted text safe for a one-line message.
fn one_line(s: &str, max_chars: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

/// Caps on input and decompression; tests lower them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Largest input file.
    pub file: u64,
    /// Largest inflated size of one ZIP entry.
    pub entry: u64,
    /// Largest inflated size of all ZIP entries together.
    pub total: u64,
    /// Largest inflated:compressed ratio ...
    pub ratio: u64,
    /// ... for entries inflating to more than this.
    pub ratio_floor: u64,
    /// Most ZIP entries.
    pub entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file: MAX_FILE_BYTES,
            entry: 128 * MIB,
            total: 256 * MIB,
            ratio: 1000,
            ratio_floor: MIB,
            entries: 20_000,
        }
    }
}

/// Reads a file (at most [`MAX_FILE_BYTES`]) and sniffs it.
pub fn sniff_path(path: &Path) -> Result<Container, SniffError> {
    sniff_path_with(path, &Limits::default())
}

/// Sniffs bytes already in memory.
pub fn sniff_bytes(bytes: Vec<u8>) -> Result<Container, SniffError> {
    sniff_with(bytes, &Limits::default())
}

pub(crate) fn sniff_path_with(path: &Path, lim: &Limits) -> Result<Container, SniffError> {
    let file = std::fs::File::open(path).map_err(SniffError::Io)?;
    let meta = file.metadata().map_err(SniffError::Io)?;
    if meta.is_dir() {
        return Err(SniffError::Io(io::Error::from(io::ErrorKind::IsADirectory)));
    }
    if meta.len() > lim.file {
        return Err(SniffError::TooLarge {
            size: meta.len(),
            limit: lim.file,
        });
    }
    // The length can change or be wrong (special files): read through a cap.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(lim.file + 1)
        .read_to_end(&mut bytes)
        .map_err(SniffError::Io)?;
    sniff_with(bytes, lim)
}

pub(crate) fn sniff_with(bytes: Vec<u8>, lim: &Limits) -> Result<Container, SniffError> {
    if bytes.is_empty() {
        return Err(SniffError::Empty);
    }
    if bytes.len() as u64 > lim.file {
        return Err(SniffError::TooLarge {
            size: bytes.len() as u64,
            limit: lim.file,
        });
    }
    if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(b"PK\x07\x08")
    {
        return sniff_zip(bytes, lim);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        return sniff_ole(bytes);
    }
    Err(describe_other(&bytes))
}

// ---------------------------------------------------------------------------
// Neither ZIP nor OLE: name what it looks like.

fn describe_other(bytes: &[u8]) -> SniffError {
    use SniffError::{ConvertFirst, NotWorkbook};
    let head = &bytes[..bytes.len().min(8192)];
    let nw = |what| NotWorkbook { what };

    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
        (b"\xFF\xD8\xFF", "JPEG 图片"),
        (b"GIF87a", "GIF 图片"),
        (b"GIF89a", "GIF 图片"),
        (b"II*\x00", "TIFF 图片"),
        (b"MM\x00*", "TIFF 图片"),
        (b"Rar!\x1a\x07", "RAR 压缩包"),
        (b"7z\xBC\xAF\x27\x1C", "7z 压缩包"),
        (b"\x1F\x8B", "gzip 压缩包"),
        (b"{\\rtf", "RTF 文档"),
    ];
    for (magic, what) in MAGIC {
        if head.starts_with(magic) {
            return nw(what);
        }
    }
    if find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return nw("PDF 文件");
    }
    if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        return nw("WebP 图片");
    }

    // Text, possibly UTF-16 (Excel's "Unicode text" export is UTF-16LE).
    let utf16 = if head.starts_with(b"\xFF\xFE") {
        Some(true)
    } else if head.starts_with(b"\xFE\xFF") {
        Some(false)
    } else {
        None
    };
    let text: Option<String> = match utf16 {
        Some(le) => {
            let units = head[2..].chunks_exact(2).map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            Some(
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or('\u{FFFD}'))
                    .collect(),
            )
        }
        // GBK text is not UTF-8, so judge by control bytes, not by encoding.
        None if head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A | 0x1B)) =>
        {
            Some(String::from_utf8_lossy(head).into_owned())
        }
        None => None,
    };
    if let Some(text) = text {
        return describe_text(&text);
    }

    if head.len() >= 14 && head.starts_with(b"BM") && rd_u32(head, 2) == Some(bytes.len() as u32) {
        return nw("BMP 图片");
    }
    // Excel 2.x–4.0 worksheets are bare BIFF streams that start with a BOF record.
    if head.len() >= 4
        && head[0] == 0x09
        && matches!(head[1], 0x00 | 0x02 | 0x04)
        && head[3] == 0
        && (4..=16).contains(&head[2])
    {
        return ConvertFirst {
            what: "Excel 2.x–4.0 旧格式工作表",
        };
    }
    let head = bytes
        .iter()
        .take(8)
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ");
    SniffError::Unknown { head }
}

fn describe_text(text: &str) -> SniffError {
    use SniffError::{ConvertFirst, NotWorkbook};
    let lower = text
        .trim_start_matches('\u{FEFF}')
        .trim_start()
        .to_ascii_lowercase();
    let excel_ns = lower.contains("urn:schemas-microsoft-com:office:excel");
    if lower.starts_with("<?xml") && !lower.contains("<html") {
        if lower.contains("urn:schemas-microsoft-com:office:spreadsheet")
            || lower.contains("excel.sheet")
        {
            return ConvertFirst {
                what: "Excel 2003 XML 表格",
            };
        }
        return NotWorkbook { what: "XML 文件" };
    }
    if lower.starts_with("<!doctype html") || lower.contains("<html") || lower.contains("<table") {
        if excel_ns || lower.contains("<table") {
            return ConvertFirst {
                what: "网页（HTML）格式的表格",
            };
        }
        return NotWorkbook {
            what: "HTML 网页文件",
        };
    }
    if lower.starts_with("mime-version:") || lower.contains("content-type: multipart/related") {
        if excel_ns || lower.contains("excel") {
            return ConvertFirst {
                what: "单个网页文件（.mht）格式的表格",
            };
        }
        return NotWorkbook {
            what: "网页存档（.mht）",
        };
    }
    let lines: Vec<&str> = lower
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(5)
        .collect();
    if lines.len() >= 2 && lines.iter().all(|l| l.contains(',') || l.contains('\t')) {
        return ConvertFirst {
            what: "纯文本表格（CSV 或制表符分隔）",
        };
    }
    NotWorkbook {
        what: "纯文本文件"
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// ZIP: classify, then check sizes while inflating and sanitise XLSX parts.

const CORRUPT_ZIP: SniffError = SniffError::Corrupt {
    detail: "ZIP 压缩结构无法读取",
};
const CORRUPT_DATA: SniffError = SniffError::Corrupt {
    detail: "压缩数据损坏或校验失败",
};

fn zip_err(e: ZipError) -> SniffError {
    match e {
        ZipError::UnsupportedArchive(m) if m.to_ascii_lowercase().contains("password") => {
            SniffError::Encrypted { xls: false }
        }
        ZipError::InvalidPassword => SniffError::Encrypted { xls: false },
        ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_) => {
            SniffError::Corrupt {
                detail: "使用了不支持的压缩方式",
            }
        }
        _ => CORRUPT_ZIP,
    }
}

/// Lower-cased, forward slashes, no leading slash: how calamine matches part names.
fn norm_name(name: &str) -> String {
    name.replace('\\', "/")
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

enum ZipKind {
    Xlsx,
    Ods,
}

fn sniff_zip(bytes: Vec<u8>, lim: &Limits) -> Result<Container, SniffError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes.as_slice())).map_err(|_| CORRUPT_ZIP)?;
    if zip.len() > lim.entries {
        return Err(SniffError::ZipBomb {
            detail: format!("压缩包内有 {} 个部件", zip.len()),
        });
    }
    match classify_zip(&mut zip)? {
        ZipKind::Ods => {
            // An encrypted package says so in its manifest (content.xml is then ciphertext).
            let names: Vec<String> = zip
                .file_names()
                .map(|n| n.map(|n| norm_name(&n)).unwrap_or_default())
                .collect();
            if let Some(i) = names.iter().position(|n| n == "meta-inf/manifest.xml") {
                if find(&read_small(&mut zip, i, MIB), b"encryption-data").is_some() {
                    return Err(SniffError::Encrypted { xls: false });
                }
            }
            walk_zip(zip, lim, None)?;
            Ok(Container::Ods(bytes))
        }
        ZipKind::Xlsx => {
            let cap = bytes.len().saturating_mul(4).min(64 * MIB as usize);
            let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(cap)));
            let altered = walk_zip(zip, lim, Some(&mut out))?;
            let out = out.finish().map_err(|_| CORRUPT_ZIP)?;
            Ok(Container::Xlsx(
                out.into_inner(),
                Package::new(bytes).with_altered(altered),
            ))
        }
    }
}

fn classify_zip(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Result<ZipKind, SniffError> {
    use SniffError::{ConvertFirst, NotWorkbook};
    // In index order; a name that cannot be decoded becomes "".
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| norm_name(&n)).unwrap_or_default())
        .collect();
    if names.is_empty() {
        return Err(NotWorkbook {
            what: "空的 ZIP 压缩包",
        });
    }
    let index = |p: &str| names.iter().position(|n| n == p);
    let has = |p: &str| index(p).is_some();

    if let Some(i) = index("mimetype") {
        let mime = read_small(zip, i, 256);
        let mime = String::from_utf8_lossy(&mime);
        let mime = mime.trim();
        if mime.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
            return Ok(ZipKind::Ods);
        }
        if mime.starts_with("application/vnd.oasis.opendocument.text") {
            return Err(NotWorkbook {
                what: "OpenDocument 文本文档（.odt）",
            });
        }
        if mime.starts_with("application/vnd.oasis.opendocument.presentation") {
            return Err(NotWorkbook {
                what: "OpenDocument 演示文稿（.odp）",
            });
        }
        if mime.starts_with("application/vnd.oasis.opendocument") {
            return Err(NotWorkbook {
                what: "OpenDocument 文档",
            });
        }
    }
    if has("xl/workbook.xml") {
        return Ok(ZipKind::Xlsx);
    }
    if has("xl/workbook.bin") {
        return Err(ConvertFirst {
            what: "Excel 二进制工作簿（.xlsb）",
        });
    }
    if has("word/document.xml") {
        return Err(NotWorkbook {
            what: "Word 文档"
        });
    }
    if has("ppt/presentation.xml") {
        return Err(NotWorkbook {
            what: "PowerPoint 演示文稿",
        });
    }
    if let Some(i) = index("[content_types].xml") {
        let ct = read_small(zip, i, MIB);
        let ct = String::from_utf8_lossy(&ct).to_ascii_lowercase();
        if ct.contains("sheet.binary") {
            return Err(ConvertFirst {
                what: "Excel 二进制工作簿（.xlsb）",
            });
        }
        if ct.contains("spreadsheetml")
            || ct.contains("ms-excel.sheet")
            || ct.contains("ms-excel.template")
        {
            return Ok(ZipKind::Xlsx);
        }
        if ct.contains("wordprocessingml") || ct.contains("ms-word") {
            return Err(NotWorkbook {
                what: "Word 文档"
            });
        }
        if ct.contains("presentationml") || ct.contains("ms-powerpoint") {
            return Err(NotWorkbook {
                what: "PowerPoint 演示文稿",
            });
        }
    }
    Err(NotWorkbook {
        what: "ZIP 压缩包（请先解压，再检查其中的 .xlsx/.xls 文件）",
    })
}

/// The first `cap` inflated bytes of entry `i`; what was read before any error.
fn read_small(zip: &mut ZipArchive<Cursor<&[u8]>>, i: usize, cap: u64) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(f) = zip.by_index(i) {
        let _ = f.take(cap).read_to_end(&mut out);
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    SharedStrings,
    Sheet,
    /// Read whole when the package is opened, by calamine into structures that cost
    /// more than their XML (a `<xf/>` becomes a full `Style`) or by the annotated
    /// copy's patch: relationships, the workbook, styles, themes and content types.
    Meta,
    Other,
}

/// Largest inflated [`Part::Meta`] part, and most tags in one.
const META_BYTES: u64 = 16 * MIB;
const META_TAGS: u64 = 256 * 1024;
/// Most `<si>` entries in the shared strings (calamine keeps a `String` for each).
const MAX_SHARED_STRINGS: u64 = 2_000_000;

fn part_of(norm: &str) -> Part {
    let file = norm.rsplit('/').next().unwrap_or(norm);
    if file == "sharedstrings.xml" {
        Part::SharedStrings
    } else if file.ends_with(".rels")
        || norm == "[content_types].xml"
        || file == "workbook.xml"
        || file == "styles.xml"
        || (file.starts_with("theme") && file.ends_with(".xml"))
    {
        Part::Meta
    } else if file.ends_with(".xml")
        && (norm.contains("worksheets/")
            || norm.contains("macrosheets/")
            || norm.contains("dialogsheets/"))
    {
        Part::Sheet
    } else {
        Part::Other
    }
}

/// Inflates every entry through hard caps. With `out`, also writes an XLSX copy: shared
/// strings and sheets sanitised, relationships, workbook, styles and themes as they are, all
/// stored when small; the rest copied raw. Returns the parts whose sanitised text differs from
/// the file's (their names as [`norm_name`] gives them).
fn walk_zip(
    mut zip: ZipArchive<Cursor<&[u8]>>,
    lim: &Limits,
    mut out: Option<&mut ZipWriter<Cursor<Vec<u8>>>>,
) -> Result<Vec<String>, SniffError> {
    let mut altered = Vec::new();
    let mut total: u64 = 0;
    let mut declared_total: u64 = 0;
    for i in 0..zip.len() {
        let (name, size, csize, encrypted, is_dir) = {
            let f = zip.by_index_raw(i).map_err(zip_err)?;
            let name = f.name().map_err(|_| CORRUPT_ZIP)?.into_owned();
            (
                name,
                f.size(),
                f.compressed_size(),
                f.encrypted(),
                f.is_dir(),
            )
        };
        if encrypted {
            return Err(SniffError::Encrypted { xls: false });
        }
        if is_dir {
            if let Some(w) = out.as_deref_mut() {
                w.raw_copy_file(zip.by_index_raw(i).map_err(zip_err)?)
                    .map_err(zip_err)?;
            }
            continue;
        }
        // Declared sizes first: cheap, and enough for honest bombs.
        declared_total = declared_total.saturating_add(size);
        check_sizes(&name, size, csize, declared_total, lim)?;

        // Never trust headers: count what actually comes out.
        let limit = lim.entry.min(lim.total.saturating_sub(total));
        let part = if out.is_some() {
            part_of(&norm_name(&name))
        } else {
            Part::Other
        };
        let f = zip.by_index(i).map_err(zip_err)?;
        let data = if part == Part::Meta {
            let mut buf = Growing(Vec::with_capacity(size.min(META_BYTES) as usize));
            let n = read_capped(f, limit.min(META_BYTES), &mut buf).map_err(|e| match e {
                SniffError::ZipBomb { .. } => {
                    bloated(&name, &format!("超过 {} MiB", mib(META_BYTES)))
                }
                e => e,
            })?;
            total += n;
            check_sizes(&name, n, csize, total, lim)?;
            if count_tags(&buf.0) > META_TAGS {
                return Err(bloated(&name, &format!("有 {} 个以上的标记", META_TAGS)));
            }
            Some(buf.0)
        } else if part == Part::Other {
            let n = read_capped(f, limit, io::sink())?;
            total += n;
            check_sizes(&name, n, csize, total, lim)?;
            None
        } else {
            let mut buf = Growing(Vec::with_capacity(size.min(limit).min(16 * MIB) as usize));
            let n = read_capped(f, limit, &mut buf)?;
            total += n;
            check_sizes(&name, n, csize, total, lim)?;
            Some(buf.0)
        };

        let Some(w) = out.as_deref_mut() else {
            continue;
        };
        match data {
            None => w
                .raw_copy_file(zip.by_index_raw(i).map_err(zip_err)?)
                .map_err(zip_err)?,
            Some(xml) => {
                let clean: Cow<'_, [u8]> = match part {
                    Part::SharedStrings => {
                        if count_elements(&xml, b"si") > MAX_SHARED_STRINGS {
                            return Err(SniffError::Bloated {
                                detail: format!("共享字符串超过 {MAX_SHARED_STRINGS} 个"),
                            });
                        }
                        Cow::Owned(sanitize_sst(&xml)?)
                    }
                    Part::Sheet => Cow::Owned(sanitize_sheet(&xml)?),
                    _ => Cow::Borrowed(xml.as_slice()),
                };
                if *clean != *xml {
                    altered.push(norm_name(&name));
                }
                // Small parts are stored (compressing them again costs more than it saves);
                // large ones are compressed at the fastest level so the copy stays about as
                // small as the input, and calamine inflates it as it streams.
                let opts = if clean.len() as u64 <= MIB {
                    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
                } else {
                    SimpleFileOptions::default()
                        .compression_method(CompressionMethod::Deflated)
                        .compression_level(Some(1))
                };
                w.start_file(name.as_str(), opts).map_err(zip_err)?;
                w.write_all(&clean).map_err(|_| CORRUPT_ZIP)?;
            }
        }
    }
    Ok(altered)
}

fn bloated(name: &str, what: &str) -> SniffError {
    SniffError::Bloated {
        detail: format!("内部部件“{}”{what}", one_line(name, 60)),
    }
}

/// Start and empty tags: a `<` followed by anything but `/`, `?` or `!`.
fn count_tags(xml: &[u8]) -> u64 {
    memchr::memchr_iter(b'<', xml)
        .filter(|&i| matches!(xml.get(i + 1), Some(c) if !matches!(c, b'/' | b'?' | b'!')))
        .count() as u64
}

/// Start and empty tags whose local name is `local` (any prefix), counted from above:
/// text cannot hold a raw `<`, so every match is a tag or sits in a comment or CDATA.
fn count_elements(xml: &[u8], local: &[u8]) -> u64 {
    let mut n = 0;
    let mut i = 0;
    while let Some(p) = xml[i..].iter().position(|&c| c == b'<') {
        let start = i + p + 1;
        let end = xml[start..]
            .iter()
            .position(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
            .map_or(xml.len(), |e| start + e);
        let name = &xml[start..end];
        let local_name = name.rsplit(|&c| c == b':').next().unwrap_or(name);
        if local_name == local {
            n += 1;
        }
        i = start;
    }
    n
}

fn check_sizes(
    name: &str,
    size: u64,
    csize: u64,
    total: u64,
    lim: &Limits,
) -> Result<(), SniffError> {
    let name = one_line(name, 60);
    if size > lim.entry {
        return Err(SniffError::ZipBomb {
            detail: format!("内部部件“{name}”解压后超过 {} MiB", mib(lim.entry)),
        });
    }
    if total > lim.total {
        return Err(SniffError::ZipBomb {
            detail: format!("全部部件解压后超过 {} MiB", mib(lim.total)),
        });
    }
    if size > lim.ratio_floor && size / csize.max(1) > lim.ratio {
        return Err(SniffError::ZipBomb {
            detail: format!("内部部件“{name}”压缩比超过 {}:1", lim.ratio),
        });
    }
    Ok(())
}

/// A buffer that grows by a quarter at a time: reading a part near the size cap
/// must not double its allocation past it.
struct Growing(Vec<u8>);

impl Write for Growing {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let v = &mut self.0;
        if v.capacity() - v.len() < b.len() {
            v.reserve_exact(b.len().max(v.capacity() / 4).max(64 * 1024));
        }
        v.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Copies at most `limit` bytes to `w`; one byte more is a bomb, not a truncation.
fn read_capped<R: Read, W: Write>(r: R, limit: u64, mut w: W) -> Result<u64, SniffError> {
    let n = io::copy(&mut r.take(limit.saturating_add(1)), &mut w).map_err(|_| CORRUPT_DATA)?;
    if n > limit {
        return Err(SniffError::ZipBomb {
            detail: format!("解压后超过 {} MiB", mib(limit)),
        });
    }
    Ok(n)
}

// ---------------------------------------------------------------------------
// XLSX part sanitising. Both functions mirror how calamine 0.38 reads the part,
// with the same quick-xml settings, so they see the same first tags it does.

fn xml_reader(xml: &[u8]) -> quick_xml::Reader<&[u8]> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let c = r.config_mut();
    c.check_end_names = false;
    c.check_comments = false;
    c.trim_text(false);
    c.expand_empty_elements = false;
    r
}

/// quick-xml skips a leading BOM without counting it in its positions.
fn split_bom(xml: &[u8]) -> (&[u8], &[u8]) {
    let n = if xml.starts_with(b"\xEF\xBB\xBF") {
        3
    } else if xml.starts_with(b"\xFF\xFE") || xml.starts_with(b"\xFE\xFF") {
        2
    } else {
        0
    };
    xml.split_at(n)
}

/// The raw tag the reader just read, if the positions are where a tag must be.
fn raw_tag(xml: &[u8], before: u64, after: u64) -> Option<(usize, usize)> {
    let (before, after) = (usize::try_from(before).ok()?, usize::try_from(after).ok()?);
    let tag = xml.get(before..after)?;
    (tag.first() == Some(&b'<') && tag.last() == Some(&b'>')).then_some((before, after))
}

enum Step {
    Tag {
        empty: bool,
        qname: Vec<u8>,
        /// As quick-xml (and so calamine) splits it off the prefix.
        local: String,
    },
    Other,
    End,
}

/// Start and empty tags; the end of input and errors are both `End`.
fn step(ev: quick_xml::Result<Event<'_>>) -> Step {
    let (empty, e) = match ev {
        Ok(Event::Start(e)) => (false, e),
        Ok(Event::Empty(e)) => (true, e),
        Ok(Event::Eof) | Err(_) => return Step::End,
        Ok(_) => return Step::Other,
    };
    Step::Tag {
        empty,
        qname: e.name().as_ref().as_bytes().to_vec(),
        local: e.local_name().as_ref().to_owned(),
    }
}

const XML_CONFUSED: SniffError = SniffError::Corrupt {
    detail: "工作簿内部 XML 无法解析",
};

/// Rewrites the first `<sst ...>` tag (local name exactly "sst", as calamine
/// matches), the only one calamine reads `uniqueCount` from, as a bare `<sst>`;
/// calamine ignores namespaces, so no attribute is needed. On an XML error before that tag calamine fails
/// too, so the part is returned as it was.
fn sanitize_sst(xml: &[u8]) -> Result<Vec<u8>, SniffError> {
    let (bom, body) = split_bom(xml);
    let mut r = xml_reader(body);
    loop {
        let before = r.buffer_position();
        let (empty, qname) = match step(r.read_event()) {
            Step::Tag {
                empty,
                qname,
                local,
            } if local == "sst" => (empty, qname),
            Step::Tag { .. } | Step::Other => continue,
            Step::End => return Ok(xml.to_vec()),
        };
        let (before, after) = raw_tag(body, before, r.buffer_position()).ok_or(XML_CONFUSED)?;
        let mut out = Vec::with_capacity(xml.len());
        out.extend_from_slice(bom);
        out.extend_from_slice(&body[..before]);
        out.push(b'<');
        out.extend_from_slice(&qname);
        out.extend_from_slice(if empty { b"/>" } else { b">" });
        out.extend_from_slice(&body[after..]);
        return Ok(out);
    }
}

/// Longest formula text in a sheet with shared formulas: calamine copies a shared
/// formula's text, translated, into every cell of its group.
const MAX_FORMULA_BYTES: usize = 64 * 1024;

/// Most distinct shared-formula groups (`si`) one sheet may have.
const MAX_SHARED_FORMULAS: usize = 1 << 20;

/// Removes `<dimension .../>` before `<sheetData>` (calamine reads it only there).
/// A non-empty `<dimension ...>` start tag becomes `<dimension ref="A1">`.
///
/// Every `si` attribute is renumbered densely (0, 1, 2… in order of first
/// appearance; equal numbers stay equal): calamine grows a vector to `si + 1`
/// entries for each shared-formula anchor, so one `si="99999999999"` would abort.
/// In such a sheet a formula longer than [`MAX_FORMULA_BYTES`] is refused.
fn sanitize_sheet(xml: &[u8]) -> Result<Vec<u8>, SniffError> {
    let (bom, body) = split_bom(xml);
    // calamine reads `si` only when `t="shared"`; without that text no tag needs it.
    let renumber = find(body, b"shared").is_some();
    let mut r = xml_reader(body);
    let mut out = Vec::with_capacity(xml.len());
    out.extend_from_slice(bom);
    let mut last = 0;
    let mut in_data = false;
    let mut groups = SharedGroups::default();
    // Bytes of the `<f>` element being read, if any.
    let mut formula: Option<usize> = None;
    loop {
        let before = r.buffer_position();
        let grown = match r.read_event() {
            Ok(Event::Start(e)) => Ok((e, false)),
            Ok(Event::Empty(e)) => Ok((e, true)),
            Ok(Event::End(e)) => {
                if e.local_name().as_ref() == "f" {
                    formula = None;
                }
                Err(0)
            }
            Ok(Event::Text(t)) => Err(t.len()),
            Ok(Event::CData(t)) => Err(t.len()),
            Ok(Event::GeneralRef(_)) => Err(1),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let (e, empty) = match grown {
            Ok(tag) => tag,
            Err(n) => {
                if let Some(len) = &mut formula {
                    *len += n;
                    if *len > MAX_FORMULA_BYTES {
                        return Err(SniffError::Bloated {
                            detail: format!(
                                "工作表中有长度超过 {} KiB 的公式（Excel 的上限是 8192 个字符）",
                                MAX_FORMULA_BYTES / 1024
                            ),
                        });
                    }
                }
                continue;
            }
        };
        let after = r.buffer_position();
        let local = e.local_name();
        if !empty && local.as_ref() == "f" {
            formula = Some(0);
        }
        if !in_data && local.as_ref() == "sheetData" {
            in_data = true;
        } else if !in_data && local.as_ref() == "dimension" {
            let (before, after) = raw_tag(body, before, after).ok_or(XML_CONFUSED)?;
            out.extend_from_slice(&body[last..before]);
            if !empty {
                out.push(b'<');
                out.extend_from_slice(e.name().as_ref().as_bytes());
                out.extend_from_slice(b" ref=\"A1\">");
            }
            last = after;
            continue;
        } else if !in_data && !renumber {
            continue;
        }
        if !renumber {
            break;
        }
        let attrs = e.attributes_raw();
        if !attrs.contains("si") {
            continue;
        }
        let (before, after) = raw_tag(body, before, after).ok_or(XML_CONFUSED)?;
        // The attributes are a slice of the tag: find where, and check it.
        let at = (attrs.as_ptr() as usize)
            .checked_sub(body.as_ptr() as usize)
            .filter(|&at| {
                at >= before
                    && at + attrs.len() <= after
                    && body.get(at..at + attrs.len()) == Some(attrs.as_bytes())
            })
            .ok_or(XML_CONFUSED)?;
        for item in raw_attrs(attrs) {
            let Ok((key, value)) = item else { break };
            if key != "si" {
                continue;
            }
            let index = groups.index_of(&attrs[value.clone()])?;
            out.extend_from_slice(&body[last..at + value.start]);
            out.extend_from_slice(index.to_string().as_bytes());
            last = at + value.end;
        }
    }
    out.extend_from_slice(&body[last..]);
    Ok(out)
}

/// Dense numbers for a sheet's shared-formula indices.
#[derive(Default)]
struct SharedGroups(std::collections::HashMap<String, usize>);

impl SharedGroups {
    fn index_of(&mut self, raw: &str) -> Result<usize, SniffError> {
        // "007" and "7" are the same group to calamine; anything not a plain
        // number is kept apart (calamine would refuse it; now it gets a number).
        let key = if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            let t = raw.trim_start_matches('0');
            if t.is_empty() { "0" } else { t }.to_string()
        } else {
            format!("\0{raw}")
        };
        let next = self.0.len();
        if next >= MAX_SHARED_FORMULAS && !self.0.contains_key(&key) {
            return Err(SniffError::Corrupt {
                detail: "工作表中的共享公式多得异常",
            });
        }
        Ok(*self.0.entry(key).or_insert(next))
    }
}

/// XML attributes as calamine 0.38 splits them (`attrs.rs`, `RawAttrIter`): the
/// key, and where its raw value lies in `raw`; `Err` ends the list as it ends
/// calamine's reading of the tag.
pub(crate) fn raw_attrs(
    raw: &str,
) -> impl Iterator<Item = Result<(&str, std::ops::Range<usize>), ()>> {
    let bytes = raw.as_bytes();
    let mut pos = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let key_start = pos;
        while pos < bytes.len() && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= bytes.len() {
            done = true;
            return Some(Err(()));
        }
        let key = raw[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = match bytes.get(pos) {
            Some(&q) if q == b'"' || q == b'\'' => q,
            _ => {
                done = true;
                return Some(Err(()));
            }
        };
        pos += 1;
        let start = pos;
        while pos < bytes.len() && bytes[pos] != quote {
            pos += 1;
        }
        let value = start..pos;
        if pos < bytes.len() {
            pos += 1;
        }
        Some(Ok((key, value)))
    })
}

// ---------------------------------------------------------------------------
// OLE / CFB ([MS-CFB]): just enough to find streams and read a stream's start.

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const MAXREGSECT: u32 = 0xFFFF_FFFA;
const MINI_CUTOFF: u64 = 4096;
const MINI_SECTOR: usize = 64;
/// Workbooks have a handful of directory entries; this allows 65,536 of 128 bytes.
const MAX_DIR_SECTORS: usize = 16_384;
/// How much of the Workbook stream is read to look for FILEPASS.
const BIFF_SCAN_BYTES: u64 = 256 * 1024;

const CORRUPT_OLE: SniffError = SniffError::Corrupt {
    detail: "OLE 复合文档结构错误",
};

fn rd_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn rd_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn rd_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

struct Cfb<'a> {
    data: &'a [u8],
    /// Sector size: 512 or 4096.
    ss: usize,
    /// Sectors after the header (a short last one counts).
    nsec: u32,
    /// Sector ids holding the FAT, in order.
    fat: Vec<u32>,
    v3: bool,
}

impl<'a> Cfb<'a> {
    fn parse(data: &'a [u8]) -> Option<Cfb<'a>> {
        if data.len() < 512 || !data.starts_with(&OLE_MAGIC) {
            return None;
        }
        let ss = match rd_u16(data, 0x1E)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        if data.len() < ss {
            return None;
        }
        let nsec = u32::try_from((data.len() - ss).div_ceil(ss)).ok()?;
        let per = ss / 4;
        // More FAT sectors than needed to map the whole file are ignored.
        let max_fat = nsec as usize / per + 1;
        let mut cfb = Cfb {
            data,
            ss,
            nsec,
            fat: Vec::new(),
            v3: rd_u16(data, 0x1A)? == 3,
        };
        for k in 0..109 {
            let id = rd_u32(data, 0x4C + 4 * k)?;
            if id < MAXREGSECT && cfb.fat.len() < max_fat {
                cfb.fat.push(id);
            }
        }
        let mut next = rd_u32(data, 0x44)?;
        let mut steps = 0u32;
        while next < MAXREGSECT && cfb.fat.len() < max_fat && steps <= nsec {
            steps += 1;
            let sec = cfb.sector(next)?;
            for k in 0..per - 1 {
                let id = rd_u32(sec, 4 * k)?;
                if id < MAXREGSECT && cfb.fat.len() < max_fat {
                    cfb.fat.push(id);
                }
            }
            next = rd_u32(sec, 4 * (per - 1))?;
        }
        Some(cfb)
    }

    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        if id >= self.nsec {
            return None;
        }
        let start = (id as usize + 1).checked_mul(self.ss)?;
        let end = start.checked_add(self.ss)?.min(self.data.len());
        self.data.get(start..end)
    }

    fn next(&self, id: u32) -> Option<u32> {
        let per = self.ss / 4;
        let fat_sector = self.sector(*self.fat.get(id as usize / per)?)?;
        rd_u32(fat_sector, (id as usize % per) * 4)
    }

    /// Sector ids of a chain, at most `max` of them (and never more than the file has).
    fn chain(&self, start: u32, max: usize) -> Option<Vec<u32>> {
        let max = max.min(self.nsec as usize);
        let mut ids = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN && ids.len() < max {
            if id >= self.nsec {
                return None;
            }
            ids.push(id);
            id = self.next(id)?;
        }
        Some(ids)
    }

    /// Directory entries (128 bytes each), from at most `MAX_DIR_SECTORS` sectors.
    fn entries(&self) -> Option<Vec<&'a [u8]>> {
        let dir = self.chain(rd_u32(self.data, 0x30)?, MAX_DIR_SECTORS)?;
        let mut out = Vec::new();
        for id in dir {
            out.extend(self.sector(id)?.chunks_exact(128));
        }
        Some(out)
    }

    fn entry_size(&self, e: &[u8]) -> u64 {
        let size = rd_u64(e, 120).unwrap_or(0);
        if self.v3 {
            size & 0xFFFF_FFFF
        } else {
            size
        }
    }

    /// The first `cap` bytes of a stream (fewer if its chain ends early).
    fn read_stream(&self, entries: &[&[u8]], e: &[u8], cap: u64) -> Option<Vec<u8>> {
        let size = self.entry_size(e);
        let want = size.min(cap) as usize;
        let start = rd_u32(e, 116)?;
        let mut out = Vec::with_capacity(want);
        if size >= MINI_CUTOFF {
            for id in self.chain(start, want.div_ceil(self.ss))? {
                let sec = self.sector(id)?;
                out.extend_from_slice(&sec[..sec.len().min(want - out.len())]);
            }
            return Some(out);
        }
        // Small streams live in the mini stream, which the root entry's chain holds.
        let root = entries.first()?;
        let root_len = self.entry_size(root).min(self.data.len() as u64) as usize;
        let mini = self.chain(rd_u32(root, 116)?, root_len.div_ceil(self.ss))?;
        let minifat = self.chain(rd_u32(self.data, 0x3C)?, usize::MAX)?;
        let per = self.ss / 4;
        let mut m = start;
        let mut steps = 0;
        while m != ENDOFCHAIN && out.len() < want && steps <= want / MINI_SECTOR {
            steps += 1;
            let off = (m as usize).checked_mul(MINI_SECTOR)?;
            let sec = self.sector(*mini.get(off / self.ss)?)?;
            let chunk = sec.get(off % self.ss..(off % self.ss + MINI_SECTOR).min(sec.len()))?;
            out.extend_from_slice(&chunk[..chunk.len().min(want - out.len())]);
            let fat_sector = self.sector(*minifat.get(m as usize / per)?)?;
            m = rd_u32(fat_sector, (m as usize % per) * 4)?;
        }
        Some(out)
    }
}

/// Directory entry `e` is a stream named `name` (ASCII, case-insensitive).
fn is_stream(e: &[u8], name: &str) -> bool {
    let len = rd_u16(e, 64).unwrap_or(0) as usize;
    e.get(66) == Some(&2)
        && (2..=64).contains(&len)
        && len / 2 - 1 == name.len()
        && name.bytes().enumerate().all(|(i, b)| {
            rd_u16(e, 2 * i).is_some_and(|u| u < 128 && (u as u8).eq_ignore_ascii_case(&b))
        })
}

fn sniff_ole(bytes: Vec<u8>) -> Result<Container, SniffError> {
    let cfb = Cfb::parse(&bytes).ok_or(CORRUPT_OLE)?;
    let entries = cfb.entries().ok_or(CORRUPT_OLE)?;
    check_ole(&cfb, &entries)?;
    let wb = entries
        .iter()
        .copied()
        .find(|e| is_stream(e, "Workbook"))
        .or_else(|| entries.iter().copied().find(|e| is_stream(e, "Book")))
        .ok_or(CORRUPT_OLE)?;
    let mut stream = cfb
        .read_stream(&entries, wb, xls::MAX_STREAM as u64 + 1)
        .ok_or(SniffError::Corrupt {
            detail: "Excel 数据流不完整",
        })?;
    if stream.len() > xls::MAX_STREAM {
        return Err(SniffError::TooLarge {
            size: cfb.entry_size(wb),
            limit: xls::MAX_STREAM as u64,
        });
    }
    let remap = xls::sanitize(&mut stream)?;
    Ok(Container::Xls(xls::write_cfb(&stream), remap))
}

/// Refuses encrypted and non-Excel compound files.
fn check_ole(cfb: &Cfb<'_>, entries: &[&[u8]]) -> Result<(), SniffError> {
    {
        let find = |name: &str| entries.iter().copied().find(|e| is_stream(e, name));
        if find("EncryptedPackage").is_some() || find("EncryptionInfo").is_some() {
            return Err(SniffError::Encrypted { xls: false });
        }
        if let Some(wb) = find("Workbook").or_else(|| find("Book")) {
            let head =
                cfb.read_stream(entries, wb, BIFF_SCAN_BYTES)
                    .ok_or(SniffError::Corrupt {
                        detail: "Excel 数据流不完整",
                    })?;
            match biff_filepass(&head) {
                Some(true) => return Err(SniffError::Encrypted { xls: true }),
                Some(false) => {}
                None => {
                    return Err(SniffError::Corrupt {
                        detail: "Excel 数据流开头不正确",
                    })
                }
            }
        } else if find("WordDocument").is_some() {
            return Err(SniffError::NotWorkbook {
                what: "Word 文档（.doc）",
            });
        } else if find("PowerPoint Document").is_some() {
            return Err(SniffError::NotWorkbook {
                what: "PowerPoint 演示文稿（.ppt）",
            });
        } else {
            return Err(SniffError::NotWorkbook {
                what: "Office 复合文档（其中没有 Excel 工作表）",
            });
        }
    }
    Ok(())
}

/// Whether the workbook globals (up to their EOF record) contain FILEPASS;
/// `None` when the stream does not start with a BOF record.
fn biff_filepass(s: &[u8]) -> Option<bool> {
    const BOF: [u16; 4] = [0x0809, 0x0409, 0x0209, 0x0009];
    if !BOF.contains(&rd_u16(s, 0)?) {
        return None;
    }
    let mut i = 4 + rd_u16(s, 2)? as usize;
    while let (Some(typ), Some(len)) = (rd_u16(s, i), rd_u16(s, i + 2)) {
        match typ {
            0x002F => return Some(true),
            0x000A => return Some(false),
            t if BOF.contains(&t) => return Some(false),
            _ => i += 4 + len as usize,
        }
    }
    Some(false)
}

impl fmt::Debug for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, b) = match self {
            Container::Xlsx(b, _) => ("Xlsx", b),
            Container::Xls(b, _) => ("Xls", b),
            Container::Ods(b) => ("Ods", b),
        };
        write!(f, "{kind}({} bytes)", b.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook_from_rs, Data, Ods, Reader, Xls, Xlsx};
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    fn read_fixture(name: &str) -> Vec<u8> {
        std::fs::read(fixture(name)).unwrap()
    }

    fn small_limits() -> Limits {
        Limits {
            file: MIB,
            entry: 64 * 1024,
            total: 256 * 1024,
            ratio: 100,
            ratio_floor: 16 * 1024,
            entries: 100,
        }
    }

    /// The error for `bytes`, checked to be one non-empty line.
    fn err_with(bytes: Vec<u8>, lim: &Limits) -> SniffError {
        let e = sniff_with(bytes, lim).expect_err("should be refused");
        let msg = e.to_string();
        assert!(
            !msg.is_empty() && !msg.contains('\n') && !msg.contains('\r'),
            "not one line: {msg:?}"
        );
        e
    }

    fn err(bytes: impl Into<Vec<u8>>) -> SniffError {
        err_with(bytes.into(), &Limits::default())
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn part(zip_bytes: &[u8], name: &str) -> String {
        let mut z = ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    fn xlsx_bytes(c: Container) -> Vec<u8> {
        match c {
            Container::Xlsx(b, _) => b,
            other => panic!("expected xlsx, got {other:?}"),
        }
    }

    const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

    /// A minimal XLSX with one sheet "绩效自评表" and the given sheet and shared-strings XML.
    fn mini_xlsx(sheet: &str, sst: &str) -> Vec<u8> {
        let ct = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
        let rels = format!(
            r#"<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        );
        let wb = format!(
            r#"<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="绩效自评表" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        let wb_rels = format!(
            r#"<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
        );
        zip_of(&[
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", rels.as_bytes()),
            ("xl/workbook.xml", wb.as_bytes()),
            ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
            ("xl/sharedStrings.xml", sst.as_bytes()),
        ])
    }

    // --- not containers -----------------------------------------------------

    #[test]
    fn empty_file_is_refused() {
        let e = err(Vec::new());
        assert!(matches!(e, SniffError::Empty));
        assert!(e.to_string().contains("0 字节"));
    }

    #[test]
    fn other_formats_are_named() {
        let gbk_text: &[u8] =
            b"\xbc\xa8\xd0\xa7\xd7\xd4\xc6\xc0\r\n\xcf\xee\xc4\xbf\xd6\xa7\xb3\xf6\r\n";
        let utf16_tsv: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain(
                "项目\t金额\r\n支出\t1\r\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"hello, this is just a note\n".to_vec(), "纯文本文件"),
            (gbk_text.to_vec(), "纯文本文件"),
            ("项目,金额\n支出,100\n收入,200\n".into(), "CSV"),
            (utf16_tsv, "CSV"),
            (b"<!DOCTYPE html><html><body><p>hi</p></body></html>".to_vec(), "HTML 网页文件"),
            (br#"<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>1</td></tr></table>"#.to_vec(), "网页（HTML）格式的表格"),
            (br#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>"#.to_vec(), "Excel 2003 XML"),
            (b"<?xml version=\"1.0\"?><note/>".to_vec(), "XML 文件"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(), "PDF"),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "PNG 图片"),
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF".to_vec(), "JPEG 图片"),
            (b"Rar!\x1a\x07\x01\0".to_vec(), "RAR"),
            (b"{\\rtf1\\ansi hello}".to_vec(), "RTF"),
        ];
        for (bytes, want) in cases {
            let msg = err(bytes.clone()).to_string();
            assert!(
                msg.contains(want),
                "{:?}: got {msg}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(20)])
            );
        }
        let e = err(b"\x00\x01\x02\x03\xFE\xED\xFA\xCE garbage".to_vec());
        assert!(
            matches!(&e, SniffError::Unknown { head } if head == "00 01 02 03 FE ED FA CE"),
            "{e:?}"
        );
        assert!(matches!(
            err(b"\xFF\xD8\xFF\xE0".to_vec()),
            SniffError::NotWorkbook { .. }
        ));
        assert!(matches!(
            err(b"<table><tr><td>1".to_vec()),
            SniffError::ConvertFirst { .. }
        ));
    }

    #[test]
    fn path_errors_are_reported() {
        let e = sniff_path(&fixture("no-such-file.xlsx")).unwrap_err();
        assert!(
            matches!(e, SniffError::Io(_)) && e.to_string().contains("找不到"),
            "{e}"
        );
        let e = sniff_path(&fixture("")).unwrap_err();
        assert!(e.to_string().contains("文件夹"), "{e}");
        let lim = Limits {
            file: 1000,
            ..Limits::default()
        };
        let e = sniff_path_with(&fixture("seed-leiyang-2024.xlsx"), &lim).unwrap_err();
        assert!(matches!(e, SniffError::TooLarge { limit: 1000, .. }), "{e}");
        assert!(matches!(
            err_with(vec![b'a'; 1001], &lim),
            SniffError::TooLarge { .. }
        ));
        assert_eq!(MAX_FILE_BYTES, 100 * 1024 * 1024);
        assert_eq!(
            (mib(MAX_FILE_BYTES).as_str(), mib(1000).as_str()),
            ("100", "0.0")
        );
    }

    // --- ZIP ------------------------------------------------------------------

    #[test]
    fn truncated_zip_is_corrupt() {
        let full = read_fixture("seed-leiyang-2024.xlsx");
        for len in [30, full.len() / 2, full.len() - 10] {
            let e = err(full[..len].to_vec());
            assert!(matches!(e, SniffError::Corrupt { .. }), "len {len}: {e:?}");
            assert!(e.to_string().contains("损坏或不完整"));
        }
    }

    #[test]
    fn damaged_deflate_data_is_corrupt() {
        let text = "<worksheet>".repeat(2000);
        let mut z = zip_of(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", text.as_bytes()),
        ]);
        // Flip bytes inside the second entry's compressed data.
        let second = find(&z[4..], b"PK\x03\x04").unwrap() + 4;
        for b in &mut z[second + 60..second + 70] {
            *b ^= 0x5A;
        }
        let e = err(z);
        assert!(matches!(e, SniffError::Corrupt { .. }), "{e:?}");
    }

    #[test]
    fn other_zip_documents_are_named() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]), "Word 文档"),
            (zip_of(&[("ppt/presentation.xml", b"<p/>")]), "PowerPoint"),
            (zip_of(&[("[Content_Types].xml", br#"<Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#), ("doc/main.xml", b"<x/>")]), "Word 文档"),
            (zip_of(&[("xl/workbook.bin", b"\0\0")]), ".xlsb"),
            (zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")]), ".odt"),
            (zip_of(&[("报表/自评表.xlsx", b"PK")]), "ZIP 压缩包"),
            (zip_of(&[]), "空的 ZIP"),
        ];
        for (bytes, want) in cases {
            let msg = err(bytes).to_string();
            assert!(msg.contains(want), "want {want}: got {msg}");
        }
    }

    #[test]
    fn ods_is_recognised_by_mimetype() {
        let z = zip_of(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", b"<x/>"),
        ]);
        assert!(matches!(sniff_bytes(z), Ok(Container::Ods(_))));

        let real = read_fixture("sniff/seed-leiyang-2024.ods");
        let Ok(Container::Ods(b)) = sniff_bytes(real.clone()) else {
            panic!("real ods not Ods")
        };
        assert_eq!(b, real, "ODS passes through unchanged");
        let wb: Ods<_> = open_workbook_from_rs(Cursor::new(b)).unwrap();
        assert!(
            wb.sheet_names().iter().any(|n| n == "绩效自评表"),
            "{:?}",
            wb.sheet_names()
        );
    }

    #[test]
    fn xlsx_found_through_content_types() {
        let ct = br#"<Types><Override PartName="/book/main.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
        let z = zip_of(&[
            ("[Content_Types].xml", ct),
            ("book/main.xml", b"<workbook/>"),
        ]);
        assert!(matches!(sniff_bytes(z), Ok(Container::Xlsx(..))));
    }

    #[test]
    fn zip_bomb_refused_by_declared_size() {
        let zeros = vec![0u8; 1024 * 1024];
        let z = zip_of(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", &zeros),
        ]);
        let e = err_with(z, &small_limits());
        assert!(matches!(e, SniffError::ZipBomb { .. }), "{e:?}");
        assert!(e.to_string().contains("超过 0.1 MiB，疑似压缩炸弹"), "{e}");
        assert!(e.to_string().contains("sheet1.xml"), "{e}");
    }

    #[test]
    fn zip_bomb_refused_by_total_size() {
        let part = vec![b'x'; 60 * 1024];
        let names: Vec<String> = (0..6).map(|i| format!("xl/media/image{i}.png")).collect();
        let mut entries: Vec<(&str, &[u8])> = vec![("xl/workbook.xml", b"<workbook/>")];
        entries.extend(names.iter().map(|n| (n.as_str(), part.as_slice())));
        let lim = Limits {
            ratio: u64::MAX,
            ..small_limits()
        };
        let e = err_with(zip_of(&entries), &lim);
        assert!(
            matches!(&e, SniffError::ZipBomb { detail } if detail.contains("全部部件")),
            "{e:?}"
        );
        // The same file is fine under the default limits.
        assert!(sniff_bytes(zip_of(&entries)).is_ok());
    }

    #[test]
    fn zip_bomb_refused_by_ratio() {
        let zeros = vec![0u8; 48 * 1024];
        let z = zip_of(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/styles.xml", &zeros),
        ]);
        let e = err_with(z.clone(), &small_limits());
        assert!(
            matches!(&e, SniffError::ZipBomb { detail } if detail.contains("压缩比")),
            "{e:?}"
        );
        let lim = Limits {
            ratio: u64::MAX,
            ..small_limits()
        };
        assert!(sniff_with(z, &lim).is_ok());
    }

    /// Headers that understate the inflated size must not get the data past the cap.
    #[test]
    fn zip_bomb_with_lying_header_is_refused() {
        let zeros = vec![0u8; 1024 * 1024];
        let mut z = zip_of(&[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", &zeros),
        ]);
        // Patch the declared uncompressed size to 100 in the local and central headers.
        let mut patched = 0;
        for sig in [&b"PK\x03\x04"[..], b"PK\x01\x02"] {
            let (field, name_at) = if sig == b"PK\x03\x04" {
                (22, 30)
            } else {
                (24, 46)
            };
            let mut at = 0;
            while let Some(p) = find(&z[at..], sig) {
                let h = at + p;
                if z[h + name_at..].starts_with(b"xl/worksheets/sheet1.xml") {
                    z[h + field..h + field + 4].copy_from_slice(&100u32.to_le_bytes());
                    patched += 1;
                }
                at = h + 4;
            }
        }
        assert_eq!(patched, 2);
        let lim = Limits {
            ratio: u64::MAX,
            ..small_limits()
        };
        let e = err_with(z, &lim);
        assert!(
            matches!(e, SniffError::ZipBomb { .. } | SniffError::Corrupt { .. }),
            "{e:?}"
        );
    }

    #[test]
    fn read_capped_stops_at_the_cap() {
        let mut sink = Vec::new();
        let e = read_capped(io::repeat(0), 1000, &mut sink).unwrap_err();
        assert!(matches!(e, SniffError::ZipBomb { .. }));
        assert!(
            sink.len() <= 1001,
            "read {} bytes past a 1000-byte cap",
            sink.len()
        );
        assert_eq!(
            read_capped(&[7u8; 1000][..], 1000, io::sink()).unwrap(),
            1000
        );
    }

    #[test]
    fn too_many_entries_refused() {
        let names: Vec<String> = (0..101).map(|i| format!("xl/f{i}.xml")).collect();
        let mut entries: Vec<(&str, &[u8])> = vec![("xl/workbook.xml", b"<workbook/>")];
        entries.extend(names.iter().map(|n| (n.as_str(), &b"<x/>"[..])));
        assert!(matches!(
            err_with(zip_of(&entries), &small_limits()),
            SniffError::ZipBomb { .. }
        ));
    }

    #[test]
    fn encrypted_zip_entry_is_password_protected() {
        let mut z = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
        // Set the "encrypted" flag bit in the local and central headers.
        let local = find(&z, b"PK\x03\x04").unwrap();
        z[local + 6] |= 1;
        let central = find(&z, b"PK\x01\x02").unwrap();
        z[central + 8] |= 1;
        assert!(matches!(err(z), SniffError::Encrypted { xls: false }));
    }

    // --- XLSX sanitising --------------------------------------------------------

    #[test]
    fn lying_shared_string_counts_are_removed() {
        let sst = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{NS}" count="4294967295" uniqueCount="4294967295"><si><t>项目支出</t></si><si><t>自评得分</t></si></sst>"#
        );
        let sheet = format!(
            r#"<worksheet xmlns="{NS}"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>"#
        );
        let out = xlsx_bytes(sniff_bytes(mini_xlsx(&sheet, &sst)).unwrap());
        let clean_sst = part(&out, "xl/sharedStrings.xml");
        // Checked before calamine sees it: a regression would abort the test process.
        assert!(!clean_sst.contains("ount="), "{clean_sst}");
        assert!(clean_sst.contains("<sst><si>"), "{clean_sst}");
        assert!(clean_sst.contains("<si><t>项目支出</t></si>"));
        assert!(!part(&out, "xl/worksheets/sheet1.xml").contains("dimension"));

        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(out)).unwrap();
        let range = wb.worksheet_range("绩效自评表").unwrap();
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("项目支出".into()))
        );
        assert_eq!(
            range.get_value((0, 1)),
            Some(&Data::String("自评得分".into()))
        );
    }

    #[test]
    fn sst_variants_are_sanitised() {
        let cases = [
            ("\u{FEFF}<sst count=\"9\" uniqueCount=\"9\"><si/></sst>", "\u{FEFF}<sst><si/></sst>"),
            ("<?xml version='1.0'?><!-- <sst uniqueCount=\"1\"> --><x:sst xmlns:x='u' uniqueCount = '99999999999'\n count='1'/>", "<?xml version='1.0'?><!-- <sst uniqueCount=\"1\"> --><x:sst/>"),
            ("<sst a=\">\" uniqueCount=\"5\"><si/></sst><sst uniqueCount=\"7\">", "<sst><si/></sst><sst uniqueCount=\"7\">"),
            ("<sst uniqueCount><si/></sst>", "<sst><si/></sst>"),
            ("<SST uniqueCount=\"1\"/><a:b:sst uniqueCount=\"2\"/><x:sst uniqueCount=\"9\">", "<SST uniqueCount=\"1\"/><a:b:sst uniqueCount=\"2\"/><x:sst>"),
            ("<not-xml", "<not-xml"),
        ];
        for (input, want) in cases {
            assert_eq!(
                String::from_utf8(sanitize_sst(input.as_bytes()).unwrap()).unwrap(),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn dimension_is_removed_before_sheet_data_only() {
        let cases = [
            ("<worksheet><sheetPr/><dimension ref=\"A1:XFD1048576\" /><sheetData/></worksheet>", "<worksheet><sheetPr/><sheetData/></worksheet>"),
            ("<x:worksheet><x:dimension ref=\"A1:B2\"/><x:sheetData><x:dimension ref=\"Z9\"/></x:sheetData></x:worksheet>", "<x:worksheet><x:sheetData><x:dimension ref=\"Z9\"/></x:sheetData></x:worksheet>"),
            ("<worksheet><dimension ref=\"A1:XFD9\"></dimension><sheetData/></worksheet>", "<worksheet><dimension ref=\"A1\"></dimension><sheetData/></worksheet>"),
            ("<worksheet><sheetData/></worksheet>", "<worksheet><sheetData/></worksheet>"),
            ("\u{FEFF}<?xml version=\"1.0\"?>\n<worksheet>\n  <dimension ref=\"A1:C3\"/>\n</worksheet>", "\u{FEFF}<?xml version=\"1.0\"?>\n<worksheet>\n  \n</worksheet>"),
        ];
        for (input, want) in cases {
            assert_eq!(
                String::from_utf8(sanitize_sheet(input.as_bytes()).unwrap()).unwrap(),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn shared_formula_indices_are_renumbered() {
        let cases = [
            // Dense from first appearance; "007" and "7" are one group; other tags untouched.
            (
                "<worksheet><sheetData><c r=\"B1\"><f t=\"shared\" si=\"99999999999\" ref=\"B1:B3\">A1</f></c><c><f t='shared' si = '007'/></c><c><f si=\"7\" t=\"shared\"/></c><c><f t=\"shared\" si=\"99999999999\"/></c></sheetData></worksheet>",
                "<worksheet><sheetData><c r=\"B1\"><f t=\"shared\" si=\"0\" ref=\"B1:B3\">A1</f></c><c><f t='shared' si = '1'/></c><c><f si=\"1\" t=\"shared\"/></c><c><f t=\"shared\" si=\"0\"/></c></sheetData></worksheet>",
            ),
            // Not numbers, and attributes that are only similar.
            (
                "<x:worksheet><x:sheetData><x:f t=\"shared\" si=\"-1\" xsi=\"9\" si=\"\"/></x:sheetData></x:worksheet>",
                "<x:worksheet><x:sheetData><x:f t=\"shared\" si=\"0\" xsi=\"9\" si=\"1\"/></x:sheetData></x:worksheet>",
            ),
            // Without "shared" anywhere, nothing after <sheetData> is touched.
            (
                "<worksheet><dimension ref=\"A1:C3\"/><sheetData><f si=\"99999999999\"/></sheetData></worksheet>",
                "<worksheet><sheetData><f si=\"99999999999\"/></sheetData></worksheet>",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                String::from_utf8(sanitize_sheet(input.as_bytes()).unwrap()).unwrap(),
                want,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn overlong_shared_formula_is_refused() {
        let long = "A1+".repeat(30_000);
        let sheet = format!(
            r#"<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="B1"><f t="shared" ref="B1:B9" si="0">{long}1</f></c></row></sheetData></worksheet>"#
        );
        let e = err(mini_xlsx(&sheet, "<sst/>"));
        assert!(e.to_string().contains("8192"), "{e}");
        // Long text elsewhere, and a formula of ordinary length, pass.
        let sheet = format!(
            r#"<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{long}</t></is></c><c r="B1"><f t="shared" ref="B1:B9" si="0">&amp;A1+1</f></c></row></sheetData></worksheet>"#
        );
        assert!(sniff_bytes(mini_xlsx(&sheet, "<sst/>")).is_ok());
    }

    /// The abort the renumbering closes: calamine reading `si="1000000000000"` directly
    /// would try to allocate 40 TB. After sniffing, formulas still expand as before.
    #[test]
    fn huge_shared_formula_index_is_read_normally() {
        let sheet = format!(
            r#"<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B2" si="1000000000000">A1*2</f><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c><c r="B2"><f t="shared" si="1000000000000"/><v>6</v></c></row></sheetData></worksheet>"#
        );
        let sst = format!(r#"<sst xmlns="{NS}"/>"#);
        let out = xlsx_bytes(sniff_bytes(mini_xlsx(&sheet, &sst)).unwrap());
        assert!(part(&out, "xl/worksheets/sheet1.xml").contains(r#"si="0""#));
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(out)).unwrap();
        let mut reader = wb.worksheet_cells_reader("绩效自评表").unwrap();
        let mut formulas = Vec::new();
        while let Some(c) = reader.next_cell_with_formula().unwrap() {
            formulas.push((c.pos, c.formula));
        }
        assert_eq!(
            formulas,
            vec![
                ((0, 0), None),
                ((0, 1), Some("A1*2".to_string())),
                ((1, 0), None),
                ((1, 1), Some("A2*2".to_string())),
            ]
        );
    }

    #[test]
    fn elements_are_counted_by_local_name() {
        let xml = b"<sst><si><t>a</t></si><x:si/><si\n/><sis/><!-- <si> --></sst>";
        assert_eq!(count_elements(xml, b"si"), 4);
        assert_eq!(count_tags(xml), 7);
    }

    #[test]
    fn parts_calamine_blows_up_are_bounded() {
        let styles = format!(
            r#"<styleSheet xmlns="{NS}"><cellXfs>{}</cellXfs></styleSheet>"#,
            "<xf/>".repeat(300_000)
        );
        let z = mini_xlsx(
            &format!(r#"<worksheet xmlns="{NS}"><sheetData/></worksheet>"#),
            "<sst/>",
        );
        let mut parts = vec![("xl/styles.xml", styles.as_bytes())];
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let mut src = ZipArchive::new(Cursor::new(z.as_slice())).unwrap();
        for i in 0..src.len() {
            w.raw_copy_file(src.by_index_raw(i).unwrap()).unwrap();
        }
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (n, d) in parts.drain(..) {
            w.start_file(n, opts).unwrap();
            w.write_all(d).unwrap();
        }
        let e = err(w.finish().unwrap().into_inner());
        assert!(matches!(e, SniffError::Bloated { .. }), "{e:?}");
        assert!(e.to_string().contains("styles.xml"), "{e}");

        let sst = format!(r#"<sst xmlns="{NS}">{}</sst>"#, "<si/>".repeat(2_000_001));
        let e = err(mini_xlsx(
            &format!(r#"<worksheet xmlns="{NS}"><sheetData/></worksheet>"#),
            &sst,
        ));
        assert!(e.to_string().contains("共享字符串超过"), "{e}");
    }

    #[test]
    fn seed_workbook_passes_and_calamine_reads_it() {
        let original = read_fixture("seed-leiyang-2024.xlsx");
        let out = xlsx_bytes(sniff_path(&fixture("seed-leiyang-2024.xlsx")).unwrap());
        assert!(!part(&out, "xl/worksheets/sheet1.xml").contains("<dimension"));

        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(out)).unwrap();
        let names = wb.sheet_names();
        assert!(
            names.iter().any(|n| n == "基础数据表") && names.iter().any(|n| n == "绩效自评表"),
            "{names:?}"
        );
        let mut orig: Xlsx<_> = open_workbook_from_rs(Cursor::new(original)).unwrap();
        for name in names {
            let (a, b) = (
                wb.worksheet_range(&name).unwrap(),
                orig.worksheet_range(&name).unwrap(),
            );
            assert!(a.used_cells().count() > 10, "{name} looks empty");
            assert_eq!(a, b, "sheet {name} differs after sanitising");
        }
    }

    #[test]
    fn every_xlsx_fixture_passes() {
        let mut seen = 0;
        for entry in std::fs::read_dir(fixture("")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "xlsx") {
                let out = xlsx_bytes(sniff_path(&path).unwrap());
                let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(out)).unwrap();
                assert!(!wb.worksheets().is_empty(), "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen >= 4, "only {seen} fixtures");
    }

    // --- OLE --------------------------------------------------------------------

    const FREESECT: u32 = 0xFFFF_FFFF;
    const FATSECT: u32 = 0xFFFF_FFFD;

    /// A version-3 compound file (512-byte sectors, one FAT sector) holding `streams`
    /// in the root storage; streams under 4096 bytes go to the mini stream.
    fn cfb_of(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let pad = |v: &mut Vec<u8>, n: usize| v.resize(v.len().div_ceil(n) * n, 0);
        let mut ministream = Vec::new();
        let mut minifat: Vec<u32> = Vec::new();
        let mut placed = Vec::new(); // (start, size, in_mini)
        for (_, data) in streams {
            if (data.len() as u64) < MINI_CUTOFF {
                let start = (ministream.len() / 64) as u32;
                ministream.extend_from_slice(data);
                pad(&mut ministream, 64);
                let n = data.len().div_ceil(64).max(1);
                if data.is_empty() {
                    ministream.resize(ministream.len() + 64, 0);
                }
                for k in 0..n {
                    minifat.push(if k + 1 == n {
                        ENDOFCHAIN
                    } else {
                        start + k as u32 + 1
                    });
                }
                placed.push((start, data.len(), true));
            } else {
                placed.push((0, data.len(), false));
            }
        }
        let mut fat = vec![FATSECT];
        let mut body: Vec<u8> = Vec::new(); // sectors 1.. after the FAT sector
        let alloc = |fat: &mut Vec<u32>, body: &mut Vec<u8>, data: &[u8]| -> u32 {
            let n = data.len().div_ceil(512).max(1);
            let start = fat.len() as u32;
            for k in 0..n {
                fat.push(if k + 1 == n {
                    ENDOFCHAIN
                } else {
                    start + k as u32 + 1
                });
            }
            body.extend_from_slice(data);
            body.resize((fat.len() - 1) * 512, 0);
            start
        };
        let mut dir = vec![0u8; 128 * (streams.len() + 1)];
        pad(&mut dir, 512);
        let dir_start = alloc(&mut fat, &mut body, &dir);
        let minifat_bytes: Vec<u8> = minifat.iter().flat_map(|v| v.to_le_bytes()).collect();
        let minifat_start = if minifat.is_empty() {
            ENDOFCHAIN
        } else {
            alloc(&mut fat, &mut body, &minifat_bytes)
        };
        let mini_start = if ministream.is_empty() {
            ENDOFCHAIN
        } else {
            alloc(&mut fat, &mut body, &ministream)
        };
        for (i, (_, data)) in streams.iter().enumerate() {
            if !placed[i].2 {
                placed[i].0 = alloc(&mut fat, &mut body, data);
            }
        }
        assert!(fat.len() <= 128, "test CFB too big for one FAT sector");
        fat.resize(128, FREESECT);

        let entry = |name: &str, typ: u8, child: u32, right: u32, start: u32, size: u64| {
            let mut e = vec![0u8; 128];
            let units: Vec<u16> = name.encode_utf16().collect();
            for (k, u) in units.iter().enumerate() {
                e[2 * k..2 * k + 2].copy_from_slice(&u.to_le_bytes());
            }
            e[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
            e[66] = typ;
            e[67] = 1;
            e[68..72].copy_from_slice(&FREESECT.to_le_bytes());
            e[72..76].copy_from_slice(&right.to_le_bytes());
            e[76..80].copy_from_slice(&child.to_le_bytes());
            e[116..120].copy_from_slice(&start.to_le_bytes());
            e[120..128].copy_from_slice(&size.to_le_bytes());
            e
        };
        let child = if streams.is_empty() { FREESECT } else { 1 };
        dir[..128].copy_from_slice(&entry(
            "Root Entry",
            5,
            child,
            FREESECT,
            mini_start,
            ministream.len() as u64,
        ));
        for (i, (name, _)) in streams.iter().enumerate() {
            let right = if i + 1 < streams.len() {
                i as u32 + 2
            } else {
                FREESECT
            };
            let (start, size, _) = placed[i];
            dir[128 * (i + 1)..128 * (i + 2)].copy_from_slice(&entry(
                name,
                2,
                FREESECT,
                right,
                start,
                size as u64,
            ));
        }
        let d = dir_start as usize - 1;
        body[d * 512..d * 512 + dir.len()].copy_from_slice(&dir);

        let mut h = vec![0u8; 512];
        h[..8].copy_from_slice(&OLE_MAGIC);
        h[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
        h[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
        h[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
        h[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
        h[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
        h[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes());
        h[0x30..0x34].copy_from_slice(&dir_start.to_le_bytes());
        h[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
        h[0x3C..0x40].copy_from_slice(&minifat_start.to_le_bytes());
        h[0x40..0x44].copy_from_slice(&(minifat_bytes.len().div_ceil(512) as u32).to_le_bytes());
        h[0x44..0x48].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        for k in 0..109 {
            let v = if k == 0 { 0 } else { FREESECT };
            h[0x4C + 4 * k..0x50 + 4 * k].copy_from_slice(&v.to_le_bytes());
        }
        h.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
        h.extend_from_slice(&body);
        h
    }

    fn biff(records: &[(u16, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (typ, data) in records {
            out.extend_from_slice(&typ.to_le_bytes());
            out.extend_from_slice(&(data.len() as u16).to_le_bytes());
            out.extend_from_slice(data);
        }
        out
    }

    const BOF: (u16, &[u8]) = (0x0809, &[0, 6, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const EOF: (u16, &[u8]) = (0x000A, &[]);
    const FILEPASS: (u16, &[u8]) = (0x002F, &[1, 0, 1, 0, 1, 0]);

    #[test]
    fn encrypted_ooxml_in_ole_is_password_protected() {
        let f = cfb_of(&[
            ("EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0]),
            ("EncryptedPackage", &[0u8; 5000]),
        ]);
        let e = err(f);
        assert!(matches!(e, SniffError::Encrypted { xls: false }), "{e:?}");
        assert!(e.to_string().contains("密码保护"));
    }

    #[test]
    fn xls_filepass_is_password_protected() {
        let filler = (0x00E1u16, &[0u8; 200][..]); // INTERFACEHDR-sized padding records
        for big in [false, true] {
            let mut recs = vec![BOF, FILEPASS];
            if big {
                recs.extend(std::iter::repeat_n(filler, 30)); // past the 4096-byte mini stream cutoff
            }
            recs.push(EOF);
            let stream = biff(&recs);
            assert_eq!(stream.len() as u64 >= MINI_CUTOFF, big);
            let f = cfb_of(&[("\u{1}CompObj", &[1, 2, 3]), ("Workbook", &stream)]);
            let e = err(f);
            assert!(
                matches!(e, SniffError::Encrypted { xls: true }),
                "big={big}: {e:?}"
            );
        }
    }

    #[test]
    fn plain_xls_passes_and_filepass_after_globals_is_ignored() {
        for big in [false, true] {
            let filler = (0x00E1u16, &[0u8; 200][..]);
            let mut recs = vec![BOF];
            if big {
                recs.extend(std::iter::repeat_n(filler, 30));
            }
            recs.extend([EOF, BOF, FILEPASS, EOF]);
            let f = cfb_of(&[
                ("SummaryInformation", &[0u8; 100]),
                ("WORKBOOK", &biff(&recs)),
            ]);
            assert!(
                matches!(sniff_bytes(f), Ok(Container::Xls(..))),
                "big={big}"
            );
        }
        // BIFF5 names its stream "Book".
        let f = cfb_of(&[("Book", &biff(&[(0x0809, &[0, 5, 5, 0]), EOF]))]);
        assert!(matches!(sniff_bytes(f), Ok(Container::Xls(..))));
    }

    #[test]
    fn other_ole_files_are_named() {
        let msg = err(cfb_of(&[
            ("WordDocument", &[0u8; 600]),
            ("1Table", &[0u8; 100]),
        ]))
        .to_string();
        assert!(msg.contains("Word 文档"), "{msg}");
        let msg = err(cfb_of(&[("PowerPoint Document", &[0u8; 10])])).to_string();
        assert!(msg.contains("PowerPoint"), "{msg}");
        let msg = err(cfb_of(&[("Contents", &[0u8; 10])])).to_string();
        assert!(msg.contains("没有 Excel 工作表"), "{msg}");
        let e = err(cfb_of(&[("Workbook", b"not biff at all")]));
        assert!(matches!(e, SniffError::Corrupt { .. }), "{e:?}");
    }

    #[test]
    fn broken_ole_is_corrupt() {
        let good = cfb_of(&[("Workbook", &biff(&[BOF, EOF]))]);
        assert!(sniff_bytes(good.clone()).is_ok());
        let mut bad_shift = good.clone();
        bad_shift[0x1E] = 30;
        let mut bad_dir = good.clone();
        bad_dir[0x30..0x34].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        let mut loop_fat = good.clone();
        loop_fat[512..516].copy_from_slice(&1u32.to_le_bytes()); // FAT sector points at itself...
        loop_fat[516..520].copy_from_slice(&1u32.to_le_bytes()); // ...and the directory loops
        for (what, bytes) in [
            ("short", good[..300].to_vec()),
            ("shift", bad_shift),
            ("dir", bad_dir),
        ] {
            let e = err(bytes);
            assert!(matches!(e, SniffError::Corrupt { .. }), "{what}: {e:?}");
        }
        // A looping chain must end, whatever it decides.
        let _ = sniff_bytes(loop_fat);
    }

    #[test]
    fn real_xls_files() {
        let Ok(Container::Xls(b, _)) = sniff_path(&fixture("sniff/seed-leiyang-2024.xls")) else {
            panic!("LibreOffice xls not Xls")
        };
        let wb: Xls<_> = open_workbook_from_rs(Cursor::new(b)).unwrap();
        let names = wb.sheet_names();
        assert!(
            names.iter().any(|n| n == "基础数据表") && names.iter().any(|n| n == "绩效自评表"),
            "{names:?}"
        );

        let e = sniff_path(&fixture("sniff/password-secret.xls")).unwrap_err();
        assert!(matches!(e, SniffError::Encrypted { xls: true }), "{e:?}");
    }

    // --- robustness -------------------------------------------------------------

    fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        }
    }

    fn mutate(input: &[u8], rnd: &mut impl FnMut() -> u64) -> Vec<u8> {
        let mut b = input.to_vec();
        for _ in 0..1 + rnd() % 8 {
            let i = (rnd() as usize) % b.len();
            b[i] = match rnd() % 3 {
                0 => b"<>/=\"' x"[(rnd() % 8) as usize],
                _ => rnd() as u8,
            };
        }
        if rnd().is_multiple_of(4) {
            b.truncate((rnd() as usize) % b.len());
        }
        b
    }

    /// Rounds per input; `JIXIAO_SNIFF_FUZZ=20000` for a longer local run.
    fn fuzz_rounds() -> usize {
        std::env::var("JIXIAO_SNIFF_FUZZ")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(150)
    }

    /// Mutated and truncated inputs never panic (a panic fails the test).
    #[test]
    fn mutations_do_not_panic() {
        let mut rnd = xorshift(0x9E37_79B9_7F4A_7C15);
        let inputs = [
            read_fixture("seed-leiyang-2024.xlsx"),
            read_fixture("sniff/seed-leiyang-2024.xls"),
            cfb_of(&[
                ("Workbook", &biff(&[BOF, FILEPASS, EOF])),
                ("EncryptedPackage", &[1u8; 4100]),
            ]),
        ];
        for input in &inputs {
            for _ in 0..fuzz_rounds() {
                let _ = sniff_with(mutate(input, &mut rnd), &small_limits());
            }
        }
    }

    /// What calamine would see: the raw attributes of the first `sst` start tag.
    fn first_sst_attrs(xml: &[u8]) -> Option<String> {
        let mut r = quick_xml::Reader::from_reader(xml);
        let c = r.config_mut();
        c.check_end_names = false;
        c.check_comments = false;
        c.trim_text(false);
        c.expand_empty_elements = true;
        loop {
            match r.read_event() {
                Ok(Event::Start(e)) if e.local_name().as_ref() == "sst" => {
                    return Some(e.attributes_raw().to_owned())
                }
                Ok(Event::Eof) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// Whatever the XML, the first `<sst>` calamine finds after sanitising has no counts.
    #[test]
    fn sanitised_sst_never_keeps_counts() {
        let mut rnd = xorshift(0x2545_F491_4F6C_DD1D);
        let seeds: [&[u8]; 3] = [
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<sst xmlns=\"u\" count=\"9\" uniqueCount=\"4294967295\"><si><t>a</t></si></sst>",
            b"<!-- x --><x:sst xmlns:x='u'\tuniqueCount='99'/><sst uniqueCount=\"1\"/>",
            b"<sst uniqueCount=\"12\" a='>'>",
        ];
        for seed in seeds {
            for _ in 0..fuzz_rounds() * 4 {
                let xml = mutate(seed, &mut rnd);
                let Ok(out) = sanitize_sst(&xml) else {
                    continue;
                };
                if let Some(attrs) = first_sst_attrs(&out) {
                    assert!(
                        attrs.trim().is_empty(),
                        "kept in {:?} -> {:?}",
                        String::from_utf8_lossy(&xml),
                        String::from_utf8_lossy(&out)
                    );
                }
                let _ = sanitize_sheet(&xml);
            }
        }
    }
}
