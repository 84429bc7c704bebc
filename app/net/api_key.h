#pragma once
// An API key for an OpenAI-compatible service, read from an environment variable or the desktop
// keychain (QtKeychain, when embtune was built with it).
//
// Secrecy contract: the key is only ever handed out as the value of an HTTP Authorization header
// (authorizationHeader()). There is no accessor that returns it as text, it is never part of an
// error message, and scrub() replaces any occurrence of it in text that is about to be shown,
// logged or stored. Nothing in embtune_net writes it to a file.
//
// Threads: an ApiKey is an immutable value, safe to copy and share across threads. The keychain
// functions run a local event loop in the calling thread (which needs a QCoreApplication to
// exist) and give up after their timeout.

#include "core/error.h"

#include <QByteArray>
#include <QString>

#include <string>

namespace embtune::net {

class ApiKey {
public:
    // No key: requests carry no Authorization header (local servers often need none).
    ApiKey() = default;
    // Leading and trailing white space (e.g. a newline from a file) is removed.
    static ApiKey fromString(const QString &key);

    // The value of environment variable `variable`; an Error::usage naming the variable (never
    // its value) when it is unset or empty.
    static engine::Result<ApiKey> fromEnvironment(const QString &variable);

    // True when embtune_net was built with QtKeychain.
    static bool keychainAvailable();
    // Reads the password of (service, entry) from the desktop keychain. Errors (usage/io): no
    // keychain support compiled in, no keychain service, no such entry, access denied, or no
    // answer within `timeoutMs` milliseconds. Blocks the calling thread for at most about
    // timeoutMs. A read that timed out is abandoned, not cancelled: its job object stays alive
    // until the keychain answers.
    static engine::Result<ApiKey> fromKeychain(const QString &service, const QString &entry, int timeoutMs);
    // Stores `key` as the password of (service, entry). Same errors and timeout as fromKeychain.
    static engine::Status storeInKeychain(const QString &service, const QString &entry, const ApiKey &key,
                                          int timeoutMs);

    bool isEmpty() const { return m_key.isEmpty(); }
    // "Bearer <key>", for the Authorization header only. Empty when there is no key.
    QByteArray authorizationHeader() const;

    // `text` with every occurrence of the key replaced by "***" (unchanged when there is no key).
    QString scrub(const QString &text) const;
    std::string scrub(const std::string &text) const;
    // True when `text` contains the key.
    bool occursIn(const QByteArray &text) const;

private:
    explicit ApiKey(QString key) : m_key(std::move(key)) {}
    QString m_key;
};

// Where to look for a key: the environment variable first, then the keychain.
struct ApiKeySource {
    QString environmentVariable = QStringLiteral("OPENAI_API_KEY"); // empty: skip the environment
    QString keychainService = QStringLiteral("embtune");            // empty: skip the keychain
    QString keychainEntry = QStringLiteral("openai");               // e.g. one entry per service
    int keychainTimeoutMs = 20000; // the keychain may ask the user to unlock it
};

// The first key found in `source`; an error listing where it looked when there is none.
engine::Result<ApiKey> loadApiKey(const ApiKeySource &source);

} // namespace embtune::net
