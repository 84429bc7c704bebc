#include "embeddings_protocol.h"

#include "server_number.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <optional>

namespace embtune::net {

using engine::Error;
using engine::Result;

static_assert(std::endian::native == std::endian::little,
              "base64 embeddings are little-endian float32; add byte swapping for this platform");

namespace {

std::string excerpt(const QByteArray &body, qsizetype limit = 300)
{
    QString text = QString::fromUtf8(body.left(limit * 4)).left(limit);
    for (QChar &c : text)
        if (c.unicode() < 0x20)
            c = QLatin1Char(' ');
    std::string out = text.simplified().toStdString();
    if (body.size() > limit)
        out += "...";
    return out;
}

Error bad(const std::string &what)
{
    return Error::io("malformed embeddings response: " + what);
}

// An error when the body has more ',' or more '[' and '{' (strings included: an upper bound)
// than an answer of `count` embeddings can need: count x dim values (dim <= kMaxEmbeddingDim, count
// x dim <= kMaxEmbeddingsAnswerValues), a few fields per item and around the list. Qt's JSON tree
// would take 16 bytes per value and about 170 per array or object however short they are in the
// body ("[0]," is 4 bytes), so these bound its memory by the request, not by the body's size.
std::optional<Error> checkStructure(const QByteArray &body, int64_t count)
{
    int64_t separators = 0, containers = 0;
    for (const char c : body) {
        separators += c == ',';
        containers += c == '[' || c == '{';
    }
    const int64_t maxSeparators = std::min(count * kMaxEmbeddingDim, kMaxEmbeddingsAnswerValues) + 64 * count + 1024;
    const int64_t maxContainers = 16 * count + 1024;
    if (separators > maxSeparators)
        return bad("the body has " + std::to_string(separators) + " ',' separators, more than " +
                   std::to_string(maxSeparators) + " (an answer of " + std::to_string(count) +
                   " embeddings of at most " + std::to_string(kMaxEmbeddingDim) + " dimensions)");
    if (containers > maxContainers)
        return bad("the body has " + std::to_string(containers) + " arrays and objects, more than " +
                   std::to_string(maxContainers) + " (an answer of " + std::to_string(count) + " embeddings)");
    return std::nullopt;
}

// An error unless `count` rows of `dim` values fit the bounds of an answer and `bodyBytes` can
// hold them (each value takes 2 bytes at least: a digit and a separator).
std::optional<Error> checkAnswerSize(int64_t count, int64_t dim, qsizetype bodyBytes)
{
    if (dim > kMaxEmbeddingDim)
        return bad("dimension " + std::to_string(dim) + " exceeds the limit of " + std::to_string(kMaxEmbeddingDim));
    if (count * dim > kMaxEmbeddingsAnswerValues)
        return bad(std::to_string(count) + " embeddings of dimension " + std::to_string(dim) + " make " +
                   std::to_string(count * dim) + " values, more than the " +
                   std::to_string(kMaxEmbeddingsAnswerValues) + " one answer may hold (lower the batch size)");
    if (2 * count * dim > int64_t(bodyBytes))
        return bad("a body of " + std::to_string(bodyBytes) + " bytes cannot hold " + std::to_string(count) +
                   " embeddings of dimension " + std::to_string(dim));
    return std::nullopt;
}

} // namespace

int64_t maxEmbeddingsReplyBytes(int64_t count)
{
    constexpr int64_t kPerInput = int64_t(8192) * 32;
    constexpr int64_t kFloor = int64_t(16) << 20, kCeiling = int64_t(256) << 20;
    return std::clamp(std::min(count, kCeiling / kPerInput) * kPerInput, kFloor, kCeiling);
}

QByteArray embeddingsRequestBody(const QString &model, const std::vector<std::string_view> &inputs, int dimensions,
                                 EncodingFormat format)
{
    QJsonArray input;
    for (const std::string_view text : inputs)
        input.append(QString::fromUtf8(text.data(), qsizetype(text.size())));
    QJsonObject request{{"model", model}, {"input", input}};
    if (dimensions > 0)
        request.insert("dimensions", dimensions);
    if (format == EncodingFormat::Float)
        request.insert("encoding_format", "float");
    else if (format == EncodingFormat::Base64)
        request.insert("encoding_format", "base64");
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

Result<EmbeddingsResponse> parseEmbeddingsResponse(const QByteArray &body, int64_t expectedCount, int64_t expectedDim,
                                                   const std::string &expectedDimSource)
{
    if (std::optional<Error> tooMuch = checkStructure(body, expectedCount))
        return *tooMuch;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return bad("not JSON (" + parseError.errorString().toStdString() + " at byte " +
                   std::to_string(parseError.offset) + "); the body begins: \"" + excerpt(body) + "\"");
    if (!document.isObject())
        return bad("the body is not a JSON object");
    const QJsonObject root = document.object();
    const QJsonValue dataValue = root.value("data");
    if (!dataValue.isArray())
        return bad("no \"data\" array; the body begins: \"" + excerpt(body) + "\"");
    const QJsonArray data = dataValue.toArray();
    if (data.size() != expectedCount)
        return bad("the server returned " + std::to_string(data.size()) + " embeddings for " +
                   std::to_string(expectedCount) + " inputs");

    EmbeddingsResponse out;
    out.count = expectedCount;
    out.dim = expectedDim;
    std::vector<char> seen(size_t(expectedCount), 0);
    std::vector<float> row;
    for (qsizetype item = 0; item < data.size(); ++item) {
        const std::string where = "item " + std::to_string(item) + " of \"data\"";
        const QJsonObject object = data.at(item).toObject();
        const QJsonValue indexValue = object.value("index");
        const double indexNumber = indexValue.toDouble(-1);
        if (!indexValue.isDouble() || indexNumber != std::floor(indexNumber) || indexNumber < 0 ||
            indexNumber >= double(expectedCount))
            return bad(where + " has no valid \"index\" (0.." + std::to_string(expectedCount - 1) + ")");
        const auto index = int64_t(indexNumber);
        if (seen[size_t(index)])
            return bad("index " + std::to_string(index) + " appears twice");
        seen[size_t(index)] = 1;

        const QJsonValue embedding = object.value("embedding");
        row.clear();
        if (embedding.isArray()) {
            const QJsonArray numbers = embedding.toArray();
            row.reserve(size_t(numbers.size()));
            for (const QJsonValue &number : numbers) {
                if (!number.isDouble())
                    return bad(where + ": the embedding holds a value that is not a number");
                row.push_back(serverFloat(number.toDouble()));
            }
        } else if (embedding.isString()) {
            const auto decoded = QByteArray::fromBase64Encoding(embedding.toString().toLatin1(),
                                                                QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return bad(where + ": the embedding is not valid base64");
            if (decoded.decoded.size() % qsizetype(sizeof(float)) != 0)
                return bad(where + ": the base64 embedding has " + std::to_string(decoded.decoded.size()) +
                           " bytes, not a whole number of float32 values");
            row.resize(size_t(decoded.decoded.size()) / sizeof(float));
            if (!row.empty()) // memcpy to an empty vector's null data() is undefined even for 0 bytes
                std::memcpy(row.data(), decoded.decoded.constData(), size_t(decoded.decoded.size()));
        } else {
            return bad(where + " has no \"embedding\" array or base64 string");
        }
        if (row.empty())
            return bad(where + ": the embedding is empty");
        const auto dim = int64_t(row.size());
        if (out.dim == 0)
            out.dim = dim;
        if (dim != out.dim) {
            std::string expected = std::to_string(out.dim);
            if (out.dim == expectedDim && !expectedDimSource.empty())
                expected += " (" + expectedDimSource + ")";
            return bad(where + " has dimension " + std::to_string(dim) + ", expected " + expected);
        }
        if (out.values.empty()) {
            if (std::optional<Error> tooLarge = checkAnswerSize(expectedCount, out.dim, body.size()))
                return *tooLarge;
            out.values.assign(size_t(expectedCount * out.dim), 0.0f);
        }
        for (size_t j = 0; j < row.size(); ++j)
            if (!std::isfinite(row[j]))
                return bad(where + " (input " + std::to_string(index) + ") holds a NaN or infinite value at position " +
                           std::to_string(j));
        std::memcpy(out.values.data() + index * out.dim, row.data(), row.size() * sizeof(float));
    }
    const QJsonValue total = root.value("usage").toObject().value("total_tokens");
    if (total.isDouble() && total.toDouble() >= 0)
        out.totalTokens = serverInteger(total.toDouble(), 0, kMaxServerTokens);
    return out;
}

std::string serverErrorMessage(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return {};
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject()) {
        const QJsonObject root = document.object();
        const QJsonValue error = root.value("error");
        if (error.isObject()) {
            const QString message = error.toObject().value("message").toString();
            if (!message.isEmpty())
                return excerpt(message.toUtf8(), 1000);
        }
        for (const char *field : {"error", "detail", "message"}) {
            const QJsonValue value = root.value(QLatin1String(field));
            if (value.isString() && !value.toString().isEmpty())
                return excerpt(value.toString().toUtf8(), 1000);
        }
    }
    return excerpt(body);
}

} // namespace embtune::net
