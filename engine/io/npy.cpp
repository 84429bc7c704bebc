#include "io/npy.h"

#include "io/input_file.h"
#include "io/line_reader.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace embtune::engine {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
constexpr int64_t kNpyMaxElements = int64_t(1) << 40; // rows x cols of a readable matrix

// Decodes an IEEE 754 half-precision value.
float halfToFloat(uint16_t h)
{
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    const uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else { // subnormal half -> normal float
            int e = -1;
            uint32_t m = mantissa;
            do {
                ++e;
                m <<= 1;
            } while ((m & 0x400u) == 0);
            bits = sign | uint32_t(127 - 15 - e) << 23 | (m & 0x3ffu) << 13;
        }
    } else if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | mantissa << 13;
    } else {
        bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
    }
    return std::bit_cast<float>(bits);
}

// Value of `key` in a Python dict literal such as {'descr': '<f4', 'shape': (3, 2), }.
bool dictValue(const std::string &dict, const std::string &key, std::string &value)
{
    for (const char quote : {'\'', '"'}) {
        const std::string needle = std::string(1, quote) + key + std::string(1, quote);
        auto pos = dict.find(needle);
        if (pos == std::string::npos)
            continue;
        pos = dict.find(':', pos + needle.size());
        if (pos == std::string::npos)
            return false;
        ++pos;
        while (pos < dict.size() && dict[pos] == ' ')
            ++pos;
        if (pos >= dict.size())
            return false;
        size_t end;
        if (dict[pos] == '\'' || dict[pos] == '"') {
            end = dict.find(dict[pos], pos + 1);
            if (end == std::string::npos)
                return false;
            value = dict.substr(pos + 1, end - pos - 1);
        } else if (dict[pos] == '(') {
            end = dict.find(')', pos);
            if (end == std::string::npos)
                return false;
            value = dict.substr(pos, end - pos + 1);
        } else {
            end = dict.find_first_of(",}", pos);
            if (end == std::string::npos)
                return false;
            value = dict.substr(pos, end - pos);
            while (!value.empty() && value.back() == ' ')
                value.pop_back();
        }
        return true;
    }
    return false;
}

bool parseShape(const std::string &text, std::vector<int64_t> &shape)
{
    if (text.size() < 2 || text.front() != '(' || text.back() != ')')
        return false;
    shape.clear();
    std::string inner = text.substr(1, text.size() - 2);
    std::stringstream stream(inner);
    std::string part;
    while (std::getline(stream, part, ',')) {
        const auto b = part.find_first_not_of(" L");
        if (b == std::string::npos)
            continue;
        const auto e = part.find_last_not_of(" L");
        const std::string number = part.substr(b, e - b + 1);
        char *endPtr = nullptr;
        errno = 0;
        const long long value = std::strtoll(number.c_str(), &endPtr, 10);
        if (endPtr == number.c_str() || *endPtr != '\0' || value < 0 || errno == ERANGE)
            return false;
        shape.push_back(value);
    }
    return true;
}

// Bytes from the start of the file to the end of the header that the first bytes `probe`
// announce, at most `fileSize`; `probeSize` when they announce nothing parseNpyHeader accepts
// (it then reports what is wrong from the probe alone).
size_t npyHeaderBytes(const char *probe, size_t probeSize, int64_t fileSize)
{
    if (probeSize < kMagicSize + 4 || std::memcmp(probe, kMagic, kMagicSize) != 0)
        return probeSize;
    int64_t end = 0;
    if (probe[6] == 1)
        end = 10 + int64_t(uint8_t(probe[8]) | uint8_t(probe[9]) << 8);
    else if ((probe[6] == 2 || probe[6] == 3) && probeSize >= 12)
        end = 12 + int64_t(uint8_t(probe[8]) | uint32_t(uint8_t(probe[9])) << 8 | uint32_t(uint8_t(probe[10])) << 16 |
                           uint32_t(uint8_t(probe[11])) << 24);
    else
        return probeSize;
    return size_t(std::min(end, fileSize));
}

} // namespace

