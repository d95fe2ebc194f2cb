// Login (password, expiry) and the memberships a role declares, with the
// right to grant or revoke each checked up front.
#include "plan/planner.hpp"

namespace pgsr::plan::detail {

void Planner::plan_login(const DesiredRole& role) {
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
bool Planner::other_databases(const std::string& role) const { return snap_.foreign_intermediates.count(role) != 0; }

// Whether a target that is a member of `role` stays one.
bool Planner::keeps_membership(const std::set<std::string>& wanted, const std::string& role) const {
    return wanted.count(role) || other_databases(role);
}

bool Planner::is_intermediate(const std::string& role) {
    return role.rfind("_pgsr_global_", 0) == 0 || role.rfind("_pgsr_local_", 0) == 0;
}

// Granting or revoking a membership: on 15, CREATEROLE is enough for a
// role that is not a superuser; from 16 on, the caller needs ADMIN OPTION
// on the role (it has it on the roles it created).
void Planner::check_admin(const std::string& role, const std::string& member, bool grant) {
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

void Planner::plan_memberships(const std::string& member, const std::set<std::string>& wanted) {
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
std::vector<std::string> Planner::revocable_rows(const std::map<std::string, std::set<std::string>>& rows,
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

}  // namespace pgsr::plan::detail
