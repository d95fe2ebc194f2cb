// Keeping a statement that may hold a password out of the server log and out
// of pg_stat_activity.
//
// A call marks the top-level statement it runs in (hide_statement_on_error);
// from then on, every message the backend emits while that statement runs --
// this call's errors and NOTICEs, a later call's, an error in the same
// statement after sync returned, the duration line logged when it ends -- is
// logged without the statement's text, its CONTEXT, or the parameters of the
// duration line.  A statement is told apart by its start time and its text:
// what the server logs as STATEMENT is debug_query_string, and the start time
// changes with every message from the client, so a later statement is never
// taken for a marked one.
//
// An error can come before any call has looked at its document: jsonb's
// input function refuses a document that is not JSON while the statement is
// parsed, and its CONTEXT and DETAIL quote it.  So a statement whose text
// calls sync, sync_many, plan or plan_many is hidden the same way until a
// call finds its document clear, and its input errors (22P02, or a "JSON
// data" CONTEXT) are hidden whatever the calls found.  This hook exists once
// the library is loaded: by the session's first call, or at connection with
// session_preload_libraries.
#include <cstring>
#include <string_view>

#include "spec/spec.hpp"  // before PostgreSQL's headers: it refuses them
#include "pg/call.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"

extern "C" {
#include "access/xact.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
#include "utils/elog.h"
}

namespace pgsr::pg {

namespace {

const char kHidden[] = "<not shown: pg_sync_roles was called with a document that may hold a password>";
const char kHiddenInput[] = "<not shown: the input may hold a password>";

struct Mark {
    bool set = false;
    TimestampTz start = 0;
    const char* text = nullptr;  // debug_query_string, compared by address
};
Mark mark;

emit_log_hook_type previous_hook = nullptr;

bool marked() {
    return mark.set && mark.start == GetCurrentStatementStartTimestamp() && mark.text == debug_query_string;
}

// The statement running, if its text calls a function that takes a
// document, and whether a call found every document it looked at clear.
struct Caller {
    Mark statement;
    bool calls = false;
    bool clear = false;
};
Caller caller;

bool calls_document_function() {
    if (!debug_query_string) return false;
    TimestampTz start = GetCurrentStatementStartTimestamp();
    if (!caller.statement.set || caller.statement.start != start || caller.statement.text != debug_query_string) {
        caller.statement = Mark{true, start, debug_query_string};
        caller.calls = spec::calls_document_function(std::string_view(debug_query_string));
        caller.clear = false;
    }
    return caller.calls;
}

// An error of a type's input function: it may quote the input it refused.
bool input_error(const ErrorData* edata) {
    return edata->elevel >= ERROR && (edata->sqlerrcode == ERRCODE_INVALID_TEXT_REPRESENTATION ||
                                      (edata->context && strstr(edata->context, "JSON data")));
}

// A copy of s with the statement's text (the document, or a bind
// parameter's value in the text of a duration line) replaced.
char* without_statement(char* s) {
    if (!s || !debug_query_string || !debug_query_string[0]) return s;
    const char* at = strstr(s, debug_query_string);
    if (!at) return s;
    return psprintf("%.*s%s%s", static_cast<int>(at - s), s, kHidden, at + strlen(debug_query_string));
}

// Runs for every message about to reach the server log, before it is
// written.  Nothing here may raise an error but palloc's out of memory, and
// not even that while the server is reporting an error about reporting one.
void hide_in_log(ErrorData* edata) {
    if (marked() || (calls_document_function() && (!caller.clear || input_error(edata)))) {
        edata->hide_stmt = true;
        edata->hide_ctx = true;
        edata->internalquery = nullptr;
        if (!in_error_recursion_trouble()) {
            edata->message = without_statement(edata->message);
            // jsonb's DETAIL names the token it refused ("Token "..." is
            // invalid."): the client still sees it, the log does not.
            if (input_error(edata) && edata->detail) edata->detail_log = pstrdup(kHiddenInput);
        }
        // log_min_duration_statement's line holds the statement in its
        // message, and the bind parameters' values in its DETAIL.
        if (edata->message_id && strncmp(edata->message_id, "duration: ", 10) == 0) {
            edata->detail = nullptr;
            edata->detail_log = nullptr;
        }
    }
    if (previous_hook) previous_hook(edata);
}

}  // namespace

void install_log_hook() {
    previous_hook = emit_log_hook;
    emit_log_hook = hide_in_log;
}

void hide_statement_on_error() {
    if (marked()) return;
    mark.set = true;
    mark.start = GetCurrentStatementStartTimestamp();
    mark.text = debug_query_string;
    // Others who may see this session's activity (its own role, pg_monitor
    // and pg_read_all_stats members) see this instead, while the statement
    // runs and after, while the session is idle.  Reporting an activity
    // clears the query id: it is put back.
    guarded([]() noexcept {
        uint64 query_id = pgstat_get_my_query_id();
        pgstat_report_activity(STATE_RUNNING, kHidden);
        pgstat_report_query_id(query_id, true);
    });
}

bool statement_hidden() { return marked(); }

void document_clear() {
    if (calls_document_function()) caller.clear = true;
}

}  // namespace pgsr::pg
