// parse_roles(): the roles document of sync_many, {"role": [grants], ...}.
// Each role's grants are checked as a grants document is, and every error
// names the role and the element: roles["alice"][2].schema.
#include <gtest/gtest.h>

#include <string>

#include "spec/spec.hpp"

namespace {

using namespace pgsr::spec;

const Error* error_of(const Result<std::vector<RoleDocument>>& r) { return std::get_if<Error>(&r); }

TEST(ParseRoles, RolesAndTheirGrantsInTheOrderOfTheirNames) {
    auto r = parse_roles(R"({"bob": [{"type": "login"}],
                             "alice": [{"type": "schema_usage", "schema": "s"}, {"type": "role_membership", "role": "t"}],
                             "carol": []})");
    ASSERT_FALSE(error_of(r)) << error_of(r)->message;
    const auto& roles = std::get<std::vector<RoleDocument>>(r);
    ASSERT_EQ(roles.size(), 3u);
    EXPECT_EQ(roles[0].name, "alice");
    ASSERT_EQ(roles[0].document.grants.size(), 2u);
    EXPECT_EQ(roles[0].document.grants[0].schema, "s");
    EXPECT_EQ(roles[0].document.grants[1].index, 1u);
    EXPECT_EQ(roles[1].name, "bob");
    EXPECT_TRUE(roles[1].document.login);
    EXPECT_EQ(roles[2].name, "carol");
    EXPECT_TRUE(roles[2].document.grants.empty());
}

TEST(ParseRoles, AnEmptyObjectIsNoRoles) {
    auto r = parse_roles("{}");
    ASSERT_FALSE(error_of(r));
    EXPECT_TRUE(std::get<std::vector<RoleDocument>>(r).empty());
}

TEST(ParseRoles, ErrorsNameTheRoleAndTheElement) {
    struct Case {
        const char* json;
        const char* message;
        const char* sqlstate;
    };
    const std::string long_name(64, 'x');
    const std::string long_case = "{\"" + long_name + "\": []}";
    for (const Case& c : {
             Case{R"({"alice": [{"type": "schema_usage"}, {}, {"type": "schema_usage", "schema": 1}]})",
                  "roles[\"alice\"][0].schema: missing", "22023"},
             Case{R"({"alice": [{"type": "schema_usage", "schema": "s"}, {"type": "table_select", "schema": "s", "table": 2}]})",
                  "roles[\"alice\"][1].table: expected a string", "22023"},
             Case{R"({"alice": {"type": "login"}})", "roles[\"alice\"]: expected a JSON array", "22023"},
             Case{R"({"a\"b": [1]})", "roles[\"a\\\"b\"][0]: expected an object", "22023"},
             Case{R"({"": []})", "roles[\"\"]: must not be empty", "22023"},
             Case{R"([{"type": "login"}])", "roles: expected a JSON object of role names and their grants", "22023"},
             Case{R"({"alice": [)", nullptr, "22023"},
             Case{R"({"alice": [{"type": "login"}, {"type": "login"}]})",
                  "roles[\"alice\"][1]: at most one \"login\" is allowed (another is roles[\"alice\"][0])", "22023"},
         }) {
        auto r = parse_roles(c.json);
        const Error* e = error_of(r);
        ASSERT_TRUE(e) << c.json;
        EXPECT_EQ(e->sqlstate, c.sqlstate) << c.json;
        if (c.message) {
            EXPECT_EQ(e->message, c.message) << c.json;
        }
    }
    auto r = parse_roles(long_case);
    ASSERT_TRUE(error_of(r));
    EXPECT_EQ(error_of(r)->sqlstate, "42622");
    EXPECT_EQ(error_of(r)->message.rfind("roles[\"" + long_name + "\"]: name is longer than 63 bytes", 0), 0u)
        << error_of(r)->message;
}

TEST(ParseRoles, Limits) {
    std::string many = "{";
    for (std::size_t i = 0; i <= kMaxRoles; ++i) many += (i ? ",\"r" : "\"r") + std::to_string(i) + "\": []";
    many += "}";
    auto r = parse_roles(many);
    ASSERT_TRUE(error_of(r));
    EXPECT_EQ(error_of(r)->sqlstate, "54000");
    EXPECT_EQ(error_of(r)->message, "roles: too many roles (more than 10000)");

    std::string deep = R"({"alice": [{"type": "login", "password": )" + std::string(40, '[') + std::string(40, ']') + "}]}";
    r = parse_roles(deep);
    ASSERT_TRUE(error_of(r));
    EXPECT_EQ(error_of(r)->message, "roles: nested too deeply (more than 32 levels in a role's grants)");

    std::string elements = R"({"alice": [)";
    for (std::size_t i = 0; i <= kMaxElements; ++i) elements += i ? ",{}" : "{}";
    elements += "]}";
    r = parse_roles(elements);
    ASSERT_TRUE(error_of(r));
    EXPECT_EQ(error_of(r)->message, "roles[\"alice\"]: too many elements (more than 10000)");
}

TEST(ParseRoles, ThePathNamesTheArgument) {
    auto r = parse_roles(R"({"alice": [1]})", "docs");
    ASSERT_TRUE(error_of(r));
    EXPECT_EQ(error_of(r)->message, "docs[\"alice\"][0]: expected an object");
    EXPECT_EQ(role_path("roles", "a\"b"), "roles[\"a\\\"b\"]");
}

}  // namespace
