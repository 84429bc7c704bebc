// The analysis view in a real MainWindow (offscreen) on a fixture the test writes (40 documents,
// 30 queries, 4-d vectors with cluster structure): the anisotropy card equals engine/analysis's
// figures for the same matrices (before and after NUDGE-N), the histograms hold every judged
// pair, the scatter draws every document and query with an arrow per moved vector, hover text
// names the point, clicking a query point selects it; the OOD button fills the table with the
// figures of engine::oodReport run directly; BM25 and --analysis without a run are refused. On
// SciFact lsa256 (skipped when absent) a NUDGE-N run shows arrows for exactly the moved
// documents.

#include "command_line_run.h"
#include "main_window.h"

#include "analysis/anisotropy.h"
#include "analysis/ood_report.h"
#include "analysis/pca_projection.h"
#include "analysis_view.h"
#include "anisotropy_card.h"
#include "data/beir_reader.h"
#include "embed/embedding_set.h"
#include "gui_text.h"
#include "histogram_chart_view.h"
#include "methods/method.h"
#include "scatter_view.h"
#include "support/fixtures.h"
#include "support/gui_test_support.h"

#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QtCharts/QLineSeries>

#include <cmath>

using namespace embtune;
using embtune::gui::MainWindow;

namespace {

constexpr int kTimeoutMs = 60000;
constexpr int kDocs = 40, kQueries = 30, kDim = 4;

std::string npyMatrix(int rows, int cols, const std::vector<float> &values)
{
    return test::npyHeader("<f4", rows, cols) + test::rawBytes(values);
}

// Documents around 4 directions; query j is relevant to documents j % 40 and (j + 7) % 40 and
// lies near their mean. Test: q0..q9; train: q10..q23; dev: q24..q29.
void writeFixture(const std::filesystem::path &dir)
{
    QRandomGenerator random(17);
    std::string corpus, queries, ids, queryIds;
    std::vector<float> docs, queryVectors;
    const auto n = [](int i) { return std::to_string(i); };
    for (int d = 0; d < kDocs; ++d) {
        corpus.append("{\"_id\": \"d").append(n(d)).append("\", \"title\": \"Title ").append(n(d));
        corpus.append("\", \"text\": \"text of document ").append(n(d)).append("\"}\n");
        ids.append("d").append(n(d)).append("\n");
        for (int c = 0; c < kDim; ++c)
            docs.push_back(float((c == d % kDim ? 1.0 : 0.0) + 0.35 * (random.generateDouble() - 0.5)));
    }
    std::string test = "query-id\tcorpus-id\tscore\n", train = test, trainList, devList;
    for (int q = 0; q < kQueries; ++q) {
        queries.append("{\"_id\": \"q").append(n(q)).append("\", \"text\": \"question number ");
        queries.append(n(q)).append("\"}\n");
        queryIds.append("q").append(n(q)).append("\n");
        const int a = q % kDocs, b = (q + 7) % kDocs;
        for (int c = 0; c < kDim; ++c)
            queryVectors.push_back(0.5f * (docs[size_t(a * kDim + c)] + docs[size_t(b * kDim + c)]) +
                                   float(0.3 * (random.generateDouble() - 0.5)));
        std::string &qrels = q < 10 ? test : train;
        qrels.append("q").append(n(q)).append("\td").append(n(a)).append("\t1\n");
        qrels.append("q").append(n(q)).append("\td").append(n(b)).append("\t2\n");
        if (q >= 10 && q < 24)
            trainList.append("q").append(n(q)).append("\n");
        else if (q >= 24)
            devList.append("q").append(n(q)).append("\n");
    }
    test::writeText(dir / "corpus.jsonl", corpus);
    test::writeText(dir / "queries.jsonl", queries);
    test::writeText(dir / "qrels" / "test.tsv", test);
    test::writeText(dir / "qrels" / "train.tsv", train);
    test::writeText(dir / "splits" / "train.txt", trainList);
    test::writeText(dir / "splits" / "dev.txt", devList);
    test::writeBytes(dir / "embeddings" / "vec4" / "corpus.npy", npyMatrix(kDocs, kDim, docs));
    test::writeText(dir / "embeddings" / "vec4" / "corpus_ids.txt", ids);
    test::writeBytes(dir / "embeddings" / "vec4" / "queries.npy", npyMatrix(kQueries, kDim, queryVectors));
    test::writeText(dir / "embeddings" / "vec4" / "query_ids.txt", queryIds);
}

// Rows of the queries that have a vector.
engine::RowMatrixXf queryRows(const engine::EmbeddingSet &base, const engine::FloatMatrix &queries)
{
    std::vector<int64_t> rows;
    for (int32_t q = 0; q < int32_t(queries.rows()); ++q)
        if (base.hasQuery(q))
            rows.push_back(q);
    engine::RowMatrixXf out(int64_t(rows.size()), queries.cols());
    for (size_t r = 0; r < rows.size(); ++r)
        out.row(int64_t(r)) = queries.map().row(rows[r]);
    return out;
}

bool close(double a, double b)
{
    return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b));
}

} // namespace

