// Tests of the planner's model of who acts, on both rule sets
// (ServerRules{role_options=false}: PostgreSQL 15; {true}: 16+):
//
//   - acting roles: every GRANT/REVOKE of privileges runs as one role
//     (as_role), so that PostgreSQL records and removes exactly its grants;
//   - borrowing: what the caller lacks to act (SET ROLE, or the old owner's
//     privileges for ALTER ... OWNER) is granted to it right after the
//     CREATE ROLEs and taken back at the very end, with options on 16+, or
//     the plan is an error (42501, with a detail and a hint);
//   - USAGE lent on a schema for exactly one statement;
//   - taking ownership away: a recipient, made and marked or reused, and
//     the grants the former owner made revoked as her first;
//   - 16+ memberships: options, one REVOKE per grantor, ADMIN OPTION;
//   - createrole_self_grant (ServerRules::self_grant);
//   - ineffective_revokes().
//
// As in the other plan tests, snapshots are built by hand and each statement
// is described as one line, its acting role first ("AS owner: ...").
//
// A test marked GTEST_SKIP() << "KNOWN: ..." asserts what the planner should do
// and currently does not (see the comment above each).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "plan/plan.hpp"

namespace {

using namespace pgsr::plan;
namespace spec = pgsr::spec;
using Statements = std::vector<std::string>;

// ------------------------------------------------------------ describing statements

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

std::string object_text(const ObjectRef& o) {
    switch (o.type) {
        case ObjectType::database: return "database " + o.name;
        case ObjectType::schema: return "schema " + o.name;
        case ObjectType::table: return "table " + o.schema + "." + o.name;
        case ObjectType::view: return "view " + o.schema + "." + o.name;
        case ObjectType::materialized_view: return "materialized_view " + o.schema + "." + o.name;
        case ObjectType::foreign_table: return "foreign_table " + o.schema + "." + o.name;
        case ObjectType::sequence: return "sequence " + o.schema + "." + o.name;
    }
    return "?";
}

std::string as(const std::string& role) { return role.empty() ? "" : "AS " + role + ": "; }
std::string grantee(const std::string& g) { return g.empty() ? "PUBLIC" : g; }

struct Describe {
    std::string operator()(const CreateRole& s) const { return "CreateRole " + s.role; }
    std::string operator()(const SetLogin& s) const { return "SetLogin " + s.role; }
    std::string operator()(const RemoveLogin& s) const { return "RemoveLogin " + s.role; }
    std::string operator()(const GrantRoles& s) const {
        std::vector<std::string> options;
        if (s.inherit) options.push_back(std::string("INHERIT ") + (*s.inherit ? "TRUE" : "FALSE"));
        if (s.set) options.push_back(std::string("SET ") + (*s.set ? "TRUE" : "FALSE"));
        std::string with;
        for (const std::string& o : options) with += (with.empty() ? " WITH " : ", ") + o;
        return "GrantRoles " + join(s.roles) + " TO " + join(s.members) + with;
    }
    std::string operator()(const RevokeRoles& s) const {
        return std::string("RevokeRoles ") + (s.admin_option ? "ADMIN OPTION FOR " : "") + join(s.roles) + " FROM " +
               join(s.members) + (s.granted_by.empty() ? "" : " GRANTED BY " + s.granted_by);
    }
    std::string operator()(const GrantPrivileges& s) const {
        return as(s.as_role) + "GrantPrivileges " + join(s.privileges) + " ON " + object_text(s.object) + " TO " +
               grantee(s.grantee) + (s.grant_option ? " WITH GRANT OPTION" : "");
    }
    std::string operator()(const RevokePrivileges& s) const {
        return as(s.as_role) + "RevokePrivileges " + (s.grant_option ? "GRANT OPTION FOR " : "") + join(s.privileges) +
               " ON " + object_text(s.object) + (s.columns.empty() ? "" : " (" + join(s.columns) + ")") + " FROM " +
               grantee(s.grantee) + (s.cascade ? " CASCADE" : "");
    }
    std::string operator()(const CreateSchema& s) const { return "CreateSchema " + s.schema + " AUTHORIZATION " + s.owner; }
    std::string operator()(const AlterOwner& s) const { return "AlterOwner " + object_text(s.object) + " TO " + s.owner; }
    std::string operator()(const DropRole& s) const { return "DropRole " + join(s.roles); }
    std::string operator()(const CommentOnRole& s) const { return "CommentOnRole " + s.role + " " + s.comment; }
};

Statements describe(const Plan& p) {
    Statements out;
    for (const Statement& s : p.statements) out.push_back(std::visit(Describe{}, s));
    return out;
}

std::string lines(const Statements& s) {
    std::string out;
    for (const std::string& l : s) out += "  " + l + "\n";
    return out;
}

long index_of(const Statements& s, const std::string& what) {
    auto it = std::find(s.begin(), s.end(), what);
    return it == s.end() ? -1 : static_cast<long>(it - s.begin());
}

Statements concat(std::initializer_list<Statements> parts) {
    Statements out;
    for (const Statements& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// ------------------------------------------------------------ requests

spec::Grant grant(spec::Kind kind, std::size_t index) {
    spec::Grant g;
    g.kind = kind;
    g.index = index;
    return g;
}
spec::Grant membership(const std::string& role, std::size_t index) {
    spec::Grant g = grant(spec::Kind::role_membership, index);
    g.role = role;
    return g;
}
spec::Grant usage(const std::string& schema, std::size_t index, bool direct = false) {
    spec::Grant g = grant(spec::Kind::schema_usage, index);
    g.schema = schema;
    g.direct = direct;
    return g;
}
spec::Grant create(const std::string& schema, std::size_t index, bool direct = false) {
    spec::Grant g = grant(spec::Kind::schema_create, index);
    g.schema = schema;
    g.direct = direct;
    return g;
}
spec::Grant own_schema(const std::string& schema, std::size_t index) {
    spec::Grant g = grant(spec::Kind::schema_ownership, index);
    g.schema = schema;
    return g;
}
spec::Grant select(const std::string& schema, const std::string& table, std::size_t index, bool direct = false) {
    spec::Grant g = grant(spec::Kind::table_select, index);
    g.schema = schema;
    g.table = table;
    g.direct = direct;
    return g;
}
spec::Grant own_table(const std::string& schema, const std::string& table, std::size_t index) {
    spec::Grant g = grant(spec::Kind::table_ownership, index);
    g.schema = schema;
    g.table = table;
    return g;
}

DesiredRole desired(const std::string& name, std::vector<spec::Grant> grants = {}) {
    DesiredRole r;
    r.name = name;
    r.grants = std::move(grants);
    return r;
}

Request request(std::vector<DesiredRole> roles, std::set<std::string> preserve = {}) {
    Request r;
    r.roles = std::move(roles);
    r.preserve_schemas = std::move(preserve);
    return r;
}

// ------------------------------------------------------------ snapshots

const Oid kDb = 16384, kS = 2200, kAlice = 16401, kBob = 16402;
const std::string kSelect = "_pgsr_local_16384_table_select_";
const std::string kUsage = "_pgsr_local_16384_schema_usage_";
const std::string kCreate = "_pgsr_local_16384_schema_create_";
const std::string kOwner = "_pgsr_owner_";

const ServerRules k15{false, false};
const ServerRules k16{true, false};

// The caller "admin" is a CREATEROLE non-superuser that may use schema "s"
// (owned by "owner"); "alice" and "bob" exist.  The caller has no standing
// towards any role: tests give what they are about.
Snapshot snapshot(ServerRules rules = k15) {
    Snapshot s;
    s.server = rules;
    s.caller.name = "admin";
    s.caller.createrole = true;
    s.database_oid = kDb;
    s.roles["alice"].oid = kAlice;
    s.roles["bob"].oid = kBob;
    Schema sc;
    sc.oid = kS;
    sc.owner = "owner";
    s.schemas["s"] = sc;
    s.usage = {{"admin", "s"}};
    return s;
}

// The caller's standing towards `role`: a member that may SET ROLE to it and
// uses its privileges (15: an INHERIT member; 16+: WITH INHERIT TRUE, SET TRUE).
void member_of(Snapshot& snap, const std::string& role) {
    snap.standing[role].can_set = true;
    snap.standing[role].has_privileges = true;
    snap.standing[role].direct_member = true;
}
// ... or one holding ADMIN OPTION on it only (16+: as on the roles it created).
void admin_of(Snapshot& snap, const std::string& role) { snap.standing[role].admin = true; }

AclEntry acl(const std::string& grantee, const std::string& privilege, const std::string& grantor = "owner",
             bool grantable = false) {
    AclEntry e;
    e.grantee = grantee;
    e.grantor = grantor;
    e.privilege = privilege;
    e.grantable = grantable;
    return e;
}

Relation& add_relation(Snapshot& snap, Oid oid, const std::string& schema, const std::string& name,
                       const std::string& owner = "owner", char relkind = 'r', std::vector<AclEntry> entries = {}) {
    Relation r;
    r.oid = oid;
    r.schema = schema;
    r.name = name;
    r.owner = owner;
    r.relkind = relkind;
    r.acl = std::move(entries);
    snap.relations[oid] = r;
    snap.relation_by_name[{schema, name}] = oid;
    return snap.relations[oid];
}

ColumnAclEntry column(const std::string& col, const std::string& grantee, const std::string& privilege,
                      const std::string& grantor) {
    return ColumnAclEntry{col, acl(grantee, privilege, grantor)};
}

Snapshot::Candidate candidate(bool plain, std::optional<std::string> comment, int references) {
    Snapshot::Candidate c;
    c.plain = plain;
    c.comment = std::move(comment);
    c.references = references;
    return c;
}

struct Names {
    std::vector<std::string> prefixes;
    int next = 0;
    NameSource source() {
        return [this](const std::string& prefix) {
            prefixes.push_back(prefix);
            char hex[9];
            std::snprintf(hex, sizeof hex, "%08x", ++next);
            return prefix + hex;
        };
    }
};

std::string nth(const std::string& prefix, int n) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", n);
    return prefix + hex;
}

Plan plan(const Request& req, const Snapshot& snap) {
    Names names;
    return make_plan(req, snap, names.source());
}
Statements described(const Request& req, const Snapshot& snap) { return describe(plan(req, snap)); }

// The recipient's marker, spelt out so that the planner's wording is checked.
std::string recipient_comment(const std::string& former_owner, Oid oid) {
    return "pg_sync_roles: owner of what was taken from role \"" + former_owner + "\" [pg_authid " +
           std::to_string(oid) + "]";
}
Statements new_recipient(const std::string& name, const std::string& former_owner, Oid oid) {
    return {"CreateRole " + name, "CommentOnRole " + name + " " + recipient_comment(former_owner, oid)};
}

std::string intermediate_comment(const std::string& privilege, const std::string& object, const std::string& catalog,
                                 Oid oid) {
    return "pg_sync_roles: intermediate role for " + privilege + " on " + object + " [" + catalog + " " +
           std::to_string(oid) + "]";
}

// The error of a plan that must fail: 42501, nothing to run, and a message,
// a detail and a hint for people.
void expect_denied(const Plan& p, const std::string& message_part) {
    ASSERT_TRUE(p.error) << lines(describe(p));
    EXPECT_EQ(p.error->sqlstate, "42501");
    EXPECT_EQ(p.error->message.rfind("permission denied", 0), 0u) << p.error->message;
    EXPECT_NE(p.error->message.find(message_part), std::string::npos) << p.error->message;
    EXPECT_TRUE(p.statements.empty()) << lines(describe(p));
}

// ============================================================ acting roles

TEST(ActAs, GrantsRunAsTheObjectsOwner) {
    Snapshot snap = snapshot();
    member_of(snap, "owner");
    add_relation(snap, 100, "s", "t");
    Plan p = plan(request({desired("alice", {usage("s", 0, true), select("s", "t", 1, true)})}), snap);
    EXPECT_EQ(describe(p), (Statements{"AS owner: GrantPrivileges USAGE ON schema s TO alice",
                                       "AS owner: GrantPrivileges SELECT ON table s.t TO alice"}));
    ASSERT_EQ(p.statements.size(), 2u);
    EXPECT_EQ(std::get<GrantPrivileges>(p.statements[0]).as_role, "owner");
}

TEST(ActAs, RevokesRunAsTheirGrantor) {
    Snapshot snap = snapshot();
    for (const char* r : {"owner", "grantor"}) member_of(snap, r);
    snap.usage.insert({"grantor", "s"});
    add_relation(snap, 100, "s", "t", "owner", 'r',
                 {acl("alice", "SELECT", "owner"), acl("alice", "INSERT", "grantor"), acl("grantor", "INSERT", "owner", true)});
    snap.touched_relations["alice"] = {100};
    Plan p = plan(request({desired("alice")}), snap);
    EXPECT_EQ(describe(p), (Statements{"AS grantor: RevokePrivileges INSERT ON table s.t FROM alice",
                                       "AS owner: RevokePrivileges SELECT ON table s.t FROM alice"}));
}

TEST(ActAs, NoActingRoleWhenTheCallerIsTheActor) {
    // The caller owns the object: it acts as itself.
    Snapshot snap = snapshot();
    snap.schemas["s"].owner = "admin";
    add_relation(snap, 100, "s", "t", "admin", 'r', {acl("alice", "INSERT", "admin")});
    snap.touched_relations["alice"] = {100};
    Plan p = plan(request({desired("alice", {usage("s", 0, true)})}), snap);
    EXPECT_EQ(describe(p), (Statements{"GrantPrivileges USAGE ON schema s TO alice",
                                       "RevokePrivileges INSERT ON table s.t FROM alice"}));
    for (const Statement& s : p.statements) {
        if (auto* g = std::get_if<GrantPrivileges>(&s)) {
            EXPECT_TRUE(g->as_role.empty());
        } else if (auto* r = std::get_if<RevokePrivileges>(&s)) {
            EXPECT_TRUE(r->as_role.empty());
        }
    }
}

TEST(ActAs, ASuperuserCallerActsAsItselfForTheOwnerButAsAnyOtherGrantor) {
    // A superuser's GRANT and REVOKE are recorded as the owner's; another
    // grantor's grants it revokes as that grantor.  It borrows nothing and
    // is lent nothing, whoever the roles are.
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        snap.caller.superuser = true;
        snap.usage.clear();
        snap.standing["grantor"].superuser = true;  // even a superuser grantor
        add_relation(snap, 100, "s", "t", "owner", 'r', {acl("alice", "SELECT", "grantor"), acl("alice", "INSERT")});
        snap.touched_relations["alice"] = {100};
        EXPECT_EQ(described(request({desired("alice", {usage("s", 0, true)})}), snap),
                  (Statements{"GrantPrivileges USAGE ON schema s TO alice",
                              "AS grantor: RevokePrivileges SELECT ON table s.t FROM alice",
                              "RevokePrivileges INSERT ON table s.t FROM alice"}))
            << rules.role_options;
    }
}

TEST(ActAs, AMembershipOfTheOwnerIsRevokedBeforeTheCascadeOfWhatTheRolePassedOn) {
    // alice, a member of the table's owner, passed SELECT on to carol.  Still
    // a member, she would have every grant option implicitly, and REVOKE ...
    // CASCADE from her would leave carol's: the membership goes first.
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        member_of(snap, "owner");
        snap.standing["owner"].admin = true;  // 16+: revoking the membership needs ADMIN OPTION
        snap.roles["alice"].member_of = {"owner"};
        add_relation(snap, 100, "s", "t", "owner", 'r',
                     {acl("alice", "SELECT", "owner", true), acl("carol", "SELECT", "alice")});
        snap.touched_relations["alice"] = {100};
        const bool v16 = rules.role_options;
        Statements got = described(request({desired("alice")}), snap);
        EXPECT_EQ(got, (Statements{std::string("RevokeRoles owner FROM alice") + (v16 ? " GRANTED BY admin" : ""),
                                   "AS owner: RevokePrivileges SELECT ON table s.t FROM alice CASCADE"}))
            << v16 << "\n" << lines(got);
    }
}

