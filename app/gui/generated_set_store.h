#pragma once
// Where the GUI keeps generated training-query sets, so they survive a restart: in the open
// workspace when there is one (artifacts/query_sets/<id>/ + a query_sets record, see
// app/workspace/workspace.h), otherwise in the app's data folder under
// <root>/<dataset texts hash>/<name>/. Either way each set is a generated-set folder
// (engine/synth/synthetic_set.h) and sets are listed per dataset by its texts hash
// (datasetTextsHash), so reopening the dataset lists them again.
//
// GUI thread only (the workspace is not thread-safe). The workspace is not owned: the store asks
// for it before each operation (setWorkspaceAccess), so a workspace another object writes on a
// worker thread can hand it over only while that thread is idle (e.g. after waiting for its writes).

#include "core/error.h"
#include "data/dataset.h"
#include "synth/synthetic_set.h"

#include <QList>
#include <QString>

#include <functional>
#include <string>

namespace embtune::app {
class Workspace;
}

namespace embtune::gui {

struct GeneratedSetInfo {
    QString name;
    QString generator;
    QString folder;            // absolute path of the generated-set folder
    QString created;           // ISO 8601 UTC
    QString parametersJson;    // the generator's parameters
    QString seed;              // decimal (64 bits)
    qint64 queries = 0, documentsSampled = 0, documentsWithQueries = 0;
    qint64 workspaceId = 0;    // query_sets id when stored in a workspace; 0: in the data folder
};

class GeneratedSetStore {
public:
    // `root`: the data-folder location (used when no workspace is set).
    explicit GeneratedSetStore(QString root);

    // $EMBTUNE_DATA_DIR/generated when the variable is set, else
    // QStandardPaths::AppDataLocation + "/generated".
    static QString defaultRoot();
    // Why `name` cannot name a set (empty when it can): 1 to 64 letters, digits, spaces, "_", "-"
    // or ".", not starting with "." or a space.
    static QString nameProblem(const QString &name);

    // The workspace to use for the next operation (null: the data folder); called on the GUI
    // thread before each list/store/remove. The returned workspace must not be written by any
    // other thread until that call returns.
    using WorkspaceAccess = std::function<app::Workspace *()>;
    void setWorkspaceAccess(WorkspaceAccess access) { m_access = std::move(access); }
    // A workspace this thread owns (null: the data folder).
    void setWorkspace(app::Workspace *workspace);
    app::Workspace *workspace() const { return m_access ? m_access() : nullptr; }
    const QString &root() const { return m_root; }

    // The sets generated for texts hash `textsHash`, oldest first.
    engine::Result<QList<GeneratedSetInfo>> list(const std::string &textsHash) const;
    // Stores `set` (generated for `dataset`) under `name`. Errors: a bad or taken name, write errors.
    engine::Result<GeneratedSetInfo> store(const QString &name, const engine::SyntheticSet &set,
                                           const engine::Dataset &dataset);
    // Removes the set (its folder and, in a workspace, its record).
    engine::Status remove(const GeneratedSetInfo &info);

private:
    QString m_root;
    WorkspaceAccess m_access;
};

} // namespace embtune::gui