class TestGuiAnalysis : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void baselineRun();
    void nudgeRunAndOodReport();
    void refusals();
    void oodReportInputError();
    void scifactNudgeArrows();

private:
    // A window with settings of its own per test function, never saved.
    std::unique_ptr<MainWindow> newWindow();
    bool load(MainWindow &window, const QString &dataset, const QString &embeddings);
    // Trains NUDGE-N with the dataset's splits/{train,dev}.txt; the run's key, or empty.
    QString trainNudgeN(MainWindow &window);
    // Compares the card's column `column` with `expected`.
    void checkColumn(const widgets::AnisotropyCard &card, int column, const engine::AnisotropyStats &expected);

    QTemporaryDir m_dir;
    QString m_dataset;
};

void TestGuiAnalysis::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataset = m_dir.filePath(QStringLiteral("fixture"));
    writeFixture(test::path(m_dir) / "fixture");
    qputenv("EMBTUNE_CACHE_DIR", QFile::encodeName(m_dir.filePath(QStringLiteral("cache"))));
}

std::unique_ptr<MainWindow> TestGuiAnalysis::newWindow()
{
    MainWindow::Options options = test::windowOptions(
        m_dir.filePath(QStringLiteral("settings-%1.ini").arg(QTest::currentTestFunction())));
    options.saveSettings = false;
    return test::makeWindow(options, QSize(1400, 900));
}

bool TestGuiAnalysis::load(MainWindow &window, const QString &dataset, const QString &embeddings)
{
    return test::openAndWait(window, dataset) && test::importAndWait(window, embeddings);
}

QString TestGuiAnalysis::trainNudgeN(MainWindow &window)
{
    QSignalSpy trained(window.training(), &embtune::gui::TrainingController::trainingFinished);
    gui::TrainRequest request;
    request.methodId = QStringLiteral("nudge-n");
    request.params = {{"gamma", "0.3"}}; // a fixed step, so that documents move on this small fixture
    if (!window.training()->train(request) || !QTest::qWaitFor([&] { return !trained.isEmpty(); }, kTimeoutMs))
        return {};
    return trained.first().first().toString();
}

void TestGuiAnalysis::checkColumn(const widgets::AnisotropyCard &card, int column, const engine::AnisotropyStats &expected)
{
    using Card = widgets::AnisotropyCard;
    for (int row = 0; row < Card::RowCount; ++row) {
        const QTableWidgetItem *item = card.item(row, column);
        QVERIFY(item);
        const double shown = item->data(Qt::UserRole).toDouble();
        const double value = Card::valueOf(expected, Card::Row(row));
        QVERIFY2(close(shown, value), qPrintable(QStringLiteral("row %1 column %2: %3 shown, engine %4")
                                                     .arg(row)
                                                     .arg(column)
                                                     .arg(shown, 0, 'g', 17)
                                                     .arg(value, 0, 'g', 17)));
    }
}

