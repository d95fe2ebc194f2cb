// What the planner reads: the desired state of a set of roles, and the
// current state of everything the request touches.  Pure C++.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "spec/secret.hpp"
#include "spec/spec.hpp"

namespace pgsr::plan {

using Oid = std::uint32_t;
// PostgreSQL's TimestampTz: microseconds since 2000-01-01 UTC.
using Timestamp = std::int64_t;
inline constexpr Timestamp kForever = INT64_MAX;  // 'infinity'

// ---------------------------------------------------------------- desired

struct DesiredLogin {
    std::size_t index = 0;
    std::optional<Secret> secret;    // SCRAM secret to set; nullopt keeps the current password
    std::optional<Secret> declared;  // the password as declared, only to compare with the stored one
    Timestamp valid_until = kForever;
    std::string valid_until_text;  // as PostgreSQL prints it
};

struct DesiredRole {
    std::string name;
    std::optional<DesiredLogin> login;
    std::vector<spec::Grant> grants;
    std::string path = "grants";  // names this role's document in notices
};

struct Request {
    std::vector<DesiredRole> roles;
    std::set<std::string> preserve_schemas;
};

// ---------------------------------------------------------------- current

// What the running server allows: PostgreSQL 16 changed the role rules.
// The pure planner takes them as data, so both rule sets are unit-tested.
struct ServerRules {
    // 16+: a membership has INHERIT and SET options and one row per grantor;
    // granting or revoking a role needs ADMIN OPTION on it (CREATEROLE is not
    // enough); SET ROLE needs a membership with SET.
    bool role_options = false;
    // 16+: createrole_self_grant is set, so CREATE ROLE makes the caller a
    // member of the new role; sync takes that membership back.
    bool self_grant = false;
};

// An intermediate role or recipient nothing refers to (drop_unused_roles).
struct UnusedRole {
    std::string name;
    bool admin = false;  // the caller holds ADMIN OPTION on it (or is a superuser)
};

struct Caller {
    std::string name;
    bool superuser = false;
    bool createrole = false;
    bool inherit = true;                // rolinherit: whether it uses its roles' privileges (15)
    std::string role_setting = "none";  // the "role" setting, to restore after SET ROLE
};

struct RoleState {
    Oid oid = 0;
    bool can_login = false;
    bool inherit = true;                   // rolinherit
    std::optional<Timestamp> valid_until;  // NULL in the catalog: forever
    bool password_matches = false;         // the declared password is already set
    std::optional<bool> has_password;      // known only to a caller who can read pg_authid
    std::set<std::string> member_of;       // roles it is a direct member of
    std::set<std::string> admin_of;        // ... WITH ADMIN OPTION
    // 16+: the grantors of each membership (one row each), and whether any
    // row carries INHERIT / SET.
    std::map<std::string, std::set<std::string>> grantors;
    std::map<std::string, std::set<std::string>> admin_grantors;  // ... of rows WITH ADMIN OPTION
    std::set<std::string> inherits;        // memberships with INHERIT on some row
    std::set<std::string> settable;        // memberships with SET on some row
};

// One privilege of one ACL entry, as aclexplode() returns it.
struct AclEntry {
    std::string grantee;
    std::string grantor;
    std::string privilege;  // "SELECT", "USAGE", ...
    bool grantable = false; // WITH GRANT OPTION
    // The grantor, not the owner, no longer holds the grant option of the
    // privilege itself (in the same ACL): its grant outlived it, as when a
    // member of the owner loses the option (it keeps it implicitly, so
    // nothing cascades).
    bool grantor_lacks_option = false;
};

struct Database {
    Oid oid = 0;
    std::string owner;
    std::vector<AclEntry> acl;  // entries of interest (see catalog/)
};

struct Schema {
    Oid oid = 0;
    std::string owner;
    std::vector<AclEntry> acl;
    bool caller_can_create = false;  // has_schema_privilege(schema, 'CREATE') for the caller
    bool owner_without_usage = false;  // its owner revoked its own USAGE
};

struct ColumnAclEntry {
    std::string column;
    AclEntry entry;
};

struct Relation {
    Oid oid = 0;
    std::string schema;
    std::string name;
    char relkind = 'r';  // r, p, v, m, f or S, as in pg_class
    std::string owner;
    std::vector<AclEntry> acl;             // entries of target and intermediate roles, and of targets' grantors
    std::vector<ColumnAclEntry> columns;   // column privileges of target and intermediate roles
    std::vector<Oid> owned_sequences;      // move with the table when its owner changes
    bool linked = false;                   // a sequence owned by a table column
};

// The caller's standing towards a role whose rights a change needs.
struct Standing {
    bool has_privileges = false;  // pg_has_role(role, 'USAGE'): uses its privileges
    bool can_set = false;         // may SET ROLE to it (15: a member; 16+: with SET)
    bool admin = false;           // holds ADMIN OPTION on it
    bool direct_member = false;   // a pg_auth_members row exists
    bool superuser = false;       // cannot be granted by a non-superuser
    bool member_of_caller = false;  // a member of the caller: lending it would be circular
    // ... through another role than its own direct membership of the caller,
    // which a plan that revokes that membership first takes away.
    bool member_of_caller_indirectly = false;
    // 16+: the caller's own row of this membership (granted by itself), whose
    // options a borrowing changes and must put back.
    std::optional<std::pair<bool, bool>> own_row;  // (inherit, set)
};

// The role that receives what a role owned and no longer may: made and
// marked by sync, NOLOGIN, no privileges, no members, member of nothing.
struct Recipient {
    std::string name;
    bool trusted = false;  // still plain, with no member: safe to give more to
};

// Facts that cost privilege checks in the server, worked out only when the
// planner asks for them: a plan with nothing to change asks for none.  The
// answers are those the maps below would hold (Snapshot::standing, usage,
// usage_needs): nullopt / false / 0 for a role or schema the read would have
// left out.  usage_needs is asked only of a pair usage() holds, and only
// where the plan revokes a target's membership or PUBLIC's USAGE.
class Deferred {
public:
    virtual ~Deferred() = default;
    virtual std::optional<Standing> standing(const std::string& role) = 0;
    virtual bool usage(const std::string& role, const std::string& schema) = 0;
    virtual int usage_needs(const std::string& role, const std::string& schema) = 0;
    // Of a pair where usage() holds: whether it still holds once the schema's
    // USAGE is revoked from the `lost` grantees ("" is PUBLIC), and, with
    // `targets_lost`, once the targets' memberships are revoked.  Asked only
    // where the plan revokes USAGE from a role other than this one and PUBLIC
    // (a schema taken from its owner loses the grants she made).
    virtual bool usage_after(const std::string& role, const std::string& schema, const std::set<std::string>& lost,
                             bool targets_lost) = 0;
};

struct Snapshot {
    ServerRules server;
    Caller caller;
    Oid database_oid = 0;
    // Every existing role the request names (looked up by name thousands of
    // times in a large request; never walked in order).
    std::unordered_map<std::string, RoleState> roles;
    std::map<std::string, Database> databases;
    std::map<std::string, Schema> schemas;
    std::map<Oid, Relation> relations;
    std::map<std::pair<std::string, std::string>, Oid> relation_by_name;
    // (schema, table_regex) -> matching relations
    std::map<std::pair<std::string, std::string>, std::vector<Oid>> regex_matches;
    // For each target role: the relations and schemas of this database it
    // owns or is named in the ACL of (from pg_shdepend).
    std::map<std::string, std::set<Oid>> touched_relations;
    std::map<std::string, std::set<std::string>> touched_schemas;
    std::map<std::string, Standing> standing;  // roles whose rights a change may need
    // Intermediate roles found in the ACLs above, as candidates for reuse.
    struct Candidate {
        bool plain = false;   // NOLOGIN, no other attribute, a member of no role
        std::optional<std::string> comment;  // marks the object it was made for
        int references = 0;   // ACLs naming it, in this database or shared
    };
    std::map<std::string, Candidate> intermediates;
    // Members' intermediate roles of another database, which nothing here
    // refers to: that database's syncs manage them.
    std::set<std::string> foreign_intermediates;
    // (role, schema) pairs where the role may use the schema (USAGE, or owns
    // it): the roles a statement may act as, and the schemas of the snapshot.
    std::set<std::pair<std::string, std::string>> usage;
    // The pairs of `usage` that a change this plan may make before the
    // statement takes away (UsageNeed bits): they hold only through a
    // membership of a target role (its own, or one it is a member of), gone
    // once the plan revokes a target's memberships; or only through PUBLIC's
    // USAGE, gone once the plan revokes that; or only through one of them.
    enum UsageNeed : int { kThroughTargets = 1, kThroughPublic = 2, kThroughEither = 4 };
    std::map<std::pair<std::string, std::string>, int> usage_needs;
    // Pairs of `usage` with the grantees of the schema's ACL whose USAGE the
    // role uses ("" PUBLIC): what Deferred::usage_after answers from.  A pair
    // not listed here is answered as usage_needs says.
    std::map<std::pair<std::string, std::string>, std::set<std::string>> usage_through;
    // Each target's recipient of objects taken from it, where one exists.
    std::map<std::string, Recipient> recipients;
    // Where set, standing and usage are asked of it for what the maps lack.
    std::shared_ptr<Deferred> deferred;

    bool role_exists(const std::string& name) const { return roles.count(name) != 0; }
};

}  // namespace pgsr::plan
