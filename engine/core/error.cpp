#include "core/error.h"

namespace embtune::engine {

std::string Error::toString() const
{
    std::string out;
    if (!file.empty()) {
        out.append(file);
        if (line >= 0) {
            out.push_back(':');
            out.append(std::to_string(line));
        }
        out.append(": ");
    } else if (line >= 0) {
        out.append("record ").append(std::to_string(line)).append(": ");
    }
    out.append(message);
    return out;
}

int exitCodeFor(const Error &error)
{
    switch (error.code) {
    case ErrorCode::Usage: return 2;
    case ErrorCode::Cancelled: return 3;
    default: return 1;
    }
}

} // namespace embtune::engine
