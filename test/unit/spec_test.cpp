// Tests of the grants document parser (DESIGN.md, "The grants document").
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace {

using pgsr::spec::Document;
using pgsr::spec::Error;
using pgsr::spec::Grant;
using pgsr::spec::Kind;
using pgsr::spec::parse_grants;

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

// The document, or nullopt (and a failure naming the error) if it was refused.
std::optional<Document> accepted(const std::string& json, std::string_view path = "grants") {
    auto r = parse_grants(json, path);
    if (const Error* e = std::get_if<Error>(&r)) {
        ADD_FAILURE() << "refused: " << json << "\n  " << e->sqlstate << " " << e->message;
        return std::nullopt;
    }
    return std::move(std::get<Document>(r));
}

// The error, or nullopt (and a failure) if the document was accepted.
std::optional<Error> refused(const std::string& json, std::string_view path = "grants") {
    auto r = parse_grants(json, path);
    if (const Error* e = std::get_if<Error>(&r)) return *e;
    ADD_FAILURE() << "accepted: " << json;
    return std::nullopt;
}

// One-element documents.
std::string one(const std::string& body) { return "[{" + body + "}]"; }

// ------------------------------------------------------------ each grant type

TEST(ParseGrants, EmptyArrayIsAnEmptyDocument) {
    auto doc = accepted("[]");
    ASSERT_TRUE(doc);
    EXPECT_FALSE(doc->login);
    EXPECT_TRUE(doc->grants.empty());
    ASSERT_TRUE(accepted(" \n\t[ ]\n "));
}

TEST(ParseGrants, Login) {
    auto doc = accepted(one(R"("type": "login", "password": "s3cret", "valid_until": "2030-01-01 00:00:00+00")"));
    ASSERT_TRUE(doc);
    ASSERT_TRUE(doc->login);
    EXPECT_EQ(doc->login->index, 0u);
    ASSERT_TRUE(doc->login->password);
    EXPECT_EQ(doc->login->password->reveal(), "s3cret");
    ASSERT_TRUE(doc->login->valid_until);
    EXPECT_EQ(*doc->login->valid_until, "2030-01-01 00:00:00+00");
    EXPECT_TRUE(doc->grants.empty());
}

// describe() lists what no element can declare as "not_expressible"
// elements: checked, counted, and declaring nothing.
TEST(ParseGrants, NotExpressibleIsCheckedAndDeclaresNothing) {
    auto doc = accepted(R"x([{"type": "not_expressible", "privilege": "INSERT", "object": "table \"s\".\"t\""},
                            {"type": "schema_usage", "schema": "s"},
                            {"type": "not_expressible", "privilege": "EXECUTE", "object": "function f()"}])x");
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->notes, 2u);
    ASSERT_EQ(doc->grants.size(), 1u);
    EXPECT_EQ(doc->grants[0].index, 1u);
    EXPECT_FALSE(doc->login);
}

TEST(ParseGrants, LoginPasswordAndValidUntilMayBeNull) {
    auto doc = accepted(one(R"("type": "login", "password": null, "valid_until": null)"));
    ASSERT_TRUE(doc);
    ASSERT_TRUE(doc->login);
    EXPECT_FALSE(doc->login->password);
    EXPECT_FALSE(doc->login->valid_until);
}

TEST(ParseGrants, LoginPasswordAndValidUntilMayBeAbsent) {
    auto doc = accepted(one(R"("type": "login")"));
    ASSERT_TRUE(doc);
    ASSERT_TRUE(doc->login);
    EXPECT_FALSE(doc->login->password);
    EXPECT_FALSE(doc->login->valid_until);
}

TEST(ParseGrants, LoginScramSecretIsKeptAsGiven) {
    const std::string scram =
        "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5czA=:"
        "c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5czA=";
    auto doc = accepted(one(R"("type": "login", "password": ")" + scram + "\""));
    ASSERT_TRUE(doc);
    ASSERT_TRUE(doc->login && doc->login->password);
    EXPECT_EQ(doc->login->password->reveal(), scram);
}