void TestGuiAnalysis::baselineRun()
{
    auto window = newWindow();
    QVERIFY(load(*window, m_dataset, m_dataset + "/embeddings/vec4"));
    QVERIFY(test::runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
    QVERIFY(window->analysis()->analysisAction()->isEnabled());
    QCOMPARE(window->analysis()->analysisAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_4));
    // In the View menu (one View menu) and in the comparison table's context menu.
    int viewMenus = 0;
    bool inViewMenu = false;
    for (QAction *action : window->menuBar()->actions())
        if (action->menu() && action->text().remove(QLatin1Char('&')) == QStringLiteral("View")) {
            ++viewMenus;
            inViewMenu = action->menu()->actions().contains(window->analysis()->analysisAction());
        }
    QCOMPARE(viewMenus, 1);
    QVERIFY(inViewMenu);
    auto *table = window->findChild<QTableView *>(QStringLiteral("metricsTable"));
    QVERIFY(table);
    QVERIFY(table->actions().contains(window->analysis()->analysisAction()));
    QSignalSpy finished(window->analysis(), &embtune::gui::AnalysisController::analysisFinished);
    window->analysis()->analysisAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() && !window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY(window->analysis()->analysisDock()->isVisible());

    // The card: documents and queries, equal to the engine's figures for the same matrices.
    const auto set = window->embeddingSets()->currentSet();
    QVERIFY(set);
    const widgets::AnalysisView &view = *window->analysis()->analysisView();
    QCOMPARE(view.card()->columnCount(), 2);
    auto docs = engine::computeAnisotropy(set->docs.map());
    QVERIFY(docs.ok());
    checkColumn(*view.card(), 0, *docs);
    const engine::RowMatrixXf queries = queryRows(*set, set->queries);
    auto queryStats = engine::computeAnisotropy(engine::ConstMatrixMap(queries.data(), queries.rows(), queries.cols()));
    QVERIFY(queryStats.ok());
    checkColumn(*view.card(), 1, *queryStats);

    // Histograms: relevant, random, top-10 non-relevant; each sums to 1; 20 relevant test pairs.
    const QList<QLineSeries *> series = view.histogramChart()->series();
    QCOMPARE(series.size(), 3);
    for (QLineSeries *s : series) {
        QVERIFY(s->count() > 0);
        double sum = 0;
        for (const QPointF &p : s->points())
            sum += p.y();
        QVERIFY2(std::abs(sum - 1) < 1e-9, qPrintable(s->name()));
    }
    QCOMPARE(view.analysis()->similarityBefore.relevant.count, 20);
    QCOMPARE(series[0]->property("pairs").toLongLong(), 20);

    // Scatter: every document and query, nothing moved.
    const widgets::ScatterView &scatter = *view.scatter();
    QCOMPARE(scatter.pointCount(), kDocs + kQueries);
    QCOMPARE(scatter.arrowCount(), 0);
    // The plane is the engine's PCA of the documents and queries.
    auto pca = engine::PcaProjection::fit(
        {set->docs.map(), engine::ConstMatrixMap(queries.data(), queries.rows(), queries.cols())}, 2);
    QVERIFY(pca.ok());
    const engine::RowMatrixXf projected = pca->apply(set->docs.map());
    for (int d = 0; d < kDocs; ++d)
        QVERIFY(std::abs(scatter.points()[size_t(d)].x() - projected(d, 0)) < 1e-6 &&
                std::abs(scatter.points()[size_t(d)].y() - projected(d, 1)) < 1e-6);

    // The first judged test query is selected: its two relevant documents are coloured.
    QCOMPARE(view.selectedQuery(), 0);
    const std::vector<quint8> &categories = scatter.categories();
    QCOMPARE(categories[0], quint8(widgets::AnalysisView::RelevantDocument)); // d0
    QCOMPARE(categories[7], quint8(widgets::AnalysisView::RelevantDocument)); // d7
    QCOMPARE(categories[1], quint8(widgets::AnalysisView::Document));
    QCOMPARE(categories[size_t(view.pointOfQuery(0))], quint8(widgets::AnalysisView::SelectedQuery));
    QCOMPARE(int(std::count(categories.begin(), categories.end(), quint8(widgets::AnalysisView::RelevantDocument))), 2);

    // Hover text names the point; a click on a query point selects that query.
    QVERIFY(scatter.toolTipFor(5).contains(QStringLiteral("d5")));
    QVERIFY(scatter.toolTipFor(5).contains(QStringLiteral("text of document 5")));
    const int q12 = view.pointOfQuery(12);
    QVERIFY(scatter.toolTipFor(q12).contains(QStringLiteral("question number 12")));
    widgets::ScatterView *live = view.scatter();
    live->setView(scatter.points()[size_t(q12)], live->scale()); // the query at the centre
    QTest::mouseClick(live, Qt::LeftButton, {}, live->dataToPixel(scatter.points()[size_t(q12)]).toPoint());
    QCOMPARE(view.selectedQuery(), 12);
    QCOMPARE(view.queryCombo()->currentData().toInt(), 12);
    QCOMPARE(scatter.categories()[12], quint8(widgets::AnalysisView::RelevantDocument));
    QCOMPARE(scatter.categories()[19], quint8(widgets::AnalysisView::RelevantDocument));
    // Picking a query in the combo recolours too.
    view.queryCombo()->setCurrentIndex(view.queryCombo()->findData(3));
    QCOMPARE(view.selectedQuery(), 3);
    QCOMPARE(scatter.categories()[3], quint8(widgets::AnalysisView::RelevantDocument));

    // A baseline has no OOD report.
    QVERIFY(!view.oodButton()->isEnabled());

    // Shown again without recomputing.
    QSignalSpy jobs(window->jobs(), &embtune::gui::JobRunner::busyChanged);
    QVERIFY(window->analysis()->showAnalysis());
    QTRY_COMPARE(finished.count(), 2);
    QCOMPARE(jobs.count(), 0);
}

