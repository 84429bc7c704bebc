#include "command_line_run.h"

#include "analysis_view.h"
#include "controllers/analysis_controller.h"
#include "controllers/compare_controller.h"
#include "controllers/embeddings_controller.h"
#include "controllers/evaluation_controller.h"
#include "controllers/explorer_controller.h"
#include "controllers/fusion_controller.h"
#include "controllers/training_controller.h"
#include "controllers/welcome_controller.h"
#include "controllers/workspace_controller.h"
#include "dataset_context.h"
#include "dialogs/fusion_dialog.h"
#include "feedback.h"
#include "job_runner.h"
#include "main_window.h"
#include "run_store.h"

#include <QDir>
#include <QFileInfo>
#include <QDockWidget>
#include <QComboBox>
#include <QPixmap>
#include <QSplitter>
#include <QPushButton>
#include <QTimer>

#include <algorithm>
#include <memory>

namespace embtune::gui {

QString CommandLineRequest::validate() const
{
    const bool hasVectors = !embeddings.isEmpty() || !computeLsaDims.isEmpty();
    if (analysis && !evaluate && train.isEmpty())
        return QStringLiteral("--analysis needs a run: --evaluate or --train");
    if (!embeddings.isEmpty() && dataset.isEmpty())
        return QStringLiteral("--embeddings needs --dataset");
    for (int dim : computeLsaDims)
        if (dim <= 0)
            return QStringLiteral("--compute-lsa takes positive dimensions");
    if (!computeLsaDims.isEmpty() && dataset.isEmpty())
        return QStringLiteral("--compute-lsa needs --dataset");
    if (evaluate && (dataset.isEmpty() || !hasVectors))
        return QStringLiteral("--evaluate needs --dataset and --embeddings (or --compute-lsa)");
    if (!train.isEmpty() && (dataset.isEmpty() || !hasVectors))
        return QStringLiteral("--train needs --dataset and --embeddings (or --compute-lsa)");
    if (bm25 && dataset.isEmpty())
        return QStringLiteral("--bm25 needs --dataset");
    if (!split.isEmpty() && !evaluate && !bm25 && train.isEmpty())
        return QStringLiteral("--split is used with --evaluate, --bm25 or --train");
    if (!view.isEmpty() && view != QStringLiteral("dataset") && view != QStringLiteral("embeddings") &&
        view != QStringLiteral("runs") && view != QStringLiteral("compare") && view != QStringLiteral("explorer") &&
        view != QStringLiteral("fuse"))
        return QStringLiteral("--view is dataset, embeddings, runs, compare, explorer or fuse");
    if ((fuse || view == QStringLiteral("fuse")) && dataset.isEmpty())
        return QStringLiteral("--fuse and --view fuse need --dataset and two runs (e.g. --bm25 and --train)");
    for (const QString &backend : search)
        if (backend != QStringLiteral("exact") && backend != QStringLiteral("hnsw"))
            return QStringLiteral("--search takes exact and/or hnsw");
    if (!search.isEmpty() && !evaluate)
        return QStringLiteral("--search is used with --evaluate");
    for (const QString &method : train)
        if (method.isEmpty())
            return QStringLiteral("--train takes a method id (e.g. nudge-n)");
    if (!params.isEmpty() && train.isEmpty())
        return QStringLiteral("--param is used with --train");
    for (const QString &param : params)
        if (param.indexOf(QLatin1Char('=')) <= 0)
            return QStringLiteral("--param takes name=value, not \"%1\"").arg(param);
    return {};
}

CommandLineRun::CommandLineRun(MainWindow *window, CommandLineRequest request, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_request(std::move(request))
{
    connect(m_window->welcome(), &WelcomeController::datasetLoaded, this, &CommandLineRun::next);
    connect(m_window->embeddings(), &EmbeddingsController::embeddingsLoaded, this, &CommandLineRun::next);
    connect(m_window->embeddings(), &EmbeddingsController::embeddingsComputed, this, &CommandLineRun::next);
    connect(m_window->evaluation(), &EvaluationController::evaluationFinished, this, &CommandLineRun::next);
    connect(m_window->training(), &TrainingController::trainingFinished, this, &CommandLineRun::next);
    connect(m_window->fusion(), &FusionController::fusionFinished, this, &CommandLineRun::next);
    connect(m_window->analysis(), &AnalysisController::analysisFinished, this, &CommandLineRun::next);
    connect(m_window->analysis(), &AnalysisController::oodReportFinished, this, &CommandLineRun::next);
    connect(m_window->feedback(), &Feedback::errorShown, this, &CommandLineRun::fail);
    connect(m_window->jobs(), &JobRunner::cancelled, this, [this] { fail(QStringLiteral("cancelled")); });
    connect(m_window->training(), &TrainingController::trainingCancelled, this,
            [this] { fail(QStringLiteral("cancelled")); });
}

void CommandLineRun::start()
{
    if (const QString problem = m_request.validate(); !problem.isEmpty()) {
        fail(problem);
        return;
    }
    if (!m_request.workspace.isEmpty())
        m_steps.push_back([this] {
            // Restoring a workspace may open its dataset: wait for the whole restore.
            m_waiting = true;
            auto *connection = new QMetaObject::Connection;
            *connection = connect(m_window->workspace(), &WorkspaceController::workspaceRestored, this, [this, connection] {
                disconnect(*connection);
                delete connection;
                m_waiting = false;
                continueSoon();
            });
            const QDir dir(m_request.workspace);
            const bool ok = dir.exists() && !dir.isEmpty() ? m_window->workspace()->openWorkspace(m_request.workspace)
                                                           : m_window->workspace()->newWorkspace(m_request.workspace);
            return ok;
        });
    if (!m_request.dataset.isEmpty())
        m_steps.push_back([this] { return m_window->welcome()->openDataset(m_request.dataset); });
    if (!m_request.embeddings.isEmpty())
        m_steps.push_back([this] { return m_window->embeddings()->importEmbeddings(m_request.embeddings); });
    for (int dim : m_request.computeLsaDims)
        m_steps.push_back([this, dim] {
            engine::LsaOptions options;
            options.dim = dim;
            return m_window->embeddings()->computeLsa(options);
        });
    if (!m_request.split.isEmpty())
        m_steps.push_back([this] {
            if (!m_window->datasetContext()->setSplit(m_request.split)) {
                fail(QStringLiteral("the dataset has no split \"%1\"").arg(m_request.split));
                return true; // already reported
            }
            continueSoon();
            return true;
        });
    if (m_request.evaluate && m_request.search.isEmpty())
        m_steps.push_back([this] { return m_window->evaluation()->evaluate(); });
    if (m_request.evaluate)
        for (const QString &backend : m_request.search)
            m_steps.push_back([this, backend] {
                SearchSettings settings = m_window->evaluation()->searchSettings();
                settings.hnsw = backend == QStringLiteral("hnsw");
                m_window->evaluation()->setSearchSettings(settings);
                return m_window->evaluation()->evaluate();
            });
    if (m_request.bm25)
        m_steps.push_back([this] { return m_window->evaluation()->evaluateBm25(); });
    for (const QString &method : m_request.train)
        m_steps.push_back([this, method] {
            TrainRequest request;
            request.methodId = method;
            for (const QString &param : m_request.params)
                request.params[param.section(QLatin1Char('='), 0, 0).toStdString()] =
                    param.section(QLatin1Char('='), 1).toStdString();
            return m_window->training()->train(request);
        });
    if (m_request.fuse)
        m_steps.push_back([this] {
            const QStringList keys = m_window->runs()->keys();
            if (keys.size() < 2) {
                fail(QStringLiteral("--fuse needs two runs before it (e.g. --bm25 and --train)"));
                return true;
            }
            engine::FusionSettings fusion; // convex, z-score, depth 100, weights chosen on dev
            return m_window->fusion()->fuse({keys.front(), keys.back()}, fusion);
        });
    if (m_request.view == QStringLiteral("fuse"))
        m_steps.push_back([this] {
            const QStringList keys = m_window->runs()->keys();
            m_window->fusion()->showFuseDialog(keys.isEmpty() ? QStringList() : QStringList{keys.front(), keys.back()});
            FusionDialog *dialog = m_window->fusion()->dialog();
            if (!dialog)
                return false; // errorShown said why
            connect(dialog, &FusionDialog::devCurveShown, this, &CommandLineRun::continueSoon, Qt::SingleShotConnection);
            return true;
        });
    else if (m_request.view == QStringLiteral("compare") || m_request.view == QStringLiteral("explorer"))
        m_steps.push_back([this] {
            // The Compare tab once its significance markers are computed; the explorer on the
            // baseline against the last run, at the query with the largest gain.
            // The results get most of the width.
            if (auto *splitter = m_window->findChild<QSplitter *>(QStringLiteral("mainSplitter")))
                splitter->setSizes({430, std::max(splitter->width() - 430, 430)});
            if (m_request.view == QStringLiteral("explorer")) {
                m_window->explorer()->showQueryExplorer();
            } else {
                m_window->compare()->showCompare();
                // nDCG at k = 1, 3, 5, 10, 100, each with its delta: wide enough for both.
                if (auto *columns = m_window->findChild<QComboBox *>(QStringLiteral("metricColumnsCombo")))
                    columns->setCurrentIndex(1);
                if (auto *cells = m_window->findChild<QComboBox *>(QStringLiteral("cellTextCombo")))
                    cells->setCurrentIndex(1); // value and delta
            }
            if (!m_window->compare()->significancePending()) {
                continueSoon();
                return true;
            }
            auto connection = std::make_shared<QMetaObject::Connection>();
            *connection = connect(m_window->compare(), &CompareController::significanceUpdated, this, [this, connection] {
                disconnect(*connection);
                continueSoon();
            });
            return true;
        });
    else if (!m_request.view.isEmpty())
        m_steps.push_back([this] {
            m_window->showTab(m_request.view == QStringLiteral("runs")         ? 2
                              : m_request.view == QStringLiteral("embeddings") ? 1
                                                                               : 0);
            continueSoon();
            return true;
        });
    if (m_request.analysis) {
        m_steps.push_back([this] { return m_window->analysis()->showAnalysis(); });
        // A trained run: its OOD report too.
        m_steps.push_back([this] {
            if (m_window->analysis()->analysisView()->oodButton()->isEnabled())
                return m_window->analysis()->runOodReport();
            continueSoon();
            return true;
        });
    }
    next();
}

void CommandLineRun::continueSoon()
{
    QTimer::singleShot(0, this, &CommandLineRun::next);
}

void CommandLineRun::next()
{
    if (m_done || m_waiting)
        return;
    if (m_next < m_steps.size()) {
        // A step that cannot start has reported through errorShown (which calls fail()).
        if (!m_steps[m_next++]() && !m_done)
            fail(QStringLiteral("a step could not be started"));
        return;
    }
    if (!m_request.screenshot.isEmpty()) {
        // Let the last results lay out and paint before grabbing.
        QTimer::singleShot(250, this, &CommandLineRun::saveScreenshot);
        return;
    }
    succeed({});
}

void CommandLineRun::saveScreenshot()
{
    if (m_done)
        return;
    const QFileInfo target(m_request.screenshot);
    if (!QDir().mkpath(target.absolutePath())) {
        fail(QStringLiteral("cannot create the folder %1").arg(target.absolutePath()));
        return;
    }
    // With --analysis the analysis view (a window of its own when it floats) is the subject.
    QWidget *subject = m_window;
    if (m_request.analysis && m_window->analysis()->analysisDock()->isFloating())
        subject = m_window->analysis()->analysisDock();
    if (m_request.view == QStringLiteral("fuse") && m_window->fusion()->dialog())
        subject = m_window->fusion()->dialog();
    const QPixmap pixmap = subject->grab();
    if (pixmap.isNull() || !pixmap.save(target.absoluteFilePath())) {
        fail(QStringLiteral("cannot write the screenshot %1").arg(target.absoluteFilePath()));
        return;
    }
    succeed(QStringLiteral("saved %1 (%2x%3)").arg(target.absoluteFilePath()).arg(pixmap.width()).arg(pixmap.height()));
}

void CommandLineRun::fail(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    emit finished(1, message);
}

void CommandLineRun::succeed(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    emit finished(0, message);
}

} // namespace embtune::gui
