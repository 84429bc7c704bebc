// The Runs tab and HNSW search in the GUI, on a synthetic dataset the test writes (2,000
// documents, 32-d clustered vectors, queries near a relevant document through a fixed linear
// distortion a linear adapter can learn): training keeps the event loop responsive (a 5 ms
// timer on the GUI thread never waits over 50 ms during a whole run), cancel mid-epoch ends the
// run as cancelled within a second and adds nothing to the comparison, two queued runs with one
// at a time run one after the other and both reach the comparison, the live chart follows the
// epochs; Evaluate with HNSW through the dialog matches exact search and shows ANN recall, and
// Save Index writes the hnswlib file and its sidecar.

#include "command_line_run.h"
#include "jobs/training_queue.h"
#include "main_window.h"
#include "metrics_table_model.h"
#include "training_chart_view.h"
#include "training_runs_model.h"
#include "training_runs_panel.h"

#include "dialogs/evaluate_dialog.h"
#include "io/npy.h"
#include "parameter_form.h"
#include "support/gui_test_support.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QtCharts/QLineSeries>

#include <cmath>
#include <ctime>
#include <random>

using embtune::gui::MainWindow;
using namespace embtune::test;
using embtune::gui::TrainRequest;
using embtune::widgets::TrainingRunRow;
using embtune::widgets::TrainingRunsModel;
namespace engine = embtune::engine;

