#include "catalog/catalog.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "pg/catalogs.hpp"
#include "pg/error.hpp"
#include "pg/server.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/values.hpp"
#include "plan/plan.hpp"

namespace pgsr::catalog {

namespace cat = pg::catalogs;
using pg::Param;
using plan::Request;
using plan::Snapshot;

namespace {

// The roles a catalog pass looks at, each read once, by oid or by name: 4,000
// roles of a request name the same few roles thousands of times.  A few
// roles are looked up one by one (the syscache); many (sync_many of
// thousands) in one walk of pg_authid's index (load_names, load_oids); a
// request naming at least half of all roles has every role read in one scan
// instead (load_all).  A name not found then is a role that does not exist
// (one made by another session since is seen by the second pass, after the
// lock: see Locking, README); an oid not found after load_all, one made
// since the scan, is looked up.
class Roles {
public:
    // nullptr for a role that does not exist.  A role `kept` is one of
    // those each() lists.
    const cat::Role* by_oid(cat::Oid oid, bool kept = false) {
        auto it = by_oid_.find(oid);
        if (it == by_oid_.end()) it = add(oid, cat::role(oid));
        it->second.kept = it->second.kept || kept;
        return it->second.role ? &*it->second.role : nullptr;
    }
    const cat::Role* by_name(const std::string& name) {
        auto it = by_name_.find(name);
        if (it != by_name_.end()) return by_oid(it->second);
        if (complete_ || missing_.count(name)) return nullptr;
        auto r = cat::role(name);
        if (!r) return nullptr;
        cat::Oid oid = r->oid;
        add(oid, std::move(r));
        return by_oid(oid);
    }
    // nullptr for a role that does not exist.
    const std::string* name(cat::Oid oid, bool kept = false) {
        const cat::Role* r = by_oid(oid, kept);
        return r ? &r->name : nullptr;
    }
    // As pg_get_userbyid.
    std::string text(cat::Oid oid, bool kept = false) {
        const std::string* n = name(oid, kept);
        return n ? *n : "unknown (OID=" + std::to_string(oid) + ")";
    }

    // Reads every role, if that costs less than looking `n` up.
    void load_all(std::size_t n) {
        if (complete_) return;
        auto all = cat::all_roles_if_cheaper_than(n);
        if (!all) return;
        by_oid_.clear();
        by_name_.clear();
        by_oid_.reserve(all->size());
        by_name_.reserve(all->size());
        for (cat::Role& r : *all) add(r.oid, std::move(r));
        complete_ = true;
    }

    // Reads the roles of `names` not read yet in one walk of pg_authid's
    // index on name (cat::roles_named), where there are enough of them for
    // that to cost less than looking each up: a name not found then is a
    // role that does not exist, as after load_all.
    template <typename Names>
    void load_names(const Names& names) {
        if (complete_) return;
        std::vector<std::string> want;
        for (const std::string& n : names)
            if (!by_name_.count(n) && !missing_.count(n)) want.push_back(n);
        if (want.size() < batch()) return;
        for (cat::Role& r : cat::roles_named(want)) add(r.oid, std::move(r));
        for (std::string& n : want)
            if (!by_name_.count(n)) missing_.insert(std::move(n));
    }
    // The same by oid (cat::roles_with_oids).
    template <typename Oids>
    void load_oids(const Oids& oids) {
        std::unordered_set<cat::Oid> unknown;
        for (cat::Oid o : oids)
            if (!by_oid_.count(o)) unknown.insert(o);
        if (unknown.size() < batch()) return;
        std::vector<cat::Oid> want(unknown.begin(), unknown.end());
        for (cat::Role& r : cat::roles_with_oids(want)) add(r.oid, std::move(r));
        for (cat::Oid o : want)
            if (!by_oid_.count(o)) add(o, std::nullopt);
    }

    // Every existing role looked up as `kept`.
    template <typename F>
    void each(F f) const {
        for (const auto& [oid, e] : by_oid_)
            if (e.kept && e.role) f(oid, e.role->name);
    }

private:
    struct Entry {
        std::optional<cat::Role> role;  // nullopt: no such role
        bool kept = false;
    };
    std::unordered_map<cat::Oid, Entry>::iterator add(cat::Oid oid, std::optional<cat::Role> r) {
        if (r) by_name_.emplace(r->name, oid);
        auto it = by_oid_.try_emplace(oid).first;  // a role read again keeps its `kept`
        it->second.role = std::move(r);
        return it;
    }

    // Fewer roles than pg_sync_roles.bulk_read_min (16) are looked up one by
    // one (a syscache lookup, which also serves the next call in this
    // session).
    static std::size_t batch() { return static_cast<std::size_t>(pg::bulk_read_min()); }

