#include "methods/method.h"

#include <charconv>
#include <cmath>
#include <sstream>

namespace embtune::engine {
namespace {

bool parseDouble(const std::string &text, double &value)
{
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end && std::isfinite(value);
}

std::vector<std::string> splitList(const std::string &text)
{
    std::vector<std::string> parts;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, ','))
        parts.push_back(part);
    return parts;
}

Status validate(const ParamSpec &p, const std::string &value)
{
    auto bad = [&](const std::string &why) {
        return Error::usage("parameter " + p.name + "=" + value + ": " + why);
    };
    auto inRange = [&](double v) { return v >= p.minimum && v <= p.maximum; };
    auto range = [&] {
        std::ostringstream s;
        s << "must be in [" << p.minimum << ", " << p.maximum << "]";
        return s.str();
    };
    double v = 0;
    switch (p.type) {
    case ParamSpec::Type::Int:
        if (!parseDouble(value, v) || v != std::floor(v))
            return bad("expected an integer");
        if (!inRange(v))
            return bad(range());
        return {};
    case ParamSpec::Type::Double:
        if (!parseDouble(value, v))
            return bad("expected a number");
        if (!inRange(v))
            return bad(range());
        return {};
    case ParamSpec::Type::Bool:
        if (value != "true" && value != "false")
            return bad("expected true or false");
        return {};
    case ParamSpec::Type::Choice:
        for (const auto &choice : p.choices)
            if (choice == value)
                return {};
        {
            std::string known;
            for (const auto &choice : p.choices)
                known += (known.empty() ? "" : ", ") + choice;
            return bad("expected one of " + known);
        }
    case ParamSpec::Type::DoubleList:
        if (value.empty())
            return {};
        for (const auto &item : splitList(value)) {
            if (!parseDouble(item, v))
                return bad("expected numbers separated by commas");
            if (!inRange(v))
                return bad("each value " + range());
        }
        return {};
    }
    return {};
}

} // namespace

Result<ParamValues> ParamValues::parse(const MethodSpec &spec, const std::map<std::string, std::string> &given)
{
    ParamValues values;
    for (const auto &[name, value] : given) {
        const ParamSpec *p = nullptr;
        for (const auto &candidate : spec.params)
            if (candidate.name == name)
                p = &candidate;
        if (!p) {
            std::string known;
            for (const auto &candidate : spec.params)
                known += (known.empty() ? "" : ", ") + candidate.name;
            return Error::usage("method " + spec.id + " has no parameter \"" + name + "\" (known: " + known + ")");
        }
        if (Status s = validate(*p, value); !s)
            return s.error();
        values.m_values[name] = value;
    }
    for (const auto &p : spec.params)
        values.m_values.try_emplace(p.name, p.defaultValue);
    return values;
}

int64_t ParamValues::integer(const std::string &name) const
{
    return int64_t(std::llround(real(name)));
}

double ParamValues::real(const std::string &name) const
{
    double v = 0;
    parseDouble(text(name), v);
    return v;
}

bool ParamValues::flag(const std::string &name) const
{
    return text(name) == "true";
}

const std::string &ParamValues::text(const std::string &name) const
{
    static const std::string empty;
    const auto it = m_values.find(name);
    assert(it != m_values.end() && "parameter not in the spec");
    return it == m_values.end() ? empty : it->second;
}

std::vector<double> ParamValues::reals(const std::string &name) const
{
    std::vector<double> out;
    for (const auto &item : splitList(text(name))) {
        double v = 0;
        if (parseDouble(item, v))
            out.push_back(v);
    }
    return out;
}

} // namespace embtune::engine

namespace embtune::engine {

ModelTensor modelTensor(const std::string &name, const RowMatrixXf &matrix)
{
    ModelTensor t;
    t.name = name;
    t.shape = {int64_t(matrix.rows()), int64_t(matrix.cols())};
    t.values.assign(matrix.data(), matrix.data() + matrix.size());
    return t;
}

} // namespace embtune::engine
