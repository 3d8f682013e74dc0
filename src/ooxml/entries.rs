//! Copying zip entries from one package into another without the writer ever refusing them,
//! and telling which entry names could reach outside a folder the package is unpacked into.

use std::io::{self, Read, Seek, Write};

use zip::extra_fields::ExtraField;
use zip::result::{ZipError, ZipResult};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// Longest entry name copied: a central header (46 bytes), the name and the extra fields the
/// writer adds (ZIP64, timestamp) must stay within 65,535 bytes, or the writer fails when it
/// finishes the archive.
const MAX_NAME: usize = 60_000;

/// Copies entry `i` of `zip` into `out`: raw (compressed bytes as they are) when it carries
/// nothing but its name and data, else inflated and written again without its comment and
/// extra fields, which a comment of up to 65,535 bytes would push past the header limit.
/// An error leaves `out` able to finish: nothing that would fail there is ever added.
pub fn copy_entry<R: Read + Seek, W: Write + Seek>(
    zip: &mut ZipArchive<R>,
    i: usize,
    out: &mut ZipWriter<W>,
) -> ZipResult<()> {
    let f = zip.by_index_raw(i)?;
    if f.name_raw().len() > MAX_NAME {
        return Err(ZipError::InvalidArchive("entry name too long".into()));
    }
    let plain_extras = f.extra_data_fields().all(|e| {
        matches!(
            e,
            ExtraField::Zip64ExtendedInformation(_) | ExtraField::ExtendedTimestamp(_)
        )
    });
    if f.comment_raw().is_empty() && plain_extras {
        return out.raw_copy_file(f);
    }
    let name = f.name()?.into_owned();
    let options = SimpleFileOptions::default()
        .last_modified_time(f.last_modified().unwrap_or_default())
        .compression_method(match f.compression() {
            CompressionMethod::Stored => CompressionMethod::Stored,
            _ => CompressionMethod::Deflated,
        })
        .large_file(f.size() >= u64::from(u32::MAX));
    if f.is_dir() {
        drop(f);
        return out.add_directory(name, options);
    }
    drop(f);
    let mut data = zip.by_index(i)?;
    out.start_file(name, options)?;
    io::copy(&mut data, out)?;
    Ok(())
}

/// Whether an entry name is absolute (`/x`, `\x`, `C:x`) or climbs out of its folder (`..`):
/// an unpacker that trusts it writes outside the folder it unpacks into.
pub fn is_unsafe_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    name.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic())
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// The names of the entries of the package `bytes` that [`is_unsafe_name`] refuses.
pub fn unsafe_names(bytes: &[u8]) -> Vec<String> {
    let Ok(zip) = ZipArchive::new(io::Cursor::new(bytes)) else {
        return Vec::new();
    };
    zip.file_names()
        .flatten()
        .filter(|n| is_unsafe_name(n))
        .map(|n| n.into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_folder_are_unsafe() {
        for bad in ["../x", "/tmp/x", "a/../../x", "\\x", "C:x", "a\\..\\x"] {
            assert!(is_unsafe_name(bad), "{bad}");
        }
        for good in [
            "xl/workbook.xml",
            "a..b/x",
            "[Content_Types].xml",
            "x/.../y",
        ] {
            assert!(!is_unsafe_name(good), "{good}");
        }
    }
}
