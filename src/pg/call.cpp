// The C++/PostgreSQL error boundary, outward: each entry point runs its body
// here.  Whatever is thrown is caught, every C++ object is destroyed, and only
// then is the error raised in PostgreSQL (ReThrowError keeps SQLSTATE, DETAIL
// and HINT of a server error).
#include "pg/call.hpp"

#include <cstring>
#include <new>

#include "spec/spec.hpp"
#include "pg/entry.hpp"
#include "pg/guard.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "mb/pg_wchar.h"
#include "utils/lsyscache.h"
}

namespace pgsr::pg {

namespace {

// The values of a jsonb, in document order, fed to `reader` (no JSON text is
// made).  The iterator is advanced under the guard a batch of tokens at a
// time; the strings point into the jsonb, which outlives the call.  A
// top-level scalar is stored as a one-element "raw scalar" array: only the
// scalar is fed.
void read_jsonb(Jsonb* jb, spec::Reader& reader) {
    constexpr int kBatch = 256;
    struct Token {
        JsonbIteratorToken kind;
        JsonbValue value;
    };
    Token tokens[kBatch];
    JsonbIterator* it = guarded([jb]() noexcept { return JsonbIteratorInit(&jb->root); });
    int depth = 0;  // arrays and objects fed and not ended
    for (;;) {
        int n = guarded([&]() noexcept {
            int k = 0;
            while (k < kBatch && (tokens[k].kind = JsonbIteratorNext(&it, &tokens[k].value, false)) != WJB_DONE) ++k;
            return k;
        });
        for (int k = 0; k < n; ++k) {
            const JsonbValue& jv = tokens[k].value;
            bool go = true;
            switch (tokens[k].kind) {
                case WJB_BEGIN_ARRAY:
                    if (jv.val.array.rawScalar) continue;
                    go = reader.begin_array();
                    ++depth;
                    break;
                case WJB_BEGIN_OBJECT:
                    go = reader.begin_object();
                    ++depth;
                    break;
                case WJB_END_ARRAY:
                case WJB_END_OBJECT:
                    if (depth == 0) continue;  // a raw scalar's array
                    go = reader.end();
                    --depth;
                    break;
                case WJB_KEY:
                    go = reader.key(std::string_view(jv.val.string.val, jv.val.string.len));
                    break;
                case WJB_VALUE:
                case WJB_ELEM:
                    switch (jv.type) {
                        case jbvNull: go = reader.null(); break;
                        case jbvString: go = reader.string(std::string_view(jv.val.string.val, jv.val.string.len)); break;
                        case jbvBool: go = reader.boolean(jv.val.boolean); break;
                        case jbvNumeric: go = reader.number(); break;
                        default: throw UserError("XX000", "pg_sync_roles: unexpected jsonb value");
                    }
                    break;
                case WJB_DONE:
                    break;
            }
            if (!go) return;
        }
        if (n < kBatch) return;  // WJB_DONE
    }
}

Arguments::Value convert(FunctionCallInfo fcinfo, int i) {
    Arguments::Value v;
    if (PG_ARGISNULL(i)) return v;
    v.null = false;
    Datum d = PG_GETARG_DATUM(i);
    Oid type = guarded([=]() noexcept { return get_fn_expr_argtype(fcinfo->flinfo, i); });
    if (type == JSONBOID) {
        // Before anything can fail on it: a document that may hold a
        // password keeps the statement out of the log.  One over the size
        // limits is refused unread (see spec::check_size), and may hold one.
        Jsonb* jb = guarded([d]() noexcept { return DatumGetJsonbP(d); });
        if (JB_ROOT_IS_ARRAY(jb) && !JB_ROOT_IS_SCALAR(jb)) v.elements = JB_ROOT_COUNT(jb);
        v.bytes = VARSIZE(jb);
        if (v.elements > spec::kMaxElements || v.bytes > spec::kMaxDocumentBytes) {
            hide_statement_on_error();
            return v;
        }
        // Reading it can fail (out of memory): the statement is hidden then.
        try {
            v.document = std::make_shared<spec::Reader>();
            v.document->reserve(v.bytes);
            read_jsonb(jb, *v.document);
        } catch (...) {
            hide_statement_on_error();
            throw;
        }
        if (v.document->may_hold_secret())
            hide_statement_on_error();
        else
            document_clear();
    } else if (type == TEXTOID) {
        char* s = guarded([d]() noexcept { return text_to_cstring(DatumGetTextPP(d)); });
        v.text = Secret(std::string(s));
    } else if (type == INT8OID) {
        v.int8 = DatumGetInt64(d);
    } else if (type == TEXTARRAYOID) {
        Datum* elems = nullptr;
        bool* nulls = nullptr;
        int n = 0;
        guarded([&]() noexcept {
            deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT, &elems,
                              &nulls, &n);
        });
        for (int k = 0; k < n; ++k) {
            if (nulls[k]) {
                v.array.emplace_back(std::nullopt);
                continue;
            }
            Datum e = elems[k];
            char* s = guarded([e]() noexcept { return text_to_cstring(DatumGetTextPP(e)); });
            v.array.emplace_back(std::string(s));
        }
    } else {
        throw UserError("XX000", "pg_sync_roles: unexpected argument type");
    }
    return v;
}

Arguments arguments(FunctionCallInfo fcinfo) {
    std::vector<Arguments::Value> values;
    for (int i = 0; i < PG_NARGS(); ++i) values.push_back(convert(fcinfo, i));
    return Arguments(std::move(values));
}

void put_rows(FunctionCallInfo fcinfo, const std::vector<OutputRow>& rows) {
    guarded([fcinfo]() noexcept { InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC); });
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    AttInMetadata* meta = guarded([rsinfo]() noexcept {
        MemoryContext old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
        AttInMetadata* m = TupleDescGetAttInMetadata(rsinfo->setDesc);
        MemoryContextSwitchTo(old);
        return m;
    });
    for (const OutputRow& row : rows) {
        std::vector<char*> values;
        for (const auto& cell : row)
            values.push_back(cell ? const_cast<char*>(cell->c_str()) : nullptr);
        char** vp = values.data();
        guarded([=]() noexcept {
            HeapTuple tuple = BuildTupleFromCStrings(meta, vp);
            tuplestore_puttuple(rsinfo->setResult, tuple);
        });
    }
}

