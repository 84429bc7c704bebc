#pragma once
// EmbeddingsController owns the Embeddings tab: the panel and its summary labels, the actions
// that compute (LSA, an OpenAI-compatible API), import, export and remove embedding sets, and
// their jobs. It fills the EmbeddingSetStore when a dataset opens and keeps its selection.

#include "embed/lsa_embedder.h"
#include "gui_context.h"
#include "io/vector_file.h"
#include "jobs/engine_jobs.h"
#include "jobs/remote_jobs.h"

#include <QObject>

#include <memory>

class QAction;
class QLabel;

namespace embtune::widgets {
class EmbeddingsPanel;
}

namespace embtune::gui {

class EmbeddingsController : public QObject {
    Q_OBJECT
public:
    explicit EmbeddingsController(const GuiContext &context, QObject *parent = nullptr);

    widgets::EmbeddingsPanel *panel() const { return m_panel; }
    QLabel *summary() const { return m_summary; }       // the selected set, in words (rich text)
    QLabel *statusLabel() const { return m_status; }    // the selected set, for the status bar

    QAction *computeLsaAction() const { return m_computeLsa; }
    QAction *computeRemoteAction() const { return m_computeRemote; }
    QAction *importEmbeddingsAction() const { return m_import; }
    QAction *importFilesAction() const { return m_importFiles; }
    QAction *exportEmbeddingsAction() const { return m_export; }
    QAction *removeFromCacheAction() const { return m_removeFromCache; }

    // Each starts a job and returns true, or reports why it cannot (Feedback::errorShown) and
    // returns false. Imports a folder in any vector format (npy, safetensors, fvecs, JSONL) and
    // selects it.
    bool importEmbeddings(const QString &dir);
    // Imports vector files (document file required) and selects the set.
    bool importEmbeddingFiles(const ImportSpec &spec);
    // Computes the LSA set of `options` (or loads it from the cache) and selects it.
    bool computeLsa(const engine::LsaOptions &options);
    // Computes a set with an OpenAI-compatible API (or loads it from the cache) and selects it:
    // reads the key and estimates the job first, asks ("confirmCostBox") when the estimated cost
    // exceeds request.confirmAbove, then embeds on a worker thread.
    bool computeRemote(const RemoteRequest &request);
    // Exports the selected set.
    bool exportEmbeddings(engine::VectorFormat format, const QString &dir);
    // Removes the cache entry of row `key` (no confirmation; the action asks first).
    bool removeFromCache(const QString &key);

    // Opens the dialogs (non-blocking; tests find them by object name).
    void showComputeLsaDialog();
    void showComputeRemoteDialog();

    // After the next dataset opens: select row `key` when listed, then import folder `dir`
    // (the last session's embeddings); empty: nothing.
    void setPendingSelection(const QString &key, const QString &dir);

signals:
    void embeddingsLoaded(const QString &dir);
    // A compute finished: the set is listed under `key`; fromCache: nothing was computed.
    void embeddingsComputed(const QString &key, bool fromCache);
    void embeddingsExported(const QString &dir);
    void cacheEntryRemoved(const QString &key);
    // Double-click or Enter on a row (the main window evaluates it).
    void setActivated(const QString &key);

private:
    void createActions();
    void updateActions();
    void updateSummary();
    void onDatasetChanged();
    void onSelected(const QString &key);
    void chooseEmbeddings();
    void chooseEmbeddingFiles();
    void chooseExport();
    void confirmRemoveFromCache();
    void onImported(const QString &key, const QString &path, const EmbeddingsJobResult &result);
    void onComputed(const ComputeJobResult &result);
    void onRemotePlanned(const RemoteRequest &request, const RemotePlanJobResult &result);
    void startRemoteEmbedding(std::shared_ptr<net::RemoteEmbedder> embedder);

    GuiContext m_ctx;
    widgets::EmbeddingsPanel *m_panel = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_status = nullptr;
    QAction *m_computeLsa = nullptr;
    QAction *m_computeRemote = nullptr;
    QAction *m_import = nullptr;
    QAction *m_importFiles = nullptr;
    QAction *m_export = nullptr;
    QAction *m_removeFromCache = nullptr;
    QString m_pendingKey, m_pendingImport;
};

} // namespace embtune::gui
