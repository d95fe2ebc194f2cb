// The planner.  Statements come out in phases, so that each one finds what
// it needs already done:
//   roles -> caller's temporary rights -> schemas -> tables -> intermediate
//   roles -> direct privileges -> login -> memberships -> rights given back
#include "plan/plan.hpp"

#include <algorithm>
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

std::optional<spec::Error> validate(const Request& request) {
    std::set<std::string> seen;
    for (const DesiredRole& role : request.roles) {
        if (!seen.insert(role.name).second)
            return spec::Error{"22023", "role \"" + role.name + "\" is named more than once"};
        for (const spec::Grant& g : role.grants)
            if (g.kind == spec::Kind::role_membership && g.role == role.name)
                return spec::Error{"22023", spec::element_path(role.path, g.index) +
                                                ".role: a role cannot be a member of itself"};
    }
    return std::nullopt;
}

namespace {

// Splits `items` into runs of at most `n`.
std::vector<std::vector<std::string>> chunks(const std::vector<std::string>& items, std::size_t n) {
    std::vector<std::vector<std::string>> out;
    for (std::size_t i = 0; i < items.size(); i += n)
        out.emplace_back(items.begin() + i, items.begin() + std::min(items.size(), i + n));
    return out;
}

// The intermediate role already holding `privilege` on an object, found
// through the object's ACL (never by name alone).
std::optional<std::string> intermediate_in_acl(const std::vector<AclEntry>& acl,
                                               const std::string& prefix,
                                               const std::string& privilege) {
    std::optional<std::string> best;
    for (const AclEntry& e : acl)
        if (e.privilege == privilege && e.grantee.compare(0, prefix.size(), prefix) == 0 &&
            (!best || e.grantee < *best))
            best = e.grantee;
    return best;
}

class Planner {
public:
    Planner(const Request& request, const Snapshot& snapshot, const NameSource& names)
        : req_(request), snap_(snapshot), names_(names) {}

    Plan run() {
        for (const DesiredRole& role : req_.roles) create_role_if_missing(role.name);
        for (const DesiredRole& role : req_.roles) plan_role(role);
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
    void need_rights_of(const std::string& role, const std::string& what) {
        if (snap_.caller.superuser || role == snap_.caller.name) return;
        auto it = snap_.standing.find(role);
        Standing st = it == snap_.standing.end() ? Standing{} : it->second;
        if (st.has_privileges || st.direct_member) return;
        if (st.superuser) {
            if (!error_)
                error_ = spec::Error{"42501", "permission denied to change the privileges of " + what +
                                                  ": its owner \"" + role + "\" is a superuser"};
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

    // ------------------------------------------------------- per role

    void plan_role(const DesiredRole& role) {
        std::set<std::string> wanted;  // memberships the role should have
        for (const spec::Grant& g : role.grants) {
            switch (g.kind) {
                case spec::Kind::role_membership:
                    create_role_if_missing(g.role);
                    wanted.insert(g.role);
                    break;
                case spec::Kind::database_connect:
                    if (auto r = connect_role(role, g)) wanted.insert(*r);
                    break;
                default:
                    break;  // schemas and tables: not planned here yet
            }
        }
        plan_login(role);
        plan_memberships(role.name, wanted);
    }

    std::optional<std::string> connect_role(const DesiredRole& role, const spec::Grant& g) {
        auto db = snap_.databases.find(g.database);
        if (db == snap_.databases.end()) {
            notice(role, g, "database \"" + g.database + "\" does not exist");
            return std::nullopt;
        }
        if (auto planned = connect_roles_.find(g.database); planned != connect_roles_.end())
            return planned->second;
        std::optional<std::string> existing =
            intermediate_in_acl(db->second.acl, connect_role_prefix(), "CONNECT");
        std::string name = existing ? *existing : new_role_name(connect_role_prefix());
        if (!existing) {
            intermediates_.push_back(CreateRole{name});
            intermediates_.push_back(GrantPrivileges{
                {"CONNECT"}, ObjectRef{ObjectType::database, "", g.database}, name});
            need_rights_of(db->second.owner, "database \"" + g.database + "\"");
        }
        connect_roles_[g.database] = name;
        return name;
    }

    const RoleState& state_of(const std::string& name) const {
        static const RoleState missing;
        auto it = snap_.roles.find(name);
        return it == snap_.roles.end() ? missing : it->second;
    }

    void plan_login(const DesiredRole& role) {
        const RoleState& st = state_of(role.name);
        if (!role.login) {
            if (st.can_login) logins_.push_back(RemoveLogin{role.name});
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

    void plan_memberships(const std::string& member, const std::set<std::string>& wanted) {
        const RoleState& st = state_of(member);
        std::vector<std::string> to_grant, to_revoke;
        std::set_difference(wanted.begin(), wanted.end(), st.member_of.begin(), st.member_of.end(),
                            std::back_inserter(to_grant));
        std::set_difference(st.member_of.begin(), st.member_of.end(), wanted.begin(), wanted.end(),
                            std::back_inserter(to_revoke));
        if (!to_grant.empty()) grant_sets_[to_grant].push_back(member);
        if (!to_revoke.empty()) revoke_sets_[to_revoke].push_back(member);
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
        append(intermediates_);
        append(logins_);
        std::vector<Statement> memberships;
        emit_memberships<GrantRoles>(grant_sets_, memberships);
        emit_memberships<RevokeRoles>(revoke_sets_, memberships);
        append(memberships);
        for (const auto& c : chunks(rights, kMembershipChunk))
            p.statements.push_back(RevokeRoles{c, {snap_.caller.name}});
        p.notices = std::move(notices_);
        p.error = error_;
        return p;
    }

    const Request& req_;
    const Snapshot& snap_;
    const NameSource& names_;

    std::vector<Statement> roles_, intermediates_, logins_;
    std::map<std::vector<std::string>, std::vector<std::string>> grant_sets_, revoke_sets_;
    std::set<std::string> created_, allocated_, rights_;
    std::map<std::string, std::string> connect_roles_;
    std::vector<std::string> notices_;
    std::optional<spec::Error> error_;
};

}  // namespace

Plan make_plan(const Request& request, const Snapshot& snapshot, const NameSource& names) {
    return Planner(request, snapshot, names).run();
}

}  // namespace pgsr::plan