namespace {

constexpr int kTimeoutMs = 120000;
constexpr int kDocs = 2000, kDim = 32, kTrain = 400, kDev = 100, kTest = 200;

// BEIR folder with splits/{train,dev}.txt, qrels/{train,test}.tsv and embeddings/syn (npy).
// Query i is relevant to document 5 i; its vector is a fixed linear distortion of that
// document's vector plus noise, so exact search is imperfect and a linear adapter improves it.
bool writeSyntheticDataset(const QString &dir)
{
    std::mt19937 random(7);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const int queries = kTrain + kDev + kTest;
    std::vector<float> centres(size_t(40 * kDim));
    for (float &v : centres)
        v = normal(random);
    std::vector<float> docs(size_t(kDocs) * kDim);
    QByteArray corpus;
    std::vector<std::string> docIds;
    for (int d = 0; d < kDocs; ++d) {
        for (int c = 0; c < kDim; ++c)
            docs[size_t(d) * kDim + c] = centres[size_t(d % 40) * kDim + c] + 0.6f * normal(random);
        docIds.push_back(QStringLiteral("d%1").arg(d).toStdString());
        corpus += "{\"_id\": \"d" + QByteArray::number(d) + "\", \"title\": \"Document " + QByteArray::number(d) +
                  "\", \"text\": \"synthetic text " + QByteArray::number(d % 40) + "\"}\n";
    }
    // Distortion: the first half of the coordinates mixed with a rotation of itself, the rest scaled.
    std::vector<float> qs(size_t(queries) * kDim);
    QByteArray queriesJson, train = "query-id\tcorpus-id\tscore\n", test = train, trainList, devList;
    std::vector<std::string> queryIds;
    for (int q = 0; q < queries; ++q) {
        const int doc = (q * 5) % kDocs;
        const float *x = &docs[size_t(doc) * kDim];
        for (int c = 0; c < kDim; ++c) {
            const float distorted = c < kDim / 2 ? x[c] + 0.8f * x[(c + 3) % (kDim / 2)] : 0.6f * x[c];
            qs[size_t(q) * kDim + c] = distorted + 0.45f * normal(random);
        }
        const QByteArray id = "q" + QByteArray::number(q);
        queryIds.push_back(id.toStdString());
        queriesJson += "{\"_id\": \"" + id + "\", \"text\": \"query " + QByteArray::number(q) + "\"}\n";
        const QByteArray line = id + "\td" + QByteArray::number(doc) + "\t1\n";
        if (q < kTrain + kDev)
            train += line;
        else
            test += line;
        (q < kTrain ? trainList : devList) += q < kTrain + kDev ? id + "\n" : QByteArray();
    }
    return writeText(dir + "/corpus.jsonl", corpus) && writeText(dir + "/queries.jsonl", queriesJson) &&
           writeText(dir + "/qrels/train.tsv", train) && writeText(dir + "/qrels/test.tsv", test) &&
           writeText(dir + "/splits/train.txt", trainList) && writeText(dir + "/splits/dev.txt", devList) &&
           QDir().mkpath(dir + "/embeddings/syn") &&
           writeMatrix(dir + "/embeddings/syn/corpus.npy", kDocs, kDim, docs) &&
           writeIds(dir + "/embeddings/syn/corpus_ids.txt", docIds) &&
           writeMatrix(dir + "/embeddings/syn/queries.npy", queries, kDim, qs) &&
           writeIds(dir + "/embeddings/syn/query_ids.txt", queryIds);
}

double ndcg10(const MainWindow &window, const QString &runKey)
{
    const auto *model = window.runs()->metricsModel();
    const int row = model->rowOfRun(runKey);
    return row < 0 ? -1 : model->value(row, engine::Metric::Ndcg, 10).value_or(-1);
}

TrainRequest linearRequest(int epochs, int batchSize)
{
    TrainRequest request;
    request.methodId = QStringLiteral("linear");
    request.params = {{"epochs", std::to_string(epochs)}, {"batch_size", std::to_string(batchSize)},
                      {"threads", "1"}, {"lr", "0.01"}};
    return request;
}

// Largest gap between ticks of a 5 ms timer on the GUI thread while it runs.
class StallMeter : public QObject {
public:
    StallMeter()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (now - m_last > 20000000)
                m_gaps.append(
                    QStringLiteral("%1 ms at %2").arg((now - m_last) / 1e6, 0, 'f', 1).arg(now / 1e6, 0, 'f', 0));
            m_maxGapNs = std::max(m_maxGapNs, now - m_last);
            m_last = now;
            ++m_ticks;
        });
    }
    void start()
    {
        m_cpuStart = threadCpuMs();
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    void stop()
    {
        m_cpuMs = threadCpuMs() - m_cpuStart;
        m_timer.stop();
        const qint64 now = m_clock.nsecsElapsed();
        m_maxGapNs = std::max(m_maxGapNs, now - m_last);
    }
    // CPU time the GUI thread used between start() and stop().
    double guiCpuMs() const { return m_cpuMs; }
    double maxGapMs() const { return double(m_maxGapNs) / 1e6; }
    double elapsedMs() const { return double(m_clock.nsecsElapsed()) / 1e6; }
    int ticks() const { return m_ticks; }
    // Gaps over 20 ms: "<gap> ms at <time since start> ms".
    QStringList longGaps() const { return m_gaps; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    static double threadCpuMs()
    {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
    }

    qint64 m_last = 0, m_maxGapNs = 0;
    double m_cpuStart = 0, m_cpuMs = 0;
    QStringList m_gaps;
    int m_ticks = 0;
};

} // namespace

class TestGuiRuns : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void trainingKeepsEventLoopResponsive();
    void cancelMidEpoch();
    void queuedRunsOneAtATime();
    void hnswEvaluationThroughDialog();
    void trainingRunsModelCurve();
    void failedRunShowsError();
    void cancelHnswBuild();
    void commandLineSearchAndRunsView();

private:
    std::unique_ptr<MainWindow> openWindow();

    QTemporaryDir m_dir;
    QString m_dataset;
    QString m_settings;
};

void TestGuiRuns::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataset = m_dir.filePath(QStringLiteral("synthetic"));
    QVERIFY(writeSyntheticDataset(m_dataset));
    m_settings = m_dir.filePath(QStringLiteral("settings.ini"));
    qputenv("EMBTUNE_CACHE_DIR", QFile::encodeName(m_dir.filePath(QStringLiteral("cache"))));
}

void TestGuiRuns::cleanup()
{
    closeTopLevel<QMessageBox>();
    QFile::remove(m_settings);
}

