// statement_role(): which role of a sync_many request a statement is about
// (the "role" column of sync_many's rows).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "plan/plan.hpp"

namespace {

using namespace pgsr::plan;

std::set<std::string> request(std::initializer_list<const char*> names) { return {names.begin(), names.end()}; }

TEST(StatementRole, TheRoleOfTheRequestAStatementIsAbout) {
    std::set<std::string> req = request({"alice", "bob"});
    ObjectRef t{ObjectType::table, "s", "t", 100};
    EXPECT_EQ(statement_role(CreateRole{"alice"}, req), "alice");
    EXPECT_EQ(statement_role(SetLogin{"bob", std::nullopt, "infinity"}, req), "bob");
    EXPECT_EQ(statement_role(RemoveLogin{"bob"}, req), "bob");
    EXPECT_EQ(statement_role(GrantRoles{{"team", "_pgsr_x"}, {"alice"}}, req), "alice");
    EXPECT_EQ(statement_role(RevokeRoles{{"team"}, {"bob", "carol"}}, req), "bob");
    EXPECT_EQ(statement_role(GrantPrivileges{{"SELECT"}, t, "alice", "owner"}, req), "alice");
    RevokePrivileges r;
    r.grantee = "bob";
    r.object = t;
    EXPECT_EQ(statement_role(r, req), "bob");
    EXPECT_EQ(statement_role(AlterOwner{t, "alice"}, req), "alice");
    EXPECT_EQ(statement_role(CreateSchema{"s", "bob"}, req), "bob");
}

TEST(StatementRole, NoneForOtherRolesOrSeveral) {
    std::set<std::string> req = request({"alice", "bob"});
    ObjectRef t{ObjectType::table, "s", "t", 100};
    EXPECT_FALSE(statement_role(CreateRole{"_pgsr_local_1_table_select_00000001"}, req));
    EXPECT_FALSE(statement_role(CommentOnRole{"alice", "x"}, req));
    EXPECT_FALSE(statement_role(GrantPrivileges{{"SELECT"}, t, "_pgsr_x", "owner"}, req));
    EXPECT_FALSE(statement_role(GrantRoles{{"team"}, {"alice", "bob"}}, req));
    EXPECT_FALSE(statement_role(GrantRoles{{"owner"}, {"admin"}}, req));  // the caller borrows
    EXPECT_FALSE(statement_role(AlterOwner{t, "_pgsr_owner_00000001"}, req));
    EXPECT_FALSE(statement_role(DropRole{{"alice"}}, req));
}

}  // namespace
