// MainWindow: generated training queries (Data > Generate Training Queries, the Generated
// Queries tab: list, browser, export, delete) and training on a generated set (the Train
// dialog's "Training queries" choice).

#include "main_window.h"

#include "dialogs/synth_dialog.h"
#include "dialogs/train_dialog.h"
#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "generated_queries_panel.h"
#include "gui_text.h"
#include "jobs/job_progress.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>

namespace embtune::gui {

namespace {

constexpr int kStatusTimeoutMs = 10000;
const QString kGeneratedExportKey = QStringLiteral("paths/generatedExportParent");

using Row = widgets::EmbeddingSetRow;

// The LSA model folder of a set: DIR/model of an `embtune-cli embed` folder or of a cache entry.
QString lsaModelDir(const Row &row)
{
    return row.location.isEmpty() ? QString() : QDir(row.location).filePath(QStringLiteral("model"));
}

bool hasLsaModel(const Row &row)
{
    return !row.location.isEmpty() && QFileInfo::exists(QDir(lsaModelDir(row)).filePath(QStringLiteral("lsa.json")));
}

} // namespace

void MainWindow::createSynthActions()
{
    m_generateQueriesAction = new QAction(tr("&Generate Training Queries..."), this);
    m_generateQueriesAction->setObjectName(QStringLiteral("actionGenerateQueries"));
    m_generateQueriesAction->setToolTip(tr("Generate training queries from the documents (ICT sentences, titles, "
                                           "keyphrases or a chat model's questions) for training without labels"));
    m_generateQueriesAction->setStatusTip(m_generateQueriesAction->toolTip());
    m_generateQueriesAction->setIconText(tr("Generate"));
    connect(m_generateQueriesAction, &QAction::triggered, this, &MainWindow::showGenerateQueriesDialog);
}

void MainWindow::createGeneratedQueriesTab()
{
    m_generatedPanel = new widgets::GeneratedQueriesPanel(this);
    m_generatedPanel->setObjectName(QStringLiteral("generatedQueriesPanel"));
    m_generatedPanel->toolBar()->addAction(m_generateQueriesAction);
    m_generatedPanel->toolBar()->addSeparator();
    m_generatedPanel->toolBar()->addAction(m_generatedPanel->exportAction());
    m_generatedPanel->toolBar()->addAction(m_generatedPanel->deleteAction());
    connect(m_generatedPanel, &widgets::GeneratedQueriesPanel::currentSetChanged, this,
            &MainWindow::browseGeneratedSet);
    connect(m_generatedPanel, &widgets::GeneratedQueriesPanel::exportRequested, this, [this](const QString &name) {
        const QString parent = m_settings->value(kGeneratedExportKey, QDir::homePath()).toString();
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Export \"%1\" as a BEIR Folder (an empty or new folder)").arg(name), parent);
        if (dir.isEmpty())
            return;
        if (m_options.saveSettings)
            m_settings->setValue(kGeneratedExportKey, QFileInfo(dir).absolutePath());
        exportGeneratedSet(name, dir);
    });
    connect(m_generatedPanel, &widgets::GeneratedQueriesPanel::deleteRequested, this, [this](const QString &name) {
        auto *box = new QMessageBox(QMessageBox::Question, tr("Delete Generated Set"),
                                    tr("Delete the generated set \"%1\"? Its queries are removed from disk.").arg(name),
                                    QMessageBox::NoButton, this);
        box->setObjectName(QStringLiteral("confirmDeleteGeneratedBox"));
        QPushButton *remove = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
        box->addButton(QMessageBox::Cancel);
        box->setDefaultButton(QMessageBox::Cancel);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::buttonClicked, this, [this, remove, name](QAbstractButton *button) {
            if (button == remove)
                deleteGeneratedSet(name);
        });
        box->open();
    });
    m_tabs->addTab(m_generatedPanel, tr("Generated &Queries"));
    m_tabs->setTabToolTip(m_tabs->indexOf(m_generatedPanel),
                          tr("Generated training-query sets of the dataset: generate, browse (query and source "
                             "document), export as BEIR, delete; train on them from the Train dialog"));
}

