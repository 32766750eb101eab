//! The v3 API's request parameters, checked as Konnect refuses them (problem+json naming
//! the parameter): ids as UUIDs, and whole numbers such as `page[size]`.

// The checks return the handlers' own error, `Problem`, by value, so that `?` works in
// every handler; it is built only for a refused request.
#![allow(clippy::result_large_err)]

use crate::error::Problem;

/// Whether `s` is a UUID as Konnect writes its ids (8-4-4-4-12 hexadecimal digits).
pub(super) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// An id from the path: Konnect's 400 "invalid ID format" unless it is a UUID.
pub(super) fn path_id(field: &str, id: &str) -> Result<(), Problem> {
    if is_uuid(id) {
        Ok(())
    } else {
        Err(Problem::invalid_parameter(field, "invalid ID format"))
    }
}

/// A whole-number query parameter from 1 to `max`, `default` when it is absent.
pub(super) fn whole_number(
    field: &str,
    raw: Option<&str>,
    default: usize,
    max: usize,
) -> Result<usize, Problem> {
    match raw {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                Problem::invalid_parameter(field, format!("must be a whole number from 1 to {max}"))
            }),
    }
}

/// `page[size]`: 1 to 100, 10 when it is absent (the v3 lists' rule, numbered or cursor).
pub(super) fn page_size(raw: Option<&str>) -> Result<usize, Problem> {
    whole_number("page[size]", raw, 10, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuids() {
        assert!(is_uuid("7f9fd312-a987-4628-b4c5-bb4f4fddd5f7"));
        for bad in [
            "",
            "7f9fd312",
            "7f9fd312-a987-4628-b4c5-bb4f4fddd5fz",
            "../x",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }
}
