//! XML plumbing for the reader: which names are TTML's (TTML2 §5.3 namespaces, and the
//! DFXP drafts'), byte offsets to line numbers, and quick-xml's errors in words a user can
//! act on.

use super::{NS_LEGACY, NS_TT, NS_XML};
use quick_xml::name::{NamespaceResolver, QName, ResolveResult};

/// What an element's namespace makes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    Ttml,
    /// No namespace at all: read as TTML, leniently.
    None,
    Foreign,
}

pub(super) fn element_ns(ns: &ResolveResult<'_>) -> Ns {
    match ns {
        ResolveResult::Bound(n) if n.0 == NS_TT || NS_LEGACY.contains(&n.0) => Ns::Ttml,
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Unknown(prefix) if prefix == "tt" => Ns::Ttml,
        _ => Ns::Foreign,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AttrNs {
    Plain,
    Xml,
    Styling,
    Parameter,
    Other,
}

pub(super) fn attr_ns(resolver: &NamespaceResolver, key: QName<'_>) -> AttrNs {
    match resolver.resolve_attribute(key).0 {
        ResolveResult::Unbound => AttrNs::Plain,
        ResolveResult::Bound(n) if n.0 == NS_XML => AttrNs::Xml,
        // TTML's `…#styling` (the 2006/04 draft: `…#style`) and `…#parameter` namespaces.
        ResolveResult::Bound(n) if n.0.ends_with("#styling") || n.0.ends_with("#style") => AttrNs::Styling,
        ResolveResult::Bound(n) if n.0.ends_with("#parameter") => AttrNs::Parameter,
        // Undeclared prefixes, leniently, by their usual names.
        ResolveResult::Unknown(p) if p == "tts" => AttrNs::Styling,
        ResolveResult::Unknown(p) if p == "ttp" => AttrNs::Parameter,
        _ => AttrNs::Other,
    }
}

/// The 1-based line of a byte offset (only on the way to an error: it counts from the top).
pub(super) fn line_at(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    bytes
        .get(..offset)
        .unwrap_or(bytes)
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

pub(super) fn xml_error(err: &quick_xml::Error) -> String {
    use quick_xml::errors::{Error, IllFormedError};
    match err {
        Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("malformed XML: expected </{expected}> to close <{expected}>, found </{found}>")
        }
        Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
            format!("malformed XML: found </{name}>, which closes no open element")
        }
        Error::Syntax(e) => format!("malformed XML: {e}; expected a complete tag, comment or declaration"),
        e => format!("malformed XML: {e}"),
    }
}
