//! The authorization servers' lifecycle: an admin deactivates the `default` custom server
//! (`lifecycle/deactivate`) and activates it again; the org server is always active.

use super::Directory;
use crate::paths::AuthServer;

impl Directory {
    /// Whether the server answers its endpoints.
    pub fn server_active(&self, server: AuthServer) -> bool {
        match server {
            AuthServer::Org => true,
            AuthServer::Default => !self.read().default_server_inactive,
        }
    }

    /// `lifecycle/activate` and `lifecycle/deactivate` of the `default` server.
    pub fn set_default_server_active(&self, active: bool) {
        self.write().default_server_inactive = !active;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    #[test]
    fn the_default_server_is_active_until_deactivated_and_the_org_server_always() {
        let dir = Directory::new(Clock::default());
        assert!(dir.server_active(AuthServer::Default));
        dir.set_default_server_active(false);
        assert!(!dir.server_active(AuthServer::Default));
        assert!(dir.server_active(AuthServer::Org));
        dir.set_default_server_active(true);
        assert!(dir.server_active(AuthServer::Default));
    }
}
