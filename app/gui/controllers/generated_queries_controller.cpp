#include "controllers/generated_queries_controller.h"

#include "dataset_context.h"
#include "dialogs/synth_dialog.h"
#include "feedback.h"
#include "generated_queries_panel.h"
#include "generated_set_list.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/job_progress.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QToolBar>

namespace embtune::gui {

namespace {

const QString kGeneratedExportKey = QStringLiteral("paths/generatedExportParent");

} // namespace

GeneratedQueriesController::GeneratedQueriesController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    createAction();
    createPanel();
    connect(m_ctx.generatedSets, &GeneratedSetList::changed, this, &GeneratedQueriesController::showSets);
    connect(m_ctx.dataset, &DatasetContext::datasetChanged, this, &GeneratedQueriesController::refresh);
    connect(m_ctx.dataset, &DatasetContext::datasetChanged, this, &GeneratedQueriesController::updateAction);
    connect(m_ctx.jobs, &JobRunner::busyChanged, this, &GeneratedQueriesController::updateAction);
    showSets();
    updateAction();
}

QString GeneratedQueriesController::tabTitle()
{
    return tr("Generated &Queries");
}

QString GeneratedQueriesController::tabToolTip()
{
    return tr("Generated training-query sets of the dataset: generate, browse (query and source "
              "document), export as BEIR, delete; train on them from the Train dialog");
}

void GeneratedQueriesController::createAction()
{
    m_generateAction = new QAction(tr("&Generate Training Queries..."), this);
    m_generateAction->setObjectName(QStringLiteral("actionGenerateQueries"));
    m_generateAction->setToolTip(tr("Generate training queries from the documents (ICT sentences, titles, "
                                    "keyphrases or a chat model's questions) for training without labels"));
    m_generateAction->setStatusTip(m_generateAction->toolTip());
    m_generateAction->setIconText(tr("Generate"));
    connect(m_generateAction, &QAction::triggered, this, &GeneratedQueriesController::showGenerateQueriesDialog);
}

void GeneratedQueriesController::createPanel()
{
    m_panel = new widgets::GeneratedQueriesPanel(m_ctx.window);
    m_panel->setObjectName(QStringLiteral("generatedQueriesPanel"));
    m_panel->toolBar()->addAction(m_generateAction);
    m_panel->toolBar()->addSeparator();
    m_panel->toolBar()->addAction(m_panel->exportAction());
    m_panel->toolBar()->addAction(m_panel->deleteAction());
    connect(m_panel, &widgets::GeneratedQueriesPanel::currentSetChanged, this,
            &GeneratedQueriesController::browseGeneratedSet);
    connect(m_panel, &widgets::GeneratedQueriesPanel::exportRequested, this, &GeneratedQueriesController::chooseExport);
    connect(m_panel, &widgets::GeneratedQueriesPanel::deleteRequested, this,
            &GeneratedQueriesController::confirmDelete);
}

void GeneratedQueriesController::updateAction()
{
    m_generateAction->setEnabled(!m_ctx.jobs->isBusy() && m_ctx.dataset->hasDataset());
}

void GeneratedQueriesController::chooseExport(const QString &name)
{
    const QString parent = m_ctx.settings->value(kGeneratedExportKey, QDir::homePath()).toString();
    const QString dir = QFileDialog::getExistingDirectory(
        m_ctx.window, tr("Export \"%1\" as a BEIR Folder (an empty or new folder)").arg(name), parent);
    if (dir.isEmpty())
        return;
    if (m_ctx.options.saveSettings)
        m_ctx.settings->setValue(kGeneratedExportKey, QFileInfo(dir).absolutePath());
    exportGeneratedSet(name, dir);
}

void GeneratedQueriesController::confirmDelete(const QString &name)
{
    auto *box = new QMessageBox(QMessageBox::Question, tr("Delete Generated Set"),
                                tr("Delete the generated set \"%1\"? Its queries are removed from disk.").arg(name),
                                QMessageBox::NoButton, m_ctx.window);
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
}

