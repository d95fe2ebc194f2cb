// The first pass over a document, shared by its text (scan.cpp) and by a
// document read from the server's jsonb (spec.cpp, Reader): Boost.JSON's SAX
// interface, building nothing.  It counts the elements, follows the nesting,
// and finds whether the document may hold a secret.  Internal to spec/.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include <boost/json/basic_parser_impl.hpp>

#include "spec/spec.hpp"

namespace pgsr::spec::detail {
namespace json = boost::json;
// Boost.JSON's handlers take Boost.System's error_code; the alias
// json::error_code that 1.81 to 1.86 have is gone from 1.87 on.
using error_code = boost::system::error_code;

// The keys a document defines whose values are never secret.
inline bool plain_key(std::string_view key) {
    static constexpr std::array<std::string_view, 10> keys = {
        "type", "database", "role", "schema", "table", "table_regex", "direct", "valid_until", "privilege", "object"};
    for (std::string_view k : keys)
        if (key == k) return true;
    return false;
}

// Boost.JSON's SAX interface (basic_parser).  A handler that returns false
// stops the parser; the reason is kept in `stop`.
class Scanner {
public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    enum class Stop { none, elements, depth };

    explicit Scanner(std::string_view path) : path_(path) {}

    Stop stop() const { return stop_; }
    bool secret() const { return secret_; }
    // Where nesting went too deep: the element, and its key if it is an object.
    std::string deep_path() const { return deep_path_; }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }

    bool on_array_begin(error_code& ec) { return open(false, ec); }
    bool on_array_end(std::size_t, error_code&) { return close(); }
    bool on_object_begin(error_code& ec) { return open(true, ec); }
    bool on_object_end(std::size_t, error_code&) { return close(); }

    bool on_string_part(json::string_view, std::size_t, error_code& ec) { return part(ec); }
    bool on_string(json::string_view, std::size_t, error_code& ec) { return scalar(false, ec); }
    bool on_number_part(json::string_view, error_code& ec) { return part(ec); }
    bool on_int64(std::int64_t, json::string_view, error_code& ec) { return scalar(false, ec); }
    bool on_uint64(std::uint64_t, json::string_view, error_code& ec) { return scalar(false, ec); }
    bool on_double(double, json::string_view, error_code& ec) { return scalar(false, ec); }
    bool on_bool(bool, error_code& ec) { return scalar(false, ec); }
    bool on_null(error_code& ec) { return scalar(true, ec); }

    bool on_key_part(json::string_view s, std::size_t, error_code&) {
        append_key(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, error_code&) {
        append_key(s);
        std::string_view key(key_.data(), key_.size());
        // The keys of a roles document (sync_many's {"role": [grants]}) are
        // role names: a name is no secret, and what follows must be an array
        // of grants, read by the rules below.
        if (depth_ == 1 && !root_is_array_)
            role_value_ = true;
        else if (key == "password")
            password_value_ = true;
        else if (!plain_key(key))
            secret_ = true;
        if (depth_ == 2) member_ = key_;
        key_.clear();
        return true;
    }

    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }

private:
    // Keys longer than any the document defines are unknown whatever follows:
    // only so much of one is kept.
    void append_key(json::string_view s) {
        std::size_t room = 64 - std::min<std::size_t>(64, key_.size());
        key_.append(s.data(), std::min(room, s.size()));
        if (s.size() > room) key_ += '\x01';  // cannot match a known key
    }

    // Every value starts here, once (a string or number read in parts too).
    bool value(bool null, error_code& ec, bool array = false) {
        if (password_value_ && !null) secret_ = true;
        password_value_ = false;
        if (role_value_ && !array) secret_ = true;  // a role's grants that are not an array
        role_value_ = false;
        if (depth_ == 1 && root_is_array_ && ++elements_ > kMaxElements) {
            stop_ = Stop::elements;
            ec = json::error::exception;
            return false;
        }
        return true;
    }
    bool part(error_code& ec) {
        if (in_part_) return true;
        in_part_ = true;
        return value(false, ec);
    }
    bool scalar(bool null, error_code& ec) {
        if (in_part_) {
            in_part_ = false;
            return true;
        }
        return value(null, ec);
    }

    bool open(bool object, error_code& ec) {
        if (!value(false, ec, !object)) return false;
        ++depth_;
        if (depth_ == 1) root_is_array_ = !object;
        if (depth_ == 2) {
            element_is_object_ = object;
            member_.clear();
        }
        if (depth_ > kMaxDepth) {
            stop_ = Stop::depth;
            deep_path_ = std::string(path_);
            if (root_is_array_) {
                deep_path_ = element_path(path_, elements_ - 1);
                if (element_is_object_ && !member_.empty()) deep_path_ += "." + member_;
            }
            ec = json::error::too_deep;
            return false;
        }
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }

    std::string_view path_;
    std::size_t depth_ = 0;
    std::size_t elements_ = 0;  // values in the top-level array so far
    bool root_is_array_ = false;
    bool element_is_object_ = false;
    bool in_part_ = false;
    bool password_value_ = false;  // the next value is a "password"'s
    bool role_value_ = false;      // the next value is a role's grants (roles document)
    bool secret_ = false;
    std::string key_;     // the key being read
    std::string member_;  // the key, in the current element, of what is being read
    Stop stop_ = Stop::none;
    std::string deep_path_;
};

}  // namespace pgsr::spec::detail
