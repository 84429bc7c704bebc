#include "controllers/embeddings_controller.h"

#include "gui_actions.h"
#include "dataset_context.h"
#include "dialogs/export_dialog.h"
#include "dialogs/import_files_dialog.h"
#include "dialogs/lsa_dialog.h"
#include "dialogs/remote_embed_dialog.h"
#include "embedding_set_list_model.h"
#include "embedding_set_store.h"
#include "embeddings_panel.h"
#include "feedback.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/job_progress.h"
#include "remote_settings.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>

namespace embtune::gui {

namespace {


using Row = widgets::EmbeddingSetRow;

qint64 queriesWithVector(const engine::EmbeddingSet &set)
{
    qint64 n = 0;
    for (char has : set.hasQueryVector)
        n += has ? 1 : 0;
    return n;
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

EmbeddingsController::EmbeddingsController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    createActions();

    m_panel = new widgets::EmbeddingsPanel(m_ctx.sets->model(), m_ctx.window);
    m_panel->setObjectName(QStringLiteral("embeddingsPanel"));
    m_panel->setCacheLocation(m_ctx.dataset->cacheRoot());
    for (QAction *action : {m_computeLsa, m_computeRemote, m_import})
        m_panel->toolBar()->addAction(action);
    if (auto *import = qobject_cast<QToolButton *>(m_panel->toolBar()->widgetForAction(m_import))) {
        // Import a folder (the button) or files (its menu).
        auto *menu = new QMenu(import);
        menu->addAction(m_import);
        menu->addAction(m_importFiles);
        import->setMenu(menu);
        import->setPopupMode(QToolButton::MenuButtonPopup);
    }
    m_panel->toolBar()->addSeparator();
    for (QAction *action : {m_export, m_removeFromCache})
        m_panel->toolBar()->addAction(action);
    m_panel->view()->addActions({m_export, m_removeFromCache});
    // The panel's selection is the store's.
    connect(m_panel, &widgets::EmbeddingsPanel::currentKeyChanged, m_ctx.sets, &EmbeddingSetStore::select);
    connect(m_ctx.sets, &EmbeddingSetStore::currentChanged, this, &EmbeddingsController::onSelected);
    connect(m_panel, &widgets::EmbeddingsPanel::keyActivated, this, &EmbeddingsController::setActivated);
    connect(m_ctx.sets, &EmbeddingSetStore::loadedChanged, this, [this](const QString &key) {
        if (key == m_ctx.sets->currentKey())
            updateSummary();
    });

    m_summary = new QLabel(m_ctx.window);
    m_summary->setObjectName(QStringLiteral("embeddingsSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    // Long set names must not set the window's minimum width.
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status = new QLabel(m_ctx.window);
    m_status->setObjectName(QStringLiteral("embeddingsStatus"));

    connect(m_ctx.dataset, &DatasetContext::datasetChanged, this, &EmbeddingsController::onDatasetChanged);
    connect(m_ctx.jobs, &JobRunner::busyChanged, this, &EmbeddingsController::updateActions);
    updateActions();
    updateSummary();
}

void EmbeddingsController::createActions()
{
    QStyle *s = m_ctx.window->style();
    auto make = [this](const QIcon &icon, const QString &text, const QString &name, const QString &tip) {
        return makeAction(this, icon, text, name, tip);
    };
    m_import = make(s->standardIcon(QStyle::SP_DialogOpenButton), tr("&Import Embeddings..."),
                    QStringLiteral("actionImportEmbeddings"),
                    tr("Import a folder of vectors in any format: corpus.npy + corpus_ids.txt, corpus.safetensors, "
                       "corpus.fvecs + corpus_ids.txt or corpus_embeddings.jsonl, with the queries' file beside it "
                       "(Ctrl+I)"));
    m_import->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_import->setIconText(tr("Import"));
    connect(m_import, &QAction::triggered, this, &EmbeddingsController::chooseEmbeddings);

    m_importFiles = make(s->standardIcon(QStyle::SP_FileIcon), tr("Import Embedding &Files..."),
                         QStringLiteral("actionImportFiles"),
                         tr("Import vectors from files: documents (and queries) as .npy, .fvecs, .jsonl or "
                            ".safetensors, with id lists where the format needs them"));
    m_importFiles->setIconText(tr("Import Files"));
    connect(m_importFiles, &QAction::triggered, this, &EmbeddingsController::chooseEmbeddingFiles);

    m_computeLsa = make(s->standardIcon(QStyle::SP_ComputerIcon), tr("&Compute Embeddings (LSA)..."),
                        QStringLiteral("actionComputeLsa"),
                        tr("Compute embeddings of the documents and queries with the built-in LSA embedder "
                           "(TF-IDF + randomized SVD); results are cached (Ctrl+L)"));
    m_computeLsa->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_computeLsa->setIconText(tr("Compute LSA"));
    connect(m_computeLsa, &QAction::triggered, this, &EmbeddingsController::showComputeLsaDialog);

    m_computeRemote = make(s->standardIcon(QStyle::SP_DriveNetIcon), tr("Compute Embeddings via &API..."),
                           QStringLiteral("actionComputeRemote"),
                           tr("Compute embeddings with an OpenAI-compatible service (OpenAI, Azure, vLLM, TEI, "
                              "Ollama, ...): cost estimate first, progress, cancel; results are cached "
                              "(Ctrl+Shift+L)"));
    m_computeRemote->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_computeRemote->setIconText(tr("Compute via API"));
    connect(m_computeRemote, &QAction::triggered, this, &EmbeddingsController::showComputeRemoteDialog);

    m_export = make(s->standardIcon(QStyle::SP_DialogSaveButton), tr("E&xport Embeddings..."),
                    QStringLiteral("actionExportEmbeddings"),
                    tr("Write the selected set as .npy, .fvecs, JSONL or safetensors files"));
    m_export->setIconText(tr("Export"));
    connect(m_export, &QAction::triggered, this, &EmbeddingsController::chooseExport);

    m_removeFromCache = make(s->standardIcon(QStyle::SP_TrashIcon), tr("&Remove from Cache..."),
                             QStringLiteral("actionRemoveFromCache"),
                             tr("Delete the selected set from the embedding cache on disk"));
    m_removeFromCache->setIconText(tr("Remove"));
    connect(m_removeFromCache, &QAction::triggered, this, &EmbeddingsController::confirmRemoveFromCache);
}

void EmbeddingsController::updateActions()
{
    const bool busy = m_ctx.jobs->isBusy();
    const bool hasDataset = m_ctx.dataset->hasDataset();
    const Row *row = m_ctx.sets->currentRow();
    for (QAction *action : {m_import, m_importFiles, m_computeLsa, m_computeRemote})
        action->setEnabled(!busy && hasDataset);
    m_export->setEnabled(!busy && row && row->origin != Row::Origin::Baseline);
    m_removeFromCache->setEnabled(!busy && row && row->origin == Row::Origin::Cache && !row->location.isEmpty());
}

void EmbeddingsController::updateSummary()
{
    const Row *row = m_ctx.sets->currentRow();
    const auto dataset = m_ctx.dataset->dataset();
    if (!row) {
        m_summary->setText(
            dataset ? tr("<i>No embeddings selected. In the <a href=\"embeddings\">Embeddings</a> tab, compute a set "
                         "with LSA (Ctrl+L), import one (Ctrl+I) or select a listed one.</i>")
                    : tr("<i>Open a dataset first.</i>"));
        m_summary->setToolTip({});
        m_status->clear();
        return;
    }
    m_summary->setToolTip(widgets::EmbeddingSetListModel::describe(*row));
    if (row->origin == Row::Origin::Baseline) {
        m_summary->setText(tr("<b>%1</b>: lexical baseline, documents ranked by BM25 over title and text")
                               .arg(row->name.toHtmlEscaped()));
        m_status->setText(row->name);
        return;
    }
    QString text = tr("<b>%1</b> (%2): dimension %3, %4 document vectors, %5 of %6 query vectors")
                       .arg(row->name.toHtmlEscaped(), row->embedder.toHtmlEscaped())
                       .arg(row->dim)
                       .arg(count(row->documents), count(row->queries), count(dataset ? dataset->queryCount() : 0));
    if (const auto set = m_ctx.sets->loaded(row->key); set && set->docs.isMapped())
        text += tr(" (memory-mapped)");
    m_summary->setText(text);
    m_status->setText(tr("%1 (%2-d)").arg(row->name).arg(row->dim));
}

void EmbeddingsController::setPendingSelection(const QString &key, const QString &dir)
{
    m_pendingKey = key;
    m_pendingImport = dir;
}

void EmbeddingsController::onDatasetChanged()
{
    const QString pendingKey = std::exchange(m_pendingKey, QString());
    const QString pendingImport = std::exchange(m_pendingImport, QString());
    // The embedding sets: BM25, then the cache's entries for these texts (newest first).
    {
        const QSignalBlocker blocker(m_panel);
        m_panel->selectKey({});
    }
    m_ctx.sets->reset(m_ctx.dataset->cachedSetsAtOpen());
    const QList<Row> &rows = m_ctx.sets->model()->rows();
    QString select;
    if (!pendingKey.isEmpty() && m_ctx.sets->find(pendingKey))
        select = pendingKey;
    else if (rows.size() > 1)
        select = rows[1].key; // the newest cache entry
    m_ctx.sets->select(select);
    updateSummary();
    updateActions();
    if (!pendingImport.isEmpty() && !m_ctx.jobs->isBusy())
        importEmbeddings(pendingImport);
}

void EmbeddingsController::onSelected(const QString &key)
{
    if (m_panel->currentKey() != key) {
        const QSignalBlocker blocker(m_panel);
        m_panel->selectKey(key);
    }
    updateSummary();
    updateActions();
    if (!m_ctx.options.saveSettings || !m_ctx.dataset->hasDataset())
        return;
    const Row *row = m_ctx.sets->find(key);
    m_ctx.settings->setValue(QStringLiteral("session/embeddingsDataset"), m_ctx.dataset->path());
    m_ctx.settings->setValue(QStringLiteral("session/embeddings"),
                             row && row->origin == Row::Origin::Imported && QFileInfo(row->location).isDir()
                                 ? row->location
                                 : QString());
    m_ctx.settings->setValue(QStringLiteral("session/embeddingsKey"), key);
}

// ---------------------------------------------------------------------------------------------
// Import

void EmbeddingsController::chooseEmbeddings()
{
    QString start = m_ctx.sets->currentImportPath();
    if (!start.isEmpty())
        start = QFileInfo(start).absolutePath();
    else if (!m_ctx.dataset->path().isEmpty())
        start = QFileInfo::exists(QDir(m_ctx.dataset->path()).filePath(QStringLiteral("embeddings")))
                    ? QDir(m_ctx.dataset->path()).filePath(QStringLiteral("embeddings"))
                    : m_ctx.dataset->path();
    const QString dir = QFileDialog::getExistingDirectory(
        m_ctx.window, tr("Import Embeddings (folder with corpus.npy, corpus.safetensors, corpus.fvecs or "
                 "corpus_embeddings.jsonl)"),
        start);
    if (!dir.isEmpty())
        importEmbeddings(dir);
}

void EmbeddingsController::chooseEmbeddingFiles()
{
    if (m_ctx.jobs->refuse(tr("Cannot import embeddings"), !m_ctx.dataset->hasDataset()))
        return;
    auto *dialog = new ImportFilesDialog(m_ctx.dataset->path(), m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { importEmbeddingFiles(dialog->spec()); });
    dialog->open();
}

bool EmbeddingsController::importEmbeddings(const QString &dir)
{
    const QString title = tr("Cannot import embeddings");
    if (m_ctx.jobs->isBusy()) {
        m_ctx.feedback->showError(title, tr("Another job is running; wait for it or cancel it."));
        return false;
    }
    if (!m_ctx.dataset->hasDataset()) {
        m_ctx.feedback->showError(title, tr("Open a dataset first: embeddings are matched to its document and query ids."));
        return false;
    }
    const QFileInfo info(dir);
    if (!info.isDir()) {
        m_ctx.feedback->showError(title, tr("%1: not a folder").arg(QDir::toNativeSeparators(dir)));
        return false;
    }
    const QString path = info.absoluteFilePath();
    ImportSpec spec;
    spec.folder = path;
    JobProgress *progress = m_ctx.jobs->begin(tr("Importing %1").arg(info.fileName()));
    m_ctx.jobs->watch(importEmbeddingsAsync(spec, m_ctx.dataset->dataset(), progress),
             [this, path, dataset = m_ctx.dataset->dataset()](const EmbeddingsJobResult &result) {
                 if (dataset != m_ctx.dataset->dataset()) // the dataset changed meanwhile: the vectors do not belong to it
                     return;
                 onImported(QStringLiteral("import:") + path, path, result);
             });
    return true;
}

bool EmbeddingsController::importEmbeddingFiles(const ImportSpec &spec)
{
    const QString title = tr("Cannot import embeddings");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    if (spec.docsFile.isEmpty() || !QFileInfo(spec.docsFile).isFile()) {
        m_ctx.feedback->showError(title, tr("%1: no such file (the document vectors are required)")
                             .arg(QDir::toNativeSeparators(spec.docsFile)));
        return false;
    }
    ImportSpec absolute = spec;
    for (QString *path : {&absolute.docsFile, &absolute.docIdsFile, &absolute.queriesFile, &absolute.queryIdsFile})
        if (!path->isEmpty())
            *path = QFileInfo(*path).absoluteFilePath();
    const QString path = absolute.docsFile;
    JobProgress *progress = m_ctx.jobs->begin(tr("Importing %1").arg(QFileInfo(path).fileName()));
    m_ctx.jobs->watch(importEmbeddingsAsync(absolute, m_ctx.dataset->dataset(), progress),
             [this, path, dataset = m_ctx.dataset->dataset()](const EmbeddingsJobResult &result) {
                 if (dataset != m_ctx.dataset->dataset())
                     return;
                 onImported(QStringLiteral("import:") + path, path, result);
             });
    return true;
}

void EmbeddingsController::onImported(const QString &key, const QString &path, const EmbeddingsJobResult &result)
{
    if (m_ctx.jobs->handleError(result.error, tr("Cannot import embeddings")))
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
    m_ctx.sets->addRow(row);
    m_ctx.sets->remember(key, result.value);
    m_ctx.sets->select(key);

    QString message = tr("Imported %1: %2 vectors of dimension %3 in %4 s")
                          .arg(row.name, count(set.docs.rows()))
                          .arg(set.dim())
                          .arg(result.seconds, 0, 'f', 2);
    if (!result.warnings.isEmpty())
        message += QStringLiteral("; ") + result.warnings.join(QStringLiteral("; "));
    m_ctx.feedback->showStatus(message);
    emit embeddingsLoaded(path);
}

// ---------------------------------------------------------------------------------------------
// Compute

void EmbeddingsController::showComputeLsaDialog()
{
    if (m_ctx.jobs->refuse(tr("Cannot compute embeddings"), !m_ctx.dataset->hasDataset()))
        return;
    auto *dialog = new LsaDialog(m_ctx.dataset->cacheRoot(), m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { computeLsa(dialog->options()); });
    dialog->open();
}

bool EmbeddingsController::computeLsa(const engine::LsaOptions &options)
{
    if (m_ctx.jobs->refuse(tr("Cannot compute embeddings"), !m_ctx.dataset->hasDataset()))
        return false;
    JobProgress *progress = m_ctx.jobs->begin(tr("Computing %1").arg(fromStd(lsaSetName(options))));
    m_ctx.jobs->watch(computeLsaAsync(m_ctx.dataset->dataset(), m_ctx.dataset->textsHash(), options, m_ctx.dataset->cacheRoot(), progress),
             [this, dataset = m_ctx.dataset->dataset()](const ComputeJobResult &result) {
                 if (dataset != m_ctx.dataset->dataset())
                     return;
                 onComputed(result);
             });
    return true;
}

void EmbeddingsController::onComputed(const ComputeJobResult &result)
{
    if (m_ctx.jobs->handleError(result.error, tr("Cannot compute embeddings")))
        return;
    const ComputedEmbeddings &computed = *result.value;
    const QString entry = fromLocalPath(computed.info.dir);
    const QString key = entry.isEmpty() ? QStringLiteral("computed:") + fromStd(computed.info.configKey)
                                        : EmbeddingSetStore::cacheKeyOf(entry);
    Row row = EmbeddingSetStore::rowOf(computed.info, key);
    row.loaded = true;
    // A new entry goes first among the cache entries (newest first), a cache hit stays where it is.
    m_ctx.sets->addRow(row, true);
    m_ctx.sets->remember(key, std::shared_ptr<const engine::EmbeddingSet>(result.value, &result.value->set));
    m_ctx.sets->select(key);

    QString message = computed.cacheHit
                          ? tr("%1 loaded from the embedding cache (computed %2; nothing recomputed)")
                                .arg(row.name, widgets::EmbeddingSetListModel::formatCreated(row.created))
                          : tr("Computed %1: %2 documents and %3 queries, dimension %4, in %5 s; stored in the cache")
                                .arg(row.name, count(row.documents), count(row.queries))
                                .arg(row.dim)
                                .arg(result.seconds, 0, 'f', 2);
    if (!result.warnings.isEmpty())
        message += QStringLiteral("; ") + result.warnings.join(QStringLiteral("; "));
    m_ctx.feedback->showStatus(message);
    emit embeddingsComputed(key, computed.cacheHit);
}

// ---------------------------------------------------------------------------------------------
// Compute via an OpenAI-compatible API

void EmbeddingsController::showComputeRemoteDialog()
{
    if (m_ctx.jobs->refuse(tr("Cannot compute embeddings"), !m_ctx.dataset->hasDataset()))
        return;
    auto *dialog = new RemoteEmbedDialog(m_ctx.dataset->cacheRoot(), m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setRequest(loadRemoteRequest(*m_ctx.settings));
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const RemoteRequest request = dialog->request();
        if (m_ctx.options.saveSettings)
            saveRemoteRequest(*m_ctx.settings, request);
        computeRemote(request);
    });
    dialog->open();
}

bool EmbeddingsController::computeRemote(const RemoteRequest &request)
{
    if (m_ctx.jobs->refuse(tr("Cannot compute embeddings"), !m_ctx.dataset->hasDataset()))
        return false;
    RemoteRequest job = request;
    // The embedder's own request cache (resume without paying twice), hidden from the set list.
    job.settings.cacheDir = QDir(m_ctx.dataset->cacheRoot()).filePath(QStringLiteral(".remote-requests"));
    JobProgress *progress = m_ctx.jobs->begin(tr("Preparing %1").arg(fromStd(remoteSetName(job.settings))));
    m_ctx.jobs->watch(planRemoteAsync(m_ctx.dataset->dataset(), m_ctx.dataset->textsHash(), job, m_ctx.dataset->cacheRoot(), progress),
             [this, job, dataset = m_ctx.dataset->dataset()](const RemotePlanJobResult &result) {
                 if (dataset != m_ctx.dataset->dataset())
                     return;
                 onRemotePlanned(job, result);
             });
    return true;
}

void EmbeddingsController::onRemotePlanned(const RemoteRequest &request, const RemotePlanJobResult &result)
{
    if (m_ctx.jobs->handleError(result.error, tr("Cannot compute embeddings")))
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
        m_ctx.feedback->showStatus(details);
        return;
    }
    const QString name = fromStd(remoteSetName(request.settings));
    auto *box = new QMessageBox(QMessageBox::Question, tr("Compute Embeddings via API"),
                                tr("The estimated cost of embedding %1 with %2 is %3, above your limit of %4. "
                                   "Start the job?")
                                    .arg(fromStd(m_ctx.dataset->dataset()->name), name)
                                    .arg(estimate.estimatedCost, 0, 'f', 4)
                                    .arg(request.confirmAbove, 0, 'f', 4),
                                QMessageBox::NoButton, m_ctx.window);
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
            m_ctx.feedback->showStatus(tr("Not started: the estimated cost is above the limit"));
    });
    box->open();
}

