// The planner's insides, shared by the files that plan its phases: the
// Planner class, and the helpers more than one phase uses.  Only src/plan's
// own files include it; everyone else uses plan.hpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "plan/plan.hpp"

namespace pgsr::plan::detail {

inline std::string marker_head(const std::string& privilege) {
    return std::string(kMarkerPrefix) + "intermediate role for " + privilege + " on ";
}
inline std::string marker_tail(const std::string& catalog, Oid oid) {
    return " [" + catalog + " " + std::to_string(oid) + "]";
}

inline bool owns_kind(spec::Kind k) {
    return k == spec::Kind::schema_ownership || k == spec::Kind::table_ownership;
}

// What an ownership grant names: "schema \"s\"" or "table \"s\".\"t\"".
inline std::string owned_key(const std::string& schema, const std::string& table = {}) {
    return table.empty() ? "schema \"" + schema + "\"" : "table \"" + schema + "\".\"" + table + "\"";
}
inline std::string object_key(const spec::Grant& g) {
    return owned_key(g.schema, g.kind == spec::Kind::schema_ownership ? std::string() : g.table);
}

using PrivilegeSet = std::set<std::string>;
// What a role holds on an object, by grantor: privilege -> WITH GRANT OPTION.
using ByGrantor = std::map<std::string, std::map<std::string, bool>>;

// Splits `items` into runs of at most `n`.
inline std::vector<std::vector<std::string>> chunks(const std::vector<std::string>& items, std::size_t n) {
    std::vector<std::vector<std::string>> out;
    for (std::size_t i = 0; i < items.size(); i += n)
        out.emplace_back(items.begin() + i, items.begin() + std::min(items.size(), i + n));
    return out;
}

// Double-quoted as in SQL, so that object names in markers are unambiguous.
inline std::string dq(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// Defined in intermediates.cpp, with the rules for reusing one.
std::optional<std::string> intermediate_in_acl(const std::vector<AclEntry>& acl, const std::string& prefix,
                                               const std::string& privilege, const std::string& catalog, Oid oid,
                                               const std::map<std::string, Snapshot::Candidate>& candidates);

inline ByGrantor held_by(const std::vector<AclEntry>& acl, const std::string& role) {
    ByGrantor out;
    for (const AclEntry& e : acl)
        if (e.grantee == role) out[e.grantor][e.privilege] = e.grantable;
    return out;
}

inline std::vector<std::string> sorted(const PrivilegeSet& s) { return {s.begin(), s.end()}; }

inline RevokePrivileges revoke_of(std::vector<std::string> privileges, const ObjectRef& object, const std::string& grantee,
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

inline const char* kind_privilege(spec::Kind k) {
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
    Planner(const Request& request, const Snapshot& snapshot, const NameSource& names);
    Plan run();

private:
    // Each group below is defined in the file named, in the order run()
    // plans; the lookups every phase makes come first.

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

    // plan.cpp: the roles of the request
    void create_role_if_missing(const std::string& name);

    // acting.cpp: who runs each statement, and what the caller borrows
    enum Need : int { kSet = 1, kPrivileges = 2 };  // see borrow()
    void fail(std::string sqlstate, std::string message, std::string detail = {}, std::string hint = {});
    Standing standing_of(const std::string& role) const;
    void borrow(const std::string& role, int need, const std::string& what);
    bool member_of_caller(const std::string& role) const;
    bool declares_caller(const DesiredRole& r) const;
    static std::string quoted(const std::string& s);
    bool has_usage(const std::string& role, const std::string& s, bool late) const;
    bool after_revokes(const std::vector<Statement>& out) const;
    std::string as_role(const std::string& actor, const std::string& owner) const;
    template <typename Stmt>
    void acting(std::vector<Statement>& out, Stmt st, const std::string& actor, const std::string& owner,
                const std::string& schema, const std::string& what);
    void lend_usage(std::vector<Statement>& out, Statement st, const std::string& to, const std::string& schema);
    void alter_owner(std::vector<Statement>& out, const ObjectRef& ref, const std::string& old_owner,
                     const std::string& new_owner, const std::string& what);
    bool borrowed_privileges_have_usage(const std::string& s, bool late) const;
    void create_role(std::vector<Statement>& out, const std::string& name);
    std::string new_role_name(const std::string& prefix);
    void notice(const DesiredRole& role, const spec::Grant& g, const std::string& what);
    void grant_on(std::vector<Statement>& out, GrantPrivileges g, const std::string& actor, const std::string& owner,
                  const std::string& what);
    void revoke_on(std::vector<Statement>& out, RevokePrivileges r, const std::string& actor,
                   const std::string& owner, const std::string& what);
    std::pair<const std::vector<AclEntry>*, std::string> acl_of(const ObjectRef& ref) const;
    PrivilegeSet options_missing(const RevokePrivileges& r, const std::string& grantor) const;
    void lend_options(std::vector<Statement>& out, RevokePrivileges r, const std::string& grantor,
                      const std::string& owner, const std::string& schema, const std::string& what,
                      const PrivilegeSet& missing);

    // ownership.cpp: the owners declared
    Wants resolve_ownership(const DesiredRole& role);
    bool schema_declared_owned(const std::string& s) const;
    bool claimed_by_other(const std::string& role, const std::string& key) const;
    void plan_schema_owners(const DesiredRole& role, const Wants& w);
    void set_relation_owner(const Relation& rel, const std::string& owner);
    bool has_direct(const std::string& role, const std::string& schema, const std::string& privilege);
    void lend_create(std::vector<Statement>& out, const std::string& to, const std::string& schema);
    void plan_table_owners(const DesiredRole& role, const Wants& w);

    // ownership.cpp: what a role owns and no longer declares, taken from it
    void plan_taking(const DesiredRole& role, const Wants& w);
    std::set<std::pair<std::string, std::string>> kept_intermediate(const Relation& rel) const;
    static std::string ref_key(const ObjectRef& ref);
    static std::string column_key(const ColumnAclEntry& c);
    std::vector<AclEntry> not_taken(const ObjectRef& ref, const std::vector<AclEntry>& acl) const;
    std::optional<std::string> relation_intermediate(const Relation& rel) const;
    std::string recipient_of(const std::string& role);
    void revoke_grants_of(const std::string& role, const ObjectRef& ref, const std::vector<AclEntry>& acl,
                          const std::set<std::pair<std::string, std::string>>& keep, const std::string& what);
    void revoke_column_grants_of(const std::string& role, const Relation& rel);

    // intermediates.cpp
    std::optional<std::string> connect_role(const DesiredRole& role, const spec::Grant& g);
    std::string schema_intermediate(const Schema& sc, const std::string& s, spec::Kind kind);
    std::string table_intermediate(const Relation& rel);
    std::vector<Oid> selected_relations(const DesiredRole& role, const spec::Grant& g);
    void check_inherits(const DesiredRole& role, const spec::Grant& g);
    void resolve_grants(const DesiredRole& role, Wants& w);

    // privileges.cpp
    void reconcile(const std::string& role, const ObjectRef& ref, const std::string& what,
                   const std::string& owner, const ByGrantor& have, const PrivilegeSet& want,
                   const std::vector<AclEntry>& acl, bool revoke_allowed);
    void revoke_as(const std::string& grantor, const std::string& owner, const std::string& what,
                   RevokePrivileges revoke);
    void plan_direct_privileges(const std::string& role, const Wants& w);
    void note_cascades(const std::string& role);
    bool grant_option_left(const std::string& key, const std::vector<AclEntry>& acl, const std::string& role,
                           const std::string& privilege) const;
    void plan_foreign_grants();
    void revoke_columns(const std::string& role, const Relation& rel, const std::string& owner);

    // memberships.cpp
    void plan_login(const DesiredRole& role);
    bool other_databases(const std::string& role) const;
    bool keeps_membership(const std::set<std::string>& wanted, const std::string& role) const;
    static bool is_intermediate(const std::string& role);
    void check_admin(const std::string& role, const std::string& member, bool grant);
    void plan_memberships(const std::string& member, const std::set<std::string>& wanted);
    std::vector<std::string> revocable_rows(const std::map<std::string, std::set<std::string>>& rows,
                                            const std::string& member, const std::string& role, bool admin_option);

    // assemble.cpp
    template <typename Stmt>
    void emit_memberships(const std::map<std::vector<std::string>, std::vector<std::string>>& sets,
                          std::vector<Statement>& out, std::optional<bool> inherit = std::nullopt);
    static std::map<std::vector<std::string>, std::vector<std::string>> merged(
        const std::map<std::vector<std::string>, std::vector<std::string>>& sets);
    void emit_borrowing(std::vector<Statement>& grants, std::vector<Statement>& returns);
    void emit_revokes(const std::map<std::pair<std::string, std::vector<std::string>>, std::vector<std::string>>& sets,
                      std::vector<Statement>& out, bool admin_option);
    Plan assemble();

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
    std::unordered_map<Oid, std::string> table_intermediates_;  // ... of tables, by oid (thousands)
    std::map<std::string, std::string> declared_owner_;  // owned_key -> role declaring it
    std::map<std::string, std::string> schema_owner_;  // owners this plan sets
    std::map<Oid, std::string> relation_owner_;
    std::set<std::pair<std::string, std::string>> temporary_create_;  // (role, schema)
    std::vector<std::string> notices_;
    std::optional<spec::Error> error_;
};

}  // namespace pgsr::plan::detail
