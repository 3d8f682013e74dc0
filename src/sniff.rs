//! Recognises what a file is before any workbook parser sees it.