    std::unordered_map<cat::Oid, Entry> by_oid_;
    std::unordered_map<std::string, cat::Oid> by_name_;
    std::set<std::string> missing_;  // names load_names did not find
    bool complete_ = false;
};

void read_caller(Snapshot& snap, bool& can_read_authid) {
    auto me = cat::role(cat::current_user());
    if (!me) throw pg::UserError("XX000", "pg_sync_roles: the current user does not exist");
    snap.caller.name = me->name;
    snap.caller.superuser = me->superuser;
    snap.caller.createrole = me->createrole;
    snap.caller.inherit = me->inherit;
    can_read_authid = cat::can_read_authid();
    snap.database_oid = cat::database();
    snap.caller.role_setting = cat::role_setting();
    snap.server = pg::server_rules();
}

// The roles a request names: its targets and the roles it makes them members of.
void read_roles(Snapshot& snap, const Request& req, Roles& roles) {
    std::set<std::string> names;
    for (const auto& role : req.roles) {
        names.insert(role.name);
        for (const auto& g : role.grants)
            if (g.kind == spec::Kind::role_membership) names.insert(g.role);
    }
    roles.load_all(names.size());
    roles.load_names(names);
    for (const std::string& name : names) {
        const cat::Role* r = roles.by_name(name);
        if (!r) continue;
        plan::RoleState& st = snap.roles[name];
        st.can_login = r->can_login;
        st.valid_until = r->valid_until;
        st.oid = r->oid;
        st.inherit = r->inherit;
    }
}

void read_memberships(Snapshot& snap, const Request& req, Roles& names) {
    std::set<cat::Oid> oids;
    std::map<cat::Oid, plan::RoleState*> by_oid;
    for (const auto& role : req.roles) {
        auto it = snap.roles.find(role.name);
        if (it == snap.roles.end()) continue;
        oids.insert(it->second.oid);
        by_oid[it->second.oid] = &it->second;
    }
    auto memberships = cat::memberships_of(oids);
    std::vector<cat::Oid> named;
    for (const auto& [member, rows] : memberships)
        for (const cat::Membership& m : rows) {
            named.push_back(m.role);
            named.push_back(m.grantor);
        }
    names.load_oids(named);
    for (const auto& [member, rows] : memberships) {
        plan::RoleState& st = *by_oid.at(member);
        for (const cat::Membership& m : rows) {
            const std::string* of = names.name(m.role, true);
            if (!of) continue;
            auto at = st.member_of.insert(*of).first;
            if (m.admin) st.admin_of.insert(*at);
            names.by_oid(m.grantor, true);  // also known to read_standing
            // Grantors and options matter from 16 on only (RoleState).
            if (!snap.server.role_options) continue;
            std::string grantor = names.text(m.grantor);
            if (m.admin) st.admin_grantors[*of].insert(grantor);
            st.grantors[*of].insert(std::move(grantor));
            if (m.inherit) st.inherits.insert(*of);
            if (m.set) st.settable.insert(*of);
        }
    }
}

// The stored passwords are read only when the caller could read pg_authid by
// hand: then a declared password already set is not set again, and a NOLOGIN
// role that still has a password loses it.  Otherwise a declared password is
// always set again.
void read_passwords(Snapshot& snap, const Request& req, bool can_read_authid) {
    if (!can_read_authid) return;
    for (const auto& role : req.roles) {
        auto it = snap.roles.find(role.name);
        if (it == snap.roles.end()) continue;
        plan::RoleState& st = it->second;
        st.has_password = false;
        auto stored_text = cat::role_password(st.oid);
        if (!stored_text) continue;
        Secret stored(std::move(*stored_text));
        st.has_password = true;
        if (role.login && role.login->declared)
            st.password_matches = pg::password_matches(role.name, stored, *role.login->declared);
    }
}

// The oids of existing roles, by name.
std::set<cat::Oid> oids_of(const Snapshot& snap, Roles& roles, const std::vector<std::string>& names) {
    std::set<cat::Oid> out;
    for (const std::string& n : names) {
        if (auto it = snap.roles.find(n); it != snap.roles.end() && it->second.oid != 0)
            out.insert(it->second.oid);
        else if (const cat::Role* r = roles.by_name(n))
            out.insert(r->oid);
    }
    return out;
}

// The roles whose ACL entries are read (see AclFilter), by oid: the targets,
// and in `acl` also the intermediate roles of other databases they are
// members of (read_foreign_intermediates finds them).
struct Grantees {
    std::set<cat::Oid> targets;
    std::set<cat::Oid> acl;

    Grantees(const Snapshot& snap, const Request& req, Roles& roles) {
        std::vector<std::string> names;
        names.reserve(req.roles.size());
        for (const auto& role : req.roles) names.push_back(role.name);
        targets = oids_of(snap, roles, names);
    }
    void add_foreign(const Snapshot& snap, Roles& roles) {
        acl = targets;
        std::set<cat::Oid> more =
            oids_of(snap, roles, {snap.foreign_intermediates.begin(), snap.foreign_intermediates.end()});
        acl.insert(more.begin(), more.end());
    }
};

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// ACL entries worth reading: those granted to or by the named roles (what
// they hold, and what they passed on), and those of roles whose name starts
// with `prefix`, if one is given (intermediate roles, to find the one holding a privilege).
// An ACL with thousands of other grantees is filtered here, by oid, before
// any name is looked up for what is kept.  PUBLIC comes back as the empty
// name: only what a named role granted it.
class AclFilter {
public:
    // `oids`: the named roles (Grantees), which outlive the filter.
    AclFilter(Roles& roles, const std::set<cat::Oid>& oids, std::string prefix)
        : roles_(roles), oids_(oids), prefix_(std::move(prefix)) {}

