#include "retry_policy.h"

#include <QList>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace embtune::net {

namespace {

int monthNumber(const QByteArray &name)
{
    static const char *const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
    const QByteArray lower = name.toLower();
    for (int i = 0; i < 12; ++i)
        if (lower == kMonths[i])
            return i + 1;
    return 0;
}

QTime parseClock(const QByteArray &text)
{
    const QList<QByteArray> parts = text.split(':');
    if (parts.size() != 3)
        return {};
    bool okH = false, okM = false, okS = false;
    const int h = parts[0].toInt(&okH), m = parts[1].toInt(&okM), s = parts[2].toInt(&okS);
    if (!okH || !okM || !okS)
        return {};
    // HTTP allows a leap second (60); QTime does not: clamp.
    return QTime(h, m, std::min(s, 59));
}

QDateTime makeUtc(int year, int month, int day, const QTime &time)
{
    const QDate date(year, month, day);
    if (!date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, QTimeZone::utc());
}

} // namespace

RetryPolicy::RetryPolicy(int64_t initialBackoffMs, int64_t maxBackoffMs, int64_t maxRetryAfterMs, uint64_t seed)
    : m_initialBackoffMs(std::max<int64_t>(0, initialBackoffMs))
    , m_maxBackoffMs(std::max<int64_t>(0, maxBackoffMs))
    , m_maxRetryAfterMs(std::max<int64_t>(0, maxRetryAfterMs))
    , m_random(seed)
{
}

bool RetryPolicy::isRetryableStatus(int httpStatus)
{
    return httpStatus == 408 || httpStatus == 429 || (httpStatus >= 500 && httpStatus <= 599);
}

int64_t RetryPolicy::delayMs(int retry, std::optional<int64_t> retryAfterMs)
{
    if (retryAfterMs)
        return std::clamp<int64_t>(*retryAfterMs, 0, m_maxRetryAfterMs);
    const int doublings = std::clamp(retry - 1, 0, 40);
    const double uncapped = double(m_initialBackoffMs) * std::ldexp(1.0, doublings);
    const auto base = int64_t(std::min(uncapped, double(m_maxBackoffMs)));
    const int64_t half = base / 2;
    std::uniform_int_distribution<int64_t> jitter(0, base - half);
    return half + jitter(m_random);
}

QDateTime RetryPolicy::parseHttpDate(const QByteArray &value)
{
    const QByteArray text = value.simplified();
    const QList<QByteArray> words = text.split(' ');
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (words.size() == 6 && words[0].endsWith(',') && words[5] == "GMT") {
        bool okDay = false, okYear = false;
        const int day = words[1].toInt(&okDay);
        const int year = words[3].toInt(&okYear);
        if (okDay && okYear && words[3].size() == 4)
            return makeUtc(year, monthNumber(words[2]), day, parseClock(words[4]));
        return {};
    }
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit years: 70..99 -> 19xx, else 20xx)
    if (words.size() == 4 && words[0].endsWith(',') && words[3] == "GMT") {
        const QList<QByteArray> dmy = words[1].split('-');
        if (dmy.size() != 3)
            return {};
        bool okDay = false, okYear = false;
        const int day = dmy[0].toInt(&okDay);
        int year = dmy[2].toInt(&okYear);
        if (!okDay || !okYear)
            return {};
        if (dmy[2].size() == 2)
            year += year >= 70 ? 1900 : 2000;
        return makeUtc(year, monthNumber(dmy[1]), day, parseClock(words[2]));
    }
    // asctime: "Sun Nov  6 08:49:37 1994" (simplified() folded the double space)
    if (words.size() == 5) {
        bool okDay = false, okYear = false;
        const int day = words[2].toInt(&okDay);
        const int year = words[4].toInt(&okYear);
        if (okDay && okYear)
            return makeUtc(year, monthNumber(words[1]), day, parseClock(words[3]));
    }
    return {};
}

std::optional<int64_t> RetryPolicy::parseRetryAfter(const QByteArray &value, const QDateTime &now)
{
    const QByteArray text = value.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const double seconds = text.toDouble(&isNumber);
    if (isNumber) {
        if (!std::isfinite(seconds) || seconds < 0)
            return std::nullopt;
        return int64_t(std::llround(std::min(seconds, 1e9) * 1000.0));
    }
    const QDateTime when = parseHttpDate(text);
    if (!when.isValid())
        return std::nullopt;
    return std::max<int64_t>(0, now.msecsTo(when));
}

} // namespace embtune::net
