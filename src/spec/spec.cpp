// Parses and validates the grants document with Boost.JSON.
#include "spec/spec.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include <boost/container/pmr/memory_resource.hpp>
#include <boost/json.hpp>

namespace pgsr::spec {
namespace json = boost::json;

// Boost.JSON allocates through Boost.Container's memory_resource; the alias
// json::memory_resource that 1.81 to 1.86 have is gone from 1.87 on.
using MemoryResource = boost::container::pmr::memory_resource;

namespace {

// The document may hold a plaintext password: every block Boost.JSON
// allocated for it is wiped before it is handed back.
//
// An arena: blocks are handed out in pieces and given back all at once, each
// wiped first, when the parse is over.  Nothing is freed piecemeal, so
// Boost.JSON does not walk the tree to destroy it (is_deallocate_trivial,
// below), and a piece freed early (a pending key, a grown array) is wiped
// with the rest.  Any alignment is served, whatever alignment a piece is
// later freed with.
class WipingResource final : public MemoryResource {
public:
    WipingResource() = default;
    WipingResource(const WipingResource&) = delete;
    WipingResource& operator=(const WipingResource&) = delete;
    ~WipingResource() override {
        for (const Block& b : blocks_) {
            wipe(b.data, b.size);
            ::operator delete(b.data);
        }
    }

private:
    struct Block {
        char* data;
        std::size_t size;
    };
    static std::size_t padding(const char* at, std::size_t align) {
        std::size_t misaligned = reinterpret_cast<std::uintptr_t>(at) % align;
        return misaligned ? align - misaligned : 0;
    }
    void* do_allocate(std::size_t n, std::size_t align) override {
        if (align == 0) align = 1;
        if (!next_ || padding(next_, align) + n > left_) {
            std::size_t size = std::max(n + align, block_);
            block_ = std::min<std::size_t>(block_ * 2, 1 << 20);
            blocks_.push_back({static_cast<char*>(::operator new(size)), size});
            next_ = blocks_.back().data;
            left_ = size;
        }
        std::size_t pad = padding(next_, align);
        void* p = next_ + pad;
        next_ += pad + n;
        left_ -= pad + n;
        return p;
    }
    void do_deallocate(void*, std::size_t, std::size_t) override {}
    bool do_is_equal(const MemoryResource& other) const noexcept override {
        return this == &other;
    }

    std::vector<Block> blocks_;
    char* next_ = nullptr;
    std::size_t left_ = 0;
    std::size_t block_ = 16 << 10;
};

}  // namespace
}  // namespace pgsr::spec

template <>
struct boost::json::is_deallocate_trivial<pgsr::spec::WipingResource> : std::true_type {};