// ============================================================ borrowing

TEST(ActBorrow, On15AMembershipIsGrantedForTheCallAndRevokedAtTheEnd) {
    Snapshot snap = snapshot(k15);
    EXPECT_EQ(described(request({desired("alice", {usage("s", 0, true)})}), snap),
              (Statements{"GrantRoles owner TO admin", "AS owner: GrantPrivileges USAGE ON schema s TO alice",
                          "RevokeRoles owner FROM admin"}));
}

TEST(ActBorrow, On15WithoutCreateroleOnlyAdminOptionLetsTheCallerBorrow) {
    Snapshot snap = snapshot(k15);
    snap.caller.createrole = false;
    Plan p = plan(request({desired("alice", {usage("s", 0, true)})}), snap);
    expect_denied(p, "the calling role \"admin\" cannot grant itself \"owner\"");
    EXPECT_EQ(p.error->detail, "It has neither CREATEROLE nor ADMIN OPTION on that role.");
    EXPECT_EQ(p.error->hint, "GRANT \"owner\" TO \"admin\";");

    admin_of(snap, "owner");
    EXPECT_EQ(described(request({desired("alice", {usage("s", 0, true)})}), snap),
              (Statements{"GrantRoles owner TO admin", "AS owner: GrantPrivileges USAGE ON schema s TO alice",
                          "RevokeRoles owner FROM admin"}));
}

TEST(ActBorrow, On16OptionsSayWhatIsBorrowed) {
    // SET to act as a role; INHERIT to use its privileges (ALTER ... OWNER
    // needs the old owner's); both when both are needed.
    Snapshot snap = snapshot(k16);
    for (const char* r : {"owner", "alice"}) admin_of(snap, r);
    EXPECT_EQ(described(request({desired("alice", {usage("s", 0, true)})}), snap),
              (Statements{"GrantRoles owner TO admin WITH INHERIT FALSE, SET TRUE",
                          "AS owner: GrantPrivileges USAGE ON schema s TO alice", "RevokeRoles owner FROM admin"}));
    // alice becomes the owner: the caller must SET ROLE to her and use
    // owner's privileges.
    EXPECT_EQ(described(request({desired("alice", {own_schema("s", 0)})}), snap),
              (Statements{"GrantRoles alice TO admin WITH INHERIT FALSE, SET TRUE",
                          "GrantRoles owner TO admin WITH INHERIT TRUE, SET FALSE", "AlterOwner schema s TO alice",
                          "RevokeRoles alice,owner FROM admin"}));
    // Taking a table from alice: her privileges for ALTER, and SET ROLE to
    // revoke what she granted.
    add_relation(snap, 100, "s", "t", "alice", 'r', {acl("bob", "SELECT", "alice")});
    snap.touched_relations["alice"] = {100};
    snap.usage.insert({"alice", "s"});
    member_of(snap, "owner");
    const std::string to = nth(kOwner, 1);
    EXPECT_EQ(described(request({desired("alice")}), snap),
              concat({new_recipient(to, "alice", kAlice),
                      {"GrantRoles " + to + " TO admin WITH INHERIT FALSE, SET TRUE",
                       "GrantRoles alice TO admin WITH INHERIT TRUE, SET TRUE",
                       "AS alice: RevokePrivileges SELECT ON table s.t FROM bob CASCADE",
                       "AS owner: GrantPrivileges CREATE ON schema s TO " + to, "AlterOwner table s.t TO " + to,
                       "AS owner: RevokePrivileges CREATE ON schema s FROM " + to,
                       "RevokeRoles " + to + ",alice FROM admin"}}));
}

TEST(ActBorrow, NothingIsBorrowedThatTheCallerHas) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        for (const char* r : {"owner", "alice"}) member_of(snap, r);
        EXPECT_EQ(described(request({desired("alice", {own_schema("s", 0)}), desired("bob", {usage("s", 0, true)})}), snap),
                  (Statements{"AlterOwner schema s TO alice", "AS alice: GrantPrivileges USAGE ON schema s TO bob"}))
            << rules.role_options;
    }
}

TEST(ActBorrow, On16TheCallersOwnRowIsGivenBackItsOptions) {
    // The caller holds a row of its own (granted by itself) without SET:
    // borrowing changes that row's options, so it gets them back instead of
    // being revoked (which would take away a membership it had).
    Snapshot snap = snapshot(k16);
    admin_of(snap, "owner");
    snap.standing["owner"].direct_member = true;
    snap.standing["owner"].own_row = std::make_pair(false, false);
    EXPECT_EQ(described(request({desired("alice", {usage("s", 0, true)})}), snap),
              (Statements{"GrantRoles owner TO admin WITH INHERIT FALSE, SET TRUE",
                          "AS owner: GrantPrivileges USAGE ON schema s TO alice",
                          "GrantRoles owner TO admin WITH INHERIT FALSE, SET FALSE"}));
    // On 15 there are no options: a plain revoke.
    snap.server = k15;
    EXPECT_EQ(described(request({desired("alice", {usage("s", 0, true)})}), snap),
              (Statements{"GrantRoles owner TO admin", "AS owner: GrantPrivileges USAGE ON schema s TO alice",
                          "RevokeRoles owner FROM admin"}));
}

