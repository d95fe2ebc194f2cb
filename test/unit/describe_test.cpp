// Tests of describe(): a snapshot in, a grants document out; and the round
// trip through the parser and the planner, which must find nothing to do
// for what the document can express.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "plan/describe.hpp"
#include "plan/plan.hpp"
#include "spec/spec.hpp"

namespace {

using namespace pgsr::plan;
namespace spec = pgsr::spec;

constexpr Oid kDb = 16384;
const std::string kConnectRole = "_pgsr_global_database_connect_00000001";
const std::string kSelectRole = "_pgsr_local_16384_table_select_00000002";
const std::string kUsageRole = "_pgsr_local_16384_schema_usage_00000003";

AclEntry acl(const std::string& grantee, const std::string& privilege, bool grantable = false) {
    AclEntry e;
    e.grantee = grantee;
    e.grantor = "dbowner";
    e.privilege = privilege;
    e.grantable = grantable;
    return e;
}

Relation relation(Oid oid, const std::string& name, char relkind, const std::string& owner,
                  std::vector<AclEntry> entries) {
    Relation r;
    r.oid = oid;
    r.schema = "s";
    r.name = name;
    r.relkind = relkind;
    r.owner = owner;
    r.acl = std::move(entries);
    return r;
}

Snapshot::Candidate unmarked() {
    Snapshot::Candidate c;
    c.plain = true;
    c.references = 1;
    return c;
}

// alice, as sync (or the Python library) leaves her: CONNECT, USAGE on s
// and SELECT on s.t through intermediate roles; CREATE on s and SELECT on
// the view s.v directly; a member of team; owner of s.w and of its column's
// sequence; a login until 2030-12-30 16:00 UTC.
Snapshot alice() {
    Snapshot s;
    s.caller.name = "admin";
    s.caller.createrole = true;
    s.database_oid = kDb;
    RoleState& st = s.roles["alice"];
    st.oid = 20000;
    st.can_login = true;
    st.valid_until = 978192000000000;
    st.member_of = {"team", kConnectRole, kSelectRole, kUsageRole};
    s.roles["team"].oid = 20001;
    s.databases["wh"] = Database{5, "dbowner", {acl(kConnectRole, "CONNECT")}};
    Schema& sc = s.schemas["s"];
    sc.oid = 2200;
    sc.owner = "dbowner";
    sc.acl = {acl(kUsageRole, "USAGE"), acl("alice", "CREATE")};
    s.relations[100] = relation(100, "t", 'r', "dbowner", {acl(kSelectRole, "SELECT")});
    s.relations[101] = relation(101, "v", 'v', "dbowner", {acl("alice", "SELECT")});
    s.relations[102] = relation(102, "w", 'r', "alice", {acl("alice", "SELECT")});
    s.relations[102].owned_sequences = {103};
    s.relations[103] = relation(103, "w_id_seq", 'S', "alice", {});
    s.relations[103].linked = true;
    for (const auto& [oid, r] : s.relations) s.relation_by_name[{r.schema, r.name}] = oid;
    s.touched_relations["alice"] = {101, 102, 103};
    s.touched_schemas["alice"] = {"s"};
    for (const std::string& r : {kConnectRole, kSelectRole, kUsageRole}) s.intermediates[r] = unmarked();
    s.usage = {{"alice", "s"}, {"dbowner", "s"}, {"admin", "s"}};
    for (const char* r : {"alice", "team", "dbowner"}) {
        s.standing[r].can_set = true;
        s.standing[r].has_privileges = true;
    }
    return s;
}

RoleFacts facts(const std::string& name, std::vector<std::string> attributes = {},
                std::vector<NotExpressible> other = {}) {
    return RoleFacts{name, false, std::move(attributes), std::move(other)};
}

const char* const kAliceDocument =
    R"([{"type":"login","password":null,"valid_until":"2030-12-30T16:00:00Z"},)"
    R"({"type":"database_connect","database":"wh"},)"
    R"({"type":"role_membership","role":"team"},)"
    R"({"type":"schema_usage","schema":"s"},)"
    R"({"type":"schema_create","schema":"s","direct":true},)"
    R"({"type":"table_ownership","schema":"s","table":"w"},)"
    R"({"type":"table_select","schema":"s","table":"t"},)"
    R"({"type":"table_select","schema":"s","table":"v","direct":true}])";

// The request sync would make of describe's document (its login's
// valid_until read back as the instant the snapshot holds: the server reads
// the text).
Request request_of(const std::string& json, const Snapshot& snap, const std::string& role) {
    auto parsed = spec::parse_grants(json);
    EXPECT_TRUE(std::holds_alternative<spec::Document>(parsed)) << std::get<spec::Error>(parsed).message;
    const spec::Document& doc = std::get<spec::Document>(parsed);
    DesiredRole r;
    r.name = role;
    r.grants = doc.grants;
    if (doc.login) {
        DesiredLogin l;
        l.valid_until = snap.roles.at(role).valid_until.value_or(kForever);
        l.valid_until_text = doc.login->valid_until.value_or("infinity");
        r.login = l;
    }
    Request req;
    req.roles = {r};
    return req;
}

Plan plan_of(const std::string& json, const Snapshot& snap, const std::string& role) {
    return make_plan(request_of(json, snap, role), snap, [](const std::string& p) { return p + "ffffffff"; });
}

TEST(Describe, IntermediateRolesDirectGrantsOwnershipAndLogin) {
    Snapshot snap = alice();
    EXPECT_EQ(describe(snap, facts("alice")), kAliceDocument);
}

TEST(Describe, RoundTripPlansNothing) {
    Snapshot snap = alice();
    Plan p = plan_of(describe(snap, facts("alice")), snap, "alice");
    EXPECT_FALSE(p.error) << p.error->message;
    EXPECT_TRUE(p.empty()) << p.statements.size() << " statements";
}

TEST(Describe, WhatNoElementExpressesIsListedAndTheRoundTripStillParses) {
    Snapshot snap = alice();
    snap.relations[101].acl.push_back(acl("alice", "INSERT"));
    snap.relations[101].columns.push_back({"a", acl("alice", "UPDATE")});
    snap.schemas["s"].acl[1].grantable = true;
    snap.roles["alice"].admin_of = {"team"};
    std::string doc = describe(snap, facts("alice", {"CREATEDB"}, {{"EXECUTE", "function s.f(integer)"}}));
    for (const char* element : {
             R"({"type":"not_expressible","privilege":"CREATE WITH GRANT OPTION","object":"schema \"s\""})",
             R"({"type":"not_expressible","privilege":"UPDATE","object":"column \"s\".\"v\".\"a\""})",
             R"x({"type":"not_expressible","privilege":"EXECUTE","object":"function s.f(integer)"})x",
             R"({"type":"not_expressible","privilege":"ADMIN OPTION","object":"membership in role \"team\""})",
             R"({"type":"not_expressible","privilege":"CREATEDB","object":"role \"alice\""})",
             R"({"type":"not_expressible","privilege":"INSERT","object":"view \"s\".\"v\""})"})
        EXPECT_NE(doc.find(element), std::string::npos) << element << "\nin " << doc;
    // Its keys are the document's own: nothing in it is taken for a password.
    EXPECT_FALSE(spec::may_hold_secret(doc));
    auto parsed = spec::parse_grants(doc);
    ASSERT_TRUE(std::holds_alternative<spec::Document>(parsed));
    EXPECT_EQ(std::get<spec::Document>(parsed).notes, 6u);
    EXPECT_EQ(std::get<spec::Document>(parsed).grants.size(), 7u);
    // sync still manages what it manages: the plan takes them away.
    Plan p = plan_of(doc, snap, "alice");
    EXPECT_FALSE(p.empty());
}

