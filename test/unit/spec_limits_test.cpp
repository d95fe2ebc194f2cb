// The limits on a grants document (size, elements, nesting) and the rule that
// decides whether a document may hold a secret (README, "The grants
// document" and "Passwords").
//
// The plain operator new/delete are replaced here to count what a call
// allocates: a document over the limits must be refused before it is built.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "spec/spec.hpp"

// g++ sees the free() below, inlined where a container releases memory from
// the operator new above, as mismatched; they are one malloc/free pair.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {

bool g_counting = false;
std::size_t g_allocated = 0;

struct Counting {
    Counting() {
        g_allocated = 0;
        g_counting = true;
    }
    ~Counting() { g_counting = false; }
};

}  // namespace

void* operator new(std::size_t n) {
    if (g_counting) g_allocated += n;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using pgsr::spec::Document;
using pgsr::spec::Error;
using pgsr::spec::kMaxDepth;
using pgsr::spec::kMaxDocumentBytes;
using pgsr::spec::kMaxElements;
using pgsr::spec::may_hold_secret;
using pgsr::spec::parse_grants;

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

std::optional<Error> error_of(const std::string& json, std::string_view path = "grants") {
    auto r = parse_grants(json, path);
    if (const Error* e = std::get_if<Error>(&r)) return *e;
    return std::nullopt;
}

// n role_membership elements, each naming another role.
std::string memberships(std::size_t n) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i)
        out += std::string(i ? "," : "") + R"({"type": "role_membership", "role": "r)" + std::to_string(i) + "\"}";
    return out + "]";
}

// A schema_usage element whose "schema" is `levels` arrays deep: the whole
// document is levels + 2 deep (the document's array, the element's object).
std::string deep_schema(std::size_t levels) {
    return R"([{"type": "schema_usage", "schema": )" + repeat("[", levels) + repeat("]", levels) + "}]";
}

// ------------------------------------------------------------ nesting

TEST(DocumentLimits, NestingUpToTheLimitGetsTheUsualMessage) {
    auto e = error_of(deep_schema(kMaxDepth - 2));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "22023");
    EXPECT_EQ(e->message, "grants[0].schema: expected a string");
}

TEST(DocumentLimits, DeeperNestingNamesWhereItIs) {
    for (std::size_t levels : {kMaxDepth - 1, std::size_t(100), std::size_t(100000)}) {
        auto e = error_of(deep_schema(levels));
        ASSERT_TRUE(e) << levels;
        EXPECT_EQ(e->sqlstate, "22023");
        EXPECT_EQ(e->message, "grants[0].schema: nested too deeply (more than 32 levels)") << levels;
    }
    auto e = error_of(R"([{"type": "login"}, {"type": "x", "extra": {"a": )" + repeat("[", 40) +
                      repeat("]", 40) + "}}]");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "grants[1].extra: nested too deeply (more than 32 levels)");

    e = error_of("[" + repeat("[", 40) + repeat("]", 40) + "]", "roles.alice");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "roles.alice[0]: nested too deeply (more than 32 levels)");

    e = error_of(repeat(R"({"a": )", 40) + "1" + repeat("}", 40));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->message, "grants: nested too deeply (more than 32 levels)");
}

// ------------------------------------------------------------ size

TEST(DocumentLimits, ElementsUpToTheLimitAreAccepted) {
    auto r = parse_grants(memberships(kMaxElements));
    ASSERT_TRUE(std::holds_alternative<Document>(r)) << std::get<Error>(r).message;
    EXPECT_EQ(std::get<Document>(r).grants.size(), kMaxElements);
}

TEST(DocumentLimits, MoreElementsAreRefused) {
    auto e = error_of(memberships(kMaxElements + 1));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "54000");
    EXPECT_EQ(e->message, "grants: too many elements (more than 10000)");
}

// A million elements took seconds and gigabytes once parsed and planned:
// they are refused after reading the first 10,001, with next to nothing
// allocated.
TEST(DocumentLimits, AMillionElementsAreRefusedUnbuilt) {
    std::string text = memberships(1000000);
    std::optional<Error> e;
    {
        Counting counting;
        e = error_of(text);
    }
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "54000");
    EXPECT_LT(g_allocated, 64u * 1024) << "bytes allocated to refuse it";
}

TEST(DocumentLimits, TextOverTheLimitIsRefusedUnread) {
    std::string padded = "[" + std::string(kMaxDocumentBytes - 2, ' ') + "]";
    EXPECT_FALSE(error_of(padded)) << "exactly at the limit";
    padded.insert(1, " ");
    std::optional<Error> e;
    {
        Counting counting;
        e = error_of(padded);
    }
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "54000");
    EXPECT_EQ(e->message, "grants: too large (16777217 bytes; at most 16777216)");
    EXPECT_LT(g_allocated, 1024u);
}

