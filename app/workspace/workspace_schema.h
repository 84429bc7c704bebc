#pragma once
// The workspace database schema: PRAGMA user_version holds its version; migrations bring a
// database of any older version to kWorkspaceSchemaVersion in order, one transaction each.
//
// Version history:
//   1  datasets, embedding_sets, runs, metric_names + query_metrics (per-query values, WITHOUT
//      ROWID, keyed by run, metric, query), run_logs, artifacts, view_state
//   2  runs.deleted_at (soft delete for Undo), query_sets, view query_metric_values

#include "sqlite_connection.h"

namespace embtune::app {

inline constexpr int kWorkspaceSchemaVersion = 3;
// PRAGMA application_id of a workspace database ("EMBT").
inline constexpr int64_t kWorkspaceApplicationId = 0x454D4254;

// Runs the migrations from `fromVersion` (0: an empty database) to kWorkspaceSchemaVersion.
// Foreign keys must be off while migrating (SQLite's rule for table rebuilds).
engine::Status migrateWorkspaceSchema(const SqliteConnection &db, int fromVersion);

} // namespace embtune::app
