#include "pg/server.hpp"
#include "pg/settings.hpp"

#include <climits>
#include <cstring>

#include "pg/guard.hpp"
#include "pg/compat.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace pgsr::pg {

namespace {
int bulk_read_min_setting = 16;
}  // namespace

int bulk_read_min() { return bulk_read_min_setting; }

// From _PG_init, outside the guard (an error there has no C++ frame to
// cross: _PG_init holds no object).
void define_settings() {
    DefineCustomIntVariable("pg_sync_roles.bulk_read_min",
                            "Fewest roles, or tables of one schema, that a catalog read looks up in one index walk.",
                            "Fewer are looked up one by one, through the system caches.", &bulk_read_min_setting, 16,
                            1, INT_MAX, PGC_USERSET, GUC_NOT_IN_SAMPLE, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("pg_sync_roles");
}

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

}  // namespace pgsr::pg
