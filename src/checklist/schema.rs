//! A JSON Schema of the checklist format, so that editors (taplo, Even Better TOML) can
//! complete and check checklist files as they are typed. Each item kind contributes the
//! schema of its own keys; the loader remains the authority (it also checks references,
//! totals and patterns, which a schema cannot).

use serde_json::{Map, Value, json};

use super::kinds;

fn text(description: &str) -> Value {
    json!({ "type": "string", "minLength": 1, "description": description })
}

/// The keys every item has, whatever its kind.
fn common_item_properties() -> Map<String, Value> {
    let mut props = Map::new();
    props.insert("id".into(), json!({ "type": "string", "pattern": "^[a-z0-9_-]+(\\.[a-z0-9_-]+)*$", "description": "stable ASCII id, dotted: site.floor_area" }));
    props.insert("clause".into(), json!({ "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)*$", "description": "the clause checked, listed in [clauses]" }));
    props.insert("title".into(), text("Chinese title, quoting the standard"));
    props.insert("title_en".into(), text("English title"));
    props.insert("severity".into(), json!({ "enum": ["mandatory", "advisory"], "description": "advisory (尽量, 还可) items never fail a site" }));
    props.insert(
        "points".into(),
        json!({ "type": "number", "minimum": 0, "multipleOf": 0.1 }),
    );
    props.insert("may_not_apply".into(), json!({ "type": "boolean", "description": "whether an inspector may record the item not applicable (ruling 10); default: true for advisory items, false for mandatory ones" }));
    props.insert(
        "may_not_apply_because".into(),
        text("why the item may not apply at a site; required when a mandatory item may not apply"),
    );
    props.insert("help".into(), text("how to check it on site, in Chinese"));
    props.insert(
        "help_en".into(),
        text("how to check it on site, in English"),
    );
    props
}

/// The JSON Schema (draft 2020-12) of a checklist file.
pub fn json_schema() -> Value {
    let branches: Vec<Value> = kinds::schemas()
        .into_iter()
        .map(|(name, own, required)| {
            let mut props = common_item_properties();
            props.insert("kind".into(), json!({ "const": name }));
            if let Value::Object(own) = own {
                props.extend(own);
            }
            let mut needed = vec![
                "id", "clause", "title", "kind", "severity", "points", "help",
            ];
            needed.extend(required);
            json!({
                "title": format!("{name} item"),
                "type": "object",
                "properties": props,
                "required": needed,
                "additionalProperties": false
            })
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://yanshou.invalid/checklist.schema.json",
        "title": "yanshou checklist",
        "description": "A standard's requirements for one kind of site (docs/checklists.md).",
        "type": "object",
        "properties": {
            "id": { "type": "string", "pattern": "^[a-z0-9_-]+(\\.[a-z0-9_-]+)*$" },
            "title": text("Chinese title"),
            "title_en": text("English title"),
            "version": text("version of the checklist"),
            "site_kind": { "type": "string", "pattern": "^[a-z0-9_-]+(\\.[a-z0-9_-]+)*$", "description": "the kind records use to pick this checklist" },
            "site_kind_name": text("how the kind of site is called in Chinese"),
            "site_kind_name_en": text("how it is called in English"),
            "source": text("the document encoded"),
            "total_points": { "type": "number", "exclusiveMinimum": 0, "default": 100 },
            "clauses": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": { "pattern": "^[0-9]+(\\.[0-9]+)*$" },
                "additionalProperties": {
                    "type": "object",
                    "properties": { "title": text("heading in Chinese"), "title_en": text("heading in English") },
                    "required": ["title"],
                    "additionalProperties": false
                }
            },
            "grades": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": text("grade name in Chinese"),
                        "name_en": text("grade name in English"),
                        "min": { "type": "number", "minimum": 0, "maximum": 100 }
                    },
                    "required": ["name", "min"],
                    "additionalProperties": false
                }
            },
            "items": { "type": "array", "minItems": 1, "items": { "oneOf": branches } }
        },
        "required": ["id", "title", "version", "site_kind", "site_kind_name", "source", "clauses", "grades", "items"],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::builtin;

    /// The key sets a schema branch allows, per kind.
    fn branch(schema: &Value, kind: &str) -> (Vec<String>, Vec<String>) {
        let branches = schema["properties"]["items"]["items"]["oneOf"]
            .as_array()
            .unwrap();
        let b = branches
            .iter()
            .find(|b| b["properties"]["kind"]["const"] == kind)
            .unwrap_or_else(|| panic!("no schema branch for {kind}"));
        let allowed = b["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let required = b["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        (allowed, required)
    }

    #[test]
    fn every_kind_has_a_branch() {
        let schema = json_schema();
        for kind in kinds::KIND_NAMES {
            branch(&schema, kind);
        }
    }

    /// The bundled checklists satisfy the schema's keys: every key they use is allowed for
    /// its place and every required key is present.
    #[test]
    fn the_bundled_checklists_fit_the_schema() {
        let schema = json_schema();
        let top: Vec<String> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        for (name, text) in builtin::CHECKLISTS {
            let doc: toml::Table = toml::from_str(text).unwrap();
            for key in doc.keys() {
                assert!(
                    top.contains(key),
                    "{name}: top-level key {key} not in the schema"
                );
            }
            for item in doc["items"].as_array().unwrap() {
                let item = item.as_table().unwrap();
                let kind = item["kind"].as_str().unwrap();
                let (allowed, required) = branch(&schema, kind);
                for key in item.keys() {
                    assert!(
                        allowed.contains(key),
                        "{name}: {kind} key {key} not in the schema"
                    );
                }
                for key in &required {
                    assert!(
                        item.contains_key(key),
                        "{name}: {kind} item lacks required {key}"
                    );
                }
            }
        }
    }
}
