#pragma once
// Error values and Result<T>: the engine reports input problems as values, never by throwing.
// Bugs assert; third-party exceptions are caught at the engine edge and turned into Errors.

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace embtune::engine {

enum class ErrorCode {
    Input,     // the user's data is malformed or inconsistent (CLI exit 1)
    Io,        // a file could not be opened, read or written (CLI exit 1)
    Usage,     // a call's arguments are invalid (CLI exit 2)
    Cancelled, // the caller's Progress asked to stop (CLI exit 3); not a failure
    Internal,  // a bug or an unexpected third-party failure
};

struct Error {
    ErrorCode code = ErrorCode::Input;
    std::string message;
    std::string file;     // path of the offending file, empty when none
    int64_t line = -1;    // 1-based line (text files) or record/row number; -1 when none

    static Error input(std::string message, std::string file = {}, int64_t line = -1) {
        return {ErrorCode::Input, std::move(message), std::move(file), line};
    }
    static Error io(std::string message, std::string file = {}) {
        return {ErrorCode::Io, std::move(message), std::move(file), -1};
    }
    static Error usage(std::string message) { return {ErrorCode::Usage, std::move(message), {}, -1}; }
    static Error cancelled() { return {ErrorCode::Cancelled, "cancelled", {}, -1}; }

    // "file:line: message" (or the parts that exist).
    std::string toString() const;
};

// Exit code of the CLI for an error: 1 input/io/internal, 2 usage, 3 cancelled.
int exitCodeFor(const Error &error);

// A value or an Error. Access to the wrong alternative is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { assert(ok()); return std::get<0>(m_state); }
    const T &value() const & { assert(ok()); return std::get<0>(m_state); }
    T &&value() && { assert(ok()); return std::get<0>(std::move(m_state)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { assert(!ok()); return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// Result of an operation that returns nothing.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { assert(m_failed); return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};

using Status = Result<void>;

} // namespace embtune::engine
