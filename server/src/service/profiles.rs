//! The caption profiles as the API and the Playground describe them: name, extension,
//! what can be done with each, and its options.

use crate::captions::{Allowed, OptionSpec, FORMATS};
use app::model::{ProfileInfo, ProfileOption};

fn option(spec: &OptionSpec) -> ProfileOption {
    let mut o = ProfileOption {
        name: spec.name.into(),
        default: spec.default.into(),
        description: spec.about.into(),
        ..ProfileOption::default()
    };
    match spec.allowed {
        Allowed::OneOf(values) => {
            o.kind = "string".into();
            o.values = values.iter().map(|v| v.to_string()).collect();
        }
        Allowed::Integer { min, max } => {
            o.kind = "integer".into();
            (o.minimum, o.maximum) = (Some(min), Some(max));
        }
        Allowed::Bool => {
            o.kind = "boolean".into();
            o.values = vec!["true".into(), "false".into()];
        }
    }
    o
}

/// Every profile this server knows, in `GET /profiles` order.
pub fn profiles() -> Vec<ProfileInfo> {
    FORMATS
        .iter()
        .map(|f| ProfileInfo {
            name: f.profile.into(),
            extension: f.extension.into(),
            read: f.read.is_some(),
            write: f.write.is_some(),
            encode_options: f.encode_options.iter().map(option).collect(),
            decode_options: f.decode_options.iter().map(option).collect(),
        })
        .collect()
}
