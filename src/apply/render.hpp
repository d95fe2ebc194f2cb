// Statements as SQL text: the one place where SQL is built from names.  Every
// identifier goes through quote_ident, every literal through quote_literal.
#pragma once

#include <string>

#include "plan/plan.hpp"

namespace pgsr::apply {

struct Rendered {
    std::string sql;      // what is run
    std::string display;  // what is shown: sql with any password redacted
    const std::string* secret = nullptr;  // the literal to keep out of errors
    bool scoped_settings = false;         // settings it changes are put back afterwards
};

Rendered render(const plan::Statement& statement);

}  // namespace pgsr::apply
