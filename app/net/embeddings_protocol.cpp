#include "embeddings_protocol.h"

#include "server_number.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <bit>
#include <cmath>
#include <cstring>

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

} // namespace

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

Result<EmbeddingsResponse> parseEmbeddingsResponse(const QByteArray &body, int64_t expectedCount, int64_t expectedDim)
{
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
            std::memcpy(row.data(), decoded.decoded.constData(), size_t(decoded.decoded.size()));
        } else {
            return bad(where + " has no \"embedding\" array or base64 string");
        }
        if (row.empty())
            return bad(where + ": the embedding is empty");
        const auto dim = int64_t(row.size());
        if (out.dim == 0) {
            out.dim = dim;
            out.values.assign(size_t(expectedCount * dim), 0.0f);
        } else if (dim != out.dim) {
            return bad(where + " has dimension " + std::to_string(dim) + ", expected " + std::to_string(out.dim));
        }
        if (out.values.empty())
            out.values.assign(size_t(expectedCount * out.dim), 0.0f);
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
