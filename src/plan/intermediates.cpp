// Intermediate roles: CONNECT on a database, USAGE or CREATE on a schema,
// SELECT on a table, each held by one role its readers are members of.
#include "plan/planner.hpp"

#include <cctype>

namespace pgsr::plan::detail {

namespace {

bool hex8(const std::string& s, std::size_t from) {
    if (s.size() != from + 8) return false;
    for (std::size_t i = from; i < s.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i])) && (s[i] < 'a' || s[i] > 'f')) return false;
    return true;
}

}  // namespace

// The intermediate role already holding `privilege` on an object, found
// through the object's ACL (never by name alone).  It is reused only if it
// is named prefix + 8 hex digits, holds exactly that privilege here (no
// other, no grant option), is plain (NOLOGIN, no attribute, a member of
// nothing), and was made for this object: marked so by its comment, or, for
// an unmarked one (as the Python library makes them), named in no other ACL.
// Otherwise the owner of any object could grant it to another object's
// intermediate role and have her object's readers made members of that one.
// A marked role stays trusted whatever else is granted to it: what others
// grant it they could grant to anyone.  A role marked for this object is
// preferred to an unmarked one: an unmarked role can become fit when the plan
// revokes what else it held (its grantor's object taken), and the next plan
// would then move the members back to it.
std::optional<std::string> intermediate_in_acl(const std::vector<AclEntry>& acl, const std::string& prefix,
                                               const std::string& privilege, const std::string& catalog, Oid oid,
                                               const std::map<std::string, Snapshot::Candidate>& candidates) {
    std::string head = marker_head(privilege), tail = marker_tail(catalog, oid);
    auto made_for_this = [&](const std::string& c) {
        return c.size() >= head.size() + tail.size() && c.compare(0, head.size(), head) == 0 &&
               c.compare(c.size() - tail.size(), tail.size(), tail) == 0;
    };
    std::map<std::string, int> other;  // candidate -> entries other than the one wanted
    std::set<std::string> holding;
    for (const AclEntry& e : acl) {
        if (e.grantee.compare(0, prefix.size(), prefix) != 0 || !hex8(e.grantee, prefix.size())) continue;
        if (e.privilege == privilege && !e.grantable)
            holding.insert(e.grantee);
        else
            ++other[e.grantee];
    }
    std::optional<std::string> unmarked;
    for (const std::string& name : holding) {  // in name order
        auto c = candidates.find(name);
        if (other.count(name) || c == candidates.end() || !c->second.plain) continue;
        const auto& comment = c->second.comment;
        bool ours = comment && comment->rfind(kMarkerPrefix, 0) == 0;
        if (ours && made_for_this(*comment)) return name;
        if (!ours && c->second.references == 1 && !unmarked) unmarked = name;
    }
    return unmarked;
}

std::optional<std::string> Planner::connect_role(const DesiredRole& role, const spec::Grant& g) {
    auto db = snap_.databases.find(g.database);
    if (db == snap_.databases.end()) {
        notice(role, g, "database \"" + g.database + "\" does not exist");
        return std::nullopt;
    }
    std::string key = "database " + g.database;
    if (auto planned = intermediates_by_object_.find(key); planned != intermediates_by_object_.end())
        return planned->second;
    std::string marker = intermediate_marker("CONNECT", "database " + dq(g.database), "pg_database", db->second.oid);
    std::optional<std::string> existing = intermediate_in_acl(
        db->second.acl, connect_role_prefix(), "CONNECT", "pg_database", db->second.oid, snap_.intermediates);
    std::string name = existing ? *existing : new_role_name(connect_role_prefix());
    if (!existing) {
        create_role(intermediates_, name);
        created_.insert(name);
        intermediates_.push_back(CommentOnRole{name, marker});
        grant_on(intermediates_, GrantPrivileges{{"CONNECT"}, ObjectRef{ObjectType::database, "", g.database}, name, {}},
                 db->second.owner, db->second.owner, "database \"" + g.database + "\"");
    }
    intermediates_by_object_[key] = name;
    return name;
}

// An existing schema's intermediate role (one the plan creates has no oid
// to mark a role with yet: see resolve_grants).
std::string Planner::schema_intermediate(const Schema& sc, const std::string& s, spec::Kind kind) {
    std::string key = std::string(kind_privilege(kind)) + " schema " + s;
    if (auto planned = intermediates_by_object_.find(key); planned != intermediates_by_object_.end())
        return planned->second;
    std::string prefix = local_role_prefix(snap_.database_oid, kind);
    std::optional<std::string> existing = intermediate_in_acl(sc.acl, prefix, kind_privilege(kind),
                                                              "pg_namespace", sc.oid, snap_.intermediates);
    std::string name = existing ? *existing : new_role_name(prefix);
    if (!existing) {
        create_role(intermediates_, name);
        created_.insert(name);
        intermediates_.push_back(CommentOnRole{
            name, intermediate_marker(kind_privilege(kind), "schema " + dq(s), "pg_namespace", sc.oid)});
        grant_on(intermediates_, GrantPrivileges{{kind_privilege(kind)}, schema_ref(s), name, {}}, schema_owner(s),
                 schema_owner(s), schema_text(s));
    }
    intermediates_by_object_[key] = name;
    return name;
}