TEST(ParseGrants, DatabaseConnect) {
    auto doc = accepted(one(R"("type": "database_connect", "database": "warehouse")"));
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->grants.size(), 1u);
    EXPECT_EQ(doc->grants[0].kind, Kind::database_connect);
    EXPECT_EQ(doc->grants[0].database, "warehouse");
    EXPECT_EQ(doc->grants[0].index, 0u);
    EXPECT_FALSE(doc->login);
}

TEST(ParseGrants, RoleMembership) {
    auto doc = accepted(one(R"("type": "role_membership", "role": "analysts")"));
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->grants.size(), 1u);
    EXPECT_EQ(doc->grants[0].kind, Kind::role_membership);
    EXPECT_EQ(doc->grants[0].role, "analysts");
}

TEST(ParseGrants, SchemaUsageDirectDefaultsToFalse) {
    auto doc = accepted(R"([{"type": "schema_usage", "schema": "s1"},
                            {"type": "schema_usage", "schema": "s2", "direct": true},
                            {"type": "schema_usage", "schema": "s3", "direct": false}])");
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->grants.size(), 3u);
    for (const Grant& g : doc->grants) EXPECT_EQ(g.kind, Kind::schema_usage);
    EXPECT_EQ(doc->grants[0].schema, "s1");
    EXPECT_FALSE(doc->grants[0].direct);
    EXPECT_EQ(doc->grants[1].schema, "s2");
    EXPECT_TRUE(doc->grants[1].direct);
    EXPECT_FALSE(doc->grants[2].direct);
}

TEST(ParseGrants, SchemaCreate) {
    auto doc = accepted(R"([{"type": "schema_create", "schema": "s1"},
                            {"type": "schema_create", "schema": "s2", "direct": true}])");
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->grants.size(), 2u);
    EXPECT_EQ(doc->grants[0].kind, Kind::schema_create);
    EXPECT_EQ(doc->grants[0].schema, "s1");
    EXPECT_FALSE(doc->grants[0].direct);
    EXPECT_TRUE(doc->grants[1].direct);
}

TEST(ParseGrants, SchemaOwnership) {
    auto doc = accepted(one(R"("type": "schema_ownership", "schema": "mine")"));
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->grants.size(), 1u);
    EXPECT_EQ(doc->grants[0].kind, Kind::schema_ownership);
    EXPECT_EQ(doc->grants[0].schema, "mine");
}

TEST(ParseGrants, TableSelectByName) {
    auto doc = accepted(one(R"("type": "table_select", "schema": "s", "table": "t", "direct": true)"));
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->grants.size(), 1u);
    const Grant& g = doc->grants[0];
    EXPECT_EQ(g.kind, Kind::table_select);
    EXPECT_EQ(g.schema, "s");
    EXPECT_EQ(g.table, "t");
    EXPECT_EQ(g.table_regex, "");
    EXPECT_TRUE(g.direct);
}

TEST(ParseGrants, TableSelectByRegex) {
    auto doc = accepted(one(R"("type": "table_select", "schema": "s", "table_regex": "^sales_\\d+$")"));
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->grants.size(), 1u);
    const Grant& g = doc->grants[0];
    EXPECT_EQ(g.kind, Kind::table_select);
    EXPECT_EQ(g.table, "");
    EXPECT_EQ(g.table_regex, "^sales_\\d+$");
    EXPECT_FALSE(g.direct);
}

TEST(ParseGrants, TableRegexIsNotANameAndMayBeLong) {
    std::string regex = "^(" + repeat("a", 100) + ")$";
    auto doc = accepted(one(R"("type": "table_select", "schema": "s", "table_regex": ")" + regex + "\""));
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->grants.at(0).table_regex, regex);
}

TEST(ParseGrants, TableOwnership) {
    auto doc = accepted(one(R"("type": "table_ownership", "schema": "s", "table": "t")"));
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->grants.size(), 1u);
    EXPECT_EQ(doc->grants[0].kind, Kind::table_ownership);
    EXPECT_EQ(doc->grants[0].schema, "s");
    EXPECT_EQ(doc->grants[0].table, "t");
}

TEST(ParseGrants, KeyOrderDoesNotMatter) {
    auto doc = accepted(one(R"("table": "t", "schema": "s", "type": "table_ownership")"));
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->grants.at(0).table, "t");
}