std::unique_ptr<MainWindow> TestGuiRuns::openWindow()
{
    MainWindow::Options options = windowOptions(m_settings);
    options.restoreWindow = false;
    auto window = makeWindow(options);
    if (!openAndWait(*window, m_dataset, kTimeoutMs) ||
        !importAndWait(*window, m_dataset + QStringLiteral("/embeddings/syn"), kTimeoutMs)) {
        qWarning("could not open the synthetic dataset");
        return nullptr;
    }
    return window;
}

void TestGuiRuns::trainingKeepsEventLoopResponsive()
{
    auto window = openWindow();
    QVERIFY(window);
    QSignalSpy finished(window->training(), &embtune::gui::TrainingController::trainingFinished);
    QSignalSpy queued(window->training(), &embtune::gui::TrainingController::trainingQueued);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    const int epochs = 150;

    // The Runs tab with its live chart is on screen (laid out and painted once before the run).
    window->showTab(2);
    QVERIFY(window->training()->runsPanel()->chart()->isVisible());
    QTest::qWait(100);

    // Measured over the whole run: queueing, every epoch, the evaluation of the tuned vectors and
    // adding the run to the table and the curves.
    StallMeter meter;
    const QSize sizeBefore = window->size();
    meter.start();
    QVERIFY(window->training()->train(linearRequest(epochs, 2)));
    const double queuedAt = meter.elapsedMs();
    QVERIFY(QTest::qWaitFor([&] { return finished.count() + errors.count() > 0; }, kTimeoutMs));
    qInfo("queued at %.0f ms, finished at %.0f ms", queuedAt, meter.elapsedMs());
    QTest::qWait(100); // what the GUI does right after
    meter.stop();
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    qInfo("training run: %.0f ms, GUI thread CPU %.0f ms, %d timer ticks, largest event-loop stall %.1f ms; gaps "
          "over 20 ms: %s",
          meter.elapsedMs(), meter.guiCpuMs(), meter.ticks(), meter.maxGapMs(),
          qPrintable(meter.longGaps().join(QStringLiteral(", "))));
    QVERIFY2(meter.elapsedMs() > 500, "the run is too short to measure the event loop");
    QVERIFY2(embtune::test::meetsTimingTarget("gui_training_stall", meter.maxGapMs(), 50.0),
             qPrintable(QStringLiteral("event loop stalled %1 ms").arg(meter.maxGapMs())));
    // Adding the run lays out the comparison again but never widens the window (a long path in
    // the run's details once did, and repainting the whole wider window stalled the event loop).
    QCOMPARE(window->size(), sizeBefore);

    // The run: finished, every epoch in the model and on the chart, in the comparison beside the baseline.
    const QString key = queued.first().first().toString();
    const TrainingRunRow *row = window->context().trainingRuns->find(key);
    QVERIFY(row);
    QCOMPARE(row->status, TrainingRunRow::Status::Finished);
    QCOMPARE(row->curve.size(), epochs + 1); // epoch 0 (before training) .. epochs
    QCOMPARE(row->curve.first().epoch, 0);
    QCOMPARE(row->curve.last().epoch, epochs);
    QVERIFY(std::isfinite(row->curve.last().loss) && row->curve.last().loss > 0);
    QVERIFY(std::isfinite(row->examplesPerSecond) && row->examplesPerSecond > 0);
    auto *chart = window->training()->runsPanel()->chart();
    QCOMPARE(chart->runKey(), key);
    QCOMPARE(chart->devNdcgSeries()->count(), epochs + 1);
    QCOMPARE(chart->lossSeries()->count(), epochs); // no loss before training
    QCOMPARE(chart->devNdcgSeries()->at(epochs).y(), row->curve.last().devNdcg10);
    // Coalesced: far fewer redraws than progress reports (one per step and epoch).
    QVERIFY2(chart->redrawCount() <= epochs + 5, qPrintable(QString::number(chart->redrawCount())));

    const QString runKey = finished.first().first().toString();
    QCOMPARE(window->runs()->keys().size(), 2); // baseline + tuned
    QCOMPARE(row->comparisonKey, runKey);
    const double baseline = ndcg10(*window, window->runs()->keys().first());
    const double tuned = ndcg10(*window, runKey);
    qInfo("synthetic test nDCG@10: baseline %.4f, linear %.4f", baseline, tuned);
    QVERIFY(tuned > baseline + 0.02);
    QVERIFY(!window->training()->hasActiveTraining());
    QVERIFY(window->welcome()->openDatasetAction()->isEnabled());
}