std::string Planner::table_intermediate(const Relation& rel) {
    if (auto planned = table_intermediates_.find(rel.oid); planned != table_intermediates_.end())
        return planned->second;
    std::optional<std::string> existing = relation_intermediate(rel);
    std::string name = existing ? *existing : new_role_name(local_role_prefix(snap_.database_oid, spec::Kind::table_select));
    if (!existing) {
        create_role(intermediates_, name);
        created_.insert(name);
        intermediates_.push_back(CommentOnRole{
            name, intermediate_marker("SELECT", "table " + dq(rel.schema) + "." + dq(rel.name), "pg_class", rel.oid)});
        std::string owner = relation_owner(rel.oid);
        grant_on(intermediates_, GrantPrivileges{{"SELECT"}, relation_ref(rel), name, {}}, owner, owner,
                 relation_text(rel));
    }
    table_intermediates_[rel.oid] = name;
    return name;
}

std::vector<Oid> Planner::selected_relations(const DesiredRole& role, const spec::Grant& g) {
    if (!schema_exists(g.schema)) {
        notice(role, g, schema_text(g.schema) + " does not exist");
        return {};
    }
    if (g.table_regex.empty()) {
        auto it = snap_.relation_by_name.find({g.schema, g.table});
        if (it != snap_.relation_by_name.end()) return {it->second};
        notice(role, g, "table \"" + g.schema + "\".\"" + g.table + "\" does not exist");
        return {};
    }
    auto it = snap_.regex_matches.find({g.schema, g.table_regex});
    if (it != snap_.regex_matches.end()) return it->second;
    notice(role, g, "no table in " + schema_text(g.schema) + " matches \"" + g.table_regex + "\"");
    return {};
}

// A NOINHERIT role gets nothing from membership of an intermediate role:
// checked where one would be granted.
void Planner::check_inherits(const DesiredRole& role, const spec::Grant& g) {
    // From 16 on, intermediate memberships are granted WITH INHERIT TRUE.
    if (error_ || state_of(role.name).inherit || snap_.server.role_options) return;
    error_ = spec::Error{
        "22023", spec::element_path(role.path, g.index) + ": role \"" + role.name +
                     "\" is NOINHERIT, so the privileges of intermediate roles would not apply to it" +
                     (g.kind == spec::Kind::database_connect ? "" : "; declare it \"direct\": true")};
}

void Planner::resolve_grants(const DesiredRole& role, Wants& w) {
    for (const spec::Grant& g : role.grants) {
        switch (g.kind) {
            case spec::Kind::role_membership:
                create_role_if_missing(g.role);
                w.memberships.insert(g.role);
                break;
            case spec::Kind::database_connect:
                if (auto r = connect_role(role, g)) {
                    check_inherits(role, g);
                    w.memberships.insert(*r);
                }
                break;
            case spec::Kind::schema_usage:
            case spec::Kind::schema_create:
                if (!schema_exists(g.schema)) {
                    notice(role, g, schema_text(g.schema) + " does not exist");
                } else if (g.direct) {
                    w.schema_direct[g.schema].insert(kind_privilege(g.kind));
                } else if (schema_owner(g.schema) == role.name) {
                    // Its owner has the privilege: no intermediate role.
                } else if (auto sc = snap_.schemas.find(g.schema); sc != snap_.schemas.end()) {
                    check_inherits(role, g);
                    w.memberships.insert(schema_intermediate(sc->second, g.schema, g.kind));
                } else {
                    // Created by this sync for another role: its intermediate
                    // role comes with the next sync, once the schema has an oid.
                    notice(role, g, schema_text(g.schema) + " is created by this sync: sync again to grant it");
                }
                break;
            case spec::Kind::table_select:
                for (Oid oid : selected_relations(role, g)) {
                    const Relation* rel = relation(oid);
                    if (!rel) continue;  // gone between two reads
                    if (g.direct)
                        w.relation_direct[oid].insert("SELECT");
                    else if (relation_owner(oid) != role.name) {  // an owner needs no intermediate role
                        check_inherits(role, g);
                        w.memberships.insert(table_intermediate(*rel));
                    }
                }
                break;
            case spec::Kind::schema_ownership:
            case spec::Kind::table_ownership:
                break;  // planned already
        }
    }
}

}  // namespace pgsr::plan::detail
