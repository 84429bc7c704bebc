#include "llm_query_generator.h"

#include "batch_planner.h"
#include "chat_protocol.h"
#include "embeddings_protocol.h"
#include "http_exchange.h"
#include "request_scheduler.h"

#include "data/dataset_hash.h"
#include "io/json_writer.h"
#include "synth/query_generators.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <optional>
#include <utility>

namespace embtune::net {

using engine::Dataset;
using engine::Error;
using engine::Progress;
using engine::Result;
using engine::Status;
using engine::SyntheticQuery;
using engine::SyntheticSet;

namespace {

const std::string kPhase = "llm";

// Questions of a cache file (one per line), or nullopt when there is none.
std::optional<std::vector<std::string>> readCached(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    std::vector<std::string> out;
    for (const QByteArray &line : file.readAll().split('\n'))
        if (!line.trimmed().isEmpty())
            out.push_back(line.toStdString());
    return out;
}

Status writeCached(const QString &path, const std::vector<std::string> &questions)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::io("cannot write the cache: " + file.errorString().toStdString(), path.toStdString());
    for (const std::string &q : questions) {
        file.write(q.data(), qint64(q.size()));
        file.write("\n", 1);
    }
    if (!file.commit())
        return Error::io("cannot write the cache: " + file.errorString().toStdString(), path.toStdString());
    return {};
}

// The requests of one generate() call (one per document to ask about): their bodies, and their
// answers, parsed, counted and cached as they arrive. Lives on the calling thread's stack.
class ChatRequests final : public RequestScheduler::Client {
public:
    ChatRequests(const LlmGeneratorSettings &settings, const QUrl &endpoint, Progress *progress, int64_t total,
                 LlmStats &stats)
        : m_settings(settings)
        , m_endpoint(endpoint)
        , m_progress(progress)
        , m_total(total)
        , m_stats(stats)
    {
    }

    // Adds the request for document index `doc`, cached at `cachePath` (empty: no cache).
    void add(int32_t doc, QByteArray body, QString cachePath)
    {
        m_docs.push_back(doc);
        m_bodies.push_back(std::move(body));
        m_cachePaths.push_back(std::move(cachePath));
        m_answers.emplace_back();
    }

    // A document answered from the cache: counted as done, nothing to send.
    void addAnswered() { ++m_done; }

    size_t size() const { return m_docs.size(); }
    std::vector<std::string> &answer(size_t r) { return m_answers[r]; }

    QByteArray body(size_t r) override { return std::exchange(m_bodies[r], QByteArray()); }
    bool progress() override { return !m_progress || m_progress->step(kPhase, m_done, m_total); }
    int64_t maxReplyBytes(size_t /*r*/) const override { return kMaxChatReplyBytes; }

    std::string describe(size_t r) const override
    {
        return "request for document index " + std::to_string(m_docs[r]);
    }

    Status accept(size_t r, const QByteArray &body) override
    {
        auto parsed = parseChatResponse(body);
        if (!parsed)
            return Error::io(describe(r) + " to " + m_endpoint.toDisplayString(QUrl::RemoveUserInfo).toStdString() +
                             ": " + parsed.error().message);
        m_answers[r] = parseQuestionLines(parsed->content, m_settings.questionsPerDocument);
        if (int(m_answers[r].size()) < m_settings.questionsPerDocument)
            ++m_stats.shortAnswers;
        if (parsed->totalTokens >= 0)
            m_stats.reportedTokens = std::max<int64_t>(m_stats.reportedTokens, 0) + parsed->totalTokens;
        if (!m_cachePaths[r].isEmpty())
            if (Status stored = writeCached(m_cachePaths[r], m_answers[r]); !stored)
                return stored;
        ++m_done;
        return {};
    }

private:
    const LlmGeneratorSettings &m_settings;
    const QUrl m_endpoint;
    Progress *m_progress;
    int64_t m_done = 0; // documents answered, from the cache or the server
    const int64_t m_total;
    LlmStats &m_stats;
    // Per request:
    std::vector<int32_t> m_docs;      // the document's index
    std::vector<QByteArray> m_bodies; // until handed to the scheduler
    std::vector<QString> m_cachePaths;
    std::vector<std::vector<std::string>> m_answers;
};

} // namespace

LlmQueryGenerator::LlmQueryGenerator(LlmGeneratorSettings settings, ApiKey key)
    : m_settings(std::move(settings))
    , m_key(std::move(key))
    , m_baseUrl(normalizedApiBaseUrl(m_settings.baseUrl))
    , m_endpoint(apiEndpoint(m_settings.baseUrl, QStringLiteral("/v1/chat/completions")))
{
}

QString LlmQueryGenerator::promptTemplate() const
{
    return m_settings.promptTemplate.isEmpty() ? defaultQuestionPrompt() : m_settings.promptTemplate;
}

Status LlmQueryGenerator::validate() const
{
    const LlmGeneratorSettings &s = m_settings;
    if (Status endpoint = checkApiEndpoint(s.baseUrl, m_endpoint); !endpoint)
        return endpoint;
    if (s.model.trimmed().isEmpty())
        return Error::usage("no chat model named");
    if (s.questionsPerDocument < 1 || s.documents < 0)
        return Error::usage("questions per document must be at least 1 and the document sample not negative");
    if (Status scheduling = checkRequestSchedulerSettings(requestSchedulerSettings(s)); !scheduling)
        return scheduling;
    if (s.pricePerMillionTokens < 0 || !(s.temperature >= 0 && s.temperature <= 2))
        return Error::usage("the price must not be negative and the temperature lies in [0, 2]");
    if (auto rendered = renderQuestionPrompt(promptTemplate(), "", "", 1); !rendered)
        return rendered.error();
    return checkKeyTransport(m_endpoint, m_key, s.allowPlainHttpWithKey);
}

