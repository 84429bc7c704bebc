// The main window on tiny fixtures written by the test (no ../shared needed): a 4-document BEIR
// folder with hand-computed metrics, a malformed corpus reported as an error, the command-line
// runner (steps + screenshot, --bm25, --train), folder drops and session restore; the Embeddings
// tab (LSA compute through its dialog, listed with provenance, a second compute served by the
// cache, cancel of a running compute, import and export in every format, removal from the cache
// after confirmation); BM25 as a baseline; Train (NUDGE-N with a fixed gamma through the dialog,
// compared with the same engine flow run directly; an invalid parameter blocks the job).
// Every test function gets its own embedding cache (EMBTUNE_CACHE_DIR) in a temporary folder.

#include "command_line_run.h"
#include "main_window.h"

#include "core/matrix.h"
#include "data/beir_reader.h"
#include "data/dataset_hash.h"
#include "embed/embedding_store.h"
#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "io/npy.h"
#include "methods/method.h"
#include "metrics_table_model.h"
#include "parameter_form.h"
#include "run_details_view.h"
#include "support/gui_test_support.h"

#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>

#include <cmath>
#include <functional>

using embtune::gui::MainWindow;
using namespace embtune::test;
namespace engine = embtune::engine;
namespace widgets = embtune::widgets;
using engine::Metric;

namespace {

constexpr int kTimeoutMs = 60000;

// BEIR folder: documents d1..d4, queries q1 (relevant d1, d3) and q2 (relevant d2, gain 2).
bool writeTinyDataset(const QString &dir)
{
    return writeText(dir + "/corpus.jsonl",
                     "{\"_id\": \"d1\", \"title\": \"Alpha\", \"text\": \"first document\"}\n"
                     "{\"_id\": \"d2\", \"title\": \"Beta\", \"text\": \"second document\"}\n"
                     "{\"_id\": \"d3\", \"title\": \"Gamma\", \"text\": \"third document\"}\n"
                     "{\"_id\": \"d4\", \"title\": \"Delta\", \"text\": \"fourth document\"}\n") &&
           writeText(dir + "/queries.jsonl",
                     "{\"_id\": \"q1\", \"text\": \"alpha or gamma\"}\n"
                     "{\"_id\": \"q2\", \"text\": \"beta please\"}\n") &&
           writeText(dir + "/qrels/test.tsv",
                     "query-id\tcorpus-id\tscore\n"
                     "q1\td1\t1\n"
                     "q1\td3\t1\n"
                     "q2\td2\t2\n");
}

// Cosine rankings: q1 -> d4 (0.949), d1 (0.894), d2 (0.447), d3 (0);
//                  q2 -> d2 (1), d4 (0.707), then d3 and d1 tied at 0: id descending, d3 first.
// Vectors are written in an order different from the dataset's to check matching by id.
bool writeTinyEmbeddings(const QString &dir)
{
    return writeMatrix(dir + "/corpus.npy", 4, 3, {0, 0, 1, /*d3*/ 1, 0, 0, /*d1*/ 1, 1, 0, /*d4*/ 0, 1, 0 /*d2*/}) &&
           writeIds(dir + "/corpus_ids.txt", {"d3", "d1", "d4", "d2"}) &&
           writeMatrix(dir + "/queries.npy", 2, 3, {0, 1, 0, /*q2*/ 1, 0.5f, 0 /*q1*/}) &&
           writeIds(dir + "/query_ids.txt", {"q2", "q1"});
}

// nDCG@10 by hand: q1 has relevant documents at ranks 2 and 4, ideal ranks 1 and 2; q2 is perfect.
double expectedNdcg10()
{
    const double dcg = 1 / std::log2(3.0) + 1 / std::log2(5.0);
    const double ideal = 1 + 1 / std::log2(3.0);
    return (dcg / ideal + 1.0) / 2;
}

// Any (metric, k) of a run, as the table would show it (the table shows a few columns at a time).
QString metricValue(const MainWindow &window, const QString &run, Metric metric, int k)
{
    const widgets::MetricsTableModel *model = window.runs()->metricsModel();
    for (int r = 0; r < model->runCount(); ++r)
        if (model->runLabel(r) == run) {
            const auto value = model->value(r, metric, k);
            return value ? widgets::MetricsTableModel::formatValue(*value) : QStringLiteral("<not computed>");
        }
    return QStringLiteral("<no run %1>").arg(run);
}

QStringList runLabels(const MainWindow &window)
{
    QStringList labels;
    for (int r = 0; r < window.runs()->metricsModel()->runCount(); ++r)
        labels << window.runs()->metricsModel()->runLabel(r);
    return labels;
}

// The training fixture: the tiny corpus, six queries (q1, q2 judged in test; q3..q6 in train),
// splits/train.txt (q3, q4), splits/dev.txt (q5, q6) and 3-d vectors for everything.
bool writeTrainingDataset(const QString &dir)
{
    return writeText(dir + "/corpus.jsonl",
                     "{\"_id\": \"d1\", \"title\": \"Alpha\", \"text\": \"first document\"}\n"
                     "{\"_id\": \"d2\", \"title\": \"Beta\", \"text\": \"second document\"}\n"
                     "{\"_id\": \"d3\", \"title\": \"Gamma\", \"text\": \"third document\"}\n"
                     "{\"_id\": \"d4\", \"title\": \"Delta\", \"text\": \"fourth document\"}\n") &&
           writeText(dir + "/queries.jsonl",
                     "{\"_id\": \"q1\", \"text\": \"alpha or gamma\"}\n"
                     "{\"_id\": \"q2\", \"text\": \"beta please\"}\n"
                     "{\"_id\": \"q3\", \"text\": \"about alpha\"}\n"
                     "{\"_id\": \"q4\", \"text\": \"about beta\"}\n"
                     "{\"_id\": \"q5\", \"text\": \"more alpha\"}\n"
                     "{\"_id\": \"q6\", \"text\": \"more beta\"}\n") &&
           writeText(dir + "/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td3\t1\nq2\td2\t2\n") &&
           writeText(dir + "/qrels/train.tsv",
                     "query-id\tcorpus-id\tscore\nq3\td1\t1\nq4\td2\t1\nq5\td1\t1\nq6\td2\t1\n") &&
           writeText(dir + "/splits/train.txt", "q3\nq4\n") && writeText(dir + "/splits/dev.txt", "q5\nq6\n") &&
           writeMatrix(dir + "/embeddings/vec3/corpus.npy", 4, 3, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0}) &&
           writeIds(dir + "/embeddings/vec3/corpus_ids.txt", {"d1", "d2", "d3", "d4"}) &&
           writeMatrix(dir + "/embeddings/vec3/queries.npy", 6, 3,
                       {1, 0.5f, 0, 0, 1, 0, 0.6f, 0.8f, 0, 0.8f, 0.6f, 0, 0.7f, 0.7f, 0.1f, 0.6f, 0.8f, 0.1f}) &&
           writeIds(dir + "/embeddings/vec3/query_ids.txt", {"q1", "q2", "q3", "q4", "q5", "q6"});
}

// A corpus big enough that LSA takes seconds with many power iterations: `docs` documents of
// 30 words drawn from 3,000, one query.
bool writeLargeDataset(const QString &dir, int docs)
{
    QByteArray corpus;
    QRandomGenerator random(42);
    for (int d = 0; d < docs; ++d) {
        corpus += "{\"_id\": \"d" + QByteArray::number(d) + "\", \"text\": \"";
        for (int w = 0; w < 30; ++w)
            corpus += "w" + QByteArray::number(random.bounded(3000)) + ' ';
        corpus += "\"}\n";
    }
    return writeText(dir + "/corpus.jsonl", corpus) &&
           writeText(dir + "/queries.jsonl", "{\"_id\": \"q1\", \"text\": \"w1 w2 w3\"}\n") &&
           writeText(dir + "/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
}

// Entries of the embedding cache at `root` (complete ones; temporaries are not listed).
std::vector<engine::EmbeddingCache::Entry> cacheEntries(const QString &root)
{
    auto entries = engine::EmbeddingCache(QFile::encodeName(root).toStdString()).list();
    return entries ? *entries : std::vector<engine::EmbeddingCache::Entry>{};
}

} // namespace

