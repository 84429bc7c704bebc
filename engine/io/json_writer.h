#pragma once
// Minimal streaming JSON writer for reports and sidecars (UTF-8 in, escaped JSON out).
// Usage: JsonWriter w; w.beginObject(); w.key("a"); w.value(1.5); w.endObject(); w.str().

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace embtune::engine {

class JsonWriter {
public:
    explicit JsonWriter(bool pretty = true) : m_pretty(pretty) {}

    void beginObject() { open('{'); }
    void endObject() { close('}'); }
    void beginArray() { open('['); }
    void endArray() { close(']'); }
    void key(std::string_view name);
    void value(std::string_view text);
    void value(const char *text) { value(std::string_view(text)); }
    void value(double number);
    void value(int64_t number);
    void value(int number) { value(int64_t(number)); }
    void value(bool flag);
    void null();
    // A value already serialised as JSON (an object, array, string, number...), written as is.
    void raw(std::string_view json);

    const std::string &str() const { return m_out; }
    static std::string escape(std::string_view text);

private:
    void open(char bracket);
    void close(char bracket);
    void beforeValue();
    void newline();

    std::string m_out;
    std::vector<bool> m_hasItems; // per open container: has at least one item
    bool m_afterKey = false;
    bool m_pretty;
};

} // namespace embtune::engine
