// Tests of the planner: hand-built snapshots in, ordered statements out.
//
// Covers what the planner does today: roles, login, role_membership and
// database_connect.  Snapshots and statements are filled field by field (not
// positionally), and statement kinds not planned yet are described only by
// their action, so that the planner can grow without breaking these tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
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
        default: return "relation " + o.schema + "." + o.name;
    }
}

// One line per statement, compact enough to compare whole plans at once.
struct Describe {
    std::string operator()(const CreateRole& s) const {
        if (!s.login) return "CreateRole " + s.role;
        return "CreateRole " + s.role + " WITH LOGIN password=" + (s.password ? s.password->reveal() : "<keep>") +
               " valid_until=" + s.valid_until;
    }
    std::string operator()(const SetLogin& s) const {
        return "SetLogin " + s.role + " password=" + (s.password ? s.password->reveal() : "<keep>") +
               " valid_until=" + s.valid_until;
    }
    std::string operator()(const RemoveLogin& s) const { return "RemoveLogin " + s.role; }
    // 16+ options, shown only where set: "GrantRoles r TO m WITH INHERIT TRUE, SET FALSE".
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
    // The acting role (SET ROLE) first, when it is not the caller: "AS owner: GrantPrivileges ...".
    std::string operator()(const GrantPrivileges& s) const {
        return (s.as_role.empty() ? "" : "AS " + s.as_role + ": ") + "GrantPrivileges " + join(s.privileges) + " ON " +
               object_text(s.object) + " TO " + (s.grantee.empty() ? "PUBLIC" : s.grantee);
    }
    std::string operator()(const CommentOnRole& s) const { return "CommentOnRole " + s.role + " " + s.comment; }
    // Kinds of statement these tests do not expect (their shape is still changing): the action.
    template <typename Other>
    std::string operator()(const Other& s) const {
        return std::string("Other ") + action_name(action_of(Statement{s}));
    }
};

Statements describe(const Plan& p) {
    Statements out;
    for (const Statement& s : p.statements) out.push_back(std::visit(Describe{}, s));
    return out;
}

// ------------------------------------------------------------ building requests and snapshots

spec::Grant membership(const std::string& role, std::size_t index) {
    spec::Grant g;
    g.kind = spec::Kind::role_membership;
    g.role = role;
    g.index = index;
    return g;
}

spec::Grant connect(const std::string& database, std::size_t index) {
    spec::Grant g;
    g.kind = spec::Kind::database_connect;
    g.database = database;
    g.index = index;
    return g;
}

DesiredRole desired(const std::string& name, std::vector<spec::Grant> grants = {}) {
    DesiredRole r;
    r.name = name;
    r.grants = std::move(grants);
    return r;
}

DesiredLogin login(Timestamp valid_until = kForever, const std::string& text = "infinity") {
    DesiredLogin l;
    l.valid_until = valid_until;
    l.valid_until_text = text;
    return l;
}

Request request(std::vector<DesiredRole> roles) {
    Request r;
    r.roles = std::move(roles);
    return r;
}

// The caller is a CREATEROLE non-superuser unless a test says otherwise.
Snapshot snapshot() {
    Snapshot s;
    s.caller.name = "admin";
    s.caller.superuser = false;
    s.caller.createrole = true;
    s.database_oid = 16384;
    return s;
}

// The caller is a member of `role`, as a CREATEROLE role that made it is on
// PostgreSQL 15: it may SET ROLE to it and it uses its privileges.
void member_of(Snapshot& snap, const std::string& role) {
    snap.standing[role].can_set = true;
    snap.standing[role].has_privileges = true;
}

RoleState role_state(std::set<std::string> member_of = {}, bool can_login = false) {
    RoleState st;
    st.member_of = std::move(member_of);
    st.can_login = can_login;
    return st;
}

AclEntry acl(const std::string& grantee, const std::string& privilege, const std::string& grantor = "dbowner") {
    AclEntry e;
    e.grantee = grantee;
    e.grantor = grantor;
    e.privilege = privilege;
    return e;
}

Database database(const std::string& owner, std::vector<AclEntry> entries = {}, Oid oid = 5) {
    Database d;
    d.oid = oid;
    d.owner = owner;
    d.acl = std::move(entries);
    return d;
}

// Hands out prefix + 8 hex digits, counting up, and remembers what it was asked.
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

const std::string kConnect = "_pgsr_global_database_connect_";

// The comment that marks a CONNECT intermediate role, spelt out here so that
// the planner's wording is checked, not copied: the database's name for
// people (`database` as it appears between the quotes), then its identity,
// which is what is compared.  5 is database()'s default oid.
std::string connect_marker(const std::string& database, Oid oid = 5) {
    return "pg_sync_roles: intermediate role for CONNECT on database \"" + database + "\" [pg_database " +
           std::to_string(oid) + "]";
}

// The description of the CommentOnRole that follows a new CONNECT intermediate role.
std::string marked(const std::string& role, const std::string& database, Oid oid = 5) {
    return "CommentOnRole " + role + " " + connect_marker(database, oid);
}

// What the catalog reports about an intermediate role found in an ACL.
Snapshot::Candidate candidate(bool plain, std::optional<std::string> comment, int references) {
    Snapshot::Candidate c;
    c.plain = plain;
    c.comment = std::move(comment);
    c.references = references;
    return c;
}

// Fit for reuse as the Python library leaves them: plain, unmarked, named in one ACL.
Snapshot::Candidate unmarked() { return candidate(true, std::nullopt, 1); }

void trust(Snapshot& snap, const std::vector<std::string>& names) {
    for (const std::string& n : names) snap.intermediates[n] = unmarked();
}

Plan plan(const Request& req, const Snapshot& snap) {
    Names names;
    return make_plan(req, snap, names.source());
}

Statements described(const Request& req, const Snapshot& snap) { return describe(plan(req, snap)); }

std::vector<std::string> numbered(const std::string& prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%05d", i);
        out.push_back(prefix + buf);
    }
    return out;
}

// ------------------------------------------------------------ actions

TEST(Actions, Names) {
    EXPECT_STREQ(action_name(Action::create_role), "create_role");
    EXPECT_STREQ(action_name(Action::alter_role), "alter_role");
    EXPECT_STREQ(action_name(Action::create_schema), "create_schema");
    EXPECT_STREQ(action_name(Action::grant), "grant");
    EXPECT_STREQ(action_name(Action::revoke), "revoke");
    EXPECT_STREQ(action_name(Action::alter_owner), "alter_owner");
    EXPECT_STREQ(action_name(Action::drop_role), "drop_role");
    EXPECT_STREQ(action_name(Action::comment), "comment");
}