void TestGuiAnalysis::nudgeRunAndOodReport()
{
    auto window = newWindow();
    QVERIFY(load(*window, m_dataset, m_dataset + "/embeddings/vec4"));
    const QString runKey = trainNudgeN(*window);
    QVERIFY(!runKey.isEmpty());
    QVERIFY(test::runAndWait(*window, &embtune::gui::AnalysisController::analysisFinished, [&] { return window->analysis()->showAnalysis(runKey); }));

    const widgets::AnalysisView &view = *window->analysis()->analysisView();
    const auto analysis = view.analysis();
    QVERIFY(analysis && analysis->hasAfter);
    QCOMPARE(view.card()->columnCount(), 4);

    // The engine's figures for the same matrices, computed here from the files and a NUDGE-N fit.
    auto dataset = engine::readBeirDataset(gui::localPath(m_dataset));
    QVERIFY(dataset.ok());
    auto base = engine::readNpyEmbeddingSet(gui::localPath(m_dataset + "/embeddings/vec4"), *dataset);
    QVERIFY(base.ok());
    auto train = engine::readQueryIdList(gui::localPath(m_dataset + "/splits/train.txt"), *dataset);
    auto dev = engine::readQueryIdList(gui::localPath(m_dataset + "/splits/dev.txt"), *dataset);
    QVERIFY(train.ok() && dev.ok());
    const engine::Method *method = engine::findMethod("nudge-n");
    QVERIFY(method);
    auto params = engine::ParamValues::parse(method->spec(), {{"gamma", "0.3"}});
    QVERIFY(params.ok());
    engine::TrainingData data;
    data.dataset = &*dataset;
    data.embeddings = &*base;
    data.trainQueries = *train;
    data.devQueries = *dev;
    data.trainQrels = dataset->judgementsFor(*train);
    data.devQrels = dataset->judgementsFor(*dev);
    auto model = method->fit(data, *params, nullptr);
    QVERIFY(model.ok());
    const engine::FloatMatrix tunedDocs = (*model)->tunedDocuments();
    const engine::FloatMatrix tunedQueries((*model)->transformDatasetQueries(*dataset, base->queries.map()));
    const engine::RowMatrixXf baseQueryRows = queryRows(*base, base->queries);
    const engine::RowMatrixXf tunedQueryRows = queryRows(*base, tunedQueries);
    auto map = [](const engine::RowMatrixXf &m) { return engine::ConstMatrixMap(m.data(), m.rows(), m.cols()); };
    checkColumn(*view.card(), 0, *engine::computeAnisotropy(base->docs.map()));
    checkColumn(*view.card(), 1, *engine::computeAnisotropy(tunedDocs.map()));
    checkColumn(*view.card(), 2, *engine::computeAnisotropy(map(baseQueryRows)));
    checkColumn(*view.card(), 3, *engine::computeAnisotropy(map(tunedQueryRows)));

    // Six histogram series (before dashed, after solid); arrows for exactly the moved documents
    // (NUDGE moves documents, not queries): those whose direction changed, not every document
    // rescaled to unit norm.
    QCOMPARE(view.histogramChart()->series().size(), 6);
    const engine::RowMatrixXf unitBase = engine::normalizedRows(base->docs.map());
    const std::vector<int32_t> moved = engine::movedRows(map(unitBase), tunedDocs.map());
    QVERIFY(moved.size() < size_t(base->docs.rows()));
    QVERIFY(!moved.empty());
    QCOMPARE(analysis->movedDocuments, moved);
    QVERIFY(analysis->movedQueries.empty());
    QCOMPARE(view.scatter()->arrowCount(), int(moved.size()));
    QCOMPARE(view.scatter()->categories()[size_t(moved.back())] == quint8(widgets::AnalysisView::MovedDocument) ||
                 view.scatter()->categories()[size_t(moved.back())] == quint8(widgets::AnalysisView::RelevantDocument),
             true);
    QVERIFY(view.scatter()->toolTipFor(moved.front()).contains(QStringLiteral("moved")));

    // OOD: the button runs the report; the table shows the figures of engine::oodReport.
    QVERIFY(view.oodButton()->isEnabled());
    QSignalSpy ood(window->analysis(), &embtune::gui::AnalysisController::oodReportFinished);
    QTest::mouseClick(view.oodButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!ood.isEmpty() && !window->jobs()->isBusy(), kTimeoutMs);
    engine::OodOptions options;
    auto report = engine::oodReport(*dataset, *base, *method, *params, *train, *dev, options, nullptr);
    QVERIFY2(report.ok(), report.ok() ? "" : report.error().toString().c_str());
    const QTableWidget &table = *view.oodTable();
    QCOMPARE(table.rowCount(), 4);
    int row = 0;
    for (int cluster = 0; cluster < 2; ++cluster)
        for (const engine::MetricResults *run : {&report->baseline, &report->tuned}) {
            QCOMPARE(table.item(row, 1)->text().toInt(), report->testQueries(cluster));
            QCOMPARE(table.item(row, 2)->text(), run == &report->baseline ? QStringLiteral("baseline")
                                                                          : QStringLiteral("NUDGE-N"));
            QVERIFY(close(table.item(row, 3)->data(Qt::UserRole).toDouble(),
                          report->mean(*run, cluster, engine::Metric::Ndcg, 10)));
            QVERIFY(close(table.item(row, 4)->data(Qt::UserRole).toDouble(),
                          report->mean(*run, cluster, engine::Metric::Recall, 10)));
            QVERIFY(close(table.item(row, 5)->data(Qt::UserRole).toDouble(),
                          report->mean(*run, cluster, engine::Metric::Recall, 100)));
            ++row;
        }
    QCOMPARE(report->testQueries(0) + report->testQueries(1), 10);
    QVERIFY(view.oodLabel()->text().contains(QString::number(report->trainQueries[0])));

    // Shown again (from the cache, no job): the report is still there.
    QSignalSpy jobs(window->jobs(), &embtune::gui::JobRunner::busyChanged);
    QVERIFY(test::runAndWait(*window, &embtune::gui::AnalysisController::analysisFinished, [&] { return window->analysis()->showAnalysis(runKey); }));
    QCOMPARE(jobs.count(), 0);
    QCOMPARE(view.oodTable()->rowCount(), 4);
    QVERIFY(close(view.oodTable()->item(3, 3)->data(Qt::UserRole).toDouble(),
                  report->mean(report->tuned, 1, engine::Metric::Ndcg, 10)));
}