// KNOWN: on 16+, a role whose privileges the caller already uses through its
// own row (granted by itself WITH INHERIT TRUE, SET FALSE) and which it must
// also SET ROLE to is borrowed "WITH INHERIT FALSE, SET TRUE": that GRANT
// rewrites the same row, so for the rest of the call the caller no longer has
// the role's privileges, and an ALTER ... OWNER planned on them ("must be
// owner of table") fails.  The borrowed INHERIT should keep the row's own
// (TRUE), as the give-back already assumes.
TEST(ActBorrow, On16BorrowingSetKeepsTheInheritTheCallerHad) {
    Snapshot snap = snapshot(k16);
    for (const char* r : {"owner", "alice"}) member_of(snap, r);
    Standing& t = snap.standing["tabowner"];
    t.admin = t.has_privileges = t.direct_member = true;
    t.own_row = std::make_pair(true, false);  // INHERIT TRUE, SET FALSE
    snap.usage.insert({"tabowner", "s"});
    add_relation(snap, 100, "s", "t", "tabowner");  // ALTER from tabowner: its privileges
    add_relation(snap, 101, "s", "t2", "owner", 'r',
                 {acl("tabowner", "SELECT", "owner", true), acl("alice", "SELECT", "tabowner")});  // SET ROLE tabowner
    snap.touched_relations["alice"] = {101};
    Statements got = described(request({desired("alice", {own_table("s", "t", 0)})}), snap);
    EXPECT_EQ(index_of(got, "GrantRoles tabowner TO admin WITH INHERIT FALSE, SET TRUE"), -1) << lines(got);
    EXPECT_NE(index_of(got, "GrantRoles tabowner TO admin WITH INHERIT TRUE, SET TRUE"), -1) << lines(got);
    EXPECT_EQ(got.back(), "GrantRoles tabowner TO admin WITH INHERIT TRUE, SET FALSE") << lines(got);
}

TEST(ActBorrow, On16WithoutAdminOptionIsAnErrorWithTheGrantToRun) {
    Snapshot snap = snapshot(k16);  // CREATEROLE is not enough from 16 on
    Plan p = plan(request({desired("alice", {usage("s", 0, true)})}), snap);
    expect_denied(p, "the calling role \"admin\" cannot act as role \"owner\"");
    EXPECT_NE(p.error->message.find("schema \"s\""), std::string::npos) << p.error->message;
    EXPECT_NE(p.error->detail.find("From PostgreSQL 16 on"), std::string::npos) << p.error->detail;
    EXPECT_NE(p.error->detail.find("with SET"), std::string::npos) << p.error->detail;
    EXPECT_EQ(p.error->hint, "A superuser can run: GRANT \"owner\" TO \"admin\" WITH INHERIT FALSE, SET TRUE;");

    // For its privileges (ALTER ... OWNER), the hint asks for INHERIT.
    admin_of(snap, "alice");
    p = plan(request({desired("alice", {own_schema("s", 0)})}), snap);
    expect_denied(p, "cannot act as role \"owner\"");
    EXPECT_NE(p.error->detail.find("with INHERIT"), std::string::npos) << p.error->detail;
    EXPECT_EQ(p.error->hint, "A superuser can run: GRANT \"owner\" TO \"admin\" WITH INHERIT TRUE, SET TRUE;");

    // Names are quoted in the hint.
    snap.schemas["s"].owner = "Data \"Owner\"";
    p = plan(request({desired("alice", {usage("s", 0, true)})}), snap);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->hint,
              "A superuser can run: GRANT \"Data \"\"Owner\"\"\" TO \"admin\" WITH INHERIT FALSE, SET TRUE;");

    // The same snapshot on 15: CREATEROLE is enough.
    snap.server = k15;
    EXPECT_FALSE(plan(request({desired("alice", {usage("s", 0, true)})}), snap).error);
}

TEST(ActBorrow, On16RolesThePlanCreatesNeedNoAdminOption) {
    // Their creator holds ADMIN OPTION on them: a new target role given a
    // new schema, and a new recipient.
    Snapshot snap = snapshot(k16);
    EXPECT_EQ(described(request({desired("carol", {own_schema("new", 0)})}), snap),
              (Statements{"CreateRole carol", "GrantRoles carol TO admin WITH INHERIT FALSE, SET TRUE",
                          "CreateSchema new AUTHORIZATION carol", "RevokeRoles carol FROM admin"}));
    snap.schemas["mine"] = snap.schemas["s"];
    snap.schemas["mine"].owner = "alice";
    snap.touched_schemas["alice"] = {"mine"};
    member_of(snap, "alice");
    const std::string to = nth(kOwner, 1);
    EXPECT_EQ(described(request({desired("alice")}), snap),
              concat({new_recipient(to, "alice", kAlice),
                      {"GrantRoles " + to + " TO admin WITH INHERIT FALSE, SET TRUE", "AlterOwner schema mine TO " + to,
                       "RevokeRoles " + to + " FROM admin"}}));
}

TEST(ActBorrow, ASuperuserRoleIsAnErrorOnBothRuleSets) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        snap.standing["owner"].superuser = true;
        snap.standing["owner"].admin = true;  // ADMIN OPTION does not help
        Plan p = plan(request({desired("alice", {usage("s", 0, true)})}), snap);
        expect_denied(p, "it needs the rights of \"owner\", a superuser");
        EXPECT_EQ(p.error->detail, "A role that is not a superuser cannot act as a superuser.");
        EXPECT_EQ(p.error->hint, "Call sync as a superuser, or have a superuser make it owned by a role that is not one.");
    }
}

TEST(ActBorrow, On15ANoinheritCallerActsThroughSetRoleButCannotAlterOwners) {
    // rolinherit is the caller's on 15: as a member it may SET ROLE, but it
    // does not use the members' privileges, and borrowing cannot change that.
    Snapshot snap = snapshot(k15);
    snap.caller.inherit = false;
    snap.standing["owner"].can_set = true;
    snap.standing["owner"].direct_member = true;
    EXPECT_EQ(described(request({desired("alice", {usage("s", 0, true)})}), snap),
              (Statements{"AS owner: GrantPrivileges USAGE ON schema s TO alice"}));
    // Nor does it need the membership: borrowed for SET, it works the same.
    snap.standing.erase("owner");
    EXPECT_EQ(described(request({desired("alice", {usage("s", 0, true)})}), snap),
              (Statements{"GrantRoles owner TO admin", "AS owner: GrantPrivileges USAGE ON schema s TO alice",
                          "RevokeRoles owner FROM admin"}));
    snap.standing["alice"].can_set = true;
    Plan p = plan(request({desired("alice", {own_schema("s", 0)})}), snap);
    expect_denied(p, "the calling role \"admin\" is NOINHERIT, so it cannot use the privileges of \"owner\"");
    EXPECT_NE(p.error->detail.find("PostgreSQL 15"), std::string::npos) << p.error->detail;
    EXPECT_EQ(p.error->hint, "Call sync as a role with INHERIT.");
}

TEST(ActBorrow, On16TheCallersRolinheritDoesNotMatter) {
    // From 16 on INHERIT is per membership: the borrowed one says it.
    Snapshot snap = snapshot(k16);
    snap.caller.inherit = false;
    for (const char* r : {"owner", "alice"}) admin_of(snap, r);
    EXPECT_EQ(described(request({desired("alice", {own_schema("s", 0)})}), snap),
              (Statements{"GrantRoles alice TO admin WITH INHERIT FALSE, SET TRUE",
                          "GrantRoles owner TO admin WITH INHERIT TRUE, SET FALSE", "AlterOwner schema s TO alice",
                          "RevokeRoles alice,owner FROM admin"}));
}

TEST(ActBorrow, GrantedRightAfterTheCreateRolesAndTakenBackAfterEverything) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        admin_of(snap, "owner");
        admin_of(snap, "team");
        snap.roles["team"] = RoleState{};
        snap.roles["bob"].can_login = true;
        snap.roles["bob"].member_of = {"team"};
        snap.roles["bob"].grantors["team"] = {"admin"};
        const bool v16 = rules.role_options;
        EXPECT_EQ(described(request({desired("carol", {usage("s", 0, true), membership("team", 1)}), desired("bob")}),
                            snap),
                  (Statements{"CreateRole carol",
                              std::string("GrantRoles owner TO admin") + (v16 ? " WITH INHERIT FALSE, SET TRUE" : ""),
                              std::string("RevokeRoles team FROM bob") + (v16 ? " GRANTED BY admin" : ""),
                              "AS owner: GrantPrivileges USAGE ON schema s TO carol", "RemoveLogin bob",
                              "GrantRoles team TO carol", "RevokeRoles owner FROM admin"}))
            << v16;
    }
}

// ============================================================ USAGE lent for one statement

TEST(ActLending, WrapsExactlyOneStatement) {
    // The grantor may not use "s": each REVOKE it runs is wrapped on its own
    // in a GRANT and a REVOKE of USAGE by the schema's owner.
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        for (const char* r : {"owner", "grantor"}) member_of(snap, r);
        add_relation(snap, 100, "s", "t", "owner", 'r', {acl("alice", "SELECT", "grantor")});
        add_relation(snap, 101, "s", "u", "owner", 'r', {acl("alice", "SELECT", "grantor")});
        snap.touched_relations["alice"] = {100, 101};
        EXPECT_EQ(described(request({desired("alice")}), snap),
                  (Statements{"AS owner: GrantPrivileges USAGE ON schema s TO grantor",
                              "AS grantor: RevokePrivileges SELECT ON table s.t FROM alice",
                              "AS owner: RevokePrivileges USAGE ON schema s FROM grantor",
                              "AS owner: GrantPrivileges USAGE ON schema s TO grantor",
                              "AS grantor: RevokePrivileges SELECT ON table s.u FROM alice",
                              "AS owner: RevokePrivileges USAGE ON schema s FROM grantor"}))
            << rules.role_options;
    }
}

TEST(ActLending, NotWhenTheActorMayUseTheSchema) {
    Snapshot snap = snapshot();
    for (const char* r : {"owner", "grantor"}) member_of(snap, r);
    add_relation(snap, 100, "s", "t", "owner", 'r', {acl("alice", "SELECT", "grantor")});
    snap.touched_relations["alice"] = {100};
    const Statements alone = {"AS grantor: RevokePrivileges SELECT ON table s.t FROM alice"};
    snap.usage.insert({"grantor", "s"});  // USAGE (or PUBLIC's, or a role's it has)
    EXPECT_EQ(described(request({desired("alice")}), snap), alone);
    snap.usage.erase({"grantor", "s"});
    snap.schemas["s"].owner = "grantor";  // its owner
    EXPECT_EQ(described(request({desired("alice")}), snap), alone);
    // Not for schema-level statements either: naming a schema needs no USAGE.
    snap.schemas["s"].owner = "owner";
    snap.relations.clear();
    snap.touched_relations.clear();
    snap.schemas["s"].acl = {acl("alice", "USAGE", "grantor")};
    snap.touched_schemas["alice"] = {"s"};
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"AS grantor: RevokePrivileges USAGE ON schema s FROM alice"}));
}

TEST(ActLending, TheSchemaOwnerIsBorrowedToLend) {
    Snapshot snap = snapshot(k16);
    member_of(snap, "grantor");
    admin_of(snap, "owner");
    add_relation(snap, 100, "s", "t", "grantor", 'r', {acl("alice", "SELECT", "grantor")});
    snap.touched_relations["alice"] = {100};
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"GrantRoles owner TO admin WITH INHERIT FALSE, SET TRUE",
                          "AS owner: GrantPrivileges USAGE ON schema s TO grantor",
                          "AS grantor: RevokePrivileges SELECT ON table s.t FROM alice",
                          "AS owner: RevokePrivileges USAGE ON schema s FROM grantor", "RevokeRoles owner FROM admin"}));
}

