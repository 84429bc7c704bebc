#include "io/json_writer.h"

#include <cmath>
#include <cstdio>

namespace embtune::engine {

std::string JsonWriter::escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
                out += buffer;
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
    return out;
}

void JsonWriter::newline()
{
    if (!m_pretty)
        return;
    m_out.push_back('\n');
    m_out.append(m_hasItems.size() * 2, ' ');
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasItems.empty()) {
        if (m_hasItems.back())
            m_out.push_back(',');
        m_hasItems.back() = true;
        newline();
    }
}

void JsonWriter::open(char bracket)
{
    beforeValue();
    m_out.push_back(bracket);
    m_hasItems.push_back(false);
}

void JsonWriter::close(char bracket)
{
    const bool hadItems = m_hasItems.back();
    m_hasItems.pop_back();
    if (hadItems)
        newline();
    m_out.push_back(bracket);
}

void JsonWriter::raw(std::string_view json)
{
    beforeValue();
    m_out.append(json);
}

void JsonWriter::key(std::string_view name)
{
    beforeValue();
    m_out += escape(name);
    m_out += m_pretty ? ": " : ":";
    m_afterKey = true;
}

void JsonWriter::value(std::string_view text)
{
    beforeValue();
    m_out += escape(text);
}

void JsonWriter::value(double number)
{
    beforeValue();
    if (!std::isfinite(number)) {
        m_out += "null";
        return;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.10g", number);
    m_out += buffer;
}

void JsonWriter::value(int64_t number)
{
    beforeValue();
    m_out += std::to_string(number);
}

void JsonWriter::value(bool flag)
{
    beforeValue();
    m_out += flag ? "true" : "false";
}

void JsonWriter::null()
{
    beforeValue();
    m_out += "null";
}

} // namespace embtune::engine
