// MainWindow: the Embeddings tab (list, compute with LSA, import, export, remove from the cache).

#include "main_window.h"

#include "dialogs/export_dialog.h"
#include "dialogs/import_files_dialog.h"
#include "dialogs/lsa_dialog.h"
#include "dialogs/remote_embed_dialog.h"
#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "gui_text.h"
#include "jobs/job_progress.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>

namespace embtune::gui {

namespace {

constexpr int kStatusTimeoutMs = 10000;
const QString kExportFolderKey = QStringLiteral("paths/exportParent");

using Row = widgets::EmbeddingSetRow;

QString cacheKeyOf(const QString &entryDir)
{
    return QStringLiteral("cache:") + entryDir;
}

qint64 queriesWithVector(const engine::EmbeddingSet &set)
{
    qint64 n = 0;
    for (char has : set.hasQueryVector)
        n += has ? 1 : 0;
    return n;
}

Row rowOf(const engine::StoredSetInfo &info, const QString &key)
{
    Row row;
    row.key = key;
    row.name = fromStd(info.name);
    row.origin = Row::Origin::Cache;
    row.embedder = fromStd(info.provenance.embedder);
    row.dim = info.dim;
    row.normalized = info.provenance.normalized;
    row.created = fromStd(info.provenance.created);
    row.parameters = fromStd(info.provenance.parameters);
    row.location = fromLocalPath(info.dir);
    row.configKey = fromStd(info.configKey);
    row.documents = info.documents;
    row.queries = info.queries;
    return row;
}

QString formatName(engine::VectorFormat format)
{
    const std::string_view name = engine::vectorFormatName(format);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

// A file-system-friendly version of a set name ("lsa2 min_df=1" -> "lsa2-min_df-1").
QString folderName(const QString &name)
{
    QString out;
    for (QChar c : name)
        out += c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('.') ? c : QLatin1Char('-');
    while (out.contains(QStringLiteral("--")))
        out.replace(QStringLiteral("--"), QStringLiteral("-"));
    return out.isEmpty() ? QStringLiteral("embeddings") : out;
}

} // namespace

const widgets::EmbeddingSetRow *MainWindow::currentRow() const
{
    return m_embeddingsPanel->model()->find(m_embeddingsPanel->currentKey());
}

QString MainWindow::currentEmbeddingsKey() const
{
    return m_embeddingsPanel->currentKey();
}

bool MainWindow::selectEmbeddings(const QString &key)
{
    return m_embeddingsPanel->selectKey(key);
}

std::shared_ptr<const engine::EmbeddingSet> MainWindow::embeddings() const
{
    return m_loadedSets.value(m_embeddingsPanel->currentKey());
}

QString MainWindow::embeddingsPath() const
{
    const Row *row = currentRow();
    return row && row->origin == Row::Origin::Imported ? row->location : QString();
}

EmbeddingsSource MainWindow::sourceOf(const QString &key) const
{
    EmbeddingsSource source;
    source.loaded = m_loadedSets.value(key);
    if (!source.loaded)
        if (const Row *row = m_embeddingsPanel->model()->find(key); row && row->origin == Row::Origin::Cache)
            source.folder = row->location;
    return source;
}

void MainWindow::rememberLoaded(const QString &key, std::shared_ptr<const engine::EmbeddingSet> set)
{
    if (!set || !m_embeddingsPanel->model()->find(key))
        return;
    m_loadedSets.insert(key, std::move(set));
    m_embeddingsPanel->model()->setLoaded(key, true);
    if (key == currentEmbeddingsKey())
        updateEmbeddingsSummary();
}

void MainWindow::setCacheRows(const std::vector<engine::StoredSetInfo> &cached)
{
    widgets::EmbeddingSetListModel *model = m_embeddingsPanel->model();
    QList<Row> rows;
    for (const Row &row : model->rows())
        if (row.origin != Row::Origin::Cache || row.location.isEmpty())
            rows.append(row); // BM25, imported sets, computed sets that could not be cached
    // Cache entries after BM25, before the rest.
    const int at = rows.isEmpty() || rows.front().origin != Row::Origin::Baseline ? 0 : 1;
    QList<Row> entries;
    for (const engine::StoredSetInfo &info : cached) {
        Row row = rowOf(info, cacheKeyOf(fromLocalPath(info.dir)));
        row.loaded = m_loadedSets.contains(row.key);
        entries.append(row);
    }
    for (qsizetype i = 0; i < entries.size(); ++i)
        rows.insert(at + i, entries[i]);
    // Sets no longer listed are no longer kept in memory.
    for (auto it = m_loadedSets.begin(); it != m_loadedSets.end();) {
        bool listed = false;
        for (const Row &row : rows)
            listed = listed || row.key == it.key();
        it = listed ? std::next(it) : m_loadedSets.erase(it);
    }
    model->setRows(rows);
}

void MainWindow::onEmbeddingsSelected(const QString &key)
{
    updateEmbeddingsSummary();
    updateActions();
    if (!m_options.saveSettings || !m_dataset)
        return;
    const Row *row = m_embeddingsPanel->model()->find(key);
    m_settings->setValue(QStringLiteral("session/embeddingsDataset"), m_datasetPath);
    m_settings->setValue(QStringLiteral("session/embeddings"),
                         row && row->origin == Row::Origin::Imported && QFileInfo(row->location).isDir()
                             ? row->location
                             : QString());
    m_settings->setValue(QStringLiteral("session/embeddingsKey"), key);
}

// ---------------------------------------------------------------------------------------------
// Import

void MainWindow::chooseEmbeddings()
{
    QString start = embeddingsPath();
    if (!start.isEmpty())
        start = QFileInfo(start).absolutePath();
    else if (!m_datasetPath.isEmpty())
        start = QFileInfo::exists(QDir(m_datasetPath).filePath(QStringLiteral("embeddings")))
                    ? QDir(m_datasetPath).filePath(QStringLiteral("embeddings"))
                    : m_datasetPath;
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Import Embeddings (folder with corpus.npy, corpus.safetensors, corpus.fvecs or "
                 "corpus_embeddings.jsonl)"),
        start);
    if (!dir.isEmpty())
        importEmbeddings(dir);
}

void MainWindow::chooseEmbeddingFiles()
{
    if (refuseJob(tr("Cannot import embeddings"), true))
        return;
    auto *dialog = new ImportFilesDialog(m_datasetPath, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { importEmbeddingFiles(dialog->spec()); });
    dialog->open();
}

bool MainWindow::importEmbeddings(const QString &dir)
{
    const QString title = tr("Cannot import embeddings");
    if (isBusy()) {
        showError(title, tr("Another job is running; wait for it or cancel it."));
        return false;
    }
    if (!m_dataset) {
        showError(title, tr("Open a dataset first: embeddings are matched to its document and query ids."));
        return false;
    }
    const QFileInfo info(dir);
    if (!info.isDir()) {
        showError(title, tr("%1: not a folder").arg(QDir::toNativeSeparators(dir)));
        return false;
    }
    const QString path = info.absoluteFilePath();
    ImportSpec spec;
    spec.folder = path;
    JobProgress *progress = beginJob(tr("Importing %1").arg(info.fileName()));
    watchJob(importEmbeddingsAsync(spec, m_dataset, progress),
             [this, path, dataset = m_dataset](const EmbeddingsJobResult &result) {
                 if (dataset != m_dataset) // the dataset changed meanwhile: the vectors do not belong to it
                     return;
                 onEmbeddingsImported(QStringLiteral("import:") + path, path, result);
             });
    return true;
}

bool MainWindow::importEmbeddingFiles(const ImportSpec &spec)
{
    const QString title = tr("Cannot import embeddings");
    if (refuseJob(title, true))
        return false;
    if (spec.docsFile.isEmpty() || !QFileInfo(spec.docsFile).isFile()) {
        showError(title, tr("%1: no such file (the document vectors are required)")
                             .arg(QDir::toNativeSeparators(spec.docsFile)));
        return false;
    }
    ImportSpec absolute = spec;
    for (QString *path : {&absolute.docsFile, &absolute.docIdsFile, &absolute.queriesFile, &absolute.queryIdsFile})
        if (!path->isEmpty())
            *path = QFileInfo(*path).absoluteFilePath();
    const QString path = absolute.docsFile;
    JobProgress *progress = beginJob(tr("Importing %1").arg(QFileInfo(path).fileName()));
    watchJob(importEmbeddingsAsync(absolute, m_dataset, progress),
             [this, path, dataset = m_dataset](const EmbeddingsJobResult &result) {
                 if (dataset != m_dataset)
                     return;
                 onEmbeddingsImported(QStringLiteral("import:") + path, path, result);
             });
    return true;
}

void MainWindow::onEmbeddingsImported(const QString &key, const QString &path, const EmbeddingsJobResult &result)
{
    if (handleJobError(result.error, tr("Cannot import embeddings")))
        return;
    const engine::EmbeddingSet &set = *result.value;
    Row row;
    row.key = key;
    row.name = fromStd(set.name);
    row.origin = Row::Origin::Imported;
    row.embedder = fromStd(set.provenance.embedder);
    row.dim = set.dim();
    row.normalized = set.provenance.normalized;
    row.created = fromStd(set.provenance.created);
    row.parameters = fromStd(set.provenance.parameters);
    row.location = path;
    row.documents = set.docs.rows();
    row.queries = queriesWithVector(set);
    row.loaded = true;
    m_loadedSets.insert(key, result.value);
    m_embeddingsPanel->model()->upsert(row);
    m_embeddingsPanel->selectKey(key);
    onEmbeddingsSelected(key);

    QString message = tr("Imported %1: %2 vectors of dimension %3 in %4 s")
                          .arg(row.name, count(set.docs.rows()))
                          .arg(set.dim())
                          .arg(result.seconds, 0, 'f', 2);
    if (!result.warnings.isEmpty())
        message += QStringLiteral("; ") + result.warnings.join(QStringLiteral("; "));
    statusBar()->showMessage(message, kStatusTimeoutMs);
    emit embeddingsLoaded(path);
}

// ---------------------------------------------------------------------------------------------
// Compute

void MainWindow::showComputeLsaDialog()
{
    if (refuseJob(tr("Cannot compute embeddings"), true))
        return;
    auto *dialog = new LsaDialog(m_cacheRoot, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { computeLsa(dialog->options()); });
    dialog->open();
}

bool MainWindow::computeLsa(const engine::LsaOptions &options)
{
    if (refuseJob(tr("Cannot compute embeddings"), true))
        return false;
    JobProgress *progress = beginJob(tr("Computing %1").arg(fromStd(lsaSetName(options))));
    watchJob(computeLsaAsync(m_dataset, m_textsHash, options, m_cacheRoot, progress),
             [this, dataset = m_dataset](const ComputeJobResult &result) {
                 if (dataset != m_dataset)
                     return;
                 onComputed(result);
             });
    return true;
}

void MainWindow::onComputed(const ComputeJobResult &result)
{
    if (handleJobError(result.error, tr("Cannot compute embeddings")))
        return;
    const ComputedEmbeddings &computed = *result.value;
    const QString entry = fromLocalPath(computed.info.dir);
    const QString key = entry.isEmpty() ? QStringLiteral("computed:") + fromStd(computed.info.configKey)
                                        : cacheKeyOf(entry);
    Row row = rowOf(computed.info, key);
    row.loaded = true;
    m_loadedSets.insert(key, std::shared_ptr<const engine::EmbeddingSet>(result.value, &result.value->set));
    // A new entry goes first among the cache entries (newest first), a cache hit stays where it is.
    widgets::EmbeddingSetListModel *model = m_embeddingsPanel->model();
    if (model->rowOf(key) >= 0) {
        model->upsert(row);
    } else {
        QList<Row> rows = model->rows();
        const int at = !rows.isEmpty() && rows.front().origin == Row::Origin::Baseline ? 1 : 0;
        rows.insert(at, row);
        model->setRows(rows);
    }
    m_embeddingsPanel->selectKey(key);
    onEmbeddingsSelected(key);

    QString message = computed.cacheHit
                          ? tr("%1 loaded from the embedding cache (computed %2; nothing recomputed)")
                                .arg(row.name, widgets::EmbeddingSetListModel::formatCreated(row.created))
                          : tr("Computed %1: %2 documents and %3 queries, dimension %4, in %5 s; stored in the cache")
                                .arg(row.name, count(row.documents), count(row.queries))
                                .arg(row.dim)
                                .arg(result.seconds, 0, 'f', 2);
    if (!result.warnings.isEmpty())
        message += QStringLiteral("; ") + result.warnings.join(QStringLiteral("; "));
    statusBar()->showMessage(message, kStatusTimeoutMs);
    emit embeddingsComputed(key, computed.cacheHit);
}

// ---------------------------------------------------------------------------------------------
// Compute via an OpenAI-compatible API

RemoteRequest MainWindow::savedRemoteRequest() const
{
    RemoteRequest request;
    const auto value = [this](const char *name, const QVariant &fallback) {
        return m_settings->value(QStringLiteral("remote/") + QLatin1String(name), fallback);
    };
    request.settings.baseUrl = value("baseUrl", request.settings.baseUrl).toString();
    request.settings.model = value("model", request.settings.model).toString();
    request.settings.dimensions = value("dimensions", request.settings.dimensions).toInt();
    request.settings.maxInFlight = value("inFlight", request.settings.maxInFlight).toInt();
    request.settings.pricePerMillionTokens = value("price", 0.0).toDouble();
    request.confirmAbove = value("confirmAbove", request.confirmAbove).toDouble();
    const QString source = value("keySource", QStringLiteral("environment")).toString();
    request.useKey = source != QStringLiteral("none");
    const QString variable = value("keyVariable", request.keySource.environmentVariable).toString();
    const QString service = value("keychainService", request.keySource.keychainService).toString();
    request.keySource.keychainEntry = value("keychainEntry", request.keySource.keychainEntry).toString();
    request.keySource.environmentVariable = source == QStringLiteral("keychain") ? QString() : variable;
    request.keySource.keychainService = source == QStringLiteral("keychain") ? service : QString();
    return request;
}

void MainWindow::saveRemoteRequest(const RemoteRequest &request)
{
    if (!m_options.saveSettings)
        return;
    // Where the key comes from, never the key.
    const auto set = [this](const char *name, const QVariant &value) {
        m_settings->setValue(QStringLiteral("remote/") + QLatin1String(name), value);
    };
    set("baseUrl", request.settings.baseUrl);
    set("model", request.settings.model);
    set("dimensions", request.settings.dimensions);
    set("inFlight", request.settings.maxInFlight);
    set("price", request.settings.pricePerMillionTokens);
    set("confirmAbove", request.confirmAbove);
    set("keySource", !request.useKey                                  ? QStringLiteral("none")
                     : !request.keySource.keychainService.isEmpty() ? QStringLiteral("keychain")
                                                                    : QStringLiteral("environment"));
    if (!request.keySource.environmentVariable.isEmpty())
        set("keyVariable", request.keySource.environmentVariable);
    if (!request.keySource.keychainService.isEmpty())
        set("keychainService", request.keySource.keychainService);
    set("keychainEntry", request.keySource.keychainEntry);
}

void MainWindow::showComputeRemoteDialog()
{
    if (refuseJob(tr("Cannot compute embeddings"), true))
        return;
    auto *dialog = new RemoteEmbedDialog(m_cacheRoot, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setRequest(savedRemoteRequest());
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const RemoteRequest request = dialog->request();
        saveRemoteRequest(request);
        computeRemote(request);
    });
    dialog->open();
}