void GeneratedQueriesController::setGeneratedSetWorkspace(app::Workspace *workspace)
{
    m_ctx.generatedSets->store().setWorkspace(workspace);
    refresh();
}

GeneratedSetStore &GeneratedQueriesController::generatedSetStore()
{
    return m_ctx.generatedSets->store();
}

QStringList GeneratedQueriesController::generatedSetNames() const
{
    return m_ctx.generatedSets->names();
}

void GeneratedQueriesController::refresh()
{
    if (engine::Status listed = m_ctx.generatedSets->refresh(); !listed)
        m_ctx.feedback->showError(tr("Cannot list generated query sets"), fromStd(listed.error().toString()));
}

void GeneratedQueriesController::showSets()
{
    QList<widgets::GeneratedSetRow> rows;
    for (const GeneratedSetInfo &info : m_ctx.generatedSets->sets()) {
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
    m_panel->setSets(rows);
}

void GeneratedQueriesController::browseGeneratedSet(const QString &name)
{
    if (name.isEmpty()) {
        m_panel->showSet(nullptr, nullptr);
        return;
    }
    auto set = m_ctx.generatedSets->load(name);
    if (!set) {
        m_panel->showSet(nullptr, nullptr);
        m_ctx.feedback->showError(tr("Cannot read the generated set"), fromStd(set.error().toString()));
        return;
    }
    m_panel->showSet(m_ctx.dataset->dataset(), *set);
}

void GeneratedQueriesController::showGenerateQueriesDialog()
{
    if (m_ctx.jobs->refuse(tr("Cannot generate queries"), !m_ctx.dataset->hasDataset()))
        return;
    auto *dialog = new SynthDialog(m_ctx.dataset->dataset()->docCount(), generatedSetNames(), m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { generateQueries(dialog->request()); });
    dialog->open();
}

bool GeneratedQueriesController::generateQueries(const SynthRequest &request)
{
    const QString title = tr("Cannot generate queries");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    if (const QString problem = GeneratedSetStore::nameProblem(request.name); !problem.isEmpty()) {
        m_ctx.feedback->showError(title, problem);
        return false;
    }
    if (m_ctx.generatedSets->find(request.name)) {
        m_ctx.feedback->showError(title, tr("There is already a generated set named \"%1\".").arg(request.name));
        return false;
    }
    SynthRequest job = request;
    // The llm generator's answer cache (resume without paying twice), hidden from the set list.
    job.llm.cacheDir = QDir(m_ctx.dataset->cacheRoot()).filePath(QStringLiteral(".llm-questions"));
    if (job.options.generator != "llm") {
        startQueryGeneration(job, nullptr);
        return true;
    }
    const auto dataset = m_ctx.dataset->dataset();
    JobProgress *progress = m_ctx.jobs->begin(tr("Preparing %1").arg(request.name));
    m_ctx.jobs->watch(planLlmAsync(dataset, job, progress), [this, job, dataset](const LlmPlanJobResult &result) {
        if (dataset != m_ctx.dataset->dataset() || m_ctx.jobs->handleError(result.error, tr("Cannot generate queries")))
            return;
        const net::LlmEstimate &estimate = result.value->estimate;
        std::shared_ptr<net::LlmQueryGenerator> generator = result.value->generator;
        QString details = tr("%1 documents (%2 already answered in the cache): %3 requests, about %4 tokens")
                              .arg(count(estimate.documents), count(estimate.cachedDocuments),
                                   count(estimate.requests), count(estimate.estimatedTokens));
        if (job.llm.pricePerMillionTokens > 0)
            details += tr(", estimated cost %1").arg(estimate.estimatedCost, 0, 'f', 4);
        if (!estimate.needsConfirmation(job.confirmAbove)) {
            m_ctx.feedback->showStatus(details);
            startQueryGeneration(job, generator);
            return;
        }
        auto *box = new QMessageBox(QMessageBox::Question, tr("Generate Training Queries"),
                                    tr("The estimated cost of generating \"%1\" with %2 is %3, above your limit of "
                                       "%4. Start the job?")
                                        .arg(job.name, job.llm.model)
                                        .arg(estimate.estimatedCost, 0, 'f', 4)
                                        .arg(job.confirmAbove, 0, 'f', 4),
                                    QMessageBox::NoButton, m_ctx.window);
        box->setObjectName(QStringLiteral("confirmCostBox"));
        box->setInformativeText(details);
        QPushButton *start = box->addButton(tr("Start"), QMessageBox::AcceptRole);
        start->setObjectName(QStringLiteral("confirmCostButton"));
        box->addButton(QMessageBox::Cancel);
        box->setDefaultButton(QMessageBox::Cancel);
        box->setAttribute(Qt::WA_DeleteOnClose);
        // The generator (and its key) lives as long as this connection: until the box is closed.
        connect(box, &QMessageBox::buttonClicked, this, [this, start, job, generator](QAbstractButton *button) {
            if (button == start && !m_ctx.jobs->isBusy())
                startQueryGeneration(job, generator);
            else
                m_ctx.feedback->showStatus(tr("Not started: the estimated cost is above the limit"));
        });
        box->open();
    });
    return true;
}

void GeneratedQueriesController::startQueryGeneration(const SynthRequest &request,
                                                      std::shared_ptr<net::LlmQueryGenerator> llm)
{
    const auto dataset = m_ctx.dataset->dataset();
    JobProgress *progress = m_ctx.jobs->begin(tr("Generating %1").arg(request.name));
    m_ctx.jobs->watch(
        generateQueriesAsync(dataset, request, std::move(llm), progress),
        [this, name = request.name, dataset](const SynthJobResult &result) {
            if (dataset != m_ctx.dataset->dataset() ||
                m_ctx.jobs->handleError(result.error, tr("Cannot generate queries")))
                return;
            auto stored = m_ctx.generatedSets->store().store(name, *result.value, *dataset);
            if (!stored) {
                m_ctx.feedback->showError(tr("Cannot store the generated queries"), fromStd(stored.error().toString()));
                return;
            }
            refresh();
            emit tabWanted();
            m_panel->selectSet(name);
            m_ctx.feedback->showStatus(tr("%1: %2 queries from %3 documents in %4 s")
                                           .arg(name, count(qint64(result.value->queries.size())),
                                                count(result.value->documentsWithQueries()))
                                           .arg(result.seconds, 0, 'f', 2));
            emit queriesGenerated(name);
        });
}

bool GeneratedQueriesController::exportGeneratedSet(const QString &name, const QString &dir)
{
    const QString title = tr("Cannot export the generated set");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    auto set = m_ctx.generatedSets->load(name);
    if (!set) {
        m_ctx.feedback->showError(title, fromStd(set.error().toString()));
        return false;
    }
    JobProgress *progress = m_ctx.jobs->begin(tr("Exporting %1").arg(name));
    m_ctx.jobs->watch(exportGeneratedSetAsync(m_ctx.dataset->dataset(), *set, dir, progress),
                      [this, name](const GeneratedExportJobResult &result) {
                          if (m_ctx.jobs->handleError(result.error, tr("Cannot export the generated set")))
                              return;
                          m_ctx.feedback->showStatus(tr("Exported %1 as a BEIR folder: %2")
                                                         .arg(name, QDir::toNativeSeparators(*result.value)));
                          emit generatedSetExported(*result.value);
                      });
    return true;
}

bool GeneratedQueriesController::deleteGeneratedSet(const QString &name)
{
    const QString title = tr("Cannot delete the generated set");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->hasDataset()))
        return false;
    const GeneratedSetInfo *info = m_ctx.generatedSets->find(name);
    if (!info) {
        m_ctx.feedback->showError(title, tr("There is no generated set named \"%1\".").arg(name));
        return false;
    }
    if (engine::Status s = m_ctx.generatedSets->store().remove(*info); !s) {
        m_ctx.feedback->showError(title, fromStd(s.error().toString()));
        return false;
    }
    refresh();
    m_ctx.feedback->showStatus(tr("Deleted the generated set %1").arg(name));
    emit generatedSetDeleted(name);
    return true;
}

} // namespace embtune::gui
