// The planner.  Statements come out in phases, so that each one finds what
// it needs already done:
//   roles -> caller's temporary rights -> schema owners -> table owners ->
//   intermediate roles -> direct privileges -> login -> memberships ->
//   caller's temporary rights given back
#include "plan/plan.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace pgsr::plan {

const char* action_name(Action a) {
    switch (a) {
        case Action::create_role: return "create_role";
        case Action::alter_role: return "alter_role";
        case Action::create_schema: return "create_schema";
        case Action::grant: return "grant";
        case Action::revoke: return "revoke";
        case Action::alter_owner: return "alter_owner";
        case Action::drop_role: return "drop_role";
        case Action::comment: return "comment";
    }
    return "unknown";
}

Action action_of(const Statement& s) {
    struct Visitor {
        Action operator()(const CreateRole&) const { return Action::create_role; }
        Action operator()(const SetLogin&) const { return Action::alter_role; }
        Action operator()(const RemoveLogin&) const { return Action::alter_role; }
        Action operator()(const GrantRoles&) const { return Action::grant; }
        Action operator()(const RevokeRoles&) const { return Action::revoke; }
        Action operator()(const GrantPrivileges&) const { return Action::grant; }
        Action operator()(const RevokePrivileges&) const { return Action::revoke; }
        Action operator()(const CreateSchema&) const { return Action::create_schema; }
        Action operator()(const AlterOwner&) const { return Action::alter_owner; }
        Action operator()(const DropRole&) const { return Action::drop_role; }
        Action operator()(const CommentOnRole&) const { return Action::comment; }
    };
    return std::visit(Visitor{}, s);
}

std::string connect_role_prefix() { return "_pgsr_global_database_connect_"; }

std::string local_role_prefix(Oid database_oid, spec::Kind kind) {
    std::string p = "_pgsr_local_" + std::to_string(database_oid) + "_";
    switch (kind) {
        case spec::Kind::schema_usage: return p + "schema_usage_";
        case spec::Kind::schema_create: return p + "schema_create_";
        case spec::Kind::table_select: return p + "table_select_";
        default: return p;
    }
}

std::string intermediate_name_pattern() {
    return "^(_pgsr_global_database_connect_|_pgsr_local_[0-9]+_(schema_usage|schema_create|table_select)_)"
           "[0-9a-f]{8}$";
}

namespace {
std::string marker_head(const std::string& privilege) {
    return std::string(kMarkerPrefix) + "intermediate role for " + privilege + " on ";
}
std::string marker_tail(const std::string& catalog, Oid oid) {
    return " [" + catalog + " " + std::to_string(oid) + "]";
}
}  // namespace

std::string intermediate_marker(const std::string& privilege, const std::string& object,
                                const std::string& catalog, Oid oid) {
    return marker_head(privilege) + object + marker_tail(catalog, oid);
}

ObjectType relation_type(char relkind) {
    switch (relkind) {
        case 'v': return ObjectType::view;
        case 'm': return ObjectType::materialized_view;
        case 'f': return ObjectType::foreign_table;
        case 'S': return ObjectType::sequence;
        default: return ObjectType::table;
    }
}

namespace {

bool owns_kind(spec::Kind k) {
    return k == spec::Kind::schema_ownership || k == spec::Kind::table_ownership;
}

// What an ownership grant names: "schema \"s\"" or "table \"s\".\"t\"".
std::string owned_key(const std::string& schema, const std::string& table = {}) {
    return table.empty() ? "schema \"" + schema + "\"" : "table \"" + schema + "\".\"" + table + "\"";
}
std::string object_key(const spec::Grant& g) {
    return owned_key(g.schema, g.kind == spec::Kind::schema_ownership ? std::string() : g.table);
}

}  // namespace