TEST(Actions, OfEachStatement) {
    EXPECT_EQ(action_of(CreateRole{"r"}), Action::create_role);
    EXPECT_EQ(action_of(SetLogin{"r", std::nullopt, "infinity"}), Action::alter_role);
    EXPECT_EQ(action_of(RemoveLogin{"r"}), Action::alter_role);
    EXPECT_EQ(action_of(GrantRoles{{"a"}, {"r"}, true, std::nullopt}), Action::grant);
    EXPECT_EQ(action_of(RevokeRoles{{"a"}, {"r"}, false, "admin"}), Action::revoke);
    EXPECT_EQ(action_of(GrantPrivileges{{"CONNECT"}, {ObjectType::database, "", "d"}, "r", "dbowner"}), Action::grant);
    RevokePrivileges revoke;
    revoke.privileges = {"SELECT"};
    revoke.grantee = "r";
    EXPECT_EQ(action_of(revoke), Action::revoke);
    EXPECT_EQ(action_of(CreateSchema{"s", "r"}), Action::create_schema);
    EXPECT_EQ(action_of(AlterOwner{{ObjectType::schema, "", "s"}, "r"}), Action::alter_owner);
    EXPECT_EQ(action_of(DropRole{}), Action::drop_role);
    EXPECT_EQ(action_of(CommentOnRole{"r", "pg_sync_roles: x"}), Action::comment);
}

TEST(Actions, OfAPlanInOrder) {
    Request req = request({desired("alice", {connect("warehouse", 0)})});
    Snapshot snap = snapshot();
    snap.databases["warehouse"] = database("dbowner");
    Plan p = plan(req, snap);
    std::vector<std::string> actions;
    for (const Statement& s : p.statements) actions.push_back(action_name(action_of(s)));
    EXPECT_EQ(actions, (std::vector<std::string>{"create_role", "grant", "create_role", "comment", "grant", "grant",
                                                 "revoke"}));
}

TEST(Prefixes, AreThoseOfThePythonLibrary) {
    EXPECT_EQ(connect_role_prefix(), kConnect);
    EXPECT_EQ(local_role_prefix(16384, spec::Kind::schema_usage), "_pgsr_local_16384_schema_usage_");
    EXPECT_EQ(local_role_prefix(16384, spec::Kind::schema_create), "_pgsr_local_16384_schema_create_");
    EXPECT_EQ(local_role_prefix(7, spec::Kind::table_select), "_pgsr_local_7_table_select_");
}

// ------------------------------------------------------------ roles

TEST(PlanRoles, MissingRoleIsCreated) {
    EXPECT_EQ(described(request({desired("alice")}), snapshot()), (Statements{"CreateRole alice"}));
}

TEST(PlanRoles, ExistingRoleThatMatchesNeedsNothing) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    Plan p = plan(request({desired("alice")}), snap);
    EXPECT_TRUE(p.empty());
    EXPECT_TRUE(p.notices.empty());
}

TEST(PlanRoles, SeveralMissingRolesAreCreatedInRequestOrder) {
    Snapshot snap = snapshot();
    snap.roles["bob"] = role_state();
    EXPECT_EQ(described(request({desired("carol"), desired("bob"), desired("alice")}), snap),
              (Statements{"CreateRole carol", "CreateRole alice"}));
}

TEST(PlanRoles, MissingMembershipRoleIsCreatedBeforeTheGrant) {
    EXPECT_EQ(described(request({desired("alice", {membership("analysts", 0)})}), snapshot()),
              (Statements{"CreateRole alice", "CreateRole analysts", "GrantRoles analysts TO alice"}));
}

TEST(PlanRoles, ExistingMembershipRoleIsNotCreated) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    snap.roles["analysts"] = role_state();
    EXPECT_EQ(described(request({desired("alice", {membership("analysts", 0)})}), snap),
              (Statements{"GrantRoles analysts TO alice"}));
}

TEST(PlanRoles, MembershipRoleNamedByTwoRolesIsCreatedOnce) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    snap.roles["bob"] = role_state();
    Request req = request({desired("alice", {membership("analysts", 0)}),
                           desired("bob", {membership("analysts", 0)})});
    EXPECT_EQ(described(req, snap), (Statements{"CreateRole analysts", "GrantRoles analysts TO alice,bob"}));
}

TEST(PlanRoles, MembershipRoleThatIsAlsoATargetIsCreatedOnce) {
    Request req = request({desired("alice", {membership("team", 0)}), desired("team")});
    EXPECT_EQ(described(req, snapshot()),
              (Statements{"CreateRole alice", "CreateRole team", "GrantRoles team TO alice"}));
}

TEST(PlanRoles, AllCreateRolesComeFirst) {
    Snapshot snap = snapshot();
    snap.roles["bob"] = role_state({}, true);  // loses LOGIN
    Request req = request({desired("alice", {membership("r1", 0)}), desired("bob", {membership("r2", 0)})});
    EXPECT_EQ(described(req, snap),
              (Statements{"CreateRole alice", "CreateRole r1", "CreateRole r2", "RemoveLogin bob",
                          "GrantRoles r1 TO alice", "GrantRoles r2 TO bob"}));
}

// ------------------------------------------------------------ memberships

TEST(PlanMemberships, AreTheSetDifferences) {
    Snapshot snap = snapshot();
    for (const char* r : {"alice", "a", "b", "c", "d", "e"}) snap.roles[r] = role_state();
    snap.roles["alice"] = role_state({"a", "b", "c"});
    Request req = request({desired("alice", {membership("e", 0), membership("b", 1), membership("d", 2),
                                             membership("c", 3)})});
    EXPECT_EQ(described(req, snap), (Statements{"RevokeRoles a FROM alice", "GrantRoles d,e TO alice"}));
}

TEST(PlanMemberships, AlreadyMatchingNeedsNothing) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({"a", "b"});
    snap.roles["a"] = role_state();
    snap.roles["b"] = role_state();
    EXPECT_TRUE(plan(request({desired("alice", {membership("b", 0), membership("a", 1)})}), snap).empty());
}

TEST(PlanMemberships, DeclaringTheSameRoleTwiceGrantsItOnce) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    snap.roles["a"] = role_state();
    EXPECT_EQ(described(request({desired("alice", {membership("a", 0), membership("a", 1)})}), snap),
              (Statements{"GrantRoles a TO alice"}));
}

