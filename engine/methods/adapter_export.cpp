#include "methods/adapter_export.h"

#include "io/json_writer.h"
#include "io/safetensors.h"

namespace embtune::engine {
namespace {

std::string jsonObject(const std::map<std::string, std::string> &values)
{
    JsonWriter w(false);
    w.beginObject();
    for (const auto &[name, value] : values) {
        w.key(name);
        w.value(value);
    }
    w.endObject();
    return w.str();
}

} // namespace

const ModelTensor *LoadedAdapter::find(const std::string &name) const
{
    for (const ModelTensor &t : tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

Status writeAdapterSafetensors(const std::string &path, const TunedModel &model, const std::string &methodId,
                               const ParamValues &params, const EmbeddingSet &base)
{
    const AdapterDescription adapter = model.adapter();
    if (adapter.tensors.empty())
        return Error::usage(methodId + " learns no adapter parameters (it moves the document vectors): "
                                       "export its tuned document vectors instead");
    std::vector<SafetensorsF32Tensor> tensors;
    for (const ModelTensor &t : adapter.tensors)
        tensors.push_back({t.name, t.shape, t.values.data()});
    const std::map<std::string, std::string> metadata{
        {"format", "embtune-adapter"},
        {"format_version", "1"},
        {"method", methodId},
        {"parameters", jsonObject(params.all())},
        {"apply_queries", adapter.applyQueries},
        {"apply_documents", adapter.applyDocuments},
        {"settings", jsonObject(adapter.settings)},
        {"base_embedding", base.name},
        {"base_embedder", base.provenance.embedder},
        {"base_parameters", base.provenance.parameters},
        {"base_dim", std::to_string(base.dim())},
        {"dataset_hash", base.provenance.datasetHash},
        {"similarity", similarityName(model.similarity())},
    };
    return writeSafetensors(path, tensors, metadata);
}

Result<LoadedAdapter> readAdapterSafetensors(const std::string &path)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        return file.error();
    LoadedAdapter out;
    out.metadata = file->metadata();
    const auto format = out.metadata.find("format");
    if (format == out.metadata.end() || format->second != "embtune-adapter")
        return Error::input("not an embtune adapter (its __metadata__ has no format \"embtune-adapter\")", path);
    for (const SafetensorsTensor &t : file->tensors()) {
        if (t.shape.size() != 2)
            return Error::input("adapter tensor \"" + t.name + "\" is not 2-D", path);
        auto matrix = file->matrix(t);
        if (!matrix)
            return matrix.error();
        const RowMatrixXf values = matrix->map();
        out.tensors.push_back(modelTensor(t.name, values));
    }
    return out;
}

} // namespace embtune::engine
