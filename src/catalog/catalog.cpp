#include "catalog/catalog.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "pg/server.hpp"
#include "pg/spi.hpp"
#include "pg/values.hpp"
#include "plan/plan.hpp"

namespace pgsr::catalog {

using pg::Param;
using plan::Request;
using plan::Snapshot;

namespace {

std::vector<std::string> as_vector(const std::set<std::string>& s) { return {s.begin(), s.end()}; }

void read_caller(Snapshot& snap, bool& can_read_authid) {
    auto rows = pg::spi::query(
        "SELECT CURRENT_USER::pg_catalog.text, r.rolsuper,"
        "       pg_catalog.has_table_privilege('pg_catalog.pg_authid', 'SELECT'),"
        "       d.oid, pg_catalog.current_setting('role'), r.rolcreaterole, r.rolinherit"
        "  FROM pg_catalog.pg_roles r, pg_catalog.pg_database d"
        " WHERE r.rolname = CURRENT_USER AND d.datname = pg_catalog.current_database()");
    const pg::Row& row = rows.at(0);
    snap.caller.name = row.text(0);
    snap.caller.superuser = row.boolean(1);
    can_read_authid = row.boolean(2);
    snap.database_oid = row.oid(3);
    snap.caller.role_setting = row.text(4);
    snap.caller.createrole = row.boolean(5);
    snap.caller.inherit = row.boolean(6);
    snap.server = pg::server_rules();
}

// The roles a request names: its targets and the roles it makes them members of.
void read_roles(Snapshot& snap, const Request& req) {
    std::set<std::string> names;
    for (const auto& role : req.roles) {
        names.insert(role.name);
        for (const auto& g : role.grants)
            if (g.kind == spec::Kind::role_membership) names.insert(g.role);
    }
    for (const pg::Row& row : pg::spi::query(
             "SELECT r.rolname::pg_catalog.text, r.rolcanlogin, r.rolvaliduntil, r.oid, r.rolinherit"
             "  FROM pg_catalog.pg_roles r"
             " WHERE r.rolname = ANY ($1::pg_catalog.name[])",
             {Param::of(as_vector(names))})) {
        plan::RoleState& st = snap.roles[row.text(0)];
        st.can_login = row.boolean(1);
        st.valid_until = row.opt_int64(2);
        st.oid = row.oid(3);
        st.inherit = row.boolean(4);
    }
}

void read_memberships(Snapshot& snap, const Request& req) {
    std::vector<std::string> targets;
    for (const auto& role : req.roles) targets.push_back(role.name);
    std::string sql = std::string(
        "SELECT m.rolname::pg_catalog.text, g.rolname::pg_catalog.text, a.admin_option,"
        "       pg_catalog.pg_get_userbyid(a.grantor)::pg_catalog.text, ") + pg::membership_options_sql() +
        "  FROM pg_catalog.pg_roles m"
        "  JOIN pg_catalog.pg_auth_members a ON a.member = m.oid"
        "  JOIN pg_catalog.pg_roles g ON g.oid = a.roleid"
        " WHERE m.rolname = ANY ($1::pg_catalog.name[])";
    for (const pg::Row& row : pg::spi::query(sql, {Param::of(targets)})) {
        plan::RoleState& st = snap.roles[row.text(0)];
        const std::string& role = row.text(1);
        st.member_of.insert(role);
        if (row.boolean(2)) st.admin_of.insert(role);
        st.grantors[role].insert(row.text(3));
        if (row.boolean(4)) st.inherits.insert(role);
        if (row.boolean(5)) st.settable.insert(role);
    }
}

// The stored passwords are read only when the caller could read pg_authid by
// hand: then a declared password already set is not set again, and a NOLOGIN
// role that still has a password loses it.  Otherwise a declared password is
// always set again.
void read_passwords(Snapshot& snap, const Request& req, bool can_read_authid) {
    if (!can_read_authid) return;
    std::vector<std::string> names;
    for (const auto& role : req.roles)
        if (snap.role_exists(role.name)) {
            names.push_back(role.name);
            snap.roles[role.name].has_password = false;
        }
    if (names.empty()) return;
    auto rows = pg::spi::query(
        "SELECT a.rolname::pg_catalog.text, a.rolpassword FROM pg_catalog.pg_authid a"
        " WHERE a.rolname = ANY ($1::pg_catalog.name[]) AND a.rolpassword IS NOT NULL",
        {Param::of(names)});
    for (const pg::Row& row : rows) {
        Secret stored(row.text(1));
        plan::RoleState& st = snap.roles[row.text(0)];
        st.has_password = true;
        for (const auto& role : req.roles)
            if (role.name == row.text(0) && role.login && role.login->declared)
                st.password_matches = pg::password_matches(role.name, stored, *role.login->declared);
    }
}

std::vector<std::string> target_names(const Request& req) {
    std::vector<std::string> out;
    for (const auto& role : req.roles) out.push_back(role.name);
    return out;
}

// The roles whose ACL entries are read: the targets, and the intermediate
// roles of other databases they are members of.
std::vector<std::string> acl_names(const Snapshot& snap, const Request& req) {
    std::vector<std::string> out = target_names(req);
    out.insert(out.end(), snap.foreign_intermediates.begin(), snap.foreign_intermediates.end());
    return out;
}

// ACL entries worth reading: those granted to or by the target roles (what
// they hold, and what they passed on), those of intermediate roles (to find
// the one holding a privilege), and those held by a role other than the owner
// that granted a target something (a REVOKE as that role removes its grant
// only where it holds the grant option itself).  An ACL with thousands of
// other grantees is filtered in the server.
// PUBLIC comes back as the empty name: only what a target granted it.
const char* kAclFilter =
    "SELECT CASE WHEN x.grantee = 0 THEN '' ELSE pg_catalog.pg_get_userbyid(x.grantee)::pg_catalog.text END AS grantee,"
    "       pg_catalog.pg_get_userbyid(x.grantor)::pg_catalog.text AS grantor,"
    "       x.privilege_type, x.is_grantable"
    "  FROM pg_catalog.aclexplode(%s) x"
    " WHERE (x.grantee <> 0 OR pg_catalog.pg_get_userbyid(x.grantor) = ANY ($%d::pg_catalog.name[]))"
    "   AND (pg_catalog.pg_get_userbyid(x.grantee) = ANY ($%d::pg_catalog.name[])"
    "        OR pg_catalog.pg_get_userbyid(x.grantor) = ANY ($%d::pg_catalog.name[])"
    "        OR pg_catalog.starts_with(pg_catalog.pg_get_userbyid(x.grantee)::pg_catalog.text, $%d)"
    "        OR x.grantee = ANY (ARRAY (SELECT y.grantor FROM pg_catalog.aclexplode(%s) y"
    "                                    WHERE y.grantor <> %s"
    "                                      AND pg_catalog.pg_get_userbyid(y.grantee) = ANY ($%d::pg_catalog.name[]))))";

std::string acl_subquery(const char* column, const char* owner, int names_param, int prefix_param) {
    char buf[2048];
    snprintf(buf, sizeof buf, kAclFilter, column, names_param, names_param, names_param, prefix_param, column, owner,
             names_param);
    return buf;
}

// Marks the entries whose grantor (not the owner) holds no grant option of
// the privilege itself, where the filter above read what the grantor holds:
// for entries of the roles in `names`.
void mark_grantor_options(std::vector<plan::AclEntry>& acl, const std::string& owner,
                          const std::vector<std::string>& names) {
    for (plan::AclEntry& e : acl) {
        if (e.grantor == owner || std::find(names.begin(), names.end(), e.grantee) == names.end()) continue;
        bool holds = false;
        for (const plan::AclEntry& o : acl)
            holds = holds || (o.grantee == e.grantor && o.privilege == e.privilege && o.grantable);
        e.grantor_lacks_option = !holds;
    }
}

std::string local_prefix(const Snapshot& snap) {
    return "_pgsr_local_" + std::to_string(snap.database_oid) + "_";
}

// Declared databases: their owner, and the ACL entries of the target roles
// and of CONNECT intermediate roles.
void read_databases(Snapshot& snap, const Request& req) {
    std::set<std::string> names;
    for (const auto& role : req.roles)
        for (const auto& g : role.grants)
            if (g.kind == spec::Kind::database_connect) names.insert(g.database);
    if (names.empty()) return;
    std::string sql =
        "SELECT d.datname::pg_catalog.text, d.oid, pg_catalog.pg_get_userbyid(d.datdba)::pg_catalog.text,"
        "       x.grantee, x.grantor, x.privilege_type, x.is_grantable"
        "  FROM pg_catalog.pg_database d"
        "  LEFT JOIN LATERAL (" + acl_subquery("d.datacl", "d.datdba", 2, 3) + ") x ON true"
        " WHERE d.datname = ANY ($1::pg_catalog.name[])";
    for (const pg::Row& row : pg::spi::query(
             sql, {Param::of(as_vector(names)), Param::of(target_names(req)), Param::of(plan::connect_role_prefix())})) {
        plan::Database& db = snap.databases[row.text(0)];
        db.oid = row.oid(1);
        db.owner = row.text(2);
        if (!row.is_null(3)) db.acl.push_back({row.text(3), row.text(4), row.text(5), row.boolean(6)});
    }
}

// What the target roles own or are named in the ACL of, in this database:
// pg_shdepend, by role, through its index.  Schemas come back by oid.
using TouchedSchemas = std::map<std::string, std::set<plan::Oid>>;

void read_touched(Snapshot& snap, const Request& req, TouchedSchemas& schemas,
                  std::set<plan::Oid>& relation_oids) {
    std::vector<std::uint32_t> oids;
    for (const auto& role : req.roles)
        if (auto it = snap.roles.find(role.name); it != snap.roles.end()) oids.push_back(it->second.oid);
    if (oids.empty()) return;
    for (const pg::Row& row : pg::spi::query(
             "SELECT DISTINCT r.rolname::pg_catalog.text,"
             "       d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass, d.objid"
             "  FROM pg_catalog.pg_shdepend d"
             "  JOIN pg_catalog.pg_roles r ON r.oid = d.refobjid"
             " WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
             "   AND d.refobjid = ANY ($1::pg_catalog.oid[])"
             "   AND d.dbid = $2::pg_catalog.oid"
             "   AND d.classid IN ('pg_catalog.pg_class'::pg_catalog.regclass,"
             "                     'pg_catalog.pg_namespace'::pg_catalog.regclass)",
             {Param::of(oids), Param::of_int8(snap.database_oid)})) {
        if (row.boolean(1)) {
            relation_oids.insert(row.oid(2));
            snap.touched_relations[row.text(0)].insert(row.oid(2));
        } else {
            schemas[row.text(0)].insert(row.oid(2));
        }
    }
}

void read_schemas(Snapshot& snap, const Request& req, const TouchedSchemas& touched) {
    std::set<std::string> names;
    for (const auto& role : req.roles)
        for (const auto& g : role.grants)
            if (!g.schema.empty()) names.insert(g.schema);
    for (const auto& [_, rel] : snap.relations) names.insert(rel.schema);
    std::set<plan::Oid> oids;
    for (const auto& [_, set] : touched) oids.insert(set.begin(), set.end());
    if (names.empty() && oids.empty()) return;
    std::string sql =
        "SELECT n.nspname::pg_catalog.text, n.oid, pg_catalog.pg_get_userbyid(n.nspowner)::pg_catalog.text,"
        "       e.grantee, e.grantor, e.privilege_type, e.is_grantable,"
        "       pg_catalog.has_schema_privilege(n.oid, 'CREATE'),"
        "       NOT pg_catalog.has_schema_privilege(n.nspowner, n.oid, 'USAGE')"
        "  FROM pg_catalog.pg_namespace n"
        "  LEFT JOIN LATERAL (" + acl_subquery("n.nspacl", "n.nspowner", 3, 4) + ") e ON true"
        " WHERE n.nspname = ANY ($1::pg_catalog.name[]) OR n.oid = ANY ($2::pg_catalog.oid[])";
    std::map<plan::Oid, std::string> by_oid;
    for (const pg::Row& row : pg::spi::query(
             sql, {Param::of(as_vector(names)), Param::of(std::vector<std::uint32_t>(oids.begin(), oids.end())),
                   Param::of(acl_names(snap, req)), Param::of(local_prefix(snap))})) {
        plan::Schema& sc = snap.schemas[row.text(0)];
        sc.oid = row.oid(1);
        sc.owner = row.text(2);
        sc.caller_can_create = row.boolean(7);
        sc.owner_without_usage = row.boolean(8);
        by_oid[sc.oid] = row.text(0);
        if (!row.is_null(3)) sc.acl.push_back({row.text(3), row.text(4), row.text(5), row.boolean(6)});
    }
    const std::vector<std::string> names_read = acl_names(snap, req);
    for (auto& [_, sc] : snap.schemas) mark_grantor_options(sc.acl, sc.owner, names_read);
    for (const auto& [role, set] : touched)
        for (plan::Oid oid : set)
            if (auto it = by_oid.find(oid); it != by_oid.end()) snap.touched_schemas[role].insert(it->second);
}

// Declared tables, by name and by pattern, resolved to oids.  A pattern reads
// its schema's relations through pg_depend's index on the schema.
void resolve_relations(Snapshot& snap, const Request& req, std::set<plan::Oid>& oids) {
    std::vector<std::string> by_schema, by_table, re_schema, re_pattern;
    for (const auto& role : req.roles)
        for (const auto& g : role.grants) {
            if (g.kind != spec::Kind::table_select && g.kind != spec::Kind::table_ownership) continue;
            if (g.table_regex.empty()) {
                by_schema.push_back(g.schema);
                by_table.push_back(g.table);
            } else {
                re_schema.push_back(g.schema);
                re_pattern.push_back(g.table_regex);
            }
        }
    // Custom plans here: with the arrays known, each name is one index probe;
    // a generic plan would read every schema's relations.
    if (!by_schema.empty())
        for (const pg::Row& row : pg::spi::query(
                 "SELECT x.s::pg_catalog.text, x.t::pg_catalog.text, c.oid"
                 "  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]),"
                 "                  pg_catalog.unnest($2::pg_catalog.text[])) AS x(s, t)"
                 "  JOIN pg_catalog.pg_namespace n ON n.nspname = x.s::pg_catalog.name"
                 "  JOIN pg_catalog.pg_class c ON c.relname = x.t::pg_catalog.name AND c.relnamespace = n.oid"
                 " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relpersistence <> 't'",
                 {Param::of(by_schema), Param::of(by_table)}, pg::PlanKind::custom)) {
            oids.insert(row.oid(2));
            snap.relation_by_name[{row.text(0), row.text(1)}] = row.oid(2);
        }
    if (!re_schema.empty())
        for (const pg::Row& row : pg::spi::query(
                 "SELECT DISTINCT x.s::pg_catalog.text, x.p::pg_catalog.text, c.oid"
                 "  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]),"
                 "                  pg_catalog.unnest($2::pg_catalog.text[])) AS x(s, p)"
                 "  JOIN pg_catalog.pg_namespace n ON n.nspname = x.s::pg_catalog.name"
                 "  JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass"
                 "                            AND d.refobjid = n.oid AND d.refobjsubid = 0"
                 "                            AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
                 "  JOIN pg_catalog.pg_class c ON c.oid = d.objid"
                 " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relpersistence <> 't'"
                 "   AND c.relname OPERATOR(pg_catalog.~) x.p",
                 {Param::of(re_schema), Param::of(re_pattern)}, pg::PlanKind::custom)) {
            oids.insert(row.oid(2));
            snap.regex_matches[{row.text(0), row.text(1)}].push_back(row.oid(2));
        }
}

void read_relation_rows(Snapshot& snap, const Request& req, const std::set<plan::Oid>& oids) {
    if (oids.empty()) return;
    std::string sql =
        "SELECT c.oid, n.nspname::pg_catalog.text, c.relname::pg_catalog.text, c.relkind::pg_catalog.text,"
        "       pg_catalog.pg_get_userbyid(c.relowner)::pg_catalog.text,"
        "       c.relkind = 'S' AND EXISTS (SELECT FROM pg_catalog.pg_depend d"
        "            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid"
        "              AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "              AND d.deptype IN ('a', 'i')),"
        "       e.grantee, e.grantor, e.privilege_type, e.is_grantable"
        "  FROM pg_catalog.pg_class c"
        "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        "  LEFT JOIN LATERAL (" + acl_subquery("c.relacl", "c.relowner", 2, 3) + ") e ON true"
        " WHERE c.oid = ANY ($1::pg_catalog.oid[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
        "   AND c.relpersistence <> 't'";  // another session's temporary table is not ours to change
    for (const pg::Row& row : pg::spi::query(
             sql, {Param::of(std::vector<std::uint32_t>(oids.begin(), oids.end())),
                   Param::of(acl_names(snap, req)), Param::of(local_prefix(snap))})) {
        plan::Relation& rel = snap.relations[row.oid(0)];
        rel.oid = row.oid(0);
        rel.schema = row.text(1);
        rel.name = row.text(2);
        rel.relkind = row.text(3).empty() ? 'r' : row.text(3)[0];
        rel.owner = row.text(4);
        rel.linked = row.boolean(5);
        if (!row.is_null(6)) rel.acl.push_back({row.text(6), row.text(7), row.text(8), row.boolean(9)});
    }
    const std::vector<std::string> names_read = acl_names(snap, req);
    for (plan::Oid oid : oids)
        if (auto it = snap.relations.find(oid); it != snap.relations.end())
            mark_grantor_options(it->second.acl, it->second.owner, names_read);
    // Column privileges of the target roles, and of intermediate roles (one
    // holding any is not fit for reuse).
    for (const pg::Row& row : pg::spi::query(
             "SELECT a.attrelid, a.attname::pg_catalog.text,"
             "       CASE WHEN x.grantee = 0 THEN '' ELSE pg_catalog.pg_get_userbyid(x.grantee)::pg_catalog.text END,"
             "       pg_catalog.pg_get_userbyid(x.grantor)::pg_catalog.text, x.privilege_type, x.is_grantable"
             "  FROM pg_catalog.pg_attribute a,"
             "       LATERAL pg_catalog.aclexplode(a.attacl) x"
             " WHERE a.attrelid = ANY ($1::pg_catalog.oid[]) AND a.attnum > 0 AND a.attacl IS NOT NULL"
             "   AND (pg_catalog.pg_get_userbyid(x.grantee) = ANY ($2::pg_catalog.name[])"
             "        OR pg_catalog.pg_get_userbyid(x.grantor) = ANY ($2::pg_catalog.name[])"
             "        OR pg_catalog.starts_with(pg_catalog.pg_get_userbyid(x.grantee)::pg_catalog.text, $3))",
             {Param::of(std::vector<std::uint32_t>(oids.begin(), oids.end())), Param::of(target_names(req)),
              Param::of(local_prefix(snap))}))
        snap.relations[row.oid(0)].columns.push_back(
            {row.text(1), {row.text(2), row.text(3), row.text(4), row.boolean(5)}});
}

// Sequences owned by table columns (serial, identity): their owner changes
// with their table's.
std::set<plan::Oid> read_owned_sequences(Snapshot& snap, const std::set<plan::Oid>& tables) {
    std::set<plan::Oid> sequences;
    if (tables.empty()) return sequences;
    for (const pg::Row& row : pg::spi::query(
             "SELECT d.refobjid, d.objid FROM pg_catalog.pg_depend d"
             "  JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
             " WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
             "   AND d.refobjid = ANY ($1::pg_catalog.oid[])"
             "   AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
             "   AND d.deptype IN ('a', 'i')",
             {Param::of(std::vector<std::uint32_t>(tables.begin(), tables.end()))})) {
        snap.relations[row.oid(0)].owned_sequences.push_back(row.oid(1));
        sequences.insert(row.oid(1));
    }
    return sequences;
}

void read_relations(Snapshot& snap, const Request& req, std::set<plan::Oid> oids) {
    resolve_relations(snap, req, oids);
    read_relation_rows(snap, req, oids);
    std::set<plan::Oid> more;
    for (plan::Oid s : read_owned_sequences(snap, oids))
        if (!oids.count(s)) more.insert(s);
    read_relation_rows(snap, req, more);
}

// What the planner needs to decide whether an intermediate role found in an
// ACL may be reused (see plan.cpp, intermediate_in_acl).
void read_intermediates(Snapshot& snap) {
    std::set<std::string> names;
    auto collect = [&](const std::vector<plan::AclEntry>& acl) {
        for (const auto& e : acl)
            if (e.grantee.rfind("_pgsr_", 0) == 0) names.insert(e.grantee);
    };
    for (const auto& [_, db] : snap.databases) collect(db.acl);
    for (const auto& [_, sc] : snap.schemas) collect(sc.acl);
    for (const auto& [_, rel] : snap.relations) collect(rel.acl);
    if (names.empty()) return;
    for (const pg::Row& row : pg::spi::query(
             "SELECT r.rolname::pg_catalog.text,"
             "       NOT (r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb"
             "            OR r.rolreplication OR r.rolbypassrls)"
             "       AND NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m WHERE m.member = r.oid),"
             "       pg_catalog.shobj_description(r.oid, 'pg_authid'),"
             "       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_shdepend d"
             "         WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
             "           AND d.refobjid = r.oid AND d.dbid IN (0, $2::pg_catalog.oid))"
             "  FROM pg_catalog.pg_roles r"
             " WHERE r.rolname = ANY ($1::pg_catalog.name[])",
             {Param::of(as_vector(names)), Param::of_int8(snap.database_oid)})) {
        plan::Snapshot::Candidate& c = snap.intermediates[row.text(0)];
        c.plain = row.boolean(1);
        c.comment = row.opt_text(2);
        c.references = static_cast<int>(row.int64(3));
    }
}

// The targets' memberships of intermediate roles of another existing
// database: that database's to manage, never revoked here.  Only a role that
// really is one is left alone: named prefix + kind + 8 hex digits, plain
// (NOLOGIN, no attribute, a member of nothing), and holding something in
// that database or marked by sync.  A look-alike is revoked as any other
// undeclared membership.  (After a restore under a new oid, the old
// database is gone: its roles are then this database's to revoke.)  What
// they hold here (a copy of that database names them in its ACLs) is
// returned, so that it is revoked: in this database its own intermediate
// roles hold the privileges.
void read_foreign_intermediates(Snapshot& snap, std::set<plan::Oid>& relation_oids, TouchedSchemas& schemas) {
    std::string ours = "_pgsr_local_" + std::to_string(snap.database_oid) + "_";
    std::set<std::string> names;
    for (const auto& [_, st] : snap.roles)
        for (const auto& r : st.member_of)
            if (r.rfind("_pgsr_local_", 0) == 0 && r.rfind(ours, 0) != 0) names.insert(r);
    if (names.empty()) return;
    for (const pg::Row& row : pg::spi::query(
             "SELECT r.rolname::pg_catalog.text FROM pg_catalog.pg_roles r"
             "  JOIN pg_catalog.pg_database d"
             "    ON d.oid::pg_catalog.text = pg_catalog.substring(r.rolname::pg_catalog.text, '^_pgsr_local_([0-9]+)_')"
             " WHERE r.rolname = ANY ($1::pg_catalog.name[])"
             "   AND d.oid <> $2::pg_catalog.oid"
             "   AND r.rolname OPERATOR(pg_catalog.~) $3"
             "   AND NOT (r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb"
             "            OR r.rolreplication OR r.rolbypassrls)"
             "   AND NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m WHERE m.member = r.oid)"
             "   AND (EXISTS (SELECT FROM pg_catalog.pg_shdepend s"
             "                 WHERE s.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
             "                   AND s.refobjid = r.oid AND s.dbid = d.oid)"
             "        OR pg_catalog.starts_with(pg_catalog.shobj_description(r.oid, 'pg_authid'), $4))",
             {Param::of(as_vector(names)), Param::of_int8(snap.database_oid),
              Param::of(plan::intermediate_name_pattern()), Param::of(std::string(plan::kMarkerPrefix))}))
        snap.foreign_intermediates.insert(row.text(0));
    if (snap.foreign_intermediates.empty()) return;
    for (const pg::Row& row : pg::spi::query(
             "SELECT DISTINCT r.rolname::pg_catalog.text,"
             "       d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass, d.objid"
             "  FROM pg_catalog.pg_roles r"
             "  JOIN pg_catalog.pg_shdepend d ON d.refobjid = r.oid"
             "   AND d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
             " WHERE r.rolname = ANY ($1::pg_catalog.name[]) AND d.dbid = $2::pg_catalog.oid"
             "   AND d.classid IN ('pg_catalog.pg_class'::pg_catalog.regclass,"
             "                     'pg_catalog.pg_namespace'::pg_catalog.regclass)",
             {Param::of(as_vector(snap.foreign_intermediates)), Param::of_int8(snap.database_oid)})) {
        if (row.boolean(1))
            relation_oids.insert(row.oid(2));
        else
            schemas[row.text(0)].insert(row.oid(2));
    }
}

// Each target's recipient of what was taken from it, found by its marker
// (which names the target by oid): only for targets that own something here.
void read_recipients(Snapshot& snap, const Request& req) {
    std::map<std::string, std::string> by_marker;
    for (const auto& role : req.roles) {
        auto it = snap.roles.find(role.name);
        if (it == snap.roles.end()) continue;
        bool owns = false;
        for (const auto& [_, sc] : snap.schemas) owns = owns || sc.owner == role.name;
        for (const auto& [_, rel] : snap.relations) owns = owns || rel.owner == role.name;
        if (owns) by_marker[plan::recipient_marker(role.name, it->second.oid)] = role.name;
    }
    if (by_marker.empty()) return;
    std::vector<std::string> markers;
    for (const auto& [m, _] : by_marker) markers.push_back(m);
    for (const pg::Row& row : pg::spi::query(
             "SELECT r.rolname::pg_catalog.text, pg_catalog.shobj_description(r.oid, 'pg_authid'),"
             "       NOT (r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb"
             "            OR r.rolreplication OR r.rolbypassrls)"
             "       AND NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m"
             "                        WHERE m.member = r.oid OR m.roleid = r.oid)"
             "  FROM pg_catalog.pg_roles r"
             " WHERE r.rolname LIKE '\\_pgsr\\_owner\\_%' AND r.rolname OPERATOR(pg_catalog.~) $2"
             "   AND pg_catalog.shobj_description(r.oid, 'pg_authid') = ANY ($1::pg_catalog.text[])"
             " ORDER BY 3 DESC, 1",
             {Param::of(markers), Param::of(plan::recipient_name_pattern())})) {
        const std::string& target = by_marker.at(row.text(1));
        if (snap.recipients.count(target)) continue;  // the first: trusted ones come first
        snap.recipients[target] = plan::Recipient{row.text(0), row.boolean(2)};
    }
}

// How the caller stands towards every role whose rights a change may need:
// the owners of what the request touches, the grantors of what targets hold,
// the target roles and the roles they are or will be members of.
void read_standing(Snapshot& snap, const Request& req) {
    std::set<std::string> names;
    for (const auto& role : req.roles) {
        if (snap.role_exists(role.name)) names.insert(role.name);
        for (const auto& g : role.grants)
            if (g.kind == spec::Kind::role_membership) names.insert(g.role);
    }
    for (const auto& [_, st] : snap.roles) {
        names.insert(st.member_of.begin(), st.member_of.end());
        for (const auto& [_, gs] : st.grantors) names.insert(gs.begin(), gs.end());
    }
    for (const auto& [_, rc] : snap.recipients) names.insert(rc.name);
    for (const auto& [name, _] : snap.intermediates) names.insert(name);  // memberships granted in them
    for (const auto& [_, db] : snap.databases) names.insert(db.owner);
    for (const auto& [_, s] : snap.schemas) names.insert(s.owner);
    for (const auto& [_, r] : snap.relations) {
        names.insert(r.owner);
        for (const auto& e : r.acl) names.insert(e.grantor);
        for (const auto& c : r.columns) names.insert(c.entry.grantor);
    }
    for (const auto& [_, sc] : snap.schemas)
        for (const auto& e : sc.acl) names.insert(e.grantor);
    names.erase("");
    if (names.empty()) return;
    std::string sql = std::string(
        "SELECT r.rolname::pg_catalog.text, pg_catalog.pg_has_role(r.oid, 'USAGE'),"
        "       EXISTS (SELECT FROM pg_catalog.pg_auth_members a WHERE a.roleid = r.oid AND a.member = c.oid),"
        "       r.rolsuper, pg_catalog.pg_has_role(r.oid, '") + pg::set_role_privilege() + "'),"
        "       pg_catalog.pg_has_role(r.oid, 'MEMBER WITH ADMIN OPTION'), o.i, o.s,"
        "       r.oid <> c.oid AND NOT r.rolsuper AND pg_catalog.pg_has_role(r.oid, c.oid, 'MEMBER')"
        "  FROM pg_catalog.pg_roles r"
        "  JOIN pg_catalog.pg_roles c ON c.rolname = CURRENT_USER"
        "  LEFT JOIN LATERAL (SELECT " + pg::membership_options_sql() +
        "                       FROM pg_catalog.pg_auth_members a"
        "                      WHERE a.roleid = r.oid AND a.member = c.oid AND a.grantor = c.oid) o(i, s) ON true"
        " WHERE r.rolname = ANY ($1::pg_catalog.name[])";
    for (const pg::Row& row : pg::spi::query(sql, {Param::of(as_vector(names))})) {
        plan::Standing& st = snap.standing[row.text(0)];
        st.has_privileges = row.boolean(1);
        st.direct_member = row.boolean(2);
        st.superuser = row.boolean(3);
        st.can_set = row.boolean(4);
        st.admin = row.boolean(5);
        if (!row.is_null(6)) st.own_row = std::make_pair(row.boolean(6), row.boolean(7));
        st.member_of_caller = row.boolean(8);
    }
}

// Which of the roles a statement may act as (and the caller) can look up
// objects in which of the snapshot's schemas, and where that holds only
// through what the plan may take away before the statement runs: a
// membership of a target role, or PUBLIC's USAGE.  The roles whose
// privileges each one uses are followed as PostgreSQL does
// (roles_is_member_of); `free` while no target's membership was followed.
void read_usage(Snapshot& snap, const Request& req) {
    if (snap.schemas.empty()) return;
    std::set<std::string> roles{snap.caller.name};
    for (const auto& [name, _] : snap.standing) roles.insert(name);
    std::set<std::string> schemas;
    for (const auto& [name, _] : snap.schemas) schemas.insert(name);
    auto through = [](const char* free, const char* grantees) {
        return std::string(
                   "r.rolsuper OR EXISTS (SELECT FROM kept k WHERE k.actor = r.oid AND ") + free +
               "    AND (k.role IN ('pg_read_all_data'::pg_catalog.regrole, 'pg_write_all_data'::pg_catalog.regrole)"
               "         OR EXISTS (SELECT FROM pg_catalog.aclexplode(COALESCE(n.nspacl,"
               "                                    pg_catalog.acldefault('n', n.nspowner))) x"
               "                     WHERE x.privilege_type = 'USAGE' AND x.grantee IN " + grantees + ")))";
    };
    std::string sql = std::string(
        "WITH RECURSIVE actor AS ("
        "    SELECT r.oid, r.rolname, r.rolsuper FROM pg_catalog.pg_roles r"
        "     WHERE r.rolname = ANY ($1::pg_catalog.name[])),"
        "  target AS (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = ANY ($3::pg_catalog.name[])),"
        "  kept (actor, role, free) AS ("
        "    SELECT oid, oid, true FROM actor"
        "    UNION"
        "    SELECT k.actor, a.roleid, k.free AND k.role NOT IN (SELECT oid FROM target) FROM kept k"
        "      JOIN pg_catalog.pg_auth_members a ON a.member = k.role"
        "      JOIN pg_catalog.pg_roles m ON m.oid = a.member"
        "     WHERE ") + pg::passes_privileges_sql() + ")"
        "SELECT r.rolname::pg_catalog.text, n.nspname::pg_catalog.text,"
        "       " + through("k.free", "(k.role, 0)") + ", " + through("true", "(k.role)") + ", " +
        through("k.free", "(k.role)") +
        "  FROM actor r, pg_catalog.pg_namespace n"
        " WHERE n.nspname = ANY ($2::pg_catalog.name[])"
        "   AND pg_catalog.has_schema_privilege(r.oid, n.oid, 'USAGE')";
    for (const pg::Row& row :
         pg::spi::query(sql, {Param::of(as_vector(roles)), Param::of(as_vector(schemas)), Param::of(target_names(req))})) {
        std::pair<std::string, std::string> key{row.text(0), row.text(1)};
        snap.usage.insert(key);
        int needs = (row.boolean(2) ? 0 : Snapshot::kThroughTargets) | (row.boolean(3) ? 0 : Snapshot::kThroughPublic) |
                    (row.boolean(4) ? 0 : Snapshot::kThroughEither);
        if (needs) snap.usage_needs[key] = needs;
    }
}

}  // namespace