bool MainWindow::computeRemote(const RemoteRequest &request)
{
    if (refuseJob(tr("Cannot compute embeddings"), true))
        return false;
    RemoteRequest job = request;
    // The embedder's own request cache (resume without paying twice), hidden from the set list.
    job.settings.cacheDir = QDir(m_cacheRoot).filePath(QStringLiteral(".remote-requests"));
    JobProgress *progress = beginJob(tr("Preparing %1").arg(fromStd(remoteSetName(job.settings))));
    watchJob(planRemoteAsync(m_dataset, m_textsHash, job, m_cacheRoot, progress),
             [this, job, dataset = m_dataset](const RemotePlanJobResult &result) {
                 if (dataset != m_dataset)
                     return;
                 onRemotePlanned(job, result);
             });
    return true;
}

void MainWindow::onRemotePlanned(const RemoteRequest &request, const RemotePlanJobResult &result)
{
    if (handleJobError(result.error, tr("Cannot compute embeddings")))
        return;
    const RemotePlan &plan = *result.value;
    if (plan.cached) {
        ComputeJobResult hit;
        hit.value = std::shared_ptr<const ComputedEmbeddings>(result.value, &*plan.cached);
        hit.seconds = result.seconds;
        onComputed(hit);
        return;
    }
    const net::EmbedEstimate &estimate = plan.estimate;
    QString details = tr("%1 texts (%2 distinct, %3 already in the request cache): %4 requests, about %5 tokens")
                          .arg(count(estimate.texts), count(estimate.uniqueTexts), count(estimate.cachedTexts),
                               count(estimate.requests), count(estimate.estimatedTokens));
    if (request.settings.pricePerMillionTokens > 0)
        details += tr(", estimated cost %1").arg(estimate.estimatedCost, 0, 'f', 4);
    std::shared_ptr<net::RemoteEmbedder> embedder = plan.embedder;
    if (!estimate.needsConfirmation(request.confirmAbove)) {
        startRemoteEmbedding(embedder);
        statusBar()->showMessage(details, kStatusTimeoutMs);
        return;
    }
    const QString name = fromStd(remoteSetName(request.settings));
    auto *box = new QMessageBox(QMessageBox::Question, tr("Compute Embeddings via API"),
                                tr("The estimated cost of embedding %1 with %2 is %3, above your limit of %4. "
                                   "Start the job?")
                                    .arg(fromStd(m_dataset->name), name)
                                    .arg(estimate.estimatedCost, 0, 'f', 4)
                                    .arg(request.confirmAbove, 0, 'f', 4),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("confirmCostBox"));
    box->setInformativeText(details);
    QPushButton *start = box->addButton(tr("Start"), QMessageBox::AcceptRole);
    start->setObjectName(QStringLiteral("confirmCostButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    // The embedder (and its key) lives as long as this connection: until the box is closed.
    connect(box, &QMessageBox::buttonClicked, this, [this, start, embedder](QAbstractButton *button) {
        if (button == start)
            startRemoteEmbedding(embedder);
        else
            statusBar()->showMessage(tr("Not started: the estimated cost is above the limit"), kStatusTimeoutMs);
    });
    box->open();
}

void MainWindow::startRemoteEmbedding(std::shared_ptr<net::RemoteEmbedder> embedder)
{
    if (refuseJob(tr("Cannot compute embeddings"), true))
        return;
    const QString name = fromStd(remoteSetName(embedder->settings()));
    JobProgress *progress = beginJob(tr("Embedding with %1").arg(name));
    watchJob(embedRemoteAsync(m_dataset, m_textsHash, std::move(embedder), m_cacheRoot, progress),
             [this, dataset = m_dataset](const ComputeJobResult &result) {
                 if (dataset != m_dataset)
                     return;
                 onComputed(result);
             });
}

// ---------------------------------------------------------------------------------------------
// Export

void MainWindow::chooseExport()
{
    const QString title = tr("Cannot export embeddings");
    if (refuseJob(title, true))
        return;
    const Row *row = currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        showError(title, tr("Select an embedding set with vectors (BM25 has none)."));
        return;
    }
    const QString parent = m_settings->value(kExportFolderKey, QDir::home().filePath(QStringLiteral("embtune-exports")))
                               .toString();
    auto *dialog = new ExportDialog(row->name, QDir(parent).filePath(folderName(row->name)), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { exportEmbeddings(dialog->format(), dialog->folder()); });
    dialog->open();
}

bool MainWindow::exportEmbeddings(engine::VectorFormat format, const QString &dir)
{
    const QString title = tr("Cannot export embeddings");
    if (refuseJob(title, true))
        return false;
    const Row *row = currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        showError(title, tr("Select an embedding set with vectors (BM25 has none)."));
        return false;
    }
    if (dir.trimmed().isEmpty()) {
        showError(title, tr("Choose an output folder."));
        return false;
    }
    const QString path = QFileInfo(dir).absoluteFilePath();
    const QString key = row->key;
    JobProgress *progress = beginJob(tr("Exporting %1").arg(row->name));
    watchJob(exportEmbeddingsAsync(sourceOf(key), m_dataset, format, path, progress),
             [this, key, path, format, dataset = m_dataset](const ExportJobResult &result) {
                 if (handleJobError(result.error, tr("Cannot export embeddings")))
                     return;
                 if (dataset == m_dataset)
                     rememberLoaded(key, result.value->resolved);
                 if (m_options.saveSettings)
                     m_settings->setValue(kExportFolderKey, QFileInfo(path).absolutePath());
                 statusBar()->showMessage(tr("Exported to %1 (%2): %3")
                                              .arg(QDir::toNativeSeparators(path),
                                                   formatName(format),
                                                   result.value->files.join(QStringLiteral(", "))),
                                          kStatusTimeoutMs);
                 emit embeddingsExported(path);
             });
    return true;
}