TEST(Describe, OrphanAndForeignIntermediateRoles) {
    Snapshot snap = alice();
    const std::string orphan = "_pgsr_local_16384_table_select_0000000a";
    const std::string foreign = "_pgsr_local_99999_table_select_0000000b";
    snap.roles["alice"].member_of.insert(orphan);
    snap.roles["alice"].member_of.insert(foreign);
    snap.foreign_intermediates = {foreign};
    snap.roles[orphan].oid = 20010;  // as read() reads the roles a request declares
    std::string doc = describe(snap, facts("alice"));
    // A role that holds nothing here is still a role she is a member of.
    EXPECT_NE(doc.find(R"({"type":"role_membership","role":")" + orphan + "\"}"), std::string::npos) << doc;
    // Another database's is that database's: noted, not declared.
    EXPECT_EQ(doc.find(R"("role":")" + foreign), std::string::npos) << doc;
    EXPECT_NE(doc.find("role \\\"" + foreign + "\\\" (an intermediate role of another database)"), std::string::npos)
        << doc;
    Plan p = plan_of(doc, snap, "alice");
    EXPECT_TRUE(p.empty()) << p.statements.size() << " statements, the first " << action_name(action_of(p.statements.at(0)))
                           << (p.error ? p.error->message : "");
}

TEST(Describe, NoLoginAndLoginForever) {
    Snapshot snap = alice();
    snap.roles["alice"].can_login = false;
    EXPECT_EQ(describe(snap, facts("alice")).find("login"), std::string::npos);
    snap.roles["alice"].can_login = true;
    snap.roles["alice"].valid_until = std::nullopt;
    EXPECT_EQ(describe(snap, facts("alice")).rfind(R"([{"type":"login","password":null,"valid_until":null},)", 0), 0u);
    snap.roles["alice"].valid_until = kForever;
    EXPECT_EQ(describe(snap, facts("alice")).rfind(R"([{"type":"login","password":null,"valid_until":null},)", 0), 0u);
}

