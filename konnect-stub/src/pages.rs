//! Parts shared by every page template.

use crate::auth::Caller;

/// The top bar of a logged-in page.
#[derive(Debug, Clone)]
pub struct Nav {
    pub user_name: String,
    pub org_name: String,
    pub is_admin: bool,
}

impl Nav {
    pub fn new(caller: &Caller) -> Self {
        Self {
            user_name: caller.user.full_name.clone(),
            org_name: caller.org.name.clone(),
            is_admin: caller.is_admin(),
        }
    }
}