void TestGuiRuns::cancelMidEpoch()
{
    auto window = openWindow();
    QVERIFY(window);
    QSignalSpy finished(window->training(), &embtune::gui::TrainingController::trainingFinished);
    QSignalSpy cancelled(window->training(), &embtune::gui::TrainingController::trainingCancelled);
    QSignalSpy queued(window->training(), &embtune::gui::TrainingController::trainingQueued);
    const QStringList runsBefore = window->runs()->keys();

    // Batches of 4 over 400 pairs: 100 steps per epoch, a long run.
    const int stepsPerEpoch = kTrain / 4;
    QVERIFY(window->training()->train(linearRequest(2000, 4)));
    const QString key = queued.first().first().toString();
    const TrainingRunsModel *model = window->context().trainingRuns;
    // Opening a dataset is refused while the run is active.
    QVERIFY(!window->welcome()->openDatasetAction()->isEnabled());
    // Wait for the first epoch to finish and the second to be under way, between two epochs' ends.
    QVERIFY(QTest::qWaitFor(
        [&] {
            const TrainingRunRow *row = model->find(key);
            return row && row->epoch >= 1 && row->done > stepsPerEpoch && row->done % stepsPerEpoch != 0 &&
                   row->done % stepsPerEpoch < stepsPerEpoch - 20;
        },
        kTimeoutMs));
    QToolButton *cancel = window->training()->runsPanel()->cancelButton(key);
    QVERIFY(cancel && cancel->isVisible());
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return model->find(key)->status == TrainingRunRow::Status::Cancelled; }, 5000));
    const qint64 ms = clock.elapsed();
    qInfo("cancelled mid-epoch (step %lld) in %lld ms", model->find(key)->done, ms);
    QVERIFY2(ms <= 1000, qPrintable(QStringLiteral("cancel took %1 ms").arg(ms)));
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(cancelled.first().first().toString(), key);
    QTest::qWait(200);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(window->runs()->keys(), runsBefore);
    QVERIFY(!window->training()->runsPanel()->cancelButton(key));
    QVERIFY(!window->training()->hasActiveTraining());
    QCOMPARE(model->index(model->rowOf(key), TrainingRunsModel::StatusColumn).data().toString(),
             QStringLiteral("cancelled"));
}

