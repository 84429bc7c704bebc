#include "io/jsonl_vectors.h"

#include "io/input_file.h"
#include "io/json_writer.h"
#include "io/line_reader.h"

#include <simdjson.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <unordered_map>

namespace embtune::engine {
namespace {

// Id text of an "_id" value: a string as is, an integer by its decimal literal.
bool idText(simdjson::dom::element element, std::string &out)
{
    std::string_view text;
    int64_t signedValue;
    uint64_t unsignedValue;
    if (!element.get_string().get(text)) {
        out.assign(text);
        return true;
    }
    if (!element.get_int64().get(signedValue)) {
        out = std::to_string(signedValue);
        return true;
    }
    if (!element.get_uint64().get(unsignedValue)) {
        out = std::to_string(unsignedValue);
        return true;
    }
    return false;
}

// readJsonlVectors without the final InputFile::verified.
Result<IdVectors> readJsonlData(const InputFile &file)
{
    const std::string &path = file.path();
    IdVectors out;
    out.idsSource = path;
    std::vector<float> values;
    std::unordered_map<std::string, int64_t> lineOfId;
    int64_t dim = -1;
    int64_t blankLine = 0; // first blank line since the last record, 0 when none
    std::vector<char> padded;  // the current line followed by simdjson's padding
    simdjson::dom::parser parser;

    // The lines come from reading the path again: readJsonlVectors then checks that it still
    // named `file`, unchanged, after the last line was read.
    Status status = forEachLine(path, [&](const char *line, size_t length, int64_t lineNumber) -> Status {
        if (lineNumber == 1 && length >= 3 && std::memcmp(line, "\xEF\xBB\xBF", 3) == 0) { // UTF-8 byte order mark
            line += 3;
            length -= 3;
        }
        if (isBlankLine(line, length)) {
            if (blankLine == 0)
                blankLine = lineNumber;
            return {};
        }
        if (blankLine != 0)
            return Error::input("empty line between records", path, blankLine);

        if (padded.size() < length + simdjson::SIMDJSON_PADDING)
            padded.resize(length + simdjson::SIMDJSON_PADDING);
        std::memcpy(padded.data(), line, length);
        // simdjson may read into the padding (an unclosed string at the end of the line): it must
        // not hold bytes of an earlier, longer line.
        std::memset(padded.data() + length, 0, simdjson::SIMDJSON_PADDING);
        simdjson::dom::element root;
        if (const auto error = parser.parse(padded.data(), length, false).get(root))
            return Error::input(std::string("malformed JSON: ") + simdjson::error_message(error), path, lineNumber);
        simdjson::dom::object object;
        if (root.get_object().get(object))
            return Error::input("the line is not a JSON object", path, lineNumber);

        simdjson::dom::element idElement;
        if (object.at_key("_id").get(idElement))
            return Error::input("the record has no \"_id\"", path, lineNumber);
        std::string id;
        if (!idText(idElement, id))
            return Error::input("\"_id\" is neither a string nor an integer", path, lineNumber);
        if (id.empty())
            return Error::input("\"_id\" is empty", path, lineNumber);

        simdjson::dom::element embeddingElement;
        if (object.at_key("embedding").get(embeddingElement))
            return Error::input("the record has no \"embedding\"", path, lineNumber);
        simdjson::dom::array embedding;
        if (embeddingElement.get_array().get(embedding))
            return Error::input("\"embedding\" is not an array of numbers", path, lineNumber);
        const int64_t row = int64_t(out.ids.size());
        int64_t column = 0;
        for (const simdjson::dom::element item : embedding) {
            double number;
            if (item.get_double().get(number))
                return Error::input("\"embedding\" value at column " + std::to_string(column) +
                                        " (0-based) is not a number",
                                    path, lineNumber);
            const float value = float(number);
            if (!std::isfinite(value)) {
                char text[32];
                std::snprintf(text, sizeof text, "%.9g", number);
                return Error::input(nonFiniteMessage(value, row, column) + ": " + text + " does not fit float32",
                                    path, lineNumber);
            }
            values.push_back(value);
            ++column;
        }
        if (column == 0)
            return Error::input("\"embedding\" is empty", path, lineNumber);
        if (dim < 0) {
            dim = column;
            values.reserve(size_t(file.size()) / length * size_t(dim) + size_t(dim));
        } else if (column != dim) {
            return Error::input("\"embedding\" has " + std::to_string(column) + " values but the first line's has " +
                                    std::to_string(dim),
                                path, lineNumber);
        }

        const auto [it, inserted] = lineOfId.try_emplace(id, lineNumber);
        if (!inserted)
            return Error::input("duplicate id \"" + id + "\" (first on line " + std::to_string(it->second) + ")", path,
                                lineNumber);
        out.ids.push_back(std::move(id));
        return {};
    });
    if (!status)
        return status.error();
    if (out.ids.empty())
        return Error::input("no vectors: the file is empty", path);
    const int64_t rows = int64_t(out.ids.size());
    out.vectors = FloatMatrix(rows, dim, std::move(values));
    return out;
}

} // namespace

Result<IdVectors> readJsonlVectors(const std::string &path)
{
    auto opened = InputFile::open(path);
    if (!opened)
        return opened.error();
    return readJsonlVectors(**opened);
}

Result<IdVectors> readJsonlVectors(const InputFile &file)
{
    return file.verified(readJsonlData(file));
}

std::string formatFloatForJson(float value)
{
    char buffer[64];
    // Shortest text that reads back to `value` as float32 ...
    if (value == 0.0f && std::signbit(value))
        return "-0.0"; // "-0" would be read as the integer 0
    char *end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    double parsed = 0;
    std::from_chars(buffer, end, parsed);
    // ... unless a float64 parser followed by rounding to float32 gives another float (possible
    // only for text very close to the midpoint between two floats): then the shortest text of
    // the exact float64 value, which both kinds of parser read back exactly.
    if (std::bit_cast<uint32_t>(float(parsed)) != std::bit_cast<uint32_t>(value))
        end = std::to_chars(buffer, buffer + sizeof buffer, double(value)).ptr;
    return std::string(buffer, end);
}

Status writeJsonlVectors(const std::string &path, ConstMatrixMap vectors, const std::vector<std::string> &ids)
{
    if (Status s = checkWritable(vectors, ids, path); !s)
        return s;
    if (Status s = checkUtf8Ids(ids, path); !s)
        return s;
    AtomicOutputFile out(path);
    std::string line;
    for (int64_t row = 0; row < vectors.rows(); ++row) {
        line.clear();
        line += "{\"_id\": ";
        line += JsonWriter::escape(ids[size_t(row)]);
        line += ", \"embedding\": [";
        for (int64_t column = 0; column < vectors.cols(); ++column) {
            if (column > 0)
                line += ", ";
            line += formatFloatForJson(vectors(row, column));
        }
        line += "]}\n";
        out.write(line);
    }
    return out.commit();
}

} // namespace embtune::engine