TEST(ActLending, ForTheCallersAlterOwnerWhenNeitherItNorTheOldOwnerMayUseTheSchema) {
    // 16+: the caller may SET ROLE to the schema's owner but does not
    // inherit its privileges, so it may not use "s" itself.
    Snapshot snap = snapshot(k16);
    snap.usage.clear();
    for (const char* r : {"alice", "tabowner"}) member_of(snap, r);
    snap.standing["owner"].can_set = true;
    snap.schemas["s"].acl = {acl("alice", "CREATE")};  // so alice needs no CREATE lent
    snap.touched_schemas["alice"] = {"s"};
    add_relation(snap, 100, "s", "t", "tabowner");
    Request req = request({desired("alice", {own_table("s", "t", 0), create("s", 1, true)})});
    EXPECT_EQ(described(req, snap), (Statements{"AS owner: GrantPrivileges USAGE ON schema s TO admin",
                                                "AlterOwner table s.t TO alice",
                                                "AS owner: RevokePrivileges USAGE ON schema s FROM admin"}));
    // The old owner may: the caller names the table with its privileges.
    snap.usage.insert({"tabowner", "s"});
    EXPECT_EQ(described(req, snap), (Statements{"AlterOwner table s.t TO alice"}));
}

// alice owns schema "s" (and granted PUBLIC USAGE on it); tabowner owns
// table "s"."t" (oid 100).
Snapshot taking_snapshot_of_schema() {
    Snapshot snap = snapshot();
    for (const char* r : {"alice", "tabowner"}) member_of(snap, r);
    snap.schemas["s"].owner = "alice";
    snap.schemas["s"].acl = {acl("", "USAGE", "alice")};
    snap.touched_schemas["alice"] = {"s"};
    add_relation(snap, 100, "s", "t", "tabowner");
    return snap;
}

TEST(ActLending, WhenTheActorsUsageGoesWithARevokedMembership) {
    // tabowner may use "s" only through alice's membership of "team" (it is
    // a member of alice): the membership goes before the GRANT runs.
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        for (const char* r : {"owner", "tabowner", "team"}) member_of(snap, r);
        admin_of(snap, "team");
        snap.roles["team"].oid = kBob + 1;
        snap.roles["alice"].member_of = snap.roles["alice"].settable = {"team"};
        add_relation(snap, 100, "s", "t", "tabowner");
        snap.usage.insert({"tabowner", "s"});
        snap.usage_needs[{"tabowner", "s"}] = Snapshot::kThroughTargets | Snapshot::kThroughEither;
        const std::string granted_by = rules.role_options ? " GRANTED BY admin" : "";
        EXPECT_EQ(described(request({desired("alice", {select("s", "t", 0, true)})}), snap),
                  (Statements{"RevokeRoles team FROM alice" + granted_by,
                              "AS owner: GrantPrivileges USAGE ON schema s TO tabowner",
                              "AS tabowner: GrantPrivileges SELECT ON table s.t TO alice",
                              "AS owner: RevokePrivileges USAGE ON schema s FROM tabowner"}))
            << rules.role_options;
        // alice keeps "team": nothing is lent.
        EXPECT_EQ(described(request({desired("alice", {select("s", "t", 0, true), membership("team", 1)})}), snap),
                  (Statements{"AS tabowner: GrantPrivileges SELECT ON table s.t TO alice"}))
            << rules.role_options;
        // Its USAGE does not depend on a target: nothing is lent.
        snap.usage_needs.clear();
        EXPECT_EQ(described(request({desired("alice", {select("s", "t", 0, true)})}), snap),
                  (Statements{"RevokeRoles team FROM alice" + granted_by,
                              "AS tabowner: GrantPrivileges SELECT ON table s.t TO alice"}))
            << rules.role_options;
    }
}

TEST(ActLending, WhenTheActorsUsageWasPublicsAndThePlanRevokesIt) {
    // alice owns "s" and loses it: PUBLIC's USAGE, which she granted, goes
    // first; tabowner could use "s" only through PUBLIC.
    Snapshot snap = taking_snapshot_of_schema();
    snap.usage.insert({"tabowner", "s"});
    snap.usage_needs[{"tabowner", "s"}] = Snapshot::kThroughPublic | Snapshot::kThroughEither;
    Statements got = described(request({desired("alice", {select("s", "t", 0, true)})}), snap);
    const std::string to = nth(kOwner, 1);
    EXPECT_EQ(Statements(got.begin() + 3, got.end()),
              (Statements{"AS alice: RevokePrivileges USAGE ON schema s FROM PUBLIC CASCADE",
                          "AlterOwner schema s TO " + to,
                          "AS " + to + ": GrantPrivileges USAGE ON schema s TO tabowner",
                          "AS tabowner: GrantPrivileges SELECT ON table s.t TO alice",
                          "AS " + to + ": RevokePrivileges USAGE ON schema s FROM tabowner",
                          "RevokeRoles " + to + " FROM admin"}))
        << lines(got);
    // Its USAGE is its own: nothing is lent.
    snap.usage_needs.clear();
    got = described(request({desired("alice", {select("s", "t", 0, true)})}), snap);
    EXPECT_EQ(index_of(got, "AS " + to + ": GrantPrivileges USAGE ON schema s TO tabowner"), -1) << lines(got);
}

TEST(ActLending, WhenTheCallerUsesABorrowedTargetThatLosesTheSchemasOwner) {
    // 15: the caller borrows alice (to make her the owner of "g") and with
    // her, her privileges: USAGE on "s" through "owner", whose membership
    // she loses before the caller grants SELECT on its own table in "s".
    Snapshot snap = snapshot(k15);
    snap.usage.clear();
    snap.roles["alice"].member_of = {"owner"};
    Schema g;
    g.oid = kS + 1;
    g.owner = "admin";
    snap.schemas["g"] = g;
    add_relation(snap, 100, "s", "t", "admin");
    snap.usage.insert({"alice", "s"});
    snap.usage_needs[{"alice", "s"}] = Snapshot::kThroughTargets | Snapshot::kThroughEither;
    Request req = request({desired("alice", {select("s", "t", 0, true), own_schema("g", 1)})});
    EXPECT_EQ(described(req, snap),
              (Statements{"GrantRoles alice,owner TO admin", "AlterOwner schema g TO alice",
                          "RevokeRoles owner FROM alice", "AS owner: GrantPrivileges USAGE ON schema s TO admin",
                          "GrantPrivileges SELECT ON table s.t TO alice",
                          "AS owner: RevokePrivileges USAGE ON schema s FROM admin",
                          "RevokeRoles alice,owner FROM admin"}));
}

// ============================================================ grant options lent for one REVOKE

// alice holds SELECT on "s"."t" from "grantor", which no longer holds the
// grant option itself (a member of the owner, whose option was revoked
// without cascading).
AclEntry outlived(const std::string& grantee, const std::string& privilege) {
    AclEntry e = acl(grantee, privilege, "grantor");
    e.grantor_lacks_option = true;
    return e;
}

TEST(ActLendingOptions, TheOwnerLendsTheOptionForTheGrantorsRevoke) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        for (const char* r : {"owner", "grantor"}) member_of(snap, r);
        snap.usage.insert({"grantor", "s"});
        // The grantor still holds SELECT from the owner: only the option goes back.
        add_relation(snap, 100, "s", "t", "owner", 'r', {outlived("alice", "SELECT"), acl("grantor", "SELECT")});
        snap.touched_relations["alice"] = {100};
        EXPECT_EQ(described(request({desired("alice")}), snap),
                  (Statements{"AS owner: GrantPrivileges SELECT ON table s.t TO grantor WITH GRANT OPTION",
                              "AS grantor: RevokePrivileges SELECT ON table s.t FROM alice",
                              "AS owner: RevokePrivileges GRANT OPTION FOR SELECT ON table s.t FROM grantor"}))
            << rules.role_options;
        // It holds nothing: the privilege goes back too.
        snap.relations[100].acl = {outlived("alice", "SELECT")};
        EXPECT_EQ(described(request({desired("alice")}), snap),
                  (Statements{"AS owner: GrantPrivileges SELECT ON table s.t TO grantor WITH GRANT OPTION",
                              "AS grantor: RevokePrivileges SELECT ON table s.t FROM alice",
                              "AS owner: RevokePrivileges SELECT ON table s.t FROM grantor"}))
            << rules.role_options;
    }
}

TEST(ActLendingOptions, OnlyTheOptionsTheGrantorLacksAndOnSchemasToo) {
    Snapshot snap = snapshot();
    for (const char* r : {"owner", "grantor"}) member_of(snap, r);
    snap.usage.insert({"grantor", "s"});
    // INSERT's option it still holds; SELECT's it lost (keeping SELECT).
    add_relation(snap, 100, "s", "t", "owner", 'r',
                 {outlived("alice", "SELECT"), acl("alice", "INSERT", "grantor"), acl("grantor", "SELECT"),
                  acl("grantor", "INSERT", "owner", true)});
    snap.touched_relations["alice"] = {100};
    snap.schemas["s"].acl = {outlived("alice", "USAGE")};
    snap.touched_schemas["alice"] = {"s"};
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"AS owner: GrantPrivileges USAGE ON schema s TO grantor WITH GRANT OPTION",
                          "AS grantor: RevokePrivileges USAGE ON schema s FROM alice",
                          "AS owner: RevokePrivileges USAGE ON schema s FROM grantor",
                          "AS owner: GrantPrivileges SELECT ON table s.t TO grantor WITH GRANT OPTION",
                          "AS grantor: RevokePrivileges INSERT,SELECT ON table s.t FROM alice",
                          "AS owner: RevokePrivileges GRANT OPTION FOR SELECT ON table s.t FROM grantor"}));
    // Holding every option itself, it needs nothing lent.
    snap.relations[100].acl[0].grantor_lacks_option = false;
    snap.schemas["s"].acl[0].grantor_lacks_option = false;
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"AS grantor: RevokePrivileges USAGE ON schema s FROM alice",
                          "AS grantor: RevokePrivileges INSERT,SELECT ON table s.t FROM alice"}));
}

// ============================================================ what REVOKE ... CASCADE takes

// "grantor" passed SELECT on "s"."t" on to alice; both are synced to nothing
// in one request, in either order.  PostgreSQL cascades a REVOKE only from a
// grant option the grantee loses: alice's grant goes with the grantor's only
// where the grantor held SELECT WITH GRANT OPTION.
Snapshot passed_on_snapshot(ServerRules rules, std::vector<AclEntry> entries) {
    Snapshot snap = snapshot(rules);
    for (const char* r : {"owner", "grantor"}) member_of(snap, r);
    snap.roles["grantor"].oid = 16403;
    snap.usage.insert({"grantor", "s"});
    add_relation(snap, 100, "s", "t", "owner", 'r', std::move(entries));
    snap.touched_relations["alice"] = {100};
    snap.touched_relations["grantor"] = {100};
    return snap;
}