class TestGuiFixture : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void evaluateTinyDataset();
    void malformedCorpusShowsError();
    void malformedEmbeddingsShowError();
    void preconditionsReported();
    void commandLineRunWithScreenshot();
    void commandLineRunFailure();
    void commandLineValidation();
    void dropFolders();
    void sessionRestored();
    void computeLsaThroughDialog();
    void computeServedFromCache();
    void cancelRunningCompute();
    void exportAndImportEveryFormat();
    void importFilesThroughDialog();
    void removeFromCacheAfterConfirmation();
    void bm25Baseline();
    void trainNudgeNFixedGamma();
    void invalidParameterBlocksTraining();
    void trainWithExpertSet();
    void commandLineBm25AndTrain();

private:
    QTemporaryDir m_dir;
    QString m_dataset;
    QString m_embeddings;
    QString m_trainingDataset;
    QString m_settings;
    QString m_cache;
};

void TestGuiFixture::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataset = m_dir.filePath(QStringLiteral("tiny"));
    m_embeddings = m_dataset + QStringLiteral("/embeddings/vec3");
    QVERIFY(writeTinyDataset(m_dataset));
    QVERIFY(writeTinyEmbeddings(m_embeddings));
    m_trainingDataset = m_dir.filePath(QStringLiteral("tiny-train"));
    QVERIFY(writeTrainingDataset(m_trainingDataset));
}

void TestGuiFixture::init()
{
    m_settings = m_dir.filePath(QStringLiteral("settings-%1.ini").arg(QTest::currentTestFunction()));
    // Never the user's cache: one fresh cache per test function.
    m_cache = m_dir.filePath(QStringLiteral("cache-%1").arg(QTest::currentTestFunction()));
    qputenv("EMBTUNE_CACHE_DIR", QFile::encodeName(m_cache));
}

void TestGuiFixture::cleanup()
{
    closeTopLevel<QMessageBox>(); // no stray error dialogs between tests
}

void TestGuiFixture::evaluateTinyDataset()
{
    auto window = makeWindow(m_settings);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(openAndWait(*window, m_dataset));
    QCOMPARE(window->datasetContext()->dataset()->docCount(), 4);
    auto *queries = window->findChild<QTableView *>(QStringLiteral("queryTable"));
    QCOMPARE(queries->model()->rowCount(), 2);
    auto *relevant = window->findChild<QTableView *>(QStringLiteral("relevantDocumentsTable"));
    QCOMPARE(relevant->model()->rowCount(), 2); // q1 is selected: d1 and d3
    QCOMPARE(relevant->model()->index(0, 0).data().toString(), QStringLiteral("d1"));
    QCOMPARE(relevant->model()->index(1, 3).data().toString(), QStringLiteral("Gamma"));
    QVERIFY(window->windowTitle().contains(QStringLiteral("tiny")));

    QVERIFY(importAndWait(*window, m_embeddings));
    auto *embeddings = window->findChild<QLabel *>(QStringLiteral("embeddingsSummary"));
    QVERIFY2(embeddings->text().contains(QStringLiteral("vec3")), qPrintable(embeddings->text()));
    QVERIFY(embeddings->text().contains(QStringLiteral("dimension 3")));

    QSignalSpy evaluated(window->evaluation(), &embtune::gui::EvaluationController::evaluationFinished);
    window->evaluation()->evaluateAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.count() + errors.count(), 1, kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));

    auto *table = window->findChild<QTableView *>(QStringLiteral("metricsTable"));
    QCOMPARE(table->model()->rowCount(), 1); // one run
    QCOMPARE(metricCell(table, "vec3", "nDCG@10"), QString::number(expectedNdcg10(), 'f', 4)); // 0.8255
    QCOMPARE(metricCell(table, "vec3", "nDCG@10"), QStringLiteral("0.8255"));
    QCOMPARE(metricCell(table, "vec3", "nDCG@1"), QStringLiteral("0.5000"));
    QCOMPARE(metricCell(table, "vec3", "recall@10"), QStringLiteral("1.0000"));
    QCOMPARE(metricCell(table, "vec3", "MRR@10"), QStringLiteral("0.7500"));
    QCOMPARE(metricValue(*window, "vec3", Metric::Recall, 1), QStringLiteral("0.5000"));
    QCOMPARE(metricValue(*window, "vec3", Metric::Recall, 3), QStringLiteral("0.7500"));
    QCOMPARE(metricValue(*window, "vec3", Metric::Recall, 5), QStringLiteral("1.0000"));
    QCOMPARE(metricValue(*window, "vec3", Metric::CappedRecall, 1), QStringLiteral("0.5000"));
    QCOMPARE(metricValue(*window, "vec3", Metric::Precision, 1), QStringLiteral("0.5000"));
    QCOMPARE(metricValue(*window, "vec3", Metric::Map, 10), QStringLiteral("0.7500")); // q1: (1/2 + 2/4) / 2
    QCOMPARE(window->runs()->lastEvaluation()->metrics.queries.size(), size_t(2));

    // The columns box shows one metric at k = 1, 3, 5, 10, 100.
    auto *columns = window->findChild<QComboBox *>(QStringLiteral("metricColumnsCombo"));
    QVERIFY(columns);
    columns->setCurrentText(QStringLiteral("recall"));
    QCOMPARE(table->model()->columnCount(), 5);
    QCOMPARE(metricCell(table, "vec3", "recall@3"), QStringLiteral("0.7500"));
    columns->setCurrentText(QStringLiteral("Summary"));
    QCOMPARE(metricCell(table, "vec3", "nDCG@10"), QStringLiteral("0.8255"));

    auto *chart = window->findChild<QChartView *>(QStringLiteral("metricsChart"));
    QCOMPARE(chart->chart()->series().size(), 2);
    for (QAbstractSeries *series : chart->chart()->series()) {
        auto *line = qobject_cast<QLineSeries *>(series);
        QVERIFY(line);
        QCOMPARE(line->count(), 100);
        if (line->name() == QStringLiteral("vec3 \u00b7 recall@k")) {
            QCOMPARE(line->at(1).y(), 0.75);  // k = 2
            QCOMPARE(line->at(99).y(), 1.0); // k = 100
        } else {
            QCOMPARE(line->name(), QStringLiteral("vec3 \u00b7 nDCG@k"));
            QVERIFY(std::abs(line->at(9).y() - expectedNdcg10()) < 1e-12);
        }
    }
    auto *summary = window->findChild<QLabel *>(QStringLiteral("evaluationSummary"));
    QVERIFY2(summary->text().contains(QStringLiteral("2 queries evaluated")), qPrintable(summary->text()));
}

void TestGuiFixture::malformedCorpusShowsError()
{
    const QString bad = m_dir.filePath(QStringLiteral("bad"));
    QVERIFY(writeText(bad + "/corpus.jsonl",
                      "{\"_id\": \"d1\", \"text\": \"fine\"}\n"
                      "{\"_id\": \"d2\", \"text\": \"broken\n"
                      "{\"_id\": \"d3\", \"text\": \"fine\"}\n"));
    QVERIFY(writeText(bad + "/queries.jsonl", "{\"_id\": \"q1\", \"text\": \"a query\"}\n"));
    QVERIFY(writeText(bad + "/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n"));

    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset)); // a good dataset first: it must survive the failure
    const auto good = window->datasetContext()->dataset();

    window->feedback()->setErrorDialogsEnabled(true); // the real, non-blocking message box
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QSignalSpy loaded(window->welcome(), &embtune::gui::WelcomeController::datasetLoaded);
    QVERIFY(window->welcome()->openDataset(bad));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, kTimeoutMs);
    const QString message = errors.first().first().toString();
    QVERIFY2(message.contains(QStringLiteral("corpus.jsonl:2")), qPrintable(message)); // file and line
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!window->jobs()->isBusy());
    QCOMPARE(window->datasetContext()->dataset(), good);
    QVERIFY(window->welcome()->openDatasetAction()->isEnabled());

    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window->findChild<QMessageBox *>(QStringLiteral("errorBox"))) && box->isVisible());
    QVERIFY2(box->text().contains(QStringLiteral("corpus.jsonl:2")), qPrintable(box->text()));
    QCOMPARE(box->icon(), QMessageBox::Warning);
    box->accept();
    QTRY_VERIFY(!window->findChild<QMessageBox *>(QStringLiteral("errorBox")));

    // A folder that is not a BEIR dataset.
    QVERIFY(window->welcome()->openDataset(m_dir.filePath(QStringLiteral("tiny/qrels"))));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 2, kTimeoutMs);
    QVERIFY2(errors.last().first().toString().contains(QStringLiteral("corpus.jsonl")),
             qPrintable(errors.last().first().toString()));
}