void TestGuiRuns::queuedRunsOneAtATime()
{
    auto window = openWindow();
    QVERIFY(window);
    // The setting, through the spin box of the Runs tab; persisted.
    auto *spin = window->training()->runsPanel()->findChild<QSpinBox *>(QStringLiteral("maxConcurrentRuns"));
    QVERIFY(spin);
    QCOMPARE(spin->value(), 1);
    spin->setValue(2);
    QCOMPARE(window->training()->maxConcurrentRuns(), 2);
    spin->setValue(1);
    QCOMPARE(window->training()->maxConcurrentRuns(), 1);
    QCOMPARE(QSettings(m_settings, QSettings::IniFormat).value(QStringLiteral("runs/maxConcurrent")).toInt(), 1);

    QSignalSpy finished(window->training(), &embtune::gui::TrainingController::trainingFinished);
    QSignalSpy queued(window->training(), &embtune::gui::TrainingController::trainingQueued);
    const TrainingRunsModel *model = window->context().trainingRuns;
    int mostRunning = 0;
    QStringList order; // keys as they start running
    connect(model, &QAbstractItemModel::dataChanged, this, [&] {
        int running = 0;
        for (const TrainingRunRow &row : model->rows())
            if (row.status == TrainingRunRow::Status::Running) {
                ++running;
                if (!order.contains(row.key))
                    order << row.key;
            }
        mostRunning = std::max(mostRunning, running);
    });
    QVERIFY(window->training()->train(linearRequest(5, 32)));
    QVERIFY(window->training()->train(linearRequest(6, 32)));
    QCOMPARE(queued.count(), 2);
    const QString first = queued.at(0).first().toString(), second = queued.at(1).first().toString();
    QCOMPARE(model->find(first)->status, TrainingRunRow::Status::Running);
    QCOMPARE(model->find(second)->status, TrainingRunRow::Status::Queued);
    QVERIFY(window->training()->runsPanel()->cancelButton(second)); // a queued run can be cancelled too
    QVERIFY(QTest::qWaitFor([&] { return finished.count() == 2; }, kTimeoutMs));
    QCOMPARE(mostRunning, 1);
    QCOMPARE(order, (QStringList{first, second}));
    QCOMPARE(model->find(first)->status, TrainingRunRow::Status::Finished);
    QCOMPARE(model->find(second)->status, TrainingRunRow::Status::Finished);
    QCOMPARE(model->find(first)->curve.size(), 6);
    QCOMPARE(model->find(second)->curve.size(), 7);
    // Both in the comparison, beside one baseline.
    QCOMPARE(window->runs()->keys().size(), 3);
    QCOMPARE(window->runs()->keys().at(1), model->find(first)->comparisonKey);
    QCOMPARE(window->runs()->keys().at(2), model->find(second)->comparisonKey);
    QVERIFY(window->runs()->metricsModel()->runLabel(2).endsWith(QStringLiteral("#2")));

    // Clear Ended removes them from the Runs tab only.
    window->findChild<QAction *>(QStringLiteral("actionClearEndedRuns"))->trigger();
    QCOMPARE(model->rowCount(), 0);
    QCOMPARE(window->runs()->keys().size(), 3);

    // Two at once: both start together; the setting is restored by the next window.
    spin->setValue(2);
    mostRunning = 0;
    QVERIFY(window->training()->train(linearRequest(30, 8)));
    QVERIFY(window->training()->train(linearRequest(30, 8)));
    QCOMPARE(model->find(queued.at(2).first().toString())->status, TrainingRunRow::Status::Running);
    QCOMPARE(model->find(queued.at(3).first().toString())->status, TrainingRunRow::Status::Running);
    QVERIFY(QTest::qWaitFor([&] { return finished.count() == 4; }, kTimeoutMs));
    QCOMPARE(mostRunning, 2);
    QCOMPARE(window->runs()->keys().size(), 5);
    window.reset();
    MainWindow::Options options;
    options.settingsFile = m_settings;
    options.restoreSession = false;
    MainWindow next(options);
    QCOMPARE(next.training()->maxConcurrentRuns(), 2);
    QCOMPARE(next.training()->runsPanel()->findChild<QSpinBox *>(QStringLiteral("maxConcurrentRuns"))->value(), 2);
}

