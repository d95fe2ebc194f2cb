// Every difference between the PostgreSQL versions this extension builds
// against, in one place (newest first).  Only files under src/pg/ include it.
#pragma once

extern "C" {
#include "pg_config.h"
}

#include "pg/postgres.hpp"

extern "C" {
#include "access/genam.h"
#include "catalog/pg_auth_members.h"
#include "utils/acl.h"
}

namespace pgsr::pg::compat {

#if PG_VERSION_NUM >= 160000
// PostgreSQL 16 changed the role rules: memberships carry INHERIT and SET
// options and one row per grantor; CREATEROLE needs ADMIN OPTION to grant a
// role; SET ROLE needs a membership with SET; createrole_self_grant exists.
inline constexpr bool kRoleOptions = true;
inline constexpr const char* kMembershipOptions = "a.inherit_option, a.set_option";
inline constexpr const char* kSetRolePrivilege = "SET";
inline bool membership_inherit(const FormData_pg_auth_members* m) { return m->inherit_option; }
inline bool membership_set(const FormData_pg_auth_members* m) { return m->set_option; }
// Whether a member uses the privileges of a role through one membership, as
// a privilege check follows it (roles_is_member_of): 16+, that membership's
// INHERIT option (the database owner's implicit membership of
// pg_database_owner counts as one with INHERIT).
inline bool passes_privileges(bool membership_inherit, bool /*member_rolinherit*/) { return membership_inherit; }
#else
inline constexpr bool kRoleOptions = false;
inline constexpr const char* kMembershipOptions = "true, true";
inline constexpr const char* kSetRolePrivilege = "MEMBER";
inline bool membership_inherit(const FormData_pg_auth_members*) { return true; }
inline bool membership_set(const FormData_pg_auth_members*) { return true; }
// 15: the member's rolinherit, for all its memberships alike.
inline bool passes_privileges(bool /*membership_inherit*/, bool member_rolinherit) { return member_rolinherit; }
#endif

// An index scan with `nkeys` keys and no ordering: 18 added the
// instrumentation argument.
inline IndexScanDesc index_beginscan(Relation heap, Relation index, Snapshot snapshot, int nkeys) {
#if PG_VERSION_NUM >= 180000
    return ::index_beginscan(heap, index, snapshot, nullptr, nkeys, 0);
#else
    return ::index_beginscan(heap, index, snapshot, nkeys, 0);
#endif
}

// The privilege names aclexplode() gives the bits of an ACL entry.
inline const char* privilege_name(AclMode bit) {
    switch (bit) {
#if PG_VERSION_NUM >= 170000
        case ACL_MAINTAIN: return "MAINTAIN";
#endif
        case ACL_INSERT: return "INSERT";
        case ACL_SELECT: return "SELECT";
        case ACL_UPDATE: return "UPDATE";
        case ACL_DELETE: return "DELETE";
        case ACL_TRUNCATE: return "TRUNCATE";
        case ACL_REFERENCES: return "REFERENCES";
        case ACL_TRIGGER: return "TRIGGER";
        case ACL_EXECUTE: return "EXECUTE";
        case ACL_USAGE: return "USAGE";
        case ACL_CREATE: return "CREATE";
        case ACL_CREATE_TEMP: return "TEMPORARY";
        case ACL_CONNECT: return "CONNECT";
        case ACL_SET: return "SET";
        case ACL_ALTER_SYSTEM: return "ALTER SYSTEM";
        default: return nullptr;
    }
}

}  // namespace pgsr::pg::compat
