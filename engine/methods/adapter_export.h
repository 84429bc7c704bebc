#pragma once
// Adapters as safetensors files: the learned tensors of a tuned model (TunedModel::adapter())
// as F32 tensors, and in __metadata__ what is needed to apply them elsewhere:
//   format "embtune-adapter", format_version "1", method, parameters (JSON object of the
//   method's parameter values), apply_queries and apply_documents (NumPy-style formulas),
//   settings (JSON object of scalar settings the formulas use), base_embedding (the embedding
//   set's name), base_embedder and base_parameters (its provenance), base_dim, dataset_hash,
//   similarity ("cosine" or "dot").

#include "core/error.h"
#include "embed/embedding_set.h"
#include "methods/method.h"

#include <map>
#include <string>

namespace embtune::engine {

// Writes `model`'s adapter to `path` atomically. A model without tensors (NUDGE, which moves
// the document vectors themselves) is a usage error naming the method: export its tuned
// documents instead.
Status writeAdapterSafetensors(const std::string &path, const TunedModel &model, const std::string &methodId,
                               const ParamValues &params, const EmbeddingSet &base);

struct LoadedAdapter {
    std::map<std::string, std::string> metadata;
    std::vector<ModelTensor> tensors; // in file order
    const ModelTensor *find(const std::string &name) const;
};

// Reads an adapter written by writeAdapterSafetensors; a file whose metadata lacks
// format "embtune-adapter" is an input error naming the file.
Result<LoadedAdapter> readAdapterSafetensors(const std::string &path);

} // namespace embtune::engine