void TestGuiFixture::malformedEmbeddingsShowError()
{
    const QString bad = m_dir.filePath(QStringLiteral("badvec"));
    // Only three of the four documents have a vector.
    QVERIFY(writeMatrix(bad + "/corpus.npy", 3, 2, {1, 0, 0, 1, 1, 1}));
    QVERIFY(writeIds(bad + "/corpus_ids.txt", {"d1", "d2", "d3"}));
    QVERIFY(writeMatrix(bad + "/queries.npy", 2, 2, {1, 0, 0, 1}));
    QVERIFY(writeIds(bad + "/query_ids.txt", {"q1", "q2"}));

    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(window->embeddings()->importEmbeddings(bad));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, kTimeoutMs);
    QVERIFY2(errors.first().first().toString().contains(QStringLiteral("corpus")),
             qPrintable(errors.first().first().toString()));
    QVERIFY(!window->embeddingSets()->currentSet());
    QVERIFY(!window->evaluation()->evaluateAction()->isEnabled());
}

void TestGuiFixture::preconditionsReported()
{
    auto window = makeWindow(m_settings);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(!window->embeddings()->importEmbeddings(m_embeddings)); // no dataset yet
    QVERIFY(!window->evaluation()->evaluate());
    QVERIFY(!window->welcome()->openDataset(m_dir.filePath(QStringLiteral("does-not-exist"))));
    QCOMPARE(errors.count(), 3);
    QVERIFY(!window->jobs()->isBusy());

    // One job at a time.
    QVERIFY(window->welcome()->openDataset(m_dataset));
    QVERIFY(!window->welcome()->openDataset(m_dataset));
    QCOMPARE(errors.count(), 4);
    QTRY_VERIFY_WITH_TIMEOUT(!window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY(window->datasetContext()->dataset());
}

void TestGuiFixture::commandLineRunWithScreenshot()
{
    auto window = makeWindow(m_settings);
    embtune::gui::CommandLineRequest request;
    request.dataset = m_dataset;
    request.embeddings = m_embeddings;
    request.evaluate = true;
    request.split = QStringLiteral("test");
    request.screenshot = m_dir.filePath(QStringLiteral("shots/window.png"));
    QVERIFY(request.validate().isEmpty());
    embtune::gui::CommandLineRun run(window.get(), request);
    QSignalSpy finished(&run, &embtune::gui::CommandLineRun::finished);
    run.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(finished.first().at(0).toInt() == 0, qPrintable(finished.first().at(1).toString()));
    const QImage image(request.screenshot);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), window->size() * window->devicePixelRatio());
    QVERIFY(window->runs()->lastEvaluation());
}

void TestGuiFixture::commandLineRunFailure()
{
    auto window = makeWindow(m_settings);
    embtune::gui::CommandLineRequest request;
    request.dataset = m_dataset;
    request.embeddings = m_dir.filePath(QStringLiteral("no-such-embeddings"));
    request.evaluate = true;
    request.screenshot = m_dir.filePath(QStringLiteral("failed.png"));
    embtune::gui::CommandLineRun run(window.get(), request);
    QSignalSpy finished(&run, &embtune::gui::CommandLineRun::finished);
    run.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(finished.first().at(0).toInt(), 1);
    QVERIFY(finished.first().at(1).toString().contains(QStringLiteral("no-such-embeddings")));
    QVERIFY(!QFileInfo::exists(request.screenshot));

    // An unknown split fails too.
    auto other = makeWindow(m_settings);
    request.embeddings = m_embeddings;
    request.split = QStringLiteral("dev");
    embtune::gui::CommandLineRun run2(other.get(), request);
    QSignalSpy finished2(&run2, &embtune::gui::CommandLineRun::finished);
    run2.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished2.count(), 1, kTimeoutMs);
    QCOMPARE(finished2.first().at(0).toInt(), 1);
    QVERIFY(finished2.first().at(1).toString().contains(QStringLiteral("dev")));
}

void TestGuiFixture::commandLineValidation()
{
    embtune::gui::CommandLineRequest request;
    QVERIFY(request.validate().isEmpty());
    QVERIFY(!request.hasSteps());
    request.evaluate = true;
    QVERIFY(!request.validate().isEmpty());
    request.dataset = m_dataset;
    QVERIFY(!request.validate().isEmpty()); // still no embeddings
    request.embeddings = m_embeddings;
    QVERIFY(request.validate().isEmpty());
    request.evaluate = false;
    request.dataset.clear();
    QVERIFY(!request.validate().isEmpty()); // embeddings without dataset
}

void TestGuiFixture::dropFolders()
{
    auto window = makeWindow(m_settings);
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    const auto drop = [&](const QString &dir) { return dropPath(*window, dir); };
    QSignalSpy loaded(window->welcome(), &embtune::gui::WelcomeController::datasetLoaded);
    QSignalSpy imported(window->embeddings(), &embtune::gui::EmbeddingsController::embeddingsLoaded);
    QVERIFY(drop(m_dataset));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
    QTRY_VERIFY(!window->jobs()->isBusy());
    QVERIFY(drop(m_embeddings)); // a folder with corpus.npy imports embeddings
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, kTimeoutMs);
    QCOMPARE(loaded.count(), 1);
}

void TestGuiFixture::sessionRestored()
{
    {
        auto window = makeWindow(m_settings);
        QVERIFY(openAndWait(*window, m_dataset));
        QVERIFY(importAndWait(*window, m_embeddings));
        window->resize(1100, 700);
        window->close(); // writes geometry
    }
    MainWindow::Options options = windowOptions(m_settings);
    options.restoreSession = true;
    auto window = makeWindow(options);
    QSignalSpy imported(window->embeddings(), &embtune::gui::EmbeddingsController::embeddingsLoaded);
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, kTimeoutMs);
    QCOMPARE(QFileInfo(window->datasetContext()->path()), QFileInfo(m_dataset));
    QCOMPARE(QFileInfo(window->embeddingSets()->currentImportPath()), QFileInfo(m_embeddings));
    QVERIFY(window->evaluation()->evaluateAction()->isEnabled());
    QSettings settings(m_settings, QSettings::IniFormat);
    const QStringList recent = settings.value(QStringLiteral("recent/datasets")).toStringList();
    QCOMPARE(recent.size(), 1);
}

