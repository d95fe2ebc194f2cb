#include "pg/server.hpp"

#include <cstring>

#include "pg/guard.hpp"
#include "pg/compat.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace pgsr::pg {

plan::ServerRules server_rules() {
    plan::ServerRules rules;
    rules.role_options = compat::kRoleOptions;
    if (compat::kRoleOptions) {
        const char* v = guarded([]() noexcept { return GetConfigOption("createrole_self_grant", true, false); });
        rules.self_grant = v && v[0] != '\0';
    }
    return rules;
}

const char* membership_options_sql() { return compat::kMembershipOptions; }
const char* set_role_privilege() { return compat::kSetRolePrivilege; }
const char* passes_privileges_sql() { return compat::kPassesPrivileges; }

}  // namespace pgsr::pg
