// What describe() reads: the planner's own snapshot of the roles, made for
// a request that declares the objects their intermediate roles hold, and,
// through pg_shdepend, what else they own or are granted that no element of
// the document can declare.
#include <algorithm>

#include "catalog/catalog.hpp"
#include "pg/catalogs.hpp"
#include "pg/error.hpp"
#include "pg/spi.hpp"
#include "plan/plan.hpp"

namespace pgsr::catalog {

namespace cat = pg::catalogs;
using pg::Param;

namespace {

// The objects an intermediate role of this database (or a CONNECT one)
// holds privileges on, declared as the element that names each, so that
// read() reads their ACLs.  Objects of another database are not read here.
void declare_held(plan::DesiredRole& role, cat::Oid oid, cat::Oid database, std::vector<cat::Oid>& databases) {
    for (const auto& m : cat::memberships_of(oid)) {
        auto r = cat::role(m.role);
        if (!r) continue;
        bool connect = r->name.rfind(plan::connect_role_prefix(), 0) == 0;
        bool local = r->name.rfind("_pgsr_local_" + std::to_string(database) + "_", 0) == 0;
        if (!connect && !local) continue;
        for (const cat::SharedDependency& d : cat::role_dependencies(r->oid)) {
            spec::Grant g;
            if (connect && d.dbid == 0 && d.classid == cat::database_catalog()) {
                databases.push_back(d.objid);
            } else if (local && d.dbid == database && d.classid == cat::namespace_catalog()) {
                auto n = cat::namespace_by_oid(d.objid);
                if (!n) continue;
                g.kind = spec::Kind::schema_usage;
                g.schema = n->name;
                role.grants.push_back(g);
            } else if (local && d.dbid == database && d.classid == cat::class_catalog()) {
                auto rel = cat::relation(d.objid);
                auto n = rel ? cat::namespace_by_oid(rel->namespace_oid) : std::nullopt;
                if (!n) continue;
                g.kind = spec::Kind::table_select;
                g.schema = n->name;
                g.table = rel->name;
                role.grants.push_back(g);
            }
        }
    }
}

// Database names by oid, for the CONNECT roles' databases.
void declare_databases(plan::DesiredRole& role, const std::vector<cat::Oid>& oids) {
    if (oids.empty()) return;
    for (const pg::Row& row : pg::spi::query(
             "SELECT d.datname::pg_catalog.text FROM pg_catalog.pg_database d WHERE d.oid = ANY ($1::pg_catalog.oid[])",
             {Param::of(oids)})) {
        spec::Grant g;
        g.kind = spec::Kind::database_connect;
        g.database = row.text(0);
        role.grants.push_back(g);
    }
}

std::vector<std::string> attributes(const cat::Role& r) {
    std::vector<std::string> out;
    if (r.superuser) out.push_back("SUPERUSER");
    if (r.createdb) out.push_back("CREATEDB");
    if (r.createrole) out.push_back("CREATEROLE");
    if (r.replication) out.push_back("REPLICATION");
    if (r.bypassrls) out.push_back("BYPASSRLS");
    if (!r.inherit) out.push_back("NOINHERIT");
    return out;
}

// What the roles own, are granted or are named in a policy of, among the
// objects the snapshot does not hold: not schemas, nor the table-like
// objects it reads.  Objects of other databases cannot be named from here:
// one note names each such database.
const char* const kOtherObjects = R"SQL(
WITH dep AS (
    SELECT d.refobjid AS role, d.classid, d.objid, d.objsubid, d.deptype
      FROM pg_catalog.pg_shdepend d
     WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass
       AND d.refobjid = ANY ($1::pg_catalog.oid[])
       AND d.deptype IN ('o', 'a', 'r')
       AND (d.dbid = 0 OR d.dbid = (SELECT b.oid FROM pg_catalog.pg_database b
                                     WHERE b.datname = pg_catalog.current_database()))
       AND d.classid <> 'pg_catalog.pg_namespace'::pg_catalog.regclass
       AND NOT (d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                AND EXISTS (SELECT FROM pg_catalog.pg_class c
                             WHERE c.oid = d.objid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                               AND c.relpersistence <> 't'))
), named AS (
    SELECT dep.*, o.type OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) o.identity AS object
      FROM dep, pg_catalog.pg_identify_object(dep.classid, dep.objid, dep.objsubid) o
), acl AS (
    SELECT named.role, named.object, x.acl
      FROM named
      JOIN LATERAL (
            SELECT p.proacl FROM pg_catalog.pg_proc p
             WHERE named.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = named.objid
            UNION ALL
            SELECT t.typacl FROM pg_catalog.pg_type t
             WHERE named.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = named.objid
            UNION ALL
            SELECT l.lanacl FROM pg_catalog.pg_language l
             WHERE named.classid = 'pg_catalog.pg_language'::pg_catalog.regclass AND l.oid = named.objid
            UNION ALL
            SELECT w.fdwacl FROM pg_catalog.pg_foreign_data_wrapper w
             WHERE named.classid = 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass AND w.oid = named.objid
            UNION ALL
            SELECT s.srvacl FROM pg_catalog.pg_foreign_server s
             WHERE named.classid = 'pg_catalog.pg_foreign_server'::pg_catalog.regclass AND s.oid = named.objid
            UNION ALL
            SELECT m.lomacl FROM pg_catalog.pg_largeobject_metadata m
             WHERE named.classid = 'pg_catalog.pg_largeobject'::pg_catalog.regclass AND m.oid = named.objid
            UNION ALL
            SELECT b.datacl FROM pg_catalog.pg_database b
             WHERE named.classid = 'pg_catalog.pg_database'::pg_catalog.regclass AND b.oid = named.objid
            UNION ALL
            SELECT s.spcacl FROM pg_catalog.pg_tablespace s
             WHERE named.classid = 'pg_catalog.pg_tablespace'::pg_catalog.regclass AND s.oid = named.objid
            UNION ALL
            SELECT a.defaclacl FROM pg_catalog.pg_default_acl a
             WHERE named.classid = 'pg_catalog.pg_default_acl'::pg_catalog.regclass AND a.oid = named.objid
            UNION ALL
            SELECT a.paracl FROM pg_catalog.pg_parameter_acl a
             WHERE named.classid = 'pg_catalog.pg_parameter_acl'::pg_catalog.regclass AND a.oid = named.objid
            UNION ALL
            SELECT c.relacl FROM pg_catalog.pg_class c
             WHERE named.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = named.objid
               AND named.objsubid = 0
            UNION ALL
            SELECT a.attacl FROM pg_catalog.pg_attribute a
             WHERE named.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND a.attrelid = named.objid
               AND a.attnum = named.objsubid AND named.objsubid > 0
          ) x(acl) ON true
     WHERE named.deptype = 'a'
)
SELECT named.role, CASE named.deptype WHEN 'o' THEN 'OWNER' ELSE 'named in the policy' END, named.object
  FROM named WHERE named.deptype IN ('o', 'r')
UNION
SELECT acl.role,
       e.privilege_type OPERATOR(pg_catalog.||) CASE WHEN e.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
       acl.object
  FROM acl, pg_catalog.aclexplode(acl.acl) e
 WHERE e.grantee = acl.role
UNION
SELECT d.refobjid, 'privileges or ownership',
       'objects in database ' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(b.datname)
  FROM pg_catalog.pg_shdepend d
  JOIN pg_catalog.pg_database b ON b.oid = d.dbid
 WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass
   AND d.refobjid = ANY ($1::pg_catalog.oid[])
   AND b.datname <> pg_catalog.current_database()
)SQL";

}  // namespace

Described read_described(const std::vector<std::string>& names) {
    Described out;
    plan::Request request;
    std::vector<cat::Oid> oids;
    pg::spi::begin_reads();
    cat::refresh();
    cat::Oid database = cat::database();
    for (const std::string& name : names) {
        auto r = cat::role(name);
        if (!r) throw pg::UserError("42704", "role \"" + name + "\" does not exist");
        plan::DesiredRole role;
        role.name = name;
        std::vector<cat::Oid> databases;
        declare_held(role, r->oid, database, databases);
        declare_databases(role, databases);
        request.roles.push_back(std::move(role));
        out.roles.push_back(plan::RoleFacts{name, r->superuser, attributes(*r), {}});
        oids.push_back(r->oid);
    }
    std::map<cat::Oid, plan::RoleFacts*> by_oid;
    for (std::size_t i = 0; i < oids.size(); ++i) by_oid[oids[i]] = &out.roles[i];
    if (!oids.empty())
        for (const pg::Row& row : pg::spi::query(kOtherObjects, {Param::of(oids)}))
            by_oid.at(row.oid(0))->other.push_back({row.text(1), row.text(2)});
    pg::spi::end_reads();
    out.snapshot = read(request);
    return out;
}

}  // namespace pgsr::catalog
