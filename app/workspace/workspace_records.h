#pragma once
// The records of a workspace, as plain values. Ids are SQLite row ids (>= 1); 0 means "none"
// (not yet stored, or no link). Times are milliseconds since the Unix epoch (UTC); 0 = unset.
// *Json fields hold JSON text (the database refuses invalid JSON).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace embtune::app {

enum class RunStatus { Queued, Running, Finished, Failed, Cancelled, Interrupted };

const char *runStatusName(RunStatus status);
std::optional<RunStatus> runStatusFromName(const std::string &name);
// Finished, failed, cancelled and interrupted runs do not change any more.
bool isFinal(RunStatus status);

// A file under the workspace's artifacts/ folder. `path` is relative to the workspace folder, as
// the database holds it: use Workspace::artifactPath, which refuses one that leaves artifacts/.
struct ArtifactRef {
    std::string role;   // e.g. "tuned_documents", "document_ids", "adapter"
    std::string path;   // e.g. "artifacts/runs/3/tuned_documents.npy"
    int64_t bytes = 0;
    int64_t id = 0;                            // row id in the artifacts table
    int64_t runId = 0, embeddingSetId = 0;     // its owner: exactly one is not 0
};

struct DatasetRecord {
    int64_t id = 0;
    std::string path;   // folder the dataset was read from
    std::string name;
    std::string hash;   // engine::datasetHash
    int64_t documents = 0, queries = 0, judgements = 0;
    int64_t createdAt = 0;
};

struct EmbeddingSetRecord {
    int64_t id = 0;
    int64_t datasetId = 0;
    std::string name;
    std::string provenanceJson = "{}"; // embedder, model, source folder, parameters...
    int64_t dim = 0, count = 0;        // count = document vectors
    int64_t createdAt = 0;
    std::vector<ArtifactRef> artifacts;
};

struct QuerySetRecord {
    int64_t id = 0;
    int64_t datasetId = 0;
    std::string name;
    std::string generator;             // e.g. "ict", "title", "llm"
    std::string paramsJson = "{}";
    std::string folder;                // relative to the workspace folder
    int64_t count = 0;
    int64_t createdAt = 0;
};

struct RunRecord {
    int64_t id = 0;
    int64_t datasetId = 0;
    int64_t embeddingSetId = 0;
    std::string methodId;              // a registered method id, "none" (baseline) or "bm25"
    std::string paramsJson = "{}";
    int64_t seed = 0;
    std::string codeVersion;
    std::string searchJson = "{}";     // search backend and its settings
    std::string specJson;              // the RunSpec that reproduces the run (engine/run/run_spec.h); empty: none
    RunStatus status = RunStatus::Queued;
    int64_t createdAt = 0, startedAt = 0, finishedAt = 0;
    double trainSeconds = 0;
    std::string errorMessage;
    std::string summaryJson = "{}";    // mean metrics and method report
    int64_t deletedAt = 0;             // soft-deleted (Undo-able) when not 0
    std::vector<ArtifactRef> artifacts;
};

// One value of one metric for one query of a run, e.g. ("q17", "ndcg@10", 0.63).
struct QueryMetricValue {
    std::string queryId;
    std::string metric;
    double value = 0;
};

struct RunLogEntry {
    int64_t time = 0;
    std::string level;  // "info", "warning", "error"
    std::string text;
};

} // namespace embtune::app
