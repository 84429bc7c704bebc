#include "embed/lsa_embedder.h"

#include "io/json_writer.h"
#include "io/npy.h"

#include <simdjson.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace embtune::engine {
namespace {

constexpr int kFormatVersion = 1;

} // namespace

LsaEmbedder::LsaEmbedder(LsaOptions options) : m_options(options), m_tfidf(options.tfidf, {}, {}) {}

std::string LsaEmbedder::optionsJson() const
{
    JsonWriter w(false);
    w.beginObject();
    w.key("dim");
    w.value(m_options.dim);
    w.key("min_df");
    w.value(m_options.tfidf.minDf);
    w.key("max_df");
    w.value(m_options.tfidf.maxDfFraction);
    w.key("sublinear_tf");
    w.value(m_options.tfidf.sublinearTf);
    w.key("min_token_length");
    w.value(m_options.tfidf.tokenizer.minLength);
    w.key("stop_words");
    w.value(m_options.tfidf.tokenizer.englishStopWords ? "english" : "none");
    w.key("oversampling");
    w.value(m_options.oversampling);
    w.key("power_iterations");
    w.value(m_options.powerIterations);
    w.key("seed");
    w.value(int64_t(m_options.seed));
    w.endObject();
    return w.str();
}

std::string LsaEmbedder::configKey() const
{
    return "lsa/v" + std::to_string(kFormatVersion) + optionsJson();
}

RowMatrixXf LsaEmbedder::project(const SparseRows &rows) const
{
    RowMatrixXf out;
    multiply(rows, m_components, out, m_options.threads);
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
        const float norm = out.row(i).norm();
        if (norm > 0)
            out.row(i) /= norm;
    }
    return out;
}

Result<RowMatrixXf> LsaEmbedder::fit(const std::vector<std::string> &corpus, Progress *progress)
{
    if (corpus.empty())
        return Error::input("cannot fit LSA on an empty corpus");
    if (m_options.dim <= 0)
        return Error::usage("the LSA dimension must be positive");
    SparseRows x;
    m_tfidf = TfidfModel(m_options.tfidf, {}, {});
    if (!m_tfidf.fit(corpus, m_options.threads, x, progress))
        return Error::cancelled();
    if (m_tfidf.vocabularySize() == 0)
        return Error::input("the corpus has no term that passes min_df = " + std::to_string(m_options.tfidf.minDf));
    if (m_tfidf.vocabularySize() < m_options.dim || int64_t(corpus.size()) < m_options.dim)
        return Error::input("LSA dimension " + std::to_string(m_options.dim) + " exceeds the rank limit (" +
                            std::to_string(corpus.size()) + " texts, " + std::to_string(m_tfidf.vocabularySize()) +
                            " terms)");
    RandomizedSvdOptions svdOptions;
    svdOptions.rank = m_options.dim;
    svdOptions.oversampling = m_options.oversampling;
    svdOptions.powerIterations = m_options.powerIterations;
    svdOptions.seed = m_options.seed;
    svdOptions.threads = m_options.threads;
    TruncatedSvd svd;
    if (!randomizedSvd(x, svdOptions, svd, progress))
        return Error::cancelled();
    m_components = std::move(svd.components);
    m_singularValues = std::move(svd.singularValues);
    return project(x);
}

Result<RowMatrixXf> LsaEmbedder::embed(const std::vector<std::string> &texts, Progress *progress)
{
    if (!fitted())
        return Error::usage("the LSA embedder is not fitted");
    if (progress && !progress->step("embed", 0, int64_t(texts.size())))
        return Error::cancelled();
    RowMatrixXf out = project(m_tfidf.transform(texts, m_options.threads));
    if (progress && !progress->step("embed", int64_t(texts.size()), int64_t(texts.size())))
        return Error::cancelled();
    return out;
}

Status LsaEmbedder::save(const std::string &dir) const
{
    if (!fitted())
        return Error::usage("the LSA embedder is not fitted");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return Error::io("cannot create the folder: " + ec.message(), dir);
    const fs::path root(dir);
    JsonWriter w;
    w.beginObject();
    w.key("embedder");
    w.value("lsa");
    w.key("format_version");
    w.value(kFormatVersion);
    w.key("options");
    w.value(optionsJson()); // nested as a string keeps the reader trivial
    w.key("terms");
    w.value(m_tfidf.vocabularySize());
    w.key("singular_values");
    w.beginArray();
    for (Eigen::Index i = 0; i < m_singularValues.size(); ++i)
        w.value(m_singularValues[i]);
    w.endArray();
    w.endObject();
    if (Status s = writeIdList((root / "terms.txt").string(), m_tfidf.terms()); !s)
        return s;
    const auto &idf = m_tfidf.idf();
    if (Status s = writeNpyMatrix((root / "idf.npy").string(), ConstMatrixMap(idf.data(), 1, Eigen::Index(idf.size()))); !s)
        return s;
    if (Status s = writeNpyMatrix((root / "components.npy").string(),
                                  ConstMatrixMap(m_components.data(), m_components.rows(), m_components.cols()));
        !s)
        return s;
    return writeFileAtomically((root / "lsa.json").string(), w.str() + "\n");
}