void TestGuiRuns::hnswEvaluationThroughDialog()
{
    auto window = openWindow();
    QVERIFY(window);
    QSignalSpy evaluated(window->evaluation(), &embtune::gui::EvaluationController::evaluationFinished);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);

    // Exact first (the toolbar's search box says Exact by default).
    auto *searchCombo = window->findChild<QComboBox *>(QStringLiteral("searchCombo"));
    QVERIFY(searchCombo);
    QCOMPARE(searchCombo->currentData().toBool(), false);
    window->evaluation()->evaluateAction()->trigger();
    QVERIFY(QTest::qWaitFor([&] { return evaluated.count() + errors.count() == 1 && !window->jobs()->isBusy(); }, kTimeoutMs));
    QVERIFY(errors.isEmpty());
    const QString exactKey = window->runs()->keys().last();

    // HNSW through the dialog (Ctrl+Shift+E), with the CLI's defaults and one thread.
    QVERIFY(window->evaluation()->evaluateOptionsAction()->isEnabled());
    QCOMPARE(window->evaluation()->evaluateOptionsAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+E")));
    window->evaluation()->evaluateOptionsAction()->trigger();
    QDialog *dialog = nullptr;
    QVERIFY(QTest::qWaitFor([&] {
        dialog = window->findChild<QDialog *>(QStringLiteral("evaluateDialog"));
        return dialog && dialog->isVisible();
    }));
    auto *backend = dialog->findChild<QComboBox *>(QStringLiteral("searchBackend"));
    QVERIFY(backend);
    QWidget *form = dialog->findChild<QWidget *>(QStringLiteral("hnswForm"));
    QVERIFY(form && !form->isEnabled());
    backend->setCurrentIndex(1);
    QVERIFY(form->isEnabled());
    // The form shows the defaults; tooltips come from the schema's help.
    const auto settings = embtune::gui::EvaluateDialog::hnswFrom(
        static_cast<embtune::gui::EvaluateDialog *>(dialog)->form()->values());
    QCOMPARE(settings.parameters.m, 16);
    QCOMPARE(settings.parameters.efConstruction, 200);
    QCOMPARE(settings.parameters.efSearch, 100);
    QWidget *mEditor = static_cast<embtune::gui::EvaluateDialog *>(dialog)->form()->editor(QStringLiteral("m"));
    QVERIFY(mEditor && mEditor->toolTip().contains(QStringLiteral("Links per element")));
    static_cast<embtune::gui::EvaluateDialog *>(dialog)->form()->setValue(QStringLiteral("threads"),
                                                                        QStringLiteral("1"));
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return evaluated.count() + errors.count() == 2 && !window->jobs()->isBusy(); }, kTimeoutMs));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QCOMPARE(searchCombo->currentData().toBool(), true); // the choice is kept
    QCOMPARE(QSettings(m_settings, QSettings::IniFormat).value(QStringLiteral("search/backend")).toString(),
             QStringLiteral("hnsw"));

    const QString hnswKey = window->runs()->keys().last();
    QVERIFY(hnswKey != exactKey);
    QCOMPARE(window->runs()->keys().size(), 2);
    const double exact = ndcg10(*window, exactKey), approximate = ndcg10(*window, hnswKey);
    qInfo("synthetic nDCG@10: exact %.5f, HNSW %.5f", exact, approximate);
    QVERIFY(std::abs(exact - approximate) <= 0.003);
    const QString summary = window->findChild<QLabel *>(QStringLiteral("evaluationSummary"))->text();
    QVERIFY2(summary.contains(QStringLiteral("ANN recall@10")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("built in")), qPrintable(summary));
    QRegularExpressionMatch recall = QRegularExpression(QStringLiteral("ANN recall@10 ([0-9.]+)")).match(summary);
    QVERIFY(recall.hasMatch());
    QVERIFY(recall.captured(1).toDouble() >= 0.99);

    // Save Index: the hnswlib file and its sidecar.
    QVERIFY(window->evaluation()->saveIndexAction()->isEnabled());
    QSignalSpy saved(window->evaluation(), &embtune::gui::EvaluationController::indexSaved);
    const QString path = m_dir.filePath(QStringLiteral("index/syn.hnsw"));
    QVERIFY(window->evaluation()->saveHnswIndex(hnswKey, path));
    QVERIFY(QTest::qWaitFor([&] { return saved.count() + errors.count() == 1 && !window->jobs()->isBusy(); }, kTimeoutMs));
    QVERIFY(errors.isEmpty());
    QVERIFY(QFileInfo(path).size() > 0);
    QFile sidecar(path + QStringLiteral(".json"));
    QVERIFY(sidecar.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(sidecar.readAll()).object();
    QCOMPARE(json.value(QStringLiteral("M")).toInt(), 16);
    QCOMPARE(json.value(QStringLiteral("dim")).toInt(), kDim);
    QCOMPARE(json.value(QStringLiteral("count")).toInt(), kDocs);
    QCOMPARE(json.value(QStringLiteral("space")).toString(), QStringLiteral("cosine"));
    // The exact run has no index to save.
    window->runs()->setCurrentKey(exactKey);
    QVERIFY(!window->evaluation()->saveIndexAction()->isEnabled());
}

