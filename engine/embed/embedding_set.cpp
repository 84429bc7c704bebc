#include "embed/embedding_set.h"

#include "io/npy.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace embtune::engine {

Result<FloatMatrix> alignRowsById(const FloatMatrix &matrix, const std::vector<std::string> &ids,
                                  const IdTable &table, bool requireAll, const std::string &idsPath,
                                  std::vector<char> *present)
{
    if (int64_t(ids.size()) != matrix.rows())
        return Error::input("the id list has " + std::to_string(ids.size()) + " ids but the matrix has " +
                                std::to_string(matrix.rows()) + " rows",
                            idsPath);
    std::vector<int32_t> rowOf(size_t(table.size()), -1);
    bool inOrder = int64_t(ids.size()) == table.size();
    for (size_t row = 0; row < ids.size(); ++row) {
        const int32_t index = table.find(ids[row]);
        if (index < 0)
            return Error::input("id \"" + ids[row] + "\" is not in the dataset", idsPath, int64_t(row) + 1);
        if (rowOf[size_t(index)] >= 0)
            return Error::input("duplicate id \"" + ids[row] + "\" (first on line " +
                                    std::to_string(rowOf[size_t(index)] + 1) + ")",
                                idsPath, int64_t(row) + 1);
        rowOf[size_t(index)] = int32_t(row);
        inOrder = inOrder && index == int32_t(row);
    }
    int64_t missing = 0;
    std::string firstMissing;
    for (int32_t i = 0; i < table.size(); ++i)
        if (rowOf[size_t(i)] < 0 && missing++ == 0)
            firstMissing = table.id(i);
    if (requireAll && missing > 0)
        return Error::input(std::to_string(missing) + " of " + std::to_string(table.size()) +
                                " dataset ids have no vector (first: \"" + firstMissing + "\")",
                            idsPath);
    if (present) {
        present->assign(size_t(table.size()), 0);
        for (int32_t i = 0; i < table.size(); ++i)
            (*present)[size_t(i)] = rowOf[size_t(i)] >= 0;
    }
    if (inOrder)
        return matrix;
    const int64_t dim = matrix.cols();
    std::vector<float> values(size_t(table.size() * dim), 0.0f);
    for (int32_t i = 0; i < table.size(); ++i)
        if (rowOf[size_t(i)] >= 0)
            std::copy_n(matrix.row(rowOf[size_t(i)]), dim, values.data() + size_t(i) * size_t(dim));
    return FloatMatrix(table.size(), dim, std::move(values));
}

Result<EmbeddingSet> readNpyEmbeddingSet(const std::string &dir, const Dataset &dataset)
{
    const fs::path root(dir);
    const std::string corpusPath = (root / "corpus.npy").string(), corpusIds = (root / "corpus_ids.txt").string();
    const std::string queryPath = (root / "queries.npy").string(), queryIds = (root / "query_ids.txt").string();
    std::error_code ec;
    for (const auto &path : {corpusPath, corpusIds})
        if (!fs::exists(path, ec))
            return Error::input("missing " + fs::path(path).filename().string() +
                                    " (an embedding folder holds corpus.npy + corpus_ids.txt and queries.npy + query_ids.txt)",
                                dir);

    EmbeddingSet set;
    set.name = fs::path(dir).lexically_normal().filename().string();
    if (set.name.empty())
        set.name = fs::path(dir).lexically_normal().parent_path().filename().string();
    set.source = dir;

    auto docMatrix = readNpyMatrix(corpusPath);
    if (!docMatrix)
        return docMatrix.error();
    auto docIds = readIdList(corpusIds);
    if (!docIds)
        return docIds.error();
    auto docs = alignRowsById(*docMatrix, *docIds, dataset.docIds, true, corpusIds, nullptr);
    if (!docs)
        return docs.error();
    set.docs = std::move(*docs);
    if (set.docs.cols() == 0)
        return Error::input("the vectors have dimension 0", corpusPath);

    if (fs::exists(queryPath, ec) || fs::exists(queryIds, ec)) {
        auto queryMatrix = readNpyMatrix(queryPath);
        if (!queryMatrix)
            return queryMatrix.error();
        if (queryMatrix->cols() != set.docs.cols())
            return Error::input("query vectors have dimension " + std::to_string(queryMatrix->cols()) +
                                    " but document vectors have " + std::to_string(set.docs.cols()),
                                queryPath);
        auto ids = readIdList(queryIds);
        if (!ids)
            return ids.error();
        auto queries = alignRowsById(*queryMatrix, *ids, dataset.queryIds, false, queryIds, &set.hasQueryVector);
        if (!queries)
            return queries.error();
        set.queries = std::move(*queries);
    } else {
        set.queries = FloatMatrix(dataset.queryCount(), set.docs.cols(),
                                  std::vector<float>(size_t(dataset.queryCount()) * size_t(set.docs.cols()), 0.0f));
        set.hasQueryVector.assign(size_t(dataset.queryCount()), 0);
    }
    return set;
}

} // namespace embtune::engine
