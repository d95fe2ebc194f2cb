// The grants document: parsed and validated, without a server.
//
// This file and everything under spec/ and plan/ is pure C++: no PostgreSQL
// header may be included (see the guard below).
#pragma once

#include <cstddef>
#include <memory>
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
    // Elements of type "not_expressible": what describe() found that no
    // element can declare.  sync reads nothing from them.
    std::size_t notes = 0;
};

// The type of those elements.
inline constexpr const char* kNotExpressible = "not_expressible";

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

// Limits on a document, checked before anything is built from it: the
// parsed document lives outside PostgreSQL's memory accounting (about 1.3 kB
// per element by the time it is planned), and its valid shapes are shallow
// (an array of objects of strings, booleans and nulls).
inline constexpr std::size_t kMaxElements = 10000;
inline constexpr std::size_t kMaxDocumentBytes = 16 * 1024 * 1024;  // of JSON text, or of a jsonb
inline constexpr std::size_t kMaxDepth = 32;                        // nested arrays and objects

// The size limits, from what is known before the text is read: the number of
// elements of the top-level array (0 if unknown) and the size of the text.
// SQLSTATE 54000: "grants: too many elements (more than 10000)".
std::optional<Error> check_size(std::size_t elements, std::size_t bytes, std::string_view path);

// The limits checked on the text in one pass that builds nothing and stops
// at the first excess: size, elements, and nesting, whose error names the
// element and key it is under ("grants[3].schema: nested too deeply ...").
std::optional<Error> check_limits(std::string_view json, std::string_view path);

// Whether the text may hold a secret, so that whatever logs the statement
// carrying it must not.  Only a document known to hold none is clear: valid
// JSON within the limits, every key (at any depth) one the document defines,
// and every "password" null.  A misspelt key ("Password", "pass") or a
// secret under any other unknown key counts as one.
bool may_hold_secret(std::string_view json);

// Whether a statement's text calls a function that takes a document (sync,
// sync_many, plan, plan_many: a name, quoted or not, in any case, followed
// by "("), so that an error raised before the call could look at its
// document (one jsonb's input refuses) must not be logged with the text.
bool calls_document_function(std::string_view sql) noexcept;

// Parses a grants document (a JSON array).  `path` names the document in
// messages: "grants" gives "grants[2].schema: expected a string".
Result<Document> parse_grants(std::string_view json, std::string_view path = "grants");

// One role of a roles document (sync_many): its name and its grants.
struct RoleDocument {
    std::string name;
    Document document;
};

// A roles document holds at most this many roles.
inline constexpr std::size_t kMaxRoles = 10000;

// Parses a roles document: a JSON object {"role name": [grants], ...}.
// `path` names it in messages: "roles" gives
// 'roles["alice"][2].schema: expected a string'.  Each role's grants are
// checked as parse_grants() checks a document (and its limits apply to
// each); the whole text is at most kMaxDocumentBytes and kMaxRoles roles.
// Roles come back in the order of their names.
Result<std::vector<RoleDocument>> parse_roles(std::string_view json, std::string_view path = "roles");

// A document already parsed by the server (a jsonb argument), read from
// its values in document order, with no JSON text in between: each array
// and object begun, each key, each scalar, and end() for the innermost
// array or object.  The limits and the secrecy rules are those of a text:
// grants() and roles() give what parse_grants() and parse_roles() give for
// the same values written as text (the size limit is checked by the caller,
// from the value's size: check_size()); and a document of more than
// 2,097,152 values is too large (54000), however few its elements.  Each
// call returns false once the reader has stopped at a limit; feed it no
// more then.
class Reader {
public:
    Reader();
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    // Room for the values of a document of `bytes` bytes, before the first.
    void reserve(std::size_t bytes);

    bool begin_array();
    bool begin_object();
    bool end();
    bool key(std::string_view key);
    bool string(std::string_view value);
    bool boolean(bool value);
    bool null();
    bool number();  // its value is never needed

    // As may_hold_secret() for a text, for what was read so far.
    bool may_hold_secret() const;

    // Once every value was read: the document as a grants document or as a
    // roles document, or its first error.  Call one, once.
    Result<Document> grants(std::string_view path = "grants");
    Result<std::vector<RoleDocument>> roles(std::string_view path = "roles");

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The path of one role's grants in a roles document: roles["alice"].
std::string role_path(std::string_view path, std::string_view role);

// Checks a role name given as an argument rather than inside the document.
std::optional<Error> check_name(std::string_view name, std::string_view what);

// Path of element i of a document: "grants[3]".
std::string element_path(std::string_view path, std::size_t index);

}  // namespace pgsr::spec
