#include "synth/synthetic_export.h"

#include "io/json_writer.h"
#include "io/npy.h"

#include <filesystem>

namespace embtune::engine {

Status exportSyntheticSetAsBeir(const SyntheticSet &set, const Dataset &dataset, const std::string &dir)
{
    const std::filesystem::path root(dir);
    for (const char *name : {"corpus.jsonl", "queries.jsonl", "qrels/train.tsv"})
        if (std::filesystem::exists(root / name))
            return Error::input("the folder already holds a dataset's " + std::string(name) +
                                    "; export into an empty or new folder",
                                (root / name).string());
    for (const SyntheticQuery &q : set.queries)
        if (q.doc < 0 || q.doc >= dataset.docCount())
            return Error::usage("generated query \"" + q.id + "\" names a document outside the dataset");
    if (Status s = writeSyntheticSet(set, dataset, dir); !s)
        return s;
    std::string corpus;
    for (int32_t d = 0; d < dataset.docCount(); ++d) {
        JsonWriter w(false);
        w.beginObject();
        w.key("_id");
        w.value(dataset.docIds.id(d));
        w.key("title");
        w.value(dataset.docs[size_t(d)].title);
        w.key("text");
        w.value(dataset.docs[size_t(d)].text);
        w.endObject();
        corpus += w.str();
        corpus += '\n';
    }
    return writeFileAtomically((root / "corpus.jsonl").string(), corpus);
}

} // namespace embtune::engine
