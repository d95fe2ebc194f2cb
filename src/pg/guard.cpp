#include "pg/guard.hpp"

namespace pgsr::pg {

void run_guarded(void (*fn)(void*), void* arg) {
    MemoryContext ctx = CurrentMemoryContext;
    ErrorData* volatile edata = nullptr;
    PG_TRY();
    { fn(arg); }
    PG_CATCH();
    {
        MemoryContextSwitchTo(ctx);
        edata = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    if (edata) throw Error(edata);
}

}  // namespace pgsr::pg