TEST(PlanMemberships, UndeclaredMembershipsAreAllRevoked) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({"x", "y", kConnect + "0badcafe"});
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"RevokeRoles " + kConnect + "0badcafe,x,y FROM alice"}));
}

TEST(PlanMemberships, OnlyForeignIntermediatesAreLeftAlone) {
    // Another database's intermediate roles that the catalog reported as its
    // (Snapshot::foreign_intermediates) are kept; a name with another
    // database's prefix alone is not enough.
    Snapshot snap = snapshot();
    const std::string foreign = "_pgsr_local_99_table_select_0000beef", other = "_pgsr_local_98_table_select_0000beef";
    snap.roles["alice"] = role_state({foreign, other, "x"});
    snap.foreign_intermediates = {foreign};
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"RevokeRoles " + other + ",x FROM alice"}));
    snap.foreign_intermediates.clear();
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"RevokeRoles " + other + "," + foreign + ",x FROM alice"}));
}

TEST(PlanMemberships, MembersNeedingTheSameRolesShareAStatement) {
    Snapshot snap = snapshot();
    for (const char* r : {"m1", "m2", "m3", "m4", "x", "y"}) snap.roles[r] = role_state();
    snap.roles["m4"] = role_state({"old"});
    snap.roles["m2"] = role_state({"old"});
    Request req = request({
        desired("m1", {membership("x", 0), membership("y", 1)}),
        desired("m2", {membership("x", 0)}),
        desired("m3", {membership("y", 0), membership("x", 1)}),
        desired("m4", {membership("x", 0), membership("y", 1)}),
    });
    EXPECT_EQ(described(req, snap),
              (Statements{"RevokeRoles old FROM m2,m4", "GrantRoles x TO m2", "GrantRoles x,y TO m1,m3,m4"}));
}

TEST(PlanMemberships, ManyMembersAreChunked) {
    ASSERT_EQ(kMembershipChunk, 500u);
    Snapshot snap = snapshot();
    snap.roles["readers"] = role_state();
    std::vector<std::string> members = numbered("user_", 1201);
    std::vector<DesiredRole> roles;
    for (const std::string& m : members) {
        snap.roles[m] = role_state();
        roles.push_back(desired(m, {membership("readers", 0)}));
    }
    Plan p = plan(request(roles), snap);
    ASSERT_EQ(p.statements.size(), 3u);
    std::vector<std::string> seen;
    std::vector<std::size_t> sizes;
    for (const Statement& s : p.statements) {
        const GrantRoles* g = std::get_if<GrantRoles>(&s);
        ASSERT_NE(g, nullptr);
        EXPECT_EQ(g->roles, (std::vector<std::string>{"readers"}));
        sizes.push_back(g->members.size());
        seen.insert(seen.end(), g->members.begin(), g->members.end());
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{500, 500, 201}));
    EXPECT_EQ(seen, members);  // each exactly once, in request order
}

TEST(PlanMemberships, ManyRevokesAreChunked) {
    Snapshot snap = snapshot();
    std::vector<DesiredRole> roles;
    for (const std::string& m : numbered("user_", 1001)) {
        snap.roles[m] = role_state({"gone"});
        roles.push_back(desired(m));
    }
    Plan p = plan(request(roles), snap);
    ASSERT_EQ(p.statements.size(), 3u);
    std::vector<std::size_t> sizes;
    for (const Statement& s : p.statements) {
        const RevokeRoles* r = std::get_if<RevokeRoles>(&s);
        ASSERT_NE(r, nullptr);
        sizes.push_back(r->members.size());
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{500, 500, 1}));
}

TEST(PlanMemberships, ManyRolesForOneMemberAreChunked) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    std::vector<spec::Grant> grants;
    std::vector<std::string> wanted = numbered("group_", 501);
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        snap.roles[wanted[i]] = role_state();
        grants.push_back(membership(wanted[i], i));
    }
    Plan p = plan(request({desired("alice", grants)}), snap);
    ASSERT_EQ(p.statements.size(), 2u);
    const auto* first = std::get_if<GrantRoles>(&p.statements[0]);
    const auto* second = std::get_if<GrantRoles>(&p.statements[1]);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->roles.size(), 500u);
    EXPECT_EQ(second->roles, (std::vector<std::string>{wanted.back()}));
    EXPECT_EQ(first->members, (std::vector<std::string>{"alice"}));
}

TEST(PlanMemberships, ChunksOfRolesTimesChunksOfMembers) {
    Snapshot snap = snapshot();
    std::vector<std::string> groups = numbered("group_", 501);
    std::vector<spec::Grant> grants;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        snap.roles[groups[i]] = role_state();
        grants.push_back(membership(groups[i], i));
    }
    std::vector<DesiredRole> roles;
    for (const std::string& m : numbered("user_", 501)) {
        snap.roles[m] = role_state();
        roles.push_back(desired(m, grants));
    }
    Plan p = plan(request(roles), snap);
    ASSERT_EQ(p.statements.size(), 4u);
    for (const Statement& s : p.statements) {
        const GrantRoles* g = std::get_if<GrantRoles>(&s);
        ASSERT_NE(g, nullptr);
        EXPECT_LE(g->roles.size(), kMembershipChunk);
        EXPECT_LE(g->members.size(), kMembershipChunk);
    }
}

// ------------------------------------------------------------ login

TEST(PlanLogin, NoLoginDeclaredRemovesLogin) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({}, true);
    EXPECT_EQ(described(request({desired("alice")}), snap), (Statements{"RemoveLogin alice"}));
}

TEST(PlanLogin, NoLoginDeclaredAndAlreadyNologinNeedsNothing) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({}, false);
    EXPECT_TRUE(plan(request({desired("alice")}), snap).empty());
}

TEST(PlanLogin, SameValidUntilAndNoPasswordNeedsNothing) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({}, true);
    snap.roles["alice"].valid_until = 1000;
    DesiredRole alice = desired("alice");
    alice.login = login(1000, "2000-01-01 00:00:00.001+00");
    EXPECT_TRUE(plan(request({alice}), snap).empty());
}

TEST(PlanLogin, NullValidUntilInTheCatalogIsForever) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({}, true);
    ASSERT_FALSE(snap.roles["alice"].valid_until);
    DesiredRole alice = desired("alice");
    alice.login = login(kForever, "infinity");
    EXPECT_TRUE(plan(request({alice}), snap).empty());

    snap.roles["alice"].valid_until = kForever;
    EXPECT_TRUE(plan(request({alice}), snap).empty());
}

