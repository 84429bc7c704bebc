#include "controllers/fusion_controller.h"

#include "dataset_context.h"
#include "dialogs/fusion_dialog.h"
#include "dialogs/train_dialog.h"
#include "feedback.h"
#include "gui_text.h"
#include "job_runner.h"
#include "jobs/run_jobs.h"
#include "run_store.h"

#include <QAction>

namespace embtune::gui {

namespace {

QString fusionMethodText(const engine::FusionSettings &fusion)
{
    const engine::FusionOptions &options = fusion.options;
    switch (options.method) {
    case engine::FusionMethod::Rrf:
        return QStringLiteral("RRF");
    case engine::FusionMethod::CombSum:
        return QStringLiteral("CombSUM, %1").arg(QString::fromLatin1(engine::scoreNormalizationName(options.normalization)));
    case engine::FusionMethod::CombMnz:
        return QStringLiteral("CombMNZ, %1").arg(QString::fromLatin1(engine::scoreNormalizationName(options.normalization)));
    case engine::FusionMethod::Convex:
        break;
    }
    return QStringLiteral("convex, %1").arg(QString::fromLatin1(engine::scoreNormalizationName(options.normalization)));
}

} // namespace

FusionController::FusionController(const GuiContext &context, QObject *parent)
    : QObject(parent), m_ctx(context)
{
    m_fuseRuns = new QAction(tr("&Fuse Runs…"), this);
    m_fuseRuns->setObjectName(QStringLiteral("actionFuseRuns"));
    m_fuseRuns->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    m_fuseRuns->setStatusTip(tr("Combine two or more runs (BM25, embeddings, tuned runs) into a hybrid run, its "
                                "weights chosen on the dev queries"));
    connect(m_fuseRuns, &QAction::triggered, this, [this] { showFuseDialog(m_selected ? m_selected() : QStringList()); });
    connect(m_ctx.runs, &RunStore::runAdded, this, &FusionController::updateActions);
    connect(m_ctx.runs, &RunStore::runRemoved, this, &FusionController::updateActions);
    connect(m_ctx.runs, &RunStore::cleared, this, &FusionController::updateActions);
    connect(m_ctx.jobs, &JobRunner::busyChanged, this, &FusionController::updateActions);
    connect(m_ctx.dataset, &DatasetContext::datasetChanged, this, [this] {
        if (m_dialog)
            m_dialog->reject(); // its runs are gone
        updateActions();
    });
    updateActions();
}

FusionDialog *FusionController::dialog() const { return m_dialog.data(); }

void FusionController::updateActions()
{
    int fusable = 0;
    for (const QString &key : m_ctx.runs->keys())
        if (whyNotFusable(key).isEmpty())
            ++fusable;
    m_fuseRuns->setEnabled(fusable >= 2 && !m_ctx.jobs->isBusy());
}

QString FusionController::whyNotFusable(const QString &key) const
{
    const RunRecord *record = m_ctx.runs->find(key);
    if (!record)
        return tr("no such run");
    if (!record->run)
        return tr("restored from the workspace without its vectors: make it again to fuse it");
    if (record->run->dataset != m_ctx.dataset->dataset())
        return tr("a run of another dataset");
    if (m_ctx.runs->splitOf(key) != m_ctx.dataset->split())
        return tr("evaluated on split \"%1\", not the current split \"%2\"").arg(m_ctx.runs->splitOf(key), m_ctx.dataset->split());
    return {};
}

void FusionController::showFuseDialog(const QStringList &checked)
{
    const QString title = tr("Cannot fuse runs");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->dataset()))
        return;
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    std::vector<FusionCandidate> candidates;
    for (const QString &key : m_ctx.runs->keys()) {
        const RunRecord *record = m_ctx.runs->find(key);
        candidates.push_back({key, record->name, record->report ? ndcg10Text(*record->report) : QString(), whyNotFusable(key)});
    }
    int fusable = 0;
    for (const FusionCandidate &candidate : candidates)
        fusable += candidate.whyNot.isEmpty() ? 1 : 0;
    if (fusable < 2) {
        m_ctx.feedback->showError(title, tr("Fusing needs two or more runs of split \"%1\" made in this session: "
                                            "evaluate BM25 (Run > Evaluate BM25), embeddings or a trained method first.")
                                             .arg(m_ctx.dataset->split()));
        return;
    }
    auto *dialog = new FusionDialog(candidates, checked, m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    connect(dialog, &FusionDialog::devCurveWanted, this, [this, dialog](int generation, const FusionDialogSettings &settings) {
        QString problem;
        engine::RunSpec spec = fusionSpec(settings.memberKeys, settings.fusion, settings.bm25OnDev, &problem);
        if (!problem.isEmpty()) {
            dialog->setDevCurveError(generation, problem);
            return;
        }
        std::vector<std::shared_ptr<const engine::RunResult>> members;
        for (const QString &key : settings.memberKeys)
            members.push_back(m_ctx.runs->find(key)->run);
        QPointer<FusionDialog> alive(dialog);
        m_ctx.jobs->watchSide(fusionDevCurveAsync(std::move(spec), std::move(members)),
                              [alive, generation](const FusionDevCurve &curve) {
                                  if (!alive)
                                      return;
                                  if (curve.error.isEmpty())
                                      alive->setDevCurve(generation, curve.choice, curve.devQueries);
                                  else
                                      alive->setDevCurveError(generation, curve.error);
                              });
    });
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const FusionDialogSettings settings = dialog->settings();
        fuse(settings.memberKeys, settings.fusion, settings.bm25OnDev);
    });
    dialog->show();
}

