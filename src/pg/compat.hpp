// Every difference between the PostgreSQL versions this extension builds
// against, in one place (newest first).  Only files under src/pg/ include it.
#pragma once

extern "C" {
#include "pg_config.h"
}

namespace pgsr::pg::compat {

#if PG_VERSION_NUM >= 160000
// PostgreSQL 16 changed the role rules: memberships carry INHERIT and SET
// options and one row per grantor; CREATEROLE needs ADMIN OPTION to grant a
// role; SET ROLE needs a membership with SET; createrole_self_grant exists.
inline constexpr bool kRoleOptions = true;
inline constexpr const char* kMembershipOptions = "a.inherit_option, a.set_option";
inline constexpr const char* kSetRolePrivilege = "SET";
// Whether the pg_auth_members row `a` passes its role's privileges on to its
// member (whose pg_roles row is `m`): 16+, the row's INHERIT option.
inline constexpr const char* kPassesPrivileges = "a.inherit_option";
#else
inline constexpr bool kRoleOptions = false;
inline constexpr const char* kMembershipOptions = "true, true";
inline constexpr const char* kSetRolePrivilege = "MEMBER";
// 15: the member's rolinherit.
inline constexpr const char* kPassesPrivileges = "m.rolinherit";
#endif

}  // namespace pgsr::pg::compat