TEST(PlanLogin, DifferentValidUntilIsSet) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({}, true);  // valid_until NULL: forever
    DesiredRole alice = desired("alice");
    alice.login = login(1000, "2000-01-01 00:00:00.001+00");
    EXPECT_EQ(described(request({alice}), snap),
              (Statements{"SetLogin alice password=<keep> valid_until=2000-01-01 00:00:00.001+00"}));

    snap.roles["alice"].valid_until = 999;
    alice.login = login(kForever, "infinity");
    EXPECT_EQ(described(request({alice}), snap), (Statements{"SetLogin alice password=<keep> valid_until=infinity"}));
}

TEST(PlanLogin, NologinRoleGetsLogin) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({}, false);
    DesiredRole alice = desired("alice");
    alice.login = login();
    EXPECT_EQ(described(request({alice}), snap), (Statements{"SetLogin alice password=<keep> valid_until=infinity"}));
}

TEST(PlanLogin, PasswordThatDoesNotMatchIsSet) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({}, true);
    snap.roles["alice"].password_matches = false;
    DesiredRole alice = desired("alice");
    alice.login = login();
    alice.login->secret = pgsr::Secret("SCRAM-SHA-256$4096:salt$stored:server");
    alice.login->declared = pgsr::Secret("plaintext");
    Plan p = plan(request({alice}), snap);
    ASSERT_EQ(p.statements.size(), 1u);
    const SetLogin* s = std::get_if<SetLogin>(&p.statements[0]);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->role, "alice");
    ASSERT_TRUE(s->password);
    EXPECT_EQ(s->password->reveal(), "SCRAM-SHA-256$4096:salt$stored:server");  // the secret, not the plaintext
    EXPECT_EQ(s->valid_until, "infinity");
    EXPECT_EQ(action_of(p.statements[0]), Action::alter_role);
}

TEST(PlanLogin, PasswordThatMatchesNeedsNothing) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({}, true);
    snap.roles["alice"].password_matches = true;
    DesiredRole alice = desired("alice");
    alice.login = login();
    alice.login->secret = pgsr::Secret("SCRAM-SHA-256$4096:salt$stored:server");
    alice.login->declared = pgsr::Secret("plaintext");
    EXPECT_TRUE(plan(request({alice}), snap).empty());
}

TEST(PlanLogin, MatchingPasswordIsNotResentWhenValidUntilChanges) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({}, true);
    snap.roles["alice"].password_matches = true;
    snap.roles["alice"].valid_until = 5;
    DesiredRole alice = desired("alice");
    alice.login = login();
    alice.login->secret = pgsr::Secret("SCRAM-SHA-256$x");
    EXPECT_EQ(described(request({alice}), snap), (Statements{"SetLogin alice password=<keep> valid_until=infinity"}));
}

// A new role is made able to log in by its CREATE ROLE: one statement.
TEST(PlanLogin, NewRoleWithLoginIsCreatedWithLogin) {
    DesiredRole alice = desired("alice", {membership("analysts", 0)});
    alice.login = login();
    alice.login->secret = pgsr::Secret("SCRAM-SHA-256$x");
    EXPECT_EQ(described(request({alice}), snapshot()),
              (Statements{"CreateRole alice WITH LOGIN password=SCRAM-SHA-256$x valid_until=infinity",
                          "CreateRole analysts", "GrantRoles analysts TO alice"}));
}

// ------------------------------------------------------------ database_connect

TEST(PlanConnect, ExistingIntermediateIsFoundInTheAclAndReused) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    snap.databases["warehouse"] = database("dbowner", {acl("", "CONNECT"), acl("dbowner", "CONNECT"),
                                                       acl(kConnect + "1a2b3c4d", "CONNECT")});
    trust(snap, {kConnect + "1a2b3c4d"});
    Names names;
    Plan p = make_plan(request({desired("alice", {connect("warehouse", 0)})}), snap, names.source());
    EXPECT_EQ(describe(p), (Statements{"GrantRoles " + kConnect + "1a2b3c4d TO alice"}));
    EXPECT_TRUE(names.prefixes.empty());  // no new name was needed
    EXPECT_TRUE(p.notices.empty());
}

TEST(PlanConnect, ExistingIntermediateAlreadyGrantedNeedsNothing) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({kConnect + "1a2b3c4d"});
    snap.databases["warehouse"] = database("dbowner", {acl(kConnect + "1a2b3c4d", "CONNECT")});
    trust(snap, {kConnect + "1a2b3c4d"});
    EXPECT_TRUE(plan(request({desired("alice", {connect("warehouse", 0)})}), snap).empty());
}

TEST(PlanConnect, OfSeveralIntermediatesInTheAclTheFirstByNameIsUsed) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    snap.databases["warehouse"] = database("dbowner", {acl(kConnect + "77777777", "CONNECT"),
                                                       acl(kConnect + "00000abc", "CONNECT"),
                                                       acl(kConnect + "ffffffff", "CONNECT")});
    trust(snap, {kConnect + "77777777", kConnect + "00000abc", kConnect + "ffffffff"});
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap),
              (Statements{"GrantRoles " + kConnect + "00000abc TO alice"}));
}

// A plan making a new intermediate for alice: CreateRole, CommentOnRole,
// GrantPrivileges, GrantRoles.
const std::size_t kNewIntermediate = 4;

// An ACL entry that is not an intermediate holding CONNECT: a new one is made.
void expect_not_reused(const AclEntry& entry) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    member_of(snap, "dbowner");
    snap.databases["warehouse"] = database("dbowner", {entry});
    Names names;
    Plan p = make_plan(request({desired("alice", {connect("warehouse", 0)})}), snap, names.source());
    EXPECT_EQ(describe(p), (Statements{"CreateRole " + kConnect + "00000001",
                                       marked(kConnect + "00000001", "warehouse"),
                                       "AS dbowner: GrantPrivileges CONNECT ON database warehouse TO " + kConnect + "00000001",
                                       "GrantRoles " + kConnect + "00000001 TO alice"}))
        << "ACL entry " << entry.grantee << " " << entry.privilege;
    EXPECT_EQ(names.prefixes, (std::vector<std::string>{kConnect}));
}

