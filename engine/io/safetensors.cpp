#include "io/safetensors.h"

#include "io/json_writer.h"
#include "io/npy.h"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <unordered_set>

namespace embtune::engine {

static_assert(std::endian::native == std::endian::little, "safetensors io assumes a little-endian host");

namespace {

constexpr int64_t kMaxHeaderBytes = 100'000'000; // the reference implementation refuses larger headers
constexpr int64_t kMaxElements = int64_t(1) << 50;

// Bytes per element of the dtypes the format defines; 0 for an unknown dtype.
int64_t dtypeSize(std::string_view dtype)
{
    if (dtype == "F32" || dtype == "I32" || dtype == "U32")
        return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16")
        return 2;
    if (dtype == "F64" || dtype == "I64" || dtype == "U64")
        return 8;
    if (dtype == "BOOL" || dtype == "U8" || dtype == "I8" || dtype == "F8_E4M3" || dtype == "F8_E5M2")
        return 1;
    return 0;
}

// IEEE 754 binary16 -> binary32. The 15 bits below the sign are moved into a float's exponent
// and mantissa fields and rescaled by 2^112 (the difference of the exponent biases), which is
// exact for normal and subnormal halves alike; Inf and NaN keep an all-ones exponent.
float halfBitsToFloat(uint16_t half)
{
    const uint32_t sign = uint32_t(half & 0x8000u) << 16;
    const uint32_t magnitudeBits = half & 0x7fffu;
    if (magnitudeBits >= 0x7c00u)
        return std::bit_cast<float>(sign | 0x7f800000u | (magnitudeBits & 0x3ffu) << 13);
    const float magnitude = std::bit_cast<float>(magnitudeBits << 13) * 0x1p112f;
    return std::bit_cast<float>(std::bit_cast<uint32_t>(magnitude) | sign);
}

// bfloat16 is the upper half of a float32.
float bfloat16BitsToFloat(uint16_t bits)
{
    return std::bit_cast<float>(uint32_t(bits) << 16);
}

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// Non-negative integer array (shape or data_offsets); false when any item is not one.
bool integerArray(simdjson::dom::element element, std::vector<int64_t> &out)
{
    simdjson::dom::array array;
    if (element.get_array().get(array))
        return false;
    out.clear();
    for (const simdjson::dom::element item : array) {
        uint64_t value;
        if (item.get_uint64().get(value) || value > uint64_t(INT64_MAX))
            return false;
        out.push_back(int64_t(value));
    }
    return true;
}

// The rows x cols values of dtype F32, F64, F16 or BF16 at `offset` of `file`, converted to
// float32 and checked to be finite.
Result<FloatMatrix> readTensorValues(const InputFile &file, int64_t offset, int64_t rows, int64_t cols,
                                     const std::string &dtype)
{
    const int64_t count = rows * cols;
    std::vector<float> values(static_cast<size_t>(count));
    Status read;
    if (dtype == "F32") {
        read = file.read(offset, values.data(), size_t(count) * 4);
    } else if (dtype == "F64") {
        read = readConverted(file, offset, count, 8, values.data(), [](const char *bytes) {
            double value;
            std::memcpy(&value, bytes, 8);
            return float(value);
        });
    } else { // F16 or BF16
        const bool half = dtype == "F16";
        read = readConverted(file, offset, count, 2, values.data(), [half](const char *bytes) {
            uint16_t bits;
            std::memcpy(&bits, bytes, 2);
            return half ? halfBitsToFloat(bits) : bfloat16BitsToFloat(bits);
        });
    }
    if (!read)
        return read.error();
    if (Status s = checkFiniteRows(values.data(), rows, cols, file.path()); !s)
        return s.error();
    return FloatMatrix(rows, cols, std::move(values));
}

} // namespace

Result<SafetensorsFile> SafetensorsFile::open(const std::string &path)
{
    auto opened = InputFile::open(path);
    if (!opened)
        return opened.error();
    return (*opened)->verified(readHeader(*opened));
}

Result<SafetensorsFile> SafetensorsFile::readHeader(std::shared_ptr<const InputFile> input)
{
    const std::string &path = input->path();
    SafetensorsFile file;
    file.m_path = path;
    file.m_file = std::move(input);
    const int64_t size = file.m_file->size();
    if (size < 8)
        return Error::input("truncated safetensors file: " + std::to_string(size) +
                                " bytes, shorter than the 8-byte header length",
                            path);
    uint64_t headerLength;
    if (Status s = file.m_file->read(0, &headerLength, 8); !s)
        return s.error();
    if (headerLength > uint64_t(size - 8))
        return Error::input("the header length " + std::to_string(headerLength) + " is larger than the file (" +
                                std::to_string(size) + " bytes): truncated or not a safetensors file",
                            path);
    if (headerLength > uint64_t(kMaxHeaderBytes))
        return Error::input("the header length " + std::to_string(headerLength) +
                                " is over the format's 100 MB limit: not a safetensors file?",
                            path);
    file.m_dataStart = 8 + int64_t(headerLength);
    const int64_t dataSize = size - file.m_dataStart;

    simdjson::padded_string header{size_t(headerLength)};
    if (Status s = file.m_file->read(8, header.data(), size_t(headerLength)); !s)
        return s.error();
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (const auto error = parser.parse(header).get_object().get(root))
        return Error::input(std::string("malformed JSON header: ") + simdjson::error_message(error), path);

    for (const auto field : root) {
        const std::string name(field.key);
        if (name == "__metadata__") {
            simdjson::dom::object metadata;
            if (field.value.get_object().get(metadata))
                return Error::input("\"__metadata__\" is not a JSON object", path);
            for (const auto entry : metadata) {
                std::string_view value;
                if (entry.value.get_string().get(value))
                    return Error::input("metadata value of \"" + std::string(entry.key) +
                                            "\" is not a string (the format allows only strings)",
                                        path);
                file.m_metadata[std::string(entry.key)] = std::string(value);
            }
            continue;
        }
        const std::string where = "tensor \"" + name + "\": ";
        if (!file.m_byName.try_emplace(name, file.m_tensors.size()).second)
            return Error::input(where + "named twice in the header", path);
        simdjson::dom::object info;
        if (field.value.get_object().get(info))
            return Error::input(where + "the header entry is not a JSON object", path);
        SafetensorsTensor tensor;
        tensor.name = name;
        simdjson::dom::element element;
        std::string_view dtype;
        if (info.at_key("dtype").get(element) || element.get_string().get(dtype))
            return Error::input(where + "missing or non-string \"dtype\"", path);
        tensor.dtype.assign(dtype);
        if (info.at_key("shape").get(element) || !integerArray(element, tensor.shape))
            return Error::input(where + "missing \"shape\" or not an array of non-negative integers", path);
        std::vector<int64_t> offsets;
        if (info.at_key("data_offsets").get(element) || !integerArray(element, offsets) || offsets.size() != 2)
            return Error::input(where + "\"data_offsets\" is not a pair of non-negative integers", path);
        tensor.begin = offsets[0];
        tensor.end = offsets[1];
        if (tensor.begin > tensor.end)
            return Error::input(where + "data_offsets [" + std::to_string(tensor.begin) + ", " +
                                    std::to_string(tensor.end) + "] end before they begin",
                                path);
        if (tensor.end > dataSize)
            return Error::input(where + "data_offsets [" + std::to_string(tensor.begin) + ", " +
                                    std::to_string(tensor.end) + "] run past the end of the data section (" +
                                    std::to_string(dataSize) + " bytes): truncated file?",
                                path);
        int64_t elements = 1;
        for (const int64_t extent : tensor.shape) {
            if (extent > 0 && elements > kMaxElements / extent)
                return Error::input(where + "shape " + shapeText(tensor.shape) + " is too large", path);
            elements *= extent;
        }
        if (const int64_t itemSize = dtypeSize(tensor.dtype); itemSize > 0 &&
                                                                elements * itemSize != tensor.end - tensor.begin)
            return Error::input(where + "data_offsets span " + std::to_string(tensor.end - tensor.begin) +
                                    " bytes but shape " + shapeText(tensor.shape) + " of " + tensor.dtype + " needs " +
                                    std::to_string(elements * itemSize),
                                path);
        file.m_tensors.push_back(std::move(tensor));
    }

    std::vector<const SafetensorsTensor *> byOffset;
    for (const auto &tensor : file.m_tensors)
        if (tensor.end > tensor.begin)
            byOffset.push_back(&tensor);
    std::sort(byOffset.begin(), byOffset.end(),
              [](const SafetensorsTensor *a, const SafetensorsTensor *b) { return a->begin < b->begin; });
    for (size_t i = 1; i < byOffset.size(); ++i)
        if (byOffset[i]->begin < byOffset[i - 1]->end)
            return Error::input("the data of tensors \"" + byOffset[i - 1]->name + "\" [" +
                                    std::to_string(byOffset[i - 1]->begin) + ", " +
                                    std::to_string(byOffset[i - 1]->end) + ") and \"" + byOffset[i]->name + "\" [" +
                                    std::to_string(byOffset[i]->begin) + ", " + std::to_string(byOffset[i]->end) +
                                    ") overlap",
                                path);
    return file;
}

const SafetensorsTensor *SafetensorsFile::find(const std::string &name) const
{
    const auto it = m_byName.find(name);
    return it == m_byName.end() ? nullptr : &m_tensors[it->second];
}

Result<FloatMatrix> SafetensorsFile::matrix(const SafetensorsTensor &tensor) const
{
    const std::string where = "tensor \"" + tensor.name + "\": ";
    if (tensor.shape.size() != 2)
        return Error::input(where + "expected 2 dimensions (rows x dimension), found shape " + shapeText(tensor.shape),
                            m_path);
    const int64_t rows = tensor.shape[0], cols = tensor.shape[1];
    if (cols == 0)
        return Error::input(where + "shape " + shapeText(tensor.shape) + ": vectors of dimension 0", m_path);
    // Only known dtypes had their shape checked against the file's size by open().
    if (tensor.dtype != "F32" && tensor.dtype != "F64" && tensor.dtype != "F16" && tensor.dtype != "BF16")
        return Error::input(where + "dtype " + tensor.dtype + " is not supported (expected F32, F16, BF16 or F64)",
                            m_path);
    return m_file->verified(readTensorValues(*m_file, m_dataStart + tensor.begin, rows, cols, tensor.dtype));
}

Status writeSafetensors(const std::string &path, const std::vector<SafetensorsF32Tensor> &tensors,
                        const std::map<std::string, std::string> &metadata)
{
    JsonWriter header(false);
    header.beginObject();
    if (!metadata.empty()) {
        header.key("__metadata__");
        header.beginObject();
        for (const auto &[key, value] : metadata) {
            header.key(key);
            header.value(value);
        }
        header.endObject();
    }
    std::vector<int64_t> counts;
    std::unordered_set<std::string_view> names;
    int64_t offset = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const auto &tensor = tensors[i];
        if (tensor.name.empty() || tensor.name == "__metadata__")
            return Error::usage("invalid tensor name \"" + tensor.name + "\" (writing " + path + ")");
        if (!names.insert(tensor.name).second)
            return Error::usage("tensor \"" + tensor.name + "\" given twice (writing " + path + ")");
        int64_t count = 1;
        for (const int64_t extent : tensor.shape) {
            if (extent < 0)
                return Error::usage("negative extent in shape of tensor \"" + tensor.name + "\"");
            count *= extent;
        }
        if (count > 0 && !tensor.data)
            return Error::usage("tensor \"" + tensor.name + "\" has no data");
        const int64_t cols = tensor.shape.empty() || tensor.shape.back() == 0 ? 1 : tensor.shape.back();
        if (count > 0)
            if (Status s = checkFiniteRows(tensor.data, count / cols, cols, path); !s)
                return s;
        counts.push_back(count);
        header.key(tensor.name);
        header.beginObject();
        header.key("dtype");
        header.value("F32");
        header.key("shape");
        header.beginArray();
        for (const int64_t extent : tensor.shape)
            header.value(extent);
        header.endArray();
        header.key("data_offsets");
        header.beginArray();
        header.value(offset);
        header.value(offset + count * 4);
        header.endArray();
        header.endObject();
        offset += count * 4;
    }
    header.endObject();
    std::string text = header.str();
    text.append((8 - text.size() % 8) % 8, ' '); // the data section starts 8-byte aligned
    if (int64_t(text.size()) > kMaxHeaderBytes)
        return Error::input("the safetensors header would be " + std::to_string(text.size()) +
                                " bytes, over the format's 100 MB limit (too many ids?); use npy or fvecs",
                            path);