std::optional<spec::Error> validate(const Request& request) {
    std::set<std::string> seen;
    std::map<std::string, std::string> owners;  // object -> role declaring it owns it
    for (const DesiredRole& role : request.roles) {
        if (!seen.insert(role.name).second)
            return spec::Error{"22023", "role \"" + role.name + "\" is named more than once"};
        if (role.name.rfind("pg_", 0) == 0)
            return spec::Error{"22023", "role \"" + role.name +
                                            "\" is reserved: roles starting with \"pg_\" are not synced"};
        for (const spec::Grant& g : role.grants) {
            if (g.kind == spec::Kind::role_membership && g.role == role.name)
                return spec::Error{"22023", spec::element_path(role.path, g.index) +
                                                ".role: a role cannot be a member of itself"};
            if (!owns_kind(g.kind)) continue;
            auto [it, fresh] = owners.emplace(object_key(g), role.name);
            if (!fresh && it->second != role.name)
                return spec::Error{"22023", spec::element_path(role.path, g.index) + ": " +
                                                object_key(g) + " is declared owned by both \"" +
                                                it->second + "\" and \"" + role.name + "\""};
        }
    }
    return std::nullopt;
}

namespace {

using PrivilegeSet = std::set<std::string>;
// What a role holds on an object, by grantor: privilege -> WITH GRANT OPTION.
using ByGrantor = std::map<std::string, std::map<std::string, bool>>;

// Splits `items` into runs of at most `n`.
std::vector<std::vector<std::string>> chunks(const std::vector<std::string>& items, std::size_t n) {
    std::vector<std::vector<std::string>> out;
    for (std::size_t i = 0; i < items.size(); i += n)
        out.emplace_back(items.begin() + i, items.begin() + std::min(items.size(), i + n));
    return out;
}

bool hex8(const std::string& s, std::size_t from) {
    if (s.size() != from + 8) return false;
    for (std::size_t i = from; i < s.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i])) && (s[i] < 'a' || s[i] > 'f')) return false;
    return true;
}

// Double-quoted as in SQL, so that object names in markers are unambiguous.
std::string dq(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// The intermediate role already holding `privilege` on an object, found
// through the object's ACL (never by name alone).  It is reused only if it
// is named prefix + 8 hex digits, holds exactly that privilege here (no
// other, no grant option), is plain (NOLOGIN, no attribute, a member of
// nothing), and was made for this object: marked so by its comment, or, for
// an unmarked one (as the Python library makes them), named in no other ACL.
// Otherwise the owner of any object could grant it to another object's
// intermediate role and have her object's readers made members of that one.
// A marked role stays trusted whatever else is granted to it: what others
// grant it they could grant to anyone.
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
    for (const std::string& name : holding) {  // in name order
        auto c = candidates.find(name);
        if (other.count(name) || c == candidates.end() || !c->second.plain) continue;
        const auto& comment = c->second.comment;
        bool ours = comment && comment->rfind(kMarkerPrefix, 0) == 0;
        if (ours ? made_for_this(*comment) : c->second.references == 1) return name;
    }
    return std::nullopt;
}

ByGrantor held_by(const std::vector<AclEntry>& acl, const std::string& role) {
    ByGrantor out;
    for (const AclEntry& e : acl)
        if (e.grantee == role) out[e.grantor][e.privilege] = e.grantable;
    return out;
}

// Whether `role` granted any of `privileges` on to another role: revoking
// them from it then needs CASCADE.
bool passed_on(const std::vector<AclEntry>& acl, const std::string& role, const PrivilegeSet& privileges) {
    for (const AclEntry& e : acl)
        if (e.grantor == role && e.grantee != role && privileges.count(e.privilege)) return true;
    return false;
}

std::vector<std::string> sorted(const PrivilegeSet& s) { return {s.begin(), s.end()}; }

RevokePrivileges revoke_of(std::vector<std::string> privileges, const ObjectRef& object, const std::string& grantee,
                           std::vector<std::string> columns, bool grant_option, bool cascade) {
    RevokePrivileges r;
    r.privileges = std::move(privileges);
    r.object = object;
    r.grantee = grantee;
    r.columns = std::move(columns);
    r.grant_option = grant_option;
    r.cascade = cascade;
    return r;
}

// After ALTER ... OWNER the old owner's grants are recorded as the new owner's.
ByGrantor regranted(ByGrantor have, const std::string& from, const std::string& to) {
    if (from == to) return have;
    auto it = have.find(from);
    if (it == have.end()) return have;
    auto moved = std::move(it->second);
    have.erase(it);
    for (const auto& [privilege, grantable] : moved) have[to][privilege] |= grantable;
    return have;
}