TEST(PlanConnect, IntermediateWithAnotherPrivilegeIsNotReused) {
    expect_not_reused(acl(kConnect + "1a2b3c4d", "TEMPORARY"));
    expect_not_reused(acl(kConnect + "1a2b3c4d", "CREATE"));
    expect_not_reused(acl(kConnect + "1a2b3c4d", "connect"));
}

TEST(PlanConnect, UntrustedIntermediateIsNotReused) {
    // Named right and holding CONNECT, but the catalog reported nothing
    // about it (Snapshot::intermediates).
    expect_not_reused(acl(kConnect + "1a2b3c4d", "CONNECT"));
}

// The plan for alice's CONNECT on warehouse when its ACL names kConnect +
// "1a2b3c4d" and the catalog reports `c` about it.
Statements connect_plan(const Snapshot::Candidate& c, const std::string& db = "warehouse") {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    member_of(snap, "dbowner");
    snap.databases[db] = database("dbowner", {acl(kConnect + "1a2b3c4d", "CONNECT")});
    snap.intermediates[kConnect + "1a2b3c4d"] = c;
    return described(request({desired("alice", {connect(db, 0)})}), snap);
}

TEST(PlanConnect, MarkedForThisDatabaseIsReusedWhateverElseNamesIt) {
    for (int references : {1, 2, 5})
        EXPECT_EQ(connect_plan(candidate(true, connect_marker("warehouse"), references)),
                  (Statements{"GrantRoles " + kConnect + "1a2b3c4d TO alice"}))
            << references;
    EXPECT_EQ(connect_plan(candidate(true, connect_marker("ware\"\"house"), 5), "ware\"house"),
              (Statements{"GrantRoles " + kConnect + "1a2b3c4d TO alice"}));
}

TEST(PlanConnect, ARenamedDatabaseKeepsItsIntermediateRole) {
    // The name in a marker is for people; the oid is what is compared.
    for (const std::string& comment : {connect_marker("lake"), connect_marker("Warehouse"),
                                       std::string("pg_sync_roles: intermediate role for CONNECT on database "
                                                   "warehouse [pg_database 5]")}) {
        EXPECT_EQ(connect_plan(candidate(true, comment, 1)), (Statements{"GrantRoles " + kConnect + "1a2b3c4d TO alice"}))
            << comment;
        EXPECT_EQ(connect_plan(candidate(true, comment, 3)), (Statements{"GrantRoles " + kConnect + "1a2b3c4d TO alice"}))
            << comment;
    }
}

TEST(PlanConnect, UnfitCandidatesAreNotReused) {
    const Statements fresh = {"CreateRole " + kConnect + "00000001", marked(kConnect + "00000001", "warehouse"),
                              "AS dbowner: GrantPrivileges CONNECT ON database warehouse TO " + kConnect + "00000001",
                              "GrantRoles " + kConnect + "00000001 TO alice"};
    // Marked for another database (another oid, whatever the name), even if
    // named in this ACL only: a database created under the name of one
    // renamed or dropped does not inherit its intermediate role.
    EXPECT_EQ(connect_plan(candidate(true, connect_marker("lake", 6), 1)), fresh);
    EXPECT_EQ(connect_plan(candidate(true, connect_marker("warehouse", 6), 1)), fresh);
    EXPECT_EQ(connect_plan(candidate(true, connect_marker("warehouse", 55), 1)), fresh);
    EXPECT_EQ(connect_plan(candidate(true, connect_marker("warehouse", 15), 1)), fresh);
    // Of another catalog's object with that oid.
    for (const char* catalog : {"pg_namespace", "pg_class", "pg_authid"})
        EXPECT_EQ(connect_plan(candidate(true,
                                         "pg_sync_roles: intermediate role for CONNECT on database \"warehouse\" [" +
                                             std::string(catalog) + " 5]",
                                         1)),
                  fresh)
            << catalog;
    // For another privilege on this database.
    for (const char* privilege : {"CREATE", "TEMPORARY", "connect"})
        EXPECT_EQ(connect_plan(candidate(true,
                                         "pg_sync_roles: intermediate role for " + std::string(privilege) +
                                             " on database \"warehouse\" [pg_database 5]",
                                         1)),
                  fresh)
            << privilege;
    // Without its identity, or with anything after it.
    const std::string unidentified = "pg_sync_roles: intermediate role for CONNECT on database \"warehouse\"";
    EXPECT_EQ(connect_plan(candidate(true, unidentified, 1)), fresh);
    EXPECT_EQ(connect_plan(candidate(true, connect_marker("warehouse") + " ", 1)), fresh);
    // Not plain.
    EXPECT_EQ(connect_plan(candidate(false, connect_marker("warehouse"), 1)), fresh);
    EXPECT_EQ(connect_plan(candidate(false, std::nullopt, 1)), fresh);
    // Unmarked and named in another ACL too.
    EXPECT_EQ(connect_plan(candidate(true, std::nullopt, 2)), fresh);
    // A comment that is not a marker counts as no comment.
    EXPECT_EQ(connect_plan(candidate(true, std::string("CONNECT for the BI tools"), 2)), fresh);
    EXPECT_EQ(connect_plan(candidate(true, std::string("CONNECT for the BI tools"), 1)),
              (Statements{"GrantRoles " + kConnect + "1a2b3c4d TO alice"}));
}

TEST(PlanConnect, NewIntermediateIsMarkedWithTheQuotedDatabaseName) {
    Snapshot snap = snapshot();
    snap.caller.superuser = true;
    snap.roles["alice"] = role_state();
    snap.databases["Ware \"House\""] = database("dbowner");
    Plan p = plan(request({desired("alice", {connect("Ware \"House\"", 0)})}), snap);
    ASSERT_EQ(p.statements.size(), 4u);
    const auto* c = std::get_if<CommentOnRole>(&p.statements[1]);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->role, kConnect + "00000001");
    EXPECT_EQ(c->comment,
              "pg_sync_roles: intermediate role for CONNECT on database \"Ware \"\"House\"\"\" [pg_database 5]");
    EXPECT_EQ(intermediate_marker("CONNECT", "database \"Ware \"\"House\"\"\"", "pg_database", 5), c->comment);
}

