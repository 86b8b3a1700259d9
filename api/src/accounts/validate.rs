//! Field rules for staff accounts, each failure a `FieldError` naming the field.

use crate::error::{FieldCode, FieldError, Message};
use crate::vocab::{HelperKind, RegionCode, RegionLevel, Role};

/// A lower-cased username of 3 to 32 characters `[a-z0-9._-]`.
pub fn username(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim().to_lowercase();
    let ok = (3..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(name)
    } else {
        Err(FieldError::new(
            "username",
            FieldCode::InvalidUsername,
            Message::new(
                "用户名应为 3 到 32 位小写字母、数字或 . _ -",
                "Use 3 to 32 lower-case letters, digits, dots, underscores or hyphens",
            ),
        ))
    }
}

/// A name of 1 to 32 characters without control characters.
pub fn display_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim().to_owned();
    let chars = name.chars().count();
    if (1..=32).contains(&chars) && !name.chars().any(char::is_control) {
        Ok(name)
    } else {
        Err(FieldError::new(
            "display_name",
            FieldCode::InvalidName,
            Message::new("请填写 1 到 32 个字的姓名", "Enter a name of 1 to 32 characters"),
        ))
    }
}

/// An organisation of at most 64 characters; empty means none.
pub fn organisation(raw: &str) -> Result<Option<String>, FieldError> {
    let name = raw.trim();
    if name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(FieldError::new(
            "organisation",
            FieldCode::InvalidName,
            Message::new("所属单位最多 64 个字", "Use at most 64 characters"),
        ));
    }
    Ok(Some(name.to_owned()).filter(|n| !n.is_empty()))
}

/// A region code as typed, checked for shape only (existence is the service's job).
pub fn region_code(raw: &str) -> Result<RegionCode, FieldError> {
    RegionCode::parse(raw.trim()).map_err(|_| {
        FieldError::new(
            "region_code",
            FieldCode::InvalidRegionCode,
            Message::new("区划编码应为 6、9 或 12 位数字", "Use a 6, 9 or 12-digit region code"),
        )
    })
}

/// Role, region and helper kind fit together: staff roles need a region of their level, admins
/// none; helpers need a kind, others none.
pub fn staff_shape(role: Role, region: Option<&RegionCode>, kind: Option<HelperKind>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if role == Role::Resident {
        errors.push(FieldError::new(
            "role",
            FieldCode::InvalidValue,
            Message::new("居民通过微信登录,不能在此创建", "Residents sign in with WeChat and are not created here"),
        ));
    }
    match (role.region_level(), region) {
        (Some(level), Some(code)) if !code.is_level(level) => errors.push(region_level_error(level)),
        (Some(level), None) => errors.push(region_level_error(level)),
        (None, Some(_)) if role == Role::Admin => errors.push(FieldError::new(
            "region_code",
            FieldCode::NotAllowed,
            Message::new("管理员不绑定区划,请不要填写", "Admins are not bound to a region; leave it out"),
        )),
        _ => {}
    }
    match (role == Role::Helper, kind) {
        (true, None) => errors.push(FieldError::new(
            "helper_kind",
            FieldCode::Required,
            Message::new("请选择帮办人员类型", "Choose the kind of helper"),
        )),
        (false, Some(_)) => errors.push(FieldError::new(
            "helper_kind",
            FieldCode::NotAllowed,
            Message::new("只有帮办人员需要填写类型", "Only helpers have a kind"),
        )),
        _ => {}
    }
    errors
}

fn region_level_error(level: RegionLevel) -> FieldError {
    let (zh, en) = match level {
        RegionLevel::District => {
            ("区县督导人员请选择一个区县(6 位编码)", "A district supervisor needs a district (6 digits)")
        }
        RegionLevel::Township => {
            ("镇街审核人员请选择一个镇街(9 位编码)", "A township reviewer needs a township (9 digits)")
        }
        RegionLevel::Community => ("帮办人员请选择一个村社(12 位编码)", "A helper needs a community (12 digits)"),
    };
    FieldError::new("region_code", FieldCode::RegionLevelMismatch, Message::new(zh, en))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str) -> RegionCode {
        RegionCode::parse(raw).unwrap()
    }

    fn codes(errors: &[FieldError]) -> Vec<(&str, FieldCode)> {
        errors.iter().map(|e| (e.field.as_str(), e.code)).collect()
    }

    #[test]
    fn each_role_needs_its_own_level_of_region() {
        assert!(staff_shape(Role::Helper, Some(&code("500116001001")), Some(HelperKind::Volunteer)).is_empty());
        assert!(staff_shape(Role::TownshipReviewer, Some(&code("500116001")), None).is_empty());
        assert!(staff_shape(Role::DistrictSupervisor, Some(&code("500116")), None).is_empty());
        assert!(staff_shape(Role::Admin, None, None).is_empty());
        assert_eq!(
            codes(&staff_shape(Role::Helper, Some(&code("500116001")), None)),
            [("region_code", FieldCode::RegionLevelMismatch), ("helper_kind", FieldCode::Required)]
        );
        assert_eq!(
            codes(&staff_shape(Role::Admin, Some(&code("500116")), Some(HelperKind::Volunteer))),
            [("region_code", FieldCode::NotAllowed), ("helper_kind", FieldCode::NotAllowed)]
        );
        assert_eq!(codes(&staff_shape(Role::Resident, None, None)), [("role", FieldCode::InvalidValue)]);
    }

    #[test]
    fn usernames_are_lower_cased_and_checked() {
        assert_eq!(username(" Wang.Fang ").unwrap(), "wang.fang");
        for bad in ["ab", "王芳", "a b c", &"x".repeat(33)] {
            assert!(username(bad).is_err(), "{bad}");
        }
    }
}
