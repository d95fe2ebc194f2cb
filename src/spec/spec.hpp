// The grants document: parsed and validated, without a server.
//
// This file and everything under spec/ and plan/ is pure C++: no PostgreSQL
// header may be included (see the guard below).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "spec/secret.hpp"

#ifdef POSTGRES_H
#error "spec/ is pure C++ and must not see PostgreSQL headers"
#endif

namespace pgsr::spec {

// PostgreSQL's NAMEDATALEN - 1: a longer name would be silently truncated.
inline constexpr std::size_t kMaxNameBytes = 63;

enum class Kind {
    database_connect,
    role_membership,
    schema_usage,
    schema_create,
    schema_ownership,
    table_select,
    table_ownership,
};

const char* kind_name(Kind k);

struct Login {
    std::size_t index = 0;                  // position in the document
    std::optional<Secret> password;         // null: keep the current one
    std::optional<std::string> valid_until; // null: forever
};

struct Grant {
    Kind kind{};
    std::size_t index = 0;
    std::string database;     // database_connect
    std::string role;         // role_membership
    std::string schema;       // schema_* and table_*
    std::string table;        // table_select (by name), table_ownership
    std::string table_regex;  // table_select (by pattern)
    bool direct = false;      // schema_usage, schema_create, table_select
};

struct Document {
    std::optional<Login> login;
    std::vector<Grant> grants;
};

// An error the caller made, named precisely enough to fix it.
struct Error {
    std::string sqlstate;  // "22023", or "42622" for a name that is too long
    std::string message;
    std::string detail = {};
    std::string hint = {};
};

// Either the document or the first error found in it.
template <typename T>
using Result = std::variant<T, Error>;

// Parses a grants document (a JSON array).  `path` names the document in
// messages: "grants" gives "grants[2].schema: expected a string".
Result<Document> parse_grants(std::string_view json, std::string_view path = "grants");

// Checks a role name given as an argument rather than inside the document.
std::optional<Error> check_name(std::string_view name, std::string_view what);

// Path of element i of a document: "grants[3]".
std::string element_path(std::string_view path, std::size_t index);

}  // namespace pgsr::spec
