#include "support/http_test_server.h"

#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <map>
#include <memory>

namespace embtune::test {

namespace {

constexpr qsizetype kMaxHead = 64 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

} // namespace

struct HttpTestServer::State {
    struct Connection {
        int serial = 0;
        QByteArray buffer;
        bool busy = false; // a delayed answer is pending: later requests wait
    };
    QTcpServer *server = nullptr;
    std::map<QTcpSocket *, Connection> connections;
};

HttpTestServer::HttpTestServer(HttpHandler handler)
    : m_handler(std::move(handler))
{
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    m_thread.setObjectName("HttpTestServer");
    m_thread.start();
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            m_state = new State;
            m_state->server = new QTcpServer(m_context);
            QObject::connect(m_state->server, &QTcpServer::newConnection, m_context, [this] { accept(); });
            if (m_state->server->listen(QHostAddress::LocalHost, 0))
                m_port = m_state->server->serverPort();
        },
        Qt::BlockingQueuedConnection);
}

HttpTestServer::~HttpTestServer()
{
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            for (QTcpSocket *socket : m_state->server->findChildren<QTcpSocket *>())
                QObject::disconnect(socket, nullptr, m_context, nullptr);
            delete m_state->server; // and its sockets (children), with their delayed answers
            delete m_state;
            m_state = nullptr;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_context;
}

QUrl HttpTestServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

std::vector<HttpRequest> HttpTestServer::requests() const
{
    std::lock_guard lock(m_mutex);
    return m_requests;
}

int HttpTestServer::connections() const
{
    std::lock_guard lock(m_mutex);
    return m_connections;
}

int HttpTestServer::busyConnections() const
{
    std::lock_guard lock(m_mutex);
    return m_busy;
}

int HttpTestServer::maxBusyConnections() const
{
    std::lock_guard lock(m_mutex);
    return m_maxBusy;
}

void HttpTestServer::changeBusy(int delta)
{
    std::lock_guard lock(m_mutex);
    m_busy += delta;
    m_maxBusy = std::max(m_maxBusy, m_busy);
}

void HttpTestServer::accept()
{
    while (QTcpSocket *socket = m_state->server->nextPendingConnection()) {
        {
            std::lock_guard lock(m_mutex);
            m_state->connections[socket].serial = ++m_connections;
        }
        QObject::connect(socket, &QTcpSocket::readyRead, m_context, [this, socket] { serve(socket); });
        QObject::connect(socket, &QTcpSocket::disconnected, m_context, [this, socket] {
            if (!m_state)
                return;
            const auto closed = m_state->connections.find(socket);
            if (closed != m_state->connections.end()) {
                if (closed->second.busy)
                    changeBusy(-1); // its delayed answer dies with the socket
                m_state->connections.erase(closed);
            }
            socket->deleteLater();
        });
        if (socket->bytesAvailable() > 0)
            serve(socket);
    }
}

void HttpTestServer::serve(QTcpSocket *socket)
{
    if (!m_state)
        return;
    const auto found = m_state->connections.find(socket);
    if (found == m_state->connections.end())
        return;
    State::Connection &connection = found->second;
    connection.buffer.append(socket->readAll());
    while (!connection.busy) {
        const qsizetype headEnd = connection.buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            if (connection.buffer.size() > kMaxHead) {
                HttpResponse tooLarge;
                tooLarge.status = 431;
                answer(socket, tooLarge, false);
            }
            return;
        }
        const QList<QByteArray> lines = connection.buffer.left(headEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        HttpRequest request;
        request.connection = connection.serial;
        request.method = requestLine.value(0);
        request.target = requestLine.value(1);
        const bool http11 = requestLine.value(2) == "HTTP/1.1";
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        if (requestLine.size() != 3 || request.headers.contains("transfer-encoding")) {
            HttpResponse refused;
            refused.status = requestLine.size() != 3 ? 400 : 501;
            answer(socket, refused, false);
            return;
        }
        bool lengthOk = true;
        const qsizetype length =
            request.headers.contains("content-length") ? request.header("content-length").toLongLong(&lengthOk) : 0;
        if (!lengthOk || length < 0) {
            HttpResponse refused;
            refused.status = 400;
            answer(socket, refused, false);
            return;
        }
        if (connection.buffer.size() < headEnd + 4 + length)
            return; // wait for the rest of the body
        request.body = connection.buffer.mid(headEnd + 4, length);
        connection.buffer.remove(0, headEnd + 4 + length);
        {
            std::lock_guard lock(m_mutex);
            m_requests.push_back(request);
        }

        changeBusy(+1);
        const HttpResponse response = m_handler(request);
        const bool keepAlive = http11 && request.header("connection").toLower() != "close" && !response.closeAfter &&
                               response.streamRepeats == 0;
        if (response.dropConnection) {
            changeBusy(-1);
            socket->abort();
            return;
        }
        if (response.delayMs > 0) {
            connection.busy = true;
            QPointer<QTcpSocket> guarded(socket);
            QTimer::singleShot(response.delayMs, socket, [this, guarded, response, keepAlive] {
                if (!guarded || !m_state || !m_state->connections.count(guarded.data()))
                    return;
                m_state->connections[guarded.data()].busy = false;
                changeBusy(-1);
                answer(guarded.data(), response, keepAlive);
                if (keepAlive && guarded && m_state->connections.count(guarded.data()))
                    serve(guarded.data());
            });
            return;
        }
        changeBusy(-1);
        answer(socket, response, keepAlive);
        if (!keepAlive)
            return;
    }
}

void HttpTestServer::answer(QTcpSocket *socket, const HttpResponse &response, bool keepAlive)
{
    if (response.streamRepeats != 0) {
        stream(socket, response);
        return;
    }
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    out += response.body;
    socket->write(out);
    if (!keepAlive)
        socket->disconnectFromHost(); // after the written data is sent
}

void HttpTestServer::stream(QTcpSocket *socket, const HttpResponse &response)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    head += "Content-Type: " + response.contentType + "\r\nConnection: close\r\n";
    for (const auto &[name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    socket->write(head + "\r\n" + response.body);
    if (response.streamChunk.isEmpty()) {
        socket->disconnectFromHost();
        return;
    }
    auto left = std::make_shared<qint64>(response.streamRepeats); // copies still to write; < 0: endless
    const QByteArray chunk = response.streamChunk;
    const auto more = [socket, left, chunk] {
        if (*left == 0)
            return;
        while (*left != 0 && socket->bytesToWrite() < 4 * chunk.size() + 65536) {
            socket->write(chunk);
            if (*left > 0)
                --*left;
        }
        if (*left == 0)
            socket->disconnectFromHost(); // after the written data is sent
    };
    QObject::connect(socket, &QTcpSocket::bytesWritten, m_context, more);
    more();
}

} // namespace embtune::test
