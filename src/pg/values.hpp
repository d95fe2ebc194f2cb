// PostgreSQL's own parsing and checking of the values in a document:
// timestamps, regular expressions and passwords.  No PostgreSQL header here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "spec/secret.hpp"

namespace pgsr::pg {

struct Timestamp {
    std::int64_t value = 0;  // TimestampTz
    std::string text;        // ISO 8601 in UTC: the same instant under any DateStyle and TimeZone
    bool infinite = false;
};

// timestamptz_in; on bad input returns nullopt and sets *error to the server's message.
std::optional<Timestamp> parse_timestamptz(const std::string& text, std::string* error);
Timestamp infinity();

// Compiles a regular expression as `~` would; returns the server's message if invalid.
std::optional<std::string> regex_error(const std::string& pattern);

enum class PasswordKind { plaintext, scram, md5 };
PasswordKind password_kind(const Secret& password);

// Runs check_password_hook, if one is set, on a plaintext password.
void check_password(const std::string& role, const Secret& plaintext, const Timestamp& valid_until);

// encrypt_password(PASSWORD_TYPE_SCRAM_SHA_256, ...)
Secret scram_secret(const std::string& role, const Secret& plaintext);

// Whether the stored secret is the declared password: a SCRAM secret must be
// the same string; a plaintext must verify against a stored SCRAM secret.
bool password_matches(const std::string& role, const Secret& stored, const Secret& declared);

}  // namespace pgsr::pg