void TestGuiFixture::computeLsaThroughDialog()
{
    auto window = makeWindow(m_settings);
    QCOMPARE(window->datasetContext()->cacheRoot(), QDir(m_cache).absolutePath());
    QVERIFY(openAndWait(*window, m_dataset));
    widgets::EmbeddingsPanel *panel = window->embeddings()->panel();
    QCOMPARE(panel->model()->rowCount(), 1); // BM25 only: the cache is empty
    QVERIFY(panel->currentKey().isEmpty());
    QVERIFY(!window->evaluation()->evaluateAction()->isEnabled());
    QVERIFY(window->embeddings()->computeLsaAction()->isEnabled());

    // The dialog: defaults 256 / 2 / 0 / 7 with tooltips.
    window->embeddings()->computeLsaAction()->trigger();
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = findDialog(QStringLiteral("lsaDialog"))));
    auto *dim = dialog->findChild<QSpinBox *>(QStringLiteral("param_dim"));
    auto *minDf = dialog->findChild<QSpinBox *>(QStringLiteral("param_min_df"));
    auto *seed = dialog->findChild<QSpinBox *>(QStringLiteral("param_seed"));
    auto *power = dialog->findChild<QSpinBox *>(QStringLiteral("param_power_iterations"));
    QVERIFY(dim && minDf && seed && power);
    QCOMPARE(dim->value(), 256);
    QCOMPARE(minDf->value(), 2);
    QCOMPARE(seed->value(), 0);
    QCOMPARE(power->value(), 7);
    for (QSpinBox *box : {dim, minDf, seed, power})
        QVERIFY(!box->toolTip().isEmpty());
    dim->setValue(2);
    minDf->setValue(1);
    QSignalSpy computed(window->embeddings(), &embtune::gui::EmbeddingsController::embeddingsComputed);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(computed.count() + errors.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QCOMPARE(computed.first().at(1).toBool(), false); // computed, not found in the cache
    const QString key = computed.first().at(0).toString();

    // Listed with its provenance and selected.
    QCOMPARE(window->embeddingSets()->currentKey(), key);
    QCOMPARE(panel->model()->rowCount(), 2);
    const widgets::EmbeddingSetRow *row = panel->model()->find(key);
    QVERIFY(row);
    QCOMPARE(row->name, QStringLiteral("lsa2 min_df=1"));
    QCOMPARE(row->embedder, QStringLiteral("lsa"));
    QCOMPARE(row->dim, 2);
    QVERIFY(row->normalized);
    QCOMPARE(row->documents, 4);
    QCOMPARE(row->queries, 2);
    QVERIFY(row->loaded);
    const QDateTime created = QDateTime::fromString(row->created, Qt::ISODate);
    QVERIFY2(created.isValid() && created.secsTo(QDateTime::currentDateTimeUtc()) < 600, qPrintable(row->created));
    QVERIFY(QDir(m_cache).absolutePath() == QFileInfo(row->location).absolutePath());
    const int r = panel->model()->rowOf(key);
    using M = widgets::EmbeddingSetListModel;
    QCOMPARE(panel->model()->index(r, M::DimColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(panel->model()->index(r, M::NormalizedColumn).data().toString(), QStringLiteral("yes"));
    QCOMPARE(panel->model()->index(r, M::OriginColumn).data().toString(), QStringLiteral("cache"));
    const QString tip = panel->model()->index(r, M::NameColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("min_df: 1")) && tip.contains(QStringLiteral("power_iterations: 7")),
             qPrintable(tip));
    auto *summary = window->findChild<QLabel *>(QStringLiteral("embeddingsSummary"));
    QVERIFY2(summary->text().contains(QStringLiteral("lsa2 min_df=1")), qPrintable(summary->text()));

    // The vectors: 4 x 2 documents, 2 x 2 queries, unit rows.
    const auto set = window->embeddingSets()->currentSet();
    QVERIFY(set);
    QCOMPARE(set->docs.rows(), 4);
    QCOMPARE(set->dim(), 2);
    QCOMPARE(set->queries.rows(), 2);
    for (int i = 0; i < 4; ++i)
        QVERIFY(std::abs(set->docs.map().row(i).norm() - 1.0f) < 1e-5f);

    // One cache entry, keyed by the texts' hash.
    const auto entries = cacheEntries(m_cache);
    QCOMPARE(entries.size(), size_t(1));
    QCOMPARE(entries[0].info.provenance.embedder, std::string("lsa"));
    QCOMPARE(entries[0].info.provenance.datasetHash, engine::datasetTextsHash(*window->datasetContext()->dataset()));

    // Evaluate uses the selected set.
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
    QCOMPARE(runLabels(*window), QStringList{QStringLiteral("lsa2 min_df=1")});

    // Another window lists the cached set for the same dataset and selects it.
    auto other = makeWindow(m_settings);
    QVERIFY(openAndWait(*other, m_dataset));
    QCOMPARE(other->embeddings()->panel()->model()->rowCount(), 2);
    QCOMPARE(other->embeddingSets()->currentKey(), key);
    QVERIFY(!other->embeddings()->panel()->model()->find(key)->loaded); // loaded when first used
    QVERIFY(runAndWait(*other, &embtune::gui::EvaluationController::evaluationFinished, [&] { return other->evaluation()->evaluate(); }));
    QVERIFY(other->embeddings()->panel()->model()->find(key)->loaded);
    QCOMPARE(metricValue(*other, "lsa2 min_df=1", Metric::Ndcg, 10),
             metricValue(*window, "lsa2 min_df=1", Metric::Ndcg, 10));
}

void TestGuiFixture::computeServedFromCache()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    engine::LsaOptions options;
    options.dim = 2;
    options.tfidf.minDf = 1;
    QSignalSpy computed(window->embeddings(), &embtune::gui::EmbeddingsController::embeddingsComputed);
    QVERIFY(runAndWait(*window, &embtune::gui::EmbeddingsController::embeddingsComputed, [&] { return window->embeddings()->computeLsa(options); }));
    QCOMPARE(computed.last().at(1).toBool(), false);
    const QString key = computed.last().at(0).toString();
    auto entries = cacheEntries(m_cache);
    QCOMPARE(entries.size(), size_t(1));
    const QString provenance = QDir(QString::fromStdString(entries[0].info.dir)).filePath("provenance.json");
    QFile file(provenance);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();
    const QDateTime modified = QFileInfo(provenance).lastModified();
    const auto first = window->embeddingSets()->currentSet();
    QTest::qWait(50); // a rewrite would show in the modification time

    // The same configuration again: served by the cache, nothing computed or written.
    QVERIFY(runAndWait(*window, &embtune::gui::EmbeddingsController::embeddingsComputed, [&] { return window->embeddings()->computeLsa(options); }));
    QCOMPARE(computed.last().at(1).toBool(), true);
    QCOMPARE(computed.last().at(0).toString(), key);
    QCOMPARE(window->embeddings()->panel()->model()->rowCount(), 2); // no second row
    QCOMPARE(cacheEntries(m_cache).size(), size_t(1));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
    file.close();
    QCOMPARE(QFileInfo(provenance).lastModified(), modified);
    QVERIFY2(window->statusBar()->currentMessage().contains(QStringLiteral("nothing recomputed")),
             qPrintable(window->statusBar()->currentMessage()));
    const auto second = window->embeddingSets()->currentSet();
    QVERIFY(second && second != first);
    QVERIFY(second->docs.map() == first->docs.map());

    // A new window (as after a restart) is served by the cache too; another seed is a new entry.
    auto other = makeWindow(m_settings);
    QVERIFY(openAndWait(*other, m_dataset));
    QSignalSpy otherComputed(other->embeddings(), &embtune::gui::EmbeddingsController::embeddingsComputed);
    QVERIFY(runAndWait(*other, &embtune::gui::EmbeddingsController::embeddingsComputed, [&] { return other->embeddings()->computeLsa(options); }));
    QCOMPARE(otherComputed.last().at(1).toBool(), true);
    options.seed = 1;
    QVERIFY(runAndWait(*other, &embtune::gui::EmbeddingsController::embeddingsComputed, [&] { return other->embeddings()->computeLsa(options); }));
    QCOMPARE(otherComputed.last().at(1).toBool(), false);
    QCOMPARE(cacheEntries(m_cache).size(), size_t(2));
    QCOMPARE(other->embeddings()->panel()->model()->rowCount(), 3);
    QCOMPARE(other->embeddings()->panel()->model()->rowAt(1).name, QStringLiteral("lsa2 min_df=1 seed=1")); // newest first
}

