// Tests of spec::calls_document_function: which statements the server's log
// hook keeps out of the log before any call has looked at their document.
#include <gtest/gtest.h>

#include <string>

#include "spec/spec.hpp"

namespace {

using pgsr::spec::calls_document_function;

TEST(CallsDocumentFunction, EveryFunctionTakingADocumentHoweverSpelt) {
    for (const char* sql : {
             "SELECT pg_sync_roles.sync('alice', '[]')",
             "select * from PG_SYNC_ROLES.SYNC ('alice', '[]')",
             "SELECT \"pg_sync_roles\".\"sync\"('alice', '[]')",
             "SELECT count(*) FROM sync_many('{}')",
             "SELECT * FROM pg_sync_roles.plan(\n  'alice', '[{\"type\": \"login\", \"password\": x]')",
             "SELECT * FROM pg_sync_roles.Plan_Many\t('{}')",
             "DO $$ BEGIN PERFORM pg_sync_roles.sync('a', '[]'); END $$",
             "SELECT 1; SELECT sync('a', '[]')",
         })
        EXPECT_TRUE(calls_document_function(sql)) << sql;
}

TEST(CallsDocumentFunction, NotOtherNamesOrWordsInLiterals) {
    for (const char* sql : {
             "SELECT '[{\"type\": \"login\"]'::jsonb",
             "SELECT 'pg_sync_roles.sync(''a'', ''[]'')'",
             "SELECT E'it\\'s sync(x)'",
             "SELECT pg_sync_roles.drop_unused_roles()",
             "SELECT resync('a'), plans(1), sync_many_more(2), \"sync\"\"\"(3)",
             "SELECT sync FROM t",
             "SELECT \"unterminated",
             "SELECT 'unterminated sync(",
             "",
         })
        EXPECT_FALSE(calls_document_function(sql)) << sql;
}

TEST(CallsDocumentFunction, AJsonQuoteInALiteralDoesNotHideALaterCall) {
    // A document that is not JSON, with an odd number of double quotes,
    // before the call: the literal is skipped whole.
    EXPECT_TRUE(calls_document_function(
        "WITH d AS (SELECT '[{\"password\": \"x]'::jsonb AS d) SELECT pg_sync_roles.sync('a', d) FROM d"));
    // A long name is read to its end, and matches nothing.
    EXPECT_FALSE(calls_document_function("SELECT " + std::string(200, 's') + "ync('a')"));
    EXPECT_TRUE(calls_document_function("SELECT x" + std::string(200, ' ') + ", sync('a')"));
}

}  // namespace
