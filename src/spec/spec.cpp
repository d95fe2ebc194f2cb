// Parses and validates the grants document with Boost.JSON.
#include "spec/spec.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#include <boost/container/pmr/memory_resource.hpp>
#include <boost/json.hpp>

#include "spec/scanner.hpp"

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

// A document's values, flat, in document order: an array or object is
// followed by its members, each of an object's carrying its key.  Strings
// point into what the values were read from (a jsonb, or a parsed text),
// which outlives the reading.  A member's key is looked up by a walk over
// its object's few members: no table is built.
struct Node {
    enum class Type : std::uint8_t { null, boolean, number, string, array, object };
    const char* key = nullptr;
    const char* text = nullptr;  // a string's value
    std::uint32_t key_size = 0;
    std::uint32_t text_size = 0;
    std::uint32_t end = 0;   // the index past its last member, at any depth
    std::uint32_t size = 0;  // an array's or object's members
    Type type = Type::null;
    bool flag = false;       // a boolean's value

    std::string_view key_view() const { return {key, key_size}; }
    std::string_view string() const { return {text, text_size}; }
};

class Nodes {
public:
    explicit Nodes(const std::vector<Node>& nodes) : nodes_(nodes) {}
    const Node& at(std::uint32_t i) const { return nodes_[i]; }
    // The members of the array or object at i: each index in turn.
    template <typename F>
    void each(std::uint32_t i, F f) const {
        for (std::uint32_t c = i + 1; c < nodes_[i].end; c = nodes_[c].end) f(c);
    }
    // The member of the object at i under `key`, if any.
    const Node* find(std::uint32_t i, std::string_view key) const {
        for (std::uint32_t c = i + 1; c < nodes_[i].end; c = nodes_[c].end)
            if (nodes_[c].key_view() == key) return &nodes_[c];
        return nullptr;
    }

private:
    const std::vector<Node>& nodes_;
};

// Where an element is (roles["alice"][2]): made into text only for an error.
struct Where {
    std::string_view document;
    std::size_t index;
    std::string path() const { return element_path(document, index); }
    std::string key(std::string_view k) const { return path() + "." + std::string(k); }
};

class ElementReader {
public:
    ElementReader(const Nodes& nodes, std::uint32_t obj, Where where) : nodes_(nodes), obj_(obj), where_(where) {}

    std::string key_path(std::string_view key) const { return where_.key(key); }

    const Node* find(std::string_view key) const { return nodes_.find(obj_, key); }

    std::string name(std::string_view key) const {
        const Node* v = find(key);
        if (!v) fail(key_path(key), "missing");
        if (v->type != Node::Type::string) fail(key_path(key), "expected a string");
        std::string_view s = v->string();
        if (s.empty() || s.size() > kMaxNameBytes) check_name_text(key_path(key), s);
        return std::string(s);
    }

    std::optional<std::string> nullable_string(std::string_view key) const {
        const Node* v = find(key);
        if (!v || v->type == Node::Type::null) return std::nullopt;
        if (v->type != Node::Type::string) fail(key_path(key), "expected a string or null");
        if (v->text_size == 0) fail(key_path(key), "must not be empty");
        return std::string(v->string());
    }

    // A required non-empty string of any length (not a name).
    std::string text(std::string_view key) const {
        const Node* v = find(key);
        if (!v) fail(key_path(key), "missing");
        if (v->type != Node::Type::string) fail(key_path(key), "expected a string");
        if (v->text_size == 0) fail(key_path(key), "must not be empty");
        return std::string(v->string());
    }

    bool flag(std::string_view key) const {
        const Node* v = find(key);
        if (!v) return false;
        if (v->type != Node::Type::boolean) fail(key_path(key), "expected true or false");
        return v->flag;
    }

private:
    const Nodes& nodes_;
    std::uint32_t obj_;
    Where where_;
};

const TypeSpec& type_of(const Nodes& nodes, std::uint32_t obj, const Where& where) {
    const Node* t = nodes.find(obj, "type");
    if (!t) fail(where.key("type"), "missing");
    if (t->type != Node::Type::string) fail(where.key("type"), "expected a string");
    std::string_view type = t->string();
    for (const TypeSpec& spec : type_specs())
        if (type == spec.type) return spec;
    std::string known;
    for (const TypeSpec& spec : type_specs()) known += std::string(known.empty() ? "" : ", ") + spec.type;
    fail(where.key("type"), "unknown type " + quoted(type) + " (expected one of: " + known + ")");
}