namespace pgsr::spec {
namespace {

struct Invalid {
    Error error;
};

[[noreturn]] void fail(std::string path, const std::string& what, const char* sqlstate = "22023") {
    throw Invalid{{sqlstate, std::move(path) + ": " + what}};
}

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

// What keys each type takes; `required` ones must be present.
struct KeySpec {
    const char* name;
    bool required;
};

struct TypeSpec {
    const char* type;
    std::optional<Kind> kind;  // nullopt: login, or a note (below)
    std::vector<KeySpec> keys;
    // A note describe() writes of what the document cannot express: checked,
    // and otherwise ignored, so that describe's output is a document sync
    // accepts.
    bool note = false;
};

const std::vector<TypeSpec>& type_specs() {
    static const std::vector<TypeSpec> specs = {
        {"login", std::nullopt, {{"password", false}, {"valid_until", false}}},
        {"database_connect", Kind::database_connect, {{"database", true}}},
        {"role_membership", Kind::role_membership, {{"role", true}}},
        {"schema_usage", Kind::schema_usage, {{"schema", true}, {"direct", false}}},
        {"schema_create", Kind::schema_create, {{"schema", true}, {"direct", false}}},
        {"schema_ownership", Kind::schema_ownership, {{"schema", true}}},
        {"table_select",
         Kind::table_select,
         {{"schema", true}, {"table", false}, {"table_regex", false}, {"direct", false}}},
        {"table_ownership", Kind::table_ownership, {{"schema", true}, {"table", true}}},
        {kNotExpressible, std::nullopt, {{"privilege", true}, {"object", true}}, true},
    };
    return specs;
}

std::string check_name_text(std::string_view path, std::string_view name) {
    if (name.empty()) fail(std::string(path), "must not be empty");
    if (name.size() > kMaxNameBytes)
        fail(std::string(path),
             "name is longer than " + std::to_string(kMaxNameBytes) + " bytes (" +
                 std::to_string(name.size()) + ")",
             "42622");
    return std::string(name);
}

class ElementReader {
public:
    ElementReader(const json::object& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

    std::string key_path(std::string_view key) const { return path_ + "." + std::string(key); }

    const json::value* find(std::string_view key) const { return obj_.if_contains(key); }

    std::string name(std::string_view key) const {
        const json::value* v = find(key);
        if (!v) fail(key_path(key), "missing");
        if (!v->is_string()) fail(key_path(key), "expected a string");
        const json::string& s = v->get_string();
        return check_name_text(key_path(key), std::string_view(s.data(), s.size()));
    }

    std::optional<std::string> nullable_string(std::string_view key) const {
        const json::value* v = find(key);
        if (!v || v->is_null()) return std::nullopt;
        if (!v->is_string()) fail(key_path(key), "expected a string or null");
        const json::string& s = v->get_string();
        if (s.empty()) fail(key_path(key), "must not be empty");
        return std::string(s.data(), s.size());
    }

    // A required non-empty string of any length (not a name).
    std::string text(std::string_view key) const {
        const json::value* v = find(key);
        if (!v) fail(key_path(key), "missing");
        if (!v->is_string()) fail(key_path(key), "expected a string");
        const json::string& s = v->get_string();
        if (s.empty()) fail(key_path(key), "must not be empty");
        return std::string(s.data(), s.size());
    }

    bool flag(std::string_view key) const {
        const json::value* v = find(key);
        if (!v) return false;
        if (!v->is_bool()) fail(key_path(key), "expected true or false");
        return v->get_bool();
    }

private:
    const json::object& obj_;
    std::string path_;
};

const TypeSpec& type_of(const json::object& obj, const std::string& path) {
    const json::value* t = obj.if_contains("type");
    if (!t) fail(path + ".type", "missing");
    if (!t->is_string()) fail(path + ".type", "expected a string");
    std::string_view type(t->get_string().data(), t->get_string().size());
    for (const TypeSpec& spec : type_specs())
        if (type == spec.type) return spec;
    std::string known;
    for (const TypeSpec& spec : type_specs()) known += std::string(known.empty() ? "" : ", ") + spec.type;
    fail(path + ".type", "unknown type " + quoted(type) + " (expected one of: " + known + ")");
}

void check_keys(const json::object& obj, const TypeSpec& spec, const std::string& path) {
    for (const auto& kv : obj) {
        std::string_view key(kv.key().data(), kv.key().size());
        if (key == "type") continue;
        bool known = std::any_of(spec.keys.begin(), spec.keys.end(),
                                 [&](const KeySpec& k) { return key == k.name; });
        if (!known)
            fail(path + "." + std::string(key),
                 std::string("unexpected key for type ") + quoted(spec.type));
    }
}

Login read_login(const ElementReader& r, std::size_t index) {
    Login login;
    login.index = index;
    if (const json::value* v = r.find("password"); v && !v->is_null()) {
        if (!v->is_string()) fail(r.key_path("password"), "expected a string or null");
        const json::string& s = v->get_string();
        if (s.empty()) fail(r.key_path("password"), "must not be empty");
        login.password = Secret(std::string(s.data(), s.size()));
    }
    login.valid_until = r.nullable_string("valid_until");
    return login;
}

Grant read_grant(const ElementReader& r, Kind kind, std::size_t index, const std::string& path) {
    Grant g;
    g.kind = kind;
    g.index = index;
    switch (kind) {
        case Kind::database_connect:
            g.database = r.name("database");
            break;
        case Kind::role_membership:
            g.role = r.name("role");
            break;
        case Kind::schema_usage:
        case Kind::schema_create:
            g.schema = r.name("schema");
            g.direct = r.flag("direct");
            break;
        case Kind::schema_ownership:
            g.schema = r.name("schema");
            break;
        case Kind::table_select:
            g.schema = r.name("schema");
            g.direct = r.flag("direct");
            if (r.find("table") && r.find("table_regex"))
                fail(path, "give either \"table\" or \"table_regex\", not both");
            if (r.find("table_regex")) {
                const json::value* v = r.find("table_regex");
                if (!v->is_string()) fail(r.key_path("table_regex"), "expected a string");
                g.table_regex = std::string(v->get_string().data(), v->get_string().size());
                if (g.table_regex.empty()) fail(r.key_path("table_regex"), "must not be empty");
            } else {
                if (!r.find("table")) fail(path + ".table", "missing (or give \"table_regex\")");
                g.table = r.name("table");
            }
            break;
        case Kind::table_ownership:
            g.schema = r.name("schema");
            g.table = r.name("table");
            break;
    }
    return g;
}

Document read_document(const json::value& root, std::string_view path) {
    if (!root.is_array()) fail(std::string(path), "expected a JSON array");
    Document doc;
    const json::array& arr = root.get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
        std::string epath = element_path(path, i);
        if (!arr[i].is_object()) fail(epath, "expected an object");
        const json::object& obj = arr[i].get_object();
        const TypeSpec& spec = type_of(obj, epath);
        check_keys(obj, spec, epath);
        ElementReader reader(obj, epath);
        if (spec.note) {
            reader.text("privilege");
            reader.text("object");
            ++doc.notes;
        } else if (!spec.kind) {
            if (doc.login)
                fail(epath, "at most one \"login\" is allowed (another is " +
                                element_path(path, doc.login->index) + ")");
            doc.login = read_login(reader, i);
        } else {
            doc.grants.push_back(read_grant(reader, *spec.kind, i, epath));
        }
    }
    return doc;
}

}  // namespace

const char* kind_name(Kind k) {
    for (const TypeSpec& spec : type_specs())
        if (spec.kind == k) return spec.type;
    return "unknown";
}

std::string element_path(std::string_view path, std::size_t index) {
    return std::string(path) + "[" + std::to_string(index) + "]";
}

std::optional<Error> check_name(std::string_view name, std::string_view what) {
    try {
        check_name_text(what, name);
    } catch (const Invalid& e) {
        return e.error;
    }
    return std::nullopt;
}

std::string role_path(std::string_view path, std::string_view role) {
    return std::string(path) + "[" + quoted(role) + "]";
}

Result<std::vector<RoleDocument>> parse_roles(std::string_view text, std::string_view path) {
    if (auto e = check_size(0, text.size(), path)) return *e;
    WipingResource resource;
    try {
        boost::system::error_code ec;
        json::parse_options options;
        options.max_depth = kMaxDepth + 1;  // one level for the object of roles
        json::value root = json::parse(json::string_view(text.data(), text.size()), ec,
                                       json::storage_ptr(&resource), options);
        if (ec == json::error::too_deep)
            return Error{"22023", std::string(path) + ": nested too deeply (more than " +
                                      std::to_string(kMaxDepth) + " levels in a role's grants)"};
        if (ec) return Error{"22023", std::string(path) + ": not valid JSON (" + ec.message() + ")"};
        if (!root.is_object()) fail(std::string(path), "expected a JSON object of role names and their grants");
        const json::object& roles = root.get_object();
        if (roles.size() > kMaxRoles)
            return Error{"54000", std::string(path) + ": too many roles (more than " + std::to_string(kMaxRoles) + ")"};
        std::vector<RoleDocument> out;
        for (const auto& member : roles) {
            std::string name(member.key().data(), member.key().size());
            std::string rpath = role_path(path, name);
            check_name_text(rpath, name);
            if (member.value().is_array() && member.value().get_array().size() > kMaxElements)
                return check_size(kMaxElements + 1, 0, rpath).value();
            out.push_back({name, read_document(member.value(), rpath)});
        }
        std::sort(out.begin(), out.end(),
                  [](const RoleDocument& a, const RoleDocument& b) { return a.name < b.name; });
        for (std::size_t i = 1; i < out.size(); ++i)
            if (out[i].name == out[i - 1].name) fail(role_path(path, out[i].name), "given twice");
        return out;
    } catch (const Invalid& e) {
        return e.error;
    }
}

Result<Document> parse_grants(std::string_view text, std::string_view path) {
    // Too large or too deep is found without building anything.
    if (auto e = check_limits(text, path)) return *e;
    WipingResource resource;
    try {
        boost::system::error_code ec;
        json::parse_options options;
        options.max_depth = kMaxDepth;
        json::value root = json::parse(json::string_view(text.data(), text.size()), ec,
                                       json::storage_ptr(&resource), options);
        if (ec) return Error{"22023", std::string(path) + ": not valid JSON (" + ec.message() + ")"};
        return read_document(root, path);
    } catch (const Invalid& e) {
        return e.error;
    }
}

}  // namespace pgsr::spec