TEST(ActCascade, AGrantOptionLostTakesWhatWasPassedOn) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = passed_on_snapshot(rules, {acl("grantor", "SELECT", "owner", true), acl("alice", "SELECT", "grantor")});
        for (bool grantor_first : {false, true}) {
            Request req = grantor_first ? request({desired("grantor"), desired("alice")})
                                        : request({desired("alice"), desired("grantor")});
            Statements got = described(req, snap);
            EXPECT_EQ(got, (Statements{"AS owner: RevokePrivileges SELECT ON table s.t FROM grantor CASCADE"}))
                << rules.role_options << grantor_first << "\n" << lines(got);
        }
    }
}

TEST(ActCascade, AGrantThatOutlivedItsGrantorsOptionIsRevokedOnItsOwn) {
    // The grantor holds SELECT without the option: REVOKE ... CASCADE from it
    // leaves alice's grant, which is revoked as the grantor with the option
    // lent; the grantor ends with nothing, whichever of the two comes first.
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = passed_on_snapshot(rules, {acl("grantor", "SELECT"), outlived("alice", "SELECT")});
        const Statements alices = {"AS owner: GrantPrivileges SELECT ON table s.t TO grantor WITH GRANT OPTION",
                                   "AS grantor: RevokePrivileges SELECT ON table s.t FROM alice"};
        const std::string grantors = "AS owner: RevokePrivileges SELECT ON table s.t FROM grantor";
        EXPECT_EQ(described(request({desired("alice"), desired("grantor")}), snap),
                  concat({alices, {"AS owner: RevokePrivileges GRANT OPTION FOR SELECT ON table s.t FROM grantor",
                                   grantors + " CASCADE"}}))
            << rules.role_options;
        // Its SELECT already revoked, what was lent is taken back whole.
        EXPECT_EQ(described(request({desired("grantor"), desired("alice")}), snap),
                  concat({{grantors + " CASCADE"}, alices, {grantors}}))
            << rules.role_options;
    }
}

TEST(ActCascade, AGrantorThatKeepsThePrivilegeLosesOnlyTheOption) {
    // The grantor declares SELECT.  Holding it with the option, it loses the
    // option and alice's grant goes with it; holding it without, nothing of
    // its own changes and alice's grant is revoked on its own.
    Snapshot snap = passed_on_snapshot(k15, {acl("grantor", "SELECT", "owner", true), acl("alice", "SELECT", "grantor")});
    Request req = request({desired("alice"), desired("grantor", {select("s", "t", 0, true)})});
    EXPECT_EQ(described(req, snap),
              (Statements{"AS owner: RevokePrivileges GRANT OPTION FOR SELECT ON table s.t FROM grantor CASCADE"}));
    snap.relations[100].acl = {acl("grantor", "SELECT"), outlived("alice", "SELECT")};
    EXPECT_EQ(described(req, snap),
              (Statements{"AS owner: GrantPrivileges SELECT ON table s.t TO grantor WITH GRANT OPTION",
                          "AS grantor: RevokePrivileges SELECT ON table s.t FROM alice",
                          "AS owner: RevokePrivileges GRANT OPTION FOR SELECT ON table s.t FROM grantor"}));
}

TEST(ActCascade, AColumnPrivilegeCascadesOnlyFromItsGrantOption) {
    Snapshot snap = passed_on_snapshot(k15, {});
    ColumnAclEntry held = column("a", "grantor", "SELECT", "owner");
    held.entry.grantable = true;
    snap.relations[100].columns = {held, column("a", "alice", "SELECT", "grantor")};
    Request req = request({desired("alice"), desired("grantor")});
    const std::string grantors = "AS owner: RevokePrivileges ALL ON table s.t (a) FROM grantor CASCADE";
    EXPECT_EQ(described(req, snap), (Statements{grantors}));
    // Without the option, alice's column privilege stays after the grantor's
    // REVOKE: it is revoked too.
    snap.relations[100].columns[0].entry.grantable = false;
    Statements got = described(req, snap);
    EXPECT_NE(index_of(got, "AS grantor: RevokePrivileges ALL ON table s.t (a) FROM alice"), -1) << lines(got);
    EXPECT_NE(index_of(got, grantors), -1) << lines(got);
}

// ============================================================ taking ownership away

// alice owns table "s"."t" (oid 100) and is synced with nothing declared.
Snapshot taking_snapshot(ServerRules rules = k15) {
    Snapshot snap = snapshot(rules);
    for (const char* r : {"owner", "alice"}) {
        member_of(snap, r);
        admin_of(snap, r);
    }
    snap.usage.insert({"alice", "s"});
    add_relation(snap, 100, "s", "t", "alice");
    snap.touched_relations["alice"] = {100};
    return snap;
}

TEST(ActTaking, ANewRecipientIsMadeAndMarked) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = taking_snapshot(rules);
        Names names;
        Plan p = make_plan(request({desired("alice")}), snap, names.source());
        const std::string to = nth(kOwner, 1);
        const std::string borrow = rules.role_options ? " WITH INHERIT FALSE, SET TRUE" : "";
        EXPECT_EQ(describe(p), concat({new_recipient(to, "alice", kAlice),
                                       {"GrantRoles " + to + " TO admin" + borrow,
                                        "AS owner: GrantPrivileges CREATE ON schema s TO " + to,
                                        "AlterOwner table s.t TO " + to,
                                        "AS owner: RevokePrivileges CREATE ON schema s FROM " + to,
                                        "RevokeRoles " + to + " FROM admin"}}))
            << rules.role_options;
        EXPECT_EQ(names.prefixes, (std::vector<std::string>{kOwner}));
        ASSERT_GE(p.statements.size(), 2u);
        EXPECT_EQ(std::get<CommentOnRole>(p.statements[1]).comment, recipient_marker("alice", kAlice));
        EXPECT_EQ(action_of(p.statements[1]), Action::comment);
    }
}

TEST(ActTaking, TheRecipientsNameAndMarker) {
    EXPECT_EQ(recipient_prefix(), kOwner);
    EXPECT_EQ(recipient_name_pattern(), "^_pgsr_owner_[0-9a-f]{8}$");
    EXPECT_EQ(recipient_marker("alice", 16401), "pg_sync_roles: owner of what was taken from role \"alice\" [pg_authid 16401]");
    EXPECT_EQ(recipient_marker("Al \"Ice\"", 7), "pg_sync_roles: owner of what was taken from role \"Al \"\"Ice\"\"\" [pg_authid 7]");
    EXPECT_EQ(recipient_marker("alice", 16401).rfind(kMarkerPrefix, 0), 0u);
    EXPECT_EQ(recipient_marker("alice", 4294967295u),
              "pg_sync_roles: owner of what was taken from role \"alice\" [pg_authid 4294967295]");
}

TEST(ActTaking, ATrustedRecipientIsReused) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = taking_snapshot(rules);
        const std::string to = "_pgsr_owner_0000a11c";
        snap.recipients["alice"] = Recipient{to, true};
        admin_of(snap, to);  // it was made by the caller
        Names names;
        Plan p = make_plan(request({desired("alice")}), snap, names.source());
        const std::string borrow = rules.role_options ? " WITH INHERIT FALSE, SET TRUE" : "";
        EXPECT_EQ(describe(p), (Statements{"GrantRoles " + to + " TO admin" + borrow,
                                           "AS owner: GrantPrivileges CREATE ON schema s TO " + to,
                                           "AlterOwner table s.t TO " + to,
                                           "AS owner: RevokePrivileges CREATE ON schema s FROM " + to,
                                           "RevokeRoles " + to + " FROM admin"}))
            << rules.role_options;
        EXPECT_TRUE(names.prefixes.empty());
    }
}

TEST(ActTaking, AnUntrustedRecipientIsReplaced) {
    // Someone is a member of it, or it was given something: a new one.
    Snapshot snap = taking_snapshot();
    snap.recipients["alice"] = Recipient{"_pgsr_owner_0000a11c", false};
    Statements got = described(request({desired("alice")}), snap);
    const std::string to = nth(kOwner, 1);
    EXPECT_EQ(got[0], "CreateRole " + to) << lines(got);
    EXPECT_NE(index_of(got, "AlterOwner table s.t TO " + to), -1) << lines(got);
    for (const std::string& s : got) EXPECT_EQ(s.find("0000a11c"), std::string::npos) << s;
}

TEST(ActTaking, OneRecipientPerFormerOwner) {
    // alice loses a table and a schema: one recipient; bob loses a table:
    // his own.  Another role's recipient is never used.
    Snapshot snap = taking_snapshot();
    member_of(snap, "bob");
    snap.schemas["a"] = snap.schemas["s"];
    snap.schemas["a"].oid = 3000;
    snap.schemas["a"].owner = "alice";
    snap.touched_schemas["alice"] = {"a"};
    add_relation(snap, 101, "s", "u", "bob");
    snap.touched_relations["bob"] = {101};
    snap.usage.insert({"bob", "s"});
    snap.recipients["carol"] = Recipient{"_pgsr_owner_0000ca01", true};
    const std::string ra = nth(kOwner, 1), rb = nth(kOwner, 2);
    EXPECT_EQ(described(request({desired("alice"), desired("bob")}), snap),
              concat({new_recipient(ra, "alice", kAlice), new_recipient(rb, "bob", kBob),
                      {"GrantRoles " + ra + "," + rb + " TO admin",
                       "AS owner: GrantPrivileges CREATE ON schema s TO " + ra, "AlterOwner table s.t TO " + ra,
                       "AlterOwner schema a TO " + ra, "AS owner: RevokePrivileges CREATE ON schema s FROM " + ra,
                       "AS owner: GrantPrivileges CREATE ON schema s TO " + rb, "AlterOwner table s.u TO " + rb,
                       "AS owner: RevokePrivileges CREATE ON schema s FROM " + rb,
                       "RevokeRoles " + ra + "," + rb + " FROM admin"}}));
}

TEST(ActTaking, WhatSheGrantedGoesFirstAsHerWithCascadeAndPublicToo) {
    Snapshot snap = taking_snapshot();
    member_of(snap, "carol");
    Relation& t = snap.relations[100];
    t.acl = {acl("alice", "SELECT", "alice", true), acl("alice", "INSERT", "alice", true),  // her own: go with it
             acl("", "SELECT", "alice"), acl("carol", "SELECT", "alice", true), acl("carol", "UPDATE", "alice"),
             acl("dave", "SELECT", "carol")};  // carol's grant: carol's, and CASCADE takes it with hers
    t.columns = {column("a", "carol", "INSERT", "alice"), column("b", "carol", "INSERT", "alice"),
                 column("a", "alice", "UPDATE", "alice")};
    t.owned_sequences = {101};
    add_relation(snap, 101, "s", "t_id_seq", "alice", 'S', {acl("carol", "USAGE", "alice")}).linked = true;
    snap.touched_relations["alice"] = {100, 101};
    const std::string to = nth(kOwner, 1);
    Plan p = plan(request({desired("alice")}), snap);
    EXPECT_EQ(describe(p), concat({new_recipient(to, "alice", kAlice),
                                   {"GrantRoles " + to + " TO admin",
                                    "AS alice: RevokePrivileges SELECT ON table s.t FROM PUBLIC CASCADE",
                                    "AS alice: RevokePrivileges SELECT,UPDATE ON table s.t FROM carol CASCADE",
                                    "AS alice: RevokePrivileges ALL ON table s.t (a,b) FROM carol CASCADE",
                                    "AS alice: RevokePrivileges USAGE ON sequence s.t_id_seq FROM carol CASCADE",
                                    "AS owner: GrantPrivileges CREATE ON schema s TO " + to,
                                    "AlterOwner table s.t TO " + to,
                                    "AS owner: RevokePrivileges CREATE ON schema s FROM " + to,
                                    "RevokeRoles " + to + " FROM admin"}}))
        << lines(describe(p));
    for (const Statement& s : p.statements) {
        auto* r = std::get_if<RevokePrivileges>(&s);
        if (!r || r->object.type == ObjectType::schema) continue;  // the CREATE lent to the recipient
        EXPECT_EQ(r->as_role, "alice");
        EXPECT_TRUE(r->cascade);
    }
}