TEST(ParseGrants, IndexesAreZeroBasedPositionsInTheDocument) {
    auto doc = accepted(R"([{"type": "role_membership", "role": "a"},
                            {"type": "login"},
                            {"type": "database_connect", "database": "d"},
                            {"type": "table_ownership", "schema": "s", "table": "t"}])");
    ASSERT_TRUE(doc);
    ASSERT_TRUE(doc->login);
    EXPECT_EQ(doc->login->index, 1u);
    ASSERT_EQ(doc->grants.size(), 3u);
    EXPECT_EQ(doc->grants[0].index, 0u);
    EXPECT_EQ(doc->grants[0].kind, Kind::role_membership);
    EXPECT_EQ(doc->grants[1].index, 2u);
    EXPECT_EQ(doc->grants[1].kind, Kind::database_connect);
    EXPECT_EQ(doc->grants[2].index, 3u);
    EXPECT_EQ(doc->grants[2].kind, Kind::table_ownership);
}

TEST(ParseGrants, NamesAreExactStrings) {
    // Case, spaces, quotes, dots and backslashes are kept: nothing is parsed or unquoted.
    auto doc = accepted(R"([{"type": "role_membership", "role": "Mixed Case"},
                            {"type": "role_membership", "role": " \"quoted\" "},
                            {"type": "table_ownership", "schema": "a.b", "table": "back\\slash"},
                            {"type": "database_connect", "database": "caf\u00e9"}])");
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->grants.size(), 4u);
    EXPECT_EQ(doc->grants[0].role, "Mixed Case");
    EXPECT_EQ(doc->grants[1].role, " \"quoted\" ");
    EXPECT_EQ(doc->grants[2].schema, "a.b");
    EXPECT_EQ(doc->grants[2].table, "back\\slash");
    EXPECT_EQ(doc->grants[3].database, "caf\xc3\xa9");
}

TEST(ParseGrants, KindNames) {
    using pgsr::spec::kind_name;
    EXPECT_STREQ(kind_name(Kind::database_connect), "database_connect");
    EXPECT_STREQ(kind_name(Kind::role_membership), "role_membership");
    EXPECT_STREQ(kind_name(Kind::schema_usage), "schema_usage");
    EXPECT_STREQ(kind_name(Kind::schema_create), "schema_create");
    EXPECT_STREQ(kind_name(Kind::schema_ownership), "schema_ownership");
    EXPECT_STREQ(kind_name(Kind::table_select), "table_select");
    EXPECT_STREQ(kind_name(Kind::table_ownership), "table_ownership");
}

// ------------------------------------------------------------ name lengths

// Every key that holds a name, in a document where the others are valid.
struct NameKey {
    const char* label;
    std::string before;  // the element's text before the name's value
    std::string after;   // and after it
    std::string key;
};

std::vector<NameKey> name_keys() {
    return {
        {"database", R"("type": "database_connect", "database": ")", "\"", "database"},
        {"role", R"("type": "role_membership", "role": ")", "\"", "role"},
        {"schema_usage", R"("type": "schema_usage", "schema": ")", "\"", "schema"},
        {"schema_create", R"("type": "schema_create", "schema": ")", "\"", "schema"},
        {"schema_ownership", R"("type": "schema_ownership", "schema": ")", "\"", "schema"},
        {"table_select_schema", R"("type": "table_select", "table": "t", "schema": ")", "\"", "schema"},
        {"table_select_table", R"("type": "table_select", "schema": "s", "table": ")", "\"", "table"},
        {"table_ownership_schema", R"("type": "table_ownership", "table": "t", "schema": ")", "\"", "schema"},
        {"table_ownership_table", R"("type": "table_ownership", "schema": "s", "table": ")", "\"", "table"},
    };
}

void PrintTo(const NameKey& k, std::ostream* os) { *os << k.label; }

class NameRules : public ::testing::TestWithParam<NameKey> {
protected:
    // The name as the second element, so the index in messages is 1.
    std::string doc(const std::string& name) const {
        return R"([{"type": "login"}, {)" + GetParam().before + name + GetParam().after + "}]";
    }
    std::string path() const { return "grants[1]." + GetParam().key; }
    static std::string value(const Document& d, const std::string& key) {
        const Grant& g = d.grants.at(0);
        if (key == "database") return g.database;
        if (key == "role") return g.role;
        if (key == "schema") return g.schema;
        return g.table;
    }
};