void TestGuiFixture::cancelRunningCompute()
{
    const QString large = m_dir.filePath(QStringLiteral("large"));
    QVERIFY(writeLargeDataset(large, 20000));
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, large));
    engine::LsaOptions slow;
    slow.dim = 32;
    slow.tfidf.minDf = 1;
    slow.powerIterations = 1000; // minutes of work: it cannot finish before the cancel

    QSignalSpy computed(window->embeddings(), &embtune::gui::EmbeddingsController::embeddingsComputed);
    QSignalSpy cancelled(window->jobs(), &embtune::gui::JobRunner::cancelled);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(window->embeddings()->computeLsa(slow));
    QVERIFY(window->jobs()->isBusy());
    QVERIFY(!window->embeddings()->computeLsaAction()->isEnabled());
    // Wait for the fit's first report (the progress bar leaves its busy state): the job is running.
    auto *progress = window->findChild<QProgressBar *>(QStringLiteral("jobProgress"));
    auto *label = window->findChild<QLabel *>(QStringLiteral("jobLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(progress->maximum() == 1000, kTimeoutMs);
    QVERIFY2(label->text().contains(QStringLiteral("tf-idf")) || label->text().contains(QStringLiteral("svd")),
             qPrintable(label->text()));
    QElapsedTimer timer;
    timer.start();
    window->cancelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window->jobs()->isBusy(), kTimeoutMs);
    qInfo("compute stopped %lld ms after the cancel", timer.elapsed());
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(computed.count(), 0);
    QVERIFY(errors.isEmpty());
    // Nothing was stored, not even a temporary folder; nothing was listed.
    QVERIFY(cacheEntries(m_cache).empty());
    QVERIFY(QDir(m_cache).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
    QCOMPARE(window->embeddings()->panel()->model()->rowCount(), 1);
    QVERIFY(window->embeddings()->computeLsaAction()->isEnabled());

    // The window takes the next job.
    engine::LsaOptions quick;
    quick.dim = 4;
    quick.tfidf.minDf = 1;
    quick.powerIterations = 1;
    QVERIFY(runAndWait(*window, &embtune::gui::EmbeddingsController::embeddingsComputed, [&] { return window->embeddings()->computeLsa(quick); }));
    QCOMPARE(cacheEntries(m_cache).size(), size_t(1));
}

void TestGuiFixture::exportAndImportEveryFormat()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    QVERIFY(importAndWait(*window, m_embeddings));
    const QString original = window->embeddingSets()->currentKey();
    const auto vectors = window->embeddingSets()->currentSet();
    QVERIFY(vectors);
    QVERIFY(window->embeddings()->exportEmbeddingsAction()->isEnabled());

    // Through the dialog once: safetensors.
    {
        window->embeddings()->exportEmbeddingsAction()->trigger();
        QDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = findDialog(QStringLiteral("exportDialog"))));
        auto *format = dialog->findChild<QComboBox *>(QStringLiteral("exportFormat"));
        QVERIFY(format && format->count() == 4);
        format->setCurrentIndex(format->findData(int(engine::VectorFormat::Safetensors)));
        auto *files = dialog->findChild<QLabel *>(QStringLiteral("exportFiles"));
        QVERIFY2(files->text().contains(QStringLiteral("corpus.safetensors")), qPrintable(files->text()));
        const QString target = m_dir.filePath(QStringLiteral("export-dialog"));
        auto *folder = dialog->findChild<QWidget *>(QStringLiteral("exportFolder"))->findChild<QLineEdit *>();
        folder->setText(target);
        QSignalSpy exported(window->embeddings(), &embtune::gui::EmbeddingsController::embeddingsExported);
        QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(exported.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
        QVERIFY(QFileInfo::exists(target + "/corpus.safetensors"));
        QVERIFY(QFileInfo::exists(target + "/queries.safetensors"));
        QVERIFY(QFileInfo::exists(target + "/provenance.json"));
    }

    // Every format: export, import the folder again, same vectors, same metrics.
    for (engine::VectorFormat format : {engine::VectorFormat::Npy, engine::VectorFormat::Fvecs,
                                        engine::VectorFormat::Jsonl, engine::VectorFormat::Safetensors}) {
        const QString name = QString::fromLatin1(engine::vectorFormatName(format).data());
        const QString dir = m_dir.filePath(QStringLiteral("export-") + name);
        QVERIFY(window->embeddingSets()->select(original));
        QVERIFY2(runAndWait(*window, &embtune::gui::EmbeddingsController::embeddingsExported,
                            [&] { return window->embeddings()->exportEmbeddings(format, dir); }),
                 qPrintable(name));
        const engine::ExportLayout layout = engine::exportLayout(format);
        for (const std::string &file : {layout.docs, layout.docIds, layout.queries, layout.queryIds})
            if (!file.empty())
                QVERIFY2(QFileInfo::exists(QDir(dir).filePath(QString::fromStdString(file))), file.c_str());

        QVERIFY2(importAndWait(*window, dir), qPrintable(name));
        const QString key = window->embeddingSets()->currentKey();
        QCOMPARE(key, QStringLiteral("import:") + QFileInfo(dir).absoluteFilePath());
        const widgets::EmbeddingSetRow *row = window->embeddings()->panel()->model()->find(key);
        QVERIFY(row && row->origin == widgets::EmbeddingSetRow::Origin::Imported);
        QCOMPARE(row->dim, 3);
        QCOMPARE(row->queries, 2);
        const auto imported = window->embeddingSets()->currentSet();
        QVERIFY(imported->docs.map() == vectors->docs.map());
        QVERIFY(imported->queries.map() == vectors->queries.map());
        QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
        const int run = window->runs()->metricsModel()->rowOfRun(QStringLiteral("eval:%1|test").arg(key));
        QVERIFY(run >= 0);
        QCOMPARE(widgets::MetricsTableModel::formatValue(*window->runs()->metricsModel()->value(run, Metric::Ndcg, 10)),
                 QStringLiteral("0.8255"));
    }
    // The original and four imports are listed (after BM25).
    QCOMPARE(window->embeddings()->panel()->model()->rowCount(), 6);
}