engine::RunSpec FusionController::fusionSpec(const QStringList &memberKeys, const engine::FusionSettings &fusion,
                                             bool bm25OnDev, QString *problem) const
{
    engine::RunSpec spec;
    if (memberKeys.size() < 2) {
        *problem = tr("Choose two or more runs.");
        return spec;
    }
    for (const QString &key : memberKeys)
        if (const QString why = whyNotFusable(key); !why.isEmpty()) {
            *problem = tr("%1: %2").arg(m_ctx.runs->find(key) ? m_ctx.runs->find(key)->name : key, why);
            return spec;
        }
    const engine::RunSpec &first = m_ctx.runs->find(memberKeys.front())->run->spec;
    spec.dataset = first.dataset;
    spec.base = engine::RunBase::Fusion;
    spec.split = m_ctx.dataset->split().toStdString();
    spec.ks = first.ks;
    spec.metrics = first.metrics;
    spec.ignoreSameId = first.ignoreSameId;
    spec.fusion = fusion;
    // The dev list the weights are chosen on: a trained member's, else the dataset's splits/dev.txt.
    for (const QString &key : memberKeys) {
        engine::RunSpec member = m_ctx.runs->find(key)->run->spec;
        if (member.base == engine::RunBase::Bm25)
            member.bm25.chooseOnDev = bm25OnDev && fusion.weights.empty();
        spec.members.push_back(member);
        if (spec.devQueries.empty() && !member.devQueries.empty())
            spec.devQueries = member.devQueries, spec.trainQueries = member.trainQueries;
    }
    if (spec.devQueries.empty())
        spec.devQueries = localPath(TrainDialog::defaultQueryFile(m_ctx.dataset->path(), QStringLiteral("dev")));
    const bool chooses = fusion.weights.empty() || (fusion.options.method == engine::FusionMethod::Rrf && fusion.options.rrfK == 0);
    if (chooses && spec.devQueries.empty())
        *problem = tr("The weights are chosen on the dev queries, and the dataset has no splits/dev.txt: set the "
                      "weights by hand.");
    return spec;
}

