#pragma once
// Runs embtune-cli (EMBTUNE_CLI_PATH) as a user does and captures what it prints.

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace embtune::test {

struct CliRun {
    int exitCode = -1; // -1: did not finish in time; -2: crashed
    QString out, err;
};

inline CliRun runCli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                     int timeoutMs = 120000)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(EMBTUNE_CLI_PATH), args);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {-1, {}, QStringLiteral("timeout")};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

} // namespace embtune::test