TEST(PlanConnect, OneCommentPerNewIntermediateOnly) {
    // Neither the target role nor a declared membership role is marked.
    Snapshot snap = snapshot();
    snap.caller.superuser = true;
    snap.databases["warehouse"] = database("dbowner");
    Plan p = plan(request({desired("alice", {connect("warehouse", 0), membership("analysts", 1)}),
                           desired("bob", {connect("warehouse", 0)})}),
                  snap);
    EXPECT_EQ(describe(p), (Statements{"CreateRole alice", "CreateRole bob", "CreateRole analysts",
                                       "CreateRole " + kConnect + "00000001",
                                       marked(kConnect + "00000001", "warehouse"),
                                       "GrantPrivileges CONNECT ON database warehouse TO " + kConnect + "00000001",
                                       "GrantRoles " + kConnect + "00000001 TO bob",
                                       "GrantRoles " + kConnect + "00000001,analysts TO alice"}));
}

TEST(PlanConnect, IntermediateHoldingMoreThanThePrivilegeIsNotReused) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    member_of(snap, "dbowner");
    snap.databases["warehouse"] = database("dbowner", {acl(kConnect + "1a2b3c4d", "CONNECT"),
                                                       acl(kConnect + "1a2b3c4d", "CREATE")});
    trust(snap, {kConnect + "1a2b3c4d"});
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap).size(), kNewIntermediate);
    AclEntry grantable = acl(kConnect + "1a2b3c4d", "CONNECT");
    grantable.grantable = true;
    snap.databases["warehouse"] = database("dbowner", {grantable});
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap).size(), kNewIntermediate);
}

TEST(PlanConnect, IntermediateNameMustEndInEightHexDigits) {
    for (const char* suffix : {"1a2b3c4", "1a2b3c4d5", "1A2B3C4D", "ops_team"}) {
        Snapshot snap = snapshot();
        snap.roles["alice"] = role_state();
        member_of(snap, "dbowner");
        snap.databases["warehouse"] = database("dbowner", {acl(kConnect + suffix, "CONNECT")});
        trust(snap, {kConnect + suffix});
        EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap).size(), kNewIntermediate)
            << suffix;
    }
}

TEST(PlanConnect, RoleWithAnotherPrefixIsNotReused) {
    expect_not_reused(acl("_pgsr_local_16384_schema_usage_1a2b3c4d", "CONNECT"));
    expect_not_reused(acl("pgsr_global_database_connect_1a2b3c4d", "CONNECT"));
    expect_not_reused(acl("_PGSR_GLOBAL_DATABASE_CONNECT_1a2b3c4d", "CONNECT"));
    expect_not_reused(acl("_pgsr_global_database_connec", "CONNECT"));
    expect_not_reused(acl("alice", "CONNECT"));
    expect_not_reused(acl("", "CONNECT"));  // PUBLIC
}

TEST(PlanConnect, MissingIntermediateIsCreatedAndGrantedConnect) {
    Snapshot snap = snapshot();
    snap.caller.superuser = true;
    snap.roles["alice"] = role_state();
    snap.databases["warehouse"] = database("dbowner", {acl("", "CONNECT")});
    Names names;
    Plan p = make_plan(request({desired("alice", {connect("warehouse", 0)})}), snap, names.source());
    EXPECT_EQ(describe(p), (Statements{"CreateRole " + kConnect + "00000001",
                                       marked(kConnect + "00000001", "warehouse"),
                                       "GrantPrivileges CONNECT ON database warehouse TO " + kConnect + "00000001",
                                       "GrantRoles " + kConnect + "00000001 TO alice"}));
    EXPECT_EQ(names.prefixes, (std::vector<std::string>{kConnect}));
    ASSERT_EQ(p.statements.size(), 4u);
    const auto* c = std::get_if<CommentOnRole>(&p.statements[1]);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->role, kConnect + "00000001");
    EXPECT_EQ(c->comment, connect_marker("warehouse"));
    EXPECT_EQ(action_of(p.statements[1]), Action::comment);
    const auto* g = std::get_if<GrantPrivileges>(&p.statements[2]);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->object, (ObjectRef{ObjectType::database, "", "warehouse"}));
    EXPECT_EQ(g->privileges, (std::vector<std::string>{"CONNECT"}));
}

TEST(PlanConnect, IntermediateIsCreatedOncePerDatabase) {
    Snapshot snap = snapshot();
    snap.caller.superuser = true;
    snap.roles["alice"] = role_state();
    snap.roles["bob"] = role_state();
    snap.databases["warehouse"] = database("dbowner");
    snap.databases["lake"] = database("dbowner", {}, 6);
    Names names;
    Request req = request({
        desired("alice", {connect("warehouse", 0), connect("lake", 1), connect("warehouse", 2)}),
        desired("bob", {connect("warehouse", 0)}),
    });
    Plan p = make_plan(req, snap, names.source());
    const std::string w = kConnect + "00000001", l = kConnect + "00000002";
    EXPECT_EQ(describe(p), (Statements{
                               "CreateRole " + w,
                               marked(w, "warehouse"),
                               "GrantPrivileges CONNECT ON database warehouse TO " + w,
                               "CreateRole " + l,
                               marked(l, "lake", 6),
                               "GrantPrivileges CONNECT ON database lake TO " + l,
                               "GrantRoles " + w + " TO bob",
                               "GrantRoles " + w + "," + l + " TO alice",
                           }));
    EXPECT_EQ(names.prefixes.size(), 2u);
}

TEST(PlanConnect, NameSourceCollisionsWithinAPlanAreRetried) {
    Snapshot snap = snapshot();
    snap.caller.superuser = true;
    snap.roles["alice"] = role_state();
    snap.databases["d1"] = database("dbowner", {}, 6);
    snap.databases["d2"] = database("dbowner", {}, 7);
    int calls = 0;
    NameSource same_then_other = [&](const std::string& prefix) {
        ++calls;
        return prefix + (calls <= 2 ? "aaaaaaaa" : "bbbbbbbb");
    };
    Plan p = make_plan(request({desired("alice", {connect("d1", 0), connect("d2", 1)})}), snap, same_then_other);
    EXPECT_EQ(describe(p), (Statements{"CreateRole " + kConnect + "aaaaaaaa",
                                       marked(kConnect + "aaaaaaaa", "d1", 6),
                                       "GrantPrivileges CONNECT ON database d1 TO " + kConnect + "aaaaaaaa",
                                       "CreateRole " + kConnect + "bbbbbbbb",
                                       marked(kConnect + "bbbbbbbb", "d2", 7),
                                       "GrantPrivileges CONNECT ON database d2 TO " + kConnect + "bbbbbbbb",
                                       "GrantRoles " + kConnect + "aaaaaaaa," + kConnect + "bbbbbbbb TO alice"}));
}

