// A first pass over a document's text that builds nothing: its size, its
// number of elements, its nesting, and whether it may hold a secret.  It
// runs before the document is parsed (and before anything is decided about
// logging), so it stops at the first excess instead of reading on.
#include <string>

#include "spec/scanner.hpp"

namespace pgsr::spec {
namespace json = boost::json;
using detail::error_code;

namespace {

using detail::Scanner;

struct Scan {
    bool valid = false;  // read to the end, as JSON
    Scanner::Stop stop = Scanner::Stop::none;
    bool secret = false;
    std::string deep_path;
};

Scan scan(std::string_view text, std::string_view path) {
    json::parse_options options;
    // One more level than allowed, so that the handler sees the excess and
    // names where it is.
    options.max_depth = kMaxDepth + 1;
    json::basic_parser<Scanner> parser(options, path);
    error_code ec;
    std::size_t n = parser.write_some(false, text.data(), text.size(), ec);
    const Scanner& s = parser.handler();
    Scan out;
    out.stop = s.stop();
    out.secret = s.secret();
    out.deep_path = s.deep_path();
    // Only whitespace may follow the document.
    out.valid = !ec && text.find_first_not_of(" \t\r\n", n) == std::string_view::npos;
    return out;
}

}  // namespace

std::optional<Error> check_size(std::size_t elements, std::size_t bytes, std::string_view path) {
    if (elements > kMaxElements)
        return Error{"54000", std::string(path) + ": too many elements (more than " +
                                  std::to_string(kMaxElements) + ")"};
    if (bytes > kMaxDocumentBytes)
        return Error{"54000", std::string(path) + ": too large (" + std::to_string(bytes) +
                                  " bytes; at most " + std::to_string(kMaxDocumentBytes) + ")"};
    return std::nullopt;
}

std::optional<Error> check_limits(std::string_view json, std::string_view path) {
    if (auto e = check_size(0, json.size(), path)) return e;
    Scan s = scan(json, path);
    switch (s.stop) {
        case Scanner::Stop::elements:
            return check_size(kMaxElements + 1, 0, path);
        case Scanner::Stop::depth:
            return Error{"22023", s.deep_path + ": nested too deeply (more than " +
                                      std::to_string(kMaxDepth) + " levels)"};
        case Scanner::Stop::none:
            break;
    }
    return std::nullopt;
}

bool may_hold_secret(std::string_view json) {
    if (json.size() > kMaxDocumentBytes) return true;
    Scan s = scan(json, "");
    return !s.valid || s.stop != Scanner::Stop::none || s.secret;
}

bool calls_document_function(std::string_view sql) noexcept {
    auto identifier_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
               static_cast<unsigned char>(c) >= 0x80;
    };
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    // Only the first characters of a name are kept (no allocation here: the
    // server's log hook calls this); a longer name matches none.
    std::array<char, 10> name{};
    std::size_t length = 0;
    auto keep = [&](char c) {
        if (length < name.size()) name[length] = c;
        ++length;
    };
    std::size_t i = 0;
    while (i < sql.size()) {
        length = 0;
        if (sql[i] == '\'') {  // a literal, skipped: '' in it a quote, and \' too in E'...'
            bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
            for (++i; i < sql.size(); ++i) {
                if (escapes && sql[i] == '\\') {
                    ++i;
                } else if (sql[i] == '\'') {
                    if (i + 1 >= sql.size() || sql[i + 1] != '\'') break;
                    ++i;
                }
            }
            ++i;
            continue;
        }
        if (sql[i] == '"') {  // a quoted name, "" inside it a quote
            for (++i; i < sql.size(); ++i) {
                if (sql[i] == '"' && (i + 1 >= sql.size() || sql[i + 1] != '"')) break;
                if (sql[i] == '"') ++i;
                keep(sql[i]);
            }
            ++i;
        } else if (identifier_char(sql[i]) && (i == 0 || !identifier_char(sql[i - 1]))) {
            for (; i < sql.size() && identifier_char(sql[i]); ++i)
                keep(lower(sql[i]));
        } else {
            ++i;
            continue;
        }
        if (length > name.size()) continue;
        std::string_view got(name.data(), length);
        if (got != "sync" && got != "sync_many" && got != "plan" && got != "plan_many") continue;
        std::size_t j = i;
        while (j < sql.size() && (sql[j] == ' ' || sql[j] == '\t' || sql[j] == '\n' || sql[j] == '\r')) ++j;
        if (j < sql.size() && sql[j] == '(') return true;
    }
    return false;
}

}  // namespace pgsr::spec
