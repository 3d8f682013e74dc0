//! The templates built into the binary, and choosing one by file or family name.

use super::{Template, TemplateError};
use crate::i18n::errors::{os_error, ErrMsg};
use crate::i18n::{msg, words::Word, Message};

/// The templates built into the binary, from `workbook-templates/`. The first is the default
/// (`jixiao rules`, `jixiao template`) and wins a tie when choosing a family.
pub(super) const BUILT_IN: &[(&str, &str)] = &[
    (
        "hunan-2024.toml",
        include_str!("../../workbook-templates/hunan-2024.toml"),
    ),
    (
        "hunan-2018.toml",
        include_str!("../../workbook-templates/hunan-2018.toml"),
    ),
    (
        "hunan-2024-extended.toml",
        include_str!("../../workbook-templates/hunan-2024-extended.toml"),
    ),
];

impl Template {
    pub fn load(path: &std::path::Path) -> Result<Template, TemplateError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| TemplateError::Io {
            file: file.clone(),
            message: os_error(&e),
        })?;
        Template::parse(&file, &text)
    }

    /// The templates shipped with jixiao.
    pub fn built_in() -> Vec<Template> {
        Template::built_in_ref().to_vec()
    }

    /// The templates shipped with jixiao, parsed once per process.
    pub fn built_in_ref() -> &'static [Template] {
        static PARSED: std::sync::OnceLock<Vec<Template>> = std::sync::OnceLock::new();
        PARSED.get_or_init(|| {
            BUILT_IN
                .iter()
                .map(|(file, text)| {
                    Template::parse(file, text).expect("built-in template is valid")
                })
                .collect()
        })
    }

    /// The built-in template of a family.
    pub fn built_in_family(family: &str) -> Option<Template> {
        Template::built_in()
            .into_iter()
            .find(|t| t.family == family)
    }
}

/// A user's template file, a built-in family by name, or the default family.
pub fn load_or_family(
    template: Option<&std::path::Path>,
    family: Option<&str>,
) -> Result<Template, Message> {
    if let Some(path) = template {
        return Template::load(path).map_err(|e| e.message());
    }
    let all = Template::built_in();
    match family {
        None => Ok(all.into_iter().next().expect("a built-in template")),
        Some(name) => {
            let names = Message::join(all.iter().map(|t| Message::from(&t.family)), Word::ListSep);
            all.into_iter()
                .find(|t| t.family == name)
                .ok_or_else(|| msg!(ErrMsg::NoSuchTemplate, name, names))
        }
    }
}
