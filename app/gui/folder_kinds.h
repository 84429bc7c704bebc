#pragma once
// What a folder the user opens or drops holds, told by the files in it: a BEIR dataset
// (corpus.jsonl), an embtune workspace (its database) or embedding vectors in a format embtune
// imports. Used by the areas that open folders; no area asks another.

#include <QString>

namespace embtune::gui {

bool isDatasetFolder(const QString &dir);
bool isWorkspaceFolder(const QString &dir);
// corpus.npy, corpus.safetensors, corpus.fvecs or corpus_embeddings.jsonl.
bool looksLikeEmbeddingsFolder(const QString &dir);

} // namespace embtune::gui
