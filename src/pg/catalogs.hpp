// Direct reads of the system catalogs, for catalog/: each a syscache lookup
// or a scan of one catalog index, never a query.  A catalog read through SPI
// costs an executor start, a plan that may not be the index the read needs
// (a kept generic plan is chosen on the catalogs' statistics, and seq-scans
// pg_auth_members when those are stale), and the parse of its result; these
// cost a hash probe or an index descent each.  Each returns plain C++ values.
// No PostgreSQL header here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pgsr::pg::catalogs {

using Oid = std::uint32_t;

// Makes the next reads see what other transactions committed (syscache
// invalidations) and what this one did (a new command).  Called once
// before each catalog pass.
void refresh();

struct Role {
    Oid oid = 0;
    std::string name;
    bool superuser = false;
    bool inherit = true;
    bool createrole = false;
    bool createdb = false;
    bool can_login = false;
    bool replication = false;
    bool bypassrls = false;
    std::optional<std::int64_t> valid_until;  // TimestampTz; nullopt: NULL (forever)

    // NOLOGIN and none of the attributes that give rights by themselves.
    bool no_attributes() const {
        return !(can_login || superuser || createrole || createdb || replication || bypassrls);
    }
};

std::optional<Role> role(const std::string& name);
std::optional<Role> role(Oid oid);
// Every role, from one scan of pg_authid, if that costs less than looking
// `n` names up in one walk of its index (roles_named): when pg_authid holds
// fewer than 2n roles (see whole_scan_cheaper); nullopt otherwise.
std::optional<std::vector<Role>> all_roles_if_cheaper_than(std::size_t n);
// The roles of `names` / `oids` that exist, read through pg_authid's index
// on name / oid in one walk (see merge_walk in catalogs.cpp), in no order.
std::vector<Role> roles_named(const std::vector<std::string>& names);
std::vector<Role> roles_with_oids(std::vector<Oid> oids);
// pg_get_userbyid: the name, or "unknown (OID=n)".
std::string role_name(Oid oid);
// The stored password (pg_authid.rolpassword), if any.
std::optional<std::string> role_password(Oid oid);

// The current user (CURRENT_USER), the database, the "role" setting as
// current_setting('role') shows it.
Oid current_user();
Oid database();
std::string role_setting();

// One pg_auth_members row.  Before 16 a membership has one row and both
// options are true.
struct Membership {
    Oid role = 0;
    Oid member = 0;
    Oid grantor = 0;
    bool admin = false;
    bool inherit = true;
    bool set = true;
};
// The rows whose member is `member` (index on member).
std::vector<Membership> memberships_of(Oid member);
// The rows of `member` in `role` (index on role, member).
std::vector<Membership> memberships(Oid role, Oid member);
// Whether `role` is a member of `of`, directly or through other roles, as
// pg_has_role(role, of, 'MEMBER') says for a role that is not a superuser.
// Walks up from `role` through the index on member: its cost is that of
// `role`'s memberships, not of the roles the server has looked at before
// (pg_has_role would fill one syscache list per role asked about, and 15
// searches those lists one by one).
bool is_member(Oid role, Oid of);
// Whether `role` is a member of `of` through another role: not counting its
// own direct membership of `of`.
bool is_member_indirectly(Oid role, Oid of);
// Whether `role` is a member of any role / has any member.
bool member_of_any(Oid role);
bool has_members(Oid role);

// The roles whose privileges `role` uses directly in a privilege check, as
// PostgreSQL follows them (roles_is_member_of): those it is a member of
// through a membership that passes privileges on (15: the member's
// rolinherit; 16+: the membership's INHERIT option), and pg_database_owner
// for the database's owner (`implicit`: no membership row, none to revoke).
struct PrivilegeSource {
    Oid role = 0;
    bool implicit = false;
};
std::vector<PrivilegeSource> privilege_sources(Oid role);
// Whether a role's privileges include USAGE on every schema
// (pg_read_all_data, pg_write_all_data).
bool uses_every_schema(Oid role);