    void keep(const std::vector<cat::AclPrivilege>& acl, std::vector<plan::AclEntry>& out) { keep(acl, out, {}); }

    // As keep(), and also the entries held by a role other than `owner` that
    // granted a named role something: a REVOKE as that role removes its
    // grant only where it holds the grant option itself (otherwise
    // PostgreSQL picks another grantor).  The named roles' entries whose
    // grantor does not are marked (AclEntry::grantor_lacks_option).
    void keep_with_grantors(const std::vector<cat::AclPrivilege>& acl, cat::Oid owner,
                            std::vector<plan::AclEntry>& out) {
        std::set<cat::Oid> grantors;
        for (const cat::AclPrivilege& x : acl)
            if (x.grantor != owner && oids_.count(x.grantee)) grantors.insert(x.grantor);
        std::size_t first = out.size();
        keep(acl, out, grantors);
        if (grantors.empty()) return;
        for (const cat::AclPrivilege& x : acl) {
            if (x.grantor == owner || !oids_.count(x.grantee)) continue;
            bool holds = std::any_of(acl.begin(), acl.end(), [&](const cat::AclPrivilege& y) {
                return y.grantee == x.grantor && y.privilege == x.privilege && y.grantable;
            });
            if (holds) continue;
            for (std::size_t i = first; i < out.size(); ++i)
                if (out[i].grantee == name(x.grantee) && out[i].grantor == name(x.grantor) &&
                    out[i].privilege == x.privilege)
                    out[i].grantor_lacks_option = true;
        }
    }

private:
    void keep(const std::vector<cat::AclPrivilege>& acl, std::vector<plan::AclEntry>& out,
              const std::set<cat::Oid>& also) {
        for (const cat::AclPrivilege& x : acl) {
            bool named = oids_.count(x.grantee) || oids_.count(x.grantor) || also.count(x.grantee);
            bool by_prefix = !prefix_.empty() && x.grantee != 0 && starts_with(name(x.grantee), prefix_);
            if (x.grantee == 0 ? !oids_.count(x.grantor) : !named && !by_prefix) continue;
            out.push_back({x.grantee == 0 ? std::string() : name(x.grantee), name(x.grantor), x.privilege,
                           x.grantable});
        }
    }

