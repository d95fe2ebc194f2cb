// A SQL function call seen from C++: its arguments converted to C++ values,
// its result as rows of text.  No PostgreSQL header here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace pgsr::pg {

class Arguments {
public:
    struct Value {
        bool null = true;
        Secret text;  // a text argument
        // A jsonb argument: its top-level array's length (0 for another
        // shape), its size, and its values, read (none when over spec's
        // limits: see spec::check_size).
        std::size_t elements = 0;
        std::size_t bytes = 0;
        std::shared_ptr<spec::Reader> document;
        std::vector<std::optional<std::string>> array;
        std::int64_t int8 = 0;
    };
    explicit Arguments(std::vector<Value> values) : values_(std::move(values)) {}

    bool is_null(std::size_t i) const { return i >= values_.size() || values_[i].null; }
    const Secret& text(std::size_t i) const { return values_.at(i).text; }
    spec::Reader* document(std::size_t i) const { return values_.at(i).document.get(); }
    const std::vector<std::optional<std::string>>& array(std::size_t i) const { return values_.at(i).array; }
    std::int64_t int8(std::size_t i) const { return values_.at(i).int8; }
    std::size_t elements(std::size_t i) const { return values_.at(i).elements; }
    std::size_t bytes(std::size_t i) const { return values_.at(i).bytes; }

private:
    std::vector<Value> values_;
};

// A result row: one text value per column (nullopt is NULL), converted with
// each column type's input function.
using OutputRow = std::vector<std::optional<std::string>>;

// Marks the statement the current call runs in as one that may hold a
// password: until it ends, nothing logged shows its text or CONTEXT, and
// pg_stat_activity does not show it (see hidden_statement.cpp).
void hide_statement_on_error();
// Whether the current statement is so marked.
bool statement_hidden();
// A call found the document it was given clear of secrets: errors of the
// statement no longer hide its text for calling sync (see
// hidden_statement.cpp), unless they are input errors.
void document_clear();

using TableBody = std::vector<OutputRow> (*)(const Arguments&);
using ScalarBody = std::optional<std::string> (*)(const Arguments&);

}  // namespace pgsr::pg