TEST_P(NameRules, EmptyIsRefused) {
    auto e = refused(doc(""));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "22023");
    EXPECT_EQ(e->message, path() + ": must not be empty");
}

TEST_P(NameRules, SixtyThreeBytesAreAccepted) {
    std::string name = repeat("n", 63);
    auto d = accepted(doc(name));
    ASSERT_TRUE(d);
    EXPECT_EQ(value(*d, GetParam().key), name);  // not truncated
}

TEST_P(NameRules, SixtyFourBytesAreRefusedWith42622) {
    auto e = refused(doc(repeat("n", 64)));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "42622");
    EXPECT_EQ(e->message, path() + ": name is longer than 63 bytes (64)");
}

TEST_P(NameRules, MultiByteNamesAreCountedInBytes) {
    // 31 two-byte characters and one byte: 32 characters, 63 bytes.
    std::string e_acute = "\xc3\xa9";
    std::string fits = repeat(e_acute, 31) + "x";
    auto d = accepted(doc(fits));
    ASSERT_TRUE(d);
    EXPECT_EQ(value(*d, GetParam().key), fits);

    // 32 characters, 64 bytes.
    auto e = refused(doc(repeat(e_acute, 32)));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "42622");
    EXPECT_EQ(e->message, path() + ": name is longer than 63 bytes (64)");

    // 22 three-byte characters: 66 bytes, though far fewer than 63 characters.
    e = refused(doc(repeat("\xe2\x82\xac", 22)));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "42622");
    EXPECT_EQ(e->message, path() + ": name is longer than 63 bytes (66)");

    // The same, written as JSON escapes: counted once decoded (\u20ac is 3 bytes).
    e = refused(doc(repeat("\\u20ac", 21) + "x"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "42622");
    EXPECT_EQ(e->message, path() + ": name is longer than 63 bytes (64)");
    ASSERT_TRUE(accepted(doc(repeat("\\u20ac", 21))));  // 63 bytes
}

INSTANTIATE_TEST_SUITE_P(EveryNameKey, NameRules, ::testing::ValuesIn(name_keys()),
                         [](const auto& info) { return std::string(info.param.label); });

// ------------------------------------------------------------ refused documents

// A document and the exact error it must give.
struct Bad {
    const char* label;
    std::string json;
    std::string message;
    std::string sqlstate = "22023";
};

void PrintTo(const Bad& b, std::ostream* os) { *os << b.label << ": " << b.json; }

const char* const kKnownTypes =
    "(expected one of: login, database_connect, role_membership, schema_usage, schema_create, "
    "schema_ownership, table_select, table_ownership, not_expressible)";

