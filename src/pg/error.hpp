// Errors on their way to the entry point, which raises them in PostgreSQL
// once every C++ object is gone.  No PostgreSQL header here.
#pragma once

#include <exception>
#include <string>

namespace pgsr::pg {

// A PostgreSQL error caught at the boundary; holds a copied ErrorData.
class Error : public std::exception {
public:
    explicit Error(void* edata) : edata_(edata) {}
    const char* what() const noexcept override { return "PostgreSQL error"; }
    void* edata() const { return edata_; }

private:
    void* edata_;  // ErrorData *, in a memory context that outlives the call
};

// An error of ours: raised with ereport and the given SQLSTATE.
class UserError : public std::exception {
public:
    UserError(std::string sqlstate, std::string message, std::string detail = {},
              std::string hint = {})
        : sqlstate_(std::move(sqlstate)),
          message_(std::move(message)),
          detail_(std::move(detail)),
          hint_(std::move(hint)) {}
    const char* what() const noexcept override { return message_.c_str(); }
    const std::string& sqlstate() const { return sqlstate_; }
    const std::string& detail() const { return detail_; }
    const std::string& hint() const { return hint_; }

private:
    std::string sqlstate_, message_, detail_, hint_;
};

}  // namespace pgsr::pg
