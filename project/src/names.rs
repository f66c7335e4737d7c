//! The rules Cargo and crates.io have for what a manifest says: crate names, versions, version
//! requirements and keywords; and the crate name a file's name gives.

/// Cargo's rule for package names: ASCII letters, digits, `-` and `_`, starting with a letter.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    let starts_well = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let all_legal = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if starts_well && all_legal && name.len() <= 64 {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a crate name: use ASCII letters, digits, `-` and `_`, starting with a letter",
            name.escape_default()
        ))
    }
}

/// A crate name from a file stem: `Pet Store.v2` becomes `pet-store-v2`, `1password` becomes
/// `api-1password`.
pub fn crate_name_from(stem: &str) -> String {
    let mut name = String::new();
    for c in stem.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-').to_owned();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        _ => format!("api-{name}"),
    }
}

/// A crate version must be SemVer, as Cargo requires.
pub(crate) fn check_version(version: &str) -> Result<(), String> {
    semver::Version::parse(version).map(drop).map_err(|e| {
        format!(
            "`{}` is not a version such as `1.2.0`: {e}",
            version.escape_default()
        )
    })
}

/// A version requirement on the runtime, as Cargo reads one.
pub(crate) fn check_requirement(requirement: &str) -> Result<(), String> {
    semver::VersionReq::parse(requirement)
        .map(drop)
        .map_err(|e| {
            format!(
                "`{}` is neither \"inline\" nor a version requirement such as `0.1`: {e}",
                requirement.escape_default()
            )
        })
}

/// crates.io takes at most five keywords, each of ASCII letters, digits, `_`, `-` and `+`,
/// starting with a letter, at most 20 characters.
pub(crate) fn check_keywords(keywords: &[String]) -> Result<(), String> {
    if keywords.len() > 5 {
        return Err(format!(
            "{} keywords; crates.io takes at most five",
            keywords.len()
        ));
    }
    for keyword in keywords {
        let legal = keyword
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && keyword.len() <= 20
            && keyword
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'));
        if !legal {
            return Err(format!(
                "`{}` is not a keyword crates.io takes: ASCII letters, digits, `_`, `-` and `+`, starting with a letter, at most 20 characters",
                keyword.escape_default()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_come_from_file_names() {
        assert_eq!(crate_name_from("netsapiens"), "netsapiens");
        assert_eq!(crate_name_from("Pet Store.v2"), "pet-store-v2");
        assert_eq!(crate_name_from("1password"), "api-1password");
    }
}