const char* kind_privilege(spec::Kind k) {
    switch (k) {
        case spec::Kind::schema_usage: return "USAGE";
        case spec::Kind::schema_create: return "CREATE";
        default: return "SELECT";
    }
}

// What one role declares, resolved against the snapshot.
struct Wants {
    std::set<std::string> memberships;
    std::map<std::string, PrivilegeSet> schema_direct;
    std::map<Oid, PrivilegeSet> relation_direct;
    std::set<std::string> own_schemas;
    std::set<Oid> own_relations;
};

class Planner {
public:
    Planner(const Request& request, const Snapshot& snapshot, const NameSource& names)
        : req_(request), snap_(snapshot), names_(names) {
        for (const DesiredRole& r : req_.roles)
            for (const spec::Grant& g : r.grants)
                if (owns_kind(g.kind)) declared_owner_.emplace(object_key(g), r.name);  // validate(): one each
    }

    Plan run() {
        // What the caller owns is "given back" to the caller: syncing itself
        // would never converge, and could lock the caller out.
        for (const DesiredRole& role : req_.roles)
            if (role.name == snap_.caller.name) {
                Plan p;
                p.error = spec::Error{"22023", "role \"" + role.name +
                                                   "\" is the calling role: it cannot be synced by itself"};
                return p;
            }
        for (const DesiredRole& role : req_.roles) create_role_if_missing(role.name);
        std::vector<Wants> wants;
        for (const DesiredRole& role : req_.roles) wants.push_back(resolve_ownership(role));
        for (std::size_t i = 0; i < req_.roles.size(); ++i) plan_schema_owners(req_.roles[i], wants[i]);
        for (std::size_t i = 0; i < req_.roles.size(); ++i) plan_table_owners(req_.roles[i], wants[i]);
        for (std::size_t i = 0; i < req_.roles.size(); ++i) resolve_grants(req_.roles[i], wants[i]);
        for (std::size_t i = 0; i < req_.roles.size(); ++i) {
            plan_direct_privileges(req_.roles[i].name, wants[i]);
            plan_login(req_.roles[i]);
            plan_memberships(req_.roles[i].name, wants[i].memberships);
        }
        return assemble();
    }

private:
    // ------------------------------------------------------------ helpers

    void create_role_if_missing(const std::string& name) {
        if (snap_.role_exists(name) || !created_.insert(name).second) return;
        roles_.push_back(CreateRole{name});
    }

    // The caller will act with the rights of `role` (as the owner of what
    // `what` names, or to make it an owner): grant it for the call if the
    // caller lacks them.  A superuser's rights cannot be granted to a
    // non-superuser; GRANT would only warn, so this is an error up front.
    // Making a role an owner only needs membership in it (`membership_enough`);
    // acting as an owner needs its privileges, which a NOINHERIT member
    // lacks (GRANT would again only warn).
    void need_rights_of(const std::string& role, const std::string& what, bool membership_enough = false) {
        if (snap_.caller.superuser || role == snap_.caller.name) return;
        auto it = snap_.standing.find(role);
        Standing st = it == snap_.standing.end() ? Standing{} : it->second;
        if (st.has_privileges || (st.direct_member && membership_enough)) return;
        if (st.direct_member) {
            if (!error_)
                error_ = spec::Error{"42501", "permission denied to change " + what + ": the caller is a member of its owner \"" +
                                                  role + "\" but does not inherit its privileges"};
            return;
        }
        if (st.superuser) {
            if (!error_)
                error_ = spec::Error{"42501", "permission denied to change " + what + ": its owner \"" +
                                                  role + "\" is a superuser"};
            return;
        }
        rights_.insert(role);
    }

    std::string new_role_name(const std::string& prefix) {
        for (int attempt = 0; attempt < 10; ++attempt) {
            std::string name = names_(prefix);
            if (allocated_.insert(name).second) return name;
        }
        return names_(prefix);
    }