void check_keys(const Nodes& nodes, std::uint32_t obj, const TypeSpec& spec, const Where& where) {
    nodes.each(obj, [&](std::uint32_t c) {
        std::string_view key = nodes.at(c).key_view();
        if (key == "type") return;
        bool known = std::any_of(spec.keys.begin(), spec.keys.end(),
                                 [&](const KeySpec& k) { return key == k.name; });
        if (!known) fail(where.key(key), std::string("unexpected key for type ") + quoted(spec.type));
    });
}

Login read_login(const ElementReader& r, std::size_t index) {
    Login login;
    login.index = index;
    if (const Node* v = r.find("password"); v && v->type != Node::Type::null) {
        if (v->type != Node::Type::string) fail(r.key_path("password"), "expected a string or null");
        if (v->text_size == 0) fail(r.key_path("password"), "must not be empty");
        login.password = Secret(std::string(v->string()));
    }
    login.valid_until = r.nullable_string("valid_until");
    return login;
}

Grant read_grant(const ElementReader& r, Kind kind, std::size_t index, const Where& where) {
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
                fail(where.path(), "give either \"table\" or \"table_regex\", not both");
            if (const Node* v = r.find("table_regex")) {
                if (v->type != Node::Type::string) fail(r.key_path("table_regex"), "expected a string");
                g.table_regex = std::string(v->string());
                if (g.table_regex.empty()) fail(r.key_path("table_regex"), "must not be empty");
            } else {
                if (!r.find("table")) fail(where.path() + ".table", "missing (or give \"table_regex\")");
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

Document read_document(const Nodes& nodes, std::uint32_t root, std::string_view path) {
    if (nodes.at(root).type != Node::Type::array) fail(std::string(path), "expected a JSON array");
    Document doc;
    doc.grants.reserve(nodes.at(root).size);
    std::size_t i = 0;
    nodes.each(root, [&](std::uint32_t e) {
        Where where{path, i};
        if (nodes.at(e).type != Node::Type::object) fail(where.path(), "expected an object");
        const TypeSpec& spec = type_of(nodes, e, where);
        check_keys(nodes, e, spec, where);
        ElementReader reader(nodes, e, where);
        if (spec.note) {
            reader.text("privilege");
            reader.text("object");
            ++doc.notes;
        } else if (!spec.kind) {
            if (doc.login)
                fail(where.path(), "at most one \"login\" is allowed (another is " +
                                       element_path(path, doc.login->index) + ")");
            doc.login = read_login(reader, i);
        } else {
            doc.grants.push_back(read_grant(reader, *spec.kind, i, where));
        }
        ++i;
    });
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

namespace {

std::string too_deep_in_roles(std::string_view path) {
    return std::string(path) + ": nested too deeply (more than " + std::to_string(kMaxDepth) +
           " levels in a role's grants)";
}

// A roles document, read.
Result<std::vector<RoleDocument>> read_roles(const Nodes& nodes, std::uint32_t root, std::string_view path) {
    try {
        const Node& top = nodes.at(root);
        if (top.type != Node::Type::object)
            fail(std::string(path), "expected a JSON object of role names and their grants");
        if (top.size > kMaxRoles)
            return Error{"54000", std::string(path) + ": too many roles (more than " + std::to_string(kMaxRoles) + ")"};
        std::vector<RoleDocument> out;
        out.reserve(top.size);
        nodes.each(root, [&](std::uint32_t c) {
            std::string name(nodes.at(c).key_view());
            std::string rpath = role_path(path, name);
            check_name_text(rpath, name);
            if (nodes.at(c).type == Node::Type::array && nodes.at(c).size > kMaxElements)
                throw Invalid{check_size(kMaxElements + 1, 0, rpath).value()};
            out.push_back({name, read_document(nodes, c, rpath)});
        });
        // By name: their positions are sorted, and each role is moved once.
        std::vector<std::uint32_t> order(out.size());
        for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(),
                  [&](std::uint32_t a, std::uint32_t b) { return out[a].name < out[b].name; });
        for (std::size_t i = 1; i < order.size(); ++i)
            if (out[order[i]].name == out[order[i - 1]].name) fail(role_path(path, out[order[i]].name), "given twice");
        std::vector<RoleDocument> sorted;
        sorted.reserve(out.size());
        for (std::uint32_t i : order) sorted.push_back(std::move(out[i]));
        return sorted;
    } catch (const Invalid& e) {
        return e.error;
    }
}

// A parsed text's values, fed to a reader as the server feeds a jsonb's.
void feed(const json::value& v, Reader& reader) {
    switch (v.kind()) {
        case json::kind::null: reader.null(); break;
        case json::kind::bool_: reader.boolean(v.get_bool()); break;
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_: reader.number(); break;
        case json::kind::string: reader.string(std::string_view(v.get_string().data(), v.get_string().size())); break;
        case json::kind::array:
            if (!reader.begin_array()) return;
            for (const json::value& e : v.get_array()) feed(e, reader);
            reader.end();
            break;
        case json::kind::object:
            if (!reader.begin_object()) return;
            for (const auto& m : v.get_object()) {
                if (!reader.key(std::string_view(m.key().data(), m.key().size()))) return;
                feed(m.value(), reader);
            }
            reader.end();
            break;
    }
}

}  // namespace

Result<std::vector<RoleDocument>> parse_roles(std::string_view text, std::string_view path) {
    if (auto e = check_size(0, text.size(), path)) return *e;
    WipingResource resource;
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = kMaxDepth + 1;  // one level for the object of roles
    json::value root = json::parse(json::string_view(text.data(), text.size()), ec,
                                   json::storage_ptr(&resource), options);
    if (ec == json::error::too_deep) return Error{"22023", too_deep_in_roles(path)};
    if (ec) return Error{"22023", std::string(path) + ": not valid JSON (" + ec.message() + ")"};
    Reader reader;
    feed(root, reader);
    return reader.roles(path);
}

Result<Document> parse_grants(std::string_view text, std::string_view path) {
    // Too large or too deep is found without building anything.
    if (auto e = check_limits(text, path)) return *e;
    WipingResource resource;
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = kMaxDepth;
    json::value root = json::parse(json::string_view(text.data(), text.size()), ec,
                                   json::storage_ptr(&resource), options);
    if (ec) return Error{"22023", std::string(path) + ": not valid JSON (" + ec.message() + ")"};
    Reader reader;
    feed(root, reader);
    return reader.grants(path);
}

// The Scanner sees every value first, as it sees a text's (its path is
// empty: deep_path() is then what follows the document's path).  The values
// are kept flat (Node); `open` holds the arrays and objects begun and not
// yet ended.  Nothing is copied: the strings stay where the caller has them.
struct Reader::Impl {
    // At most this many values (80 MB of them): a jsonb of 16 MB can hold
    // four million nulls, which no document needs.
    static constexpr std::size_t kMaxValues = kMaxDocumentBytes / 8;

    std::vector<Node> nodes;
    std::vector<std::uint32_t> open;
    std::string_view key;  // of the next value, in an object
    detail::Scanner scanner{""};
    detail::error_code ec;
    bool scanning = true;  // until the Scanner stops
    bool stopped = false;  // at a limit: nothing more is read
    bool too_deep = false;
    bool too_many = false;  // values

    bool room() {
        if (nodes.size() < kMaxValues) return true;
        too_many = stopped = true;
        return false;
    }

    // Whether to go on, once the Scanner has seen the value: a document it
    // stopped reading may hold a secret; past its element limit nothing more
    // is read.  Nesting is kept one level deeper than a grants document's
    // limit (for a roles document's object).
    bool scanned(bool ok) {
        if (!ok) {
            scanning = false;
            if (scanner.stop() == detail::Scanner::Stop::elements) stopped = true;
        }
        return !stopped;
    }
    Node& add(Node::Type type) {
        Node n;
        n.type = type;
        if (!open.empty()) {
            Node& parent = nodes[open.back()];
            ++parent.size;
            if (parent.type == Node::Type::object) {
                n.key = key.data();
                n.key_size = static_cast<std::uint32_t>(key.size());
            }
        }
        n.end = static_cast<std::uint32_t>(nodes.size() + 1);
        nodes.push_back(n);
        return nodes.back();
    }
    bool begin(bool object) {
        if (stopped) return false;
        if (scanning && !scanned(object ? scanner.on_object_begin(ec) : scanner.on_array_begin(ec))) return false;
        if (open.size() + 1 > kMaxDepth + 1) {
            too_deep = stopped = true;
            return false;
        }
        if (!room()) return false;
        add(object ? Node::Type::object : Node::Type::array);
        open.push_back(static_cast<std::uint32_t>(nodes.size() - 1));
        return true;
    }
    bool end() {
        if (stopped || open.empty()) return false;
        Node& n = nodes[open.back()];
        open.pop_back();
        n.end = static_cast<std::uint32_t>(nodes.size());
        if (scanning) scanned(n.type == Node::Type::object ? scanner.on_object_end(n.size, ec)
                                                           : scanner.on_array_end(n.size, ec));
        return !stopped;
    }
    template <typename Scan>
    Node* scalar(Node::Type type, Scan scan) {
        if (stopped) return nullptr;
        if (scanning && !scanned(scan())) return nullptr;
        if (!room()) return nullptr;
        return &add(type);
    }
    bool complete() const { return !stopped && open.empty() && !nodes.empty(); }
    std::optional<Error> too_large(std::string_view path) const {
        if (!too_many) return std::nullopt;
        return Error{"54000", std::string(path) + ": too large (more than " + std::to_string(kMaxValues) + " values)"};
    }
    // Once read: the values are no longer needed.
    void release() { std::vector<Node>().swap(nodes); }
};

Reader::Reader() : impl_(std::make_unique<Impl>()) {}
Reader::~Reader() = default;

// An element of a document takes 14 to 20 bytes of its jsonb a value (its
// entry; its key's entry and text in an object; a string's text): room for
// a document's values, reserved (40 bytes each) and touched only as used.
// Another shape makes the vector grow.
void Reader::reserve(std::size_t bytes) {
    impl_->nodes.reserve(std::min(bytes / 16 + 1, Impl::kMaxValues));
}

bool Reader::begin_array() { return impl_->begin(false); }
bool Reader::begin_object() { return impl_->begin(true); }
bool Reader::end() { return impl_->end(); }

bool Reader::key(std::string_view k) {
    Impl& r = *impl_;
    if (r.stopped || r.open.empty() || r.nodes[r.open.back()].type != Node::Type::object) return false;
    if (r.scanning && !r.scanned(r.scanner.on_key(json::string_view(k.data(), k.size()), k.size(), r.ec)))
        return false;
    r.key = k;
    return true;
}

bool Reader::string(std::string_view v) {
    Impl& r = *impl_;
    Node* n = r.scalar(Node::Type::string,
                       [&] { return r.scanner.on_string(json::string_view(v.data(), v.size()), v.size(), r.ec); });
    if (!n) return false;
    n->text = v.data();
    n->text_size = static_cast<std::uint32_t>(v.size());
    return true;
}

bool Reader::boolean(bool b) {
    Impl& r = *impl_;
    Node* n = r.scalar(Node::Type::boolean, [&] { return r.scanner.on_bool(b, r.ec); });
    if (!n) return false;
    n->flag = b;
    return true;
}

bool Reader::null() {
    Impl& r = *impl_;
    return r.scalar(Node::Type::null, [&] { return r.scanner.on_null(r.ec); }) != nullptr;
}

// No element takes a number: only that it is one matters.
bool Reader::number() {
    Impl& r = *impl_;
    return r.scalar(Node::Type::number, [&] { return r.scanner.on_int64(0, {}, r.ec); }) != nullptr;
}

bool Reader::may_hold_secret() const {
    const Impl& r = *impl_;
    return !r.scanning || !r.complete() || r.scanner.secret();
}

Result<Document> Reader::grants(std::string_view path) {
    Impl& r = *impl_;
    switch (r.scanner.stop()) {
        case detail::Scanner::Stop::elements:
            return check_size(kMaxElements + 1, 0, path).value();
        case detail::Scanner::Stop::depth:
            return Error{"22023", std::string(path) + r.scanner.deep_path() + ": nested too deeply (more than " +
                                      std::to_string(kMaxDepth) + " levels)"};
        case detail::Scanner::Stop::none:
            break;
    }
    if (auto e = r.too_large(path)) return *e;
    if (!r.complete()) return Error{"22023", std::string(path) + ": incomplete document"};
    Result<Document> out = Error{};
    try {
        out = read_document(Nodes(r.nodes), 0, path);
    } catch (const Invalid& e) {
        out = e.error;
    }
    r.release();
    return out;
}

Result<std::vector<RoleDocument>> Reader::roles(std::string_view path) {
    Impl& r = *impl_;
    if (r.too_deep) return Error{"22023", too_deep_in_roles(path)};
    // Over the elements of a top-level array: not a roles document.
    if (r.scanner.stop() == detail::Scanner::Stop::elements)
        return Error{"22023", std::string(path) + ": expected a JSON object of role names and their grants"};
    if (auto e = r.too_large(path)) return *e;
    if (!r.complete()) return Error{"22023", std::string(path) + ": incomplete document"};
    auto out = read_roles(Nodes(r.nodes), 0, path);
    r.release();
    return out;
}

}  // namespace pgsr::spec
