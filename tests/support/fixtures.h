#pragma once
// Small on-disk fixtures that tests write themselves (no dependency on ../shared).

#include <QString>
#include <QTemporaryDir>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace embtune::test {

inline void writeText(const std::filesystem::path &path, const std::string &text)
{
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

inline void writeBytes(const std::filesystem::path &path, const std::string &bytes)
{
    writeText(path, bytes);
}

// A .npy v1 header for `descr` and shape (rows, cols); `major` 1, 2 or 3 picks the format.
inline std::string npyHeader(const std::string &descr, long rows, long cols, int major = 1, bool fortran = false)
{
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': (" + std::to_string(rows) + ", " + std::to_string(cols) + "), }";
    const size_t prefix = major == 1 ? 10 : 12;
    dict.append((64 - (prefix + dict.size() + 1) % 64) % 64, ' ');
    dict.push_back('\n');
    std::string out("\x93NUMPY", 6);
    out.push_back(char(major));
    out.push_back(char(0));
    const size_t n = dict.size();
    out.push_back(char(n & 0xff));
    out.push_back(char((n >> 8) & 0xff));
    if (major != 1) {
        out.push_back(char((n >> 16) & 0xff));
        out.push_back(char((n >> 24) & 0xff));
    }
    return out + dict;
}

template <typename T>
std::string rawBytes(const std::vector<T> &values)
{
    return std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
}

// A tiny BEIR dataset: 5 documents, 3 queries, qrels/test.tsv with graded gains.
//   docs d1..d5, queries q1 (relevant d1:2, d3:1), q2 (d2:1), q3 (d4:0 only: no relevant)
inline void writeTinyBeir(const std::filesystem::path &dir)
{
    writeText(dir / "corpus.jsonl",
              "{\"_id\": \"d1\", \"title\": \"Alpha\", \"text\": \"alpha text\"}\n"
              "{\"_id\": \"d2\", \"title\": \"Beta\", \"text\": \"beta text\"}\n"
              "{\"_id\": \"d3\", \"title\": \"Gamma\", \"text\": \"gamma text\"}\n"
              "{\"_id\": \"d4\", \"text\": \"delta text, no title\"}\n"
              "{\"_id\": \"d5\", \"title\": null, \"text\": \"epsilon \\\"quoted\\\" text\"}\n");
    writeText(dir / "queries.jsonl",
              "{\"_id\": \"q1\", \"text\": \"alpha?\"}\n"
              "{\"_id\": \"q2\", \"text\": \"beta?\"}\n"
              "{\"_id\": \"q3\", \"text\": \"delta?\"}\n");
    writeText(dir / "qrels" / "test.tsv",
              "query-id\tcorpus-id\tscore\n"
              "q1\td1\t2\n"
              "q1\td3\t1\n"
              "q2\td2\t1\n"
              "q3\td4\t0\n");
}

// Vectors for writeTinyBeir in 2-D, rows in the given id order.
//   d1 (1,0)  d2 (0,1)  d3 (0.8,0.6)  d4 (-1,0)  d5 (0.6,0.8)
//   q1 (1,0)  q2 (0,1)  q3 (-1,0)
inline void writeTinyEmbeddings(const std::filesystem::path &dir, bool shuffled = false)
{
    std::vector<std::string> docIds{"d1", "d2", "d3", "d4", "d5"};
    std::vector<float> docs{1, 0, 0, 1, 0.8f, 0.6f, -1, 0, 0.6f, 0.8f};
    if (shuffled) {
        docIds = {"d5", "d4", "d3", "d2", "d1"};
        docs = {0.6f, 0.8f, -1, 0, 0.8f, 0.6f, 0, 1, 1, 0};
    }
    writeBytes(dir / "corpus.npy", npyHeader("<f4", 5, 2) + rawBytes(docs));
    std::string ids;
    for (const auto &id : docIds)
        ids += id + "\n";
    writeText(dir / "corpus_ids.txt", ids);
    std::vector<float> queries{1, 0, 0, 1, -1, 0};
    writeBytes(dir / "queries.npy", npyHeader("<f4", 3, 2) + rawBytes(queries));
    writeText(dir / "query_ids.txt", "q1\nq2\nq3\n");
}

inline std::filesystem::path path(const QTemporaryDir &dir)
{
    return std::filesystem::path(dir.path().toStdString());
}

// ../shared beside the checkout, or $EMBTUNE_SHARED_DIR when set.
inline QString sharedDir()
{
    const QByteArray fromEnv = qgetenv("EMBTUNE_SHARED_DIR");
    return fromEnv.isEmpty() ? QStringLiteral(EMBTUNE_SHARED_DIR) : QString::fromLocal8Bit(fromEnv);
}

// The shared SciFact folder, or an empty string when it is absent.
inline QString sharedScifact()
{
    const QString dir = sharedDir() + "/datasets/scifact";
    return std::filesystem::exists((dir + "/corpus.jsonl").toStdString()) ? dir : QString();
}

} // namespace embtune::test
