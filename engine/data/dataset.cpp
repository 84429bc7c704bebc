#include "data/dataset.h"

#include <algorithm>

namespace embtune::engine {

std::optional<int32_t> IdTable::add(const std::string &id)
{
    const auto index = int32_t(m_ids.size());
    if (!m_index.try_emplace(id, index).second)
        return std::nullopt;
    m_ids.push_back(id);
    return index;
}

int32_t IdTable::find(const std::string &id) const
{
    const auto it = m_index.find(id);
    return it == m_index.end() ? -1 : it->second;
}

int32_t QueryJudgements::relevantCount() const
{
    return int32_t(std::count_if(judged.begin(), judged.end(), [](const Judgement &j) { return j.gain > 0; }));
}

int32_t QueryJudgements::gainOf(int32_t doc) const
{
    const auto it = std::lower_bound(judged.begin(), judged.end(), doc,
                                     [](const Judgement &j, int32_t d) { return j.doc < d; });
    return (it != judged.end() && it->doc == doc) ? it->gain : 0;
}

const QueryJudgements *Qrels::find(int32_t query) const
{
    const auto it = std::lower_bound(queries.begin(), queries.end(), query,
                                     [](const QueryJudgements &q, int32_t value) { return q.query < value; });
    return (it != queries.end() && it->query == query) ? &*it : nullptr;
}

int32_t Qrels::queriesWithRelevant() const
{
    return int32_t(std::count_if(queries.begin(), queries.end(),
                                 [](const QueryJudgements &q) { return q.relevantCount() > 0; }));
}

int64_t Qrels::judgementCount() const
{
    int64_t n = 0;
    for (const auto &q : queries)
        n += int64_t(q.judged.size());
    return n;
}

const Qrels *Dataset::split(const std::string &splitName) const
{
    const auto it = splits.find(splitName);
    return it == splits.end() ? nullptr : &it->second;
}

std::vector<std::string> Dataset::splitNames() const
{
    std::vector<std::string> names;
    for (const auto &entry : splits)
        names.push_back(entry.first);
    return names;
}

Qrels Dataset::judgementsFor(const std::vector<int32_t> &queryIndices) const
{
    std::vector<int32_t> wanted = queryIndices;
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    Qrels out;
    for (int32_t query : wanted) {
        QueryJudgements merged{query, {}};
        for (const auto &entry : splits) {
            const QueryJudgements *q = entry.second.find(query);
            if (!q)
                continue;
            for (const Judgement &j : q->judged) {
                const auto at = std::lower_bound(merged.judged.begin(), merged.judged.end(), j.doc,
                                                 [](const Judgement &a, int32_t d) { return a.doc < d; });
                if (at == merged.judged.end() || at->doc != j.doc)
                    merged.judged.insert(at, j);
            }
        }
        if (!merged.judged.empty())
            out.queries.push_back(std::move(merged));
    }
    return out;
}

std::vector<std::string> documentTexts(const Dataset &dataset)
{
    std::vector<std::string> texts;
    texts.reserve(dataset.docs.size());
    for (const Document &doc : dataset.docs)
        texts.push_back(doc.title.empty() ? doc.text : doc.title + " " + doc.text);
    return texts;
}

} // namespace embtune::engine