std::vector<Bad> bad_documents() {
    return {
        // Not an array.
        {"object", R"({"type": "login"})", "grants: expected a JSON array"},
        {"string", R"("[]")", "grants: expected a JSON array"},
        {"number", "42", "grants: expected a JSON array"},
        {"null", "null", "grants: expected a JSON array"},
        {"boolean", "true", "grants: expected a JSON array"},

        // A not_expressible element holds two non-empty strings, nothing else.
        {"note_without_object", R"([{"type": "not_expressible", "privilege": "INSERT"}])", "grants[0].object: missing"},
        {"note_empty_privilege", R"([{"type": "not_expressible", "privilege": "", "object": "x"}])",
         "grants[0].privilege: must not be empty"},
        {"note_number", R"([{"type": "not_expressible", "privilege": 1, "object": "x"}])",
         "grants[0].privilege: expected a string"},
        {"note_extra_key", R"([{"type": "not_expressible", "privilege": "INSERT", "object": "x", "schema": "s"}])",
         "grants[0].schema: unexpected key for type \"not_expressible\""},

        // Elements that are not objects; indexes are 0-based.
        {"number_element", "[1]", "grants[0]: expected an object"},
        {"string_element", R"(["login"])", "grants[0]: expected an object"},
        {"null_element", "[null]", "grants[0]: expected an object"},
        {"array_element", R"([{"type": "login"}, [{"type": "login"}]])", "grants[1]: expected an object"},
        {"third_element", R"([{"type": "role_membership", "role": "a"},
                              {"type": "role_membership", "role": "b"}, 3])",
         "grants[2]: expected an object"},

        // The type.
        {"missing_type", R"([{"role": "a"}])", "grants[0].type: missing"},
        {"empty_object", "[{}]", "grants[0].type: missing"},
        {"number_type", R"([{"type": 1}])", "grants[0].type: expected a string"},
        {"null_type", R"([{"type": null}])", "grants[0].type: expected a string"},
        {"array_type", R"([{"type": ["login"]}])", "grants[0].type: expected a string"},
        {"unknown_type", R"([{"type": "table_insert", "schema": "s"}])",
         std::string("grants[0].type: unknown type \"table_insert\" ") + kKnownTypes},
        {"type_is_case_sensitive", R"([{"type": "login"}, {"type": "Login"}])",
         std::string("grants[1].type: unknown type \"Login\" ") + kKnownTypes},
        {"empty_type", R"([{"type": ""}])", std::string("grants[0].type: unknown type \"\" ") + kKnownTypes},
        {"unknown_type_quoted", R"([{"type": "a\"b"}])",
         std::string("grants[0].type: unknown type \"a\\\"b\" ") + kKnownTypes},

        // Required keys.
        {"missing_database", R"([{"type": "database_connect"}])", "grants[0].database: missing"},
        {"missing_role", R"([{"type": "role_membership"}])", "grants[0].role: missing"},
        {"missing_schema_usage", R"([{"type": "schema_usage", "direct": true}])", "grants[0].schema: missing"},
        {"missing_schema_create", R"([{"type": "schema_create"}])", "grants[0].schema: missing"},
        {"missing_schema_ownership", R"([{"type": "schema_ownership"}])", "grants[0].schema: missing"},
        {"missing_table_select_schema", R"([{"type": "table_select", "table": "t"}])",
         "grants[0].schema: missing"},
        {"missing_table_ownership_schema", R"([{"type": "table_ownership", "table": "t"}])",
         "grants[0].schema: missing"},
        {"missing_table_ownership_table", R"([{"type": "table_ownership", "schema": "s"}])",
         "grants[0].table: missing"},

        // Extra keys: the message names the key and the type.
        {"extra_login", R"([{"type": "login", "passwd": "x"}])",
         "grants[0].passwd: unexpected key for type \"login\""},
        {"extra_database_connect", R"([{"type": "database_connect", "database": "d", "role": "r"}])",
         "grants[0].role: unexpected key for type \"database_connect\""},
        {"extra_role_membership", R"([{"type": "role_membership", "role": "r", "admin": true}])",
         "grants[0].admin: unexpected key for type \"role_membership\""},
        {"extra_schema_usage", R"([{"type": "schema_usage", "schema": "s", "table": "t"}])",
         "grants[0].table: unexpected key for type \"schema_usage\""},
        {"extra_schema_create", R"([{"type": "schema_create", "schema": "s", "table_regex": "."}])",
         "grants[0].table_regex: unexpected key for type \"schema_create\""},
        {"direct_on_schema_ownership", R"([{"type": "schema_ownership", "schema": "s", "direct": true}])",
         "grants[0].direct: unexpected key for type \"schema_ownership\""},
        {"extra_table_select", R"([{"type": "table_select", "schema": "s", "table": "t", "database": "d"}])",
         "grants[0].database: unexpected key for type \"table_select\""},
        {"direct_on_table_ownership",
         R"([{"type": "table_ownership", "schema": "s", "table": "t", "direct": false}])",
         "grants[0].direct: unexpected key for type \"table_ownership\""},
        {"extra_key_is_case_sensitive", R"([{"type": "role_membership", "Role": "r"}])",
         "grants[0].Role: unexpected key for type \"role_membership\""},
        {"extra_key_at_index_2", R"([{"type": "login"}, {"type": "role_membership", "role": "r"},
                                     {"type": "database_connect", "database": "d", "x": null}])",
         "grants[2].x: unexpected key for type \"database_connect\""},

        // Wrong JSON types, key by key.
        {"database_number", R"([{"type": "role_membership", "role": "a"},
                                {"type": "role_membership", "role": "b"},
                                {"type": "database_connect", "database": 7}])",
         "grants[2].database: expected a string"},
        {"database_null", R"([{"type": "database_connect", "database": null}])",
         "grants[0].database: expected a string"},
        {"role_array", R"([{"type": "role_membership", "role": ["r"]}])", "grants[0].role: expected a string"},
        {"role_bool", R"([{"type": "role_membership", "role": false}])", "grants[0].role: expected a string"},
        {"schema_object", R"([{"type": "schema_usage", "schema": {"name": "s"}}])",
         "grants[0].schema: expected a string"},
        {"schema_create_number", R"([{"type": "schema_create", "schema": 1.5}])",
         "grants[0].schema: expected a string"},
        {"schema_ownership_null", R"([{"type": "schema_ownership", "schema": null}])",
         "grants[0].schema: expected a string"},
        {"table_select_schema_number", R"([{"type": "table_select", "schema": 0, "table": "t"}])",
         "grants[0].schema: expected a string"},
        {"table_bool", R"([{"type": "table_select", "schema": "s", "table": true}])",
         "grants[0].table: expected a string"},
        {"table_null", R"([{"type": "table_select", "schema": "s", "table": null}])",
         "grants[0].table: expected a string"},
        {"table_ownership_table_number", R"([{"type": "table_ownership", "schema": "s", "table": 1}])",
         "grants[0].table: expected a string"},
        {"table_regex_number", R"([{"type": "table_select", "schema": "s", "table_regex": 1}])",
         "grants[0].table_regex: expected a string"},
        {"table_regex_null", R"([{"type": "table_select", "schema": "s", "table_regex": null}])",
         "grants[0].table_regex: expected a string"},
        {"password_number", R"([{"type": "login", "password": 1234}])",
         "grants[0].password: expected a string or null"},
        {"password_bool", R"([{"type": "login", "password": false}])",
         "grants[0].password: expected a string or null"},
        {"password_object", R"([{"type": "login", "password": {}}])",
         "grants[0].password: expected a string or null"},
        {"valid_until_number", R"([{"type": "login", "valid_until": 20300101}])",
         "grants[0].valid_until: expected a string or null"},
        {"valid_until_array", R"([{"type": "login", "valid_until": []}])",
         "grants[0].valid_until: expected a string or null"},

        // direct must be a boolean, for each type that takes it.
        {"direct_string", R"([{"type": "schema_usage", "schema": "s", "direct": "true"}])",
         "grants[0].direct: expected true or false"},
        {"direct_number", R"([{"type": "schema_create", "schema": "s", "direct": 1}])",
         "grants[0].direct: expected true or false"},
        {"direct_null", R"([{"type": "table_select", "schema": "s", "table": "t", "direct": null}])",
         "grants[0].direct: expected true or false"},

        // Login values.
        {"empty_password", R"([{"type": "login", "password": ""}])", "grants[0].password: must not be empty"},
        {"empty_valid_until", R"([{"type": "login", "valid_until": ""}])",
         "grants[0].valid_until: must not be empty"},

        // Two logins: the message names both elements.
        {"two_logins", R"([{"type": "login"}, {"type": "role_membership", "role": "r"}, {"type": "login"}])",
         "grants[2]: at most one \"login\" is allowed (another is grants[0])"},
        {"two_logins_later", R"([{"type": "role_membership", "role": "r"}, {"type": "login", "password": null},
                                 {"type": "login", "password": null}])",
         "grants[2]: at most one \"login\" is allowed (another is grants[1])"},

        // table_select: table or table_regex, exactly one.
        {"table_and_table_regex", R"([{"type": "table_select", "schema": "s", "table": "t", "table_regex": "^t"}])",
         "grants[0]: give either \"table\" or \"table_regex\", not both"},
        {"neither_table_nor_regex", R"([{"type": "table_select", "schema": "s"}])",
         "grants[0].table: missing (or give \"table_regex\")"},
        {"neither_table_nor_regex_direct", R"([{"type": "table_select", "schema": "s", "direct": true}])",
         "grants[0].table: missing (or give \"table_regex\")"},
        {"empty_table_regex", R"([{"type": "table_select", "schema": "s", "table_regex": ""}])",
         "grants[0].table_regex: must not be empty"},

        // Only the first error is reported.
        {"first_element_first", R"([{"type": "role_membership", "role": ""}, {"type": "nope"}])",
         "grants[0].role: must not be empty"},
    };
}

