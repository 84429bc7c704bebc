#include "remote_settings.h"

#include <QSettings>

namespace embtune::gui {

RemoteRequest loadRemoteRequest(const QSettings &settings)
{
    RemoteRequest request;
    const auto value = [&settings](const char *name, const QVariant &fallback) {
        return settings.value(QStringLiteral("remote/") + QLatin1String(name), fallback);
    };
    request.settings.baseUrl = value("baseUrl", request.settings.baseUrl).toString();
    request.settings.model = value("model", request.settings.model).toString();
    request.settings.dimensions = value("dimensions", request.settings.dimensions).toInt();
    request.settings.maxInFlight = value("inFlight", request.settings.maxInFlight).toInt();
    request.settings.pricePerMillionTokens = value("price", 0.0).toDouble();
    request.confirmAbove = value("confirmAbove", request.confirmAbove).toDouble();
    const QString source = value("keySource", QStringLiteral("environment")).toString();
    request.useKey = source != QStringLiteral("none");
    const QString variable = value("keyVariable", request.keySource.environmentVariable).toString();
    const QString service = value("keychainService", request.keySource.keychainService).toString();
    request.keySource.keychainEntry = value("keychainEntry", request.keySource.keychainEntry).toString();
    request.keySource.environmentVariable = source == QStringLiteral("keychain") ? QString() : variable;
    request.keySource.keychainService = source == QStringLiteral("keychain") ? service : QString();
    return request;
}

void saveRemoteRequest(QSettings &settings, const RemoteRequest &request)
{
    // Where the key comes from, never the key.
    const auto set = [&settings](const char *name, const QVariant &value) {
        settings.setValue(QStringLiteral("remote/") + QLatin1String(name), value);
    };
    set("baseUrl", request.settings.baseUrl);
    set("model", request.settings.model);
    set("dimensions", request.settings.dimensions);
    set("inFlight", request.settings.maxInFlight);
    set("price", request.settings.pricePerMillionTokens);
    set("confirmAbove", request.confirmAbove);
    set("keySource", !request.useKey                                  ? QStringLiteral("none")
                     : !request.keySource.keychainService.isEmpty() ? QStringLiteral("keychain")
                                                                    : QStringLiteral("environment"));
    if (!request.keySource.environmentVariable.isEmpty())
        set("keyVariable", request.keySource.environmentVariable);
    if (!request.keySource.keychainService.isEmpty())
        set("keychainService", request.keySource.keychainService);
    set("keychainEntry", request.keySource.keychainEntry);
}

} // namespace embtune::gui