void TestGuiFixture::importFilesThroughDialog()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    QVERIFY(importAndWait(*window, m_embeddings));
    const QString fvecs = m_dir.filePath(QStringLiteral("files-fvecs"));
    const QString jsonl = m_dir.filePath(QStringLiteral("files-jsonl"));
    QVERIFY(runAndWait(*window, &embtune::gui::EmbeddingsController::embeddingsExported,
                       [&] { return window->embeddings()->exportEmbeddings(engine::VectorFormat::Fvecs, fvecs); }));
    QVERIFY(runAndWait(*window, &embtune::gui::EmbeddingsController::embeddingsExported,
                       [&] { return window->embeddings()->exportEmbeddings(engine::VectorFormat::Jsonl, jsonl); }));

    // Documents from an fvecs file (ids from the sibling list), queries from a JSONL file.
    window->embeddings()->importFilesAction()->trigger();
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = findDialog(QStringLiteral("importFilesDialog"))));
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled()); // the document file is required
    dialog->findChild<QWidget *>(QStringLiteral("importDocsFile"))->findChild<QLineEdit *>()->setText(fvecs + "/corpus.fvecs");
    dialog->findChild<QWidget *>(QStringLiteral("importQueriesFile"))
        ->findChild<QLineEdit *>()
        ->setText(jsonl + "/query_embeddings.jsonl");
    QVERIFY(ok->isEnabled());
    QSignalSpy imported(window->embeddings(), &embtune::gui::EmbeddingsController::embeddingsLoaded);
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(imported.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
    const QString key = window->embeddingSets()->currentKey();
    QCOMPARE(key, QStringLiteral("import:") + fvecs + "/corpus.fvecs");
    QCOMPARE(window->embeddings()->panel()->model()->find(key)->queries, 2);
    QCOMPARE(window->embeddingSets()->currentImportPath(), fvecs + "/corpus.fvecs");
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
    const int run = window->runs()->metricsModel()->rowOfRun(QStringLiteral("eval:%1|test").arg(key));
    QCOMPARE(widgets::MetricsTableModel::formatValue(*window->runs()->metricsModel()->value(run, Metric::Ndcg, 10)),
             QStringLiteral("0.8255"));

    // Query vectors given as documents: ids the corpus does not know, reported with the file.
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    embtune::gui::ImportSpec wrong;
    wrong.docsFile = jsonl + "/query_embeddings.jsonl";
    QVERIFY(window->embeddings()->importEmbeddingFiles(wrong));
    QTRY_VERIFY_WITH_TIMEOUT(errors.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(errors.first().first().toString().contains(QStringLiteral("query_embeddings.jsonl")),
             qPrintable(errors.first().first().toString()));
    QCOMPARE(window->embeddingSets()->currentKey(), key);
}

void TestGuiFixture::removeFromCacheAfterConfirmation()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    QVERIFY(!window->embeddings()->removeFromCacheAction()->isEnabled());
    engine::LsaOptions options;
    options.dim = 2;
    options.tfidf.minDf = 1;
    QVERIFY(runAndWait(*window, &embtune::gui::EmbeddingsController::embeddingsComputed, [&] { return window->embeddings()->computeLsa(options); }));
    const QString key = window->embeddingSets()->currentKey();
    QVERIFY(window->embeddings()->removeFromCacheAction()->isEnabled());
    QCOMPARE(cacheEntries(m_cache).size(), size_t(1));

    // Cancel in the confirmation: nothing happens.
    window->embeddings()->removeFromCacheAction()->trigger();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = findDialog<QMessageBox>(QStringLiteral("confirmRemoveBox"))));
    QVERIFY2(box->text().contains(QStringLiteral("lsa2 min_df=1")), qPrintable(box->text()));
    QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!findDialog<QMessageBox>(QStringLiteral("confirmRemoveBox")));
    QTest::qWait(100);
    QVERIFY(!window->jobs()->isBusy());
    QCOMPARE(cacheEntries(m_cache).size(), size_t(1));
    QVERIFY(window->embeddings()->panel()->model()->find(key));

    // Confirmed: the entry leaves the disk and the list.
    QSignalSpy removed(window->embeddings(), &embtune::gui::EmbeddingsController::cacheEntryRemoved);
    window->embeddings()->removeFromCacheAction()->trigger();
    QTRY_VERIFY((box = findDialog<QMessageBox>(QStringLiteral("confirmRemoveBox"))));
    auto *remove = box->findChild<QPushButton *>(QStringLiteral("confirmRemoveButton"));
    QVERIFY(remove);
    QTest::mouseClick(remove, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(removed.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
    QCOMPARE(removed.first().at(0).toString(), key);
    QVERIFY(cacheEntries(m_cache).empty());
    QVERIFY(!window->embeddings()->panel()->model()->find(key));
    QCOMPARE(window->embeddings()->panel()->model()->rowCount(), 1);
    QVERIFY(window->embeddingSets()->currentKey() != key);
    QVERIFY(!window->embeddings()->removeFromCacheAction()->isEnabled());

    // BM25 and imported sets are not cache entries.
    QVERIFY(window->embeddingSets()->select(embtune::gui::EmbeddingSetStore::bm25Key()));
    QVERIFY(!window->embeddings()->removeFromCacheAction()->isEnabled());
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(!window->embeddings()->removeFromCache(embtune::gui::EmbeddingSetStore::bm25Key()));
    QCOMPARE(errors.count(), 1);
}

void TestGuiFixture::bm25Baseline()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    QVERIFY(importAndWait(*window, m_embeddings));
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));

    // The BM25 entry of the list: Evaluate runs BM25; no vectors to train on or export.
    const widgets::EmbeddingSetRow *bm25 = window->embeddings()->panel()->model()->find(embtune::gui::EmbeddingSetStore::bm25Key());
    QVERIFY(bm25);
    QCOMPARE(bm25->name, QStringLiteral("BM25 (k1 0.9, b 0.4)"));
    QVERIFY(window->embeddingSets()->select(embtune::gui::EmbeddingSetStore::bm25Key()));
    QVERIFY(window->evaluation()->evaluateAction()->isEnabled());
    QVERIFY(!window->training()->trainAction()->isEnabled());
    QVERIFY(!window->embeddings()->exportEmbeddingsAction()->isEnabled());
    QVERIFY(!window->embeddingSets()->currentSet());
    auto *summary = window->findChild<QLabel *>(QStringLiteral("embeddingsSummary"));
    QVERIFY2(summary->text().contains(QStringLiteral("BM25")), qPrintable(summary->text()));
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] {
        window->evaluation()->evaluateAction()->trigger();
        return window->jobs()->isBusy();
    }));

    // By hand: q1 "alpha or gamma" matches d1 and d3 (one term each, equal lengths: tie, d3 first by
    // id descending), both relevant; q2 "beta please" ranks d2 first.
    QCOMPARE(runLabels(*window), (QStringList{QStringLiteral("vec3"), QStringLiteral("BM25")}));
    auto *table = window->findChild<QTableView *>(QStringLiteral("metricsTable"));
    QCOMPARE(table->model()->rowCount(), 2);
    QCOMPARE(metricCell(table, "BM25", "nDCG@10"), QStringLiteral("1.0000"));
    QCOMPARE(metricCell(table, "BM25", "MRR@10"), QStringLiteral("1.0000"));
    QCOMPARE(metricValue(*window, "BM25", Metric::Recall, 1), QStringLiteral("0.7500"));
    QCOMPARE(metricValue(*window, "BM25", Metric::Precision, 1), QStringLiteral("1.0000"));
    QCOMPARE(metricCell(table, "vec3", "nDCG@10"), QStringLiteral("0.8255")); // still there
    QVERIFY(window->runs()->lastEvaluation()->ranking.size() == 2);
    QVERIFY(table->model()->index(1, 1).data(Qt::FontRole).value<QFont>().bold()); // BM25 is best

    // Both runs are drawn, with a legend.
    auto *chart = window->findChild<QChartView *>(QStringLiteral("metricsChart"));
    QCOMPARE(chart->chart()->series().size(), 4);
    QVERIFY(chart->chart()->legend()->isVisible());
    const auto legend = [&] {
        QStringList labels;
        for (QLegendMarker *marker : chart->chart()->legend()->markers())
            if (marker->isVisible())
                labels << marker->label();
        return labels;
    };
    QTRY_COMPARE(legend(), (QStringList{QStringLiteral("vec3"), QStringLiteral("BM25")}));
    QStringList names;
    for (QAbstractSeries *series : chart->chart()->series())
        names << series->name();
    QVERIFY2(names.contains(QStringLiteral("BM25 \u00b7 nDCG@k")), qPrintable(names.join(", ")));

    // Evaluate BM25 (Ctrl+B) with the vectors selected: the same run, replaced.
    QVERIFY(window->embeddingSets()->select(QStringLiteral("import:") + QFileInfo(m_embeddings).absoluteFilePath()));
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluateBm25(); }));
    QCOMPARE(runLabels(*window).size(), 2);
}

