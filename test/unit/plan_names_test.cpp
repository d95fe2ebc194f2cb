// local_intermediate_database(): the names intermediate_name_pattern()
// matches as a local intermediate role, and the database oid they name as
// PostgreSQL prints it (the read of other databases' intermediate roles
// compares it with pg_database.oid).
#include <gtest/gtest.h>

#include "plan/plan.hpp"

namespace {

using pgsr::plan::local_intermediate_database;

TEST(IntermediateNames, TheDatabaseOfALocalIntermediateRole) {
    EXPECT_EQ(local_intermediate_database("_pgsr_local_16384_schema_usage_0a1b2c3d"), 16384u);
    EXPECT_EQ(local_intermediate_database("_pgsr_local_5_schema_create_ffffffff"), 5u);
    EXPECT_EQ(local_intermediate_database("_pgsr_local_4294967295_table_select_00000000"), 4294967295u);
    EXPECT_EQ(local_intermediate_database("_pgsr_local_0_table_select_00000000"), 0u);
}

TEST(IntermediateNames, LookAlikesAreNot) {
    for (const char* name : {
             "_pgsr_global_database_connect_0a1b2c3d",     // not local
             "_pgsr_local_16384_schema_usage_0a1b2c3",      // 7 hex digits
             "_pgsr_local_16384_schema_usage_0a1b2c3d0",    // 9
             "_pgsr_local_16384_schema_usage_0A1B2C3D",     // upper case
             "_pgsr_local_16384_schema_owner_0a1b2c3d",     // no such kind
             "_pgsr_local__schema_usage_0a1b2c3d",          // no oid
             "_pgsr_local_016384_schema_usage_0a1b2c3d",    // not the oid's text
             "_pgsr_local_4294967296_schema_usage_0a1b2c3d",  // not an oid
             "_pgsr_local_99999999999_schema_usage_0a1b2c3d",
             "_pgsr_local_16384schema_usage_0a1b2c3d",
             "x_pgsr_local_16384_schema_usage_0a1b2c3d",
             "_pgsr_local_16384_schema_usage_0a1b2c3d ",
         })
        EXPECT_FALSE(local_intermediate_database(name)) << name;
}

}  // namespace
