#pragma once
// Downloads one file over HTTP(S) (QtNetwork), e.g. a BEIR dataset archive, with progress,
// cancel and integrity checks. GUI thread (or any thread with an event loop); one download per
// object at a time.
//
// The body is written to "<destination>.part" while its SHA-256 is computed; on success the
// part file is renamed to `destination`. A download fails, the part file removed, when:
// the network fails (offline, refused, time-out: the message names the host and suggests
// checking the connection), the server answers an HTTP error, fewer (or more) bytes arrive than
// Content-Length announced (truncated), or the SHA-256 differs from `expectedSha256`.
// finished() is emitted once per start(), also after cancel().

#include <QByteArray>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;

namespace embtune::net {

class DatasetDownload : public QObject {
    Q_OBJECT
public:
    enum class Outcome { Succeeded, Failed, Cancelled };

    struct Result {
        Outcome outcome = Outcome::Failed;
        QString file;            // the downloaded file (success only)
        QString message;         // why it failed; empty on success
        QByteArray sha256;       // lower-case hex of what was received (also on checksum failure)
        qint64 bytes = 0;        // bytes received
        bool ok() const { return outcome == Outcome::Succeeded; }
    };

    // https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/<name>.zip
    static QUrl beirDatasetUrl(const QString &name);
    // BEIR names the public folder serves (scifact, nfcorpus, fiqa, arguana, ...), for completion.
    static QStringList beirDatasetNames();
    // True when `name` is a plausible dataset name (letters, digits, '-', '_', '.'; no '/').
    static bool isValidDatasetName(const QString &name);

    explicit DatasetDownload(QObject *parent = nullptr);
    ~DatasetDownload() override;

    // Starts downloading `url` to `destination` (its folder is created). `expectedSha256`: hex
    // digest to verify, or empty to only record it. `timeoutMs`: time without any data after
    // which the transfer is abandoned. Returns false (no finished()) when a download is running.
    bool start(const QUrl &url, const QString &destination, const QByteArray &expectedSha256 = {},
               int timeoutMs = 30000);
    // Stops the transfer; finished() follows with Outcome::Cancelled.
    void cancel();
    bool isRunning() const { return m_reply != nullptr; }

signals:
    // total: -1 when the server sent no Content-Length.
    void progressed(qint64 received, qint64 total);
    void finished(const embtune::net::DatasetDownload::Result &result);

private:
    void onReadyRead();
    void onFinished();
    void finish(Outcome outcome, const QString &message);

    QNetworkAccessManager *m_network = nullptr;
    QPointer<QNetworkReply> m_reply;
    QFile m_part;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    QString m_destination;
    QByteArray m_expected;
    QUrl m_url;
    qint64 m_received = 0;
    bool m_cancelled = false;
    bool m_writeFailed = false;
};

} // namespace embtune::net

Q_DECLARE_METATYPE(embtune::net::DatasetDownload::Result)