TEST(PlanConnect, MissingDatabaseGivesANoticeAndNoStatement) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    snap.roles["analysts"] = role_state();
    Names names;
    Plan p = make_plan(request({desired("alice", {membership("analysts", 0), connect("nope", 1)})}), snap,
                       names.source());
    EXPECT_EQ(describe(p), (Statements{"GrantRoles analysts TO alice"}));
    EXPECT_EQ(p.notices, (std::vector<std::string>{"grants[1] (database_connect) skipped: database \"nope\" does not exist"}));
    EXPECT_TRUE(names.prefixes.empty());
}

TEST(PlanConnect, NoticeUsesTheRolePath) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    DesiredRole alice = desired("alice", {connect("nope", 3)});
    alice.path = "roles.alice";
    Plan p = plan(request({alice}), snap);
    EXPECT_TRUE(p.empty());
    ASSERT_EQ(p.notices.size(), 1u);
    EXPECT_EQ(p.notices[0], "roles.alice[3] (database_connect) skipped: database \"nope\" does not exist");
}

TEST(PlanConnect, UndeclaredConnectMembershipIsRevoked) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({kConnect + "11111111", kConnect + "22222222"});
    snap.databases["warehouse"] = database("dbowner", {acl(kConnect + "11111111", "CONNECT")});
    snap.databases["lake"] = database("dbowner", {acl(kConnect + "22222222", "CONNECT")}, 6);
    trust(snap, {kConnect + "11111111", kConnect + "22222222"});
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap),
              (Statements{"RevokeRoles " + kConnect + "22222222 FROM alice"}));
}

// ------------------------------------------------------------ the caller's temporary rights

// alice (missing) is given CONNECT on warehouse, owned by dbowner, through a new intermediate.
Snapshot owner_snapshot() {
    Snapshot snap = snapshot();
    snap.databases["warehouse"] = database("dbowner");
    return snap;
}

// The CONNECT of a new intermediate role is granted as the database's owner
// (SET ROLE dbowner), so that PostgreSQL records dbowner as its grantor.  A
// caller that may not SET ROLE to dbowner borrows the membership: granted
// right after the CREATE ROLEs, taken back at the very end.
const Statements kWithOwnerRights = {
    "CreateRole alice",
    "GrantRoles dbowner TO admin",
    "CreateRole " + kConnect + "00000001",
    marked(kConnect + "00000001", "warehouse"),
    "AS dbowner: GrantPrivileges CONNECT ON database warehouse TO " + kConnect + "00000001",
    "GrantRoles " + kConnect + "00000001 TO alice",
    "RevokeRoles dbowner FROM admin",
};

// The caller may already SET ROLE to dbowner: nothing borrowed.
const Statements kAsOwner = {
    "CreateRole alice",
    "CreateRole " + kConnect + "00000001",
    marked(kConnect + "00000001", "warehouse"),
    "AS dbowner: GrantPrivileges CONNECT ON database warehouse TO " + kConnect + "00000001",
    "GrantRoles " + kConnect + "00000001 TO alice",
};

// The caller acts as itself: a superuser (whose GRANT is recorded as the
// owner's), or the owner.
const Statements kWithoutOwnerRights = {
    "CreateRole alice",
    "CreateRole " + kConnect + "00000001",
    marked(kConnect + "00000001", "warehouse"),
    "GrantPrivileges CONNECT ON database warehouse TO " + kConnect + "00000001",
    "GrantRoles " + kConnect + "00000001 TO alice",
};

TEST(PlanRights, CallerWithoutStandingIsGrantedTheOwnerForTheCall) {
    Request req = request({desired("alice", {connect("warehouse", 0)})});
    EXPECT_EQ(described(req, owner_snapshot()), kWithOwnerRights);
}

TEST(PlanRights, CallerWhoseStandingLacksSetIsGrantedTheOwner) {
    Snapshot snap = owner_snapshot();
    snap.standing["dbowner"].has_privileges = false;
    snap.standing["dbowner"].direct_member = false;
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap), kWithOwnerRights);
    // The owner's privileges alone (16+: a membership WITH INHERIT TRUE, SET
    // FALSE) do not let the caller act as the owner.
    snap.standing["dbowner"].has_privileges = true;
    snap.standing["dbowner"].direct_member = true;
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap), kWithOwnerRights);
}

TEST(PlanRights, RightsComeAfterAllCreateRoles) {
    Snapshot snap = owner_snapshot();
    Request req = request({desired("alice", {connect("warehouse", 0), membership("analysts", 1)})});
    EXPECT_EQ(described(req, snap), (Statements{
                                        "CreateRole alice",
                                        "CreateRole analysts",
                                        "GrantRoles dbowner TO admin",
                                        "CreateRole " + kConnect + "00000001",
                                        marked(kConnect + "00000001", "warehouse"),
                                        "AS dbowner: GrantPrivileges CONNECT ON database warehouse TO " + kConnect + "00000001",
                                        "GrantRoles " + kConnect + "00000001,analysts TO alice",
                                        "RevokeRoles dbowner FROM admin",
                                    }));
}

TEST(PlanRights, NotWhenTheCallerIsSuperuser) {
    Snapshot snap = owner_snapshot();
    snap.caller.superuser = true;
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap), kWithoutOwnerRights);
}

TEST(PlanRights, NotWhenTheCallerOwnsTheDatabase) {
    Snapshot snap = owner_snapshot();
    snap.databases["warehouse"].owner = "admin";
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap), kWithoutOwnerRights);
}

TEST(PlanRights, NotWhenTheCallerMaySetRoleToTheOwner) {
    Snapshot snap = owner_snapshot();
    snap.standing["dbowner"].can_set = true;
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap), kAsOwner);
}

TEST(PlanRights, NotWhenTheCallerIsADirectMemberOfTheOwner) {
    // Granting it again and revoking it afterwards would take away a membership the caller had.
    Snapshot snap = owner_snapshot();
    snap.standing["dbowner"].direct_member = true;
    snap.standing["dbowner"].has_privileges = true;
    snap.standing["dbowner"].can_set = true;
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap), kAsOwner);
}