    void notice(const DesiredRole& role, const spec::Grant& g, const std::string& what) {
        notices_.push_back(spec::element_path(role.path, g.index) + " (" + spec::kind_name(g.kind) +
                           ") skipped: " + what);
    }

    static std::string schema_text(const std::string& s) { return "schema \"" + s + "\""; }
    static std::string relation_text(const Relation& r) {
        return "\"" + r.schema + "\".\"" + r.name + "\"";
    }
    static ObjectRef schema_ref(const std::string& s) { return ObjectRef{ObjectType::schema, "", s}; }
    static ObjectRef relation_ref(const Relation& r) {
        return ObjectRef{relation_type(r.relkind), r.schema, r.name};
    }

    const RoleState& state_of(const std::string& name) const {
        static const RoleState missing;
        auto it = snap_.roles.find(name);
        return it == snap_.roles.end() ? missing : it->second;
    }

    bool schema_exists(const std::string& s) const {
        return snap_.schemas.count(s) || created_schemas_.count(s);
    }
    std::string schema_owner(const std::string& s) const {
        if (auto it = schema_owner_.find(s); it != schema_owner_.end()) return it->second;
        auto it = snap_.schemas.find(s);
        return it == snap_.schemas.end() ? "" : it->second.owner;
    }
    std::string relation_owner(Oid oid) const {
        if (auto it = relation_owner_.find(oid); it != relation_owner_.end()) return it->second;
        auto it = snap_.relations.find(oid);
        return it == snap_.relations.end() ? "" : it->second.owner;
    }
    const Relation* relation(Oid oid) const {
        auto it = snap_.relations.find(oid);
        return it == snap_.relations.end() ? nullptr : &it->second;
    }

    // ----------------------------------------------------------- ownership

    // Ownership is declared by name; which objects exist is known now.
    Wants resolve_ownership(const DesiredRole& role) {
        Wants w;
        for (const spec::Grant& g : role.grants) {
            if (g.kind == spec::Kind::schema_ownership) w.own_schemas.insert(g.schema);
            if (g.kind != spec::Kind::table_ownership) continue;
            auto it = snap_.relation_by_name.find({g.schema, g.table});
            const Relation* rel = it == snap_.relation_by_name.end() ? nullptr : relation(it->second);
            if (rel && rel->linked)
                notice(role, g, "sequence \"" + g.schema + "\".\"" + g.table +
                                    "\" belongs to a table column: its owner is its table's");
            else if (rel)
                w.own_relations.insert(rel->oid);
            else if (!snap_.schemas.count(g.schema) && !schema_declared_owned(g.schema))
                notice(role, g, schema_text(g.schema) + " does not exist");
            else
                notice(role, g, "table \"" + g.schema + "\".\"" + g.table + "\" does not exist");
        }
        return w;
    }

    // Whether a role of the request declares it owns the schema (which is
    // then created if missing).
    bool schema_declared_owned(const std::string& s) const { return declared_owner_.count(owned_key(s)) != 0; }

    // Whether another role of the request declares it owns the object.
    bool claimed_by_other(const std::string& role, const std::string& key) const {
        auto it = declared_owner_.find(key);
        return it != declared_owner_.end() && it->second != role;
    }

    void plan_schema_owners(const DesiredRole& role, const Wants& w) {
        const std::string& r = role.name;
        for (const std::string& s : w.own_schemas) {
            auto it = snap_.schemas.find(s);
            if (it == snap_.schemas.end()) {
                schemas_.push_back(CreateSchema{s, r});
                created_schemas_.insert(s);
            } else if (it->second.owner != r) {
                need_rights_of(it->second.owner, schema_text(s));
                schemas_.push_back(AlterOwner{schema_ref(s), r});
            } else {
                continue;
            }
            need_rights_of(r, schema_text(s), true);  // to make it an owner
            schema_owner_[s] = r;
        }
        // Schemas it owns and no longer declares go back to the caller.
        auto touched = snap_.touched_schemas.find(r);
        if (touched == snap_.touched_schemas.end()) return;
        for (const std::string& s : touched->second) {
            auto it = snap_.schemas.find(s);
            if (it == snap_.schemas.end()) continue;
            const Schema& sc = it->second;
            if (sc.owner != r || w.own_schemas.count(s) || claimed_by_other(r, owned_key(s))) continue;
            need_rights_of(r, schema_text(s));
            schemas_.push_back(AlterOwner{schema_ref(s), snap_.caller.name});
            schema_owner_[s] = snap_.caller.name;
        }
    }

