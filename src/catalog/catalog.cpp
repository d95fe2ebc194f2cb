#include "catalog/catalog.hpp"

#include <set>

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
        "       d.oid"
        "  FROM pg_catalog.pg_roles r, pg_catalog.pg_database d"
        " WHERE r.rolname = CURRENT_USER AND d.datname = pg_catalog.current_database()");
    const pg::Row& row = rows.at(0);
    snap.caller.name = row.text(0);
    snap.caller.superuser = row.boolean(1);
    can_read_authid = row.boolean(2);
    snap.database_oid = row.oid(3);
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
             "SELECT r.rolname::pg_catalog.text, r.rolcanlogin, r.rolvaliduntil"
             "  FROM pg_catalog.pg_roles r"
             " WHERE r.rolname = ANY ($1::pg_catalog.name[])",
             {Param::of(as_vector(names))})) {
        plan::RoleState& st = snap.roles[row.text(0)];
        st.can_login = row.boolean(1);
        st.valid_until = row.opt_int64(2);
    }
}

void read_memberships(Snapshot& snap, const Request& req) {
    std::vector<std::string> targets;
    for (const auto& role : req.roles) targets.push_back(role.name);
    for (const pg::Row& row : pg::spi::query(
             "SELECT m.rolname::pg_catalog.text, g.rolname::pg_catalog.text"
             "  FROM pg_catalog.pg_roles m"
             "  JOIN pg_catalog.pg_auth_members a ON a.member = m.oid"
             "  JOIN pg_catalog.pg_roles g ON g.oid = a.roleid"
             " WHERE m.rolname = ANY ($1::pg_catalog.name[])",
             {Param::of(targets)}))
        snap.roles[row.text(0)].member_of.insert(row.text(1));
}

// A declared password is compared with the stored one only when the caller
// could read pg_authid by hand; otherwise it is always set again.
void read_passwords(Snapshot& snap, const Request& req, bool can_read_authid) {
    if (!can_read_authid) return;
    std::vector<std::string> names;
    for (const auto& role : req.roles)
        if (role.login && role.login->declared && snap.role_exists(role.name)) names.push_back(role.name);
    if (names.empty()) return;
    auto rows = pg::spi::query(
        "SELECT a.rolname::pg_catalog.text, a.rolpassword FROM pg_catalog.pg_authid a"
        " WHERE a.rolname = ANY ($1::pg_catalog.name[]) AND a.rolpassword IS NOT NULL",
        {Param::of(names)});
    for (const pg::Row& row : rows) {
        Secret stored(row.text(1));
        for (const auto& role : req.roles)
            if (role.name == row.text(0) && role.login && role.login->declared)
                snap.roles[role.name].password_matches =
                    pg::password_matches(role.name, stored, *role.login->declared);
    }
}

void read_databases(Snapshot& snap, const Request& req) {
    std::set<std::string> names;
    for (const auto& role : req.roles)
        for (const auto& g : role.grants)
            if (g.kind == spec::Kind::database_connect) names.insert(g.database);
    if (names.empty()) return;
    for (const pg::Row& row : pg::spi::query(
             "SELECT d.datname::pg_catalog.text, d.oid, o.rolname::pg_catalog.text,"
             "       x.grantee, x.grantor, x.privilege_type"
             "  FROM pg_catalog.pg_database d"
             "  JOIN pg_catalog.pg_roles o ON o.oid = d.datdba"
             "  LEFT JOIN LATERAL ("
             "       SELECT g.rolname::pg_catalog.text AS grantee,"
             "              pg_catalog.pg_get_userbyid(e.grantor)::pg_catalog.text AS grantor,"
             "              e.privilege_type"
             "         FROM pg_catalog.aclexplode(d.datacl) e"
             "         JOIN pg_catalog.pg_roles g ON g.oid = e.grantee"
             "        WHERE e.privilege_type = 'CONNECT'"
             "          AND pg_catalog.starts_with(g.rolname::pg_catalog.text, $2)) x ON true"
             " WHERE d.datname = ANY ($1::pg_catalog.name[])",
             {Param::of(as_vector(names)), Param::of(plan::connect_role_prefix())})) {
        plan::Database& db = snap.databases[row.text(0)];
        db.oid = row.oid(1);
        db.owner = row.text(2);
        if (!row.is_null(3)) db.acl.push_back({row.text(3), row.text(4), row.text(5)});
    }
}

// How the caller stands towards every role whose rights a change may need:
// the owners of what the request touches, and the target roles.
void read_standing(Snapshot& snap, const Request& req) {
    std::set<std::string> names;
    for (const auto& role : req.roles)
        if (snap.role_exists(role.name)) names.insert(role.name);
    for (const auto& [_, db] : snap.databases) names.insert(db.owner);
    for (const auto& [_, s] : snap.schemas) names.insert(s.owner);
    for (const auto& [_, r] : snap.relations) names.insert(r.owner);
    if (names.empty()) return;
    for (const pg::Row& row : pg::spi::query(
             "SELECT r.rolname::pg_catalog.text, pg_catalog.pg_has_role(r.oid, 'USAGE'),"
             "       EXISTS (SELECT FROM pg_catalog.pg_auth_members a"
             "                WHERE a.roleid = r.oid"
             "                  AND a.member = (SELECT c.oid FROM pg_catalog.pg_roles c"
             "                                   WHERE c.rolname = CURRENT_USER)),"
             "       r.rolsuper"
             "  FROM pg_catalog.pg_roles r"
             " WHERE r.rolname = ANY ($1::pg_catalog.name[])",
             {Param::of(as_vector(names))})) {
        plan::Standing& st = snap.standing[row.text(0)];
        st.has_privileges = row.boolean(1);
        st.direct_member = row.boolean(2);
        st.superuser = row.boolean(3);
    }
}

}  // namespace

Snapshot read(const Request& req) {
    Snapshot snap;
    bool can_read_authid = false;
    read_caller(snap, can_read_authid);
    read_roles(snap, req);
    read_memberships(snap, req);
    read_passwords(snap, req, can_read_authid);
    read_databases(snap, req);
    read_standing(snap, req);
    return snap;
}

bool role_exists(const std::string& name) {
    return !pg::spi::query("SELECT FROM pg_catalog.pg_roles WHERE rolname = $1::pg_catalog.name",
                           {Param::of(name)})
                .empty();
}

}  // namespace pgsr::catalog
