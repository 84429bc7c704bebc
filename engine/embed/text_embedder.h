#pragma once
// The interface every embedder implements: text in, one vector per text out.
// Implementations: LsaEmbedder (engine/embed), the OpenAI-compatible remote embedder (app/net).

#include "core/error.h"
#include "core/matrix.h"
#include "core/progress.h"

#include <string>
#include <vector>

namespace embtune::engine {

class TextEmbedder {
public:
    virtual ~TextEmbedder() = default;
    // Stable identifier of the configuration (embedder name + every parameter that changes the
    // vectors), used as part of cache keys. Never contains secrets such as API keys.
    virtual std::string configKey() const = 0;
    // Short name for display and provenance, e.g. "lsa" or "openai".
    virtual std::string name() const = 0;
    // Embeds `texts` into a texts.size() x dim row-major matrix. May be called from any thread;
    // implementations document whether concurrent calls are allowed. Returns Error::cancelled()
    // when `progress` asks to stop.
    virtual Result<RowMatrixXf> embed(const std::vector<std::string> &texts, Progress *progress) = 0;
};

} // namespace embtune::engine