TEST(ActTaking, ASchemasGrantsGoToo) {
    Snapshot snap = taking_snapshot();
    snap.relations.clear();
    snap.touched_relations.clear();
    snap.schemas["s"].owner = "alice";
    snap.schemas["s"].acl = {acl("alice", "USAGE", "alice"), acl("alice", "CREATE", "alice"), acl("", "USAGE", "alice"),
                             acl("bob", "CREATE", "alice", true)};
    snap.touched_schemas["alice"] = {"s"};
    const std::string to = nth(kOwner, 1);
    EXPECT_EQ(described(request({desired("alice")}), snap),
              concat({new_recipient(to, "alice", kAlice),
                      {"GrantRoles " + to + " TO admin", "AS alice: RevokePrivileges USAGE ON schema s FROM PUBLIC CASCADE",
                       "AS alice: RevokePrivileges CREATE ON schema s FROM bob CASCADE", "AlterOwner schema s TO " + to,
                       "RevokeRoles " + to + " FROM admin"}}));
}

TEST(ActTaking, ATrustedIntermediatesPrivilegeIsKept) {
    // Its other members keep reading; an untrusted look-alike, or another
    // privilege of the trusted one, goes.
    Snapshot snap = taking_snapshot();
    const std::string r = kSelect + "0000aaaa", fake = kSelect + "0000bbbb";
    snap.relations[100].acl = {acl(r, "SELECT", "alice"), acl(fake, "SELECT", "alice")};
    snap.intermediates[r] = candidate(true, intermediate_comment("SELECT", "table \"s\".\"t\"", "pg_class", 100), 3);
    snap.intermediates[fake] = candidate(false, std::nullopt, 1);  // not plain
    Statements got = described(request({desired("alice")}), snap);
    EXPECT_NE(index_of(got, "AS alice: RevokePrivileges SELECT ON table s.t FROM " + fake + " CASCADE"), -1)
        << lines(got);
    for (const std::string& s : got) EXPECT_EQ(s.find("FROM " + r), std::string::npos) << s;

    // A schema's USAGE and CREATE intermediates: the same.
    Snapshot sch = taking_snapshot();
    sch.relations.clear();
    sch.touched_relations.clear();
    const std::string u = kUsage + "0000aaaa", c = kCreate + "0000cccc";
    sch.schemas["s"].owner = "alice";
    sch.schemas["s"].acl = {acl(u, "USAGE", "alice"), acl(c, "CREATE", "alice"), acl("bob", "USAGE", "alice")};
    sch.touched_schemas["alice"] = {"s"};
    sch.intermediates[u] = candidate(true, intermediate_comment("USAGE", "schema \"s\"", "pg_namespace", kS), 1);
    sch.intermediates[c] = candidate(true, std::nullopt, 1);  // unmarked, as the Python library leaves them
    const std::string to = nth(kOwner, 1);
    EXPECT_EQ(described(request({desired("alice")}), sch),
              concat({new_recipient(to, "alice", kAlice),
                      {"GrantRoles " + to + " TO admin", "AS alice: RevokePrivileges USAGE ON schema s FROM bob CASCADE",
                       "AlterOwner schema s TO " + to, "RevokeRoles " + to + " FROM admin"}}));
}

// KNOWN (suspected): the intermediate role of a sequence owned by a taken
// table's column loses its SELECT (revoked as the former owner, with
// CASCADE), unlike the table's own intermediate role: the sequence's other
// readers lose it until they are synced again (which then makes a new
// intermediate role).  Only the table's intermediate is looked for.
TEST(ActTaking, AnOwnedSequencesTrustedIntermediateIsKeptToo) {
    Snapshot snap = taking_snapshot();
    const std::string q = kSelect + "0000bbbb";
    snap.relations[100].owned_sequences = {101};
    add_relation(snap, 101, "s", "t_id_seq", "alice", 'S', {acl(q, "SELECT", "alice")}).linked = true;
    snap.touched_relations["alice"] = {100, 101};
    snap.intermediates[q] = candidate(true, intermediate_comment("SELECT", "table \"s\".\"t_id_seq\"", "pg_class", 101), 1);
    Statements got = described(request({desired("alice")}), snap);
    for (const std::string& s : got) EXPECT_EQ(s.find("FROM " + q), std::string::npos) << lines(got);
}

TEST(ActTaking, AnUnlinkedSequenceStaysHersAndSoDoesWhatSheGrantedOnIt) {
    Snapshot snap = taking_snapshot();
    add_relation(snap, 101, "s", "q", "alice", 'S', {acl("carol", "USAGE", "alice")});
    snap.touched_relations["alice"] = {100, 101};
    Statements got = described(request({desired("alice")}), snap);
    EXPECT_NE(index_of(got, "AlterOwner table s.t TO " + nth(kOwner, 1)), -1) << lines(got);
    for (const std::string& s : got) EXPECT_EQ(s.find("s.q"), std::string::npos) << s;
}

TEST(ActTaking, APreservedSchemasObjectsStayButTheSchemaIsTaken) {
    Snapshot snap = taking_snapshot();
    snap.schemas["s"].owner = "alice";
    snap.touched_schemas["alice"] = {"s"};
    snap.relations[100].acl = {acl("bob", "SELECT", "alice")};
    const std::string to = nth(kOwner, 1);
    EXPECT_EQ(described(request({desired("alice")}, {"s"}), snap),
              concat({new_recipient(to, "alice", kAlice),
                      {"GrantRoles " + to + " TO admin", "AlterOwner schema s TO " + to,
                       "RevokeRoles " + to + " FROM admin"}}));
}

TEST(ActTaking, NothingIsTakenThatTheDocumentOrAnotherRoleDeclares) {
    Snapshot snap = taking_snapshot();
    member_of(snap, "bob");
    snap.relations[100].acl = {acl("carol", "SELECT", "alice")};
    Names names;
    EXPECT_TRUE(make_plan(request({desired("alice", {own_table("s", "t", 0)})}), snap, names.source()).empty());
    Plan p = make_plan(request({desired("alice"), desired("bob", {own_table("s", "t", 0)})}), snap, names.source());
    EXPECT_EQ(describe(p), (Statements{"AS owner: GrantPrivileges CREATE ON schema s TO bob",
                                       "AlterOwner table s.t TO bob",
                                       "AS owner: RevokePrivileges CREATE ON schema s FROM bob"}));
    EXPECT_TRUE(names.prefixes.empty());  // no recipient
}

// In one request (sync_many), what the former owner granted to another role
// of the request is revoked as her before the transfer (with CASCADE); that
// role's own reconciliation does not count it as held (re-recorded as the
// recipient's grant), so:
//  (1) none of those privileges is revoked a second time, as the recipient,
//      after the transfer (a REVOKE that would remove nothing);
//  (2) one it declares is granted again, by the new owner.
TEST(ActTaking, GrantsOfTheFormerOwnerToAnotherRoleOfTheRequestAreHandledOnce) {
    Snapshot snap = taking_snapshot();
    member_of(snap, "bob");
    snap.usage.insert({"bob", "s"});
    snap.relations[100].acl = {acl("bob", "SELECT", "alice"), acl("bob", "INSERT", "alice")};
    snap.relations[100].columns = {column("a", "bob", "UPDATE", "alice")};
    snap.touched_relations["bob"] = {100};
    const std::string to = nth(kOwner, 1);
    for (bool alice_first : {true, false}) {
        Request req = alice_first ? request({desired("alice"), desired("bob", {select("s", "t", 0, true)})})
                                  : request({desired("bob", {select("s", "t", 0, true)}), desired("alice")});
        Statements got = described(req, snap);
        // (1) Revoked once, as alice, before the transfer.
        EXPECT_NE(index_of(got, "AS alice: RevokePrivileges INSERT,SELECT ON table s.t FROM bob CASCADE"), -1)
            << lines(got);
        for (const std::string& s : got) EXPECT_EQ(s.rfind("AS " + to + ": RevokePrivileges", 0), std::string::npos) << lines(got);
        // (2) The declared SELECT is granted again, by the new owner.
        long alter = index_of(got, "AlterOwner table s.t TO " + to);
        long regrant = index_of(got, "AS " + to + ": GrantPrivileges SELECT ON table s.t TO bob");
        ASSERT_NE(alter, -1) << lines(got);
        EXPECT_GT(regrant, alter) << lines(got);
    }
}

// ============================================================ 16+ memberships

TEST(ActMembership, On16NewIntermediateMembershipsInheritAndDeclaredOnesUseTheDefaults) {
    Snapshot snap = snapshot(k16);
    admin_of(snap, "team");
    snap.roles["team"] = RoleState{};
    const std::string u = kUsage + "0000aaaa";
    snap.schemas["s"].acl = {acl(u, "USAGE")};
    snap.intermediates[u] = candidate(true, std::nullopt, 1);
    admin_of(snap, u);
    EXPECT_EQ(described(request({desired("alice", {usage("s", 0), membership("team", 1)})}), snap),
              (Statements{"GrantRoles team TO alice", "GrantRoles " + u + " TO alice WITH INHERIT TRUE"}));
    // On 15: no options.
    snap.server = k15;
    EXPECT_EQ(described(request({desired("alice", {usage("s", 0), membership("team", 1)})}), snap),
              (Statements{"GrantRoles " + u + ",team TO alice"}));
}

TEST(ActMembership, On16ExistingMembershipsAreBroughtToTheirOptions) {
    Snapshot snap = snapshot(k16);
    const std::string u = kUsage + "0000aaaa";
    for (const std::string& r : {std::string("team"), u}) {
        admin_of(snap, r);
        snap.roles[r] = RoleState{};
    }
    snap.schemas["s"].acl = {acl(u, "USAGE")};
    snap.intermediates[u] = candidate(true, std::nullopt, 1);
    RoleState& alice = snap.roles["alice"];
    alice.member_of = {"team", u};
    alice.grantors = {{"team", {"admin"}}, {u, {"admin"}}};
    Request req = request({desired("alice", {usage("s", 0), membership("team", 1)})});
    // Neither the intermediate's INHERIT nor the declared one's SET.
    EXPECT_EQ(described(req, snap),
              (Statements{"GrantRoles " + u + " TO alice WITH INHERIT TRUE", "GrantRoles team TO alice WITH SET TRUE"}));
    alice.inherits = {u};
    alice.settable = {"team"};
    EXPECT_TRUE(plan(req, snap).empty());
    // On 15 options are not looked at.
    alice.inherits.clear();
    alice.settable.clear();
    snap.server = k15;
    EXPECT_TRUE(plan(req, snap).empty());
}

