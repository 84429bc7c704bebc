// The fuzz targets of fuzz_targets.h and their seed writer. One translation unit on purpose:
// the replay test and every libFuzzer executable compile it once.

#include "fuzz_targets.h"

#include "support/fixtures.h"

#include "../../app/cli/command_line.h"
#include "chat_protocol.h"
#include "embedding_cache.h"
#include "embeddings_protocol.h"
#include "retry_policy.h"

#include "data/beir_reader.h"
#include "data/dataset.h"
#include "data/dataset_hash.h"
#include "data/zip_archive.h"
#include "io/fvecs.h"
#include "io/jsonl_vectors.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "io/trec_run.h"
#include "search/hnsw_index.h"
#include "search/hnsw_sidecar.h"
#include "synth/synthetic_set.h"

#include <QDateTime>

#include <zip.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace embtune::fuzz {
namespace {

namespace fs = std::filesystem;
using namespace embtune::engine;

#define FUZZ_CHECK(condition)                                                                             \
    do {                                                                                                  \
        if (!(condition)) {                                                                               \
            std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__);      \
            std::abort();                                                                                 \
        }                                                                                                 \
    } while (false)

// The process's scratch folder: /dev/shm/embtune-fuzz-<pid> (or under the temp folder), removed
// at exit.
const fs::path &scratch()
{
    // Never destroyed: the exit handler below runs after the destructors of statics made later.
    static const fs::path *dir = [] {
        std::error_code ec;
        const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
        auto *d = new fs::path(base / ("embtune-fuzz-" + std::to_string(::getpid())));
        fs::create_directories(*d, ec);
        std::atexit([] {
            std::error_code ignored;
            fs::remove_all(scratch(), ignored);
        });
        return d;
    }();
    return *dir;
}

std::string writeInput(const std::string &name, std::string_view bytes)
{
    const fs::path path = scratch() / name;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.close();
    FUZZ_CHECK(out.good());
    return path.string();
}

std::string_view asView(const uint8_t *data, size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

// The first `count` parts of `bytes` split at kFuzzPartSeparator (missing parts empty; the
// last part keeps any further separators).
std::vector<std::string_view> splitParts(std::string_view bytes, size_t count)
{
    std::vector<std::string_view> parts;
    while (parts.size() + 1 < count) {
        const size_t at = bytes.find(kFuzzPartSeparator);
        if (at == std::string_view::npos)
            break;
        parts.push_back(bytes.substr(0, at));
        bytes.remove_prefix(at + kFuzzPartSeparator.size());
    }
    parts.push_back(bytes);
    parts.resize(count);
    return parts;
}

std::string joinParts(const std::vector<std::string> &parts)
{
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i)
        out += (i ? std::string(kFuzzPartSeparator) : std::string()) + parts[i];
    return out;
}

