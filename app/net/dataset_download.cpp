#include "dataset_download.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

namespace embtune::net {

namespace {

QString sizeText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

QUrl DatasetDownload::beirDatasetUrl(const QString &name)
{
    return QUrl(QStringLiteral("https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/%1.zip").arg(name));
}

QStringList DatasetDownload::beirDatasetNames()
{
    // The public BEIR datasets of the benchmark's README (the gated ones, e.g. bioasq, are not there).
    return {QStringLiteral("scifact"),       QStringLiteral("nfcorpus"),  QStringLiteral("arguana"),
            QStringLiteral("scidocs"),       QStringLiteral("fiqa"),      QStringLiteral("trec-covid"),
            QStringLiteral("webis-touche2020"), QStringLiteral("quora"),  QStringLiteral("nq"),
            QStringLiteral("hotpotqa"),      QStringLiteral("dbpedia-entity"), QStringLiteral("fever"),
            QStringLiteral("climate-fever"), QStringLiteral("msmarco"),   QStringLiteral("cqadupstack")};
}

bool DatasetDownload::isValidDatasetName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    return pattern.match(name).hasMatch() && !name.contains(QStringLiteral(".."));
}

DatasetDownload::DatasetDownload(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    qRegisterMetaType<Result>();
}

DatasetDownload::~DatasetDownload()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    if (m_part.isOpen()) {
        m_part.close();
        m_part.remove();
    }
}

bool DatasetDownload::start(const QUrl &url, const QString &destination, const QByteArray &expectedSha256,
                            int timeoutMs)
{
    if (m_reply)
        return false;
    m_url = url;
    m_destination = QFileInfo(destination).absoluteFilePath();
    m_expected = expectedSha256.trimmed().toLower();
    m_received = 0;
    m_cancelled = false;
    m_writeFailed = false;
    m_hash.reset();

    QDir().mkpath(QFileInfo(m_destination).absolutePath());
    m_part.setFileName(m_destination + QStringLiteral(".part"));
    if (!m_part.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        // Reported asynchronously, like every other outcome.
        const QString message =
            tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(m_part.fileName()), m_part.errorString());
        QMetaObject::invokeMethod(
            this, [this, message] { emit finished(Result{Outcome::Failed, {}, message, {}, 0}); },
            Qt::QueuedConnection);
        return true;
    }

    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setTransferTimeout(timeoutMs);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("embtune"));
    m_reply = m_network->get(request);
    connect(m_reply, &QIODevice::readyRead, this, &DatasetDownload::onReadyRead);
    connect(m_reply, &QNetworkReply::downloadProgress, this, &DatasetDownload::progressed);
    connect(m_reply, &QNetworkReply::finished, this, &DatasetDownload::onFinished);
    return true;
}

void DatasetDownload::cancel()
{
    if (!m_reply)
        return;
    m_cancelled = true;
    m_reply->abort(); // finished() follows
}

void DatasetDownload::onReadyRead()
{
    if (!m_reply || !m_reply->isOpen())
        return;
    const QByteArray chunk = m_reply->readAll();
    m_received += chunk.size();
    m_hash.addData(chunk);
    if (!m_writeFailed && m_part.write(chunk) != chunk.size()) {
        m_writeFailed = true;
        m_reply->abort();
    }
}

void DatasetDownload::onFinished()
{
    if (!m_reply)
        return;
    onReadyRead();
    const QNetworkReply::NetworkError error = m_reply->error();
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QVariant lengthHeader = m_reply->header(QNetworkRequest::ContentLengthHeader);
    const QString reason = m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    const QString errorText = m_reply->errorString();
    const QString url = m_url.toDisplayString();
    const QString host = m_url.host();

    if (m_cancelled) {
        finish(Outcome::Cancelled, tr("Download of %1 cancelled.").arg(url));
        return;
    }
    if (m_writeFailed) {
        finish(Outcome::Failed,
               tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(m_part.fileName()), m_part.errorString()));
        return;
    }
    if (status >= 400) {
        finish(Outcome::Failed, tr("Cannot download %1: the server answered HTTP %2 %3.").arg(url).arg(status).arg(reason));
        return;
    }
    if (error != QNetworkReply::NoError) {
        QString why;
        switch (error) {
        case QNetworkReply::ConnectionRefusedError:
        case QNetworkReply::HostNotFoundError:
        case QNetworkReply::TimeoutError:
        case QNetworkReply::OperationCanceledError: // the transfer timeout aborts with this code
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::UnknownNetworkError:
            why = tr("cannot reach %1 (%2). Check the network connection (the computer may be offline), or "
                     "download the archive another way and open the .zip.")
                      .arg(host, errorText);
            break;
        case QNetworkReply::RemoteHostClosedError:
            why = tr("%1 closed the connection after %2 (%3): the download is incomplete.")
                      .arg(host, sizeText(m_received), errorText);
            break;
        default:
            why = errorText;
            break;
        }
        finish(Outcome::Failed, tr("Cannot download %1: %2").arg(url, why));
        return;
    }
    if (lengthHeader.isValid() && lengthHeader.toLongLong() != m_received) {
        finish(Outcome::Failed, tr("Cannot download %1: truncated: received %2 of the %3 bytes announced.")
                                    .arg(url)
                                    .arg(m_received)
                                    .arg(lengthHeader.toLongLong()));
        return;
    }
    const QByteArray digest = m_hash.result().toHex();
    if (!m_expected.isEmpty() && digest != m_expected) {
        finish(Outcome::Failed, tr("Cannot download %1: checksum mismatch: SHA-256 of the %2 bytes received is %3, "
                                   "expected %4 (truncated or altered download).")
                                    .arg(url)
                                    .arg(m_received)
                                    .arg(QString::fromLatin1(digest), QString::fromLatin1(m_expected)));
        return;
    }
    finish(Outcome::Succeeded, {});
}

void DatasetDownload::finish(Outcome outcome, const QString &message)
{
    Result result;
    result.outcome = outcome;
    result.message = message;
    result.bytes = m_received;
    result.sha256 = m_hash.result().toHex();
    m_part.close();
    if (outcome == Outcome::Succeeded) {
        QFile::remove(m_destination);
        if (!m_part.rename(m_destination)) {
            result.outcome = Outcome::Failed;
            result.message = tr("%1: cannot rename the download: %2")
                                 .arg(QDir::toNativeSeparators(m_destination), m_part.errorString());
            m_part.remove();
        } else {
            result.file = m_destination;
        }
    } else {
        m_part.remove();
    }
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    emit finished(result);
}

} // namespace embtune::net