void EmbeddingsController::startRemoteEmbedding(std::shared_ptr<net::RemoteEmbedder> embedder)
{
    if (m_ctx.jobs->refuse(tr("Cannot compute embeddings"), !m_ctx.dataset->hasDataset()))
        return;
    const QString name = fromStd(remoteSetName(embedder->settings()));
    JobProgress *progress = m_ctx.jobs->begin(tr("Embedding with %1").arg(name));
    m_ctx.jobs->watch(embedRemoteAsync(m_ctx.dataset->dataset(), m_ctx.dataset->textsHash(), std::move(embedder), m_ctx.dataset->cacheRoot(), progress),
             [this, dataset = m_ctx.dataset->dataset()](const ComputeJobResult &result) {
                 if (dataset != m_ctx.dataset->dataset())
                     return;
                 onComputed(result);
             });
}

// ---------------------------------------------------------------------------------------------
// Export

void EmbeddingsController::chooseExport()
{
    const QString title = tr("Cannot export embeddings");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return;
    const Row *row = m_ctx.sets->currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        m_ctx.feedback->showError(title, tr("Select an embedding set with vectors (BM25 has none)."));
        return;
    }
    const QString parent = m_ctx.settings->value(kExportFolderSetting, QDir::home().filePath(QStringLiteral("embtune-exports")))
                               .toString();
    auto *dialog = new ExportDialog(row->name, QDir(parent).filePath(folderName(row->name)), m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { exportEmbeddings(dialog->format(), dialog->folder()); });
    dialog->open();
}

