// SPI, quoting and other backend services for catalog/ and apply/, behind
// plain C++ types.  No PostgreSQL header here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgsr::pg {

// A query parameter ($n): its SQL type and value.
struct Param {
    enum class Type { text, text_array, oid_array, int8 } type = Type::text;
    std::string text;
    std::vector<std::string> texts;
    std::vector<std::uint32_t> oids;
    std::int64_t int8 = 0;

    static Param of(std::string v);
    static Param of(std::vector<std::string> v);
    static Param of(std::vector<std::uint32_t> v);
    static Param of_int8(std::int64_t v);
};

// One result row.  Columns of type bool, int2/4/8, oid and timestamptz are
// kept as their binary value (a timestamptz as its microseconds), the rest
// as text.
class Row {
public:
    struct Cell {
        bool null = true;
        std::string text;
        std::int64_t value = 0;
    };
    explicit Row(std::vector<Cell> cells) : cells_(std::move(cells)) {}

    bool is_null(std::size_t i) const { return cells_.at(i).null; }
    const std::string& text(std::size_t i) const { return cells_.at(i).text; }
    std::optional<std::string> opt_text(std::size_t i) const;
    std::int64_t int64(std::size_t i) const { return cells_.at(i).value; }
    std::optional<std::int64_t> opt_int64(std::size_t i) const;
    std::uint32_t oid(std::size_t i) const { return static_cast<std::uint32_t>(cells_.at(i).value); }
    bool boolean(std::size_t i) const { return !cells_.at(i).null && cells_.at(i).value != 0; }

private:
    std::vector<Cell> cells_;
};

namespace spi {
void connect();
void finish();

}  // namespace spi

// How a read is planned: once for the backend (generic), or for its
// parameters each time (custom) where those decide the plan.
enum class PlanKind { generic, custom };

namespace spi {
// A read: a kept plan run with parameters $1, $2, ...
std::vector<Row> query(const std::string& sql, const std::vector<Param>& params = {},
                       PlanKind kind = PlanKind::generic);

// Between these, every read sees one snapshot (taken at begin_reads), so
// that the reads of one catalog pass agree with each other.
void begin_reads();
void end_reads();

// A utility statement.  `secret`, when given, is a literal inside `sql` that
// must not reach an error message or its context: it is cut out of any error.
// With `scoped_settings`, settings the statement changes (SET ROLE) are put
// back as they were afterwards, as for a function's SET clause.
void execute(const std::string& sql, const std::string* secret = nullptr, bool scoped_settings = false);
}  // namespace spi

std::string quote_ident(const std::string& name);
std::string quote_literal(const std::string& value);

// pg_advisory_xact_lock(key), called in-process: waits like any lock wait,
// cancellable, released at the end of the transaction.
void advisory_xact_lock(std::int64_t key);

// The lock every changing sync takes first, whatever its lock_key: a lock on
// the shared object (pg_authid, 0), which names no role, so it is the
// extension's own and cluster-wide (roles are).  Two syncs that touch the
// same roles, in any database, never run at once.
void lock_syncs();

// A count of the catalog changes this session has heard of: every committed
// change of a cached catalog (pg_authid, pg_auth_members, pg_class, ...) by
// any session reaches every other as an invalidation message.  Messages
// waiting are taken in first, so that two equal counts mean that no such
// change was committed in between (a count that differs may mean one was).
std::uint64_t catalog_changes();

// Locks a relation a plan changes, before anything changes.  `exclusive`
// (for ALTER ... OWNER) does not wait: a session holding any lock on it makes
// this an error (55P03) that names that session; running out of lock space
// is an error (53200) that names the setting to raise.  Otherwise it waits as
// GRANT would.  Returns false when the relation is gone, or no longer has
// that schema and name (dropped or renamed since it was planned).
bool lock_relation(std::uint32_t oid, const std::string& schema, const std::string& name, bool exclusive,
                   std::size_t planned);

// 8 lowercase hex digits from pg_strong_random.
std::string random_hex8();

// Emits a NOTICE.
void notice(const std::string& message);

}  // namespace pgsr::pg
