// Turns the arguments of a call into a checked request: the document parsed,
// its timestamps and patterns checked by PostgreSQL, its passwords hashed.
// Nothing here reads or changes the catalogs.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "pg/call.hpp"
#include "plan/state.hpp"

namespace pgsr::apply {

struct Call {
    plan::Request request;
    std::int64_t lock_key = 1;
};

// A role name argument: not null, and not over 63 bytes.
std::string role_name(const pg::Arguments& args, std::size_t i);

// A text[] argument of names: not null, no null element, none over 63 bytes
// (errors name the argument, `what`, and the element: what[2]).
std::set<std::string> name_set(const pg::Arguments& args, std::size_t i, const char* what);

// sync(role_name, grants, preserve_existing_grants_in_schemas, lock_key)
Call sync_call(const pg::Arguments& args);

// sync_many(roles, preserve_existing_grants_in_schemas, lock_key): roles is
// {"role name": [grants], ...}; errors name the role (roles["alice"][2]...).
Call sync_many_call(const pg::Arguments& args);

}  // namespace pgsr::apply
