// Direct privileges: what a role holds on schemas and tables itself, brought
// to what it declares "direct"; what REVOKE ... CASCADE removes from others;
// column privileges; what other databases' intermediate roles hold here.
#include "plan/planner.hpp"

#include <algorithm>
#include <iterator>

namespace pgsr::plan::detail {

namespace {

// Whether `role` granted any of `privileges` on to another role: revoking
// them from it then needs CASCADE.
bool passed_on(const std::vector<AclEntry>& acl, const std::string& role, const PrivilegeSet& privileges) {
    for (const AclEntry& e : acl)
        if (e.grantor == role && e.grantee != role && privileges.count(e.privilege)) return true;
    return false;
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

}  // namespace

// Brings one object's direct privileges for `role` to `want`: what it
// holds after this plan's ownership changes, less what is not wanted,
// less any grant option, plus what is missing.  What an owner holds is
// not managed.
void Planner::reconcile(const std::string& role, const ObjectRef& ref, const std::string& what,
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
void Planner::revoke_as(const std::string& grantor, const std::string& owner, const std::string& what,
                        RevokePrivileges revoke) {
    revoke_on(privileges_, std::move(revoke), grantor, owner, what);
}

void Planner::plan_direct_privileges(const std::string& role, const Wants& w) {
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
void Planner::note_cascades(const std::string& role) {
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
bool Planner::grant_option_left(const std::string& key, const std::vector<AclEntry>& acl, const std::string& role,
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
void Planner::plan_foreign_grants() {
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
void Planner::revoke_columns(const std::string& role, const Relation& rel, const std::string& owner) {
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

}  // namespace pgsr::plan::detail