void TestGuiRuns::trainingRunsModelCurve()
{
    // The model alone: epoch reports build the curve (a repeated epoch replaces its point), the
    // progress bar role follows "train" reports, and ended runs are not active.
    TrainingRunsModel model;
    TrainingRunRow row;
    row.key = QStringLiteral("a");
    row.name = QStringLiteral("run a");
    model.addRun(row);
    QCOMPARE(model.activeCount(), 1);
    model.setStatus(QStringLiteral("a"), TrainingRunRow::Status::Running);
    QCOMPARE(model.index(0, 0).data(TrainingRunsModel::ProgressRole).toInt(), -1);
    model.setProgress(QStringLiteral("a"), QStringLiteral("train"), 25, 100);
    QCOMPARE(model.index(0, 0).data(TrainingRunsModel::ProgressRole).toInt(), 250);
    QCOMPARE(model.index(0, TrainingRunsModel::ProgressColumn).data().toString(), QStringLiteral("25/100"));
    QSignalSpy curve(&model, &TrainingRunsModel::curveChanged);
    model.addEpochs(QStringLiteral("a"), {{0, 2, std::nan(""), 0.5, std::nan("")}, {1, 2, 1.25, 0.55, 1000}});
    model.addEpochs(QStringLiteral("a"), {{1, 2, 1.20, 0.56, 1100}});
    QCOMPARE(curve.count(), 2);
    QCOMPARE(model.find(QStringLiteral("a"))->curve.size(), 2);
    QCOMPARE(model.find(QStringLiteral("a"))->curve.last().loss, 1.20);
    QCOMPARE(model.index(0, TrainingRunsModel::EpochColumn).data().toString(), QStringLiteral("1/2"));
    QCOMPARE(model.index(0, TrainingRunsModel::LossColumn).data().toString(), QStringLiteral("1.200"));
    model.setStatus(QStringLiteral("a"), TrainingRunRow::Status::Failed, QStringLiteral("boom"));
    QCOMPARE(model.activeCount(), 0);
    QCOMPARE(model.index(0, TrainingRunsModel::StatusColumn).data().toString(), QStringLiteral("failed: boom"));
    model.removeEnded();
    QCOMPARE(model.rowCount(), 0);
}

void TestGuiRuns::failedRunShowsError()
{
    // A dev list naming an unknown query: the run fails on its worker thread; the error names the
    // file and is shown in a dialog; the run is marked failed and nothing joins the comparison.
    auto window = openWindow();
    QVERIFY(window);
    window->feedback()->setErrorDialogsEnabled(true);
    const QString badDev = m_dir.filePath(QStringLiteral("bad-dev.txt"));
    QVERIFY(writeText(badDev, "q401\nno-such-query\n"));
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QSignalSpy queued(window->training(), &embtune::gui::TrainingController::trainingQueued);
    TrainRequest request = linearRequest(3, 32);
    request.devQueriesFile = badDev;
    QVERIFY(window->training()->train(request));
    QVERIFY(QTest::qWaitFor([&] { return errors.count() == 1; }, kTimeoutMs));
    const QString message = errors.first().first().toString();
    QVERIFY2(message.contains(QStringLiteral("bad-dev.txt")) && message.contains(QStringLiteral("no-such-query")),
             qPrintable(message));
    QMessageBox *box = nullptr;
    QVERIFY(QTest::qWaitFor([&] {
        box = window->findChild<QMessageBox *>(QStringLiteral("errorBox"));
        return box && box->isVisible();
    }));
    QCOMPARE(box->text(), message);
    const TrainingRunRow *row = window->context().trainingRuns->find(queued.first().first().toString());
    QCOMPARE(row->status, TrainingRunRow::Status::Failed);
    QVERIFY(window->runs()->keys().isEmpty());
    QVERIFY(!window->training()->hasActiveTraining());
    box->close();

    // An unknown method is refused before anything is queued.
    request.methodId = QStringLiteral("no-such-method");
    window->feedback()->setErrorDialogsEnabled(false);
    QVERIFY(!window->training()->train(request));
    QCOMPARE(queued.count(), 1);
    QVERIFY(errors.last().first().toString().contains(QStringLiteral("linear")));
}