void MainWindow::setGeneratedSetWorkspace(app::Workspace *workspace)
{
    m_generatedStore.setWorkspace(workspace);
    refreshGeneratedSets();
}

QStringList MainWindow::generatedSetNames() const
{
    QStringList names;
    for (const GeneratedSetInfo &info : m_generatedSets)
        names << info.name;
    return names;
}

void MainWindow::refreshGeneratedSets()
{
    m_generatedSets.clear();
    m_browsedSet.reset();
    if (m_dataset) {
        auto listed = m_generatedStore.list(m_textsHash);
        if (listed)
            m_generatedSets = *listed;
        else
            showError(tr("Cannot list generated query sets"), fromStd(listed.error().toString()));
    }
    QList<widgets::GeneratedSetRow> rows;
    for (const GeneratedSetInfo &info : std::as_const(m_generatedSets)) {
        widgets::GeneratedSetRow row;
        row.name = info.name;
        row.generator = info.generator;
        row.queries = info.queries;
        row.documents = info.documentsWithQueries;
        row.created = info.created;
        row.location = info.workspaceId > 0 ? tr("workspace") : QDir::toNativeSeparators(info.folder);
        row.details = tr("%1 queries from %2 of %3 sampled documents\nseed %4\nparameters: %5\n%6")
                          .arg(info.queries)
                          .arg(info.documentsWithQueries)
                          .arg(info.documentsSampled)
                          .arg(info.seed, info.parametersJson, QDir::toNativeSeparators(info.folder));
        rows.append(row);
    }
    m_generatedPanel->setSets(rows);
}

const GeneratedSetInfo *MainWindow::findGeneratedSet(const QString &name) const
{
    for (const GeneratedSetInfo &info : m_generatedSets)
        if (info.name == name)
            return &info;
    return nullptr;
}

engine::Result<std::shared_ptr<const engine::SyntheticSet>> MainWindow::loadGeneratedSet(const QString &name)
{
    if (m_browsedSet && m_browsedSetName == name)
        return m_browsedSet;
    const GeneratedSetInfo *info = findGeneratedSet(name);
    if (!info || !m_dataset)
        return engine::Error::usage("no generated set named \"" + name.toStdString() + "\"");
    auto set = engine::readSyntheticSet(localPath(info->folder), *m_dataset);
    if (!set)
        return set.error();
    return std::shared_ptr<const engine::SyntheticSet>(std::make_shared<engine::SyntheticSet>(std::move(*set)));
}

void MainWindow::browseGeneratedSet(const QString &name)
{
    if (name.isEmpty()) {
        m_generatedPanel->showSet(nullptr, nullptr);
        return;
    }
    auto set = loadGeneratedSet(name);
    if (!set) {
        m_generatedPanel->showSet(nullptr, nullptr);
        showError(tr("Cannot read the generated set"), fromStd(set.error().toString()));
        return;
    }
    m_browsedSet = *set;
    m_browsedSetName = name;
    m_generatedPanel->showSet(m_dataset, m_browsedSet);
}