    AtomicOutputFile out(path);
    const uint64_t length = text.size();
    out.write(&length, 8);
    out.write(text);
    for (size_t i = 0; i < tensors.size(); ++i)
        out.write(tensors[i].data, size_t(counts[i]) * 4);
    return out.commit();
}

Result<IdVectors> readSafetensorsVectors(const std::string &path, const std::string &idsPath)
{
    auto opened = SafetensorsFile::open(path);
    if (!opened)
        return opened.error();
    const SafetensorsFile &file = *opened;

    const SafetensorsTensor *tensor = file.find("embeddings");
    if (!tensor) {
        std::string all, twoDimensional;
        int found = 0;
        for (const auto &t : file.tensors()) {
            all += (all.empty() ? "" : ", ") + t.name + " " + shapeText(t.shape);
            if (t.shape.size() == 2) {
                twoDimensional += (twoDimensional.empty() ? "\"" : ", \"") + t.name + "\"";
                tensor = &t;
                ++found;
            }
        }
        if (found == 0)
            return Error::input("no 2-D tensor (rows x dimension) in the file" +
                                    (all.empty() ? std::string(": it holds no tensors") : " (found: " + all + ")"),
                                path);
        if (found > 1)
            return Error::input("several 2-D tensors (" + twoDimensional +
                                    ") and none named \"embeddings\": which one holds the vectors?",
                                path);
    }
    auto matrix = file.matrix(*tensor);
    if (!matrix)
        return matrix.error();

    IdVectors out;
    const auto &metadata = file.metadata();
    if (const auto it = metadata.find("ids"); it != metadata.end()) {
        out.idsSource = path;
        const simdjson::padded_string text(it->second);
        simdjson::dom::parser parser;
        simdjson::dom::array array;
        if (parser.parse(text).get_array().get(array))
            return Error::input("metadata \"ids\" is not a JSON array of strings", path);
        for (const simdjson::dom::element item : array) {
            std::string_view id;
            if (item.get_string().get(id))
                return Error::input("metadata \"ids\" is not a JSON array of strings", path, int64_t(out.ids.size()) + 1);
            out.ids.emplace_back(id);
        }
    } else {
        out.idsSource = idsPath.empty() ? siblingIdListPath(path) : idsPath;
        std::error_code ec;
        if (idsPath.empty() && !std::filesystem::exists(out.idsSource, ec))
            return Error::input("no \"ids\" in the metadata and no id list " +
                                    std::filesystem::path(out.idsSource).filename().string() + " beside the file",
                                path);
        auto ids = readIdList(out.idsSource);
        if (!ids)
            return ids.error();
        out.ids = std::move(*ids);
    }
    if (int64_t(out.ids.size()) != matrix->rows())
        return Error::input(std::to_string(out.ids.size()) + " ids for the " + std::to_string(matrix->rows()) +
                                " rows of tensor \"" + tensor->name + "\"",
                            out.idsSource);
    if (Status s = checkIds(out.ids, out.idsSource, out.idsSource == path ? "record" : "line"); !s)
        return s.error();
    out.vectors = std::move(*matrix);

    static const char *const provenanceKeys[] = {"embedder", "parameters", "created", "dataset_hash", "normalized"};
    if (std::any_of(std::begin(provenanceKeys), std::end(provenanceKeys),
                    [&](const char *key) { return metadata.count(key) > 0; })) {
        Provenance provenance;
        auto get = [&](const char *key) {
            const auto it = metadata.find(key);
            return it == metadata.end() ? std::string() : it->second;
        };
        provenance.embedder = get("embedder");
        provenance.parameters = get("parameters");
        provenance.created = get("created");
        provenance.datasetHash = get("dataset_hash");
        provenance.normalized = get("normalized") == "true";
        out.provenance = std::move(provenance);
    }
    return out;
}

Status writeSafetensorsVectors(const std::string &path, ConstMatrixMap vectors, const std::vector<std::string> &ids,
                               const Provenance *provenance)
{
    if (Status s = checkWritable(vectors, ids, path); !s)
        return s;
    if (Status s = checkUtf8Ids(ids, path); !s)
        return s;
    std::map<std::string, std::string> metadata;
    JsonWriter idArray(false);
    idArray.beginArray();
    for (const auto &id : ids)
        idArray.value(id);
    idArray.endArray();
    metadata["ids"] = idArray.str();
    if (provenance) {
        metadata["embedder"] = provenance->embedder;
        metadata["parameters"] = provenance->parameters;
        metadata["created"] = provenance->created;
        metadata["dataset_hash"] = provenance->datasetHash;
        metadata["normalized"] = provenance->normalized ? "true" : "false";
    }
    return writeSafetensors(path, {{"embeddings", {vectors.rows(), vectors.cols()}, vectors.data()}}, metadata);
}

} // namespace embtune::engine
