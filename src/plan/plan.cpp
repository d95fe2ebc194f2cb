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
#include <tuple>
#include <type_traits>
#include <unordered_map>

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

std::optional<std::string> statement_role(const Statement& s, const std::set<std::string>& roles) {
    auto ours = [&](const std::string& role) -> std::optional<std::string> {
        if (roles.count(role)) return role;
        return std::nullopt;
    };
    auto one_of = [&](const std::vector<std::string>& roles) -> std::optional<std::string> {
        std::optional<std::string> found;
        for (const std::string& role : roles)
            if (ours(role)) {
                if (found && *found != role) return std::nullopt;
                found = role;
            }
        return found;
    };
    struct Visitor {
        decltype(ours)& ours_;
        decltype(one_of)& one_of_;
        std::optional<std::string> operator()(const CreateRole& x) const { return ours_(x.role); }
        std::optional<std::string> operator()(const SetLogin& x) const { return ours_(x.role); }
        std::optional<std::string> operator()(const RemoveLogin& x) const { return ours_(x.role); }
        std::optional<std::string> operator()(const GrantRoles& x) const { return one_of_(x.members); }
        std::optional<std::string> operator()(const RevokeRoles& x) const { return one_of_(x.members); }
        std::optional<std::string> operator()(const GrantPrivileges& x) const { return ours_(x.grantee); }
        std::optional<std::string> operator()(const RevokePrivileges& x) const { return ours_(x.grantee); }
        std::optional<std::string> operator()(const CreateSchema& x) const { return ours_(x.owner); }
        std::optional<std::string> operator()(const AlterOwner& x) const { return ours_(x.owner); }
        std::optional<std::string> operator()(const DropRole&) const { return std::nullopt; }
        std::optional<std::string> operator()(const CommentOnRole&) const { return std::nullopt; }
    };
    return std::visit(Visitor{ours, one_of}, s);
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

std::optional<Oid> local_intermediate_database(const std::string& name) {
    const std::string head = "_pgsr_local_";
    if (name.compare(0, head.size(), head) != 0) return std::nullopt;
    std::size_t at = head.size(), digits = 0;
    std::uint64_t oid = 0;
    while (at < name.size() && name[at] >= '0' && name[at] <= '9' && digits < 11) {
        oid = oid * 10 + static_cast<std::uint64_t>(name[at] - '0');
        ++at;
        ++digits;
    }
    // As the oid's text: no leading zero, at most 4294967295.
    if (digits == 0 || (digits > 1 && name[head.size()] == '0') || oid > UINT32_MAX) return std::nullopt;
    if (at >= name.size() || name[at] != '_') return std::nullopt;
    std::string rest = name.substr(at + 1);
    for (const char* kind : {"schema_usage_", "schema_create_", "table_select_"}) {
        std::string k(kind);
        if (rest.size() != k.size() + 8 || rest.compare(0, k.size(), k) != 0) continue;
        for (std::size_t i = k.size(); i < rest.size(); ++i)
            if (!((rest[i] >= '0' && rest[i] <= '9') || (rest[i] >= 'a' && rest[i] <= 'f'))) return std::nullopt;
        return static_cast<Oid>(oid);
    }
    return std::nullopt;
}

std::string recipient_prefix() { return "_pgsr_owner_"; }
std::string recipient_name_pattern() { return "^_pgsr_owner_[0-9a-f]{8}$"; }
std::string recipient_marker(const std::string& former_owner, Oid oid) {
    std::string name = "\"";
    for (char c : former_owner) name += c == '"' ? std::string("\"\"") : std::string(1, c);
    return std::string(kMarkerPrefix) + "owner of what was taken from role " + name + "\" [pg_authid " +
           std::to_string(oid) + "]";
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

namespace {

std::string quoted_chain(const std::vector<std::string>& roles) {
    std::string out;
    for (const std::string& r : roles) out += (out.empty() ? "\"" : " -> \"") + r + "\"";
    return out;
}

// Roles of one request declared members of each other, directly or through
// other roles of the request: PostgreSQL would refuse the GRANT that closes
// the circle half way through the call.  Found up front, naming the element
// that closes it.  (Memberships of roles outside the request are not
// declared here: a circle through one of them fails as it would by hand.)
std::optional<spec::Error> membership_cycle(const Request& request) {
    struct Edge {
        std::string role;
        std::size_t index;
    };
    std::unordered_map<std::string, const DesiredRole*> declared;
    for (const DesiredRole& role : request.roles) declared.emplace(role.name, &role);
    std::unordered_map<std::string, std::vector<Edge>> edges;
    for (const DesiredRole& role : request.roles)
        for (const spec::Grant& g : role.grants)
            if (g.kind == spec::Kind::role_membership && declared.count(g.role))
                edges[role.name].push_back({g.role, g.index});
    enum class Mark { none, open, done };
    std::unordered_map<std::string, Mark> mark;
    // Walked without recursion (a chain may be thousands of roles long):
    // the roles being walked, each a member of the next, and where each is
    // in its list of edges.
    std::vector<std::pair<std::string, std::size_t>> path;
    for (const DesiredRole& start : request.roles) {
        if (mark[start.name] != Mark::none) continue;
        mark[start.name] = Mark::open;
        path.push_back({start.name, 0});
        while (!path.empty()) {
            auto& [role, next] = path.back();
            const std::vector<Edge>& out = edges[role];
            if (next == out.size()) {
                mark[role] = Mark::done;
                path.pop_back();
                continue;
            }
            const Edge& e = out[next++];
            Mark& m = mark[e.role];
            if (m == Mark::none) {
                m = Mark::open;
                std::string to = e.role;
                path.push_back({to, 0});
                continue;
            }
            if (m != Mark::open) continue;
            std::vector<std::string> circle;
            bool in = false;
            for (const auto& [r, _] : path) {
                in = in || r == e.role;
                if (in) circle.push_back(r);
            }
            circle.push_back(e.role);
            return spec::Error{"22023", spec::element_path(declared.at(role)->path, e.index) +
                                            ".role: roles of one request cannot be members of each other: " +
                                            quoted_chain(circle)};
        }
    }
    return std::nullopt;
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
    return membership_cycle(request);
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
        for (const DesiredRole& role : req_.roles) {
            create_role_if_missing(role.name);
            // Its membership of the caller, not declared, goes first of all
            // (caller_memberships_): what it could use through it is gone for
            // every statement.
            if (state_of(role.name).member_of.count(snap_.caller.name) && !declares_caller(role))
                revokes_caller_first_ = true;
        }
        std::vector<Wants> wants;
        for (const DesiredRole& role : req_.roles) wants.push_back(resolve_ownership(role));
        for (std::size_t i = 0; i < req_.roles.size(); ++i) plan_schema_owners(req_.roles[i], wants[i]);
        for (std::size_t i = 0; i < req_.roles.size(); ++i) plan_table_owners(req_.roles[i], wants[i]);
        for (std::size_t i = 0; i < req_.roles.size(); ++i) plan_taking(req_.roles[i], wants[i]);
        for (std::size_t i = 0; i < req_.roles.size(); ++i) resolve_grants(req_.roles[i], wants[i]);
        for (const DesiredRole& role : req_.roles) note_cascades(role.name);
        for (std::size_t i = 0; i < req_.roles.size(); ++i)
            for (const std::string& r : state_of(req_.roles[i].name).member_of)
                if (!keeps_membership(wants[i].memberships, r)) revokes_memberships_ = true;
        plan_foreign_grants();
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
        created_at_[name] = roles_.size();
        create_role(roles_, name);
    }

    // ------------------------------------------------------ acting roles

    void fail(std::string sqlstate, std::string message, std::string detail = {}, std::string hint = {}) {
        if (!error_) error_ = spec::Error{std::move(sqlstate), std::move(message), std::move(detail), std::move(hint)};
    }

    Standing standing_of(const std::string& role) const {
        if (auto it = snap_.standing.find(role); it != snap_.standing.end()) return it->second;
        if (snap_.deferred)
            if (auto st = snap_.deferred->standing(role)) return *st;
        Standing st;
        // A role this plan creates: from 16 on its creator holds ADMIN OPTION on it.
        if (created_.count(role)) st.admin = snap_.server.role_options;
        return st;
    }

    // What the caller needs of a role: to SET ROLE to it (and so act as
    // exactly that role), or to use its privileges (ALTER ... OWNER checks
    // that the current user has the old owner's privileges).  What the caller
    // lacks is borrowed for the call: granted to it first, taken back last,
    // and only where it could grant it to itself by hand.  Otherwise the plan
    // is an error (42501) before anything changes.
    enum Need : int { kSet = 1, kPrivileges = 2 };

    void borrow(const std::string& role, int need, const std::string& what) {
        const Caller& caller = snap_.caller;
        if (caller.superuser || role.empty() || role == caller.name) return;
        Standing st = standing_of(role);
        if (st.can_set) need &= ~kSet;
        if (st.has_privileges) need &= ~kPrivileges;
        if (!need) return;
        std::string head = "permission denied to change " + what + ": ";
        if (member_of_caller(role))
            return fail("22023", "cannot change " + what + ": it needs the rights of \"" + role +
                                     "\", which is (or is declared) a member of the calling role \"" + caller.name + "\"",
                        "Lending it to the calling role would make a circular membership.",
                        "Sync it from a role it is not a member of, or do not declare it a member of the calling role.");
        if (st.superuser)
            return fail("42501", head + "it needs the rights of \"" + role + "\", a superuser",
                        "A role that is not a superuser cannot act as a superuser.",
                        "Call sync as a superuser, or have a superuser make it owned by a role that is not one.");
        if (!snap_.server.role_options) {
            if ((need & kPrivileges) && !caller.inherit)
                return fail("42501", head + "the calling role \"" + caller.name + "\" is NOINHERIT, so it cannot use the privileges of \"" + role + "\"",
                            "On PostgreSQL 15 ALTER ... OWNER needs the privileges of the current owner, which a NOINHERIT role does not use.",
                            "Call sync as a role with INHERIT.");
            if (!caller.createrole && !st.admin)
                return fail("42501", head + "the calling role \"" + caller.name + "\" cannot grant itself \"" + role + "\"",
                            "It has neither CREATEROLE nor ADMIN OPTION on that role.",
                            "GRANT " + quoted(role) + " TO " + quoted(caller.name) + ";");
        } else if (!st.admin) {
            bool inherit = (need & kPrivileges) != 0;
            return fail("42501", head + "the calling role \"" + caller.name + "\" cannot act as role \"" + role + "\"",
                        std::string("From PostgreSQL 16 on, a role is used through a membership with ") +
                            (inherit ? "INHERIT" : "SET") +
                            ", and only a role holding ADMIN OPTION on it may grant it (the caller has that on the roles it created).",
                        "A superuser can run: GRANT " + quoted(role) + " TO " + quoted(caller.name) + " WITH INHERIT " +
                            (inherit ? "TRUE" : "FALSE") + ", SET TRUE;");
        }
        borrowed_[role] |= need;
    }

    // Whether `role` is, or this request declares it, a member of the caller.
    // A target of this request that is a member of the caller only through
    // its own membership, and does not declare it, is not: the plan revokes
    // that membership first (caller_memberships_).
    bool member_of_caller(const std::string& role) const {
        bool target = false;
        for (const DesiredRole& r : req_.roles)
            if (r.name == role) {
                if (declares_caller(r)) return true;
                target = true;
            }
        Standing st = standing_of(role);
        if (!state_of(role).member_of.count(snap_.caller.name) && !st.member_of_caller) return false;
        return !target || st.member_of_caller_indirectly;
    }

    bool declares_caller(const DesiredRole& r) const {
        for (const spec::Grant& g : r.grants)
            if (g.kind == spec::Kind::role_membership && g.role == snap_.caller.name) return true;
        return false;
    }

    // Double-quoted for hints, as quote_ident would when needed (always here).
    static std::string quoted(const std::string& s) { return dq(s); }

    // Whether `role` can look up objects in schema `s` (name lookup needs
    // USAGE) in a statement that runs before this plan's membership revokes,
    // or after them (`late`): then what it has only through a target's
    // memberships may be gone.  What it has only through PUBLIC may be gone
    // once the plan revokes PUBLIC's USAGE.
    bool has_usage(const std::string& role, const std::string& s, bool late) const {
        if (standing_of(role).superuser) return true;
        if (revoked_usage_.count({role, s})) return false;
        auto sc = snap_.schemas.find(s);
        if (schema_owner(s) == role)  // an owner may have revoked its own USAGE
            return sc == snap_.schemas.end() || sc->second.owner != role || !sc->second.owner_without_usage;
        if (sc != snap_.schemas.end() && sc->second.owner == role) return false;  // taken from it by this plan
        if (planned_usage_.count({role, s})) return true;
        bool read = snap_.usage.count({role, s}) != 0;
        if (!read && !(snap_.deferred && snap_.deferred->usage(role, s))) return false;
        bool targets = (late && revokes_memberships_) || revokes_caller_first_,
             public_grant = revoked_usage_.count({"", s}) != 0;
        // USAGE revoked from other roles (the grants of a schema's former
        // owner): the role may have had it through one of them.
        std::set<std::string> lost;
        for (const auto& [grantee, schema] : revoked_usage_)
            if (schema == s && !grantee.empty()) lost.insert(grantee);
        // The schema given to another owner: its former owner's USAGE (by
        // ownership, or its own ACL entry, which moves to the new owner) is
        // gone for the roles that had it through her.
        if (sc != snap_.schemas.end() && !sc->second.owner.empty() && sc->second.owner != schema_owner(s))
            lost.insert(sc->second.owner);
        if (!lost.empty()) {
            if (public_grant) lost.insert("");
            if (snap_.deferred) return snap_.deferred->usage_after(role, s, lost, targets);
            if (auto it = snap_.usage_through.find({role, s}); it != snap_.usage_through.end())
                return std::any_of(it->second.begin(), it->second.end(), [&](const std::string& g) { return !lost.count(g); });
        }
        if (!targets && !public_grant) return true;
        int needs = 0;
        if (auto it = snap_.usage_needs.find({role, s}); it != snap_.usage_needs.end())
            needs = it->second;
        else if (!read)
            needs = snap_.deferred->usage_needs(role, s);
        if (targets && public_grant) return !(needs & Snapshot::kThroughEither);
        return !(needs & ((targets ? Snapshot::kThroughTargets : 0) | (public_grant ? Snapshot::kThroughPublic : 0)));
    }

    // Whether a statement appended to `out` runs after the membership revokes
    // (see assemble()).
    bool after_revokes(const std::vector<Statement>& out) const { return &out == &privileges_; }

    // The role a statement names as its acting role: none when it is the
    // caller, or when a superuser caller acts as the object's owner (a
    // superuser's GRANT and REVOKE are the owner's).
    std::string as_role(const std::string& actor, const std::string& owner) const {
        if (actor == snap_.caller.name) return {};
        if (snap_.caller.superuser && actor == owner) return {};
        return actor;
    }

    // Appends a GRANT or REVOKE that runs as `actor`.  `schema`, when not
    // empty, is the object's schema: the actor needs USAGE on it to name the
    // object, lent for this one statement by the schema's owner if it lacks it.
    template <typename Stmt>
    void acting(std::vector<Statement>& out, Stmt st, const std::string& actor, const std::string& owner,
                const std::string& schema, const std::string& what) {
        borrow(actor, kSet, what);
        st.as_role = as_role(actor, owner);
        std::string lookup = st.as_role.empty() ? snap_.caller.name : actor;
        bool lend = !schema.empty() && !snap_.caller.superuser && !has_usage(lookup, schema, after_revokes(out)) &&
                    !(st.as_role.empty() && borrowed_privileges_have_usage(schema, after_revokes(out)));
        if (!lend) {
            out.push_back(std::move(st));
            return;
        }
        lend_usage(out, std::move(st), lookup, schema);
    }

    void lend_usage(std::vector<Statement>& out, Statement st, const std::string& to, const std::string& schema) {
        std::string so = schema_owner(schema);
        borrow(so, kSet, schema_text(schema));
        GrantPrivileges lent{{"USAGE"}, schema_ref(schema), to, as_role(so, so)};
        RevokePrivileges back = revoke_of({"USAGE"}, schema_ref(schema), to, {}, false, false);
        back.as_role = as_role(so, so);
        back.give_back = true;
        out.push_back(std::move(lent));
        out.push_back(std::move(st));
        out.push_back(std::move(back));
    }

    // ALTER ... OWNER runs as the caller, with the old owner's privileges
    // (borrowed) and the right to make the new one an owner (borrowed).
    void alter_owner(std::vector<Statement>& out, const ObjectRef& ref, const std::string& old_owner,
                     const std::string& new_owner, const std::string& what) {
        borrow(old_owner, kPrivileges, what);
        borrow(new_owner, kSet, what);
        AlterOwner st{ref, new_owner};
        if (ref.schema.empty() || snap_.caller.superuser || has_usage(snap_.caller.name, ref.schema, after_revokes(out)) ||
            has_usage(old_owner, ref.schema, after_revokes(out)))
            out.push_back(std::move(st));
        else
            lend_usage(out, std::move(st), snap_.caller.name, ref.schema);
    }

    // Statements the caller runs as itself use the privileges of the roles it
    // borrows them from (the old owners).
    bool borrowed_privileges_have_usage(const std::string& s, bool late) const {
        // On 15 a borrowed role's privileges come with it (for an INHERIT caller).
        bool all = !snap_.server.role_options && snap_.caller.inherit;
        for (const auto& [role, need] : borrowed_)
            if ((all || (need & kPrivileges)) && has_usage(role, s, late)) return true;
        return false;
    }

    // Creates a role.  From 16 on, createrole_self_grant may make the caller
    // a member of it: that membership is taken back at once.
    void create_role(std::vector<Statement>& out, const std::string& name) {
        out.push_back(CreateRole{name});
        if (snap_.server.self_grant && !snap_.caller.superuser) {
            RevokeRoles r{{name}, {snap_.caller.name}};
            r.granted_by = snap_.caller.name;
            out.push_back(std::move(r));
        }
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
        return ObjectRef{relation_type(r.relkind), r.schema, r.name, r.oid};
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

    // A privilege GRANT or REVOKE on an object, as `actor`.
    void grant_on(std::vector<Statement>& out, GrantPrivileges g, const std::string& actor, const std::string& owner,
                  const std::string& what) {
        std::string schema = g.object.type == ObjectType::schema || g.object.type == ObjectType::database
                                 ? std::string() : g.object.schema;
        if (g.object.type == ObjectType::schema && !g.grantee.empty() && g.privileges.size() == 1 && g.privileges[0] == "USAGE")
            planned_usage_.insert({g.grantee, g.object.name});
        acting(out, std::move(g), actor, owner, schema, what);
    }
    void revoke_on(std::vector<Statement>& out, RevokePrivileges r, const std::string& actor,
                   const std::string& owner, const std::string& what) {
        std::string schema = r.object.type == ObjectType::schema || r.object.type == ObjectType::database
                                 ? std::string() : r.object.schema;
        // A role that loses USAGE here cannot look up objects in that schema
        // in the statements after this one.
        if (r.object.type == ObjectType::schema && !r.give_back && !r.grant_option &&
            std::find(r.privileges.begin(), r.privileges.end(), "USAGE") != r.privileges.end())
            revoked_usage_.insert({r.grantee, r.object.name});
        if (!r.give_back && !r.grant_option && r.columns.empty())
            for (const std::string& p : r.privileges) revoked_.insert({ref_key(r.object), r.grantee, actor, p});
        if (!r.give_back && r.columns.empty() && actor != owner) {
            PrivilegeSet missing = options_missing(r, actor);
            if (!missing.empty()) return lend_options(out, std::move(r), actor, owner, schema, what, missing);
        }
        acting(out, std::move(r), actor, owner, schema, what);
    }

    // The snapshot's ACL of a relation or schema, and its owner there.
    std::pair<const std::vector<AclEntry>*, std::string> acl_of(const ObjectRef& ref) const {
        if (ref.type == ObjectType::schema) {
            auto it = snap_.schemas.find(ref.name);
            if (it != snap_.schemas.end()) return {&it->second.acl, it->second.owner};
        } else if (ref.type != ObjectType::database) {
            if (const Relation* rel = relation(ref.oid)) return {&rel->acl, rel->owner};
        }
        return {nullptr, {}};
    }

    // A REVOKE run as a role that is not the owner removes what PostgreSQL
    // picks as grantor for it (select_best_grantor): that role only where it
    // holds the grant option of every privilege named itself, in the object's
    // ACL; otherwise a role it is a member of that does (the owner, for a
    // member of the owner).  The options of `r` that `grantor` granted
    // without holding them any more.
    PrivilegeSet options_missing(const RevokePrivileges& r, const std::string& grantor) const {
        PrivilegeSet missing;
        auto [acl, _] = acl_of(r.object);
        if (!acl) return missing;
        for (const AclEntry& e : *acl)
            if (e.grantee == r.grantee && e.grantor == grantor && e.grantor_lacks_option &&
                std::find(r.privileges.begin(), r.privileges.end(), e.privilege) != r.privileges.end())
                missing.insert(e.privilege);
        return missing;
    }

    // The options a grantor lacks are lent by the owner for the one REVOKE
    // that runs as the grantor, then taken back: the option alone where the
    // grantor still holds the privilege from the owner at that point of the
    // plan, else the privilege (a grant that an earlier statement revoked
    // from the grantor is not handed back to it).
    void lend_options(std::vector<Statement>& out, RevokePrivileges r, const std::string& grantor,
                      const std::string& owner, const std::string& schema, const std::string& what,
                      const PrivilegeSet& missing) {
        auto [acl, old_owner] = acl_of(r.object);
        std::string key = ref_key(r.object);
        PrivilegeSet had;  // held without the option, from the owner
        for (const AclEntry& e : not_taken(r.object, *acl))
            if (e.grantee == grantor && missing.count(e.privilege) &&
                (e.grantor == old_owner ? owner : e.grantor) == owner &&
                !revoked_.count({key, grantor, owner, e.privilege}))
                had.insert(e.privilege);
        ObjectRef ref = r.object;
        GrantPrivileges lent{sorted(missing), ref, grantor, {}};
        lent.grant_option = true;
        acting(out, std::move(lent), owner, owner, schema, what);
        acting(out, std::move(r), grantor, owner, schema, what);
        PrivilegeSet gone;
        std::set_difference(missing.begin(), missing.end(), had.begin(), had.end(), std::inserter(gone, gone.end()));
        for (bool option_only : {true, false}) {
            const PrivilegeSet& back = option_only ? had : gone;
            if (back.empty()) continue;
            RevokePrivileges b = revoke_of(sorted(back), ref, grantor, {}, option_only, false);
            b.give_back = true;
            acting(out, std::move(b), owner, owner, schema, what);
        }
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
                borrow(r, kSet, schema_text(s));  // CREATE SCHEMA ... AUTHORIZATION r
                schemas_.push_back(CreateSchema{s, r});
                created_schemas_.insert(s);
            } else if (it->second.owner != r) {
                alter_owner(schemas_, schema_ref(s), it->second.owner, r, schema_text(s));
            } else {
                continue;
            }
            schema_owner_[s] = r;
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

    // ALTER ... OWNER needs the new owner to have CREATE on the schema: lent
    // here by the schema's owner.  For a target it is taken back with its
    // other direct privileges (unless declared); for a recipient, at the end
    // of the ownership phase.
    void lend_create(std::vector<Statement>& out, const std::string& to, const std::string& schema) {
        if (snap_.caller.superuser || schema_owner(schema) == to || has_direct(to, schema, "CREATE")) return;
        std::string so = schema_owner(schema);
        grant_on(out, GrantPrivileges{{"CREATE"}, schema_ref(schema), to, {}}, so, so, schema_text(schema));
        temporary_create_.insert({to, schema});
    }

    void plan_table_owners(const DesiredRole& role, const Wants& w) {
        const std::string& r = role.name;
        for (Oid oid : w.own_relations) {
            const Relation* found = relation(oid);
            if (!found || found->owner == r) continue;
            const Relation& rel = *found;
            lend_create(tables_, r, rel.schema);
            alter_owner(tables_, relation_ref(rel), rel.owner, r, relation_text(rel));
            set_relation_owner(rel, r);
        }
    }

    // ------------------------------------------------------------ taking

    // What a role owns and the document no longer gives it goes to its
    // recipient: a role made for it, with no privileges, no members and no
    // login.  So nothing the role made (a view, a rule, an index expression,
    // a trigger, a default) ever runs or reads with more rights than hers,
    // and never with the caller's.  The grants she made on those objects go
    // first, as her (after ALTER ... OWNER they would be the recipient's);
    // the grant an intermediate role made for the object holds is kept, so
    // its other readers keep it.  A sequence she owns stays hers, as in the
    // Python library (one owned by a table column moves with its table).
    void plan_taking(const DesiredRole& role, const Wants& w) {
        const std::string& r = role.name;
        std::vector<const Relation*> rels;
        if (auto t = snap_.touched_relations.find(r); t != snap_.touched_relations.end())
            for (Oid oid : t->second) {
                const Relation* rel = relation(oid);
                if (!rel || rel->owner != r || rel->linked || rel->relkind == 'S' || w.own_relations.count(oid) ||
                    req_.preserve_schemas.count(rel->schema) || claimed_by_other(r, owned_key(rel->schema, rel->name)))
                    continue;
                rels.push_back(rel);
            }
        std::vector<std::string> schemas;
        if (auto t = snap_.touched_schemas.find(r); t != snap_.touched_schemas.end())
            for (const std::string& s : t->second) {
                auto it = snap_.schemas.find(s);
                if (it == snap_.schemas.end() || it->second.owner != r || w.own_schemas.count(s) ||
                    claimed_by_other(r, owned_key(s)))
                    continue;
                schemas.push_back(s);
            }
        if (rels.empty() && schemas.empty()) return;
        std::string to = recipient_of(r);

        for (const Relation* rel : rels) {
            revoke_grants_of(r, relation_ref(*rel), rel->acl, kept_intermediate(*rel), relation_text(*rel));
            revoke_column_grants_of(r, *rel);
            for (Oid seq : rel->owned_sequences)  // they move with their table
                if (const Relation* s = relation(seq); s && s->owner == r)
                    revoke_grants_of(r, relation_ref(*s), s->acl, kept_intermediate(*s), relation_text(*s));
        }
        for (const std::string& s : schemas) {
            const Schema& sc = snap_.schemas.at(s);
            std::set<std::pair<std::string, std::string>> keep;
            for (spec::Kind k : {spec::Kind::schema_usage, spec::Kind::schema_create})
                if (auto i = intermediate_in_acl(sc.acl, local_role_prefix(snap_.database_oid, k), kind_privilege(k),
                                                 "pg_namespace", sc.oid, snap_.intermediates))
                    keep.insert({*i, kind_privilege(k)});
            revoke_grants_of(r, schema_ref(s), sc.acl, keep, schema_text(s));
        }
        std::set<std::string> lent;
        for (const Relation* rel : rels) {
            if (!temporary_create_.count({to, rel->schema})) {
                lend_create(taking_, to, rel->schema);
                if (temporary_create_.count({to, rel->schema})) lent.insert(rel->schema);
            }
            alter_owner(taking_, relation_ref(*rel), r, to, relation_text(*rel));
            set_relation_owner(*rel, to);
        }
        for (const std::string& s : schemas) {
            alter_owner(taking_, schema_ref(s), r, to, schema_text(s));
            schema_owner_[s] = to;
        }
        // CREATE lent to the recipient goes back (unless it owns the schema now).
        for (const std::string& s : lent) {
            temporary_create_.erase({to, s});
            std::string so = schema_owner(s);
            if (so == to) continue;
            RevokePrivileges back = revoke_of({"CREATE"}, schema_ref(s), to, {}, false, false);
            back.give_back = true;
            revoke_on(taking_, std::move(back), so, so, schema_text(s));
        }
    }

    // The grant a relation's trusted intermediate role holds: kept when its
    // owner changes, so that its other readers keep it.
    std::set<std::pair<std::string, std::string>> kept_intermediate(const Relation& rel) const {
        std::set<std::pair<std::string, std::string>> keep;
        if (auto i = relation_intermediate(rel)) keep.insert({*i, "SELECT"});
        return keep;
    }

    static std::string ref_key(const ObjectRef& ref) {
        return std::to_string(static_cast<int>(ref.type)) + " " + ref.schema + "." + ref.name;
    }
    // A column privilege's entry in gone_.
    static std::string column_key(const ColumnAclEntry& c) {
        return "column " + c.column + " " + c.entry.privilege;
    }

    // An ACL without the entries another statement of the plan removes (see
    // gone_): in one request, a role must not count them as held, or it would
    // revoke them again, as a grantor that may have lost the right to (or a
    // REVOKE that removes nothing), or not grant again one it declares.
    std::vector<AclEntry> not_taken(const ObjectRef& ref, const std::vector<AclEntry>& acl) const {
        if (gone_.empty()) return acl;
        std::vector<AclEntry> out;
        std::string key = ref_key(ref);
        for (const AclEntry& e : acl)
            if (!gone_.count({key, e.grantee, e.grantor, e.privilege})) out.push_back(e);
        return out;
    }

    // A relation's intermediate role for SELECT, if a fit one exists: a
    // privilege it holds on a column counts as another privilege there.
    std::optional<std::string> relation_intermediate(const Relation& rel) const {
        std::vector<AclEntry> acl = rel.acl;
        for (const ColumnAclEntry& c : rel.columns) {
            acl.push_back(c.entry);
            acl.back().privilege += " (" + c.column + ")";
        }
        return intermediate_in_acl(acl, local_role_prefix(snap_.database_oid, spec::Kind::table_select), "SELECT",
                                   "pg_class", rel.oid, snap_.intermediates);
    }

    // The recipient of what `role` owned: its trusted one, or a new one.
    std::string recipient_of(const std::string& role) {
        if (auto it = recipients_.find(role); it != recipients_.end()) return it->second;
        std::string name;
        auto found = snap_.recipients.find(role);
        if (found != snap_.recipients.end() && found->second.trusted) {
            name = found->second.name;
        } else {
            name = new_role_name(recipient_prefix());
            create_role(roles_, name);
            created_.insert(name);
            roles_.push_back(CommentOnRole{name, recipient_marker(role, state_of(role).oid)});
        }
        recipients_[role] = name;
        return name;
    }

    // Revokes, as `role`, every privilege it granted on an object to another
    // role or to PUBLIC, with what was passed on from them (CASCADE); `keep`
    // lists (grantee, privilege) entries left in place.
    void revoke_grants_of(const std::string& role, const ObjectRef& ref, const std::vector<AclEntry>& acl,
                          const std::set<std::pair<std::string, std::string>>& keep, const std::string& what) {
        std::map<std::string, PrivilegeSet> by_grantee;
        for (const AclEntry& e : acl)
            if (e.grantor == role && e.grantee != role && !keep.count({e.grantee, e.privilege})) {
                by_grantee[e.grantee].insert(e.privilege);
                gone_.insert({ref_key(ref), e.grantee, role, e.privilege});
            }
        for (const auto& [grantee, privs] : by_grantee)
            revoke_on(taking_, revoke_of(sorted(privs), ref, grantee, {}, false, true), role, role, what);
    }

    void revoke_column_grants_of(const std::string& role, const Relation& rel) {
        std::map<std::string, std::set<std::string>> by_grantee;
        for (const ColumnAclEntry& c : rel.columns)
            if (c.entry.grantor == role && c.entry.grantee != role) {
                by_grantee[c.entry.grantee].insert(c.column);
                gone_.insert({ref_key(relation_ref(rel)), c.entry.grantee, role, column_key(c)});
            }
        for (const auto& [grantee, cols] : by_grantee)
            revoke_on(taking_, revoke_of({"ALL"}, relation_ref(rel), grantee, sorted(cols), false, true), role, role,
                      relation_text(rel));
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
    std::string schema_intermediate(const Schema& sc, const std::string& s, spec::Kind kind) {
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

    std::string table_intermediate(const Relation& rel) {
        std::string key = "SELECT relation " + std::to_string(rel.oid);
        if (auto planned = intermediates_by_object_.find(key); planned != intermediates_by_object_.end())
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
        // From 16 on, intermediate memberships are granted WITH INHERIT TRUE.
        if (error_ || state_of(role.name).inherit || snap_.server.role_options) return;
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
        grant_on(privileges_, GrantPrivileges{sorted(missing), ref, role, {}}, owner, owner, what);
    }

    // A REVOKE removes only what its grantor granted: it runs as that role
    // (the owner for the owner's grants).
    void revoke_as(const std::string& grantor, const std::string& owner, const std::string& what,
                   RevokePrivileges revoke) {
        revoke_on(privileges_, std::move(revoke), grantor, owner, what);
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
                have = regranted(held_by(not_taken(schema_ref(s), sc->second.acl), role), sc->second.owner,
                                 schema_owner(s));
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
                      given_back ? ByGrantor{} : regranted(held_by(not_taken(relation_ref(rel), rel.acl), role),
                                                           rel.owner, owner),
                      want == w.relation_direct.end() ? none : want->second, rel.acl, !preserved);
            if (!given_back && !preserved && owner != role) revoke_columns(role, rel, owner);
        }
    }

    // What reconcile() and revoke_columns() will revoke from `role` with
    // CASCADE, as plan_direct_privileges() plans them, and so remove from
    // other roles: the entries `role` granted of a privilege it loses the
    // grant option of (PostgreSQL cascades only from a grant option lost: a
    // grant that outlived its grantor's option stays), and, down the chain,
    // those their grantees granted of it when they hold it with grant option
    // from nobody else; and the column privileges `role` granted with an
    // option it held, as it loses all of its own.
    void note_cascades(const std::string& role) {
        auto lose = [&](const ObjectRef& ref, const std::vector<AclEntry>& acl, const std::string& owner) {
            std::set<std::pair<std::string, std::string>> lost;  // (grantor, privilege)
            for (const AclEntry& e : not_taken(ref, acl))
                if (e.grantee == role && e.grantable) lost.insert({role, e.privilege});
            std::string key = ref_key(ref);
            for (bool more = true; more;) {
                more = false;
                for (const AclEntry& e : acl)
                    if (lost.count({e.grantor, e.privilege}) && e.grantee != e.grantor &&
                        gone_.insert({key, e.grantee, e.grantor, e.privilege}).second && e.grantable &&
                        e.grantee != owner && !grant_option_left(key, acl, e.grantee, e.privilege))
                        more = lost.insert({e.grantee, e.privilege}).second || more;
            }
        };
        std::set<std::string> schemas;
        if (auto it = snap_.touched_schemas.find(role); it != snap_.touched_schemas.end()) schemas = it->second;
        for (const std::string& s : schemas) {
            auto sc = snap_.schemas.find(s);
            if (sc == snap_.schemas.end() || sc->second.owner == role || schema_owner(s) == role) continue;
            lose(schema_ref(s), sc->second.acl, schema_owner(s));
        }
        if (auto it = snap_.touched_relations.find(role); it != snap_.touched_relations.end())
            for (Oid oid : it->second) {
                auto r = snap_.relations.find(oid);
                if (r == snap_.relations.end()) continue;
                const Relation& rel = r->second;
                std::string owner = relation_owner(oid);
                if (rel.owner == role || owner == role || req_.preserve_schemas.count(rel.schema)) continue;
                lose(relation_ref(rel), rel.acl, owner);
                // Every column privilege of `role` goes: the grant options
                // among them cascade.
                std::set<std::string> options;
                for (const ColumnAclEntry& c : rel.columns)
                    if (c.entry.grantee == role && c.entry.grantable) options.insert(column_key(c));
                for (const ColumnAclEntry& c : rel.columns)
                    if (c.entry.grantor == role && c.entry.grantee != role && options.count(column_key(c)))
                        gone_.insert({ref_key(relation_ref(rel)), c.entry.grantee, role, column_key(c)});
            }
    }

    // Whether `role` still holds `privilege` WITH GRANT OPTION from an entry
    // no statement of the plan removes.
    bool grant_option_left(const std::string& key, const std::vector<AclEntry>& acl, const std::string& role,
                           const std::string& privilege) const {
        for (const AclEntry& e : acl)
            if (e.grantee == role && e.privilege == privilege && e.grantable &&
                !gone_.count({key, e.grantee, e.grantor, e.privilege}))
                return true;
        return false;
    }

    // Another database's intermediate roles hold nothing here (a copy of that
    // database names them in its ACLs): what they hold is revoked, as its
    // grantor, and this database's own intermediate roles hold it instead.
    // Their memberships are left to that database's syncs, so neither
    // database takes access away in the other.
    void plan_foreign_grants() {
        auto revoke_all = [&](const std::vector<AclEntry>& acl, const ObjectRef& ref, const std::string& owner,
                              const std::string& what) {
            std::map<std::pair<std::string, std::string>, PrivilegeSet> by;  // (grantor, grantee)
            for (const AclEntry& e : acl)
                if (snap_.foreign_intermediates.count(e.grantee)) by[{e.grantor, e.grantee}].insert(e.privilege);
            for (const auto& [key, privs] : by)
                revoke_on(privileges_, revoke_of(sorted(privs), ref, key.second, {}, false, true), key.first, owner,
                          what);
        };
        if (snap_.foreign_intermediates.empty()) return;
        for (const auto& [name, sc] : snap_.schemas) revoke_all(sc.acl, schema_ref(name), schema_owner(name), schema_text(name));
        for (const auto& [oid, rel] : snap_.relations)
            revoke_all(rel.acl, relation_ref(rel), relation_owner(oid), relation_text(rel));
    }

    // Column privileges are never declared: all of them go.
    void revoke_columns(const std::string& role, const Relation& rel, const std::string& owner) {
        std::map<std::string, std::set<std::string>> by_grantor;
        bool cascade = false;
        for (const ColumnAclEntry& c : rel.columns) {
            // After ALTER ... OWNER the old owner's grants are the new owner's.
            const std::string& grantor = c.entry.grantor == rel.owner ? owner : c.entry.grantor;
            // One another statement removes (see gone_) is not revoked again.
            if (c.entry.grantee == role &&
                !gone_.count({ref_key(relation_ref(rel)), c.entry.grantee, c.entry.grantor, column_key(c)}))
                by_grantor[grantor].insert(c.column);
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
        if (auto it = created_at_.find(role.name); it != created_at_.end()) {
            // A role this plan makes is made able to log in at once.
            CreateRole& c = std::get<CreateRole>(roles_.at(it->second));
            c.login = true;
            c.valid_until = want.valid_until_text;
            if (set_password) c.password = *want.secret;
            return;
        }
        SetLogin s{role.name, std::nullopt, want.valid_until_text};
        if (set_password) s.password = *want.secret;
        logins_.push_back(std::move(s));
    }

    // Another database's intermediate roles are that database's to manage:
    // revoking them here would undo its syncs, and its syncs these.
    bool other_databases(const std::string& role) const { return snap_.foreign_intermediates.count(role) != 0; }

    // Whether a target that is a member of `role` stays one.
    bool keeps_membership(const std::set<std::string>& wanted, const std::string& role) const {
        return wanted.count(role) || other_databases(role);
    }

    static bool is_intermediate(const std::string& role) {
        return role.rfind("_pgsr_global_", 0) == 0 || role.rfind("_pgsr_local_", 0) == 0;
    }

    // Granting or revoking a membership: on 15, CREATEROLE is enough for a
    // role that is not a superuser; from 16 on, the caller needs ADMIN OPTION
    // on the role (it has it on the roles it created).
    void check_admin(const std::string& role, const std::string& member, bool grant) {
        const Caller& caller = snap_.caller;
        if (caller.superuser || created_.count(role)) return;
        Standing st = standing_of(role);
        std::string what = std::string(grant ? "grant" : "revoke") + " membership of \"" + member + "\" in \"" + role + "\"";
        if (st.superuser)
            return fail("42501", "permission denied to " + what + ": \"" + role + "\" is a superuser",
                        "Only a superuser may grant or revoke membership in a superuser role.",
                        "A superuser can run: " + std::string(grant ? "GRANT " : "REVOKE ") + quoted(role) +
                            (grant ? " TO " : " FROM ") + quoted(member) + ";");
        if (!snap_.server.role_options || st.admin) return;
        if (role == caller.name)
            return fail("42501", "permission denied to " + what + ": a role cannot " + (grant ? "grant" : "revoke") + " membership in itself",
                        "From PostgreSQL 16 on, a role has no ADMIN OPTION on itself.",
                        "A superuser can run: " + std::string(grant ? "GRANT " : "REVOKE ") + quoted(role) +
                            (grant ? " TO " : " FROM ") + quoted(member) + ";");
        fail("42501", "permission denied to " + what + ": the calling role \"" + caller.name + "\" has no ADMIN OPTION on \"" + role + "\"",
             "From PostgreSQL 16 on, only a role with ADMIN OPTION on a role may grant or revoke it.",
             "A superuser can run: GRANT " + quoted(role) + " TO " + quoted(caller.name) + " WITH ADMIN OPTION, INHERIT FALSE, SET FALSE;");
    }

    void plan_memberships(const std::string& member, const std::set<std::string>& wanted) {
        const RoleState& st = state_of(member);
        bool options = snap_.server.role_options;
        std::vector<std::string> admin;
        for (const std::string& r : wanted) {
            bool intermediate = is_intermediate(r);
            if (!st.member_of.count(r)) {
                check_admin(r, member, true);
                // From 16 on, INHERIT is per membership: an intermediate role
                // is useful only with it, whatever the member's rolinherit.
                (options && intermediate ? grant_inherit_sets_ : grant_sets_)[{r}].push_back(member);
                continue;
            }
            if (st.admin_of.count(r)) admin.push_back(r);  // ADMIN OPTION is never declared
            if (!options) continue;
            // An existing membership without the options declared: brought to them.
            if (intermediate && !st.inherits.count(r)) {
                check_admin(r, member, true);
                grant_inherit_sets_[{r}].push_back(member);
            } else if (!intermediate && !st.settable.count(r)) {
                check_admin(r, member, true);
                GrantRoles g{{r}, {member}};
                g.set = true;
                memberships_.push_back(std::move(g));
            }
        }
        for (const std::string& r : st.member_of) {
            if (keeps_membership(wanted, r)) continue;
            check_admin(r, member, false);
            // A membership of the caller goes before the caller borrows
            // anything: lending the member to the caller would be circular.
            auto& sets = r == snap_.caller.name ? caller_memberships_ : revoke_sets_;
            for (const std::string& grantor : revocable_rows(st.grantors, member, r, false))
                sets[{grantor, {r}}].push_back(member);
        }
        for (const std::string& r : admin)
            for (const std::string& grantor : revocable_rows(st.admin_grantors, member, r, true))
                admin_sets_[{grantor, {r}}].push_back(member);
    }

    // The grantors whose rows of `member`'s membership in `role` a REVOKE
    // (of the membership, or of its ADMIN OPTION) must name: on 15 one row
    // and no grantor (""); from 16 on one row per grantor, and a REVOKE
    // removes only its grantor's, so a row the caller cannot revoke as its
    // grantor is a 42501 up front.
    std::vector<std::string> revocable_rows(const std::map<std::string, std::set<std::string>>& rows,
                                            const std::string& member, const std::string& role, bool admin_option) {
        if (!snap_.server.role_options) return {std::string()};
        auto g = rows.find(role);
        std::set<std::string> grantors = g == rows.end() ? std::set<std::string>{} : g->second;
        if (grantors.empty()) grantors.insert(snap_.caller.name);
        std::vector<std::string> out;
        std::string what = admin_option ? "ADMIN OPTION FOR " : "";
        for (const std::string& grantor : grantors) {
            if (grantor != snap_.caller.name && !snap_.caller.superuser && !standing_of(grantor).has_privileges) {
                fail("42501", "permission denied to revoke " + std::string(admin_option ? "the ADMIN OPTION of " : "") +
                                  "membership of \"" + member + "\" in \"" + role + "\": it was granted by \"" + grantor + "\"",
                     "From PostgreSQL 16 on, a membership is revoked by its grantor, or by a role with the grantor's privileges.",
                     "Revoke it by hand as a superuser: REVOKE " + what + quoted(role) + " FROM " + quoted(member) +
                         " GRANTED BY " + quoted(grantor) + ";");
                continue;
            }
            out.push_back(grantor);
        }
        return out;
    }

    // ------------------------------------------------------- assembly

    // Members that get exactly the same roles share statements: 4,000 new
    // users given the same three roles take a handful of GRANTs, not 4,000.
    // Sets are keyed by role (one role per key here), so members given the
    // same role share a statement.
    template <typename Stmt>
    void emit_memberships(const std::map<std::vector<std::string>, std::vector<std::string>>& sets,
                          std::vector<Statement>& out, std::optional<bool> inherit = std::nullopt) {
        for (const auto& [roles, members] : merged(sets))
            for (const auto& role_chunk : chunks(roles, kMembershipChunk))
                for (const auto& member_chunk : chunks(members, kMembershipChunk)) {
                    Stmt st{role_chunk, member_chunk};
                    if constexpr (std::is_same_v<Stmt, GrantRoles>) st.inherit = inherit;
                    out.push_back(std::move(st));
                }
    }

    // role -> members  becomes  members -> roles  grouped back into
    // (roles, members) pairs with identical member sets.
    static std::map<std::vector<std::string>, std::vector<std::string>> merged(
        const std::map<std::vector<std::string>, std::vector<std::string>>& sets) {
        std::map<std::string, std::set<std::string>> roles_of;
        for (const auto& [roles, members] : sets)
            for (const auto& m : members) roles_of[m].insert(roles.begin(), roles.end());
        std::map<std::vector<std::string>, std::vector<std::string>> out;
        for (const auto& [m, roles] : roles_of) out[{roles.begin(), roles.end()}].push_back(m);
        return out;
    }

    // The caller's borrowed rights: granted for the call, then taken back (a
    // changed own row of the membership gets its options back instead).
    void emit_borrowing(std::vector<Statement>& grants, std::vector<Statement>& returns) {
        const std::string& caller = snap_.caller.name;
        std::map<std::pair<bool, bool>, std::vector<std::string>> by_options;
        for (const auto& [role, need] : borrowed_) {
            // Grouped by what is needed on every version, so that a plan has
            // the same steps on 15 as on 16+ (where the options are written).
            bool inherit = (need & kPrivileges) != 0, set = (need & kSet) != 0;
            by_options[{inherit, set}].push_back(role);
        }
        std::vector<std::string> plain;
        // The caller's own row of a membership keeps the options it had.
        std::map<std::pair<bool, bool>, std::vector<std::string>> regrouped;
        for (const auto& [opts, roles] : by_options)
            for (const std::string& role : roles) {
                auto own = standing_of(role).own_row;
                if (snap_.server.role_options && own)
                    regrouped[{opts.first || own->first, opts.second || own->second}].push_back(role);
                else
                    regrouped[opts].push_back(role);
            }
        for (const auto& [opts, roles] : regrouped)
            for (const auto& c : chunks(roles, kMembershipChunk)) {
                GrantRoles g{c, {caller}};
                if (snap_.server.role_options) {
                    g.inherit = opts.first;
                    g.set = opts.second;
                }
                grants.push_back(std::move(g));
            }
        for (const auto& [role, need] : borrowed_) {
            Standing st = standing_of(role);
            if (snap_.server.role_options && st.own_row) {
                GrantRoles g{{role}, {caller}};
                g.inherit = st.own_row->first;
                g.set = st.own_row->second;
                returns.push_back(std::move(g));
            } else {
                plain.push_back(role);
            }
        }
        for (const auto& c : chunks(plain, kMembershipChunk)) {
            RevokeRoles r{c, {caller}};
            r.give_back = true;
            returns.push_back(std::move(r));
        }
    }

    // REVOKEs of memberships (or of their ADMIN OPTION), one set of
    // statements per grantor (16+).
    void emit_revokes(const std::map<std::pair<std::string, std::vector<std::string>>, std::vector<std::string>>& sets,
                      std::vector<Statement>& out, bool admin_option) {
        std::map<std::string, std::map<std::vector<std::string>, std::vector<std::string>>> by_grantor;
        for (const auto& [key, members] : sets) by_grantor[key.first][key.second] = members;
        for (const auto& [grantor, grouped] : by_grantor) {
            std::vector<Statement> stmts;
            emit_memberships<RevokeRoles>(grouped, stmts);
            for (Statement& st : stmts) {
                auto& r = std::get<RevokeRoles>(st);
                r.granted_by = grantor;
                r.admin_option = admin_option;
                out.push_back(std::move(st));
            }
        }
    }

    Plan assemble() {
        Plan p;
        auto append = [&](std::vector<Statement>& v) {
            for (Statement& s : v) p.statements.push_back(std::move(s));
        };
        std::vector<Statement> lend, give_back, unlinked;
        emit_borrowing(lend, give_back);
        emit_revokes(caller_memberships_, unlinked, false);
        append(roles_);
        append(unlinked);
        append(lend);
        append(schemas_);
        append(tables_);
        append(taking_);
        append(intermediates_);
        // Memberships go before privileges: a role that passed on a
        // privilege while it had its owner's rights through a membership
        // still has every grant option implicitly, and REVOKE ... CASCADE
        // from it would leave what it passed on.
        std::vector<Statement> memberships, revoked, admin;
        emit_revokes(revoke_sets_, revoked, false);
        append(revoked);
        append(privileges_);
        append(logins_);
        emit_memberships<GrantRoles>(grant_sets_, memberships);
        emit_memberships<GrantRoles>(grant_inherit_sets_, memberships, true);
        for (Statement& st : memberships_) memberships.push_back(std::move(st));
        emit_revokes(admin_sets_, admin, true);
        append(memberships);
        append(admin);
        append(give_back);
        p.notices = std::move(notices_);
        p.error = error_;
        if (p.error) p.statements.clear();
        return p;
    }

    const Request& req_;
    const Snapshot& snap_;
    const NameSource& names_;

    std::vector<Statement> roles_, schemas_, tables_, taking_, intermediates_, privileges_, logins_, memberships_;
    std::map<std::vector<std::string>, std::vector<std::string>> grant_sets_, grant_inherit_sets_;
    // (grantor on 16+, roles) -> members: memberships revoked, ADMIN OPTIONs
    // revoked, memberships of the caller revoked (first of all)
    std::map<std::pair<std::string, std::vector<std::string>>, std::vector<std::string>> revoke_sets_, admin_sets_,
        caller_memberships_;
    std::set<std::string> created_, allocated_, created_schemas_;
    std::map<std::string, std::size_t> created_at_;  // role of the request -> its CreateRole in roles_
    std::map<std::string, int> borrowed_;  // role -> Need bits
    std::map<std::string, std::string> recipients_;  // former owner -> recipient
    // ACL entries that statements of this plan remove as a side effect (a
    // REVOKE ... CASCADE from their grantor, as the taking phase runs or
    // another role of the request loses what they were granted with), so
    // that no role of the request counts them as held: (object, grantee,
    // grantor, privilege or column_key()).
    std::set<std::tuple<std::string, std::string, std::string, std::string>> gone_;
    // The privileges revoked so far by the plan's own REVOKEs (not option
    // only): (object, grantee, role the REVOKE runs as, privilege).
    std::set<std::tuple<std::string, std::string, std::string, std::string>> revoked_;
    std::set<std::pair<std::string, std::string>> planned_usage_;  // (role, schema) USAGE granted by this plan
    std::set<std::pair<std::string, std::string>> revoked_usage_;  // ... and revoked by it
    bool revokes_memberships_ = false;  // a target loses a membership
    bool revokes_caller_first_ = false;  // ... of the caller, before anything else
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

Plan drop_plan(const std::vector<UnusedRole>& roles, const ServerRules& rules) {
    Plan p;
    std::vector<std::string> drop;
    std::string kept;
    for (const UnusedRole& r : roles) {
        if (r.admin || !rules.role_options)
            drop.push_back(r.name);
        else
            kept += (kept.empty() ? "" : ", ") + dq(r.name);
    }
    for (const auto& c : chunks(drop, kMembershipChunk)) p.statements.push_back(DropRole{c});
    if (!kept.empty())
        p.notices.push_back("unused roles not dropped, as the calling role has no ADMIN OPTION on them: " + kept);
    return p;
}

std::vector<std::string> dropped_roles(const Plan& plan) {
    std::vector<std::string> out;
    for (const Statement& s : plan.statements)
        if (const auto* d = std::get_if<DropRole>(&s)) out.insert(out.end(), d->roles.begin(), d->roles.end());
    return out;
}

}  // namespace pgsr::plan

namespace pgsr::plan {

namespace {

// What a revoke names, to find the same one in two plans.
std::optional<std::string> revoke_key(const Statement& s) {
    auto list = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& x : v) out += x + '\x1f';
        return out;
    };
    if (auto* r = std::get_if<RevokePrivileges>(&s); r && r->give_back) return std::nullopt;
    if (auto* r = std::get_if<RevokeRoles>(&s); r && r->give_back) return std::nullopt;
    if (auto* r = std::get_if<RevokePrivileges>(&s))
        return "P" + list(r->privileges) + '\x1e' + std::to_string(static_cast<int>(r->object.type)) + r->object.schema +
               '\x1f' + r->object.name + '\x1e' + r->grantee + '\x1e' + list(r->columns) + (r->grant_option ? "G" : "") +
               '\x1e' + r->as_role;
    if (auto* r = std::get_if<RevokeRoles>(&s))
        return "R" + list(r->roles) + '\x1e' + list(r->members) + (r->admin_option ? "A" : "") + '\x1e' + r->granted_by;
    if (auto* r = std::get_if<RemoveLogin>(&s)) return "L" + r->role;
    return std::nullopt;
}

}  // namespace

std::vector<std::size_t> ineffective_revokes(const Plan& before, const Plan& after) {
    std::map<std::string, std::size_t> ran;
    for (std::size_t i = 0; i < before.statements.size(); ++i)
        if (auto k = revoke_key(before.statements[i])) ran.emplace(*k, i);
    std::vector<std::size_t> out;
    for (const Statement& s : after.statements)
        if (auto k = revoke_key(s))
            if (auto it = ran.find(*k); it != ran.end()) out.push_back(it->second);
    return out;
}

}  // namespace pgsr::plan