class BadDocument : public ::testing::TestWithParam<Bad> {};

TEST_P(BadDocument, IsRefusedWithExactMessage) {
    const Bad& b = GetParam();
    auto e = refused(b.json);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, b.message);
    EXPECT_EQ(e->sqlstate, b.sqlstate);
}

INSTANTIATE_TEST_SUITE_P(Rules, BadDocument, ::testing::ValuesIn(bad_documents()),
                         [](const auto& info) { return std::string(info.param.label); });

// ------------------------------------------------------------ invalid JSON

TEST(ParseGrants, InvalidJsonIsRefused) {
    const std::vector<std::string> texts = {
        "",
        "   ",
        "[",
        "[1,]",                        // trailing comma
        "[{\"type\": \"login\"}] []",  // trailing data
        "[{\"type\": \"login\",}]",
        "[{'type': 'login'}]",
        "[/* comment */]",
        "[{\"type\": \"login\" \"password\": \"x\"}]",
        "[\"\xff\"]",  // not UTF-8
        "[\"unterminated]",
    };
    for (const std::string& text : texts) {
        auto e = refused(text);
        ASSERT_TRUE(e) << text;
        EXPECT_EQ(e->sqlstate, "22023") << text;
        EXPECT_EQ(e->message.rfind("grants: not valid JSON (", 0), 0u) << e->message;
        EXPECT_EQ(e->message.back(), ')') << e->message;
    }
}