    void set_relation_owner(const Relation& rel, const std::string& owner) {
        relation_owner_[rel.oid] = owner;
        for (Oid seq : rel.owned_sequences) relation_owner_[seq] = owner;
    }

    // Whether `role` will hold `privilege` on the schema directly when its
    // tables change owner: not from entries it had as the schema's owner if
    // this plan gives the schema away (they become the new owner's).
    bool has_direct(const std::string& role, const std::string& schema, const std::string& privilege) {
        if (temporary_create_.count({role, schema})) return true;
        auto it = snap_.schemas.find(schema);
        if (it == snap_.schemas.end()) return false;
        if (it->second.owner == role && schema_owner(schema) != role) return false;
        for (const auto& [_, privs] : held_by(it->second.acl, role))
            if (privs.count(privilege)) return true;
        return false;
    }

    void plan_table_owners(const DesiredRole& role, const Wants& w) {
        const std::string& r = role.name;
        for (Oid oid : w.own_relations) {
            const Relation* found = relation(oid);
            if (!found || found->owner == r) continue;
            const Relation& rel = *found;
            // ALTER ... OWNER needs the new owner to have CREATE on the
            // schema; it is given here and taken back with the other direct
            // privileges unless schema_create is declared direct.
            std::string so = schema_owner(rel.schema);
            if (!snap_.caller.superuser && so != r && !has_direct(r, rel.schema, "CREATE")) {
                need_rights_of(so, schema_text(rel.schema));
                tables_.push_back(GrantPrivileges{{"CREATE"}, schema_ref(rel.schema), r});
                temporary_create_.insert({r, rel.schema});
            }
            need_rights_of(rel.owner, relation_text(rel));
            need_rights_of(r, relation_text(rel), true);
            tables_.push_back(AlterOwner{relation_ref(rel), r});
            set_relation_owner(rel, r);
        }
        auto touched = snap_.touched_relations.find(r);
        if (touched == snap_.touched_relations.end()) return;
        for (Oid oid : touched->second) {
            auto it = snap_.relations.find(oid);
            if (it == snap_.relations.end()) continue;
            const Relation& rel = it->second;
            // A sequence owned by a column changes owner with its table.
            if (rel.owner != r || rel.linked || w.own_relations.count(oid) ||
                req_.preserve_schemas.count(rel.schema) || claimed_by_other(r, owned_key(rel.schema, rel.name)))
                continue;
            need_rights_of(r, relation_text(rel));
            // The new owner, the caller, needs CREATE on the schema too.
            std::string so = schema_owner(rel.schema);
            auto sc = snap_.schemas.find(rel.schema);
            if (so != snap_.caller.name && sc != snap_.schemas.end() && !sc->second.caller_can_create)
                need_rights_of(so, schema_text(rel.schema));
            tables_.push_back(AlterOwner{relation_ref(rel), snap_.caller.name});
            set_relation_owner(rel, snap_.caller.name);
        }
    }

    // ----------------------------------------------------------- grants