Result<NpyHeader> parseNpyHeader(const char *bytes, size_t size, const std::string &path)
{
    if (size < kMagicSize + 4 || std::memcmp(bytes, kMagic, kMagicSize) != 0)
        return Error::input("not a NumPy .npy file (bad magic)", path);
    NpyHeader header;
    header.major = uint8_t(bytes[6]);
    header.minor = uint8_t(bytes[7]);
    size_t headerLength = 0, prefix = 0;
    if (header.major == 1) {
        headerLength = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8;
        prefix = 10;
    } else if (header.major == 2 || header.major == 3) {
        if (size < 12)
            return Error::input("truncated .npy header", path);
        headerLength = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8 | size_t(uint8_t(bytes[10])) << 16 |
                       size_t(uint8_t(bytes[11])) << 24;
        prefix = 12;
    } else {
        return Error::input("unsupported .npy format version " + std::to_string(header.major) + "." +
                                std::to_string(header.minor),
                            path);
    }
    if (prefix + headerLength > size)
        return Error::input("truncated .npy header", path);
    const std::string dict(bytes + prefix, headerLength);
    header.dataOffset = int64_t(prefix + headerLength);

    std::string value;
    if (!dictValue(dict, "descr", value))
        return Error::input("the .npy header has no 'descr'", path);
    header.descr = value;
    if (!dictValue(dict, "fortran_order", value))
        return Error::input("the .npy header has no 'fortran_order'", path);
    header.fortranOrder = (value == "True");
    if (!dictValue(dict, "shape", value) || !parseShape(value, header.shape))
        return Error::input("the .npy header has no valid 'shape' (non-negative integers below 2^63)", path);
    return header;
}

namespace {

// readNpyMatrix without the final InputFile::verified.
Result<FloatMatrix> readNpyData(const InputFile &file)
{
    const std::string &path = file.path();
    char probe[12] = {};
    const size_t probeSize = size_t(std::min<int64_t>(file.size(), sizeof probe));
    if (Status s = file.read(0, probe, probeSize); !s)
        return s.error();
    std::string headerBytes(npyHeaderBytes(probe, probeSize, file.size()), '\0');
    if (Status s = file.read(0, headerBytes.data(), headerBytes.size()); !s)
        return s.error();
    auto parsed = parseNpyHeader(headerBytes.data(), headerBytes.size(), path);
    if (!parsed)
        return parsed.error();
    const NpyHeader &header = *parsed;
    if (header.fortranOrder)
        return Error::input("Fortran-ordered arrays are not supported; save with C order (np.ascontiguousarray)", path);
    size_t itemSize = 0;
    if (header.descr == "<f4")
        itemSize = 4;
    else if (header.descr == "<f8")
        itemSize = 8;
    else if (header.descr == "<f2")
        itemSize = 2;
    else
        return Error::input("unsupported dtype '" + header.descr + "' (expected <f4, <f8 or <f2)", path);
    if (header.shape.size() != 2)
        return Error::input("expected a 2-D array (rows x dimension), found " + std::to_string(header.shape.size()) +
                                " dimensions",
                            path);
    const int64_t rows = header.shape[0], cols = header.shape[1];
    if (cols == 0)
        return Error::input("the array has shape (" + std::to_string(rows) + ", 0): vectors of dimension 0", path);
    if (rows > kNpyMaxElements / cols)
        return Error::input("array shape (" + std::to_string(rows) + ", " + std::to_string(cols) +
                                ") is too large (more than 2^40 values)",
                            path);
    const int64_t expected = rows * cols * int64_t(itemSize);
    const int64_t available = file.size() - header.dataOffset;
    if (available < expected)
        return Error::input("truncated .npy file: expected " + std::to_string(expected) + " bytes of data for shape (" +
                                std::to_string(rows) + ", " + std::to_string(cols) + "), found " +
                                std::to_string(available),
                            path);

    std::vector<float> values(size_t(rows * cols));
    Status read;
    if (itemSize == 4) {
        read = file.read(header.dataOffset, values.data(), values.size() * 4);
    } else if (itemSize == 8) {
        read = readConverted(file, header.dataOffset, rows * cols, 8, values.data(), [](const char *bytes) {
            double v;
            std::memcpy(&v, bytes, 8);
            return float(v);
        });
    } else {
        read = readConverted(file, header.dataOffset, rows * cols, 2, values.data(), [](const char *bytes) {
            uint16_t h;
            std::memcpy(&h, bytes, 2);
            return halfToFloat(h);
        });
    }
    if (!read)
        return read.error();
    for (int64_t i = 0; i < rows * cols; ++i)
        if (!std::isfinite(values[size_t(i)]))
            return Error::input(std::string(std::isnan(values[size_t(i)]) ? "NaN" : "Inf") + " at row " +
                                    std::to_string(i / cols) + ", column " + std::to_string(i % cols) + " (0-based)",
                                path, i / cols + 1); // 1-based record, like every reader
    return FloatMatrix(rows, cols, std::move(values));
}

} // namespace

