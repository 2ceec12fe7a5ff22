//! Which device a field login uses: the one the device already has, if it is this user's and
//! not revoked; otherwise a new registration. Pure.

use cgt_shared::{DeviceId, UserId};

/// A device found under the id a login asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundDevice {
    pub id: DeviceId,
    pub user: UserId,
    pub revoked: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceChoice {
    Reuse(DeviceId),
    Register,
    /// The user's own device, revoked by an admin: the login is refused.
    Revoked,
}

/// `found` is the device stored under the requested id, if any. Another user's device is never
/// reused (and its existence not revealed): the login registers a new one.
pub fn choose_device(user: UserId, found: Option<FoundDevice>) -> DeviceChoice {
    match found {
        Some(d) if d.user == user && d.revoked => DeviceChoice::Revoked,
        Some(d) if d.user == user => DeviceChoice::Reuse(d.id),
        _ => DeviceChoice::Register,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices() {
        let me = UserId::new();
        let other = UserId::new();
        let id = DeviceId::new();
        let found = |user, revoked| Some(FoundDevice { id, user, revoked });
        let check = |found, expected| assert_eq!(choose_device(me, found), expected);
        check(None, DeviceChoice::Register);
        check(found(me, false), DeviceChoice::Reuse(id));
        check(found(me, true), DeviceChoice::Revoked);
        check(found(other, false), DeviceChoice::Register);
        check(found(other, true), DeviceChoice::Register);
    }
}
