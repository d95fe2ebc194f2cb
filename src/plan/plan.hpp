// The planner: desired state + current state -> the ordered statements that
// make the current state match.  Pure C++: statements are data here, and
// apply/ renders them as quoted SQL.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "plan/state.hpp"

namespace pgsr::plan {

// The documented set of words in the `action` column.
enum class Action { create_role, alter_role, create_schema, grant, revoke, alter_owner, drop_role, comment };
const char* action_name(Action a);

enum class ObjectType {
    database,
    schema,
    table,
    view,
    materialized_view,
    foreign_table,
    sequence,
};

struct ObjectRef {
    ObjectType type = ObjectType::table;
    std::string schema;  // tables and sequences only
    std::string name;
    Oid oid = 0;         // relations: what the name meant when planned
    bool operator==(const ObjectRef& o) const {
        return type == o.type && schema == o.schema && name == o.name;
    }
};

// A role the plan makes.  A new role that may log in is made so in the same
// statement (CREATE ROLE ... WITH LOGIN), rather than by a SetLogin after it.
struct CreateRole {
    std::string role;
    bool login = false;
    std::optional<Secret> password;  // with login: a SCRAM secret
    std::string valid_until;         // with login
};
struct SetLogin {
    std::string role;
    std::optional<Secret> password;  // a SCRAM secret; nullopt keeps the current one
    std::string valid_until;
};
struct RemoveLogin {
    std::string role;
};
// Role memberships.  Options (16+) are rendered only where set.
struct GrantRoles {
    std::vector<std::string> roles;
    std::vector<std::string> members;
    std::optional<bool> inherit;  // WITH INHERIT TRUE/FALSE
    std::optional<bool> set;      // WITH SET TRUE/FALSE
};
struct RevokeRoles {
    std::vector<std::string> roles;
    std::vector<std::string> members;
    bool admin_option = false;  // REVOKE ADMIN OPTION FOR: the membership stays
    std::string granted_by;     // 16+: the grantor whose row goes
    bool give_back = false;     // returns what the caller borrowed for the call
};
// Every GRANT and REVOKE of privileges runs as exactly one role: `as_role`
// (after SET ROLE, put back afterwards), or the caller when it is empty.
// PostgreSQL records that role as the grantor, and a REVOKE removes only
// what that role granted.
struct GrantPrivileges {
    std::vector<std::string> privileges;
    ObjectRef object;
    std::string grantee;  // empty: PUBLIC
    std::string as_role;
    bool grant_option = false;  // WITH GRANT OPTION: only lent, for one statement
};
struct RevokePrivileges {
    std::vector<std::string> privileges;
    ObjectRef object;
    std::string grantee;
    std::vector<std::string> columns;  // column privileges: REVOKE ALL (columns)
    bool grant_option = false;         // REVOKE GRANT OPTION FOR: the privilege stays
    bool cascade = false;              // the grantee passed the privilege on
    std::string as_role;               // the grantor whose grant goes
    bool give_back = false;            // returns what was lent for one statement
};
struct CreateSchema {
    std::string schema;
    std::string owner;
};
struct AlterOwner {
    ObjectRef object;
    std::string owner;
};
struct DropRole {
    std::vector<std::string> roles;
};
// Marks an intermediate role with the privilege and object it was made for.
struct CommentOnRole {
    std::string role;
    std::string comment;
};

using Statement = std::variant<CreateRole, SetLogin, RemoveLogin, GrantRoles, RevokeRoles,
                               GrantPrivileges, RevokePrivileges, CreateSchema, AlterOwner, DropRole,
                               CommentOnRole>;

Action action_of(const Statement& s);

struct Plan {
    std::vector<Statement> statements;
    std::vector<std::string> notices;  // declared objects that were skipped
    // A change the caller could not make by hand: nothing may be applied.
    std::optional<spec::Error> error;
    bool empty() const { return statements.empty(); }
};

// Returns a name for a new intermediate role: prefix + 8 hex digits, not
// taken by any existing role.
using NameSource = std::function<std::string(const std::string& prefix)>;

// How many roles one GRANT or REVOKE of memberships names at most, on each
// side of TO/FROM.
inline constexpr std::size_t kMembershipChunk = 500;

// The role of the request (of `roles`) a statement is about, for sync_many's rows: the
// role it creates, sets the login of, makes a member, grants to, revokes
// from or makes an owner; nullopt for a statement about none of the
// request's roles (an intermediate role made, what the caller borrows) or
// about several (one GRANT of memberships naming several members).
std::optional<std::string> statement_role(const Statement& s, const std::set<std::string>& roles);

// Errors in a request that only show once the roles are known (a role
// declared a member of itself, a role named twice).
std::optional<spec::Error> validate(const Request& request);

Plan make_plan(const Request& request, const Snapshot& snapshot, const NameSource& names);

// The statements of `after` that are REVOKEs also in `before`: run, yet what
// they name is still there.
std::vector<std::size_t> ineffective_revokes(const Plan& before, const Plan& after);

// drop_unused_roles: DROP ROLE statements for the given roles, in chunks.
// From 16 on, dropping a role takes ADMIN OPTION on it (CREATEROLE is not
// enough): the roles the caller has no ADMIN OPTION on are left, named in a
// notice, so that the others are still dropped.
Plan drop_plan(const std::vector<UnusedRole>& roles, const ServerRules& rules);
// The roles a drop_plan drops, in order.
std::vector<std::string> dropped_roles(const Plan& plan);

// The object type of a pg_class relkind.
ObjectType relation_type(char relkind);

// Intermediate role name prefixes, as the Python library pg-sync-roles uses
// them, and a regular expression matching any intermediate role's full name.
std::string connect_role_prefix();
std::string local_role_prefix(Oid database_oid, spec::Kind kind);
std::string intermediate_name_pattern();
// For the full name of a local intermediate role (one that
// intermediate_name_pattern matches, "_pgsr_local_<oid>_<kind>_<8 hex>"):
// the database oid it names, as the oid's text; otherwise nullopt.
std::optional<Oid> local_intermediate_database(const std::string& name);

// The recipient of what a role owned and no longer may: prefix + 8 hex, and
// its marker names the former owner by oid.
std::string recipient_prefix();
std::string recipient_name_pattern();
std::string recipient_marker(const std::string& former_owner, Oid oid);

// The comment that marks an intermediate role made for `privilege` on an
// object: its name for people ("schema \"s\"", "table \"s\".\"t\"",
// "database \"d\"") and its identity, which is what is compared: the catalog
// and the oid ("[pg_class 16390]"), so that a rename keeps it and a new object
// under the old name does not inherit it.
std::string intermediate_marker(const std::string& privilege, const std::string& object,
                                const std::string& catalog, Oid oid);
inline constexpr const char* kMarkerPrefix = "pg_sync_roles: ";

}  // namespace pgsr::plan
