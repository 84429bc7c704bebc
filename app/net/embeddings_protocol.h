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

QByteArray embeddingsRequestBody(const QString &model, const std::vector<std::string_view> &inputs, int dimensions,
                                 EncodingFormat format);

struct EmbeddingsResponse {
    int64_t count = 0;
    int64_t dim = 0;
    std::vector<float> values; // count x dim, row-major, row i = input i (reordered by "index")
    int64_t totalTokens = -1;  // usage.total_tokens (at most kMaxServerTokens); -1 when absent or negative
};

// Parses and validates a successful response for a request of `expectedCount` inputs.
// `expectedDim` > 0 requires that dimension (requested dimensions or the job's dimension so far).
// Errors (ErrorCode::Io, message without the body's secrets, which callers scrub anyway): not
// JSON, no "data" array, wrong number of items, missing/duplicate/out-of-range "index", an
// embedding that is neither an array of numbers nor valid base64 of whole float32 values,
// dimensions that differ between items or from expectedDim, NaN or infinite values.
engine::Result<EmbeddingsResponse> parseEmbeddingsResponse(const QByteArray &body, int64_t expectedCount,
                                                           int64_t expectedDim);

// The human-readable message of an error response: error.message (OpenAI), a string "error",
// "detail" or "message" field, or else the start of the body (at most 300 characters,
// control characters removed). Empty for an empty body.
std::string serverErrorMessage(const QByteArray &body);

} // namespace embtune::net
