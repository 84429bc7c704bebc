#include "io/fvecs.h"

#include "io/mapped_file.h"
#include "io/npy.h"

#include <bit>
#include <cstring>

namespace embtune::engine {

static_assert(std::endian::native == std::endian::little, "fvecs io assumes a little-endian host");

namespace {

int32_t loadInt32(const char *bytes)
{
    int32_t value;
    std::memcpy(&value, bytes, sizeof value);
    return value;
}

} // namespace

Result<FloatMatrix> readFvecsMatrix(const std::string &path)
{
    auto mapped = MappedFile::open(path);
    if (!mapped)
        return mapped.error();
    const std::shared_ptr<MappedFile> file = *mapped;
    const int64_t size = int64_t(file->size());
    const char *bytes = file->data();
    if (size == 0)
        return Error::input("the .fvecs file is empty (no vectors)", path);
    if (size < 4)
        return Error::input("truncated .fvecs file: " + std::to_string(size) + " bytes, less than one dimension field",
                            path, 1);
    const int32_t dim = loadInt32(bytes);
    if (dim <= 0)
        return Error::input("vector 1 has dimension " + std::to_string(dim) + " (expected > 0); not an .fvecs file?",
                            path, 1);
    const int64_t recordBytes = 4 + 4 * int64_t(dim);
    const int64_t rows = size / recordBytes;
    if (size % recordBytes != 0)
        return Error::input("truncated .fvecs file: vector " + std::to_string(rows + 1) + " has " +
                                std::to_string(size % recordBytes) + " of its " + std::to_string(recordBytes) +
                                " bytes (dimension " + std::to_string(dim) + " from vector 1)",
                            path, rows + 1);

    std::vector<float> values(static_cast<size_t>(rows * dim));
    for (int64_t row = 0; row < rows; ++row) {
        const char *record = bytes + row * recordBytes;
        const int32_t d = loadInt32(record);
        if (d != dim)
            return Error::input("vector " + std::to_string(row + 1) + " has dimension " + std::to_string(d) +
                                    " but vector 1 has " + std::to_string(dim),
                                path, row + 1);
        std::memcpy(values.data() + row * dim, record + 4, size_t(dim) * sizeof(float));
    }
    if (Status s = checkFiniteRows(values.data(), rows, dim, path); !s)
        return s.error();
    return FloatMatrix(rows, dim, std::move(values));
}

Result<IdVectors> readFvecs(const std::string &path, const std::string &idsPath)
{
    auto matrix = readFvecsMatrix(path);
    if (!matrix)
        return matrix.error();
    IdVectors out;
    out.idsSource = idsPath.empty() ? siblingIdListPath(path) : idsPath;
    auto ids = readIdList(out.idsSource);
    if (!ids)
        return ids.error();
    if (int64_t(ids->size()) != matrix->rows())
        return Error::input("the id list has " + std::to_string(ids->size()) + " ids but the .fvecs file has " +
                                std::to_string(matrix->rows()) + " vectors",
                            out.idsSource);
    if (Status s = checkIds(*ids, out.idsSource, "line"); !s)
        return s.error();
    out.vectors = std::move(*matrix);
    out.ids = std::move(*ids);
    return out;
}

Status writeFvecsMatrix(const std::string &path, ConstMatrixMap vectors)
{
    const int64_t rows = vectors.rows(), dim = vectors.cols();
    if (rows == 0 || dim == 0)
        return Error::usage("an .fvecs file needs at least one vector of dimension > 0 (writing " + path + ")");
    if (dim > INT32_MAX)
        return Error::usage("dimension " + std::to_string(dim) + " does not fit an .fvecs record");
    if (Status s = checkFiniteRows(vectors.data(), rows, dim, path); !s)
        return s;
    AtomicOutputFile out(path);
    const int32_t d = int32_t(dim);
    for (int64_t row = 0; row < rows; ++row) {
        out.write(&d, sizeof d);
        out.write(vectors.data() + row * dim, size_t(dim) * sizeof(float));
    }
    return out.commit();
}

Status writeFvecs(const std::string &path, ConstMatrixMap vectors, const std::vector<std::string> &ids,
                  const std::string &idsPath)
{
    if (Status s = checkWritable(vectors, ids, path); !s)
        return s;
    if (Status s = checkIdListIds(ids, path); !s)
        return s;
    if (Status s = writeFvecsMatrix(path, vectors); !s)
        return s;
    return writeIdList(idsPath.empty() ? siblingIdListPath(path) : idsPath, ids);
}

} // namespace embtune::engine
