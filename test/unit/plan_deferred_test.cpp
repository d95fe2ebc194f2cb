// Snapshot::deferred: the caller's standing towards roles and the roles'
// USAGE of schemas, asked only when the planner needs them.  A plan made
// with them deferred is the plan made with them in the maps, and a plan with
// nothing to change asks for none of them (so that a sync with nothing to do
// runs no privilege check in the server).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "plan/plan.hpp"

namespace {

using namespace pgsr::plan;
namespace spec = pgsr::spec;

// Answers from maps, counting the questions.
class Answers : public Deferred {
public:
    std::map<std::string, Standing> standing_;
    std::set<std::pair<std::string, std::string>> usage_;
    std::map<std::pair<std::string, std::string>, int> usage_needs_;
    int asked = 0;
    int needs_asked = 0;

    std::optional<Standing> standing(const std::string& role) override {
        ++asked;
        auto it = standing_.find(role);
        if (it == standing_.end()) return std::nullopt;
        return it->second;
    }
    bool usage(const std::string& role, const std::string& schema) override {
        ++asked;
        return usage_.count({role, schema}) != 0;
    }
    int usage_needs(const std::string& role, const std::string& schema) override {
        ++asked;
        ++needs_asked;
        auto it = usage_needs_.find({role, schema});
        return it == usage_needs_.end() ? 0 : it->second;
    }
    // (role, schema) -> the grantees whose USAGE it uses ("" PUBLIC); a pair
    // not listed keeps its USAGE whatever is revoked.
    std::map<std::pair<std::string, std::string>, std::set<std::string>> usage_through_;
    bool usage_after(const std::string& role, const std::string& schema, const std::set<std::string>& lost,
                     bool) override {
        ++asked;
        auto it = usage_through_.find({role, schema});
        if (it == usage_through_.end()) return true;
        for (const std::string& g : it->second)
            if (!lost.count(g)) return true;
        return false;
    }
};

// The same snapshot with standing and usage moved to a Deferred.
std::pair<Snapshot, std::shared_ptr<Answers>> deferred(Snapshot snap) {
    auto answers = std::make_shared<Answers>();
    answers->standing_ = std::move(snap.standing);
    answers->usage_ = std::move(snap.usage);
    answers->usage_needs_ = std::move(snap.usage_needs);
    answers->usage_through_ = std::move(snap.usage_through);
    snap.usage_through.clear();
    snap.standing.clear();
    snap.usage.clear();
    snap.usage_needs.clear();
    snap.deferred = answers;
    return {std::move(snap), answers};
}

spec::Grant grant(spec::Kind kind, std::size_t index) {
    spec::Grant g;
    g.kind = kind;
    g.index = index;
    return g;
}

Request request(const std::string& role, std::vector<spec::Grant> grants) {
    Request r;
    DesiredRole d;
    d.name = role;
    d.grants = std::move(grants);
    r.roles.push_back(std::move(d));
    return r;
}

// "alice" holds SELECT on s.t directly, granted by "grantor" and "owner";
// the caller "admin" is a member of both and may use schema s.
Snapshot snapshot() {
    Snapshot s;
    s.server = ServerRules{false, false};
    s.caller.name = "admin";
    s.caller.createrole = true;
    s.database_oid = 16384;
    s.roles["alice"].oid = 16401;
    Schema sc;
    sc.oid = 2200;
    sc.owner = "owner";
    s.schemas["s"] = sc;
    s.usage = {{"admin", "s"}, {"grantor", "s"}, {"alice", "s"}};
    for (const char* r : {"owner", "grantor"}) {
        s.standing[r].can_set = true;
        s.standing[r].has_privileges = true;
        s.standing[r].direct_member = true;
    }
    Relation rel;
    rel.oid = 100;
    rel.schema = "s";
    rel.name = "t";
    rel.owner = "owner";
    rel.acl = {{"alice", "owner", "SELECT", false}, {"alice", "grantor", "INSERT", false}};
    s.relations[100] = rel;
    s.relation_by_name[{"s", "t"}] = 100;
    s.touched_relations["alice"] = {100};
    return s;
}

std::vector<std::string> shown(const Plan& p) {
    std::vector<std::string> out;
    for (const Statement& s : p.statements) out.push_back(action_name(action_of(s)));
    if (p.error) out.push_back("error " + p.error->sqlstate + " " + p.error->message);
    return out;
}

// Privilege statements as "AS role: GRANT privs ON name TO grantee", others
// by their action.
std::string describe_statement(const Statement& s) {
    auto privs = [](const auto& st, const char* verb, const char* to) {
        std::string out = st.as_role.empty() ? "" : "AS " + st.as_role + ": ";
        out += verb;
        for (std::size_t i = 0; i < st.privileges.size(); ++i) out += (i ? ", " : " ") + st.privileges[i];
        std::string name = st.object.schema.empty() ? st.object.name
                           : st.object.name.empty() ? st.object.schema
                                                    : st.object.schema + "." + st.object.name;
        return out + " ON " + name + to + st.grantee;
    };
    if (auto g = std::get_if<GrantPrivileges>(&s)) return privs(*g, "GRANT", " TO ");
    if (auto r = std::get_if<RevokePrivileges>(&s)) return privs(*r, "REVOKE", " FROM ");
    return action_name(action_of(s));
}

Plan plan(const Request& req, const Snapshot& snap) {
    int n = 0;
    return make_plan(req, snap, [&n](const std::string& prefix) { return prefix + std::to_string(++n); });
}

spec::Grant direct_select(std::size_t index) {
    spec::Grant g = grant(spec::Kind::table_select, index);
    g.schema = "s";
    g.table = "t";
    g.direct = true;
    return g;
}

TEST(Deferred, GivesThePlanTheMapsGive) {
    for (bool keep_select : {false, true}) {
        Request req = request("alice", keep_select ? std::vector<spec::Grant>{direct_select(0)} : std::vector<spec::Grant>{});
        Snapshot eager = snapshot();
        auto [lazy, answers] = deferred(snapshot());
        Plan a = plan(req, eager), b = plan(req, lazy);
        EXPECT_FALSE(a.statements.empty());
        EXPECT_EQ(shown(a), shown(b));
        EXPECT_GT(answers->asked, 0);
    }
}

TEST(Deferred, UsageThroughARevokedMembershipIsAskedOnlyWhenThePlanRevokesOne) {
    // "grantor" may use "s" only through alice's membership of "team", which
    // alice loses unless she declares it: then its REVOKE needs USAGE lent.
    Snapshot snap = snapshot();
    snap.roles["alice"].member_of = {"team"};
    snap.standing["team"].can_set = true;
    snap.usage_needs[{"grantor", "s"}] = Snapshot::kThroughTargets | Snapshot::kThroughEither;
    spec::Grant team = grant(spec::Kind::role_membership, 1);
    team.role = "team";
    for (bool keep_team : {false, true}) {
        Request req = request("alice", keep_team ? std::vector<spec::Grant>{direct_select(0), team}
                                                 : std::vector<spec::Grant>{direct_select(0)});
        Snapshot eager = snap;
        auto [lazy, answers] = deferred(snap);
        Plan a = plan(req, eager), b = plan(req, lazy);
        std::vector<std::string> got = shown(a);
        EXPECT_EQ(got, shown(b));
        bool lent = std::count(got.begin(), got.end(), "grant") > 0;
        EXPECT_EQ(lent, !keep_team) << testing::PrintToString(got);
        EXPECT_EQ(answers->needs_asked > 0, !keep_team);
    }
}

TEST(Deferred, UsageThroughAGrantTheFormerOwnerMadeIsLent) {
    // alice owns schema "s" and loses it (not declared).  "grantor" may use
    // "s" only through "other", to which alice granted USAGE: that grant goes
    // with the schema (REVOKE ... CASCADE as alice), before grantor's REVOKE of
    // INSERT from alice runs, which then needs USAGE lent by the new owner.
    Snapshot snap = snapshot();
    snap.schemas["s"].owner = "alice";
    snap.schemas["s"].acl = {{"other", "alice", "USAGE", false}};
    snap.touched_schemas["alice"] = {"s"};
    snap.standing["alice"].can_set = snap.standing["alice"].has_privileges = true;
    snap.usage_through[{"grantor", "s"}] = {"other"};
    Request req = request("alice", {});
    Snapshot eager = snap;
    auto [lazy, answers] = deferred(snap);
    Plan a = plan(req, eager), b = plan(req, lazy);
    ASSERT_FALSE(a.error) << a.error->message;
    std::vector<std::string> got = shown(a);
    EXPECT_EQ(got, shown(b));
    // The schema's USAGE revoked from "other", the schema given away, then
    // the grantor's REVOKE wrapped in a GRANT and a REVOKE of USAGE.
    std::vector<std::string> described;
    for (const Statement& s : a.statements) described.push_back(describe_statement(s));
    auto at = [&](const std::string& text) {
        auto it = std::find(described.begin(), described.end(), text);
        return it == described.end() ? -1 : static_cast<int>(it - described.begin());
    };
    int lost = at("AS alice: REVOKE USAGE ON s FROM other"), revoke = at("AS grantor: REVOKE INSERT ON s.t FROM alice");
    ASSERT_NE(lost, -1) << testing::PrintToString(described);
    ASSERT_NE(revoke, -1) << testing::PrintToString(described);
    EXPECT_LT(lost, revoke);
    ASSERT_GT(revoke, 0);
    EXPECT_NE(described[revoke - 1].find("GRANT USAGE ON s TO grantor"), std::string::npos)
        << testing::PrintToString(described);
    // With USAGE of its own as well, nothing is lent to it.
    snap.usage_through[{"grantor", "s"}] = {"other", "grantor"};
    for (const Statement& st : plan(req, snap).statements)
        EXPECT_EQ(describe_statement(st).find("USAGE ON s TO grantor"), std::string::npos) << describe_statement(st);
}

TEST(Deferred, UsageThroughTheFormerOwnerOfASchemaGivenAwayIsLent) {
    // alice is given schema "s"; "grantor" could use it only through its
    // owner (a member of "owner").  Its REVOKE of INSERT from alice then needs
    // USAGE lent.
    Snapshot snap = snapshot();
    snap.standing["alice"].can_set = snap.standing["alice"].has_privileges = true;
    snap.usage_through[{"grantor", "s"}] = {"owner"};
    spec::Grant own = grant(spec::Kind::schema_ownership, 1);
    own.schema = "s";
    Request req = request("alice", {direct_select(0), own});
    Snapshot eager = snap;
    auto [lazy, answers] = deferred(snap);
    Plan a = plan(req, eager), b = plan(req, lazy);
    ASSERT_FALSE(a.error) << a.error->message;
    EXPECT_EQ(shown(a), shown(b));
    std::vector<std::string> described;
    for (const Statement& s : a.statements) described.push_back(describe_statement(s));
    auto it = std::find(described.begin(), described.end(), "AS grantor: REVOKE INSERT ON s.t FROM alice");
    ASSERT_NE(it, described.end()) << testing::PrintToString(described);
    ASSERT_NE(it, described.begin());
    EXPECT_NE((it - 1)->find("GRANT USAGE ON s TO grantor"), std::string::npos) << testing::PrintToString(described);
    // Through a grant of its own, nothing is lent.
    snap.usage_through[{"grantor", "s"}] = {"owner", "grantor"};
    for (const Statement& st : plan(req, snap).statements)
        EXPECT_EQ(describe_statement(st).find("USAGE ON s TO grantor"), std::string::npos) << describe_statement(st);
}

TEST(Deferred, APlanWithNothingToChangeAsksNothing) {
    Snapshot snap = snapshot();
    snap.relations[100].acl = {{"alice", "owner", "SELECT", false}};
    auto [lazy, answers] = deferred(snap);
    Plan p = plan(request("alice", {direct_select(0)}), lazy);
    EXPECT_TRUE(p.statements.empty()) << testing::PrintToString(shown(p));
    EXPECT_FALSE(p.error);
    EXPECT_EQ(answers->asked, 0);
}

TEST(Deferred, ADeferredThatKnowsNothingChangesNothing) {
    Snapshot snap = snapshot();
    auto answers = std::make_shared<Answers>();
    snap.deferred = answers;
    Plan with = plan(request("alice", {}), snap);
    snap.deferred.reset();
    Plan without = plan(request("alice", {}), snap);
    EXPECT_EQ(shown(with), shown(without));
}

}  // namespace
