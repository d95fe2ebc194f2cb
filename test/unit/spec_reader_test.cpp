// spec::Reader: a document read from values already parsed, as the server
// reads a jsonb argument (src/pg/call.cpp, read_jsonb), with no JSON text in
// between.  What it gives must be what the text gives: the same document, the
// same first error, the same limits, and the same answer on whether the
// document may hold a secret (README, "Passwords").  Each text below is
// parsed by Boost.JSON, and its values are fed to a Reader one by one.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "spec/spec.hpp"

namespace {

namespace json = boost::json;
using pgsr::spec::Document;
using pgsr::spec::Error;
using pgsr::spec::kMaxDepth;
using pgsr::spec::kMaxElements;
using pgsr::spec::Reader;
using pgsr::spec::RoleDocument;

// Feeds v as the server feeds a jsonb; stops when the reader does.
bool feed(const json::value& v, Reader& r) {
    switch (v.kind()) {
        case json::kind::null: return r.null();
        case json::kind::bool_: return r.boolean(v.get_bool());
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_: return r.number();
        case json::kind::string: return r.string(std::string_view(v.get_string().data(), v.get_string().size()));
        case json::kind::array:
            if (!r.begin_array()) return false;
            for (const json::value& e : v.get_array())
                if (!feed(e, r)) return false;
            return r.end();
        case json::kind::object:
            if (!r.begin_object()) return false;
            for (const auto& m : v.get_object())
                if (!r.key(std::string_view(m.key().data(), m.key().size())) || !feed(m.value(), r)) return false;
            return r.end();
    }
    return false;
}

json::value parsed(const std::string& text) {
    json::parse_options options;
    options.max_depth = 1000;
    return json::parse(text, {}, options);
}

std::string describe(const pgsr::spec::Result<Document>& r) {
    if (auto* e = std::get_if<Error>(&r)) return "error " + e->sqlstate + " " + e->message;
    const Document& d = std::get<Document>(r);
    std::string out = "document: " + std::to_string(d.grants.size()) + " grants, " + std::to_string(d.notes) +
                      " notes" + (d.login ? ", login" : "");
    for (const auto& g : d.grants)
        out += "; " + std::string(pgsr::spec::kind_name(g.kind)) + "@" + std::to_string(g.index) + " " +
               g.database + g.role + g.schema + "." + g.table + "/" + g.table_regex + (g.direct ? " direct" : "");
    return out;
}

std::string describe(const pgsr::spec::Result<std::vector<RoleDocument>>& r) {
    if (auto* e = std::get_if<Error>(&r)) return "error " + e->sqlstate + " " + e->message;
    std::string out;
    for (const RoleDocument& d : std::get<std::vector<RoleDocument>>(r))
        out += d.name + ": " + describe(pgsr::spec::Result<Document>(d.document)) + "\n";
    return out;
}

std::string nested(std::size_t levels) {
    return R"([{"type": "login"}, {"type": "schema_usage", "schema": )" + std::string(levels, '[') +
           std::string(levels, ']') + "}]";
}

std::string memberships(std::size_t n) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i)
        out += std::string(i ? "," : "") + R"({"type": "role_membership", "role": "r)" + std::to_string(i) + "\"}";
    return out + "]";
}

const std::vector<std::string>& grants_documents() {
    static const std::vector<std::string> docs = {
        "[]",
        "{}",
        "\"x\"",
        "5",
        "null",
        R"([{"type": "login"}])",
        R"([{"type": "login", "password": null, "valid_until": "2030-01-01 00:00:00+00"}])",
        R"([{"type": "login", "password": "hunter2"}])",
        R"([{"type": "login", "password": 12345678}])",
        R"([{"type": "login", "password": ""}])",
        R"([{"type": "login", "Password": "hunter2"}])",
        R"([{"type": "login"}, {"type": "login"}])",
        R"([{"type": "database_connect", "database": "d"}, {"type": "role_membership", "role": "r"},
            {"type": "schema_usage", "schema": "s", "direct": true},
            {"type": "table_select", "schema": "s", "table_regex": "^t", "direct": false},
            {"type": "table_ownership", "schema": "s", "table": "t"}])",
        R"([{"type": "table_select", "schema": "s", "table": "t", "table_regex": "^t"}])",
        R"([{"type": "table_select", "schema": "s"}])",
        R"([{"type": "table_select", "schema": "s", "table": ["t"]}])",
        R"([{"type": "schema_usage", "schema": "s", "direct": "yes"}])",
        R"([{"type": "schema_usage", "schema": 1}])",
        R"([{"type": "schema_usage"}])",
        R"([{"type": "schema_usage", "schema": "s", "note": 1}])",
        R"([{"type": "schema_usage", "schema": ""}])",
        R"([{"type": "role_membership", "role": ")" + std::string(64, 'x') + "\"}]",
        R"([{"type": "bogus"}])",
        R"([{"type": 1}, "x", 2, null])",
        R"(["x"])",
        R"([{"type": "not_expressible", "privilege": "TRUNCATE", "object": "table \"s\".\"t\""}])",
        R"([{"type": "not_expressible", "privilege": "TRUNCATE"}])",
        nested(kMaxDepth - 2),
        nested(kMaxDepth - 1),
        nested(100),
        std::string(kMaxDepth + 5, '[') + std::string(kMaxDepth + 5, ']'),
        memberships(kMaxElements),
        memberships(kMaxElements + 1),
    };
    return docs;
}

