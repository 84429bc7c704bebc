#pragma once
// Built-in LSA embedder: TF-IDF (tokenizer.h, tfidf.h) followed by a randomized truncated SVD
// (randomized_svd.h). Fitted once on a corpus; the fitted model embeds any later text alike and
// is saved to / loaded from a folder:
//   DIR/lsa.json        configuration (format version, options) — JSON
//   DIR/terms.txt       vocabulary, one term per line, in column order
//   DIR/idf.npy         1 x terms float32
//   DIR/components.npy  terms x dim float32 (right singular vectors)
// Output rows are L2-normalised (cosine = dot product).

#include "embed/randomized_svd.h"
#include "embed/text_embedder.h"
#include "embed/tfidf.h"

#include <memory>
#include <string_view>

namespace embtune::engine {

struct LsaOptions {
    int dim = 256;
    TfidfOptions tfidf;
    int oversampling = 10;
    int powerIterations = 7;
    uint64_t seed = 0;
    int threads = 0; // 0 = all cores; results do not depend on it
};

class LsaEmbedder : public TextEmbedder {
public:
    explicit LsaEmbedder(LsaOptions options = {});

    // Fits TF-IDF and the SVD on `corpus`; returns the corpus embeddings (corpus.size() x dim).
    Result<RowMatrixXf> fit(const std::vector<std::string> &corpus, Progress *progress = nullptr);
    bool fitted() const { return m_components.size() > 0; }

    std::string configKey() const override;
    std::string name() const override { return "lsa"; }
    // Embeds with the fitted model. Thread-safe (read-only) once fitted.
    Result<RowMatrixXf> embed(const std::vector<std::string> &texts, Progress *progress) override;

    Status save(const std::string &dir) const;
    static Result<std::unique_ptr<LsaEmbedder>> load(const std::string &dir);

    const LsaOptions &options() const { return m_options; }
    const TfidfModel &tfidf() const { return m_tfidf; }
    const Eigen::VectorXd &singularValues() const { return m_singularValues; }
    int64_t dim() const { return m_components.cols(); }
    // The options as a JSON object (for provenance).
    std::string optionsJson() const;
    // Parses what optionsJson() writes; keys other than "dim" are optional (defaults).
    static Result<LsaOptions> optionsFromJson(std::string_view json);

private:
    RowMatrixXf project(const SparseRows &rows) const;

    LsaOptions m_options;
    TfidfModel m_tfidf;
    RowMatrixXf m_components; // terms x dim
    Eigen::VectorXd m_singularValues;
};

} // namespace embtune::engine