bool FusionController::fuse(const QStringList &memberKeys, const engine::FusionSettings &fusion, bool bm25OnDev)
{
    const QString title = tr("Cannot fuse runs");
    if (m_ctx.jobs->refuse(title, !m_ctx.dataset->dataset()))
        return false;
    QString problem;
    engine::RunSpec spec = fusionSpec(memberKeys, fusion, bm25OnDev, &problem);
    if (!problem.isEmpty()) {
        m_ctx.feedback->showError(title, problem);
        return false;
    }
    std::vector<std::shared_ptr<const engine::RunResult>> members;
    QStringList names;
    for (const QString &key : memberKeys) {
        const RunRecord *record = m_ctx.runs->find(key);
        members.push_back(record->run);
        names << record->name;
    }
    const QString split = m_ctx.dataset->split();
    const auto dataset = m_ctx.dataset->dataset();
    JobProgress *progress = m_ctx.jobs->begin(tr("Fusing %1").arg(names.join(QStringLiteral(" + "))));
    m_ctx.jobs->watch(fuseAsync(std::move(spec), std::move(members), progress),
                      [this, names, split, dataset](const FusionJobResult &result) {
                          if (dataset != m_ctx.dataset->dataset())
                              return;
                          if (m_ctx.jobs->handleError(result.error, tr("Fusion failed")))
                              return;
                          const engine::RunResult &run = *result.value->run;
                          const engine::FusionRecord &fusion = *run.fusion;
                          RunRecord record;
                          record.name = m_ctx.runs->uniqueName(tr("Fusion: %1").arg(names.join(QStringLiteral(" + "))));
                          record.report = std::shared_ptr<const engine::EvaluationReport>(result.value->run, &run.evaluation);
                          record.run = result.value->run;
                          record.methodId = QStringLiteral("fusion");
                          record.specJson = fromStd(engine::runSpecToJson(run.spec));
                          record.warnings = result.warnings;
                          QStringList weights;
                          for (size_t i = 0; i < fusion.choice.weights.size(); ++i) {
                              weights << tr("%1 %2").arg(names.value(int(i))).arg(fusion.choice.weights[i], 0, 'f', 2);
                              if (const engine::RunResult &member = *fusion.members[i]; member.bm25)
                                  weights.last() += tr(" (k1 %1, b %2%3)")
                                                        .arg(member.spec.bm25.k1)
                                                        .arg(member.spec.bm25.b)
                                                        .arg(member.spec.bm25.chooseOnDev ? tr(", chosen on dev") : QString());
                          }
                          record.description =
                              tr("Fusion (%1) of %2 runs, depth %3\nweights: %4%5\n%6; split %7, %8 queries")
                                  .arg(fusionMethodText(run.spec.fusion))
                                  .arg(names.size())
                                  .arg(run.spec.fusion.options.depth)
                                  .arg(weights.join(QStringLiteral(", ")),
                                       fusion.choice.rrfK > 0 ? tr("; RRF k %1").arg(fusion.choice.rrfK) : QString(),
                                       fusion.chosenOnDev
                                           ? tr("chosen on %1 dev queries (dev nDCG@10 %2)")
                                                 .arg(fusion.devQueries)
                                                 .arg(fusion.choice.devScore, 0, 'f', 4)
                                           : tr("weights set by hand"),
                                       split, count(qint64(run.evaluation.metrics.queries.size())));
                          m_ctx.runs->setLastEvaluation(record.report);
                          const QString key = m_ctx.runs->add(QStringLiteral("fusion:%1").arg(++m_fusedCount),
                                                              std::move(record), split);
                          m_ctx.runs->setCurrentKey(key);
                          m_ctx.feedback->showStatus(tr("Fused %1: nDCG@10 = %2")
                                                         .arg(names.join(QStringLiteral(" + ")),
                                                              ndcg10Text(*m_ctx.runs->find(key)->report)));
                          emit fusionFinished(key);
                      });
    return true;
}

} // namespace embtune::gui
