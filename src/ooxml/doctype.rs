//! A part's DOCTYPE taken out before jixiao rewrites the part: OOXML has no use for one, and
//! the entities it declares could make the copy mean something else than the original.

/// `xml` without its DOCTYPE declaration (internal subset included); as it is when it has
/// none. None when the declaration does not end, or when the rest still refers to an entity
/// the declaration gave (which would be undefined without it).
pub fn without_doctype(mut xml: Vec<u8>) -> Option<Vec<u8>> {
    let Some(start) = doctype_start(&xml) else {
        return Some(xml);
    };
    let end = doctype_end(&xml, start)?;
    xml.drain(start..end);
    if refers_to_declared_entity(&xml) {
        return None;
    }
    Some(xml)
}

/// Where `<!DOCTYPE` begins, if it comes in the prolog (after the XML declaration, processing
/// instructions, comments and white space, before the root element).
fn doctype_start(xml: &[u8]) -> Option<usize> {
    let mut pos = 0;
    loop {
        while xml.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        let rest = &xml[pos.min(xml.len())..];
        if rest.starts_with(b"<!DOCTYPE") {
            return Some(pos);
        }
        let close: &[u8] = if rest.starts_with(b"<?") {
            b"?>"
        } else if rest.starts_with(b"<!--") {
            b"-->"
        } else {
            return None;
        };
        pos += memchr::memmem::find(rest, close)? + close.len();
    }
}

/// The byte after the `>` that closes the declaration at `start`: outside quotes and outside
/// the `[…]` internal subset.
fn doctype_end(xml: &[u8], start: usize) -> Option<usize> {
    let (mut quote, mut depth) = (None, 0usize);
    for (i, &b) in xml.iter().enumerate().skip(start + 2) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[') => depth += 1,
            (None, b']') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Whether `&name;` occurs with a name other than XML's five.
fn refers_to_declared_entity(xml: &[u8]) -> bool {
    memchr::memchr_iter(b'&', xml).any(|at| {
        let rest = &xml[at + 1..];
        let len = rest
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
            .count();
        len > 0
            && rest.get(len) == Some(&b';')
            && !matches!(&rest[..len], b"lt" | b"gt" | b"amp" | b"quot" | b"apos")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> Option<String> {
        without_doctype(s.as_bytes().to_vec()).map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn the_declaration_goes_and_the_rest_stays() {
        let xml =
            "<?xml version=\"1.0\"?>\n<!-- c --><!DOCTYPE a [<!ENTITY x \"]>\">]><a>&amp;</a>";
        assert_eq!(
            strip(xml).unwrap(),
            "<?xml version=\"1.0\"?>\n<!-- c --><a>&amp;</a>"
        );
        assert_eq!(strip("<a>&#38;</a>").unwrap(), "<a>&#38;</a>");
        assert_eq!(strip("<a><!DOCTYPE b></a>").unwrap(), "<a><!DOCTYPE b></a>");
    }

    #[test]
    fn a_declared_entity_still_used_or_an_open_declaration_is_refused() {
        assert_eq!(strip("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"), None);
        assert_eq!(strip("<!DOCTYPE a [<!ENTITY x \"y\">"), None);
    }
}
