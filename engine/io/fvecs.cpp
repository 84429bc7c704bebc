#include "io/fvecs.h"

#include "io/input_file.h"
#include "io/npy.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace embtune::engine {

static_assert(std::endian::native == std::endian::little, "fvecs io assumes a little-endian host");

namespace {

constexpr int64_t kFvecsChunkBytes = int64_t(1) << 20;

int32_t loadInt32(const char *bytes)
{
    int32_t value;
    std::memcpy(&value, bytes, sizeof value);
    return value;
}

// readFvecsMatrix without the final InputFile::verified.
Result<FloatMatrix> readFvecsData(const InputFile &file)
{
    const std::string &path = file.path();
    const int64_t size = file.size();
    if (size == 0)
        return Error::input("the .fvecs file is empty (no vectors)", path);
    if (size < 4)
        return Error::input("truncated .fvecs file: " + std::to_string(size) + " bytes, less than one dimension field",
                            path, 1);
    int32_t dim; // of vector 1, which every vector must have
    if (Status s = file.read(0, &dim, sizeof dim); !s)
        return s.error();
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
    auto dimensionError = [&](int32_t d, int64_t row) {
        return Error::input("vector " + std::to_string(row + 1) + " has dimension " + std::to_string(d) +
                                " but vector 1 has " + std::to_string(dim),
                            path, row + 1);
    };
    if (recordBytes > kFvecsChunkBytes) { // one record at a time, its values straight into place
        for (int64_t row = 0; row < rows; ++row) {
            int32_t d;
            if (Status s = file.read(row * recordBytes, &d, sizeof d); !s)
                return s.error();
            if (d != dim)
                return dimensionError(d, row);
            if (Status s = file.read(row * recordBytes + 4, values.data() + row * dim, size_t(dim) * 4); !s)
                return s.error();
        }
    } else { // as many whole records as fit in kFvecsChunkBytes at a time
        const int64_t perChunk = kFvecsChunkBytes / recordBytes;
        std::vector<char> chunk(size_t(std::min(rows, perChunk) * recordBytes));
        for (int64_t first = 0; first < rows; first += perChunk) {
            const int64_t count = std::min(rows - first, perChunk);
            if (Status s = file.read(first * recordBytes, chunk.data(), size_t(count * recordBytes)); !s)
                return s.error();
            for (int64_t i = 0; i < count; ++i) {
                const char *record = chunk.data() + i * recordBytes;
                if (const int32_t d = loadInt32(record); d != dim)
                    return dimensionError(d, first + i);
                std::memcpy(values.data() + (first + i) * dim, record + 4, size_t(dim) * sizeof(float));
            }
        }
    }
    if (Status s = checkFiniteRows(values.data(), rows, dim, path); !s)
        return s.error();
    return FloatMatrix(rows, dim, std::move(values));
}

} // namespace

Result<FloatMatrix> readFvecsMatrix(const std::string &path)
{
    auto opened = InputFile::open(path);
    if (!opened)
        return opened.error();
    return readFvecsMatrix(**opened);
}

Result<FloatMatrix> readFvecsMatrix(const InputFile &file)
{
    return file.verified(readFvecsData(file));
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