    std::string name(cat::Oid oid) { return roles_.text(oid); }
    Roles& roles_;
    const std::set<cat::Oid>& oids_;
    std::string prefix_;
};

std::string local_prefix(const Snapshot& snap) {
    return "_pgsr_local_" + std::to_string(snap.database_oid) + "_";
}

// Declared databases: their owner, and the ACL entries of the target roles
// and of CONNECT intermediate roles.
void read_databases(Snapshot& snap, const Request& req, Roles& roles, const Grantees& grantees) {
    std::set<std::string> names;
    for (const auto& role : req.roles)
        for (const auto& g : role.grants)
            if (g.kind == spec::Kind::database_connect) names.insert(g.database);
    if (names.empty()) return;
    AclFilter filter(roles, grantees.targets, plan::connect_role_prefix());
    for (const std::string& name : names) {
        auto d = cat::database(name);
        if (!d) continue;
        plan::Database& db = snap.databases[name];
        db.oid = d->oid;
        db.owner = roles.text(d->owner);
        filter.keep_with_grantors(d->acl, d->owner, db.acl);
    }
}

// What the target roles own or are named in the ACL of, in this database:
// pg_shdepend, by role, through its index.  Schemas come back by oid.
using TouchedSchemas = std::map<std::string, std::set<plan::Oid>>;

void read_touched(Snapshot& snap, const Request& req, TouchedSchemas& schemas,
                  std::set<plan::Oid>& relation_oids) {
    std::set<cat::Oid> oids;
    std::map<cat::Oid, const std::string*> by_oid;
    for (const auto& role : req.roles) {
        auto it = snap.roles.find(role.name);
        if (it == snap.roles.end()) continue;
        oids.insert(it->second.oid);
        by_oid[it->second.oid] = &role.name;
    }
    for (const auto& [oid, deps] : cat::role_dependencies(oids)) {
        const std::string& name = *by_oid.at(oid);
        for (const cat::SharedDependency& d : deps) {
            if (d.dbid != snap.database_oid) continue;
            if (d.classid == cat::class_catalog()) {
                relation_oids.insert(d.objid);
                snap.touched_relations[name].insert(d.objid);
            } else if (d.classid == cat::namespace_catalog()) {
                schemas[name].insert(d.objid);
            }
        }
    }
}

void read_schemas(Snapshot& snap, const Request& req, const TouchedSchemas& touched, Roles& roles,
                  const Grantees& grantees) {
    std::set<std::string> names;
    for (const auto& role : req.roles)
        for (const auto& g : role.grants)
            if (!g.schema.empty()) names.insert(g.schema);
    for (const auto& [_, rel] : snap.relations) names.insert(rel.schema);
    std::set<plan::Oid> oids;
    for (const auto& [_, set] : touched) oids.insert(set.begin(), set.end());
    if (names.empty() && oids.empty()) return;
    std::map<plan::Oid, cat::Namespace> found;
    for (const std::string& name : names)
        if (auto n = cat::namespace_by_name(name)) found.emplace(n->oid, std::move(*n));
    for (plan::Oid oid : oids)
        if (!found.count(oid))
            if (auto n = cat::namespace_by_oid(oid)) found.emplace(oid, std::move(*n));
    AclFilter filter(roles, grantees.acl, local_prefix(snap));
    std::map<plan::Oid, std::string> by_oid;
    cat::Oid me = cat::current_user();
    for (const auto& [oid, n] : found) {
        plan::Schema& sc = snap.schemas[n.name];
        sc.oid = oid;
        sc.owner = roles.text(n.owner);
        sc.caller_can_create = cat::has_schema_privilege(me, oid, "CREATE");
        sc.owner_without_usage = !cat::has_schema_privilege(n.owner, oid, "USAGE");
        by_oid[oid] = n.name;
        filter.keep_with_grantors(n.acl, n.owner, sc.acl);
    }
    for (const auto& [role, set] : touched)
        for (plan::Oid oid : set)
            if (auto it = by_oid.find(oid); it != by_oid.end()) snap.touched_schemas[role].insert(it->second);
}

// Declared tables, by name and by pattern, resolved to oids.  A pattern reads
// its schema's relations through pg_depend's index on the schema.
// The relations a catalog pass reads, each once (resolve_relations finds
// them by name, read_relation_rows reads them by oid).
class Relations {
public:
    const cat::Relation* by_oid(cat::Oid oid) {
        auto it = rows_.find(oid);
        if (it == rows_.end()) it = rows_.emplace(oid, cat::relation(oid)).first;
        return it->second ? &*it->second : nullptr;
    }
    const cat::Relation* by_name(cat::Oid namespace_oid, const std::string& name) {
        if (auto it = named_.find({namespace_oid, name}); it != named_.end())
            return it->second ? by_oid(*it->second) : nullptr;
        auto r = cat::relation(namespace_oid, name);
        if (!r) return nullptr;
        cat::Oid oid = r->oid;
        auto it = rows_.insert_or_assign(oid, std::move(r)).first;
        return &*it->second;
    }
    // Reads the relations of one namespace named `names` in one walk of
    // pg_class's index (cat::relations_named), where there are enough of
    // them for that to cost less than looking each up; by_name then answers
    // from what it read.
    void load_names(cat::Oid namespace_oid, const std::vector<std::string>& names) {
        if (names.size() < static_cast<std::size_t>(pg::bulk_read_min())) return;  // as Roles
        for (const std::string& n : names) named_[{namespace_oid, n}] = std::nullopt;
        for (cat::Relation& r : cat::relations_named(namespace_oid, names)) {
            named_[{namespace_oid, r.name}] = r.oid;
            cat::Oid oid = r.oid;
            rows_.insert_or_assign(oid, std::move(r));
        }
    }

private:
    std::unordered_map<cat::Oid, std::optional<cat::Relation>> rows_;
    std::map<std::pair<cat::Oid, std::string>, std::optional<cat::Oid>> named_;
};

void resolve_relations(Snapshot& snap, const Request& req, std::set<plan::Oid>& oids, Relations& relations) {
    // Each (schema, table) once: thousands of roles of one request name the
    // same tables (seen first as views of the request's strings, copied once).
    std::set<std::pair<std::string_view, std::string_view>> seen_name, seen_pattern;
    std::set<std::pair<std::string, std::string>> by_name, by_pattern;
    for (const auto& role : req.roles)
        for (const auto& g : role.grants) {
            if (g.kind != spec::Kind::table_select && g.kind != spec::Kind::table_ownership) continue;
            bool named = g.table_regex.empty();
            const std::string& table = named ? g.table : g.table_regex;
            if ((named ? seen_name : seen_pattern).emplace(g.schema, table).second)
                (named ? by_name : by_pattern).emplace(g.schema, table);
        }
    std::vector<std::string> re_schema, re_pattern;
    for (const auto& [schema, pattern] : by_pattern) {
        re_schema.push_back(schema);
        re_pattern.push_back(pattern);
    }
    // Each name is one syscache probe, or, many names of one schema, one
    // index walk for them all.
    std::map<std::string, std::optional<cat::Oid>> namespaces;
    for (auto it = by_name.begin(); it != by_name.end();) {
        const std::string& schema = it->first;
        auto n = cat::namespace_by_name(schema);
        namespaces.emplace(schema, n ? std::optional<cat::Oid>(n->oid) : std::nullopt);
        std::vector<std::string> tables;
        for (; it != by_name.end() && it->first == schema; ++it) tables.push_back(it->second);
        if (n) relations.load_names(n->oid, tables);
    }
    for (const auto& [schema, table] : by_name) {
        auto ns = namespaces.find(schema);
        if (!ns->second) continue;
        const cat::Relation* rel = relations.by_name(*ns->second, table);
        if (!rel || !std::strchr("rpvmfS", rel->relkind) || rel->persistence == 't') continue;
        oids.insert(rel->oid);
        snap.relation_by_name[{schema, table}] = rel->oid;
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

void read_relation_rows(Snapshot& snap, const std::set<plan::Oid>& oids, Roles& roles, const Grantees& grantees,
                        Relations& relations) {
    if (oids.empty()) return;
    AclFilter filter(roles, grantees.acl, local_prefix(snap));
    AclFilter column_filter(roles, grantees.targets, local_prefix(snap));
    std::map<cat::Oid, std::string> schema_names;
    // One index walk for many relations' column privileges.
    bool batched = oids.size() >= static_cast<std::size_t>(pg::bulk_read_min());
    std::map<cat::Oid, std::vector<cat::ColumnAcl>> column_acls;
    if (batched) column_acls = cat::column_acls(oids);
    for (plan::Oid oid : oids) {
        const cat::Relation* r = relations.by_oid(oid);
        // Another session's temporary table is not ours to change.
        if (!r || !std::strchr("rpvmfS", r->relkind) || r->persistence == 't') continue;
        auto sit = schema_names.find(r->namespace_oid);
        if (sit == schema_names.end()) {
            auto n = cat::namespace_by_oid(r->namespace_oid);
            if (!n) continue;
            sit = schema_names.emplace(r->namespace_oid, n->name).first;
        }
        plan::Relation& rel = snap.relations[oid];
        rel.oid = oid;
        rel.schema = sit->second;
        rel.name = r->name;
        rel.relkind = r->relkind;
        rel.owner = roles.text(r->owner);
        rel.linked = r->relkind == 'S' && cat::owned_by_relation(oid);
        filter.keep_with_grantors(r->acl, r->owner, rel.acl);
        // Column privileges of the target roles, and of intermediate roles
        // (one holding any is not fit for reuse).
        std::vector<cat::ColumnAcl> one;
        const std::vector<cat::ColumnAcl>* cols = &one;
        if (!batched) one = cat::column_acls(oid);
        else if (auto f = column_acls.find(oid); f != column_acls.end()) cols = &f->second;
        for (const cat::ColumnAcl& c : *cols) {
            std::vector<plan::AclEntry> kept;
            column_filter.keep({c.item}, kept);
            for (plan::AclEntry& e : kept) rel.columns.push_back({c.column, std::move(e)});
        }
    }
}

// Sequences owned by table columns (serial, identity): their owner changes
// with their table's.  Only a table whose owner the plan may change needs
// them: one a target owns (it may be taken from it), or one declared in a
// table_ownership element.
std::set<plan::Oid> read_owned_sequences(Snapshot& snap, const Request& req, const std::set<plan::Oid>& tables,
                                         Relations& relations) {
    std::set<std::string> targets;
    std::set<std::pair<std::string, std::string>> declared;
    for (const auto& role : req.roles) {
        targets.insert(role.name);
        for (const auto& g : role.grants)
            if (g.kind == spec::Kind::table_ownership) declared.emplace(g.schema, g.table);
    }
    std::set<plan::Oid> sequences;
    for (plan::Oid table : tables) {
        auto rel = snap.relations.find(table);
        if (rel == snap.relations.end()) continue;
        if (!targets.count(rel->second.owner) && !declared.count({rel->second.schema, rel->second.name})) continue;
        for (cat::Oid dependent : cat::owned_relations(table)) {
            const cat::Relation* s = relations.by_oid(dependent);
            if (!s || s->relkind != 'S') continue;
            rel->second.owned_sequences.push_back(dependent);
            sequences.insert(dependent);
        }
    }
    return sequences;
}

void read_relations(Snapshot& snap, const Request& req, std::set<plan::Oid> oids, Roles& roles,
                    const Grantees& grantees) {
    Relations relations;
    resolve_relations(snap, req, oids, relations);
    read_relation_rows(snap, oids, roles, grantees, relations);
    std::set<plan::Oid> more;
    for (plan::Oid s : read_owned_sequences(snap, req, oids, relations))
        if (!oids.count(s)) more.insert(s);
    read_relation_rows(snap, more, roles, grantees, relations);
}

// What the planner needs to decide whether an intermediate role found in an
// ACL may be reused (see src/plan/intermediates.cpp, intermediate_in_acl).
void read_intermediates(Snapshot& snap, Roles& roles) {
    std::set<std::string> names;
    auto collect = [&](const std::vector<plan::AclEntry>& acl) {
        for (const auto& e : acl)
            if (e.grantee.rfind("_pgsr_", 0) == 0) names.insert(e.grantee);
    };
    for (const auto& [_, db] : snap.databases) collect(db.acl);
    for (const auto& [_, sc] : snap.schemas) collect(sc.acl);
    for (const auto& [_, rel] : snap.relations) collect(rel.acl);
    std::map<cat::Oid, plan::Snapshot::Candidate*> found;
    std::set<cat::Oid> oids;
    // Most are roles the targets are members of, already looked up by oid.
    for (const std::string& name : names) {
        const cat::Role* r = roles.by_name(name);
        if (!r) continue;
        plan::Snapshot::Candidate& c = snap.intermediates[name];
        c.plain = r->no_attributes();
        c.references = 0;
        if (c.plain) oids.insert(r->oid);
        found[r->oid] = &c;
    }
    // Only a plain role is ever reused: the others need nothing more.
    for (const auto& [oid, rows] : cat::memberships_of(oids))
        if (!rows.empty()) found.at(oid)->plain = false;
    for (auto& [oid, comment] : cat::role_comments(oids)) found.at(oid)->comment = std::move(comment);
    for (const auto& [oid, deps] : cat::role_dependencies(oids))
        for (const cat::SharedDependency& d : deps)
            if (d.dbid == 0 || d.dbid == snap.database_oid) ++found.at(oid)->references;
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
void read_foreign_intermediates(Snapshot& snap, std::set<plan::Oid>& relation_oids, TouchedSchemas& schemas,
                                Roles& roles) {
    std::string ours = "_pgsr_local_" + std::to_string(snap.database_oid) + "_";
    std::set<std::string> names;
    for (const auto& [_, st] : snap.roles)
        for (const auto& r : st.member_of)
            if (r.rfind("_pgsr_local_", 0) == 0 && r.rfind(ours, 0) != 0) names.insert(r);
    for (const std::string& name : names) {
        auto db = plan::local_intermediate_database(name);
        if (!db || *db == snap.database_oid || !cat::database_exists(*db)) continue;
        const cat::Role* r = roles.by_name(name);
        if (!r || !r->no_attributes() || cat::member_of_any(r->oid)) continue;
        bool holds = false;
        for (const cat::SharedDependency& d : cat::role_dependencies(r->oid)) holds = holds || d.dbid == *db;
        auto comment = holds ? std::nullopt : cat::role_comment(r->oid);
        if (holds || (comment && comment->rfind(plan::kMarkerPrefix, 0) == 0)) {
            snap.foreign_intermediates.insert(name);
            for (const cat::SharedDependency& d : cat::role_dependencies(r->oid)) {
                if (d.dbid != snap.database_oid) continue;
                if (d.classid == cat::class_catalog())
                    relation_oids.insert(d.objid);
                else if (d.classid == cat::namespace_catalog())
                    schemas[name].insert(d.objid);
            }
        }
    }
}

// Each target's recipient of what was taken from it, found by its marker
// (which names the target by oid): only for targets that own something here.
void read_recipients(Snapshot& snap, const Request& req) {
    std::set<std::string> owners;
    for (const auto& [_, sc] : snap.schemas) owners.insert(sc.owner);
    for (const auto& [_, rel] : snap.relations) owners.insert(rel.owner);
    std::map<std::string, std::string> by_marker;
    for (const auto& role : req.roles) {
        auto it = snap.roles.find(role.name);
        if (it == snap.roles.end() || !owners.count(role.name)) continue;
        by_marker[plan::recipient_marker(role.name, it->second.oid)] = role.name;
    }
    if (by_marker.empty()) return;
    std::vector<std::string> markers;
    for (const auto& [m, _] : by_marker) markers.push_back(m);
    for (const pg::Row& row : pg::spi::query(
             "SELECT r.rolname::pg_catalog.text, pg_catalog.shobj_description(r.oid, 'pg_authid'),"
             "       NOT (r.rolcanlogin OR r.rolsuper OR r.rolcreaterole OR r.rolcreatedb"
             "            OR r.rolreplication OR r.rolbypassrls)"
             // The caller's own membership is not a member to fear: on 16+
             // CREATE ROLE gives it one (ADMIN OPTION only).
             "       AND NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m"
             "                        WHERE m.member = r.oid"
             "                           OR (m.roleid = r.oid AND m.member <> (SELECT c.oid FROM pg_catalog.pg_roles c"
             "                                                                  WHERE c.rolname = $3)))"
             "  FROM pg_catalog.pg_roles r"
             " WHERE r.rolname LIKE '\\_pgsr\\_owner\\_%' AND r.rolname OPERATOR(pg_catalog.~) $2"
             "   AND pg_catalog.shobj_description(r.oid, 'pg_authid') = ANY ($1::pg_catalog.text[])"
             " ORDER BY 3 DESC, 1",
             {Param::of(markers), Param::of(plan::recipient_name_pattern()), Param::of(snap.caller.name)})) {
        const std::string& target = by_marker.at(row.text(1));
        if (snap.recipients.count(target)) continue;  // the first: trusted ones come first
        snap.recipients[target] = plan::Recipient{row.text(0), row.boolean(2)};
    }
}

// The caller's standing towards roles, and which roles may use which
// schemas, asked of the server when the planner needs them (plan::Deferred):
// privilege checks of roles other than the caller walk their memberships,
// which a plan with nothing to change never needs.  Each answer is read
// once, so one plan sees one answer.
class Checks : public plan::Deferred {
public:
    Checks(std::map<std::string, cat::Oid> roles, std::map<std::string, cat::Oid> schemas, const std::string& caller,
           std::set<cat::Oid> targets)
        : roles_(std::move(roles)), schemas_(std::move(schemas)), caller_(caller), me_(cat::current_user()),
          targets_(std::move(targets)) {}

    std::optional<plan::Standing> standing(const std::string& role) override {
        auto r = roles_.find(role);
        if (r == roles_.end()) return std::nullopt;
        auto it = standing_.find(role);
        if (it == standing_.end()) it = standing_.emplace(role, read(r->second)).first;
        return it->second;
    }

    // The caller and the roles whose standing may be asked.
    bool usage(const std::string& role, const std::string& schema) override {
        auto key = pair_of(role, schema);
        if (!key) return false;
        auto it = usage_.find(*key);
        if (it == usage_.end())
            it = usage_.emplace(*key, cat::has_schema_privilege(key->first, key->second, "USAGE")).first;
        return it->second;
    }

    // Of a pair where usage() holds: what it holds through, as a privilege
    // check finds it (pg_namespace_aclmask): the schema's ACL entries of the
    // role, of the roles whose privileges it uses, or of PUBLIC, or
    // pg_read_all_data / pg_write_all_data among those roles.
    int usage_needs(const std::string& role, const std::string& schema) override {
        auto key = pair_of(role, schema);
        if (!key) return 0;
        auto it = needs_.find(*key);
        if (it != needs_.end()) return it->second;
        int needs = 0;
        auto r = cat::role(key->first);
        if (r && !r->superuser) {
            const Reach& reach = reach_of(key->first);
            const std::set<cat::Oid>& holders = usage_holders(key->second);
            auto through = [&](const std::set<cat::Oid>& roles, bool with_public) {
                if (with_public && holders.count(0)) return true;
                return std::any_of(roles.begin(), roles.end(),
                                   [&](cat::Oid o) { return holders.count(o) || cat::uses_every_schema(o); });
            };
            if (!through(reach.free, true)) needs |= Snapshot::kThroughTargets;
            if (!through(reach.all, false)) needs |= Snapshot::kThroughPublic;
            if (!through(reach.free, false)) needs |= Snapshot::kThroughEither;
        }
        return needs_.emplace(*key, needs).first->second;
    }

    bool usage_after(const std::string& role, const std::string& schema, const std::set<std::string>& lost,
                     bool targets_lost) override {
        auto key = pair_of(role, schema);
        if (!key) return false;
        auto r = cat::role(key->first);
        if (!r || r->superuser) return true;
        std::set<cat::Oid> holders = usage_holders(key->second);
        for (const std::string& name : lost) {
            if (name.empty()) {
                holders.erase(0);
            } else if (auto g = cat::role(name)) {
                holders.erase(g->oid);
            }
        }
        if (holders.count(0)) return true;
        const Reach& reach = reach_of(key->first);
        const std::set<cat::Oid>& roles = targets_lost ? reach.free : reach.all;
        return std::any_of(roles.begin(), roles.end(),
                           [&](cat::Oid o) { return holders.count(o) || cat::uses_every_schema(o); });
    }

private:
    // (role, schema) oids of the caller or a role whose standing may be
    // asked, and a schema of the snapshot.
    std::optional<std::pair<cat::Oid, cat::Oid>> pair_of(const std::string& role, const std::string& schema) const {
        auto s = schemas_.find(schema);
        if (s == schemas_.end()) return std::nullopt;
        if (auto r = roles_.find(role); r != roles_.end()) return std::make_pair(r->second, s->second);
        if (role == caller_) return std::make_pair(me_, s->second);
        return std::nullopt;
    }

    plan::Standing read(cat::Oid role) const {
        plan::Standing st;
        auto r = cat::role(role);
        if (!r) return st;
        st.has_privileges = cat::pg_has_role(role, "USAGE");
        std::vector<cat::Membership> rows = cat::memberships(role, me_);
        st.direct_member = !rows.empty();
        st.superuser = r->superuser;
        st.can_set = cat::pg_has_role(role, pg::set_role_privilege());
        st.admin = cat::pg_has_role(role, "MEMBER WITH ADMIN OPTION");
        for (const cat::Membership& m : rows)
            if (m.grantor == me_) st.own_row = std::make_pair(m.inherit, m.set);
        st.member_of_caller = role != me_ && !r->superuser && cat::is_member(role, me_);
        st.member_of_caller_indirectly = st.member_of_caller && cat::is_member_indirectly(role, me_);
        return st;
    }

    // The roles whose privileges a role uses (itself included): `all` of
    // them, and those reached without following a membership of a target
    // (`free`), which the plan may revoke before a statement runs.
    struct Reach {
        std::set<cat::Oid> free, all;
    };

    const Reach& reach_of(cat::Oid role) {
        auto it = reach_.find(role);
        if (it != reach_.end()) return it->second;
        Reach r;
        for (bool free : {true, false}) {
            std::set<cat::Oid>& seen = free ? r.free : r.all;
            std::vector<cat::Oid> todo{role};
            seen.insert(role);
            while (!todo.empty()) {
                cat::Oid o = todo.back();
                todo.pop_back();
                for (const cat::PrivilegeSource& src : sources_of(o))
                    if ((!free || src.implicit || !targets_.count(o)) && seen.insert(src.role).second)
                        todo.push_back(src.role);
            }
        }
        return reach_.emplace(role, std::move(r)).first->second;
    }

    const std::vector<cat::PrivilegeSource>& sources_of(cat::Oid role) {
        auto it = sources_.find(role);
        if (it == sources_.end()) it = sources_.emplace(role, cat::privilege_sources(role)).first;
        return it->second;
    }

    // The grantees of USAGE in a schema's ACL (0: PUBLIC); its owner where
    // the ACL is the default.
    const std::set<cat::Oid>& usage_holders(cat::Oid schema) {
        auto it = holders_.find(schema);
        if (it != holders_.end()) return it->second;
        std::set<cat::Oid> holders;
        if (auto n = cat::namespace_by_oid(schema)) {
            if (n->default_acl) holders.insert(n->owner);
            for (const cat::AclPrivilege& x : n->acl)
                if (x.privilege == "USAGE") holders.insert(x.grantee);
        }
        return holders_.emplace(schema, std::move(holders)).first->second;
    }

    std::map<std::string, cat::Oid> roles_;
    std::map<std::string, cat::Oid> schemas_;
    std::string caller_;
    cat::Oid me_;
    std::set<cat::Oid> targets_;
    std::map<std::string, plan::Standing> standing_;
    std::map<std::pair<cat::Oid, cat::Oid>, bool> usage_;
    std::map<std::pair<cat::Oid, cat::Oid>, int> needs_;
    std::map<cat::Oid, Reach> reach_;
    std::map<cat::Oid, std::vector<cat::PrivilegeSource>> sources_;
    std::map<cat::Oid, std::set<cat::Oid>> holders_;
};

// How the caller stands towards every role whose rights a change may need:
// the owners of what the request touches, the grantors of what targets hold,
// the target roles and the roles they are or will be members of.
void read_standing(Snapshot& snap, const Request& req, Roles& known) {
    std::map<std::string, cat::Oid> roles;
    // The targets' memberships and their grantors: the roles read_memberships named.
    known.each([&](cat::Oid oid, const std::string& name) { roles.emplace(name, oid); });
    std::set<std::string> names;
    for (const auto& role : req.roles) {
        if (auto it = snap.roles.find(role.name); it != snap.roles.end()) roles.emplace(role.name, it->second.oid);
        for (const auto& g : role.grants)
            if (g.kind == spec::Kind::role_membership) names.insert(g.role);
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
    for (const std::string& name : names) {
        if (roles.count(name)) continue;
        if (auto it = snap.roles.find(name); it != snap.roles.end()) {
            roles.emplace(name, it->second.oid);
            continue;
        }
        if (const cat::Role* r = known.by_name(name)) roles.emplace(name, r->oid);
    }
    std::map<std::string, cat::Oid> schemas;
    for (const auto& [name, sc] : snap.schemas) schemas.emplace(name, sc.oid);
    std::set<cat::Oid> targets;
    for (const auto& role : req.roles)
        if (auto it = snap.roles.find(role.name); it != snap.roles.end()) targets.insert(it->second.oid);
    snap.deferred = std::make_shared<Checks>(std::move(roles), std::move(schemas), snap.caller.name, std::move(targets));
}

}  // namespace

Snapshot read(const Request& req) {
    Snapshot snap;
    bool can_read_authid = false;
    pg::spi::begin_reads();
    cat::refresh();
    read_caller(snap, can_read_authid);
    Roles roles;
    read_roles(snap, req, roles);
    read_memberships(snap, req, roles);
    read_passwords(snap, req, can_read_authid);
    Grantees grantees(snap, req, roles);
    read_databases(snap, req, roles, grantees);
    TouchedSchemas touched_schemas;
    std::set<plan::Oid> relation_oids;
    read_foreign_intermediates(snap, relation_oids, touched_schemas, roles);
    grantees.add_foreign(snap, roles);
    read_touched(snap, req, touched_schemas, relation_oids);
    read_relations(snap, req, relation_oids, roles, grantees);
    read_schemas(snap, req, touched_schemas, roles, grantees);
    read_intermediates(snap, roles);
    read_recipients(snap, req);
    read_standing(snap, req, roles);
    pg::spi::end_reads();
    return snap;
}

std::vector<plan::UnusedRole> unused_intermediate_roles() {
    std::vector<plan::UnusedRole> out;
    pg::spi::begin_reads();
    for (const pg::Row& row : pg::spi::query(
             "SELECT r.rolname::pg_catalog.text,"
             "       pg_catalog.pg_has_role(r.oid, 'USAGE WITH ADMIN OPTION')"
             "  FROM pg_catalog.pg_roles r"
             " WHERE (r.rolname OPERATOR(pg_catalog.~) $1 OR r.rolname OPERATOR(pg_catalog.~) $2)"
             "   AND NOT r.rolcanlogin"
             "   AND NOT EXISTS (SELECT FROM pg_catalog.pg_shdepend d"
             "                    WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass"
             "                      AND d.refobjid = r.oid)"
             " ORDER BY 1",
             {Param::of(plan::intermediate_name_pattern()), Param::of(plan::recipient_name_pattern())}))
        out.push_back({row.text(0), row.boolean(1)});
    pg::spi::end_reads();
    return out;
}

bool role_exists(const std::string& name) { return cat::role(name).has_value(); }

}  // namespace pgsr::catalog
