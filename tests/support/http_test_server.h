#pragma once
// A small HTTP/1.1 server for tests: listens on 127.0.0.1 (a free port) in its own thread and
// answers each request with whatever a handler returns. Supports keep-alive (several requests on
// one connection, one at a time), "Connection: close", Content-Length bodies, delayed answers and
// dropped connections. Chunked request bodies are refused with 501.
//
// Threads: the handler runs on the server's thread, one request at a time; whatever it shares
// with the test must be synchronised. requests(), connections() and the busy counts may be
// called from any thread. The destructor stops the thread; answers still delayed are never sent.

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QThread>
#include <QUrl>

#include <functional>
#include <mutex>
#include <vector>

class QTcpSocket;

namespace embtune::test {

struct HttpRequest {
    QByteArray method;
    QByteArray target;                    // e.g. "/v1/embeddings"
    QMap<QByteArray, QByteArray> headers; // names in lower case, values trimmed
    QByteArray body;
    int connection = 0;                   // 1-based serial number of the connection

    QByteArray header(const QByteArray &lowerCaseName) const { return headers.value(lowerCaseName); }
};

struct HttpResponse {
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers
    QByteArray contentType = "application/json";
    QByteArray body;
    int delayMs = 0;             // wait this long before answering
    bool closeAfter = false;     // send "Connection: close" and close after the answer
    bool dropConnection = false; // close the connection without answering
    // Streamed answer (when streamRepeats != 0): no Content-Length of its own (one in `headers`
    // is sent as given), "Connection: close", `body` then `streamChunk` streamRepeats times (-1:
    // until the client closes), each copy written as the previous ones drain, so that an endless
    // or huge answer costs the server no memory. The body ends when the server closes.
    QByteArray streamChunk{};
    qint64 streamRepeats = 0;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest &)>;

class HttpTestServer {
public:
    explicit HttpTestServer(HttpHandler handler);
    ~HttpTestServer();
    HttpTestServer(const HttpTestServer &) = delete;
    HttpTestServer &operator=(const HttpTestServer &) = delete;

    bool isListening() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    // "http://127.0.0.1:PORT"
    QUrl baseUrl() const;

    // Every complete request received so far, in arrival order.
    std::vector<HttpRequest> requests() const;
    int connections() const;
    // Connections holding a request received and not yet answered (a connection serves one
    // request at a time; one the client closed no longer counts): now, and the most at once.
    int busyConnections() const;
    int maxBusyConnections() const;

private:
    struct State;
    // Server thread only.
    void accept();
    void serve(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const HttpResponse &response, bool keepAlive);
    void stream(QTcpSocket *socket, const HttpResponse &response);
    void changeBusy(int delta);

    HttpHandler m_handler;
    QThread m_thread;
    QObject *m_context = nullptr; // lives in m_thread; parent of the listening server
    quint16 m_port = 0;
    State *m_state = nullptr;     // server-thread data (connections), touched only there

    mutable std::mutex m_mutex;
    std::vector<HttpRequest> m_requests; // guarded by m_mutex
    int m_connections = 0;               // guarded by m_mutex
    int m_busy = 0;                      // guarded by m_mutex: connections owing an answer now
    int m_maxBusy = 0;                   // guarded by m_mutex
};

} // namespace embtune::test
