#include "workspace_schema.h"

#include <iterator>
#include <string>

using embtune::engine::Status;

namespace embtune::app {
namespace {

// Migration i brings version i to version i + 1. Append new ones; never edit an old one.
const char *const kMigrations[] = {
    // 0 -> 1
    R"sql(
CREATE TABLE datasets(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  name TEXT NOT NULL,
  hash TEXT NOT NULL,
  documents INTEGER NOT NULL,
  queries INTEGER NOT NULL,
  judgements INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE(path, hash));
CREATE TABLE embedding_sets(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  provenance_json TEXT NOT NULL CHECK(json_valid(provenance_json)),
  dim INTEGER NOT NULL,
  count INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  embedding_set_id INTEGER REFERENCES embedding_sets(id) ON DELETE SET NULL,
  method_id TEXT NOT NULL,
  params_json TEXT NOT NULL CHECK(json_valid(params_json)),
  seed INTEGER NOT NULL DEFAULT 0,
  code_version TEXT NOT NULL,
  search_json TEXT NOT NULL CHECK(json_valid(search_json)),
  status TEXT NOT NULL CHECK(status IN ('queued','running','finished','failed','cancelled','interrupted')),
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  train_seconds REAL,
  error_message TEXT,
  summary_json TEXT NOT NULL DEFAULT '{}' CHECK(json_valid(summary_json)));
CREATE INDEX runs_status ON runs(status);
CREATE TABLE metric_names(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE);
CREATE TABLE query_metrics(
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  metric_id INTEGER NOT NULL REFERENCES metric_names(id),
  query_id TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY(run_id, metric_id, query_id)) WITHOUT ROWID;
CREATE TABLE run_logs(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  time INTEGER NOT NULL,
  level TEXT NOT NULL,
  text TEXT NOT NULL);
CREATE INDEX run_logs_run ON run_logs(run_id, id);
CREATE TABLE artifacts(
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  embedding_set_id INTEGER REFERENCES embedding_sets(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  path TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  CHECK((run_id IS NULL) <> (embedding_set_id IS NULL)));
CREATE INDEX artifacts_run ON artifacts(run_id);
CREATE INDEX artifacts_embedding_set ON artifacts(embedding_set_id);
CREATE TABLE view_state(
  key TEXT PRIMARY KEY,
  json TEXT NOT NULL CHECK(json_valid(json)));
)sql",
    // 1 -> 2
    R"sql(
ALTER TABLE runs ADD COLUMN deleted_at INTEGER;
CREATE TABLE query_sets(
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  generator TEXT NOT NULL,
  params_json TEXT NOT NULL CHECK(json_valid(params_json)),
  folder TEXT NOT NULL,
  count INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE VIEW query_metric_values AS
  SELECT m.run_id AS run_id, n.name AS metric, m.query_id AS query_id, m.value AS value
  FROM query_metrics m JOIN metric_names n ON n.id = m.metric_id;
)sql",
    // 2 -> 3: the RunSpec (engine/run/run_spec.h) of each run; NULL for runs recorded before.
    R"sql(
ALTER TABLE runs ADD COLUMN spec_json TEXT CHECK(spec_json IS NULL OR json_valid(spec_json));
)sql",
};
static_assert(std::size(kMigrations) == size_t(kWorkspaceSchemaVersion));

} // namespace

Status migrateWorkspaceSchema(const SqliteConnection &db, int fromVersion)
{
    for (int version = fromVersion; version < kWorkspaceSchemaVersion; ++version) {
        SqliteTransaction transaction(db);
        if (!transaction.begun())
            return transaction.begun();
        if (Status s = db.exec(kMigrations[version]); !s)
            return s;
        if (version == 0)
            if (Status s = db.exec(std::string("PRAGMA application_id = ") + std::to_string(kWorkspaceApplicationId)); !s)
                return s;
        if (Status s = db.exec(std::string("PRAGMA user_version = ") + std::to_string(version + 1)); !s)
            return s;
        if (Status s = transaction.commit(); !s)
            return s;
    }
    return {};
}

} // namespace embtune::app
