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

}  // namespace pgsr::pg