void TestGuiFixture::trainNudgeNFixedGamma()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_trainingDataset));
    QVERIFY(importAndWait(*window, m_trainingDataset + "/embeddings/vec3"));
    QVERIFY(window->training()->trainAction()->isEnabled());

    // The dialog: NUDGE-N, gamma 0.5, the dataset's query lists by default.
    window->training()->trainAction()->trigger();
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = findDialog(QStringLiteral("trainDialog"))));
    auto *method = dialog->findChild<QComboBox *>(QStringLiteral("trainMethod"));
    QVERIFY(method && method->count() >= 2);
    method->setCurrentIndex(method->findData(QStringLiteral("nudge-n")));
    auto *trainFile = dialog->findChild<QWidget *>(QStringLiteral("trainQueriesFile"))->findChild<QLineEdit *>();
    auto *devFile = dialog->findChild<QWidget *>(QStringLiteral("devQueriesFile"))->findChild<QLineEdit *>();
    QVERIFY2(trainFile->text().endsWith(QStringLiteral("splits/train.txt")), qPrintable(trainFile->text()));
    QVERIFY2(devFile->text().endsWith(QStringLiteral("splits/dev.txt")), qPrintable(devFile->text()));
    auto *split = dialog->findChild<QComboBox *>(QStringLiteral("trainEvaluationSplit"));
    QCOMPARE(split->currentText(), QStringLiteral("test"));
    auto *gamma = dialog->findChild<QLineEdit *>(QStringLiteral("param_gamma"));
    QVERIFY(gamma);
    QVERIFY(!gamma->toolTip().isEmpty());
    gamma->clear();
    QTest::keyClicks(gamma, QStringLiteral("0.5"));
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QSignalSpy trained(window->training(), &embtune::gui::TrainingController::trainingFinished);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(trained.count() + errors.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    const QString runKey = trained.first().at(0).toString();

    // A second row beside the baseline.
    QCOMPARE(runLabels(*window), (QStringList{QStringLiteral("vec3"), QStringLiteral("vec3 + NUDGE-N")}));
    auto *table = window->findChild<QTableView *>(QStringLiteral("metricsTable"));
    QCOMPARE(table->model()->rowCount(), 2);

    // The same flow on the engine directly (as embtune-cli train runs it) gives the same figures.
    engine::LoadReport report;
    auto dataset = engine::readBeirDataset(QFile::encodeName(m_trainingDataset).toStdString(), &report);
    QVERIFY(dataset);
    auto embeddings =
        engine::readNpyEmbeddingSet(QFile::encodeName(m_trainingDataset + "/embeddings/vec3").toStdString(), *dataset);
    QVERIFY(embeddings);
    auto trainIds = engine::readQueryIdList(QFile::encodeName(m_trainingDataset + "/splits/train.txt").toStdString(), *dataset);
    auto devIds = engine::readQueryIdList(QFile::encodeName(m_trainingDataset + "/splits/dev.txt").toStdString(), *dataset);
    QVERIFY(trainIds && devIds);
    engine::TrainingData data;
    data.dataset = &*dataset;
    data.embeddings = &*embeddings;
    data.trainQueries = *trainIds;
    data.devQueries = *devIds;
    data.trainQrels = dataset->judgementsFor(*trainIds);
    data.devQrels = dataset->judgementsFor(*devIds);
    const engine::Method *nudgeN = engine::findMethod("nudge-n");
    auto params = engine::ParamValues::parse(nudgeN->spec(), {{"gamma", "0.5"}});
    QVERIFY(params);
    auto model = nudgeN->fit(data, *params, nullptr);
    QVERIFY(model);
    engine::EmbeddingSet tuned;
    tuned.docs = (*model)->tunedDocuments();
    tuned.queries = engine::FloatMatrix((*model)->transformQueries(embeddings->queries.map()));
    tuned.hasQueryVector = embeddings->hasQueryVector;
    engine::EvaluationOptions options;
    options.ks = {1, 10, 100};
    auto baseline = engine::evaluateEmbeddings(*dataset, *embeddings, options);
    options.similarity = (*model)->similarity();
    auto expected = engine::evaluateEmbeddings(*dataset, tuned, options);
    QVERIFY(baseline && expected);
    for (const auto &[metric, k] : {std::pair{Metric::Ndcg, 10}, std::pair{Metric::Ndcg, 1}, std::pair{Metric::Recall, 10},
                                    std::pair{Metric::Mrr, 10}}) {
        QCOMPARE(metricValue(*window, "vec3 + NUDGE-N", metric, k),
                 widgets::MetricsTableModel::formatValue(expected->metrics.mean(metric, k)));
        QCOMPARE(metricValue(*window, "vec3", metric, k),
                 widgets::MetricsTableModel::formatValue(baseline->metrics.mean(metric, k)));
    }
    QCOMPARE(metricCell(table, "vec3 + NUDGE-N", "nDCG@10"),
             widgets::MetricsTableModel::formatValue(expected->metrics.mean(Metric::Ndcg, 10)));

    // The run's details: gamma 0.5 (fixed), the dev accuracy chart with its one point.
    auto *details = window->findChild<widgets::RunDetailsView *>(QStringLiteral("runDetails"));
    QVERIFY(details);
    QVERIFY2(details->text().contains(QStringLiteral("gamma: 0.5")), qPrintable(details->text()));
    QVERIFY2(details->text().contains(QStringLiteral("gamma=0.5")), qPrintable(details->text()));
    QVERIFY(details->gammaChart()->isVisible());
    QCOMPARE(details->accuracySeries()->count(), 1);
    QCOMPARE(details->accuracySeries()->at(0).x(), 0.5);

    // Export the tuned vectors; imported again they evaluate like the run.
    QVERIFY(window->training()->exportTunedAction()->isEnabled());
    const QString out = m_dir.filePath(QStringLiteral("tuned-jsonl"));
    QVERIFY(runAndWait(*window, &embtune::gui::TrainingController::tunedVectorsExported,
                       [&] { return window->training()->exportTunedVectors(runKey, engine::VectorFormat::Jsonl, out); }));
    QVERIFY(QFileInfo::exists(out + "/corpus_embeddings.jsonl"));
    QFile provenance(out + "/provenance.json");
    QVERIFY(provenance.open(QIODevice::ReadOnly));
    QVERIFY(provenance.readAll().contains("nudge-n"));
    QVERIFY(importAndWait(*window, out));
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
    const int reimported = window->runs()->metricsModel()->rowOfRun(
        QStringLiteral("eval:import:%1|test").arg(QFileInfo(out).absoluteFilePath()));
    QVERIFY(reimported >= 0);
    QCOMPARE(widgets::MetricsTableModel::formatValue(*window->runs()->metricsModel()->value(reimported, Metric::Ndcg, 10)),
             widgets::MetricsTableModel::formatValue(expected->metrics.mean(Metric::Ndcg, 10)));

    // The baseline run has no tuned vectors to export.
    QVERIFY(window->runs()->setCurrentKey(QStringLiteral("eval:import:%1|test").arg(
        QFileInfo(m_trainingDataset + "/embeddings/vec3").absoluteFilePath())));
    QVERIFY(!window->training()->exportTunedAction()->isEnabled());
    QVERIFY(details->text().contains(QStringLiteral("No training")));
}

void TestGuiFixture::invalidParameterBlocksTraining()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_trainingDataset));
    QVERIFY(importAndWait(*window, m_trainingDataset + "/embeddings/vec3"));
    QSignalSpy busy(window->jobs(), &embtune::gui::JobRunner::busyChanged);

    window->training()->trainAction()->trigger();
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = findDialog(QStringLiteral("trainDialog"))));
    auto *method = dialog->findChild<QComboBox *>(QStringLiteral("trainMethod"));
    method->setCurrentIndex(method->findData(QStringLiteral("nudge-n")));
    auto *gamma = dialog->findChild<QLineEdit *>(QStringLiteral("param_gamma"));
    auto *error = dialog->findChild<QLabel *>(QStringLiteral("parameterError"));
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(gamma && error && ok);
    QVERIFY(!error->isVisible());
    gamma->clear();
    QTest::keyClicks(gamma, QStringLiteral("7"));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("gamma=7")), qPrintable(error->text()));
    QVERIFY(!ok->isEnabled());
    gamma->clear();
    QTest::keyClicks(gamma, QStringLiteral("abc"));
    QVERIFY2(error->text().contains(QStringLiteral("expected a number")), qPrintable(error->text()));
    QVERIFY(!ok->isEnabled());
    // Enter does not accept the dialog; clicking the disabled button does nothing.
    QTest::keyClick(gamma, Qt::Key_Return);
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QVERIFY(!window->jobs()->isBusy());
    QCOMPARE(busy.count(), 0);

    // A valid value, but a missing query file: still blocked, with the reason.
    gamma->clear();
    QTest::keyClicks(gamma, QStringLiteral("0.2"));
    QVERIFY(!error->isVisible());
    QVERIFY(ok->isEnabled());
    auto *trainFile = dialog->findChild<QWidget *>(QStringLiteral("trainQueriesFile"))->findChild<QLineEdit *>();
    trainFile->setText(m_dir.filePath(QStringLiteral("no-such-train.txt")));
    auto *problem = dialog->findChild<QLabel *>(QStringLiteral("trainProblem"));
    QVERIFY(problem->isVisible() && problem->text().contains(QStringLiteral("no such file")));
    QVERIFY(!ok->isEnabled());
    dialog->reject();
    QCOMPARE(busy.count(), 0);
    QVERIFY(window->runs()->metricsModel()->isEmpty());

    // The same checks on the programmatic path.
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    embtune::gui::TrainRequest request;
    request.methodId = QStringLiteral("nudge-n");
    request.params = {{"gamma", "7"}};
    QVERIFY(!window->training()->train(request));
    QCOMPARE(errors.count(), 1);
    QVERIFY2(errors.last().first().toString().contains(QStringLiteral("gamma")),
             qPrintable(errors.last().first().toString()));
    request.methodId = QStringLiteral("no-such-method");
    request.params.clear();
    QVERIFY(!window->training()->train(request));
    QCOMPARE(errors.count(), 2);
    QVERIFY(errors.last().first().toString().contains(QStringLiteral("nudge-n")));
    QCOMPARE(busy.count(), 0);
    QVERIFY(window->runs()->metricsModel()->isEmpty());

    // BM25 has no vectors to train.
    QVERIFY(window->embeddingSets()->select(embtune::gui::EmbeddingSetStore::bm25Key()));
    QVERIFY(!window->training()->trainAction()->isEnabled());
}