void MainWindow::showGenerateQueriesDialog()
{
    if (refuseJob(tr("Cannot generate queries"), true))
        return;
    auto *dialog = new SynthDialog(m_dataset->docCount(), generatedSetNames(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { generateQueries(dialog->request()); });
    dialog->open();
}

bool MainWindow::generateQueries(const SynthRequest &request)
{
    const QString title = tr("Cannot generate queries");
    if (refuseJob(title, true))
        return false;
    if (const QString problem = GeneratedSetStore::nameProblem(request.name); !problem.isEmpty()) {
        showError(title, problem);
        return false;
    }
    if (findGeneratedSet(request.name)) {
        showError(title, tr("There is already a generated set named \"%1\".").arg(request.name));
        return false;
    }
    SynthRequest job = request;
    // The llm generator's answer cache (resume without paying twice), hidden from the set list.
    job.llm.cacheDir = QDir(m_cacheRoot).filePath(QStringLiteral(".llm-questions"));
    if (job.options.generator != "llm") {
        startQueryGeneration(job, nullptr);
        return true;
    }
    JobProgress *progress = beginJob(tr("Preparing %1").arg(request.name));
    watchJob(planLlmAsync(m_dataset, job, progress), [this, job, dataset = m_dataset](const LlmPlanJobResult &result) {
        if (dataset != m_dataset || handleJobError(result.error, tr("Cannot generate queries")))
            return;
        const net::LlmEstimate &estimate = result.value->estimate;
        std::shared_ptr<net::LlmQueryGenerator> generator = result.value->generator;
        QString details = tr("%1 documents (%2 already answered in the cache): %3 requests, about %4 tokens")
                              .arg(count(estimate.documents), count(estimate.cachedDocuments),
                                   count(estimate.requests), count(estimate.estimatedTokens));
        if (job.llm.pricePerMillionTokens > 0)
            details += tr(", estimated cost %1").arg(estimate.estimatedCost, 0, 'f', 4);
        if (!estimate.needsConfirmation(job.confirmAbove)) {
            statusBar()->showMessage(details, kStatusTimeoutMs);
            startQueryGeneration(job, generator);
            return;
        }
        auto *box = new QMessageBox(QMessageBox::Question, tr("Generate Training Queries"),
                                    tr("The estimated cost of generating \"%1\" with %2 is %3, above your limit of "
                                       "%4. Start the job?")
                                        .arg(job.name, job.llm.model)
                                        .arg(estimate.estimatedCost, 0, 'f', 4)
                                        .arg(job.confirmAbove, 0, 'f', 4),
                                    QMessageBox::NoButton, this);
        box->setObjectName(QStringLiteral("confirmCostBox"));
        box->setInformativeText(details);
        QPushButton *start = box->addButton(tr("Start"), QMessageBox::AcceptRole);
        start->setObjectName(QStringLiteral("confirmCostButton"));
        box->addButton(QMessageBox::Cancel);
        box->setDefaultButton(QMessageBox::Cancel);
        box->setAttribute(Qt::WA_DeleteOnClose);
        // The generator (and its key) lives as long as this connection: until the box is closed.
        connect(box, &QMessageBox::buttonClicked, this, [this, start, job, generator](QAbstractButton *button) {
            if (button == start && !isBusy())
                startQueryGeneration(job, generator);
            else
                statusBar()->showMessage(tr("Not started: the estimated cost is above the limit"), kStatusTimeoutMs);
        });
        box->open();
    });
    return true;
}

void MainWindow::startQueryGeneration(const SynthRequest &request, std::shared_ptr<net::LlmQueryGenerator> llm)
{
    JobProgress *progress = beginJob(tr("Generating %1").arg(request.name));
    watchJob(generateQueriesAsync(m_dataset, request, std::move(llm), progress),
             [this, name = request.name, dataset = m_dataset](const SynthJobResult &result) {
                 if (dataset != m_dataset || handleJobError(result.error, tr("Cannot generate queries")))
                     return;
                 auto stored = m_generatedStore.store(name, *result.value, *m_dataset);
                 if (!stored) {
                     showError(tr("Cannot store the generated queries"), fromStd(stored.error().toString()));
                     return;
                 }
                 refreshGeneratedSets();
                 m_tabs->setCurrentWidget(m_generatedPanel);
                 m_generatedPanel->selectSet(name);
                 statusBar()->showMessage(tr("%1: %2 queries from %3 documents in %4 s")
                                              .arg(name, count(qint64(result.value->queries.size())),
                                                   count(result.value->documentsWithQueries()))
                                              .arg(result.seconds, 0, 'f', 2),
                                          kStatusTimeoutMs);
                 emit queriesGenerated(name);
             });
}

bool MainWindow::exportGeneratedSet(const QString &name, const QString &dir)
{
    const QString title = tr("Cannot export the generated set");
    if (refuseJob(title, true))
        return false;
    auto set = loadGeneratedSet(name);
    if (!set) {
        showError(title, fromStd(set.error().toString()));
        return false;
    }
    JobProgress *progress = beginJob(tr("Exporting %1").arg(name));
    watchJob(exportGeneratedSetAsync(m_dataset, *set, dir, progress), [this, name](const GeneratedExportJobResult &result) {
        if (handleJobError(result.error, tr("Cannot export the generated set")))
            return;
        statusBar()->showMessage(tr("Exported %1 as a BEIR folder: %2").arg(name, QDir::toNativeSeparators(*result.value)),
                                 kStatusTimeoutMs);
        emit generatedSetExported(*result.value);
    });
    return true;
}

bool MainWindow::deleteGeneratedSet(const QString &name)
{
    const QString title = tr("Cannot delete the generated set");
    if (refuseJob(title, true))
        return false;
    const GeneratedSetInfo *info = findGeneratedSet(name);
    if (!info) {
        showError(title, tr("There is no generated set named \"%1\".").arg(name));
        return false;
    }
    if (engine::Status s = m_generatedStore.remove(*info); !s) {
        showError(title, fromStd(s.error().toString()));
        return false;
    }
    refreshGeneratedSets();
    statusBar()->showMessage(tr("Deleted the generated set %1").arg(name), kStatusTimeoutMs);
    emit generatedSetDeleted(name);
    return true;
}

QString MainWindow::generatedTrainingProblem() const
{
    const Row *row = currentRow();
    if (!row || row->origin == Row::Origin::Baseline)
        return tr("Select an embedding set with vectors.");
    if (row->embedder == QStringLiteral("lsa")) {
        if (hasLsaModel(*row) || (row->origin == Row::Origin::Cache && engine::LsaEmbedder::optionsFromJson(row->parameters.toStdString()).ok()))
            return {};
        return tr("Generated queries must be embedded like the dataset's queries, and the LSA set \"%1\" was imported "
                  "without its model (model/lsa.json). Compute the set with Embeddings > Compute Embeddings (LSA).")
            .arg(row->name);
    }
    if (row->embedder == QStringLiteral("openai") && row->configKey.startsWith(QStringLiteral("openai:")))
        return {};
    return tr("Generated queries must be embedded with the embedder of the set's queries, and \"%1\" (%2) was "
              "computed outside embtune, so it cannot embed new queries alike. Train on a set computed here with the "
              "built-in LSA or an API (Embeddings menu).")
        .arg(row->name, row->embedder);
}

bool MainWindow::applyGeneratedQueries(const TrainRequest &request, RunRequest &run, QString *note)
{
    const QString title = tr("Cannot train");
    if (const QString problem = generatedTrainingProblem(); !problem.isEmpty()) {
        showError(title, problem);
        return false;
    }
    auto set = loadGeneratedSet(request.generatedSet);
    if (!set) {
        showError(title, fromStd(set.error().toString()));
        return false;
    }
    if (request.withLabelled && run.spec.trainQueries.empty()) {
        showError(title, tr("Choose the file of labelled training queries (or train on the generated set only)."));
        return false;
    }
    const Row &row = *currentRow();
    run.generated = *set;
    if (const GeneratedSetInfo *info = findGeneratedSet(request.generatedSet))
        run.spec.generatedQueries = localPath(info->folder);
    if (!request.withLabelled)
        run.spec.trainQueries.clear();
    // Dev: the labelled dev file (the dialog's or the dataset's splits/dev.txt), else held-out
    // generated queries.
    if (row.embedder == QStringLiteral("lsa")) {
        run.spec.queryEmbedder = localPath(lsaModelDir(row)); // loaded there, or fitted again and saved there
    } else {
        RemoteRequest remote = savedRemoteRequest();
        const QJsonObject service =
            QJsonDocument::fromJson(row.configKey.mid(int(qstrlen("openai:"))).toUtf8()).object();
        remote.settings.baseUrl = service.value(QStringLiteral("base_url")).toString();
        remote.settings.model = service.value(QStringLiteral("model")).toString();
        remote.settings.dimensions = service.value(QStringLiteral("dimensions")).toInt();
        remote.settings.cacheDir = QDir(m_cacheRoot).filePath(QStringLiteral(".remote-requests"));
        run.queryEmbedder = remoteQueryEmbedder(std::move(remote));
    }
    *note = tr("\ntraining queries: %1generated set %2 (%3 queries, %4)%5")
                .arg(request.withLabelled ? tr("labelled + ") : QString(), request.generatedSet)
                .arg((*set)->queries.size())
                .arg(fromStd((*set)->generator))
                .arg(run.spec.devQueries.empty() ? tr("; dev: held-out generated queries") : QString());
    return true;
}

} // namespace embtune::gui