void TestGuiAnalysis::refusals()
{
    auto window = newWindow();
    QVERIFY(test::openAndWait(*window, m_dataset));
    // Nothing selected.
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(!window->analysis()->showAnalysis());
    QCOMPARE(errors.count(), 1);
    QVERIFY(!window->analysis()->analysisAction()->isEnabled());
    // BM25 has no vectors.
    QVERIFY(test::runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluateBm25(); }));
    QVERIFY(!window->analysis()->analysisAction()->isEnabled());
    QVERIFY(!window->analysis()->showAnalysis());
    QCOMPARE(errors.count(), 2);
    QVERIFY(errors.last().first().toString().contains(QStringLiteral("BM25")));
    QVERIFY(!window->analysis()->runOodReport());

    // The command line: --analysis needs a run.
    gui::CommandLineRequest request;
    request.dataset = m_dataset;
    request.analysis = true;
    QVERIFY(request.validate().contains(QStringLiteral("--analysis")));
    request.embeddings = m_dataset + "/embeddings/vec4";
    request.evaluate = true;
    QCOMPARE(request.validate(), QString());
}

void TestGuiAnalysis::oodReportInputError()
{
    // A copy of the fixture whose train query list disappears after training: the OOD report,
    // which reads it again, fails with a message naming the file; nothing crashes or hangs.
    const QString dataset = m_dir.filePath(QStringLiteral("fixture-ood"));
    writeFixture(test::path(m_dir) / "fixture-ood");
    auto window = newWindow();
    QVERIFY(load(*window, dataset, dataset + "/embeddings/vec4"));
    const QString runKey = trainNudgeN(*window);
    QVERIFY(!runKey.isEmpty());
    QVERIFY(test::runAndWait(*window, &embtune::gui::AnalysisController::analysisFinished, [&] { return window->analysis()->showAnalysis(runKey); }));
    QVERIFY(QFile::remove(dataset + "/splits/train.txt"));
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QSignalSpy ood(window->analysis(), &embtune::gui::AnalysisController::oodReportFinished);
    QVERIFY(window->analysis()->runOodReport());
    QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty() && !window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(errors.first().first().toString().contains(QStringLiteral("train.txt")),
             qPrintable(errors.first().first().toString()));
    QCOMPARE(ood.count(), 0);
    const widgets::AnalysisView &view = *window->analysis()->analysisView();
    QCOMPARE(view.oodTable()->rowCount(), 0);
    QVERIFY(view.oodLabel()->text().contains(QStringLiteral("failed")));
    QVERIFY(view.oodButton()->isEnabled()); // it can be tried again
}

