// Assembly: the statements of every phase in the order they run, memberships
// grouped into as few statements as possible.
#include "plan/planner.hpp"

#include <type_traits>

namespace pgsr::plan::detail {

// Members that get exactly the same roles share statements: 4,000 new
// users given the same three roles take a handful of GRANTs, not 4,000.
// Sets are keyed by role (one role per key here), so members given the
// same role share a statement.
template <typename Stmt>
void Planner::emit_memberships(const std::map<std::vector<std::string>, std::vector<std::string>>& sets,
                               std::vector<Statement>& out, std::optional<bool> inherit) {
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
std::map<std::vector<std::string>, std::vector<std::string>> Planner::merged(
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
void Planner::emit_borrowing(std::vector<Statement>& grants, std::vector<Statement>& returns) {
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
void Planner::emit_revokes(const std::map<std::pair<std::string, std::vector<std::string>>, std::vector<std::string>>& sets,
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

Plan Planner::assemble() {
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

}  // namespace pgsr::plan::detail
