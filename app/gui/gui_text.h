#pragma once
// Small text helpers shared by the GUI's controllers and shared objects.

#include <QFile>
#include <QLocale>
#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace embtune::gui {

// Thousands separators of the user's locale: "5,183".
inline QString count(qint64 n)
{
    return QLocale().toString(n);
}

// A byte count as the user reads it: "1.5 MB".
inline QString bytesText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

inline QString fromStd(const std::string &text)
{
    return QString::fromStdString(text);
}

// A path as the engine takes it (local 8-bit file name encoding).
inline std::string localPath(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

// Lines from the engine (warnings, ...).
inline QStringList toStringList(const std::vector<std::string> &lines)
{
    QStringList out;
    out.reserve(qsizetype(lines.size()));
    for (const std::string &line : lines)
        out.append(QString::fromStdString(line));
    return out;
}

// A path from the engine.
inline QString fromLocalPath(const std::string &path)
{
    return QFile::decodeName(QByteArray::fromStdString(path));
}

} // namespace embtune::gui
