// Who runs each statement: the caller, or a role it acts as (SET ROLE),
// borrowing for the call the memberships it lacks and lending a role the
// USAGE or grant options one statement needs.
#include "plan/planner.hpp"

#include <algorithm>
#include <iterator>

namespace pgsr::plan::detail {

void Planner::fail(std::string sqlstate, std::string message, std::string detail, std::string hint) {
    if (!error_) error_ = spec::Error{std::move(sqlstate), std::move(message), std::move(detail), std::move(hint)};
}

Standing Planner::standing_of(const std::string& role) const {
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
void Planner::borrow(const std::string& role, int need, const std::string& what) {
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
bool Planner::member_of_caller(const std::string& role) const {
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

bool Planner::declares_caller(const DesiredRole& r) const {
    for (const spec::Grant& g : r.grants)
        if (g.kind == spec::Kind::role_membership && g.role == snap_.caller.name) return true;
    return false;
}

// Double-quoted for hints, as quote_ident would when needed (always here).
std::string Planner::quoted(const std::string& s) { return dq(s); }

// Whether `role` can look up objects in schema `s` (name lookup needs
// USAGE) in a statement that runs before this plan's membership revokes,
// or after them (`late`): then what it has only through a target's
// memberships may be gone.  What it has only through PUBLIC may be gone
// once the plan revokes PUBLIC's USAGE.
bool Planner::has_usage(const std::string& role, const std::string& s, bool late) const {
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
bool Planner::after_revokes(const std::vector<Statement>& out) const { return &out == &privileges_; }

// The role a statement names as its acting role: none when it is the
// caller, or when a superuser caller acts as the object's owner (a
// superuser's GRANT and REVOKE are the owner's).
std::string Planner::as_role(const std::string& actor, const std::string& owner) const {
    if (actor == snap_.caller.name) return {};
    if (snap_.caller.superuser && actor == owner) return {};
    return actor;
}

// Appends a GRANT or REVOKE that runs as `actor`.  `schema`, when not
// empty, is the object's schema: the actor needs USAGE on it to name the
// object, lent for this one statement by the schema's owner if it lacks it.
template <typename Stmt>
void Planner::acting(std::vector<Statement>& out, Stmt st, const std::string& actor, const std::string& owner,
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

void Planner::lend_usage(std::vector<Statement>& out, Statement st, const std::string& to, const std::string& schema) {
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
void Planner::alter_owner(std::vector<Statement>& out, const ObjectRef& ref, const std::string& old_owner,
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
bool Planner::borrowed_privileges_have_usage(const std::string& s, bool late) const {
    // On 15 a borrowed role's privileges come with it (for an INHERIT caller).
    bool all = !snap_.server.role_options && snap_.caller.inherit;
    for (const auto& [role, need] : borrowed_)
        if ((all || (need & kPrivileges)) && has_usage(role, s, late)) return true;
    return false;
}

// Creates a role.  From 16 on, createrole_self_grant may make the caller
// a member of it: that membership is taken back at once.
void Planner::create_role(std::vector<Statement>& out, const std::string& name) {
    out.push_back(CreateRole{name});
    if (snap_.server.self_grant && !snap_.caller.superuser) {
        RevokeRoles r{{name}, {snap_.caller.name}};
        r.granted_by = snap_.caller.name;
        out.push_back(std::move(r));
    }
}

std::string Planner::new_role_name(const std::string& prefix) {
    for (int attempt = 0; attempt < 10; ++attempt) {
        std::string name = names_(prefix);
        if (allocated_.insert(name).second) return name;
    }
    return names_(prefix);
}

void Planner::notice(const DesiredRole& role, const spec::Grant& g, const std::string& what) {
    notices_.push_back(spec::element_path(role.path, g.index) + " (" + spec::kind_name(g.kind) +
                       ") skipped: " + what);
}

// A privilege GRANT or REVOKE on an object, as `actor`.
void Planner::grant_on(std::vector<Statement>& out, GrantPrivileges g, const std::string& actor, const std::string& owner,
                       const std::string& what) {
    std::string schema = g.object.type == ObjectType::schema || g.object.type == ObjectType::database
                             ? std::string() : g.object.schema;
    if (g.object.type == ObjectType::schema && !g.grantee.empty() && g.privileges.size() == 1 && g.privileges[0] == "USAGE")
        planned_usage_.insert({g.grantee, g.object.name});
    acting(out, std::move(g), actor, owner, schema, what);
}
void Planner::revoke_on(std::vector<Statement>& out, RevokePrivileges r, const std::string& actor,
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
std::pair<const std::vector<AclEntry>*, std::string> Planner::acl_of(const ObjectRef& ref) const {
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
PrivilegeSet Planner::options_missing(const RevokePrivileges& r, const std::string& grantor) const {
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
void Planner::lend_options(std::vector<Statement>& out, RevokePrivileges r, const std::string& grantor,
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

}  // namespace pgsr::plan::detail