TEST(ParseGrants, PathNamesTheDocumentInMessages) {
    auto e = refused(R"([{"type": "login"}, {"type": "role_membership"}])", "roles.alice");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "roles.alice[1].role: missing");

    e = refused("{}", "roles.alice");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "roles.alice: expected a JSON array");

    e = refused("[", "roles.alice");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message.rfind("roles.alice: not valid JSON (", 0), 0u) << e->message;

    e = refused(R"([{"type": "login"}, {"type": "login"}])", "roles.alice");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "roles.alice[1]: at most one \"login\" is allowed (another is roles.alice[0])");
}

// ------------------------------------------------------------ check_name, element_path

TEST(CheckName, AcceptsOrdinaryNames) {
    EXPECT_FALSE(pgsr::spec::check_name("alice", "role_name"));
    EXPECT_FALSE(pgsr::spec::check_name("x", "role_name"));
    EXPECT_FALSE(pgsr::spec::check_name(repeat("r", 63), "role_name"));
    EXPECT_FALSE(pgsr::spec::check_name(repeat("\xc3\xa9", 31) + "r", "role_name"));
}

TEST(CheckName, RefusesEmpty) {
    auto e = pgsr::spec::check_name("", "role_name");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "22023");
    EXPECT_EQ(e->message, "role_name: must not be empty");
}

TEST(CheckName, RefusesLongNamesWith42622) {
    auto e = pgsr::spec::check_name(repeat("r", 64), "role_name");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "42622");
    EXPECT_EQ(e->message, "role_name: name is longer than 63 bytes (64)");

    e = pgsr::spec::check_name(repeat("\xc3\xa9", 32), "roles key");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "42622");
    EXPECT_EQ(e->message, "roles key: name is longer than 63 bytes (64)");

    e = pgsr::spec::check_name(repeat("r", 1000), "role_name");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "role_name: name is longer than 63 bytes (1000)");
}

TEST(ElementPath, IsPathAndZeroBasedIndex) {
    EXPECT_EQ(pgsr::spec::element_path("grants", 0), "grants[0]");
    EXPECT_EQ(pgsr::spec::element_path("grants", 3), "grants[3]");
    EXPECT_EQ(pgsr::spec::element_path("roles.alice", 12345), "roles.alice[12345]");
    EXPECT_EQ(pgsr::spec::element_path("", 1), "[1]");
}

}  // namespace