bool EmbeddingsController::exportEmbeddings(engine::VectorFormat format, const QString &dir)
{
    const QString title = tr("Cannot export embeddings");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    const Row *row = m_ctx.sets->currentRow();
    if (!row || row->origin == Row::Origin::Baseline) {
        m_ctx.feedback->showError(title, tr("Select an embedding set with vectors (BM25 has none)."));
        return false;
    }
    if (dir.trimmed().isEmpty()) {
        m_ctx.feedback->showError(title, tr("Choose an output folder."));
        return false;
    }
    const QString path = QFileInfo(dir).absoluteFilePath();
    const QString key = row->key;
    JobProgress *progress = m_ctx.jobs->begin(tr("Exporting %1").arg(row->name));
    m_ctx.jobs->watch(exportEmbeddingsAsync(m_ctx.sets->sourceOf(key), m_ctx.dataset->dataset(), format, path, progress),
             [this, key, path, format, dataset = m_ctx.dataset->dataset()](const ExportJobResult &result) {
                 if (m_ctx.jobs->handleError(result.error, tr("Cannot export embeddings")))
                     return;
                 if (dataset == m_ctx.dataset->dataset())
                     m_ctx.sets->remember(key, result.value->resolved);
                 if (m_ctx.options.saveSettings)
                     m_ctx.settings->setValue(kExportFolderSetting, QFileInfo(path).absolutePath());
                 m_ctx.feedback->showStatus(tr("Exported to %1 (%2): %3")
                                              .arg(QDir::toNativeSeparators(path),
                                                   formatName(format),
                                                   result.value->files.join(QStringLiteral(", "))),
                                          Feedback::kStatusTimeoutMs);
                 emit embeddingsExported(path);
             });
    return true;
}

