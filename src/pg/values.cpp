#include "pg/values.hpp"

#include <cstring>

#include "pg/guard.hpp"

extern "C" {
#include "catalog/pg_collation.h"
#include "commands/user.h"
#include "libpq/crypt.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
}

namespace pgsr::pg {

namespace {
// Bad input is a data exception (class 22: invalid_datetime_format,
// invalid_regular_expression, ...).  Anything else -- a cancel, a timeout,
// out of memory -- is not the document's fault and goes on as it is.
std::string input_error(const Error& e) {
    auto* ed = static_cast<ErrorData*>(e.edata());
    if (ERRCODE_TO_CATEGORY(ed->sqlerrcode) != ERRCODE_DATA_EXCEPTION &&
        ed->sqlerrcode != ERRCODE_PROGRAM_LIMIT_EXCEEDED)  // "regular expression is too complex"
        throw e;
    return ed->message ? ed->message : "invalid value";
}

// An instant as ISO 8601 in UTC ("2030-12-30 16:00:00+00", "infinity"):
// timestamptz_in reads it back as the same instant whatever the session's
// DateStyle and TimeZone.  timestamptz_out would print it in those, and
// read back, "31/12/2030 00:00:00 CST" is US Central time.
std::string utc_text(TimestampTz ts) {
    char buf[MAXDATELEN + 1];
    bool ok = guarded([ts, &buf]() noexcept {
        if (TIMESTAMP_NOT_FINITE(ts)) {
            EncodeSpecialTimestamp(ts, buf);
            return true;
        }
        struct pg_tm tm;
        fsec_t fsec;
        if (timestamp2tm(ts, nullptr, &tm, &fsec, nullptr, nullptr) != 0) return false;
        tm.tm_isdst = 0;  // a zone, UTC: otherwise no offset is printed
        EncodeDateTime(&tm, fsec, true, 0, nullptr, USE_ISO_DATES, buf);
        return true;
    });
    if (!ok) throw UserError("22008", "timestamp out of range");
    return buf;
}
}  // namespace

std::optional<Timestamp> parse_timestamptz(const std::string& text, std::string* error) {
    const char* s = text.c_str();
    try {
        TimestampTz ts = guarded([s]() noexcept {
            return DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(s),
                                                           ObjectIdGetDatum(InvalidOid),
                                                           Int32GetDatum(-1)));
        });
        Timestamp out;
        out.value = ts;
        out.infinite = TIMESTAMP_IS_NOEND(ts);
        out.text = utc_text(ts);
        return out;
    } catch (const Error& e) {
        *error = input_error(e);
        return std::nullopt;
    }
}

Timestamp infinity() {
    Timestamp t;
    TIMESTAMP_NOEND(t.value);
    t.infinite = true;
    t.text = "infinity";
    return t;
}

std::optional<std::string> regex_error(const std::string& pattern) {
    const char* p = pattern.c_str();
    try {
        guarded([p]() noexcept {
            RE_compile_and_cache(cstring_to_text(p), REG_ADVANCED, C_COLLATION_OID);
        });
        return std::nullopt;
    } catch (const Error& e) {
        return input_error(e);
    }
}

PasswordKind password_kind(const Secret& password) {
    const char* p = password.reveal().c_str();
    switch (guarded([p]() noexcept { return get_password_type(p); })) {
        case PASSWORD_TYPE_SCRAM_SHA_256: return PasswordKind::scram;
        case PASSWORD_TYPE_MD5: return PasswordKind::md5;
        default: return PasswordKind::plaintext;
    }
}

void check_password(const std::string& role, const Secret& plaintext, const Timestamp& valid_until) {
    if (!check_password_hook) return;
    const char* r = role.c_str();
    const char* p = plaintext.reveal().c_str();
    Datum until = TimestampTzGetDatum(valid_until.value);
    guarded([=]() noexcept {
        (*check_password_hook)(r, p, PASSWORD_TYPE_PLAINTEXT, until, false);
    });
}

Secret scram_secret(const std::string& role, const Secret& plaintext) {
    const char* r = role.c_str();
    const char* p = plaintext.reveal().c_str();
    char* secret = guarded([=]() noexcept {
        return encrypt_password(PASSWORD_TYPE_SCRAM_SHA_256, r, p);
    });
    Secret out{std::string(secret)};
    wipe(secret, strlen(secret));
    guarded([secret]() noexcept { pfree(secret); });
    return out;
}

bool password_matches(const std::string& role, const Secret& stored, const Secret& declared) {
    const char* s = stored.reveal().c_str();
    if (guarded([s]() noexcept { return get_password_type(s); }) != PASSWORD_TYPE_SCRAM_SHA_256)
        return false;  // an MD5 or missing secret is replaced by a SCRAM one
    if (password_kind(declared) == PasswordKind::scram) return stored.reveal() == declared.reveal();
    const char* r = role.c_str();
    const char* p = declared.reveal().c_str();
    return guarded([=]() noexcept {
        const char* logdetail = nullptr;
        return plain_crypt_verify(r, s, p, &logdetail) == STATUS_OK;
    });
}

}  // namespace pgsr::pg