TEST(Describe, MembershipOptionsFrom16On) {
    Snapshot snap = alice();
    snap.server.role_options = true;
    snap.roles["alice"].inherits = {kConnectRole, kSelectRole};  // not kUsageRole
    snap.roles["alice"].settable = {};                            // team without SET
    std::string doc = describe(snap, facts("alice"));
    EXPECT_NE(doc.find(R"("privilege":"INHERIT FALSE","object":"membership in role \")" + kUsageRole), std::string::npos)
        << doc;
    EXPECT_NE(doc.find(R"("privilege":"SET FALSE","object":"membership in role \"team\"")"), std::string::npos) << doc;
    EXPECT_EQ(doc.find("INHERIT FALSE\",\"object\":\"membership in role \\\"team"), std::string::npos) << doc;
}

TEST(Describe, Many) {
    Snapshot snap = alice();
    EXPECT_EQ(describe_many(snap, {facts("alice"), facts("team")}),
              std::string(R"({"alice":)") + kAliceDocument + R"(,"team":[]})");
    EXPECT_EQ(describe_many(snap, {}), "{}");
}

TEST(MayDescribe, RolesTheCallerCouldSync) {
    Snapshot snap = alice();
    EXPECT_FALSE(may_describe(snap, facts("alice")));
    auto self = may_describe(snap, facts("admin"));
    ASSERT_TRUE(self);
    EXPECT_EQ(self->sqlstate, "42501");
    RoleFacts super = facts("root");
    super.superuser = true;
    ASSERT_TRUE(may_describe(snap, super));
    EXPECT_NE(may_describe(snap, super)->message.find("is a superuser"), std::string::npos);
    snap.caller.createrole = false;
    ASSERT_TRUE(may_describe(snap, facts("alice")));
    EXPECT_NE(may_describe(snap, facts("alice"))->message.find("no CREATEROLE"), std::string::npos);
    snap.caller.superuser = true;
    EXPECT_FALSE(may_describe(snap, super));
}

TEST(MayDescribe, From16OnAdminOptionIsNeeded) {
    Snapshot snap = alice();
    snap.server.role_options = true;
    auto e = may_describe(snap, facts("alice"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->hint, R"(A superuser can run: GRANT "alice" TO "admin" WITH ADMIN OPTION, INHERIT FALSE, SET FALSE;)");
    snap.standing["alice"].admin = true;
    EXPECT_FALSE(may_describe(snap, facts("alice")));
}

TEST(IsoTimestamp, ReadsBackAsTheSameInstant) {
    EXPECT_EQ(iso_timestamp(0), "2000-01-01T00:00:00Z");
    EXPECT_EQ(iso_timestamp(978192000000000), "2030-12-30T16:00:00Z");
    EXPECT_EQ(iso_timestamp(992601296789000), "2031-06-15T10:34:56.789000Z");
    EXPECT_EQ(iso_timestamp(-500000), "1999-12-31T23:59:59.500000Z");
    EXPECT_EQ(iso_timestamp(-63082281600000000), "0001-01-01T00:00:00Z");
    EXPECT_EQ(iso_timestamp(-63082281600000000 - 86400000000), "0001-12-31T00:00:00Z BC");
    EXPECT_EQ(iso_timestamp(kForever), "infinity");
    EXPECT_EQ(iso_timestamp(INT64_MIN), "-infinity");
}

}  // namespace
