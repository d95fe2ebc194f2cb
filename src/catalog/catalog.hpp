// Reads the current state of everything a request touches, in a few batched
// queries per call (by kind, for every object of the request at once), each
// through an index.
#pragma once

#include "plan/describe.hpp"
#include "plan/state.hpp"

namespace pgsr::catalog {

plan::Snapshot read(const plan::Request& request);

// Intermediate roles (by their name prefixes) that nothing refers to any more:
// no pg_shdepend entry in any database names them; and whether the caller
// holds ADMIN OPTION on each.
std::vector<plan::UnusedRole> unused_intermediate_roles();

// Whether a role of that name exists (for picking new role names).
bool role_exists(const std::string& name);

// describe(): a snapshot of the named roles (read() of a request naming
// them and declaring what their intermediate roles hold, so that those
// objects' ACLs are read), and what else each role has that the document
// has no element for.  A role that does not exist is an error (42704).
struct Described {
    plan::Snapshot snapshot;
    std::vector<plan::RoleFacts> roles;
};
Described read_described(const std::vector<std::string>& roles);

}  // namespace pgsr::catalog