TEST(ActMembership, On16ANoinheritTargetMayUseIntermediateRoles) {
    Snapshot snap = snapshot(k16);
    member_of(snap, "owner");
    snap.roles["alice"].inherit = false;
    Plan p = plan(request({desired("alice", {usage("s", 0)})}), snap);
    EXPECT_FALSE(p.error) << p.error->message;
    EXPECT_EQ(describe(p).back(), "GrantRoles " + nth(kUsage, 1) + " TO alice WITH INHERIT TRUE");
    // On 15 it is an error: declare it direct.
    snap.server = k15;
    p = plan(request({desired("alice", {usage("s", 0)})}), snap);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->sqlstate, "22023");
    EXPECT_NE(p.error->message.find("NOINHERIT"), std::string::npos) << p.error->message;
}

TEST(ActMembership, On16GrantingOrRevokingNeedsAdminOption) {
    Snapshot snap = snapshot(k16);
    snap.roles["team"] = RoleState{};
    Plan p = plan(request({desired("alice", {membership("team", 0)})}), snap);
    expect_denied(p, "grant membership of \"alice\" in \"team\": the calling role \"admin\" has no ADMIN OPTION on \"team\"");
    EXPECT_NE(p.error->detail.find("From PostgreSQL 16 on"), std::string::npos) << p.error->detail;
    EXPECT_EQ(p.error->hint,
              "A superuser can run: GRANT \"team\" TO \"admin\" WITH ADMIN OPTION, INHERIT FALSE, SET FALSE;");

    snap.roles["alice"].member_of = {"team"};
    p = plan(request({desired("alice")}), snap);
    expect_denied(p, "revoke membership of \"alice\" in \"team\"");

    // A role the plan creates needs none; one held WITH ADMIN OPTION neither;
    // and on 15 CREATEROLE is enough.
    EXPECT_EQ(described(request({desired("bob", {membership("new", 0)})}), snap),
              (Statements{"CreateRole new", "GrantRoles new TO bob"}));
    admin_of(snap, "team");
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"RevokeRoles team FROM alice GRANTED BY admin"}));
    snap.standing.clear();
    snap.server = k15;
    EXPECT_EQ(described(request({desired("alice")}), snap), (Statements{"RevokeRoles team FROM alice"}));
}

TEST(ActMembership, ASuperuserRoleIsAnErrorOnBothRuleSets) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        snap.roles["root"] = RoleState{};
        snap.standing["root"].superuser = true;
        snap.standing["root"].admin = true;
        Plan p = plan(request({desired("alice", {membership("root", 0)})}), snap);
        expect_denied(p, "grant membership of \"alice\" in \"root\": \"root\" is a superuser");
        EXPECT_EQ(p.error->detail, "Only a superuser may grant or revoke membership in a superuser role.");
        EXPECT_EQ(p.error->hint, "A superuser can run: GRANT \"root\" TO \"alice\";");
    }
}

TEST(ActMembership, On16OneRevokePerGrantor) {
    Snapshot snap = snapshot(k16);
    admin_of(snap, "x");
    admin_of(snap, "y");
    snap.standing["bob"].has_privileges = true;
    RoleState& alice = snap.roles["alice"];
    alice.member_of = {"x", "y"};
    alice.grantors = {{"x", {"admin", "bob"}}, {"y", {"bob"}}};
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"RevokeRoles x FROM alice GRANTED BY admin", "RevokeRoles x,y FROM alice GRANTED BY bob"}));
    // No grantor known (the catalog reported none): the caller's own row.
    alice.grantors.clear();
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"RevokeRoles x,y FROM alice GRANTED BY admin"}));
    // A superuser caller may revoke any grantor's row.
    alice.grantors = {{"x", {"mallory"}}, {"y", {"bob"}}};
    snap.caller.superuser = true;
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"RevokeRoles y FROM alice GRANTED BY bob", "RevokeRoles x FROM alice GRANTED BY mallory"}));
}

TEST(ActMembership, On16AGrantorTheCallerCannotActForIsAnError) {
    Snapshot snap = snapshot(k16);
    admin_of(snap, "x");
    snap.standing["mallory"].can_set = true;  // SET is not enough: GRANTED BY needs its privileges
    RoleState& alice = snap.roles["alice"];
    alice.member_of = {"x"};
    alice.grantors = {{"x", {"admin", "mallory"}}};
    Plan p = plan(request({desired("alice")}), snap);
    expect_denied(p, "revoke membership of \"alice\" in \"x\": it was granted by \"mallory\"");
    EXPECT_NE(p.error->detail.find("From PostgreSQL 16 on"), std::string::npos) << p.error->detail;
    EXPECT_EQ(p.error->hint, "Revoke it by hand as a superuser: REVOKE \"x\" FROM \"alice\" GRANTED BY \"mallory\";");
}

TEST(ActMembership, On15OneRevokeWithoutGrantor) {
    Snapshot snap = snapshot(k15);
    RoleState& alice = snap.roles["alice"];
    alice.member_of = {"x"};
    alice.grantors = {{"x", {"mallory"}}};  // not looked at
    EXPECT_EQ(described(request({desired("alice")}), snap), (Statements{"RevokeRoles x FROM alice"}));
}

TEST(ActMembership, AnUndeclaredAdminOptionIsRevokedAndTheMembershipKept) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        admin_of(snap, "team");
        snap.roles["team"] = RoleState{};
        RoleState& alice = snap.roles["alice"];
        alice.member_of = {"team"};
        alice.admin_of = {"team"};

        alice.settable = {"team"};
        // No grantor known (the catalog reported none): on 16+ the caller's own row.
        EXPECT_EQ(described(request({desired("alice", {membership("team", 0)})}), snap),
                  (Statements{std::string("RevokeRoles ADMIN OPTION FOR team FROM alice") +
                              (rules.role_options ? " GRANTED BY admin" : "")}))
            << rules.role_options;
    }
}

TEST(ActMembership, On16AnAdminOptionIsRevokedFromTheRowOfItsGrantor) {
    // Two rows of alice's membership in team: bob's carries ADMIN OPTION,
    // the caller's does not.  REVOKE ADMIN OPTION FOR without GRANTED BY
    // would look at the caller's row only and remove nothing.
    Snapshot snap = snapshot(k16);
    admin_of(snap, "team");
    snap.standing["bob"].has_privileges = true;
    RoleState& alice = snap.roles["alice"];
    alice.member_of = {"team"};
    alice.admin_of = {"team"};
    alice.settable = {"team"};
    alice.grantors = {{"team", {"admin", "bob"}}};
    alice.admin_grantors = {{"team", {"bob"}}};
    snap.roles["team"] = RoleState{};
    EXPECT_EQ(described(request({desired("alice", {membership("team", 0)})}), snap),
              (Statements{"RevokeRoles ADMIN OPTION FOR team FROM alice GRANTED BY bob"}));
    // A grantor whose privileges the caller does not have: a 42501 up front,
    // nothing revoked.
    alice.admin_grantors = {{"team", {"mallory"}}};
    Plan p = plan(request({desired("alice", {membership("team", 0)})}), snap);
    expect_denied(p, "revoke the ADMIN OPTION of membership of \"alice\" in \"team\": it was granted by \"mallory\"");
    EXPECT_EQ(p.error->hint,
              "Revoke it by hand as a superuser: REVOKE ADMIN OPTION FOR \"team\" FROM \"alice\" GRANTED BY \"mallory\";");
    EXPECT_TRUE(p.statements.empty());
}

// ============================================================ createrole_self_grant

TEST(ActSelfGrant, EachRoleTheCallerCreatesIsTakenBackFromIt) {
    // createrole_self_grant set (16+): CREATE ROLE makes the caller a member;
    // that row (granted by the caller) is revoked right away.
    Snapshot snap = snapshot(ServerRules{true, true});
    admin_of(snap, "owner");
    Statements got = described(request({desired("carol", {membership("team", 0), usage("s", 1)})}), snap);
    const std::string u = nth(kUsage, 1);
    EXPECT_EQ(got, (Statements{"CreateRole carol", "RevokeRoles carol FROM admin GRANTED BY admin", "CreateRole team",
                               "RevokeRoles team FROM admin GRANTED BY admin",
                               "GrantRoles owner TO admin WITH INHERIT FALSE, SET TRUE", "CreateRole " + u,
                               "RevokeRoles " + u + " FROM admin GRANTED BY admin",
                               "CommentOnRole " + u + " " + intermediate_comment("USAGE", "schema \"s\"", "pg_namespace", kS),
                               "AS owner: GrantPrivileges USAGE ON schema s TO " + u, "GrantRoles team TO carol",
                               "GrantRoles " + u + " TO carol WITH INHERIT TRUE", "RevokeRoles owner FROM admin"}))
        << lines(got);
}

TEST(ActSelfGrant, AlsoForARecipient) {
    Snapshot snap = taking_snapshot(ServerRules{true, true});
    Statements got = described(request({desired("alice")}), snap);
    const std::string to = nth(kOwner, 1);
    ASSERT_GE(got.size(), 3u);
    EXPECT_EQ(got[0], "CreateRole " + to);
    EXPECT_EQ(got[1], "RevokeRoles " + to + " FROM admin GRANTED BY admin");
    EXPECT_EQ(got[2], "CommentOnRole " + to + " " + recipient_comment("alice", kAlice));
}

TEST(ActSelfGrant, NotWithoutTheSettingNorForASuperuser) {
    for (bool superuser : {false, true})
        for (ServerRules rules : {ServerRules{true, false}, ServerRules{false, false}, ServerRules{true, true}}) {
            if (!superuser && rules.self_grant) continue;
            Snapshot snap = snapshot(rules);
            snap.caller.superuser = superuser;
            EXPECT_EQ(described(request({desired("carol", {membership("team", 0)})}), snap),
                      (Statements{"CreateRole carol", "CreateRole team", "GrantRoles team TO carol"}))
                << superuser << rules.role_options << rules.self_grant;
        }
}

// ============================================================ ineffective_revokes

GrantRoles grant_roles(std::vector<std::string> roles, std::vector<std::string> members) {
    GrantRoles g;
    g.roles = std::move(roles);
    g.members = std::move(members);
    return g;
}
RevokeRoles revoke_roles(std::vector<std::string> roles, std::vector<std::string> members) {
    RevokeRoles r;
    r.roles = std::move(roles);
    r.members = std::move(members);
    return r;
}

Plan of(std::vector<Statement> statements) {
    Plan p;
    p.statements = std::move(statements);
    return p;
}

RevokePrivileges revoke_select(const std::string& grantee, const std::string& as_role = {}) {
    RevokePrivileges r;
    r.privileges = {"SELECT"};
    r.object = ObjectRef{ObjectType::table, "s", "t"};
    r.grantee = grantee;
    r.as_role = as_role;
    return r;
}