TEST(Reader, GrantsDocumentsReadAsTheirTextIsParsed) {
    for (const std::string& text : grants_documents()) {
        json::value values = parsed(text);  // the reader's strings point into it
        Reader reader;
        feed(values, reader);
        EXPECT_EQ(reader.may_hold_secret(), pgsr::spec::may_hold_secret(text)) << text.substr(0, 200);
        EXPECT_EQ(describe(reader.grants("grants")), describe(pgsr::spec::parse_grants(text, "grants")))
            << text.substr(0, 200);
    }
}

TEST(Reader, RolesDocumentsReadAsTheirTextIsParsed) {
    std::vector<std::string> docs = {
        "{}",
        "[]",
        R"({"alice": [], "bob": [{"type": "login"}]})",
        R"({"zed": [{"type": "role_membership", "role": "r"}], "alice": [{"type": "login", "password": null}]})",
        R"({"alice": [{"type": "login", "password": "hunter2"}]})",
        R"({"alice": "hunter2"})",
        R"({"alice": [{"type": "schema_usage", "schema": 1}], "bob": [{"type": "bogus"}]})",
        R"({"": []})",
        "{\"" + std::string(64, 'x') + "\": []}",
        R"({"alice": [], "bob": )" + nested(kMaxDepth - 2) + "}",
        R"({"alice": [], "bob": )" + nested(kMaxDepth - 1) + "}",
        R"({"alice": [], "bob": )" + nested(kMaxDepth) + "}",
        R"({"alice": )" + memberships(kMaxElements + 1) + "}",
        memberships(kMaxElements + 1),
    };
    for (const std::string& text : docs) {
        json::value values = parsed(text);
        Reader reader;
        feed(values, reader);
        EXPECT_EQ(reader.may_hold_secret(), pgsr::spec::may_hold_secret(text)) << text.substr(0, 200);
        EXPECT_EQ(describe(reader.roles("roles")), describe(pgsr::spec::parse_roles(text, "roles")))
            << text.substr(0, 200);
    }
}

// Past a limit the reader stops taking values, and says why.
TEST(Reader, StopsAtTheFirstExcess) {
    Reader deep;
    bool went = true;
    std::size_t levels = 0;
    while (went && levels < 1000) {
        went = deep.begin_array();
        ++levels;
    }
    EXPECT_FALSE(went);
    EXPECT_LE(levels, kMaxDepth + 2);
    EXPECT_TRUE(deep.may_hold_secret());
    auto d = deep.grants("grants");
    ASSERT_TRUE(std::holds_alternative<Error>(d));
    EXPECT_EQ(std::get<Error>(d).message, "grants[0]: nested too deeply (more than 32 levels)");

    Reader wide;
    ASSERT_TRUE(wide.begin_array());
    std::size_t n = 0;
    while (n < 2 * kMaxElements && wide.null()) ++n;
    EXPECT_EQ(n, kMaxElements);
    auto w = wide.grants("grants");
    ASSERT_TRUE(std::holds_alternative<Error>(w));
    EXPECT_EQ(std::get<Error>(w).sqlstate, "54000");
}

// However few its elements, a document of more values than any needs (a
// jsonb of 16 MB holds four million nulls, 40 bytes each once read) is
// refused, and what was read is not kept.
TEST(Reader, TooManyValuesAreRefused) {
    Reader reader;
    ASSERT_TRUE(reader.begin_array());
    ASSERT_TRUE(reader.begin_array());
    std::size_t n = 2;
    while (n < 5000000 && reader.null()) ++n;
    EXPECT_EQ(n, pgsr::spec::kMaxDocumentBytes / 8);
    EXPECT_TRUE(reader.may_hold_secret());
    auto r = reader.grants("grants");
    ASSERT_TRUE(std::holds_alternative<Error>(r));
    EXPECT_EQ(std::get<Error>(r).sqlstate, "54000");
    EXPECT_EQ(std::get<Error>(r).message, "grants: too large (more than 2097152 values)");
}

// Values given out of order (a key outside an object, an end with nothing
// open, or no value at all) are refused, and the document is not read.
TEST(Reader, MisuseIsRefused) {
    Reader none;
    EXPECT_TRUE(none.may_hold_secret());
    EXPECT_TRUE(std::holds_alternative<Error>(none.grants("grants")));

    Reader key;
    ASSERT_TRUE(key.begin_array());
    EXPECT_FALSE(key.key("type"));
    EXPECT_FALSE(key.end() && key.end());
    EXPECT_TRUE(std::holds_alternative<Error>(Reader().roles("roles")));

    Reader open;
    ASSERT_TRUE(open.begin_array());
    EXPECT_TRUE(open.may_hold_secret());
    EXPECT_TRUE(std::holds_alternative<Error>(open.grants("grants")));
}

}  // namespace