// What the catch blocks keep: plain data only, so nothing needs destroying
// when PostgreSQL's error handling longjmps out of this frame.
struct Caught {
    ErrorData* edata = nullptr;
    bool ours = false;
    int sqlstate = 0;
    char message[1024] = {};
    char detail[1024] = {};
    char hint[512] = {};
};

int sqlstate_code(const std::string& s) {
    if (s.size() != 5) return ERRCODE_INTERNAL_ERROR;
    return MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]);
}

// Copies without allocating (this runs in catch blocks), cut at a
// character boundary of the server encoding.
void copy(char* dst, std::size_t n, const char* a, const char* b = "") {
    std::size_t la = strlen(a), lb = strlen(b);
    std::size_t len = std::min(n - 1, la + lb);
    std::size_t first = std::min(len, la);
    memcpy(dst, a, first);
    memcpy(dst + first, b, len - first);
    dst[len] = '\0';
    if (la + lb > len) dst[pg_mbcliplen(dst, static_cast<int>(len), static_cast<int>(len))] = '\0';
}

template <typename Body>
void catching(Caught& c, Body body) noexcept {
    try {
        body();
    } catch (const Error& e) {
        c.edata = static_cast<ErrorData*>(e.edata());
    } catch (const UserError& e) {
        c.ours = true;
        c.sqlstate = sqlstate_code(e.sqlstate());
        copy(c.message, sizeof c.message, e.what());
        copy(c.detail, sizeof c.detail, e.detail().c_str());
        copy(c.hint, sizeof c.hint, e.hint().c_str());
    } catch (const std::bad_alloc&) {
        c.ours = true;
        c.sqlstate = ERRCODE_OUT_OF_MEMORY;
        copy(c.message, sizeof c.message, "out of memory");
    } catch (const std::exception& e) {
        c.ours = true;
        c.sqlstate = ERRCODE_INTERNAL_ERROR;
        copy(c.message, sizeof c.message, "pg_sync_roles: ", e.what());
    } catch (...) {
        c.ours = true;
        c.sqlstate = ERRCODE_INTERNAL_ERROR;
        copy(c.message, sizeof c.message, "pg_sync_roles: unexpected internal error");
    }
}

// The statement that called us holds the document, so when the document
// holds a password the error is reported without it (errhidestmt), as the
// server does for its own log lines that would repeat a statement.
void raise(const Caught& c) {
    bool hide = statement_hidden();
    if (c.edata) {
        c.edata->hide_stmt = c.edata->hide_stmt || hide;
        c.edata->hide_ctx = c.edata->hide_ctx || hide;
        ReThrowError(c.edata);
    }
    if (c.ours)
        ereport(ERROR, (errcode(c.sqlstate), errmsg_internal("%s", c.message),
                        c.detail[0] ? errdetail_internal("%s", c.detail) : 0,
                        c.hint[0] ? errhint("%s", c.hint) : 0, errhidestmt(hide), errhidecontext(hide)));
}

}  // namespace

Datum call_table(FunctionCallInfo fcinfo, TableBody body) {
    Caught caught;
    catching(caught, [&] {
        std::vector<OutputRow> rows = body(arguments(fcinfo));
        put_rows(fcinfo, rows);
    });
    raise(caught);
    return (Datum)0;
}

Datum call_scalar(FunctionCallInfo fcinfo, ScalarBody body) {
    Caught caught;
    Datum result = (Datum)0;
    bool isnull = true;
    catching(caught, [&] {
        std::optional<std::string> value = body(arguments(fcinfo));
        if (!value) return;
        Oid type = guarded([=]() noexcept { return get_fn_expr_rettype(fcinfo->flinfo); });
        const char* s = value->c_str();
        Oid input = InvalidOid, ioparam = InvalidOid;
        guarded([&]() noexcept { getTypeInputInfo(type, &input, &ioparam); });
        result = guarded([=]() noexcept { return OidInputFunctionCall(input, (char*)s, ioparam, -1); });
        isnull = false;
    });
    raise(caught);
    if (isnull) PG_RETURN_NULL();
    return result;
}

}  // namespace pgsr::pg
