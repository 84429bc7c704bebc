#pragma once
// The common interface of tuning methods (DESIGN.md "Methods"): a MethodSpec with a parameter
// schema that the GUI renders as a form and the CLI parses as --param name=value, and fit(),
// which returns a TunedModel. Registering a method is one line in method_registry.cpp.

#include "core/error.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "embed/embedding_set.h"
#include "search/exact_search.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace embtune::engine {

struct ParamSpec {
    enum class Type { Int, Double, Bool, Choice, DoubleList };
    std::string name;
    Type type = Type::Double;
    std::string defaultValue;          // in the text form parseParams accepts
    double minimum = -1e300, maximum = 1e300; // for Int, Double and each DoubleList item
    std::vector<std::string> choices;  // for Choice
    std::string help;                  // one sentence, shown as a tooltip and in --help
};

struct MethodSpec {
    std::string id;           // e.g. "nudge-n"
    std::string displayName;  // e.g. "NUDGE-N"
    std::string description;
    std::vector<ParamSpec> params;
};

// Parameter values validated against a spec; every parameter has a value (given or default).
class ParamValues {
public:
    // Parses name=value texts; unknown names, bad numbers and out-of-range values are usage
    // errors naming the parameter.
    static Result<ParamValues> parse(const MethodSpec &spec, const std::map<std::string, std::string> &given);

    int64_t integer(const std::string &name) const;
    double real(const std::string &name) const;
    bool flag(const std::string &name) const;
    const std::string &text(const std::string &name) const;
    std::vector<double> reals(const std::string &name) const;
    const std::map<std::string, std::string> &all() const { return m_values; }

private:
    std::map<std::string, std::string> m_values;
};

// What a method trains on. Pointers are borrowed for the duration of fit().
struct TrainingData {
    const Dataset *dataset = nullptr;
    const EmbeddingSet *embeddings = nullptr;
    std::vector<int32_t> trainQueries;  // dense query indices
    std::vector<int32_t> devQueries;
    Qrels trainQrels;                   // judgements of trainQueries
    Qrels devQrels;                     // judgements of devQueries
    // Other embedding sets of the same dataset, for methods that use experts (soft-label).
    std::vector<const EmbeddingSet *> experts;
    int threads = 0;
    uint64_t seed = 0;
};

// A learned parameter tensor of a tuned model, float32, row-major: values.size() = product(shape).
struct ModelTensor {
    std::string name;             // e.g. "W", "query.K"
    std::vector<int64_t> shape;
    std::vector<float> values;
};

// What a user needs to apply a tuned model outside embtune: its tensors, the formula that uses
// them (NumPy notation over rows q of unit-normalised black-box vectors) and scalar settings.
struct AdapterDescription {
    std::vector<ModelTensor> tensors;        // empty: the method has no parameters (e.g. NUDGE)
    std::string applyQueries;                // e.g. "q2 = normalize(q @ W.T)"
    std::string applyDocuments;              // empty: documents are used as they are
    std::map<std::string, std::string> settings; // e.g. {"temperature", "0.1"}
};

// The tensor of a row-major matrix.
ModelTensor modelTensor(const std::string &name, const RowMatrixXf &matrix);

// The result of fit(): how to map query and document vectors for retrieval.
class TunedModel {
public:
    virtual ~TunedModel() = default;
    // Similarity to retrieve with over the tuned vectors.
    virtual Similarity similarity() const = 0;
    // Tuned query vectors: rows x dim in, rows x dim' out.
    virtual RowMatrixXf transformQueries(ConstMatrixMap queries) const = 0;
    // Tuned vectors of every query of `dataset` (queryCount x dim'), from the black-box vectors
    // `queries` (queryCount x dim) and, for methods that read text, the query texts.
    virtual RowMatrixXf transformDatasetQueries(const Dataset &dataset, ConstMatrixMap queries) const
    {
        (void)dataset;
        return transformQueries(queries);
    }
    // The tuned document matrix (docCount x dim'), aligned to the dataset.
    virtual FloatMatrix tunedDocuments() const = 0;
    // Method-specific record of the fit as a JSON object (chosen values, dev curves, timings).
    virtual std::string reportJson() const = 0;
    // The learned parameters and how to apply them (for the safetensors adapter export).
    virtual AdapterDescription adapter() const { return {}; }
};

class Method {
public:
    virtual ~Method() = default;
    virtual const MethodSpec &spec() const = 0;
    virtual Result<std::unique_ptr<TunedModel>> fit(const TrainingData &data, const ParamValues &params,
                                                    Progress *progress) const = 0;
};

// Every registered method, in display order.
const std::vector<const Method *> &registeredMethods();
// The method with `id`, or nullptr.
const Method *findMethod(const std::string &id);

} // namespace embtune::engine