Result<LsaOptions> LsaEmbedder::optionsFromJson(std::string_view json)
{
    simdjson::dom::parser optionsParser;
    simdjson::dom::element options;
    const simdjson::padded_string optionsCopy(json);
    if (optionsParser.parse(optionsCopy).get(options))
        return Error::input("malformed LSA options");
    LsaOptions lsa;
    int64_t integer = 0;
    double real = 0;
    bool flag = false;
    std::string_view word;
    if (options["dim"].get_int64().get(integer) || integer < 1 || integer > 1 << 16)
        return Error::input("LSA options lack a valid \"dim\"");
    lsa.dim = int(integer);
    if (!options["min_df"].get_int64().get(integer))
        lsa.tfidf.minDf = int(integer);
    if (!options["max_df"].get_double().get(real))
        lsa.tfidf.maxDfFraction = real;
    if (!options["sublinear_tf"].get_bool().get(flag))
        lsa.tfidf.sublinearTf = flag;
    if (!options["min_token_length"].get_int64().get(integer))
        lsa.tfidf.tokenizer.minLength = int(integer);
    if (!options["stop_words"].get_string().get(word))
        lsa.tfidf.tokenizer.englishStopWords = (word == "english");
    if (!options["oversampling"].get_int64().get(integer))
        lsa.oversampling = int(integer);
    if (!options["power_iterations"].get_int64().get(integer))
        lsa.powerIterations = int(integer);
    if (!options["seed"].get_int64().get(integer))
        lsa.seed = uint64_t(integer);
    return lsa;
}

Result<std::unique_ptr<LsaEmbedder>> LsaEmbedder::load(const std::string &dir)
{
    const fs::path root(dir);
    const std::string configPath = (root / "lsa.json").string();
    simdjson::padded_string text;
    if (simdjson::padded_string::load(configPath).get(text))
        return Error::io("cannot read the LSA model configuration", configPath);
    simdjson::dom::parser parser;
    simdjson::dom::element config;
    if (parser.parse(text).get(config))
        return Error::input("malformed JSON", configPath);
    int64_t version = 0;
    std::string_view optionsText;
    if (config["format_version"].get_int64().get(version) || version != kFormatVersion)
        return Error::input("unsupported LSA model format version", configPath);
    if (config["options"].get_string().get(optionsText))
        return Error::input("missing \"options\"", configPath);
    auto parsed = optionsFromJson(optionsText);
    if (!parsed)
        return Error::input(parsed.error().message, configPath);
    const LsaOptions lsa = *parsed;

    auto terms = readIdList((root / "terms.txt").string());
    if (!terms)
        return terms.error();
    auto idf = readNpyMatrix((root / "idf.npy").string());
    if (!idf)
        return idf.error();
    auto components = readNpyMatrix((root / "components.npy").string());
    if (!components)
        return components.error();
    if (idf->rows() != 1 || idf->cols() != int64_t(terms->size()))
        return Error::input("idf.npy must be 1 x " + std::to_string(terms->size()), (root / "idf.npy").string());
    if (components->rows() != int64_t(terms->size()) || components->cols() != lsa.dim)
        return Error::input("components.npy must be " + std::to_string(terms->size()) + " x " + std::to_string(lsa.dim),
                            (root / "components.npy").string());

    auto embedder = std::make_unique<LsaEmbedder>(lsa);
    embedder->m_tfidf = TfidfModel(lsa.tfidf, std::move(*terms),
                                   std::vector<float>(idf->data(), idf->data() + idf->cols()));
    embedder->m_components = components->map();
    simdjson::dom::array values;
    if (!config["singular_values"].get_array().get(values)) {
        embedder->m_singularValues.resize(Eigen::Index(values.size()));
        Eigen::Index i = 0;
        for (auto value : values)
            embedder->m_singularValues[i++] = value.get_double().value_unsafe();
    }
    return embedder;
}

} // namespace embtune::engine