std::string readAll(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The tiny BEIR dataset of tests/support/fixtures.h, read once.
const Dataset &tinyDataset()
{
    static const Dataset dataset = [] {
        const fs::path dir = scratch() / "tiny-beir";
        test::writeTinyBeir(dir);
        auto read = readBeirDataset(dir.string());
        FUZZ_CHECK(read.ok());
        return std::move(read).value();
    }();
    return dataset;
}

// 8 x 4 vectors and ids d0..d7 for the hnswlib target.
const FloatMatrix &hnswVectors()
{
    static const FloatMatrix vectors = [] {
        std::vector<float> values(8 * 4);
        for (int r = 0; r < 8; ++r)
            for (int c = 0; c < 4; ++c)
                values[size_t(r * 4 + c)] = float((r * 7 + c * 3) % 5) - 2.0f + 0.25f * float(c == r % 4);
        return FloatMatrix(8, 4, std::move(values));
    }();
    return vectors;
}

const std::vector<std::string> &hnswIds()
{
    static const std::vector<std::string> ids{"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"};
    return ids;
}

// With EMBTUNE_FUZZ_VERBOSE set, prints a reader's error (to see what a seed exercises).
template <typename R>
R note(R result)
{
    static const bool verbose = std::getenv("EMBTUNE_FUZZ_VERBOSE") != nullptr;
    if (verbose && !result.ok())
        std::fprintf(stderr, "  reader error: %s\n", result.error().toString().c_str());
    return result;
}

net::EmbeddingCache::Identity cacheIdentity()
{
    return {QStringLiteral("http://127.0.0.1:9/v1"), QStringLiteral("fuzz-model"), 0};
}

// --- targets ---------------------------------------------------------------------------------

int fuzzNpy(const uint8_t *data, size_t size)
{
    (void)parseNpyHeader(reinterpret_cast<const char *>(data), size, "fuzz.npy");
    auto matrix = note(readNpyMatrix(writeInput("input.npy", asView(data, size))));
    if (matrix.ok())
        FUZZ_CHECK(matrix->rows() >= 0 && matrix->cols() >= 0);
    return 0;
}

int fuzzSafetensors(const uint8_t *data, size_t size)
{
    const std::string path = writeInput("input.safetensors", asView(data, size));
    auto file = note(SafetensorsFile::open(path));
    if (file.ok()) {
        for (const SafetensorsTensor &tensor : file->tensors()) {
            FUZZ_CHECK(file->find(tensor.name) != nullptr);
            (void)file->matrix(tensor);
        }
    }
    (void)note(readSafetensorsVectors(path));
    return 0;
}

int fuzzFvecs(const uint8_t *data, size_t size)
{
    (void)note(readFvecsMatrix(writeInput("input.fvecs", asView(data, size))));
    return 0;
}

int fuzzJsonlVectors(const uint8_t *data, size_t size)
{
    auto read = note(readJsonlVectors(writeInput("input.jsonl", asView(data, size))));
    if (read.ok())
        FUZZ_CHECK(int64_t(read->ids.size()) == read->vectors.rows());
    return 0;
}

int fuzzIdList(const uint8_t *data, size_t size)
{
    const std::string path = writeInput("ids.txt", asView(data, size));
    (void)readIdList(path);
    auto queries = note(readQueryIdList(path, tinyDataset()));
    if (queries.ok())
        for (int32_t q : *queries)
            FUZZ_CHECK(q >= 0 && q < tinyDataset().queryCount());
    return 0;
}

int fuzzCorpus(const uint8_t *data, size_t size)
{
    Dataset dataset;
    if (note(readCorpusJsonl(writeInput("corpus.jsonl", asView(data, size)), dataset)).ok())
        FUZZ_CHECK(size_t(dataset.docCount()) == dataset.docs.size());
    return 0;
}

int fuzzQueries(const uint8_t *data, size_t size)
{
    Dataset dataset;
    (void)note(readQueriesJsonl(writeInput("queries.jsonl", asView(data, size)), dataset));
    return 0;
}

int fuzzQrels(const uint8_t *data, size_t size)
{
    LoadReport report;
    (void)note(readQrels(writeInput("qrels.tsv", asView(data, size)), tinyDataset(), report));
    return 0;
}

int fuzzTrecRun(const uint8_t *data, size_t size)
{
    auto lines = note(parseTrecRun(std::string(asView(data, size)), "fuzz.run"));
    if (lines.ok())
        (void)note(rankingFromTrecRun(*lines, tinyDataset(), "fuzz.run"));
    return 0;
}

// Parts: the hnswlib index file, its JSON sidecar. Loaded against hnswVectors(), then one search.
int fuzzHnsw(const uint8_t *data, size_t size)
{
    const auto parts = splitParts(asView(data, size), 2);
    const std::string indexPath = writeInput("index.hnsw", parts[0]);
    writeInput("index.hnsw.json", parts[1]);
    (void)readHnswSidecar(indexPath + ".json");
    auto index = note(HnswIndex::load(indexPath, hnswVectors(), hnswIds(), 1));
    if (index.ok()) {
        (void)note(index->search(hnswVectors(), {0, 5}, 3, 1));
    }
    return 0;
}

// Lists and extracts (at most 1 MB) into a fresh folder; nothing may land outside it and no
// symbolic link may be created.
int fuzzZip(const uint8_t *data, size_t size)
{
    const std::string zipPath = writeInput("input.zip", asView(data, size));
    (void)listZip(zipPath);
    const fs::path root = scratch() / "unzip";
    const fs::path target = root / "target";
    std::error_code ec;
    fs::remove_all(root, ec);
    fs::create_directories(target, ec);
    ZipExtractOptions options;
    options.maxUnzippedBytes = int64_t(1) << 20;
    options.freeSpaceMargin = 0;
    auto written = note(extractZip(zipPath, target.string(), nullptr, options));
    if (written.ok()) {
        const std::string prefix = fs::weakly_canonical(target).string() + "/";
        for (const std::string &file : *written)
            FUZZ_CHECK(fs::weakly_canonical(target / file).string().rfind(prefix, 0) == 0);
    }
    // Nothing next to the target, no symbolic link inside it.
    for (auto entry : fs::directory_iterator(root))
        FUZZ_CHECK(entry.path().filename() == "target");
    for (auto it = fs::recursive_directory_iterator(target, ec); it != fs::recursive_directory_iterator(); ++it)
        FUZZ_CHECK(!it->is_symlink());
    fs::remove_all(root, ec);
    return 0;
}

int fuzzEmbeddingsResponse(const uint8_t *data, size_t size)
{
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    for (auto [count, dim] : {std::pair<int64_t, int64_t>{2, 0}, {2, 3}, {1, 0}}) {
        auto response = note(net::parseEmbeddingsResponse(body, count, dim));
        if (response.ok()) {
            FUZZ_CHECK(response->count == count);
            FUZZ_CHECK(int64_t(response->values.size()) == response->count * response->dim);
        }
    }
    (void)net::serverErrorMessage(body);
    return 0;
}

int fuzzChatResponse(const uint8_t *data, size_t size)
{
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    auto response = note(net::parseChatResponse(body));
    if (response.ok())
        FUZZ_CHECK(net::parseQuestionLines(response->content, 5).size() <= 5);
    (void)net::parseQuestionLines(std::string(asView(data, size)), 3);
    return 0;
}

int fuzzRetryAfter(const uint8_t *data, size_t size)
{
    const QByteArray value = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const QDateTime now(QDate(2026, 12, 7), QTime(19, 0), Qt::UTC);
    if (auto ms = net::RetryPolicy::parseRetryAfter(value, now))
        FUZZ_CHECK(*ms >= 0);
    (void)net::RetryPolicy::parseHttpDate(value);
    return 0;
}

// Parts: the cache log (.embcache), its index (.embidx; absent when the part is empty).
int fuzzEmbeddingCache(const uint8_t *data, size_t size)
{
    const auto parts = splitParts(asView(data, size), 2);
    const net::EmbeddingCache::Identity identity = cacheIdentity();
    const std::string stem = "cache/" + net::EmbeddingCache::fileStem(identity).toStdString();
    writeInput(stem + ".embcache", parts[0]);
    std::error_code ec;
    if (parts[1].empty())
        fs::remove(scratch() / (stem + ".embidx"), ec);
    else
        writeInput(stem + ".embidx", parts[1]);
    auto cache = note(net::EmbeddingCache::open(QString::fromStdString((scratch() / "cache").string()),
                                                       identity, net::EmbeddingCache::Mode::ReadOnly));
    if (cache.ok()) {
        FUZZ_CHECK((*cache)->dim() >= 0 && (*cache)->dim() <= net::kMaxEmbeddingDim);
        std::vector<float> out(size_t((*cache)->dim()));
        for (const char *text : {"alpha", "beta", "gamma"}) {
            const auto hash = net::EmbeddingCache::hashText(text);
            if ((*cache)->contains(hash))
                (void)note((*cache)->read(hash, out.data()));
        }
    }
    return 0;
}

// Parts: manifest.json, queries.jsonl, qrels/train.tsv; read against tinyDataset().
int fuzzSyntheticSet(const uint8_t *data, size_t size)
{
    const auto parts = splitParts(asView(data, size), 3);
    writeInput("synth/manifest.json", parts[0]);
    writeInput("synth/queries.jsonl", parts[1]);
    writeInput("synth/qrels/train.tsv", parts[2]);
    auto set = note(readSyntheticSet((scratch() / "synth").string(), tinyDataset()));
    if (set.ok())
        for (const SyntheticQuery &query : set->queries)
            FUZZ_CHECK(query.doc >= 0 && query.doc < tinyDataset().docCount());
    return 0;
}

// Words separated by NUL bytes, parsed like a subcommand's arguments.
int fuzzCliArgs(const uint8_t *data, size_t size)
{
    std::vector<std::string> words;
    std::string_view rest = asView(data, size);
    while (!rest.empty() && words.size() < 256) {
        const size_t at = rest.find('\0');
        words.emplace_back(rest.substr(0, at));
        rest.remove_prefix(at == std::string_view::npos ? rest.size() : at + 1);
    }
    cli::CommandLine line({"k", "method", "param", "json", "seed"}, {"exact", "verbose"});
    if (!line.parse(words)) {
        (void)line.value("k");
        (void)line.values("param");
        std::vector<int> ks;
        (void)cli::parseIntList(line.value("k"), ks);
    }
    return 0;
}

const FuzzTarget kTargets[] = {
    {"npy", fuzzNpy},
    {"safetensors", fuzzSafetensors},
    {"fvecs", fuzzFvecs},
    {"jsonl_vectors", fuzzJsonlVectors},
    {"id_list", fuzzIdList},
    {"corpus", fuzzCorpus},
    {"queries", fuzzQueries},
    {"qrels", fuzzQrels},
    {"trec_run", fuzzTrecRun},
    {"hnsw", fuzzHnsw},
    {"zip", fuzzZip},
    {"embeddings_response", fuzzEmbeddingsResponse},
    {"chat_response", fuzzChatResponse},
    {"retry_after", fuzzRetryAfter},
    {"embedding_cache", fuzzEmbeddingCache},
    {"synthetic_set", fuzzSyntheticSet},
    {"cli_args", fuzzCliArgs},
    {nullptr, nullptr},
};

// --- seeds -----------------------------------------------------------------------------------

bool put(const fs::path &dir, const std::string &target, const std::string &name, const std::string &bytes)
{
    std::error_code ec;
    fs::create_directories(dir / target, ec);
    std::ofstream out(dir / target / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    return out.good();
}

bool fail(const Error &error)
{
    std::fprintf(stderr, "embtune_fuzz_replay: %s\n", error.toString().c_str());
    return false;
}

} // namespace

const FuzzTarget *fuzzTargets()
{
    return kTargets;
}

FuzzFunction findFuzzTarget(std::string_view name)
{
    for (const FuzzTarget *t = kTargets; t->name; ++t)
        if (name == t->name)
            return t->run;
    return nullptr;
}

bool writeFuzzSeeds(const std::string &outDir)
{
    const fs::path dir(outDir);
    const fs::path work = scratch() / "seeds";
    fs::create_directories(work);
    const std::vector<float> small{1, 0, 0.5f, -0.25f, 3, 4};
    const std::vector<std::string> ids{"d1", "d2", "d3"};
    const ConstMatrixMap map(small.data(), 3, 2);
    bool ok = true;

    auto writeWith = [&](const std::string &target, const std::string &name, auto &&writer) {
        const fs::path path = work / name;
        if (Status s = writer(path.string()); !s.ok())
            return fail(s.error());
        return put(dir, target, name, readAll(path));
    };
    ok &= writeWith("npy", "small.npy", [&](const std::string &p) { return writeNpyMatrix(p, map); });
    ok &= writeWith("npy", "empty.npy", [&](const std::string &p) {
        return writeNpyMatrix(p, ConstMatrixMap(small.data(), 0, 3));
    });
    ok &= put(dir, "npy", "f8_v2.npy", test::npyHeader("<f8", 1, 2, 2) + test::rawBytes(std::vector<double>{1, 2}));
    ok &= writeWith("safetensors", "vectors.safetensors",
                    [&](const std::string &p) { return writeSafetensorsVectors(p, map, ids); });
    ok &= writeWith("fvecs", "small.fvecs", [&](const std::string &p) { return writeFvecsMatrix(p, map); });
    ok &= writeWith("jsonl_vectors", "small.jsonl",
                    [&](const std::string &p) { return writeJsonlVectors(p, map, ids); });
    ok &= writeWith("id_list", "ids.txt", [&](const std::string &p) { return writeIdList(p, ids); });
    ok &= put(dir, "id_list", "queries.txt", "q1\nq3\n");

    const fs::path beir = work / "beir";
    test::writeTinyBeir(beir);
    ok &= put(dir, "corpus", "corpus.jsonl", readAll(beir / "corpus.jsonl"));
    ok &= put(dir, "queries", "queries.jsonl", readAll(beir / "queries.jsonl"));
    ok &= put(dir, "qrels", "test.tsv", readAll(beir / "qrels" / "test.tsv"));

    auto run = parseTrecRun("q1 Q0 d1 1 2.5 fuzz\nq1 Q0 d3 2 1.25 fuzz\nq2 Q0 d2 1 0.5 fuzz\n");
    if (!run.ok())
        return fail(run.error());
    auto ranking = rankingFromTrecRun(*run, tinyDataset());
    if (!ranking.ok())
        return fail(ranking.error());
    auto text = formatTrecRun(*ranking, tinyDataset(), "fuzz");
    if (!text.ok())
        return fail(text.error());
    ok &= put(dir, "trec_run", "run.txt", *text);

    HnswParameters parameters;
    parameters.m = 4;
    parameters.efConstruction = 16;
    auto index = HnswIndex::build(hnswVectors(), hnswIds(), parameters, 1);
    if (!index.ok())
        return fail(index.error());
    const fs::path indexPath = work / "index.hnsw";
    if (Status s = index->save(indexPath.string()); !s.ok())
        return fail(s.error());
    ok &= put(dir, "hnsw", "index", joinParts({readAll(indexPath), readAll(indexPath.string() + ".json")}));

    // A zip with a folder and two small files, written with libzip.
    const fs::path zipPath = work / "small.zip";
    int zipError = 0;
    if (zip_t *archive = zip_open(zipPath.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &zipError)) {
        static const char corpus[] = "{\"_id\": \"d1\", \"text\": \"alpha alpha alpha\"}\n";
        static const char queries[] = "{\"_id\": \"q1\", \"text\": \"alpha?\"}\n";
        zip_dir_add(archive, "tiny", ZIP_FL_ENC_UTF_8);
        for (auto [name, content] : {std::pair{"tiny/corpus.jsonl", corpus}, {"tiny/queries.jsonl", queries}}) {
            zip_source_t *source = zip_source_buffer(archive, content, std::strlen(content), 0);
            if (!source || zip_file_add(archive, name, source, ZIP_FL_ENC_UTF_8) < 0)
                ok = false;
        }
        ok &= zip_close(archive) == 0;
    } else {
        ok = false;
    }
    ok &= put(dir, "zip", "small.zip", readAll(zipPath));

    ok &= put(dir, "embeddings_response", "floats.json",
              "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.5,-1,2]},"
              "{\"object\":\"embedding\",\"index\":0,\"embedding\":[1e-3,0,3]}],\"model\":\"m\","
              "\"usage\":{\"prompt_tokens\":4,\"total_tokens\":4}}");
    ok &= put(dir, "embeddings_response", "base64.json",
              "{\"data\":[{\"index\":0,\"embedding\":\"AACAPwAAAEA=\"},{\"index\":1,\"embedding\":\"AAAAAAAAgL8=\"}]}");
    ok &= put(dir, "embeddings_response", "error.json", "{\"error\":{\"message\":\"rate limited\",\"type\":\"x\"}}");
    ok &= put(dir, "chat_response", "reply.json",
              "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"1. What is alpha?\\n"
              "2. Why beta?\\n- How does gamma work?\"}}],\"usage\":{\"total_tokens\":12}}");
    ok &= put(dir, "retry_after", "seconds.txt", "120");
    ok &= put(dir, "retry_after", "fraction.txt", "1.5");
    ok &= put(dir, "retry_after", "imf.txt", "Mon, 07 Dec 2026 19:01:00 GMT");
    ok &= put(dir, "retry_after", "rfc850.txt", "Monday, 07-Dec-26 19:01:00 GMT");
    ok &= put(dir, "retry_after", "asctime.txt", "Mon Dec  7 19:01:00 2026");

    {
        const fs::path cacheDir = work / "cache";
        const net::EmbeddingCache::Identity identity = cacheIdentity();
        auto cache = net::EmbeddingCache::open(QString::fromStdString(cacheDir.string()), identity,
                                               net::EmbeddingCache::Mode::ReadWrite);
        if (!cache.ok())
            return fail(cache.error());
        const std::vector<net::EmbeddingCache::TextHash> hashes{net::EmbeddingCache::hashText("alpha"),
                                                               net::EmbeddingCache::hashText("beta")};
        const float values[] = {1, 2, 3, -1, 0.5f, 0};
        if (Status s = (*cache)->append(hashes, values, 3); !s.ok())
            return fail(s.error());
        if (Status s = (*cache)->close(); !s.ok())
            return fail(s.error());
        const std::string stem = (cacheDir / net::EmbeddingCache::fileStem(identity).toStdString()).string();
        ok &= put(dir, "embedding_cache", "with_index", joinParts({readAll(stem + ".embcache"), readAll(stem + ".embidx")}));
        ok &= put(dir, "embedding_cache", "log_only", readAll(stem + ".embcache"));
    }

    {
        SyntheticSet set;
        set.generator = "title";
        set.parametersJson = "{}";
        set.seed = 7;
        set.datasetHash = datasetTextsHash(tinyDataset());
        set.documentsSampled = 2;
        set.queries = {{"title:0:0", "Alpha", 0, false}, {"title:1:0", "Beta", 1, false}};
        const fs::path synth = work / "synth";
        if (Status s = writeSyntheticSet(set, tinyDataset(), synth.string()); !s.ok())
            return fail(s.error());
        ok &= put(dir, "synthetic_set", "set",
                  joinParts({readAll(synth / "manifest.json"), readAll(synth / "queries.jsonl"),
                             readAll(synth / "qrels" / "train.tsv")}));
    }

    using namespace std::string_literals;
    ok &= put(dir, "cli_args", "args", "--k\0" "1,3,10\0--method\0nudge\0--param\0lr=0.1\0--exact\0--json=-"s);
    ok &= put(dir, "cli_args", "missing_value", "--seed"s);
    if (!ok)
        std::fprintf(stderr, "embtune_fuzz_replay: could not write every seed into %s\n", outDir.c_str());
    return ok;
}

} // namespace embtune::fuzz