// ---------------------------------------------------------------------------------------------
// Remove from the cache

void MainWindow::confirmRemoveFromCache()
{
    const Row *row = currentRow();
    if (!row || row->origin != Row::Origin::Cache || row->location.isEmpty() || isBusy())
        return;
    const QString key = row->key;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Remove from Cache"),
                                tr("Delete %1 from the embedding cache?").arg(row->name), QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("confirmRemoveBox"));
    box->setInformativeText(tr("The folder %1 is deleted. Computing the same configuration again recomputes it.")
                                .arg(QDir::toNativeSeparators(row->location)));
    QPushButton *remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("confirmRemoveButton"));
    box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, key, remove](QAbstractButton *button) {
        if (button == remove)
            removeFromCache(key);
    });
    box->open();
}

bool MainWindow::removeFromCache(const QString &key)
{
    const QString title = tr("Cannot remove from the cache");
    if (refuseJob(title, true))
        return false;
    const Row *row = m_embeddingsPanel->model()->find(key);
    if (!row || row->origin != Row::Origin::Cache || row->location.isEmpty()) {
        showError(title, tr("%1 is not an entry of the embedding cache.").arg(row ? row->name : key));
        return false;
    }
    const QString name = row->name;
    JobProgress *progress = beginJob(tr("Removing %1").arg(name));
    watchJob(removeCachedAsync(m_cacheRoot, m_textsHash, row->configKey.toStdString(), m_textsHash, progress),
             [this, key, name, dataset = m_dataset](const CacheJobResult &result) {
                 if (handleJobError(result.error, tr("Cannot remove from the cache")))
                     return;
                 if (dataset != m_dataset)
                     return;
                 m_loadedSets.remove(key);
                 setCacheRows(result.value->cachedSets);
                 updateEmbeddingsSummary();
                 updateActions();
                 statusBar()->showMessage(tr("Removed %1 from the embedding cache").arg(name), kStatusTimeoutMs);
                 emit cacheEntryRemoved(key);
             });
    return true;
}

} // namespace embtune::gui