// ---------------------------------------------------------------------------------------------
// Remove from the cache

void EmbeddingsController::confirmRemoveFromCache()
{
    const Row *row = m_ctx.sets->currentRow();
    if (!row || row->origin != Row::Origin::Cache || row->location.isEmpty() || m_ctx.jobs->isBusy())
        return;
    const QString key = row->key;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Remove from Cache"),
                                tr("Delete %1 from the embedding cache?").arg(row->name), QMessageBox::NoButton, m_ctx.window);
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

bool EmbeddingsController::removeFromCache(const QString &key)
{
    const QString title = tr("Cannot remove from the cache");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    const Row *row = m_ctx.sets->find(key);
    if (!row || row->origin != Row::Origin::Cache || row->location.isEmpty()) {
        m_ctx.feedback->showError(title, tr("%1 is not an entry of the embedding cache.").arg(row ? row->name : key));
        return false;
    }
    const QString name = row->name;
    JobProgress *progress = m_ctx.jobs->begin(tr("Removing %1").arg(name));
    m_ctx.jobs->watch(removeCachedAsync(m_ctx.dataset->cacheRoot(), m_ctx.dataset->textsHash(), row->configKey.toStdString(), m_ctx.dataset->textsHash(), progress),
             [this, key, name, dataset = m_ctx.dataset->dataset()](const CacheJobResult &result) {
                 if (m_ctx.jobs->handleError(result.error, tr("Cannot remove from the cache")))
                     return;
                 if (dataset != m_ctx.dataset->dataset())
                     return;
                 m_ctx.sets->removeRow(key);
                 m_ctx.sets->setCacheRows(result.value->cachedSets);
                 m_ctx.feedback->showStatus(tr("Removed %1 from the embedding cache").arg(name));
                 emit cacheEntryRemoved(key);
             });
    return true;
}

} // namespace embtune::gui