void TestGuiFixture::trainWithExpertSet()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_trainingDataset));
    QVERIFY(importAndWait(*window, m_trainingDataset + "/embeddings/vec3"));
    const QString vec3 = window->embeddingSets()->currentKey();
    engine::LsaOptions options;
    options.dim = 2;
    options.tfidf.minDf = 1;
    QVERIFY(runAndWait(*window, &embtune::gui::EmbeddingsController::embeddingsComputed, [&] { return window->embeddings()->computeLsa(options); }));
    const QString lsa = window->embeddingSets()->currentKey();
    QVERIFY(window->embeddingSets()->select(vec3));

    // soft-label with the LSA set as an expert (besides BM25), through the dialog.
    window->training()->trainAction()->trigger();
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = findDialog(QStringLiteral("trainDialog"))));
    auto *method = dialog->findChild<QComboBox *>(QStringLiteral("trainMethod"));
    const int softLabel = method->findData(QStringLiteral("soft-label"));
    QVERIFY(softLabel >= 0);
    method->setCurrentIndex(softLabel);
    auto *epochs = dialog->findChild<QSpinBox *>(QStringLiteral("param_epochs"));
    QVERIFY(epochs);
    epochs->setValue(3);
    auto *experts = dialog->findChild<QListWidget *>(QStringLiteral("trainExperts"));
    QVERIFY(experts);
    QCOMPARE(experts->count(), 1); // the other set with vectors: not vec3 itself, not BM25
    QCOMPARE(experts->item(0)->data(Qt::UserRole).toString(), lsa);
    experts->item(0)->setCheckState(Qt::Checked);
    QSignalSpy trained(window->training(), &embtune::gui::TrainingController::trainingFinished);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(trained.count() + errors.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    const QStringList labels = runLabels(*window);
    QCOMPARE(labels.size(), 2);
    QVERIFY2(labels[1].startsWith(QStringLiteral("vec3 + ")), qPrintable(labels.join(", ")));
    auto *details = window->findChild<widgets::RunDetailsView *>(QStringLiteral("runDetails"));
    QVERIFY2(details->text().contains(QStringLiteral("experts: lsa2 min_df=1")), qPrintable(details->text()));
    QVERIFY2(details->text().contains(QStringLiteral("epochs=3")), qPrintable(details->text()));

    // An expert that is not a set with vectors is refused before any job.
    embtune::gui::TrainRequest request;
    request.methodId = QStringLiteral("soft-label");
    request.expertKeys = {embtune::gui::EmbeddingSetStore::bm25Key()};
    QVERIFY(!window->training()->train(request));
    QCOMPARE(errors.count(), 1);
    QVERIFY(!window->jobs()->isBusy());
}

void TestGuiFixture::commandLineBm25AndTrain()
{
    auto window = makeWindow(m_settings);
    embtune::gui::CommandLineRequest request;
    request.dataset = m_trainingDataset;
    request.embeddings = m_trainingDataset + "/embeddings/vec3";
    request.evaluate = true;
    request.bm25 = true;
    request.train = {QStringLiteral("nudge-n"), QStringLiteral("nudge-m")};
    request.view = QStringLiteral("embeddings");
    request.screenshot = m_dir.filePath(QStringLiteral("shots/train.png"));
    QVERIFY2(request.validate().isEmpty(), qPrintable(request.validate()));
    embtune::gui::CommandLineRun run(window.get(), request);
    QSignalSpy finished(&run, &embtune::gui::CommandLineRun::finished);
    run.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(finished.first().at(0).toInt() == 0, qPrintable(finished.first().at(1).toString()));
    QCOMPARE(runLabels(*window), (QStringList{QStringLiteral("vec3"), QStringLiteral("BM25"),
                                              QStringLiteral("vec3 + NUDGE-N"), QStringLiteral("vec3 + NUDGE-M")}));
    auto *chart = window->findChild<QChartView *>(QStringLiteral("metricsChart"));
    QCOMPARE(chart->chart()->series().size(), 8);
    QCOMPARE(window->findChild<QTabWidget *>(QStringLiteral("leftTabs"))->currentIndex(), 1);
    QVERIFY(!QImage(request.screenshot).isNull());

    // --compute-lsa: with min_df 2 the tiny corpus has one term ("document"): dimension 2 is refused
    // by the engine and the run fails with its message; dimension 1 works.
    for (int dim : {2, 1}) {
        auto other = makeWindow(m_settings);
        embtune::gui::CommandLineRequest lsa;
        lsa.dataset = m_dataset;
        lsa.computeLsaDims = {dim};
        lsa.evaluate = true;
        embtune::gui::CommandLineRun lsaRun(other.get(), lsa);
        QSignalSpy lsaFinished(&lsaRun, &embtune::gui::CommandLineRun::finished);
        lsaRun.start();
        QTRY_COMPARE_WITH_TIMEOUT(lsaFinished.count(), 1, kTimeoutMs);
        const QString message = lsaFinished.first().at(1).toString();
        if (dim == 2) {
            QCOMPARE(lsaFinished.first().at(0).toInt(), 1);
            QVERIFY2(message.contains(QStringLiteral("rank")), qPrintable(message));
        } else {
            QVERIFY2(lsaFinished.first().at(0).toInt() == 0, qPrintable(message));
            QCOMPARE(runLabels(*other), QStringList{QStringLiteral("lsa1")});
            QCOMPARE(other->embeddingSets()->currentSet()->dim(), 1);
        }
    }

    // Usage problems.
    embtune::gui::CommandLineRequest bad;
    bad.bm25 = true;
    QVERIFY(!bad.validate().isEmpty()); // no dataset
    bad.dataset = m_dataset;
    QVERIFY(bad.validate().isEmpty());
    bad.split = QStringLiteral("test");
    QVERIFY(bad.validate().isEmpty());
    bad.train = {QStringLiteral("nudge-n")};
    QVERIFY(!bad.validate().isEmpty()); // no embeddings
    bad.computeLsaDims = {2};
    QVERIFY(bad.validate().isEmpty());
    bad.computeLsaDims = {2, 0};
    QVERIFY(!bad.validate().isEmpty());
    bad.computeLsaDims = {2};
    bad.view = QStringLiteral("nowhere");
    QVERIFY(!bad.validate().isEmpty());

    // A dataset without splits/train.txt cannot be trained by default; an unknown method fails.
    for (const QString &method : {QStringLiteral("nudge-n"), QStringLiteral("no-such-method")}) {
        auto other = makeWindow(m_settings);
        embtune::gui::CommandLineRequest failing;
        failing.dataset = method == QStringLiteral("nudge-n") ? m_dataset : m_trainingDataset;
        failing.embeddings = method == QStringLiteral("nudge-n") ? m_embeddings : m_trainingDataset + "/embeddings/vec3";
        failing.train = {method};
        embtune::gui::CommandLineRun failingRun(other.get(), failing);
        QSignalSpy failed(&failingRun, &embtune::gui::CommandLineRun::finished);
        failingRun.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
        QCOMPARE(failed.first().at(0).toInt(), 1);
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.contains(method == QStringLiteral("nudge-n") ? QStringLiteral("train") : method),
                 qPrintable(message));
    }
}

QTEST_MAIN(TestGuiFixture)
#include "test_gui_fixture.moc"
