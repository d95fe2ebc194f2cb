// The planner.  Statements come out in phases, so that each one finds what
// it needs already done:
//   roles -> caller's temporary rights -> schema owners -> table owners ->
//   intermediate roles -> direct privileges -> login -> memberships ->
//   caller's temporary rights given back
// Here: the public functions, and Planner::run(), which plans the phases in
// that order; each phase is planned in a file of its own (see planner.hpp).
#include "plan/plan.hpp"

#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "plan/planner.hpp"

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

std::string intermediate_marker(const std::string& privilege, const std::string& object,
                                const std::string& catalog, Oid oid) {
    return detail::marker_head(privilege) + object + detail::marker_tail(catalog, oid);
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
    // Names are views of the request's strings, which outlive this.
    struct Edge {
        std::string_view role;
        std::size_t index;
    };
    std::unordered_map<std::string_view, const DesiredRole*> declared;
    for (const DesiredRole& role : request.roles) declared.emplace(role.name, &role);
    std::unordered_map<std::string_view, std::vector<Edge>> edges;
    for (const DesiredRole& role : request.roles)
        for (const spec::Grant& g : role.grants)
            if (g.kind == spec::Kind::role_membership && declared.count(g.role))
                edges[role.name].push_back({g.role, g.index});
    enum class Mark { none, open, done };
    std::unordered_map<std::string_view, Mark> mark;
    // Walked without recursion (a chain may be thousands of roles long):
    // the roles being walked, each a member of the next, and where each is
    // in its list of edges.
    std::vector<std::pair<std::string_view, std::size_t>> path;
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
            const Edge e = out[next++];
            Mark& m = mark[e.role];
            if (m == Mark::none) {
                m = Mark::open;
                path.push_back({e.role, 0});
                continue;
            }
            if (m != Mark::open) continue;
            std::vector<std::string> circle;
            bool in = false;
            for (const auto& [r, _] : path) {
                in = in || r == e.role;
                if (in) circle.emplace_back(r);
            }
            circle.emplace_back(e.role);
            return spec::Error{"22023", spec::element_path(declared.at(role)->path, e.index) +
                                            ".role: roles of one request cannot be members of each other: " +
                                            quoted_chain(circle)};
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<spec::Error> validate(const Request& request) {
    std::unordered_set<std::string_view> seen;  // views of the request's names
    seen.reserve(request.roles.size());
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
            if (!detail::owns_kind(g.kind)) continue;
            auto [it, fresh] = owners.emplace(detail::object_key(g), role.name);
            if (!fresh && it->second != role.name)
                return spec::Error{"22023", spec::element_path(role.path, g.index) + ": " +
                                                detail::object_key(g) + " is declared owned by both \"" +
                                                it->second + "\" and \"" + role.name + "\""};
        }
    }
    return membership_cycle(request);
}

namespace detail {

Planner::Planner(const Request& request, const Snapshot& snapshot, const NameSource& names)
    : req_(request), snap_(snapshot), names_(names) {
    for (const DesiredRole& r : req_.roles)
        for (const spec::Grant& g : r.grants)
            if (owns_kind(g.kind)) declared_owner_.emplace(object_key(g), r.name);  // validate(): one each
}

Plan Planner::run() {
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

// ------------------------------------------------------------ helpers

void Planner::create_role_if_missing(const std::string& name) {
    if (snap_.role_exists(name) || !created_.insert(name).second) return;
    created_at_[name] = roles_.size();
    create_role(roles_, name);
}

}  // namespace detail

Plan make_plan(const Request& request, const Snapshot& snapshot, const NameSource& names) {
    return detail::Planner(request, snapshot, names).run();
}

Plan drop_plan(const std::vector<UnusedRole>& roles, const ServerRules& rules) {
    Plan p;
    std::vector<std::string> drop;
    std::string kept;
    for (const UnusedRole& r : roles) {
        if (r.admin || !rules.role_options)
            drop.push_back(r.name);
        else
            kept += (kept.empty() ? "" : ", ") + detail::dq(r.name);
    }
    for (const auto& c : detail::chunks(drop, kMembershipChunk)) p.statements.push_back(DropRole{c});
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