void TestGuiRuns::cancelHnswBuild()
{
    // A slow build (large M and ef_construction, one thread): Cancel while the status bar shows
    // its progress; the job ends cancelled and no run is added.
    auto window = openWindow();
    QVERIFY(window);
    embtune::gui::SearchSettings settings;
    settings.hnsw = true;
    settings.index.parameters.m = 64;
    settings.index.parameters.efConstruction = 4000;
    settings.index.threads = 1;
    window->evaluation()->setSearchSettings(settings);
    QSignalSpy cancelled(window->jobs(), &embtune::gui::JobRunner::cancelled);
    QSignalSpy evaluated(window->evaluation(), &embtune::gui::EvaluationController::evaluationFinished);
    QVERIFY(window->evaluation()->evaluate());
    auto *progress = window->findChild<QProgressBar *>(QStringLiteral("jobProgress"));
    auto *label = window->findChild<QLabel *>(QStringLiteral("jobLabel"));
    QVERIFY(QTest::qWaitFor(
        [&] {
            return evaluated.count() > 0 ||
                   (label->text().endsWith(QStringLiteral(": index")) && progress->maximum() == 1000);
        },
        kTimeoutMs));
    QVERIFY2(evaluated.isEmpty(), "the build finished before it could be cancelled");
    QElapsedTimer clock;
    clock.start();
    window->cancelAction()->trigger();
    QVERIFY(QTest::qWaitFor([&] { return !window->jobs()->isBusy(); }, kTimeoutMs));
    qInfo("HNSW build cancelled in %lld ms", clock.elapsed());
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(evaluated.count(), 0);
    QVERIFY(window->runs()->keys().isEmpty());
}

void TestGuiRuns::commandLineSearchAndRunsView()
{
    using embtune::gui::CommandLineRequest;
    CommandLineRequest request;
    request.dataset = m_dataset;
    request.embeddings = m_dataset + QStringLiteral("/embeddings/syn");
    request.search = {QStringLiteral("hnsw")};
    QCOMPARE(request.validate(), QStringLiteral("--search is used with --evaluate"));
    request.evaluate = true;
    request.search = {QStringLiteral("exact"), QStringLiteral("fast")};
    QCOMPARE(request.validate(), QStringLiteral("--search takes exact and/or hnsw"));
    request.search = {QStringLiteral("exact"), QStringLiteral("hnsw")};
    request.view = QStringLiteral("runs");
    QCOMPARE(request.validate(), QString());

    // Both evaluations run, then the Runs tab is shown.
    MainWindow::Options options;
    options.settingsFile = m_settings;
    options.restoreSession = false;
    options.saveSettings = false;
    MainWindow window(options);
    window.feedback()->setErrorDialogsEnabled(false);
    window.show();
    embtune::gui::CommandLineRun run(&window, request);
    QSignalSpy finished(&run, &embtune::gui::CommandLineRun::finished);
    run.start();
    QVERIFY(QTest::qWaitFor([&] { return finished.count() == 1; }, kTimeoutMs));
    QCOMPARE(finished.first().first().toInt(), 0);
    QCOMPARE(window.runs()->keys().size(), 2);
    QVERIFY(window.runs()->keys().last().endsWith(QStringLiteral("|hnsw")));
    QCOMPARE(window.findChild<QTabWidget *>(QStringLiteral("leftTabs"))->currentIndex(), 2);
}

QTEST_MAIN(TestGuiRuns)
#include "test_gui_runs.moc"
