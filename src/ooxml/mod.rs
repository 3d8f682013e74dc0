//! The package and XML helpers that reading and the annotated copy share: how calamine's XML
//! reader is set up and splits attributes ([`xml`]), and how an OOXML package names its parts
//! and their relationships ([`package`]). Imports nothing of the crate but [`crate::model`].

mod doctype;
pub mod entries;
pub mod package;
mod seal;
pub mod xml;

pub use doctype::without_doctype;
pub use entries::{copy_entry, is_unsafe_name, unsafe_names};
pub use package::{
    read_part, read_small, relationships, rels_part_of, resolve, sheets_of_workbook, split_part,
    workbook_target, MAX_LISTED_SHEETS, MAX_SMALL_PART,
};
pub use seal::{is_sealed_intact, seal, DIGEST_PROPERTY};
pub use xml::{attr, raw_attrs, split_bom, xml_reader};
