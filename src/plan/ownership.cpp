// Owners: the schemas and tables a role declares it owns are made its, and
// what it owns and no longer declares is taken to its recipient.
#include "plan/planner.hpp"

namespace pgsr::plan::detail {

// ----------------------------------------------------------- ownership

// Ownership is declared by name; which objects exist is known now.
Wants Planner::resolve_ownership(const DesiredRole& role) {
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
bool Planner::schema_declared_owned(const std::string& s) const { return declared_owner_.count(owned_key(s)) != 0; }

// Whether another role of the request declares it owns the object.
bool Planner::claimed_by_other(const std::string& role, const std::string& key) const {
    auto it = declared_owner_.find(key);
    return it != declared_owner_.end() && it->second != role;
}

void Planner::plan_schema_owners(const DesiredRole& role, const Wants& w) {
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

void Planner::set_relation_owner(const Relation& rel, const std::string& owner) {
    relation_owner_[rel.oid] = owner;
    for (Oid seq : rel.owned_sequences) relation_owner_[seq] = owner;
}

// Whether `role` will hold `privilege` on the schema directly when its
// tables change owner: not from entries it had as the schema's owner if
// this plan gives the schema away (they become the new owner's).
bool Planner::has_direct(const std::string& role, const std::string& schema, const std::string& privilege) {
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
void Planner::lend_create(std::vector<Statement>& out, const std::string& to, const std::string& schema) {
    if (snap_.caller.superuser || schema_owner(schema) == to || has_direct(to, schema, "CREATE")) return;
    std::string so = schema_owner(schema);
    grant_on(out, GrantPrivileges{{"CREATE"}, schema_ref(schema), to, {}}, so, so, schema_text(schema));
    temporary_create_.insert({to, schema});
}

void Planner::plan_table_owners(const DesiredRole& role, const Wants& w) {
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
void Planner::plan_taking(const DesiredRole& role, const Wants& w) {
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
std::set<std::pair<std::string, std::string>> Planner::kept_intermediate(const Relation& rel) const {
    std::set<std::pair<std::string, std::string>> keep;
    if (auto i = relation_intermediate(rel)) keep.insert({*i, "SELECT"});
    return keep;
}

std::string Planner::ref_key(const ObjectRef& ref) {
    return std::to_string(static_cast<int>(ref.type)) + " " + ref.schema + "." + ref.name;
}
// A column privilege's entry in gone_.
std::string Planner::column_key(const ColumnAclEntry& c) {
    return "column " + c.column + " " + c.entry.privilege;
}

// An ACL without the entries another statement of the plan removes (see
// gone_): in one request, a role must not count them as held, or it would
// revoke them again, as a grantor that may have lost the right to (or a
// REVOKE that removes nothing), or not grant again one it declares.
std::vector<AclEntry> Planner::not_taken(const ObjectRef& ref, const std::vector<AclEntry>& acl) const {
    if (gone_.empty()) return acl;
    std::vector<AclEntry> out;
    std::string key = ref_key(ref);
    for (const AclEntry& e : acl)
        if (!gone_.count({key, e.grantee, e.grantor, e.privilege})) out.push_back(e);
    return out;
}

// A relation's intermediate role for SELECT, if a fit one exists: a
// privilege it holds on a column counts as another privilege there.
std::optional<std::string> Planner::relation_intermediate(const Relation& rel) const {
    std::vector<AclEntry> acl = rel.acl;
    for (const ColumnAclEntry& c : rel.columns) {
        acl.push_back(c.entry);
        acl.back().privilege += " (" + c.column + ")";
    }
    return intermediate_in_acl(acl, local_role_prefix(snap_.database_oid, spec::Kind::table_select), "SELECT",
                               "pg_class", rel.oid, snap_.intermediates);
}

// The recipient of what `role` owned: its trusted one, or a new one.
std::string Planner::recipient_of(const std::string& role) {
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
void Planner::revoke_grants_of(const std::string& role, const ObjectRef& ref, const std::vector<AclEntry>& acl,
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

void Planner::revoke_column_grants_of(const std::string& role, const Relation& rel) {
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

}  // namespace pgsr::plan::detail