// One privilege of one ACL entry, as aclexplode() returns it.
struct AclPrivilege {
    Oid grantee = 0;  // 0: PUBLIC
    Oid grantor = 0;
    std::string privilege;  // "SELECT", "USAGE", ...
    bool grantable = false;
};

struct Database {
    Oid oid = 0;
    Oid owner = 0;
    std::vector<AclPrivilege> acl;  // empty when datacl is NULL
};
std::optional<Database> database(const std::string& name);
bool database_exists(Oid oid);

struct Namespace {
    Oid oid = 0;
    std::string name;
    Oid owner = 0;
    std::vector<AclPrivilege> acl;
    bool default_acl = false;  // nspacl is NULL: the owner holds what acldefault gives it
};
std::optional<Namespace> namespace_by_name(const std::string& name);
std::optional<Namespace> namespace_by_oid(Oid oid);

struct Relation {
    Oid oid = 0;
    Oid namespace_oid = 0;
    std::string name;
    char relkind = 'r';
    char persistence = 'p';
    Oid owner = 0;
    std::vector<AclPrivilege> acl;
};
std::optional<Relation> relation(Oid oid);
std::optional<Relation> relation(Oid namespace_oid, const std::string& name);
// The relations of one namespace named `names` that exist, in one walk of
// pg_class's index on (relname, relnamespace), in no order.
std::vector<Relation> relations_named(Oid namespace_oid, const std::vector<std::string>& names);

struct ColumnAcl {
    std::string column;
    AclPrivilege item;
};
// Privileges on the relation's columns (attnum > 0, attacl not NULL).
std::vector<ColumnAcl> column_acls(Oid relation);
// The same for many relations, in one walk of pg_attribute's index; a
// relation with none has no entry.
std::map<Oid, std::vector<ColumnAcl>> column_acls(const std::set<Oid>& relations);

// pg_shdepend rows referring to a role: what it owns or is named in the ACL
// of, in any database (dbid 0: shared objects).
struct SharedDependency {
    Oid dbid = 0;
    Oid classid = 0;
    Oid objid = 0;
};
std::vector<SharedDependency> role_dependencies(Oid role);

// pg_depend rows referring to a relation, from another relation, of type
// automatic or internal: the sequences its columns own.
std::vector<Oid> owned_relations(Oid relation);
// Whether a relation depends so on another relation (a sequence owned by a
// column).
bool owned_by_relation(Oid relation);

// shobj_description(role, 'pg_authid').
std::optional<std::string> role_comment(Oid role);

// The same reads for many roles at once (sync_many): one walk of the
// catalog's index across them (merge_walk in catalogs.cpp), or one scan of
// the whole catalog, filtered here, when that costs less
// (whole_scan_cheaper) or the index may not be read.  Keyed by the role
// asked about; a role with no row has no entry.
std::map<Oid, std::vector<Membership>> memberships_of(const std::set<Oid>& members);
std::map<Oid, std::vector<SharedDependency>> role_dependencies(const std::set<Oid>& roles);
std::map<Oid, std::string> role_comments(const std::set<Oid>& roles);

// Catalog OIDs of pg_class, pg_namespace and pg_database, as in pg_shdepend.classid.
Oid class_catalog();
Oid namespace_catalog();
Oid database_catalog();

// Privilege checks, as the SQL functions of the same names.
bool pg_has_role(Oid role, const char* privilege);              // the current user
bool pg_has_role(Oid user, Oid role, const char* privilege);
bool has_schema_privilege(Oid schema, const char* privilege);  // the current user
bool has_schema_privilege(Oid user, Oid schema, const char* privilege);
bool can_read_authid();  // has_table_privilege('pg_authid', 'SELECT')

}  // namespace pgsr::pg::catalogs
