#include "io/vector_file.h"

#include "io/fvecs.h"
#include "io/id_fields.h"
#include "io/jsonl_vectors.h"
#include "io/npy.h"
#include "io/safetensors.h"

#include <simdjson.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <unistd.h>
#include <unordered_map>

namespace fs = std::filesystem;

namespace embtune::engine {

std::string_view vectorFormatName(VectorFormat format)
{
    switch (format) {
    case VectorFormat::Npy: return "npy";
    case VectorFormat::Fvecs: return "fvecs";
    case VectorFormat::Jsonl: return "jsonl";
    case VectorFormat::Safetensors: return "safetensors";
    }
    return "npy";
}

std::optional<VectorFormat> vectorFormatFromName(std::string_view name)
{
    for (const auto format : {VectorFormat::Npy, VectorFormat::Fvecs, VectorFormat::Jsonl, VectorFormat::Safetensors})
        if (vectorFormatName(format) == name)
            return format;
    return std::nullopt;
}

std::optional<VectorFormat> vectorFormatFromPath(const std::string &path)
{
    const std::string extension = fs::path(path).extension().string();
    if (extension == ".npy")
        return VectorFormat::Npy;
    if (extension == ".fvecs")
        return VectorFormat::Fvecs;
    if (extension == ".jsonl" || extension == ".ndjson")
        return VectorFormat::Jsonl;
    if (extension == ".safetensors")
        return VectorFormat::Safetensors;
    return std::nullopt;
}

std::string siblingIdListPath(const std::string &path)
{
    const fs::path p(path);
    return (p.parent_path() / (p.stem().string() + "_ids.txt")).string();
}

Result<IdVectors> readVectorFile(const std::string &path, VectorFormat format, const std::string &idsPath)
{
    switch (format) {
    case VectorFormat::Npy: {
        auto matrix = readNpyMatrix(path);
        if (!matrix)
            return matrix.error();
        IdVectors out;
        out.idsSource = idsPath.empty() ? siblingIdListPath(path) : idsPath;
        auto ids = readIdList(out.idsSource);
        if (!ids)
            return ids.error();
        if (int64_t(ids->size()) != matrix->rows())
            return Error::input("the id list has " + std::to_string(ids->size()) + " ids but " +
                                    fs::path(path).filename().string() + " has " + std::to_string(matrix->rows()) +
                                    " rows",
                                out.idsSource);
        if (Status s = checkIds(*ids, out.idsSource, "line"); !s)
            return s.error();
        out.vectors = std::move(*matrix);
        out.ids = std::move(*ids);
        return out;
    }
    case VectorFormat::Fvecs: return readFvecs(path, idsPath);
    case VectorFormat::Jsonl: return readJsonlVectors(path);
    case VectorFormat::Safetensors: return readSafetensorsVectors(path, idsPath);
    }
    return Error::usage("unknown vector format");
}

Status writeVectorFile(const std::string &path, VectorFormat format, ConstMatrixMap vectors,
                       const std::vector<std::string> &ids, const Provenance *provenance, const std::string &idsPath)
{
    switch (format) {
    case VectorFormat::Npy:
        return writeVectorFile(path, format, FloatMatrix(vectors.rows(), vectors.cols(), vectors.data(), nullptr), ids,
                               provenance, idsPath);
    case VectorFormat::Fvecs: return writeFvecs(path, vectors, ids, idsPath);
    case VectorFormat::Jsonl: return writeJsonlVectors(path, vectors, ids);
    case VectorFormat::Safetensors: return writeSafetensorsVectors(path, vectors, ids, provenance);
    }
    return Error::usage("unknown vector format");
}

Status writeVectorFile(const std::string &path, VectorFormat format, const FloatMatrix &vectors,
                       const std::vector<std::string> &ids, const Provenance *provenance, const std::string &idsPath)
{
    if (format != VectorFormat::Npy)
        return writeVectorFile(path, format, vectors.map(), ids, provenance, idsPath);
    // Finite rows; of a derived matrix, the base's (a unit row of a finite row is finite) and the
    // replaced ones.
    const RowOverlay *overlay = vectors.overlay();
    if (Status s = checkWritable(overlay ? overlay->base.map() : vectors.map(), ids, path); !s)
        return s;
    if (overlay)
        if (Status s = checkFiniteRows(overlay->values.data(), overlay->values.rows(), overlay->values.cols(), path); !s)
            return s;
    if (Status s = checkIdListIds(ids, path); !s)
        return s;
    if (Status s = writeNpyMatrix(path, vectors); !s)
        return s;
    return writeIdList(idsPath.empty() ? siblingIdListPath(path) : idsPath, ids);
}

std::string nonFiniteMessage(float value, int64_t row, int64_t column)
{
    return std::string(std::isnan(value) ? "NaN" : "Inf") + " at row " + std::to_string(row) + ", column " +
           std::to_string(column) + " (0-based)";
}

Status checkFiniteRows(const float *values, int64_t rows, int64_t cols, const std::string &path)
{
    const int64_t n = rows * cols;
    for (int64_t i = 0; i < n; ++i)
        if (!std::isfinite(values[i]))
            return Error::input(nonFiniteMessage(values[i], i / cols, i % cols), path, i / cols + 1);
    return {};
}

Status checkIds(const std::vector<std::string> &ids, const std::string &path, const char *unit)
{
    std::unordered_map<std::string_view, int64_t> firstRow;
    firstRow.reserve(ids.size());
    for (size_t row = 0; row < ids.size(); ++row) {
        if (ids[row].empty())
            return Error::input("empty id", path, int64_t(row) + 1);
        const auto [it, inserted] = firstRow.try_emplace(ids[row], int64_t(row) + 1);
        if (!inserted)
            return Error::input("duplicate id \"" + ids[row] + "\" (first on " + unit + " " +
                                    std::to_string(it->second) + ")",
                                path, int64_t(row) + 1);
    }
    return {};
}

Status checkIdListIds(const std::vector<std::string> &ids, const std::string &path)
{
    for (size_t row = 0; row < ids.size(); ++row)
        if (ids[row].find_first_of("\r\n") != std::string::npos)
            return Error::input("id " + quotedId(ids[row]) + " on row " + std::to_string(row) +
                                    " contains a line break, which an id list cannot hold; use JSONL or safetensors",
                                path);
    return {};
}

Status checkUtf8Ids(const std::vector<std::string> &ids, const std::string &path)
{
    for (size_t row = 0; row < ids.size(); ++row)
        if (!simdjson::validate_utf8(ids[row].data(), ids[row].size()))
            return Error::input("id on row " + std::to_string(row) + " is not valid UTF-8", path);
    return {};
}

Status checkWritable(ConstMatrixMap vectors, const std::vector<std::string> &ids, const std::string &path)
{
    if (int64_t(ids.size()) != vectors.rows())
        return Error::usage(std::to_string(ids.size()) + " ids for " + std::to_string(vectors.rows()) +
                            " rows (writing " + path + ")");
    if (Status s = checkIds(ids, path, "row"); !s)
        return s;
    return checkFiniteRows(vectors.data(), vectors.rows(), vectors.cols(), path);
}

AtomicOutputFile::AtomicOutputFile(std::string path) : m_path(std::move(path))
{
    m_temp = m_path + ".tmp-embtune-" + std::to_string(::getpid());
    m_file = std::fopen(m_temp.c_str(), "wb");
    if (!m_file) {
        m_openError = std::strerror(errno);
        m_failed = true;
    } else {
        std::setvbuf(m_file, nullptr, _IOFBF, size_t(1) << 20);
    }
}

AtomicOutputFile::~AtomicOutputFile()
{
    if (m_file)
        std::fclose(m_file);
    if (!m_committed) {
        std::error_code ec;
        fs::remove(m_temp, ec);
    }
}

void AtomicOutputFile::write(const void *data, size_t size)
{
    if (m_failed || size == 0)
        return;
    if (std::fwrite(data, 1, size, m_file) != size)
        m_failed = true;
}

Status AtomicOutputFile::commit()
{
    if (!m_file)
        return Error::io("cannot write: " + m_openError, m_path);
    const bool flushed = std::fflush(m_file) == 0;
    const bool closed = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (m_failed || !flushed || !closed)
        return Error::io("write failed (disk full?)", m_path);
    std::error_code ec;
    fs::rename(m_temp, m_path, ec);
    if (ec)
        return Error::io("cannot rename the temporary file into place: " + ec.message(), m_path);
    m_committed = true;
    return {};
}

} // namespace embtune::engine