TEST(DocumentLimits, CheckSizeFromWhatIsKnownBeforeReading) {
    EXPECT_FALSE(pgsr::spec::check_size(kMaxElements, kMaxDocumentBytes, "grants"));
    auto e = pgsr::spec::check_size(1000000, 0, "grants");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "54000");
    EXPECT_EQ(e->message, "grants: too many elements (more than 10000)");
    e = pgsr::spec::check_size(0, kMaxDocumentBytes + 1, "grants");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate, "54000");
}

// ------------------------------------------------------------ secrets

TEST(MayHoldSecret, DocumentsWithOnlyKnownKeysAndNoPasswordAreClear) {
    const std::vector<std::string> clear = {
        "[]",
        R"([{"type": "login"}])",
        R"([{"type": "login", "password": null, "valid_until": "2030-01-01 00:00:00+00"}])",
        R"([{"type": "database_connect", "database": "d"}, {"type": "role_membership", "role": "r"},
            {"type": "schema_usage", "schema": "s", "direct": true},
            {"type": "table_select", "schema": "s", "table_regex": "^t", "direct": false},
            {"type": "table_ownership", "schema": "s", "table": "t"}])",
        R"([{"type": "login", "pass\u0077ord": null, "sch\u0065ma": "s"}])",  // escapes are read
        R"([{"type": 1}, "x", 2, null])",  // malformed, but nothing secret in it
    };
    for (const std::string& text : clear) EXPECT_FALSE(may_hold_secret(text)) << text;
}

TEST(MayHoldSecret, PasswordsMisspeltKeysAndTheUnreadableMayHoldOne) {
    const std::vector<std::string> secret = {
        R"([{"type": "login", "password": "hunter2"}])",
        R"([{"type": "login", "password": "SCRAM-SHA-256$4096:abc"}])",
        R"([{"type": "login", "password": 12345678}])",
        R"([{"type": "login", "password": ["hunter2"]}])",
        R"([{"type": "login", "Password": "hunter2"}])",
        R"([{"type": "login", "PASSWORD": null}])",
        R"([{"type": "login", "pass": "hunter2"}])",
        R"([{"type": "login", "pwd": "hunter2"}])",
        R"([{"type": "login", "passwort": "hunter2"}])",
        R"([{"type": "login", "pass\u0077ord": "hunter2"}])",
        R"([{"type": "login", "note": "hunter2"}])",
        R"([{"type": "schema_usage", "schema": {"password": "hunter2"}}])",
        R"({"password": "hunter2"})",
        "[{\"type\": \"login\", \"" + std::string(100, 'x') + "\": 1}]",
        R"([{"type": "login", "password": "hunter2")",  // not JSON
        deep_schema(100),
        memberships(kMaxElements + 1),
        "[" + std::string(kMaxDocumentBytes, ' ') + "]",
    };
    for (const std::string& text : secret) EXPECT_TRUE(may_hold_secret(text)) << text.substr(0, 120);
}

}  // namespace

namespace {

// sync_many's roles document: its keys are role names, which are no secret;
// what each role declares is read as a grants document is.
TEST(MayHoldSecret, RolesDocumentsAreClearUnlessARoleDeclaresAPassword) {
    const std::vector<std::string> clear = {
        "{}",
        R"({"alice": [], "bob": [{"type": "login"}]})",
        R"({"alice": [{"type": "login", "password": null}], "password": [{"type": "role_membership", "role": "r"}]})",
        R"({"Mallory's \"role\"": [{"type": "schema_usage", "schema": "s", "direct": true}]})",
    };
    for (const std::string& text : clear) EXPECT_FALSE(may_hold_secret(text)) << text;
    const std::vector<std::string> secret = {
        R"({"alice": [], "bob": [{"type": "login", "password": "hunter2"}]})",
        R"({"alice": [{"type": "login", "pass": "hunter2"}]})",
        R"({"alice": "hunter2"})",                 // a role's grants must be an array
        R"({"alice": {"password": null}})",
        R"({"alice": [{"type": "schema_usage", "schema": {"bob": "hunter2"}}]})",  // a name only at the top
        R"({"alice": [], "bob": [{"type": "login", "password": "x"})",  // not JSON
    };
    for (const std::string& text : secret) EXPECT_TRUE(may_hold_secret(text)) << text;
}

}  // namespace
