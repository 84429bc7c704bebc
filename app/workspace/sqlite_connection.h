#pragma once
// A thin RAII layer over libsqlite3: a connection, prepared statements and a transaction guard.
// Every failure becomes an engine::Error naming the database file. Not thread-safe: one
// connection belongs to one thread at a time (the Workspace that owns it).

#include "core/error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace embtune::app {

class SqliteConnection;

// A prepared statement. Parameters are bound by 1-based position; columns are read by 0-based
// index after step() returned true. Owned by the caller; must not outlive its connection.
class SqliteStatement {
public:
    SqliteStatement() = default;
    SqliteStatement(SqliteStatement &&other) noexcept;
    SqliteStatement &operator=(SqliteStatement &&other) noexcept;
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;
    ~SqliteStatement();

    SqliteStatement &bind(int index, int64_t value);
    SqliteStatement &bind(int index, double value);
    SqliteStatement &bind(int index, std::string_view text);
    SqliteStatement &bindNull(int index);
    // 0 binds NULL (row ids start at 1), anything else the id.
    SqliteStatement &bindId(int index, int64_t id);

    // Advances: true when a row is available, false when done; an Error on failure.
    engine::Result<bool> step();
    // Runs to completion (for statements that return no rows).
    engine::Status run();
    void reset();

    int64_t integer(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    bool isNull(int column) const;

    // Steps through the remaining rows and returns read(*this) of each, in order.
    template <typename T, typename Read>
    engine::Result<std::vector<T>> collect(Read &&read)
    {
        std::vector<T> out;
        for (;;) {
            auto row = step();
            if (!row)
                return row.error();
            if (!*row)
                return out;
            out.push_back(read(std::as_const(*this)));
        }
    }

private:
    friend class SqliteConnection;
    SqliteStatement(sqlite3_stmt *statement, const SqliteConnection *connection)
        : m_statement(statement), m_connection(connection) {}

    sqlite3_stmt *m_statement = nullptr;
    const SqliteConnection *m_connection = nullptr;
};

class SqliteConnection {
public:
    SqliteConnection() = default;
    SqliteConnection(SqliteConnection &&other) noexcept;
    SqliteConnection &operator=(SqliteConnection &&other) noexcept;
    SqliteConnection(const SqliteConnection &) = delete;
    SqliteConnection &operator=(const SqliteConnection &) = delete;
    ~SqliteConnection();

    // Opens (create: creates) the database file at `path`.
    static engine::Result<SqliteConnection> open(const std::string &path, bool create);
    void close();
    bool isOpen() const { return m_db != nullptr; }
    const std::string &path() const { return m_path; }

    engine::Result<SqliteStatement> prepare(std::string_view sql) const;
    // Runs one or more statements that return no rows.
    engine::Status exec(const std::string &sql) const;
    // The first column of the first row of `sql` as an integer (nullopt: no row).
    engine::Result<std::optional<int64_t>> queryInt(std::string_view sql) const;
    int64_t lastInsertId() const;
    int64_t changes() const;

    // An Error for the connection's last failure: "<context>: <sqlite message>", file = path.
    engine::Error lastError(std::string_view context) const;

private:
    sqlite3 *m_db = nullptr;
    std::string m_path;
};

// BEGIN IMMEDIATE on construction (check ok()); ROLLBACK on destruction unless commit() ran.
class SqliteTransaction {
public:
    explicit SqliteTransaction(const SqliteConnection &connection);
    SqliteTransaction(const SqliteTransaction &) = delete;
    SqliteTransaction &operator=(const SqliteTransaction &) = delete;
    ~SqliteTransaction();

    const engine::Status &begun() const { return m_begun; }
    engine::Status commit();

private:
    const SqliteConnection &m_connection;
    engine::Status m_begun;
    bool m_open = false;
};

} // namespace embtune::app