void TestGuiAnalysis::scifactNudgeArrows()
{
    const QString dir = test::sharedScifact();
    if (dir.isEmpty() || !QFileInfo::exists(dir + "/embeddings/lsa256/corpus.npy"))
        QSKIP("SciFact with embeddings/lsa256 not found (set EMBTUNE_SHARED_DIR to the folder holding datasets/)");
    auto window = newWindow();
    QVERIFY(load(*window, dir, dir + "/embeddings/lsa256"));
    const QString runKey = trainNudgeN(*window);
    QVERIFY(!runKey.isEmpty());
    // Cancel (Esc) while it runs: nothing is shown as complete and the next request computes again.
    {
        QSignalSpy cancelled(window->jobs(), &embtune::gui::JobRunner::cancelled);
        QSignalSpy finished(window->analysis(), &embtune::gui::AnalysisController::analysisFinished);
        QVERIFY(window->analysis()->showAnalysis(runKey));
        QVERIFY(window->jobs()->isBusy());
        window->jobs()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!window->jobs()->isBusy(), kTimeoutMs);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(finished.count(), 0);
        QVERIFY(!window->analysis()->analysisView()->analysis());
    }
    QVERIFY(test::runAndWait(*window, &embtune::gui::AnalysisController::analysisFinished, [&] { return window->analysis()->showAnalysis(runKey); }));
    const widgets::AnalysisView &view = *window->analysis()->analysisView();
    const auto analysis = view.analysis();
    QVERIFY(analysis && analysis->hasAfter);
    QCOMPARE(int(analysis->documentsBefore2d.size()), window->datasetContext()->dataset()->docCount());
    // Arrows for the moved documents: as many as movedRows finds between the set and the tuned vectors.
    const auto set = window->embeddingSets()->currentSet();
    QVERIFY(set);
    QVERIFY(!analysis->movedDocuments.empty());
    QVERIFY(int(analysis->movedDocuments.size()) < window->datasetContext()->dataset()->docCount());
    QCOMPARE(view.scatter()->arrowCount(), int(analysis->movedDocuments.size()));
    for (size_t k = 0; k < analysis->movedDocuments.size(); k += 97) {
        const int32_t d = analysis->movedDocuments[k];
        const QLineF arrow = view.scatter()->arrows()[k];
        QCOMPARE(arrow.p1(), analysis->documentsBefore2d[size_t(d)]);
        QCOMPARE(arrow.p2(), analysis->documentsAfter2d[size_t(d)]);
    }
    // Handing the result to the view (GUI thread) is short: scatter, query box, card, chart.
    QElapsedTimer timer;
    timer.start();
    window->analysis()->analysisView()->setAnalysis(analysis);
    const qint64 showMs = timer.elapsed();
    qInfo("SciFact lsa256 NUDGE-N: %zu of %d documents moved; analysis %.2f s on a worker thread, shown in %lld ms",
          analysis->movedDocuments.size(), window->datasetContext()->dataset()->docCount(), analysis->seconds, showMs);
    QVERIFY2(embtune::test::meetsTimingTarget("gui_analysis_show", double(showMs), 249.0),
             qPrintable(QStringLiteral("setAnalysis took %1 ms").arg(showMs)));
}

QTEST_MAIN(TestGuiAnalysis)
#include "test_gui_analysis.moc"
