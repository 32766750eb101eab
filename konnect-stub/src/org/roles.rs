//! Konnect's predefined roles (`GET /v3/roles`), by entity type: the names and descriptions
//! Konnect publishes in its v3 identity spec (each is an enum value there, so the spec test
//! holds them to it).

/// A predefined role: its key in `GET /roles`, its name and what it grants.
pub struct PredefinedRole {
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

/// The roles of one entity type (Control Planes, API Products, ...).
pub struct RoleGroup {
    pub key: &'static str,
    pub name: &'static str,
    pub roles: &'static [PredefinedRole],
}

pub const PREDEFINED_ROLES: &[RoleGroup] = &[
    RoleGroup {
        key: "control_planes",
        name: "Control Planes",
        roles: &[
            PredefinedRole {
                key: "admin",
                name: "Admin",
                description: "This role grants full write access to all entities within a control plane.",
            },
            PredefinedRole {
                key: "certificate_admin",
                name: "Certificate Admin",
                description: "This role grants full write access to administer certificates.",
            },
            PredefinedRole {
                key: "consumer_admin",
                name: "Consumer Admin",
                description: "This role grants full write access to administer consumers.",
            },
            PredefinedRole {
                key: "creator",
                name: "Creator",
                description: "Creates a new Control Plane in an organization. The creator becomes the owner of the Control Plane they create.",
            },
            PredefinedRole {
                key: "debug_session_creator",
                name: "Debug Session Creator",
                description: "This role grants access to create debug sessions. This role also grants read-only access to all entities within a control plane.",
            },
            PredefinedRole {
                key: "deployer",
                name: "Deployer",
                description: "This role grants full write access to administer services, routes and plugins necessary to deploy services in Service Hub.",
            },
            PredefinedRole {
                key: "gateway_service_admin",
                name: "Gateway Service Admin",
                description: "This role grants full write access to administer gateway services.",
            },
            PredefinedRole {
                key: "plugin_admin",
                name: "Plugin Admin",
                description: "This role grants full write access to administer plugins.",
            },
            PredefinedRole {
                key: "route_admin",
                name: "Route Admin",
                description: "This role grants full write access to administer routes.",
            },
            PredefinedRole {
                key: "sni_admin",
                name: "SNI Admin",
                description: "This role grants full write access to administer SNIs.",
            },
            PredefinedRole {
                key: "upstream_admin",
                name: "Upstream Admin",
                description: "This role grants full write access to administer upstreams.",
            },
            PredefinedRole {
                key: "viewer",
                name: "Viewer",
                description: "This role grants read only access to all entities within a control plane.",
            },
        ],
    },
    RoleGroup {
        key: "api_products",
        name: "API Products",
        roles: &[
            PredefinedRole {
                key: "admin",
                name: "Admin",
                description: "This role grants full write access to an API product and its versions.",
            },
            PredefinedRole {
                key: "application_registration",
                name: "Application Registration",
                description: "This role grants permission to enable and disable application registration on an API product.",
            },
            PredefinedRole {
                key: "creator",
                name: "Creator",
                description: "This access is required to create API products. This access is not for creating sub-entities such as versions, API specs, etc.",
            },
            PredefinedRole {
                key: "deployer",
                name: "Deployer",
                description: "This role grants permission to deploy and remove an API product from a control plane.",
            },
            PredefinedRole {
                key: "maintainer",
                name: "Maintainer",
                description: "This role grants all write permission to manage an API product and to administer plugins.",
            },
            PredefinedRole {
                key: "plugins_admin",
                name: "Plugins Admin",
                description: "This role grants full write permission to administer plugins.",
            },
            PredefinedRole {
                key: "publisher",
                name: "Publisher",
                description: "This role grants permission to publish an API product to one or more portals.",
            },
            PredefinedRole {
                key: "viewer",
                name: "Viewer",
                description: "Viewer has read-only access to an API product and its sub-entities.",
            },
        ],
    },
    RoleGroup {
        key: "audit_logs",
        name: "Audit Logs",
        roles: &[PredefinedRole {
            key: "admin",
            name: "Admin",
            description: "This role grants full write access to the Audit log configuration.",
        }],
    },
    RoleGroup {
        key: "identity",
        name: "Identity",
        roles: &[PredefinedRole {
            key: "admin",
            name: "Admin",
            description: "This role grants full write access to the Identity configuration.",
        }],
    },
    RoleGroup {
        key: "mesh_control_planes",
        name: "Mesh Control Plane",
        roles: &[
            PredefinedRole {
                key: "admin",
                name: "Admin",
                description: "This role grants full write access to the related to Mesh control planes.",
            },
            PredefinedRole {
                key: "connector",
                name: "Connector",
                description: "This role grants a mesh zone to connect to the mesh control plane in Konnect.",
            },
            PredefinedRole {
                key: "creator",
                name: "Creator",
                description: "This role grants access to create new Mesh control planes.",
            },
            PredefinedRole {
                key: "viewer",
                name: "Viewer",
                description: "This role grants access to read-only permissions to Mesh control planes.",
            },
        ],
    },
    RoleGroup {
        key: "dashboards",
        name: "Dashboards",
        roles: &[
            PredefinedRole {
                key: "admin",
                name: "Admin",
                description: "Allows users to edit, delete, and share a Dashboard in Konnect Analytics.",
            },
            PredefinedRole {
                key: "creator",
                name: "Creator",
                description: "Allows users to create a new Dashboard in Konnect Analytics.",
            },
            PredefinedRole {
                key: "editor",
                name: "Editor",
                description: "Allows users to edit a Dashboard in Konnect Analytics.",
            },
            PredefinedRole {
                key: "viewer",
                name: "Viewer",
                description: "Allows users to view any Dashboards content in Konnect Analytics.",
            },
        ],
    },
    RoleGroup {
        key: "reports",
        name: "Reports",
        roles: &[
            PredefinedRole {
                key: "admin",
                name: "Admin",
                description: "Allows users to edit, delete, and share a Report in Konnect Analytics.",
            },
            PredefinedRole {
                key: "creator",
                name: "Creator",
                description: "Allows users to create a new Report in Konnect Analytics.",
            },
            PredefinedRole {
                key: "editor",
                name: "Editor",
                description: "Allows users to edit a Report in Konnect Analytics.",
            },
            PredefinedRole {
                key: "viewer",
                name: "Viewer",
                description: "Allows users to view a Report in Konnect Analytics.",
            },
        ],
    },
];
