// What the running server allows, and the catalog SQL that depends on its
// version (see compat.hpp).  No PostgreSQL header here.
#pragma once

#include "plan/state.hpp"

namespace pgsr::pg {

// The role rules of this server, and whether createrole_self_grant is set.
plan::ServerRules server_rules();

// Columns "inherit, set" of a pg_auth_members row aliased `a`.
const char* membership_options_sql();

// The pg_has_role privilege that says the current user may SET ROLE.
const char* set_role_privilege();

// pg_sync_roles.bulk_read_min: how many roles, or tables of one schema, a
// catalog read must name to look them up in one walk of an index rather
// than one by one (src/pg/catalogs.cpp, merge_walk).  Tests set it to 1, to
// run every such read through the walk.
int bulk_read_min();

}  // namespace pgsr::pg