std::string LlmQueryGenerator::cacheKey(const engine::Document &doc) const
{
    engine::ContentHasher hasher;
    hasher.addString("embtune.llm-questions.v1");
    hasher.addString(m_baseUrl.toStdString());
    hasher.addString(m_settings.model.toStdString());
    hasher.addString(promptTemplate().toStdString());
    hasher.addInt(m_settings.questionsPerDocument);
    hasher.addInt(int64_t(m_settings.temperature * 1e6));
    hasher.addString(doc.title);
    hasher.addString(doc.text);
    return hasher.hex();
}

QString LlmQueryGenerator::cachePath(const engine::Document &doc) const
{
    return m_settings.cacheDir + QStringLiteral("/") + QString::fromStdString(cacheKey(doc)) +
           QStringLiteral(".questions");
}

Result<LlmEstimate> LlmQueryGenerator::estimate(const Dataset &dataset) const
{
    if (Status valid = validate(); !valid)
        return valid.error();
    LlmEstimate out;
    for (const int32_t doc : engine::sampleDocuments(dataset.docCount(), m_settings.documents, m_settings.seed)) {
        ++out.documents;
        const engine::Document &d = dataset.docs[size_t(doc)];
        if (!m_settings.cacheDir.isEmpty() && QFile::exists(cachePath(d))) {
            ++out.cachedDocuments;
            continue;
        }
        ++out.requests;
        auto prompt = renderQuestionPrompt(promptTemplate(), d.title, d.text, m_settings.questionsPerDocument);
        out.estimatedTokens += estimateTokens(prompt->toStdString()) +
                               int64_t(m_settings.questionsPerDocument) * m_settings.answerTokensPerQuestion;
    }
    out.estimatedCost = double(out.estimatedTokens) / 1e6 * m_settings.pricePerMillionTokens;
    return out;
}

Result<SyntheticSet> LlmQueryGenerator::generate(const Dataset &dataset, Progress *progress)
{
    m_stats = LlmStats();
    if (Status valid = validate(); !valid)
        return valid.error();
    if (!QCoreApplication::instance())
        return Error::usage("the llm generator needs a QCoreApplication (create one in main())");
    if (!m_settings.cacheDir.isEmpty() && !QDir().mkpath(m_settings.cacheDir))
        return Error::io("cannot create the cache folder", m_settings.cacheDir.toStdString());

    const std::vector<int32_t> docs = engine::sampleDocuments(dataset.docCount(), m_settings.documents, m_settings.seed);
    const auto total = int64_t(docs.size());
    std::vector<std::vector<std::string>> answers(docs.size());
    std::vector<size_t> requestDoc; // per request: its position in docs
    ChatRequests requests(m_settings, m_endpoint, progress, total, m_stats);
    for (size_t i = 0; i < docs.size(); ++i) {
        const engine::Document &d = dataset.docs[size_t(docs[i])];
        QString path;
        if (!m_settings.cacheDir.isEmpty()) {
            path = cachePath(d);
            if (auto cached = readCached(path)) {
                answers[i] = std::move(*cached);
                ++m_stats.cachedDocuments;
                requests.addAnswered();
                continue;
            }
        }
        auto prompt = renderQuestionPrompt(promptTemplate(), d.title, d.text, m_settings.questionsPerDocument);
        if (!prompt)
            return prompt.error();
        requests.add(docs[i], chatRequestBody(m_settings.model, *prompt, m_settings.temperature), path);
        requestDoc.push_back(i);
    }
    m_stats.documents = total;
    if (!requests.progress())
        return Error::cancelled();

    RequestScheduler scheduler(requestSchedulerSettings(m_settings), m_endpoint, m_key, requests.size());
    const Status sent = scheduler.run(requests);
    m_stats.requests = scheduler.stats().requests;
    m_stats.retries = scheduler.stats().retries;
    if (!sent)
        return sent.error(); // scrubbed of the key by the scheduler
    for (size_t r = 0; r < requestDoc.size(); ++r)
        answers[requestDoc[r]] = std::move(requests.answer(r));

    SyntheticSet set;
    set.generator = "llm";
    engine::JsonWriter w(false);
    w.beginObject();
    w.key("base_url");
    w.value(m_baseUrl.toStdString());
    w.key("model");
    w.value(m_settings.model.toStdString());
    w.key("per_document");
    w.value(m_settings.questionsPerDocument);
    w.key("documents");
    w.value(m_settings.documents);
    w.key("temperature");
    w.value(m_settings.temperature);
    w.key("prompt_template");
    w.value(promptTemplate().toStdString());
    w.endObject();
    set.parametersJson = w.str();
    set.seed = m_settings.seed;
    set.datasetHash = engine::datasetTextsHash(dataset);
    set.documentsSampled = total;
    for (size_t i = 0; i < docs.size(); ++i)
        for (size_t k = 0; k < answers[i].size(); ++k)
            set.queries.push_back(SyntheticQuery{"llm:" + dataset.docIds.id(docs[i]) + ":" + std::to_string(k),
                                                 answers[i][k], docs[i], false});
    return set;
}

} // namespace embtune::net
