//! Typed reads of scalar values from a document, with errors that name the field.

use super::DocError;
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};

pub(crate) fn scalar<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    key: &str,
) -> Result<Option<ScalarValue>, DocError> {
    match doc.get(obj, key)? {
        None => Ok(None),
        Some((Value::Scalar(s), _)) => Ok(Some(s.into_owned())),
        Some((Value::Object(_), _)) => Err(DocError::WrongType {
            field: key.into(),
            expected: "scalar",
        }),
    }
}

pub(crate) fn opt_str<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    key: &str,
) -> Result<Option<String>, DocError> {
    match scalar(doc, obj, key)? {
        None | Some(ScalarValue::Null) => Ok(None),
        Some(ScalarValue::Str(s)) => Ok(Some(s.to_string())),
        Some(_) => Err(DocError::WrongType {
            field: key.into(),
            expected: "string",
        }),
    }
}

pub(crate) fn str<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<String, DocError> {
    opt_str(doc, obj, key)?.ok_or_else(|| DocError::Missing(key.into()))
}

pub(crate) fn opt_int<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    key: &str,
) -> Result<Option<i64>, DocError> {
    match scalar(doc, obj, key)? {
        None | Some(ScalarValue::Null) => Ok(None),
        Some(ScalarValue::Int(i)) => Ok(Some(i)),
        Some(ScalarValue::Uint(u)) => i64::try_from(u).map(Some).map_err(|_| DocError::BadValue {
            field: key.into(),
            reason: "out of range".into(),
        }),
        Some(_) => Err(DocError::WrongType {
            field: key.into(),
            expected: "integer",
        }),
    }
}

pub(crate) fn int<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<i64, DocError> {
    opt_int(doc, obj, key)?.ok_or_else(|| DocError::Missing(key.into()))
}

pub(crate) fn bool<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<bool, DocError> {
    Ok(opt_bool(doc, obj, key)?.unwrap_or(false))
}

pub(crate) fn opt_bool<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    key: &str,
) -> Result<Option<bool>, DocError> {
    match scalar(doc, obj, key)? {
        None | Some(ScalarValue::Null) => Ok(None),
        Some(ScalarValue::Boolean(b)) => Ok(Some(b)),
        Some(_) => Err(DocError::WrongType {
            field: key.into(),
            expected: "boolean",
        }),
    }
}

pub(crate) fn parsed<T: std::str::FromStr, D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    key: &str,
) -> Result<T, DocError>
where
    T::Err: std::fmt::Display,
{
    str(doc, obj, key)?
        .parse()
        .map_err(|e: T::Err| DocError::BadValue {
            field: key.into(),
            reason: e.to_string(),
        })
}

/// The child object at `key`, if it is of the expected type.
pub(crate) fn child<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    key: &str,
    typ: ObjType,
) -> Result<Option<ObjId>, DocError> {
    match doc.get(obj, key)? {
        None => Ok(None),
        Some((Value::Object(t), id)) if t == typ => Ok(Some(id)),
        Some(_) => Err(DocError::WrongType {
            field: key.into(),
            expected: match typ {
                ObjType::List => "list",
                _ => "map",
            },
        }),
    }
}

pub(crate) fn small_int(value: i64, field: &str) -> Result<u8, DocError> {
    u8::try_from(value).map_err(|_| DocError::BadValue {
        field: field.into(),
        reason: format!("{value} is not a two-digit code"),
    })
}
