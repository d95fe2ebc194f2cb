// Reads the current state of everything a request touches, in a few batched
// queries per call (by kind, for every object of the request at once), each
// through an index.
#pragma once

#include "plan/state.hpp"

namespace pgsr::catalog {

plan::Snapshot read(const plan::Request& request);

// Intermediate roles (by their name prefixes) that nothing refers to any more:
// no pg_shdepend entry in any database names them; and whether the caller
// holds ADMIN OPTION on each.
std::vector<plan::UnusedRole> unused_intermediate_roles();

// Whether a role of that name exists (for picking new role names).
bool role_exists(const std::string& name);

}  // namespace pgsr::catalog
