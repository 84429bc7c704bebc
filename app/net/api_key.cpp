#include "api_key.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

#ifdef EMBTUNE_HAVE_KEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace embtune::net {

using engine::Error;
using engine::Result;
using engine::Status;

namespace {

const QString kMask = QStringLiteral("***");

#ifdef EMBTUNE_HAVE_KEYCHAIN
QString describe(const QString &service, const QString &entry)
{
    return QStringLiteral("keychain entry \"%1\" of service \"%2\"").arg(entry, service);
}

// Runs `job` (not started yet) in a local event loop until it finishes or `timeoutMs` passes.
// Returns false on timeout; the job is then abandoned (it deletes itself when it finishes).
bool runJob(QKeychain::Job *job, int timeoutMs)
{
    QEventLoop loop;
    bool finished = false;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&] {
        finished = true;
        loop.quit();
    });
    QTimer timer;
    timer.setSingleShot(true);
    timer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(std::max(0, timeoutMs));
    job->start();
    loop.exec();
    return finished;
}
#endif

} // namespace

ApiKey ApiKey::fromString(const QString &key)
{
    return ApiKey(key.trimmed());
}

Result<ApiKey> ApiKey::fromEnvironment(const QString &variable)
{
    if (variable.isEmpty())
        return Error::usage("no environment variable named for the API key");
    const QString value = qEnvironmentVariable(variable.toLocal8Bit().constData()).trimmed();
    if (value.isEmpty())
        return Error::usage("environment variable " + variable.toStdString() + " is not set or empty");
    return ApiKey(value);
}

bool ApiKey::keychainAvailable()
{
#ifdef EMBTUNE_HAVE_KEYCHAIN
    return true;
#else
    return false;
#endif
}

Result<ApiKey> ApiKey::fromKeychain(const QString &service, const QString &entry, int timeoutMs)
{
#ifdef EMBTUNE_HAVE_KEYCHAIN
    if (!QCoreApplication::instance())
        return Error::usage("reading the keychain needs a QCoreApplication");
    auto *job = new QKeychain::ReadPasswordJob(service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(entry);
    if (!runJob(job, timeoutMs))
        return Error::io("the keychain did not answer within " + std::to_string(timeoutMs) + " ms while reading the " +
                         describe(service, entry).toStdString() +
                         " (is a keychain service such as gnome-keyring or KWallet running?)");
    // The job deletes itself later (autoDelete), so read everything now.
    const QKeychain::Error code = job->error();
    const QString message = job->errorString();
    const QString value = job->textData().trimmed();
    if (code == QKeychain::EntryNotFound)
        return Error::usage("no " + describe(service, entry).toStdString());
    if (code != QKeychain::NoError)
        return Error::io("could not read the " + describe(service, entry).toStdString() + ": " +
                         ApiKey(value).scrub(message).toStdString());
    if (value.isEmpty())
        return Error::usage("the " + describe(service, entry).toStdString() + " is empty");
    return ApiKey(value);
#else
    Q_UNUSED(service);
    Q_UNUSED(entry);
    Q_UNUSED(timeoutMs);
    return Error::usage("embtune was built without QtKeychain (Debian package qtkeychain-qt6-dev): "
                        "set the API key in an environment variable instead");
#endif
}

Status ApiKey::storeInKeychain(const QString &service, const QString &entry, const ApiKey &key, int timeoutMs)
{
#ifdef EMBTUNE_HAVE_KEYCHAIN
    if (!QCoreApplication::instance())
        return Error::usage("writing the keychain needs a QCoreApplication");
    auto *job = new QKeychain::WritePasswordJob(service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(entry);
    job->setTextData(key.m_key);
    if (!runJob(job, timeoutMs))
        return Error::io("the keychain did not answer within " + std::to_string(timeoutMs) + " ms while writing the " +
                         describe(service, entry).toStdString());
    if (job->error() != QKeychain::NoError)
        return Error::io("could not write the " + describe(service, entry).toStdString() + ": " +
                         key.scrub(job->errorString()).toStdString());
    return {};
#else
    Q_UNUSED(service);
    Q_UNUSED(entry);
    Q_UNUSED(key);
    Q_UNUSED(timeoutMs);
    return Error::usage("embtune was built without QtKeychain (Debian package qtkeychain-qt6-dev)");
#endif
}

QByteArray ApiKey::authorizationHeader() const
{
    if (m_key.isEmpty())
        return {};
    return "Bearer " + m_key.toUtf8();
}

QString ApiKey::scrub(const QString &text) const
{
    if (m_key.isEmpty())
        return text;
    QString out = text;
    out.replace(m_key, kMask);
    return out;
}

std::string ApiKey::scrub(const std::string &text) const
{
    if (m_key.isEmpty())
        return text;
    const std::string key = m_key.toStdString();
    std::string out = text;
    for (size_t at = out.find(key); at != std::string::npos; at = out.find(key, at + kMask.size()))
        out.replace(at, key.size(), kMask.toStdString());
    return out;
}

bool ApiKey::occursIn(const QByteArray &text) const
{
    return !m_key.isEmpty() && text.contains(m_key.toUtf8());
}

Result<ApiKey> loadApiKey(const ApiKeySource &source)
{
    std::string tried;
    if (!source.environmentVariable.isEmpty()) {
        auto key = ApiKey::fromEnvironment(source.environmentVariable);
        if (key)
            return key;
        tried = key.error().message;
    }
    if (!source.keychainService.isEmpty()) {
        auto key = ApiKey::fromKeychain(source.keychainService, source.keychainEntry, source.keychainTimeoutMs);
        if (key)
            return key;
        tried += (tried.empty() ? "" : "; ") + key.error().message;
    }
    if (tried.empty())
        tried = "no environment variable or keychain entry configured";
    return Error::usage("no API key found: " + tried);
}

} // namespace embtune::net
