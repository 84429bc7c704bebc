#include "sqlite_connection.h"

#include <sqlite3.h>

#include <utility>

using embtune::engine::Error;
using embtune::engine::ErrorCode;
using embtune::engine::Result;
using embtune::engine::Status;

namespace embtune::app {

SqliteStatement::SqliteStatement(SqliteStatement &&other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr)), m_connection(other.m_connection)
{
}

SqliteStatement &SqliteStatement::operator=(SqliteStatement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_statement);
        m_statement = std::exchange(other.m_statement, nullptr);
        m_connection = other.m_connection;
    }
    return *this;
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

SqliteStatement &SqliteStatement::bind(int index, int64_t value)
{
    sqlite3_bind_int64(m_statement, index, value);
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, double value)
{
    sqlite3_bind_double(m_statement, index, value);
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, std::string_view text)
{
    sqlite3_bind_text(m_statement, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
    return *this;
}

SqliteStatement &SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_statement, index);
    return *this;
}

SqliteStatement &SqliteStatement::bindId(int index, int64_t id)
{
    return id == 0 ? bindNull(index) : bind(index, id);
}

Result<bool> SqliteStatement::step()
{
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return m_connection->lastError(sqlite3_sql(m_statement) ? sqlite3_sql(m_statement) : "statement");
}

Status SqliteStatement::run()
{
    for (;;) {
        auto more = step();
        if (!more)
            return more.error();
        if (!*more)
            break;
    }
    reset();
    return {};
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

int64_t SqliteStatement::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

double SqliteStatement::real(int column) const
{
    return sqlite3_column_double(m_statement, column);
}

std::string SqliteStatement::text(int column) const
{
    const auto *bytes = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return bytes ? std::string(bytes, size_t(sqlite3_column_bytes(m_statement, column))) : std::string();
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

SqliteConnection::SqliteConnection(SqliteConnection &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path))
{
}

SqliteConnection &SqliteConnection::operator=(SqliteConnection &&other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

SqliteConnection::~SqliteConnection()
{
    close();
}

Result<SqliteConnection> SqliteConnection::open(const std::string &path, bool create)
{
    SqliteConnection connection;
    connection.m_path = path;
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &connection.m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Error error = connection.m_db ? connection.lastError("cannot open the database")
                                      : Error::io(std::string("cannot open the database: ") + sqlite3_errstr(rc), path);
        return error;
    }
    sqlite3_extended_result_codes(connection.m_db, 1);
    // Another connection (a reader) may hold the database briefly; wait instead of failing.
    sqlite3_busy_timeout(connection.m_db, 5000);
    return connection;
}

void SqliteConnection::close()
{
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

Result<SqliteStatement> SqliteConnection::prepare(std::string_view sql) const
{
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(m_db, sql.data(), int(sql.size()), &statement, nullptr) != SQLITE_OK)
        return lastError(sql);
    return SqliteStatement(statement, this);
}

Status SqliteConnection::exec(const std::string &sql) const
{
    char *message = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        sqlite3_free(message);
        return lastError(sql);
    }
    return {};
}

Result<std::optional<int64_t>> SqliteConnection::queryInt(std::string_view sql) const
{
    auto statement = prepare(sql);
    if (!statement)
        return statement.error();
    auto row = statement->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<int64_t>();
    return std::optional<int64_t>(statement->integer(0));
}

int64_t SqliteConnection::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int64_t SqliteConnection::changes() const
{
    return sqlite3_changes64(m_db);
}

Error SqliteConnection::lastError(std::string_view context) const
{
    const int code = sqlite3_extended_errcode(m_db);
    const int primary = code & 0xff;
    // Damaged or foreign files are the user's input; failures to read or write are I/O.
    const bool input = primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_CONSTRAINT ||
                       primary == SQLITE_MISMATCH;
    std::string what(context.substr(0, 120));
    if (context.size() > 120)
        what += "...";
    Error error{input ? ErrorCode::Input : ErrorCode::Io, what + ": " + sqlite3_errmsg(m_db), m_path, -1};
    return error;
}

SqliteTransaction::SqliteTransaction(const SqliteConnection &connection)
    : m_connection(connection), m_begun(connection.exec("BEGIN IMMEDIATE"))
{
    m_open = m_begun.ok();
}

SqliteTransaction::~SqliteTransaction()
{
    if (m_open)
        (void)m_connection.exec("ROLLBACK");
}

Status SqliteTransaction::commit()
{
    if (!m_open)
        return m_begun.ok() ? Status(Error{ErrorCode::Internal, "transaction already ended", m_connection.path(), -1})
                            : m_begun;
    Status s = m_connection.exec("COMMIT");
    m_open = !s.ok();
    return s;
}

} // namespace embtune::app
