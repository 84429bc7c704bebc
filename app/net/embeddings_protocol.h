#pragma once
// The OpenAI embeddings wire format (POST /v1/embeddings): request bodies, response parsing and
// validation, and the server's error message. Pure functions, thread-safe.
//
// Request:  {"model": M, "input": [texts], "dimensions": D (only when D > 0),
//            "encoding_format": "float" | "base64" (omitted for ServerDefault)}
// Response: {"data": [{"index": i, "embedding": [floats] | "base64 of little-endian float32"}],
//            "usage": {"prompt_tokens": n, "total_tokens": n}, ...}
// Either embedding form is accepted whatever was requested (some compatible servers ignore
// encoding_format).

#include "core/error.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace embtune::net {

enum class EncodingFormat {
    Float,         // JSON arrays of numbers
    Base64,        // base64 of little-endian float32: about 3x smaller than JSON text
    ServerDefault, // send no encoding_format
};

// Bounds on an embeddings answer, checked before anything is allocated from what it claims.
// Dimension: published embedding models have at most a few thousand (4096 among the largest);
// 16 times that.
inline constexpr int64_t kMaxEmbeddingDim = 65536;
// Values (inputs x dimension) in one answer: 2^25 float32 = 128 MiB, e.g. 2048 inputs of 16384.
inline constexpr int64_t kMaxEmbeddingsAnswerValues = int64_t(1) << 25;

// The body cap (bytes) of the answer to a request of `count` inputs: 256 KiB per input (8192
// values written as JSON numbers of up to 32 bytes each, as servers print them: up to 17
// significant digits, sign, exponent, separator and indentation), at least 16 MiB and at most
// 256 MiB. Base64 answers take 5.4 bytes per value.
int64_t maxEmbeddingsReplyBytes(int64_t count);

QByteArray embeddingsRequestBody(const QString &model, const std::vector<std::string_view> &inputs, int dimensions,
                                 EncodingFormat format);

struct EmbeddingsResponse {
    int64_t count = 0;
    int64_t dim = 0;
    std::vector<float> values; // count x dim, row-major, row i = input i (reordered by "index")
    int64_t totalTokens = -1;  // usage.total_tokens (at most kMaxServerTokens); -1 when absent or negative
};

// Parses and validates a successful response for a request of `expectedCount` inputs.
// `expectedDim` > 0 requires that dimension (requested dimensions, the cache's or the job's
// dimension so far); `expectedDimSource` says which, for the message ("the requested dimensions").
// Memory: before Qt's JSON tree is built (16 bytes per value, about 170 per array or object,
// however short they are in the body) the body's ',' and '[' '{' are counted and bounded by what
// expectedCount embeddings need; before the count x dim floats are allocated, dim <=
// kMaxEmbeddingDim, count x dim <= kMaxEmbeddingsAnswerValues and the body can hold that many
// values (2 bytes each at least).
// Errors (ErrorCode::Io, message without the body's secrets, which callers scrub anyway): not
// JSON, more structure than `expectedCount` embeddings need, no "data" array, wrong number of
// items, missing/duplicate/out-of-range "index", an embedding that is neither an array of numbers
// nor valid base64 of whole float32 values, a dimension over the bounds above, dimensions that
// differ between items or from expectedDim, NaN or infinite values.
engine::Result<EmbeddingsResponse> parseEmbeddingsResponse(const QByteArray &body, int64_t expectedCount,
                                                           int64_t expectedDim,
                                                           const std::string &expectedDimSource = {});

// The human-readable message of an error response: error.message (OpenAI), a string "error",
// "detail" or "message" field, or else the start of the body (at most 300 characters,
// control characters removed). Empty for an empty body.
std::string serverErrorMessage(const QByteArray &body);

} // namespace embtune::net