Snapshot read(const Request& req) {
    Snapshot snap;
    bool can_read_authid = false;
    pg::spi::begin_reads();
    read_caller(snap, can_read_authid);
    read_roles(snap, req);
    read_memberships(snap, req);
    read_passwords(snap, req, can_read_authid);
    read_databases(snap, req);
    TouchedSchemas touched_schemas;
    std::set<plan::Oid> relation_oids;
    read_foreign_intermediates(snap, relation_oids, touched_schemas);
    read_touched(snap, req, touched_schemas, relation_oids);
    read_relations(snap, req, relation_oids);
    read_schemas(snap, req, touched_schemas);
    read_intermediates(snap);
    read_recipients(snap, req);
    read_standing(snap, req);
    read_usage(snap, req);
    pg::spi::end_reads();
    return snap;
}

std::vector<std::string> unused_intermediate_roles() {
    std::vector<std::string> out;
    pg::spi::begin_reads();
    for (const pg::Row& row : pg::spi::query(
             "SELECT r.rolname::pg_catalog.text FROM pg_catalog.pg_roles r"
             " WHERE (r.rolname OPERATOR(pg_catalog.~) $1 OR r.rolname OPERATOR(pg_catalog.~) $2)"
             "   AND NOT r.rolcanlogin"
             "   AND NOT EXISTS (SELECT FROM pg_catalog.pg_shdepend d"
             "                    WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
             "                      AND d.refobjid = r.oid)"
             " ORDER BY 1",
             {Param::of(plan::intermediate_name_pattern()), Param::of(plan::recipient_name_pattern())}))
        out.push_back(row.text(0));
    pg::spi::end_reads();
    return out;
}

bool role_exists(const std::string& name) {
    return !pg::spi::query("SELECT FROM pg_catalog.pg_roles WHERE rolname = $1::pg_catalog.name",
                           {Param::of(name)})
                .empty();
}

}  // namespace pgsr::catalog