TEST(IneffectiveRevokes, AreTheRevokesOfBeforeThatAreStillPlannedAfter) {
    RevokeRoles team = revoke_roles({"team"}, {"alice"});
    Plan before = of({CreateRole{"x"}, revoke_select("alice", "owner"), grant_roles({"a"}, {"alice"}), team,
                      RemoveLogin{"alice"}, revoke_select("bob", "owner")});
    // Nothing left: all were effective.
    EXPECT_TRUE(ineffective_revokes(before, Plan{}).empty());
    // Grants planned again do not count; the same revokes do, by index in `before`.
    Plan after = of({grant_roles({"a"}, {"alice"}), RemoveLogin{"alice"}, revoke_select("bob", "owner"), team});
    EXPECT_EQ(ineffective_revokes(before, after), (std::vector<std::size_t>{4, 5, 3}));
}

TEST(IneffectiveRevokes, TheSameRevokeMeansEveryFieldThatNamesIt) {
    Plan before = of({revoke_select("alice", "owner")});
    // Another acting role (grantor), grantee, object, privilege or column: another revoke.
    EXPECT_TRUE(ineffective_revokes(before, of({revoke_select("alice", "grantor")})).empty());
    EXPECT_TRUE(ineffective_revokes(before, of({revoke_select("alice")})).empty());
    EXPECT_TRUE(ineffective_revokes(before, of({revoke_select("bob", "owner")})).empty());
    RevokePrivileges other = revoke_select("alice", "owner");
    other.object.name = "u";
    EXPECT_TRUE(ineffective_revokes(before, of({other})).empty());
    other = revoke_select("alice", "owner");
    other.privileges = {"INSERT"};
    EXPECT_TRUE(ineffective_revokes(before, of({other})).empty());
    other = revoke_select("alice", "owner");
    other.columns = {"a"};
    EXPECT_TRUE(ineffective_revokes(before, of({other})).empty());
    other = revoke_select("alice", "owner");
    other.grant_option = true;
    EXPECT_TRUE(ineffective_revokes(before, of({other})).empty());
    // CASCADE is how, not what: the same revoke.
    other = revoke_select("alice", "owner");
    other.cascade = true;
    EXPECT_EQ(ineffective_revokes(before, of({other})), (std::vector<std::size_t>{0}));

    // Memberships: roles, members, ADMIN OPTION and grantor.
    RevokeRoles r = revoke_roles({"x"}, {"alice"});
    r.granted_by = "bob";
    Plan roles_before = of({r});
    EXPECT_EQ(ineffective_revokes(roles_before, of({r})), (std::vector<std::size_t>{0}));
    RevokeRoles o = r;
    o.granted_by = "admin";
    EXPECT_TRUE(ineffective_revokes(roles_before, of({o})).empty());
    o = r;
    o.admin_option = true;
    EXPECT_TRUE(ineffective_revokes(roles_before, of({o})).empty());
    o = r;
    o.members = {"bob"};
    EXPECT_TRUE(ineffective_revokes(roles_before, of({o})).empty());
    // A login removed is a revoke too.
    EXPECT_EQ(ineffective_revokes(of({RemoveLogin{"alice"}}), of({RemoveLogin{"alice"}})), (std::vector<std::size_t>{0}));
    EXPECT_TRUE(ineffective_revokes(of({RemoveLogin{"alice"}}), of({RemoveLogin{"bob"}})).empty());
}

TEST(IneffectiveRevokes, APlanThatDidNotChangeTheStateShowsEveryRevoke) {
    // As the executor uses it: the plan is made again on the state after
    // applying it.  If a REVOKE removed nothing (here: the state did not
    // change at all), it is planned again and found.
    Snapshot snap = snapshot();
    member_of(snap, "owner");
    add_relation(snap, 100, "s", "t", "owner", 'r', {acl("alice", "SELECT")});
    snap.touched_relations["alice"] = {100};
    snap.roles["alice"].member_of = {"old"};
    snap.roles["alice"].can_login = true;
    Plan p = plan(request({desired("alice")}), snap);
    ASSERT_EQ(describe(p), (Statements{"RevokeRoles old FROM alice", "AS owner: RevokePrivileges SELECT ON table s.t FROM alice",
                                       "RemoveLogin alice"}));
    EXPECT_EQ(ineffective_revokes(p, plan(request({desired("alice")}), snap)), (std::vector<std::size_t>{0, 1, 2}));
    // Once applied, nothing is planned again.
    snap.relations[100].acl.clear();
    snap.roles["alice"].member_of.clear();
    snap.roles["alice"].can_login = false;
    Plan after = plan(request({desired("alice")}), snap);
    EXPECT_TRUE(after.empty());
    EXPECT_TRUE(ineffective_revokes(p, after).empty());
}

// KNOWN: the caller's own give-backs (the REVOKE of a borrowed membership, and
// the REVOKE of USAGE lent for one statement) are compared like the target
// roles' revokes.  When the plan made again after applying is not empty for
// a documented reason (in sync_many, a role's intermediate role on a schema
// this sync creates for another role comes with the next sync) and borrows
// the same role again, its give-back is reported as a revoke that removed
// nothing, and the whole sync fails with 42501 though it did.
TEST(IneffectiveRevokes, TheCallersGiveBacksAreNotTakenForIneffectiveRevokes) {
    for (ServerRules rules : {k15, k16}) {
        Snapshot snap = snapshot(rules);
        admin_of(snap, "alice");
        Request req = request({desired("alice", {own_schema("new", 0)}), desired("bob", {usage("new", 0)})});
        Plan before = plan(req, snap);
        ASSERT_EQ(describe(before).back(), "RevokeRoles alice FROM admin") << lines(describe(before));
        // Applied: "new" exists, owned by alice; bob's USAGE role is due now.
        Schema created;
        created.oid = 3005;
        created.owner = "alice";
        snap.schemas["new"] = created;
        snap.touched_schemas["alice"] = {"new"};
        Plan after = plan(req, snap);
        ASSERT_FALSE(after.empty());
        EXPECT_TRUE(ineffective_revokes(before, after).empty()) << lines(describe(after));
    }
}


// ============================================================ member of the caller

TEST(ActMemberOfCaller, ATargetsOwnMembershipOfTheCallerGoesBeforeItIsBorrowed) {
    // On 15 sync can make a role a member of the caller (a document declared
    // it).  Synced with a document that does not, where the change needs the
    // role's rights (a table taken from it): lending it to the caller would be
    // circular while the membership stands, so that membership is revoked
    // first of all.
    Snapshot snap = taking_snapshot(k15);
    snap.standing["alice"] = Standing{};
    snap.standing["alice"].member_of_caller = true;
    snap.roles["alice"].member_of = {"admin"};
    Plan p = plan(request({desired("alice")}), snap);
    ASSERT_FALSE(p.error) << p.error->message;
    Statements got = describe(p);
    int unlinked = index_of(got, "RevokeRoles admin FROM alice");
    int lent = index_of(got, "GrantRoles alice TO admin");
    ASSERT_NE(unlinked, -1) << lines(got);
    ASSERT_NE(lent, -1) << lines(got);
    EXPECT_LT(unlinked, lent) << lines(got);
    EXPECT_EQ(got.back(), "RevokeRoles _pgsr_owner_00000001,alice FROM admin");  // given back
}

TEST(ActMemberOfCaller, StillCircularWhenDeclaredOrAMemberThroughAnotherRole) {
    Snapshot snap = taking_snapshot(k15);
    snap.standing["alice"] = Standing{};
    snap.standing["alice"].member_of_caller = true;
    snap.roles["alice"].member_of = {"admin"};
    // Declared: the membership stays, and the change needs alice's rights.
    Plan p = plan(request({desired("alice", {membership("admin", 0)})}), snap);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->sqlstate, "22023");
    EXPECT_TRUE(p.statements.empty());
    // A member of the caller through another role too: revoking its own
    // membership would not be enough.
    snap.standing["alice"].member_of_caller_indirectly = true;
    p = plan(request({desired("alice")}), snap);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->sqlstate, "22023");
    EXPECT_NE(p.error->message.find("a member of the calling role \"admin\""), std::string::npos) << p.error->message;
}

TEST(ActMemberOfCaller, UsageThroughTheCallerGoesWithThatMembershipForEveryStatement) {
    // alice may use "s" only through her membership of the caller, which the
    // plan revokes first of all: her REVOKE of what she granted on the table
    // taken from her (an early statement) gets USAGE lent.
    Snapshot snap = taking_snapshot(k15);
    snap.standing["alice"] = Standing{};
    snap.standing["alice"].member_of_caller = true;
    snap.roles["alice"].member_of = {"admin"};
    snap.usage_needs[{"alice", "s"}] = Snapshot::kThroughTargets | Snapshot::kThroughEither;
    member_of(snap, "carol");
    snap.relations[100].acl = {acl("carol", "SELECT", "alice")};
    Statements got = described(request({desired("alice")}), snap);
    int unlinked = index_of(got, "RevokeRoles admin FROM alice");
    int revoke = index_of(got, "AS alice: RevokePrivileges SELECT ON table s.t FROM carol CASCADE");
    ASSERT_NE(unlinked, -1) << lines(got);
    ASSERT_GT(revoke, unlinked) << lines(got);
    EXPECT_EQ(got[revoke - 1], "AS owner: GrantPrivileges USAGE ON schema s TO alice") << lines(got);
    EXPECT_EQ(got[revoke + 1], "AS owner: RevokePrivileges USAGE ON schema s FROM alice") << lines(got);
}

// ============================================================ drop_unused_roles

TEST(DropUnused, From16OnlyRolesTheCallerHoldsAdminOptionOnAreDropped) {
    const std::vector<UnusedRole> unused = {{"_pgsr_owner_00000001", true}, {"_pgsr_owner_00000002", false},
                                            {"_pgsr_owner_00000003", true}, {"_pgsr_owner_00000004", false}};
    // 15: CREATEROLE drops any of them.
    Plan p15 = drop_plan(unused, k15);
    EXPECT_EQ(dropped_roles(p15), (std::vector<std::string>{"_pgsr_owner_00000001", "_pgsr_owner_00000002",
                                                            "_pgsr_owner_00000003", "_pgsr_owner_00000004"}));
    EXPECT_TRUE(p15.notices.empty());
    // 16+: the others are left, and named.
    Plan p16 = drop_plan(unused, k16);
    EXPECT_EQ(describe(p16), (Statements{"DropRole _pgsr_owner_00000001,_pgsr_owner_00000003"}));
    EXPECT_EQ(p16.notices, (std::vector<std::string>{
                               "unused roles not dropped, as the calling role has no ADMIN OPTION on them: "
                               "\"_pgsr_owner_00000002\", \"_pgsr_owner_00000004\""}));
    // None droppable: no statement, only the notice.
    Plan none = drop_plan({{"_pgsr_owner_00000002", false}}, k16);
    EXPECT_TRUE(none.statements.empty());
    EXPECT_EQ(none.notices.size(), 1u);
}

}  // namespace
