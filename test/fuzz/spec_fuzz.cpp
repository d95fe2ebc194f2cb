// libFuzzer target for the grants document parser: whatever the bytes, it
// must return (never crash, leak, or trip a sanitizer), refuse with one of the
// documented SQLSTATEs and a message naming the document, or accept a
// document that keeps the rules the parser promises.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "spec/spec.hpp"

namespace {

using pgsr::spec::Document;
using pgsr::spec::Error;
using pgsr::spec::Grant;
using pgsr::spec::Kind;

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "spec_fuzz: %s: %s\n", what, detail.c_str());
    std::abort();
}

void check_error(const Error& e) {
    if (e.sqlstate != "22023" && e.sqlstate != "42622" && e.sqlstate != "54000")
        fail("unexpected SQLSTATE", e.sqlstate + " " + e.message);
    if (e.message.rfind("grants", 0) != 0) fail("message does not name the document", e.message);
    if (e.sqlstate == "42622" && e.message.find("name is longer than 63 bytes") == std::string::npos)
        fail("42622 for something other than a long name", e.message);
    if (e.sqlstate == "54000" && e.message.find("too many elements") == std::string::npos &&
        e.message.find("too large") == std::string::npos)
        fail("54000 for something other than a size limit", e.message);
}

void check_name(const std::string& name, const char* key) {
    if (pgsr::spec::check_name(name, key)) fail("accepted a bad name", std::string(key) + "=" + name);
}

void check_document(const Document& d) {
    std::size_t previous = 0;
    bool first = true;
    for (const Grant& g : d.grants) {
        if (!first && g.index <= previous) fail("grant indexes out of order", std::to_string(g.index));
        if (d.login && d.login->index == g.index) fail("login and grant share an index", std::to_string(g.index));
        previous = g.index;
        first = false;
        switch (g.kind) {
            case Kind::database_connect: check_name(g.database, "database"); break;
            case Kind::role_membership: check_name(g.role, "role"); break;
            case Kind::schema_usage:
            case Kind::schema_create:
            case Kind::schema_ownership: check_name(g.schema, "schema"); break;
            case Kind::table_select:
                check_name(g.schema, "schema");
                if (g.table.empty() == g.table_regex.empty()) fail("table_select needs exactly one of table, table_regex", g.table);
                if (!g.table.empty()) check_name(g.table, "table");
                break;
            case Kind::table_ownership:
                check_name(g.schema, "schema");
                check_name(g.table, "table");
                break;
        }
    }
    if (d.login) {
        if (d.login->password && d.login->password->empty()) fail("empty password accepted", "");
        if (d.login->valid_until && d.login->valid_until->empty()) fail("empty valid_until accepted", "");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto result = pgsr::spec::parse_grants(text);
    bool secret = pgsr::spec::may_hold_secret(text);
    if (const Error* e = std::get_if<Error>(&result)) {
        check_error(*e);
    } else {
        const Document& d = std::get<Document>(result);
        check_document(d);
        // A document with a password must keep its statement out of the log.
        if (d.login && d.login->password && !secret) fail("a password not seen as a secret", std::string(text));
    }
    return 0;
}