    std::optional<std::string> connect_role(const DesiredRole& role, const spec::Grant& g) {
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
            intermediates_.push_back(CreateRole{name});
            intermediates_.push_back(CommentOnRole{name, marker});
            intermediates_.push_back(
                GrantPrivileges{{"CONNECT"}, ObjectRef{ObjectType::database, "", g.database}, name});
            need_rights_of(db->second.owner, "database \"" + g.database + "\"");
        }
        intermediates_by_object_[key] = name;
        return name;
    }

    // An existing schema's intermediate role (one the plan creates has no oid
    // to mark a role with yet: see resolve_grants).
    std::string schema_intermediate(const Schema& sc, const std::string& s, spec::Kind kind) {
        std::string key = std::string(kind_privilege(kind)) + " schema " + s;
        if (auto planned = intermediates_by_object_.find(key); planned != intermediates_by_object_.end())
            return planned->second;
        std::string prefix = local_role_prefix(snap_.database_oid, kind);
        std::string marker = intermediate_marker(kind_privilege(kind), "schema " + dq(s), "pg_namespace", sc.oid);
        std::optional<std::string> existing = intermediate_in_acl(sc.acl, prefix, kind_privilege(kind),
                                                                  "pg_namespace", sc.oid, snap_.intermediates);
        std::string name = existing ? *existing : new_role_name(prefix);
        if (!existing) {
            intermediates_.push_back(CreateRole{name});
            intermediates_.push_back(CommentOnRole{name, marker});
            intermediates_.push_back(GrantPrivileges{{kind_privilege(kind)}, schema_ref(s), name});
            need_rights_of(schema_owner(s), schema_text(s));
        }
        intermediates_by_object_[key] = name;
        return name;
    }

    std::string table_intermediate(const Relation& rel) {
        std::string key = "SELECT relation " + std::to_string(rel.oid);
        if (auto planned = intermediates_by_object_.find(key); planned != intermediates_by_object_.end())
            return planned->second;
        std::string prefix = local_role_prefix(snap_.database_oid, spec::Kind::table_select);
        std::string marker =
            intermediate_marker("SELECT", "table " + dq(rel.schema) + "." + dq(rel.name), "pg_class", rel.oid);
        std::optional<std::string> existing =
            intermediate_in_acl(rel.acl, prefix, "SELECT", "pg_class", rel.oid, snap_.intermediates);
        std::string name = existing ? *existing : new_role_name(prefix);
        if (!existing) {
            intermediates_.push_back(CreateRole{name});
            intermediates_.push_back(CommentOnRole{name, marker});
            intermediates_.push_back(GrantPrivileges{{"SELECT"}, relation_ref(rel), name});
            need_rights_of(relation_owner(rel.oid), relation_text(rel));
        }
        intermediates_by_object_[key] = name;
        return name;
    }

    std::vector<Oid> selected_relations(const DesiredRole& role, const spec::Grant& g) {
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
    void check_inherits(const DesiredRole& role, const spec::Grant& g) {
        if (error_ || state_of(role.name).inherit) return;
        error_ = spec::Error{
            "22023", spec::element_path(role.path, g.index) + ": role \"" + role.name +
                         "\" is NOINHERIT, so the privileges of intermediate roles would not apply to it" +
                         (g.kind == spec::Kind::database_connect ? "" : "; declare it \"direct\": true")};
    }

    void resolve_grants(const DesiredRole& role, Wants& w) {
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

    // ---------------------------------------------------- direct privileges

    // Brings one object's direct privileges for `role` to `want`: what it
    // holds after this plan's ownership changes, less what is not wanted,
    // less any grant option, plus what is missing.  What an owner holds is
    // not managed.
    void reconcile(const std::string& role, const ObjectRef& ref, const std::string& what,
                   const std::string& owner, const ByGrantor& have, const PrivilegeSet& want,
                   const std::vector<AclEntry>& acl, bool revoke_allowed) {
        if (owner == role) return;
        PrivilegeSet held;
        for (const auto& [grantor, privs] : have) {
            PrivilegeSet extra, options;
            for (const auto& [privilege, grantable] : privs) {
                held.insert(privilege);
                if (!want.count(privilege))
                    extra.insert(privilege);
                else if (grantable)
                    options.insert(privilege);
            }
            if (!revoke_allowed) continue;
            if (!extra.empty())
                revoke_as(grantor, owner, what,
                          revoke_of(sorted(extra), ref, role, {}, false, passed_on(acl, role, extra)));
            if (!options.empty())
                revoke_as(grantor, owner, what,
                          revoke_of(sorted(options), ref, role, {}, true, passed_on(acl, role, options)));
        }
        PrivilegeSet missing;
        std::set_difference(want.begin(), want.end(), held.begin(), held.end(),
                            std::inserter(missing, missing.end()));
        if (missing.empty()) return;
        need_rights_of(owner, what);
        privileges_.push_back(GrantPrivileges{sorted(missing), ref, role});
    }

    // A REVOKE removes only what its grantor granted: the owner's grants as
    // the owner (or one with its rights), another grantor's as that role.
    void revoke_as(const std::string& grantor, const std::string& owner, const std::string& what,
                   RevokePrivileges revoke) {
        if (grantor == owner) {
            need_rights_of(owner, what);
            privileges_.push_back(std::move(revoke));
            return;
        }
        need_rights_of(grantor, what, true);  // SET ROLE needs membership only
        revoke.as_role = grantor;
        privileges_.push_back(std::move(revoke));
    }

    void plan_direct_privileges(const std::string& role, const Wants& w) {
        std::set<std::string> schemas;
        if (auto it = snap_.touched_schemas.find(role); it != snap_.touched_schemas.end())
            schemas = it->second;
        for (const auto& [s, _] : w.schema_direct) schemas.insert(s);
        for (const auto& [r, s] : temporary_create_)
            if (r == role) schemas.insert(s);
        static const PrivilegeSet none;
        for (const std::string& s : schemas) {
            ByGrantor have;
            auto sc = snap_.schemas.find(s);
            bool given_back = sc != snap_.schemas.end() && sc->second.owner == role && schema_owner(s) != role;
            if (sc != snap_.schemas.end() && !given_back)
                have = regranted(held_by(sc->second.acl, role), sc->second.owner, schema_owner(s));
            if (temporary_create_.count({role, s})) have[schema_owner(s)]["CREATE"] = false;
            auto want = w.schema_direct.find(s);
            static const std::vector<AclEntry> no_acl;
            reconcile(role, schema_ref(s), schema_text(s), schema_owner(s), have,
                      want == w.schema_direct.end() ? none : want->second,
                      sc == snap_.schemas.end() ? no_acl : sc->second.acl, true);
        }

        std::set<Oid> relations;
        if (auto it = snap_.touched_relations.find(role); it != snap_.touched_relations.end())
            relations = it->second;
        for (const auto& [oid, _] : w.relation_direct) relations.insert(oid);
        for (Oid oid : relations) {
            auto it = snap_.relations.find(oid);
            if (it == snap_.relations.end()) continue;
            const Relation& rel = it->second;
            std::string owner = relation_owner(oid);
            bool given_back = rel.owner == role && owner != role;
            bool preserved = req_.preserve_schemas.count(rel.schema) != 0;
            auto want = w.relation_direct.find(oid);
            reconcile(role, relation_ref(rel), relation_text(rel), owner,
                      given_back ? ByGrantor{} : regranted(held_by(rel.acl, role), rel.owner, owner),
                      want == w.relation_direct.end() ? none : want->second, rel.acl, !preserved);
            if (!given_back && !preserved && owner != role) revoke_columns(role, rel, owner);
        }
    }

    // Column privileges are never declared: all of them go.
    void revoke_columns(const std::string& role, const Relation& rel, const std::string& owner) {
        std::map<std::string, std::set<std::string>> by_grantor;
        bool cascade = false;
        for (const ColumnAclEntry& c : rel.columns) {
            // After ALTER ... OWNER the old owner's grants are the new owner's.
            const std::string& grantor = c.entry.grantor == rel.owner ? owner : c.entry.grantor;
            if (c.entry.grantee == role) by_grantor[grantor].insert(c.column);
            if (c.entry.grantor == role && c.entry.grantee != role) cascade = true;
        }
        for (const auto& [grantor, cols] : by_grantor)
            revoke_as(grantor, owner, relation_text(rel),
                      revoke_of({"ALL"}, relation_ref(rel), role, sorted(cols), false, cascade));
    }

    // ------------------------------------------------------ login, members

    void plan_login(const DesiredRole& role) {
        const RoleState& st = state_of(role.name);
        if (!role.login) {
            if (st.can_login || st.has_password.value_or(false)) logins_.push_back(RemoveLogin{role.name});
            return;
        }
        const DesiredLogin& want = *role.login;
        Timestamp current = st.valid_until.value_or(kForever);
        bool set_password = want.secret.has_value() && !st.password_matches;
        if (st.can_login && current == want.valid_until && !set_password) return;
        SetLogin s{role.name, std::nullopt, want.valid_until_text};
        if (set_password) s.password = *want.secret;
        logins_.push_back(std::move(s));
    }

    // Another database's intermediate roles are that database's to manage:
    // revoking them here would undo its syncs, and its syncs these.
    bool other_databases(const std::string& role) const { return snap_.foreign_intermediates.count(role) != 0; }

    void plan_memberships(const std::string& member, const std::set<std::string>& wanted) {
        const RoleState& st = state_of(member);
        std::vector<std::string> to_grant, to_revoke, admin;
        std::set_difference(wanted.begin(), wanted.end(), st.member_of.begin(), st.member_of.end(),
                            std::back_inserter(to_grant));
        for (const std::string& r : st.member_of) {
            if (wanted.count(r)) {
                if (st.admin_of.count(r)) admin.push_back(r);  // ADMIN OPTION is never declared
            } else if (!other_databases(r)) {
                to_revoke.push_back(r);
            }
        }
        if (!to_grant.empty()) grant_sets_[to_grant].push_back(member);
        if (!to_revoke.empty()) revoke_sets_[to_revoke].push_back(member);
        if (!admin.empty()) admin_sets_[admin].push_back(member);
    }

    // ------------------------------------------------------- assembly

    // Members that get exactly the same roles share statements: 4,000 new
    // users given the same three roles take a handful of GRANTs, not 4,000.
    template <typename Stmt>
    void emit_memberships(const std::map<std::vector<std::string>, std::vector<std::string>>& sets,
                          std::vector<Statement>& out) {
        for (const auto& [roles, members] : sets)
            for (const auto& role_chunk : chunks(roles, kMembershipChunk))
                for (const auto& member_chunk : chunks(members, kMembershipChunk))
                    out.push_back(Stmt{role_chunk, member_chunk});
    }

    Plan assemble() {
        Plan p;
        auto append = [&](std::vector<Statement>& v) {
            for (Statement& s : v) p.statements.push_back(std::move(s));
        };
        append(roles_);
        std::vector<std::string> rights(rights_.begin(), rights_.end());
        for (const auto& c : chunks(rights, kMembershipChunk))
            p.statements.push_back(GrantRoles{c, {snap_.caller.name}});
        append(schemas_);
        append(tables_);
        append(intermediates_);
        append(privileges_);
        append(logins_);
        std::vector<Statement> memberships;
        emit_memberships<GrantRoles>(grant_sets_, memberships);
        emit_memberships<RevokeRoles>(revoke_sets_, memberships);
        std::vector<Statement> admin;
        emit_memberships<RevokeRoles>(admin_sets_, admin);
        for (Statement& st : admin) std::get<RevokeRoles>(st).admin_option = true;
        append(memberships);
        append(admin);
        for (const auto& c : chunks(rights, kMembershipChunk))
            p.statements.push_back(RevokeRoles{c, {snap_.caller.name}});
        p.notices = std::move(notices_);
        p.error = error_;
        return p;
    }

    const Request& req_;
    const Snapshot& snap_;
    const NameSource& names_;

    std::vector<Statement> roles_, schemas_, tables_, intermediates_, privileges_, logins_;
    std::map<std::vector<std::string>, std::vector<std::string>> grant_sets_, revoke_sets_, admin_sets_;
    std::set<std::string> created_, allocated_, rights_, created_schemas_;
    std::map<std::string, std::string> intermediates_by_object_;
    std::map<std::string, std::string> declared_owner_;  // owned_key -> role declaring it
    std::map<std::string, std::string> schema_owner_;  // owners this plan sets
    std::map<Oid, std::string> relation_owner_;
    std::set<std::pair<std::string, std::string>> temporary_create_;  // (role, schema)
    std::vector<std::string> notices_;
    std::optional<spec::Error> error_;
};

}  // namespace

Plan make_plan(const Request& request, const Snapshot& snapshot, const NameSource& names) {
    return Planner(request, snapshot, names).run();
}

Plan drop_plan(const std::vector<std::string>& roles) {
    Plan p;
    for (const auto& c : chunks(roles, kMembershipChunk)) p.statements.push_back(DropRole{c});
    return p;
}

}  // namespace pgsr::plan