Result<FloatMatrix> readNpyMatrix(const std::string &path)
{
    auto opened = InputFile::open(path);
    if (!opened)
        return opened.error();
    return readNpyMatrix(**opened);
}

Result<FloatMatrix> readNpyMatrix(const InputFile &file)
{
    return file.verified(readNpyData(file));
}

namespace {

// Writes what `write` puts into the stream to a temporary file, then renames it over `path`;
// a failed write (disk full) removes the temporary file.
Status writeThroughTemporary(const std::string &path, const std::function<void(std::ostream &)> &write)
{
    const std::string temp = path + ".tmp-embtune";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            return Error::io("cannot write", temp);
        write(out);
        out.flush();
        if (!out) {
            out.close();
            std::error_code ec;
            std::filesystem::remove(temp, ec);
            return Error::io("write failed (disk full?)", temp);
        }
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp, ec);
        return Error::io("cannot rename the temporary file into place", path);
    }
    return {};
}

} // namespace

Status writeFileAtomically(const std::string &path, const std::string &content)
{
    return writeThroughTemporary(path, [&](std::ostream &out) { out.write(content.data(), std::streamsize(content.size())); });
}

namespace {

// The .npy v1.0 header of a rows x cols float32 matrix.
std::string npyHeader(int64_t rows, int64_t cols)
{
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
    // magic(6) + version(2) + length(2) + dict + padding + '\n' is a multiple of 64.
    const size_t unpadded = 10 + dict.size() + 1;
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict.push_back('\n');
    std::string header(kMagic, kMagicSize);
    header.push_back(char(1));
    header.push_back(char(0));
    header.push_back(char(dict.size() & 0xff));
    header.push_back(char(dict.size() >> 8));
    return header + dict;
}

// Writes the header, then rows [begin, begin + count) from `block` for consecutive blocks,
// through a temporary file renamed over `path` at the end.
Status writeNpyStreamed(const std::string &path, int64_t rows, int64_t cols,
                        const std::function<const float *(int64_t begin, int64_t count)> &block)
{
    return writeThroughTemporary(path, [&](std::ostream &out) {
        const std::string header = npyHeader(rows, cols);
        out.write(header.data(), std::streamsize(header.size()));
        constexpr int64_t kBlockRows = 4096; // a multiple of 4: derived blocks read as the full matrix
        for (int64_t begin = 0; begin < rows && out; begin += kBlockRows) {
            const int64_t count = std::min(kBlockRows, rows - begin);
            out.write(reinterpret_cast<const char *>(block(begin, count)), std::streamsize(count * cols * 4));
        }
    });
}

} // namespace

Status writeNpyMatrix(const std::string &path, ConstMatrixMap matrix)
{
    return writeNpyStreamed(path, matrix.rows(), matrix.cols(),
                            [&](int64_t begin, int64_t) { return matrix.data() + begin * matrix.cols(); });
}

Status writeNpyMatrix(const std::string &path, const FloatMatrix &matrix)
{
    if (!matrix.overlay())
        return writeNpyMatrix(path, matrix.map());
    RowMatrixXf rows;
    return writeNpyStreamed(path, matrix.rows(), matrix.cols(), [&](int64_t begin, int64_t count) {
        matrix.copyRows(begin, count, rows);
        return rows.data();
    });
}

Result<std::vector<std::string>> readIdList(const std::string &path)
{
    std::vector<std::string> ids;
    int64_t emptyLine = 0; // an empty line seen last; fine only as the last line
    Status status = forEachLine(
        path,
        [&](const char *text, size_t length, int64_t lineNumber) -> Status {
            if (emptyLine != 0)
                return Error::input("empty id", path, emptyLine);
            if (length == 0)
                emptyLine = lineNumber;
            else
                ids.emplace_back(text, length);
            return {};
        },
        "id list");
    if (!status)
        return status.error();
    return ids;
}

Status writeIdList(const std::string &path, const std::vector<std::string> &ids)
{
    std::string content;
    for (const auto &id : ids) {
        content += id;
        content.push_back('\n');
    }
    return writeFileAtomically(path, content);
}

} // namespace embtune::engine