TEST(PlanRights, AMemberThatDoesNotInheritTheOwnersPrivilegesActsAsItThroughSetRole) {
    // A GRANT needs no privileges of the owner's, only SET ROLE to it: a
    // NOINHERIT membership is enough, on either rule set.
    for (bool role_options : {false, true}) {
        Snapshot snap = owner_snapshot();
        snap.server.role_options = role_options;
        snap.standing["dbowner"].direct_member = true;
        snap.standing["dbowner"].has_privileges = false;
        snap.standing["dbowner"].can_set = true;
        Plan p = plan(request({desired("alice", {connect("warehouse", 0)})}), snap);
        EXPECT_FALSE(p.error) << p.error->message;
        Statements want = kAsOwner;
        if (role_options) want.back() += " WITH INHERIT TRUE";  // 16+: an intermediate membership inherits
        EXPECT_EQ(describe(p), want) << role_options;
    }
}

TEST(PlanRights, AnOwnerThatIsASuperuserIsAnError) {
    // GRANT of a superuser role by a non-superuser would only warn: refuse the whole plan.
    Snapshot snap = owner_snapshot();
    snap.standing["dbowner"].superuser = true;
    Plan p = plan(request({desired("alice", {connect("warehouse", 0)})}), snap);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->sqlstate, "42501");
    // The wording is the planner's; what it must name is the object and its owner.
    EXPECT_EQ(p.error->message.rfind("permission denied", 0), 0u) << p.error->message;
    EXPECT_NE(p.error->message.find("database \"warehouse\""), std::string::npos) << p.error->message;
    EXPECT_NE(p.error->message.find("\"dbowner\", a superuser"), std::string::npos) << p.error->message;
    EXPECT_FALSE(p.error->detail.empty());
    EXPECT_TRUE(p.statements.empty());

    snap.caller.superuser = true;  // a superuser caller needs no rights
    p = plan(request({desired("alice", {connect("warehouse", 0)})}), snap);
    EXPECT_FALSE(p.error);
    EXPECT_EQ(describe(p), kWithoutOwnerRights);
}

TEST(PlanRights, OrdinaryPlansHaveNoError) {
    EXPECT_FALSE(plan(request({desired("alice", {connect("warehouse", 0)})}), owner_snapshot()).error);
}

TEST(PlanRights, NotWhenTheIntermediateAlreadyExists) {
    Snapshot snap = owner_snapshot();
    snap.databases["warehouse"].acl = {acl(kConnect + "1a2b3c4d", "CONNECT")};
    trust(snap, {kConnect + "1a2b3c4d"});
    EXPECT_EQ(described(request({desired("alice", {connect("warehouse", 0)})}), snap),
              (Statements{"CreateRole alice", "GrantRoles " + kConnect + "1a2b3c4d TO alice"}));
}

TEST(PlanRights, EachOwnerIsGrantedOnceAndAllAreRevokedAtTheEnd) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state();
    snap.roles["bob"] = role_state();
    snap.databases["d1"] = database("owner_b");
    snap.databases["d2"] = database("owner_a");
    snap.databases["d3"] = database("owner_b");
    Request req = request({desired("alice", {connect("d1", 0), connect("d2", 1)}),
                           desired("bob", {connect("d3", 0), connect("d1", 1)})});
    Statements got = described(req, snap);
    ASSERT_GE(got.size(), 2u);
    EXPECT_EQ(got.front(), "GrantRoles owner_a,owner_b TO admin");
    EXPECT_EQ(got.back(), "RevokeRoles owner_a,owner_b FROM admin");
    EXPECT_EQ(std::count(got.begin(), got.end(), "GrantRoles owner_a,owner_b TO admin"), 1);
}

TEST(PlanRights, NoneWhenNothingNeedsThem) {
    Snapshot snap = snapshot();
    snap.roles["alice"] = role_state({"x"}, true);
    EXPECT_EQ(described(request({desired("alice")}), snap),
              (Statements{"RevokeRoles x FROM alice", "RemoveLogin alice"}));
}

// ------------------------------------------------------------ validate

TEST(Validate, AcceptsADistinctRequest) {
    Request req = request({desired("alice", {membership("bob", 0), connect("d", 1)}),
                           desired("bob", {membership("carol", 0)})});
    EXPECT_FALSE(validate(req));
    EXPECT_FALSE(validate(Request{}));
}

TEST(Validate, RefusesARoleThatIsAMemberOfItself) {
    Request req = request({desired("alice", {connect("d", 0), membership("alice", 1)})});
    auto e = validate(req);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "22023");
    EXPECT_EQ(e->message, "grants[1].role: a role cannot be a member of itself");

    req.roles[0].path = "roles.alice";
    e = validate(req);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "roles.alice[1].role: a role cannot be a member of itself");
}

TEST(Validate, SelfMembershipIsCaseSensitive) {
    EXPECT_FALSE(validate(request({desired("alice", {membership("Alice", 0)})})));
}

TEST(Validate, RefusesRolesOfOneRequestThatAreMembersOfEachOther) {
    Request req = request({desired("alice", {connect("d", 0), membership("bob", 1)}),
                           desired("bob", {membership("alice", 0)})});
    req.roles[0].path = "roles[\"alice\"]";
    req.roles[1].path = "roles[\"bob\"]";
    auto e = validate(req);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "22023");
    EXPECT_EQ(e->message, "roles[\"bob\"][0].role: roles of one request cannot be members of each other: "
                          "\"alice\" -> \"bob\" -> \"alice\"");

    // Through a third role of the request, which is named in the circle.
    req = request({desired("a", {membership("b", 0)}), desired("b", {membership("x", 0), membership("c", 1)}),
                   desired("c", {membership("a", 2)})});
    e = validate(req);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "grants[2].role: roles of one request cannot be members of each other: "
                          "\"a\" -> \"b\" -> \"c\" -> \"a\"");

    // A chain is fine, and so is a role outside the request.
    EXPECT_FALSE(validate(request({desired("a", {membership("b", 0)}), desired("b", {membership("c", 0)}),
                                   desired("c", {membership("x", 0)})})));
    EXPECT_FALSE(validate(request({desired("a", {membership("b", 0), membership("c", 1)}),
                                   desired("b", {membership("c", 0)}), desired("c")})));
}

TEST(Validate, RefusesARoleNamedTwice) {
    Request req = request({desired("alice"), desired("bob"), desired("alice")});
    auto e = validate(req);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "22023");
    EXPECT_EQ(e->message, "role \"alice\" is named more than once");
}

}  // namespace

TEST(PlanCaller, TheCallingRoleCannotSyncItself) {
    Snapshot snap = snapshot();
    Plan p = plan(request({desired(snap.caller.name)}), snap);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->sqlstate, "22023");
    EXPECT_NE(p.error->message.find("calling role"), std::string::npos) << p.error->message;
    EXPECT_TRUE(p.statements.empty());
}
