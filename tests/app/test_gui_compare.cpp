// The compare view, the query explorer and the comparison exports, offscreen on a dataset the
// test writes (300 documents, 16-d vectors, 80 judged test queries with graded gains; two
// embedding sets whose query vectors are the relevant document's plus noise, set "better" with
// less noise): the table's values equal `embtune-cli evaluate --json` for the same inputs; the
// significance markers agree with the p-values; sorting, filtering, the baseline combo; CSV export
// read back; Markdown report and chart SVG; a TREC run file round trip; the query explorer on the
// query with the largest gain shows both top-10 lists and rank movements as exact search (the
// slow reference) computes them.

#include "compare_view.h"
#include "controllers/explorer_controller.h"
#include "controllers/fusion_controller.h"
#include "dialogs/fusion_dialog.h"
#include "main_window.h"
#include "metrics_chart_view.h"
#include "metrics_table_model.h"
#include "query_explorer_model.h"
#include "query_explorer_ranking_model.h"
#include "query_explorer_view.h"

#include "eval/metrics.h"
#include "io/npy.h"
#include "io/trec_run.h"
#include "methods/adapter_export.h"
#include "search/exact_search.h"
#include "support/cli_run.h"
#include "support/fixtures.h"
#include "support/csv_reader.h"
#include "support/gui_test_support.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QPushButton>
#include <QSlider>
#include <QtCharts/QLineSeries>
#include <QComboBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtCharts/QScatterSeries>
#include <QTest>

#include <cmath>
#include <random>

using embtune::gui::MainWindow;
using namespace embtune::test;
using embtune::widgets::CompareView;
using embtune::widgets::MetricsTableModel;
namespace engine = embtune::engine;

namespace {

constexpr int kTimeoutMs = 120000;
constexpr int kDocs = 300, kDim = 16, kQueries = 80, kTrainQueries = 40;

std::string numbered(const char *prefix, int i)
{
    std::string out(prefix);
    out += std::to_string(i);
    return out;
}

// BEIR folder + embeddings/worse and embeddings/better. Query q is relevant to documents
// r = 3q mod 300 (gain 2) and r+1 (gain 1); its vector is document r's plus noise (0.9 worse,
// 0.5 better).
// Queries 0..79 are the test split; 80..119 train (splits/train.txt 80..109, splits/dev.txt 110..119).
bool writeFixture(const QString &dir)
{
    std::mt19937 random(5);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> docs(size_t(kDocs) * kDim);
    for (float &v : docs)
        v = normal(random);
    QByteArray corpus, queries, qrels = "query-id\tcorpus-id\tscore\n", trainQrels = qrels, trainList, devList;
    std::vector<std::string> docIds, queryIds;
    for (int d = 0; d < kDocs; ++d) {
        docIds.push_back(numbered("d", d));
        corpus += "{\"_id\": \"d" + QByteArray::number(d) + "\", \"title\": \"Title " + QByteArray::number(d) +
                  "\", \"text\": \"body of document " + QByteArray::number(d) + "\"}\n";
    }
    const int allQueries = kQueries + kTrainQueries;
    std::vector<float> worse(size_t(allQueries) * kDim), better(size_t(allQueries) * kDim);
    for (int q = 0; q < allQueries; ++q) {
        queryIds.push_back(numbered("q", q));
        queries += "{\"_id\": \"q" + QByteArray::number(q) + "\", \"text\": \"question number " +
                   QByteArray::number(q) + "\"}\n";
        QByteArray &judgements = q < kQueries ? qrels : trainQrels;
        const int relevant = (3 * q) % kDocs; // and relevant + 1
        judgements += "q" + QByteArray::number(q) + "\td" + QByteArray::number(relevant) + "\t2\n";
        judgements += "q" + QByteArray::number(q) + "\td" + QByteArray::number(relevant + 1) + "\t1\n";
        if (q >= kQueries)
            (q < kQueries + 30 ? trainList : devList) += "q" + QByteArray::number(q) + "\n";
        for (int c = 0; c < kDim; ++c) {
            const float x = docs[size_t(relevant) * kDim + c];
            const float noise = normal(random);
            worse[size_t(q) * kDim + c] = x + 0.9f * noise;
            better[size_t(q) * kDim + c] = x + 0.5f * noise;
        }
    }
    bool ok = writeText(dir + "/corpus.jsonl", corpus) && writeText(dir + "/queries.jsonl", queries) &&
              writeText(dir + "/qrels/test.tsv", qrels) && writeText(dir + "/qrels/train.tsv", trainQrels) &&
              writeText(dir + "/splits/train.txt", trainList) && writeText(dir + "/splits/dev.txt", devList);
    for (const auto &[name, vectors] : {std::pair<QString, std::vector<float> *>{"worse", &worse}, {"better", &better}}) {
        const QString set = dir + "/embeddings/" + name;
        const std::string folder = QFile::encodeName(set).toStdString();
        ok = ok && QDir().mkpath(set) &&
             engine::writeNpyMatrix(folder + "/corpus.npy", engine::FloatMatrix(kDocs, kDim, docs).map()).ok() &&
             engine::writeIdList(folder + "/corpus_ids.txt", docIds).ok() &&
             engine::writeNpyMatrix(folder + "/queries.npy", engine::FloatMatrix(allQueries, kDim, *vectors).map()).ok() &&
             engine::writeIdList(folder + "/query_ids.txt", queryIds).ok();
    }
    return ok;
}

} // namespace

class TestGuiCompare : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tableEqualsCli();
    void significanceMarkers();
    void sortFilterAndBaseline();
    void exportsTableReportAndChart();
    void trecRunRoundTrip();
    void explorerOnLargestGain();
    void adapterExport();
    void fuseRunsLikeTheCli();
    void cleanupTestCase();

private:
    QString runKey(const QString &set) const { return QStringLiteral("eval:%1|test").arg(m_keys.value(set)); }

    QTemporaryDir m_dir;
    QString m_data;
    std::unique_ptr<MainWindow> m_window;
    QHash<QString, QString> m_keys; // set name -> Embeddings panel key
    QHash<QString, std::shared_ptr<const engine::EmbeddingSet>> m_sets;
};

void TestGuiCompare::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath(QStringLiteral("data"));
    QVERIFY(writeFixture(m_data));
    MainWindow::Options options = windowOptions(m_dir.filePath(QStringLiteral("settings.ini")));
    options.cacheDir = m_dir.filePath(QStringLiteral("cache"));
    options.restoreWindow = false;
    options.saveSettings = false;
    m_window = makeWindow(options, QSize(1400, 900));
    QVERIFY(openAndWait(*m_window, m_data, kTimeoutMs));
    for (const QString &set : {QStringLiteral("worse"), QStringLiteral("better")}) {
        QVERIFY(importAndWait(*m_window, m_data + "/embeddings/" + set, kTimeoutMs));
        m_keys.insert(set, m_window->embeddingSets()->currentKey());
        m_sets.insert(set, m_window->embeddingSets()->currentSet());
        QVERIFY(runAndWait(*m_window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return m_window->evaluation()->evaluate(); }, kTimeoutMs));
    }
    QCOMPARE(m_window->runs()->keys(), QStringList({runKey("worse"), runKey("better")}));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->compare()->significancePending(), kTimeoutMs);
}

void TestGuiCompare::tableEqualsCli()
{
    const MetricsTableModel *model = m_window->runs()->metricsModel();
    for (const QString &set : {QStringLiteral("worse"), QStringLiteral("better")}) {
        const embtune::test::CliRun cli = embtune::test::runCli(
            {"evaluate", "--dataset", m_data, "--embeddings", m_data + "/embeddings/" + set, "--k", "1,10,100",
             "--json", "-"});
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.err));
        const QJsonObject metrics = QJsonDocument::fromJson(cli.out.toUtf8()).object().value("metrics").toObject();
        QVERIFY(!metrics.isEmpty());
        const int row = model->rowOfRun(runKey(set));
        QVERIFY(row >= 0);
        int compared = 0;
        for (const MetricsTableModel::Column &column : model->columns()) {
            const QString key = QStringLiteral("%1@%2").arg(QString::fromLatin1(engine::metricKey(column.metric))).arg(column.k);
            QVERIFY2(metrics.contains(key), qPrintable(key));
            const QVariant shown = model->index(row, model->columnOf(column.metric, column.k)).data(MetricsTableModel::ValueRole);
            QVERIFY(std::abs(shown.toDouble() - metrics.value(key).toDouble()) <= 1e-9);
            ++compared;
        }
        QCOMPARE(compared, 8);
    }
}

void TestGuiCompare::significanceMarkers()
{
    const MetricsTableModel *model = m_window->runs()->metricsModel();
    QCOMPARE(model->baselineKey(), runKey("worse"));
    const int better = model->rowOfRun(runKey("better"));
    const int ndcg10 = model->columnOf(engine::Metric::Ndcg, 10);
    const QModelIndex cell = model->index(better, ndcg10);
    const auto significance = model->significance(better, engine::Metric::Ndcg, 10);
    QVERIFY(significance);
    QCOMPARE(significance->permutations, int64_t(10000));
    QCOMPARE(significance->queries, int64_t(kQueries));
    QVERIFY2(significance->pValue < 0.01, qPrintable(QString::number(significance->pValue)));
    QVERIFY(cell.data().toString().endsWith(QStringLiteral("**")));
    // The interval contains the mean difference, which is the delta.
    const double delta = cell.data(MetricsTableModel::DeltaRole).toDouble();
    QVERIFY(delta > 0);
    QVERIFY(significance->low <= delta && delta <= significance->high);
    QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(QStringLiteral("interval")));
    QVERIFY(!model->index(model->rowOfRun(runKey("worse")), ndcg10).data(MetricsTableModel::PValueRole).isValid());
    // Every marker agrees with its p-value.
    for (int c = 0; c < model->columnCount(); ++c) {
        const QModelIndex index = model->index(better, c);
        const QVariant p = index.data(MetricsTableModel::PValueRole);
        QVERIFY(p.isValid());
        const QString text = index.data().toString();
        const QString marker = p.toDouble() < 0.01 ? QStringLiteral("**") : p.toDouble() < 0.05 ? QStringLiteral("*") : QString();
        QVERIFY2(text == MetricsTableModel::formatValue(index.data(MetricsTableModel::ValueRole).toDouble()) + marker,
                 qPrintable(text));
    }
}

void TestGuiCompare::sortFilterAndBaseline()
{
    CompareView *view = m_window->compare()->compareView();
    QTableView *table = view->tableView();
    MetricsTableModel *model = m_window->runs()->metricsModel();
    const int ndcg10 = model->columnOf(engine::Metric::Ndcg, 10);
    table->sortByColumn(ndcg10, Qt::DescendingOrder);
    QCOMPARE(view->visibleRunKeys(), QStringList({runKey("better"), runKey("worse")}));
    table->sortByColumn(ndcg10, Qt::AscendingOrder);
    QCOMPARE(view->visibleRunKeys(), QStringList({runKey("worse"), runKey("better")}));
    // The selection follows the run, not the row.
    QVERIFY(m_window->runs()->setCurrentKey(runKey("better")));
    table->sortByColumn(ndcg10, Qt::DescendingOrder);
    QCOMPARE(view->currentRunKey(), runKey("better"));

    const QString betterLabel = model->runLabel(model->rowOfRun(runKey("better")));
    view->filterEdit()->setText(betterLabel.toUpper());
    QCOMPARE(view->visibleRunKeys(), QStringList({runKey("better")}));
    QCOMPARE(view->chart()->allSeries().size(), 2); // nDCG and recall of the one run shown
    view->filterEdit()->clear();
    QCOMPARE(view->visibleRunKeys().size(), 2);
    QCOMPARE(view->chart()->allSeries().size(), 4);

    // Curves of any metric, log k.
    view->curvesCombo()->setCurrentIndex(view->curvesCombo()->findData(int(engine::Metric::Mrr)));
    QCOMPARE(view->chart()->allSeries().size(), 2);
    QVERIFY(view->chart()->series(runKey("better"), engine::Metric::Mrr));
    view->logKCheck()->setChecked(true);
    QVERIFY(view->chart()->logK());
    QCOMPARE(view->chart()->allSeries().size(), 2);
    view->logKCheck()->setChecked(false);
    view->curvesCombo()->setCurrentIndex(0);

    // Baseline "better": deltas change sign, markers are recomputed against it.
    QSignalSpy updated(m_window->compare(), &embtune::gui::CompareController::significanceUpdated);
    QComboBox *baseline = view->baselineCombo();
    baseline->setCurrentIndex(baseline->findData(runKey("better")));
    emit baseline->activated(baseline->currentIndex());
    QCOMPARE(model->baselineKey(), runKey("better"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->compare()->significancePending() && updated.count() >= 1, kTimeoutMs);
    const int worse = model->rowOfRun(runKey("worse"));
    QVERIFY(model->index(worse, ndcg10).data(MetricsTableModel::DeltaRole).toDouble() < 0);
    QVERIFY(model->significance(worse, engine::Metric::Ndcg, 10));
    QVERIFY(!model->significance(model->rowOfRun(runKey("better")), engine::Metric::Ndcg, 10));
    view->cellTextCombo()->setCurrentIndex(view->cellTextCombo()->findData(int(MetricsTableModel::CellText::Delta)));
    QVERIFY(model->index(worse, ndcg10).data().toString().startsWith(QLatin1Char('-')));
    view->cellTextCombo()->setCurrentIndex(0);
    model->setBaseline(runKey("worse"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->compare()->significancePending(), kTimeoutMs);
    table->sortByColumn(-1, Qt::AscendingOrder);
}

void TestGuiCompare::exportsTableReportAndChart()
{
    MetricsTableModel *model = m_window->runs()->metricsModel();
    CompareView *view = m_window->compare()->compareView();
    QSignalSpy exported(m_window->compare(), &embtune::gui::CompareController::comparisonExported);
    QSignalSpy errors(m_window->feedback(), &embtune::gui::Feedback::errorShown);

    // The table as shown, sorted best first, read back.
    view->tableView()->sortByColumn(model->columnOf(engine::Metric::Ndcg, 10), Qt::DescendingOrder);
    const QString csvPath = m_dir.filePath(QStringLiteral("out/table.csv"));
    QVERIFY(m_window->compare()->exportComparison(CompareView::Export::Csv, csvPath));
    QTRY_VERIFY_WITH_TIMEOUT(exported.count() == 1, kTimeoutMs);
    const QList<QStringList> rows = embtune::test::readCsv(QString::fromUtf8(readAll(csvPath)));
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].size(), 2 + 6 * int(model->columns().size()));
    const QStringList order = view->visibleRunKeys();
    for (int r = 0; r < 2; ++r) {
        const int row = model->rowOfRun(order[r]);
        QCOMPARE(rows[r + 1][0], model->runLabel(row));
        QCOMPARE(rows[r + 1][1], order[r] == model->baselineKey() ? QStringLiteral("1") : QStringLiteral("0"));
        for (int c = 0; c < model->columns().size(); ++c) {
            const QModelIndex index = model->index(row, c);
            QCOMPARE(rows[r + 1][2 + 6 * c], MetricsTableModel::formatValue(index.data(MetricsTableModel::ValueRole).toDouble()));
            QCOMPARE(rows[r + 1][7 + 6 * c] == QStringLiteral("1"), index.data(Qt::FontRole).value<QFont>().bold());
            const QVariant p = index.data(MetricsTableModel::PValueRole);
            QCOMPARE(rows[r + 1][4 + 6 * c].isEmpty(), !p.isValid());
            if (p.isValid())
                QCOMPARE(rows[r + 1][4 + 6 * c].toDouble(), QString::number(p.toDouble(), 'g', 6).toDouble());
        }
    }
    // Filtered to one run: that run and the baseline.
    view->filterEdit()->setText(model->runLabel(model->rowOfRun(runKey("better"))));
    QVERIFY(m_window->compare()->exportComparison(CompareView::Export::Markdown, m_dir.filePath(QStringLiteral("out/table.md"))));
    QTRY_VERIFY_WITH_TIMEOUT(exported.count() == 2, kTimeoutMs);
    const QString markdown = QString::fromUtf8(readAll(m_dir.filePath(QStringLiteral("out/table.md"))));
    QCOMPARE(markdown.count(QStringLiteral("(baseline)")), 1);
    QCOMPARE(markdown.split(QLatin1Char('\n')).filter(QRegularExpression(QStringLiteral("^\\| "))).size(), 3);
    view->filterEdit()->clear();
    QVERIFY(m_window->compare()->exportComparison(CompareView::Export::Latex, m_dir.filePath(QStringLiteral("out/table.tex"))));
    QTRY_VERIFY_WITH_TIMEOUT(exported.count() == 3, kTimeoutMs);
    QVERIFY(readAll(m_dir.filePath(QStringLiteral("out/table.tex"))).contains("\\begin{tabular}{lrrrrrrrr}"));

    const QString report = m_dir.filePath(QStringLiteral("out/report"));
    QVERIFY(m_window->compare()->exportComparison(CompareView::Export::Report, report));
    QTRY_VERIFY_WITH_TIMEOUT(exported.count() == 4, kTimeoutMs);
    const QString md = QString::fromUtf8(readAll(report + "/report.md"));
    QVERIFY(md.contains(QStringLiteral("| run |")) && md.contains(QStringLiteral("![nDCG@k](ndcg_at_k.png)")));
    for (const char *image : {"ndcg_at_k.png", "recall_at_k.png"})
        QVERIFY(QImage(report + "/" + image).width() >= 900);
    // Each run's TREC file beside the report, linked from it.
    const QStringList trecFiles = QDir(report).entryList({QStringLiteral("*.trec")}, QDir::Files);
    QCOMPARE(trecFiles.size(), 2);
    for (const QString &trec : trecFiles) {
        QVERIFY(md.contains(QStringLiteral("](%1)").arg(trec)));
        auto lines = engine::readTrecRun(QFile::encodeName(report + "/" + trec).toStdString());
        QVERIFY(lines.ok());
        QCOMPARE(lines->size(), size_t(kQueries) * 100);
    }

    QVERIFY(m_window->compare()->exportComparison(CompareView::Export::ChartSvg, m_dir.filePath(QStringLiteral("out/curves.svg"))));
    QVERIFY(m_window->compare()->exportComparison(CompareView::Export::ChartPng, m_dir.filePath(QStringLiteral("out/curves.png"))));
    QCOMPARE(exported.count(), 6);
    const QByteArray svg = readAll(m_dir.filePath(QStringLiteral("out/curves.svg")));
    QVERIFY(svg.contains("<svg") && svg.contains("</svg>"));
    QVERIFY(!QImage(m_dir.filePath(QStringLiteral("out/curves.png"))).isNull());
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));

    // A folder that cannot be made is an error naming it.
    writeText(m_dir.filePath(QStringLiteral("blocker")), "x");
    QVERIFY(!m_window->compare()->exportComparison(CompareView::Export::Csv, m_dir.filePath(QStringLiteral("blocker/sub/t.csv"))));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.first().first().toString().contains(QStringLiteral("blocker")));
    view->tableView()->sortByColumn(-1, Qt::AscendingOrder);
}

void TestGuiCompare::trecRunRoundTrip()
{
    QSignalSpy written(m_window->compare(), &embtune::gui::CompareController::trecRunExported);
    const QString path = m_dir.filePath(QStringLiteral("out/better.trec"));
    QVERIFY(m_window->compare()->exportTrecRun(runKey("better"), path));
    QTRY_VERIFY_WITH_TIMEOUT(written.count() == 1, kTimeoutMs);
    const engine::Dataset &dataset = *m_window->datasetContext()->dataset();
    auto lines = engine::readTrecRun(QFile::encodeName(path).toStdString());
    QVERIFY(lines.ok());
    QCOMPARE(lines->size(), size_t(kQueries) * 100);
    auto ranking = engine::rankingFromTrecRun(*lines, dataset);
    QVERIFY(ranking.ok());
    // Against exact search of the set's vectors (slow reference).
    const engine::EmbeddingSet &set = *m_sets.value("better");
    const engine::Ranking reference = engine::exactSearchReference(
        set.docs, set.queries, ranking->queries, engine::tiePriorityByIdDescending(dataset.docIds.ids()), 100,
        engine::Similarity::Cosine);
    QCOMPARE(ranking->docs, reference.docs);
    QVERIFY(!m_window->compare()->exportTrecRun(QStringLiteral("no such run"), path));
}

void TestGuiCompare::explorerOnLargestGain()
{
    const engine::Dataset &dataset = *m_window->datasetContext()->dataset();
    const engine::Qrels &qrels = *dataset.split("test");
    const std::vector<int32_t> tie = engine::tiePriorityByIdDescending(dataset.docIds.ids());
    std::vector<int32_t> queries;
    for (const engine::QueryJudgements &judged : qrels.queries)
        queries.push_back(judged.query);
    const engine::EmbeddingSet &worse = *m_sets.value("worse");
    const engine::EmbeddingSet &better = *m_sets.value("better");
    const engine::Ranking a = engine::exactSearchReference(worse.docs, worse.queries, queries, tie, 100,
                                                           engine::Similarity::Cosine);
    const engine::Ranking b = engine::exactSearchReference(better.docs, better.queries, queries, tie, 100,
                                                           engine::Similarity::Cosine);
    // The largest gain in nDCG@10 by the direct formula (first query on ties).
    int32_t largest = -1;
    double largestGain = 0;
    int wins = 0, losses = 0;
    for (size_t i = 0; i < queries.size(); ++i) {
        const engine::QueryJudgements &judged = *qrels.find(queries[i]);
        const std::vector<int32_t> listA(a.docsOf(i), a.docsOf(i) + 100), listB(b.docsOf(i), b.docsOf(i) + 100);
        const double gain = engine::metricReference(engine::Metric::Ndcg, 10, listB, judged) -
                            engine::metricReference(engine::Metric::Ndcg, 10, listA, judged);
        wins += gain > 1e-12;
        losses += gain < -1e-12;
        if (largest < 0 || gain > largestGain) {
            largest = queries[i];
            largestGain = gain;
        }
    }
    QVERIFY(largestGain > 0);

    m_window->explorer()->showQueryExplorer(runKey("worse"), runKey("better"));
    embtune::widgets::QueryExplorerView *explorer = m_window->explorer()->queryExplorer();
    QVERIFY(explorer->isVisible());
    QCOMPARE(explorer->currentQuery(), largest);
    QCOMPARE(explorer->queryModel()->wins(), wins);
    QCOMPARE(explorer->queryModel()->losses(), losses);
    QVERIFY(explorer->summaryLabel()->text().contains(QStringLiteral("%1</b> wins").arg(wins)));
    // The table's first row (sorted by change, descending) is a query with the largest gain.
    const QModelIndex top = explorer->queryProxy()->index(0, embtune::widgets::QueryExplorerModel::ChangeColumn);
    QVERIFY(std::abs(top.data(embtune::widgets::QueryExplorerModel::SortRole).toDouble() - largestGain) < 1e-12);

    const size_t row = size_t(std::find(queries.begin(), queries.end(), largest) - queries.begin());
    const auto rankIn = [](const engine::Ranking &ranking, size_t r, int32_t doc) {
        for (int32_t i = 0; i < ranking.k; ++i)
            if (ranking.docsOf(r)[i] == doc)
                return i + 1;
        return 0;
    };
    const engine::QueryJudgements &judged = *qrels.find(largest);
    for (const auto &[model, ranking] : {std::pair{explorer->rankingA(), &a}, std::pair{explorer->rankingB(), &b}}) {
        const QList<embtune::widgets::QueryRankingModel::Entry> &entries = model->entries();
        QCOMPARE(entries.size(), 10);
        for (int i = 0; i < 10; ++i) {
            const int32_t doc = ranking->docsOf(row)[i];
            QCOMPARE(entries[i].doc, doc);
            QCOMPARE(entries[i].gain, judged.gainOf(doc));
            QCOMPARE(entries[i].rankA, rankIn(a, row, doc));
            QCOMPARE(entries[i].rankB, rankIn(b, row, doc));
            const QString move = model->index(i, embtune::widgets::QueryRankingModel::MoveColumn).data().toString();
            if (judged.gainOf(doc) > 0) {
                const QString from = rankIn(a, row, doc) ? QString::number(rankIn(a, row, doc)) : QStringLiteral(">100");
                const QString to = rankIn(b, row, doc) ? QString::number(rankIn(b, row, doc)) : QStringLiteral(">100");
                QCOMPARE(move, QStringLiteral("%1 \u2192 %2").arg(from, to));
            } else {
                QVERIFY(move.isEmpty());
            }
        }
    }
    QVERIFY(explorer->textPane()->toPlainText().contains(QString::fromStdString(dataset.queries[size_t(largest)])));

    // Filter by text; a query hidden by the filter is shown again by showQuery.
    explorer->filterEdit()->setText(QStringLiteral("question number 7"));
    QVERIFY(explorer->queryProxy()->rowCount() >= 1 && explorer->queryProxy()->rowCount() <= 11);
    QVERIFY(explorer->showQuery(largest));
    QVERIFY(explorer->filterEdit()->text().isEmpty() || explorer->currentQuery() == largest);
    QCOMPARE(explorer->currentQuery(), largest);

    // A click on the scatter shows the query of the nearest point (queries with equal values share one).
    const QList<embtune::widgets::QueryExplorerModel::Row> &rows = explorer->queryModel()->rows();
    QCOMPARE(explorer->scatterSeries()->count(), int(rows.size()));
    const auto &lowest = *std::min_element(rows.begin(), rows.end(), [](const auto &x, const auto &y) {
        return x.change() < y.change();
    });
    emit explorer->scatterSeries()->clicked(QPointF(lowest.a + 0.001, lowest.b - 0.001));
    const int shown = explorer->queryModel()->rowOfQuery(explorer->currentQuery());
    QVERIFY(shown >= 0);
    QCOMPARE(rows[shown].a, lowest.a);
    QCOMPARE(rows[shown].b, lowest.b);

    // A double-click on a run's row jumps to it against the baseline.
    m_window->compare()->showCompare();
    CompareView *view = m_window->compare()->compareView();
    emit view->runActivated(runKey("better"));
    QCOMPARE(explorer->runA(), runKey("worse"));
    QCOMPARE(explorer->runB(), runKey("better"));
    QCOMPARE(explorer->currentQuery(), largest);
}

void TestGuiCompare::adapterExport()
{
    // Last: training adds runs. A linear adapter is written with its metadata and reads back; a
    // run that was not trained has no adapter; NUDGE-N has none either.
    QSignalSpy trained(m_window->training(), &embtune::gui::TrainingController::trainingFinished);
    QSignalSpy exported(m_window->compare(), &embtune::gui::CompareController::adapterExported);
    QSignalSpy errors(m_window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(m_window->embeddingSets()->select(m_keys.value("worse")));
    embtune::gui::TrainRequest linear;
    linear.methodId = QStringLiteral("linear");
    linear.params = {{"epochs", "2"}, {"threads", "1"}};
    QVERIFY(m_window->training()->train(linear));
    QTRY_VERIFY_WITH_TIMEOUT(trained.count() + errors.count() == 1, kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    const QString linearRun = trained.first().first().toString();
    QVERIFY(m_window->runs()->setCurrentKey(linearRun));
    QVERIFY(m_window->compare()->exportAdapterAction()->isEnabled());
    const QString path = m_dir.filePath(QStringLiteral("out/linear.safetensors"));
    QVERIFY(m_window->compare()->exportAdapter(linearRun, path));
    QTRY_VERIFY_WITH_TIMEOUT(exported.count() == 1, kTimeoutMs);
    auto adapter = engine::readAdapterSafetensors(QFile::encodeName(path).toStdString());
    QVERIFY(adapter.ok());
    QCOMPARE(QString::fromStdString(adapter->metadata.at("method")), QStringLiteral("linear"));
    QVERIFY(!adapter->tensors.empty());

    QVERIFY(!m_window->compare()->exportAdapter(runKey("better"), path)); // not trained
    QCOMPARE(errors.count(), 1);

    // NUDGE-N moves the documents themselves: no tensors, refused naming the method.
    embtune::gui::TrainRequest nudge;
    nudge.methodId = QStringLiteral("nudge-n");
    QVERIFY(m_window->training()->train(nudge));
    QTRY_VERIFY_WITH_TIMEOUT(trained.count() + errors.count() == 3, kTimeoutMs);
    QCOMPARE(trained.count(), 2);
    QVERIFY(m_window->compare()->exportAdapter(trained.last().first().toString(), m_dir.filePath(QStringLiteral("out/n.safetensors"))));
    QTRY_VERIFY_WITH_TIMEOUT(errors.count() == 2, kTimeoutMs);
    QVERIFY2(errors.last().first().toString().contains(QStringLiteral("nudge"), Qt::CaseInsensitive),
             qPrintable(errors.last().first().toString()));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("out/n.safetensors"))));
}

// Run > Fuse Runs on the two sets: the dialog's dev curve (21 weights of the first member), the
// slider reading it, and the fused run equal to `embtune-cli fuse` of the same members (weights
// chosen on splits/dev.txt) and to `embtune-cli run` of the spec it stored; weights set by hand
// to (1, 0) rank exactly as the first member alone.
void TestGuiCompare::fuseRunsLikeTheCli()
{
    using embtune::gui::FusionController;
    using embtune::gui::FusionDialog;
    FusionController *fusion = m_window->fusion();
    QVERIFY(fusion->fuseRunsAction()->isEnabled());
    QVERIFY(m_window->compare()->compareView()->tableView()->actions().contains(fusion->fuseRunsAction()));
    const QStringList members{runKey("worse"), runKey("better")};
    fusion->showFuseDialog(members);
    QPointer<FusionDialog> dialog = fusion->dialog();
    QVERIFY(dialog);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->devCurveSeries()->count(), 21, kTimeoutMs);
    double best = -1;
    int bestStep = -1;
    for (int i = 0; i <= 20; ++i) {
        const QPointF point = dialog->devCurveSeries()->at(i);
        QVERIFY(std::abs(point.x() - i / 20.0) < 1e-12);
        if (point.y() > best) // the first of equal points: the engine's grid runs from weight 1 down
            best = point.y();
    }
    for (int i = 20; i >= 0; --i)
        if (dialog->devCurveSeries()->at(i).y() == best && bestStep < 0)
            bestStep = i;
    QCOMPARE(dialog->weightSlider()->value(), bestStep);
    QCOMPARE(dialog->sliderDevScore(), best);
    const double firstAlone = dialog->devCurveSeries()->at(20).y(), secondAlone = dialog->devCurveSeries()->at(0).y();
    QVERIFY(!dialog->weightSlider()->isEnabled());
    // By hand: the slider reads the curve live.
    dialog->chooseOnDevCheck()->setChecked(false);
    QVERIFY(dialog->weightSlider()->isEnabled());
    for (int step : {0, 7, 20}) {
        dialog->weightSlider()->setValue(step);
        QCOMPARE(dialog->sliderDevScore(), dialog->devCurveSeries()->at(step).y());
    }
    dialog->chooseOnDevCheck()->setChecked(true);
    QCOMPARE(dialog->weightSlider()->value(), bestStep);

    QSignalSpy finished(fusion, &FusionController::fusionFinished);
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY(!dialog); // closed and deleted
    const QString key = finished.first().first().toString();
    const embtune::gui::RunRecord *fused = m_window->runs()->find(key);
    QVERIFY(fused && fused->run && fused->run->fusion);
    QCOMPARE(m_window->runs()->keys().last(), key);
    QCOMPARE(fused->run->fusion->choice.devScore, best);

    // The CLI fuses the same members alike.
    const embtune::test::CliRun cli = runCli({"fuse", "--dataset", m_data, "--member", "embeddings=" + m_data + "/embeddings/worse",
                                              "--member", "embeddings=" + m_data + "/embeddings/better", "--dev-queries",
                                              m_data + "/splits/dev.txt", "--k", "1,10,100",
                                              "--json", "-"});
    QVERIFY2(cli.exitCode == 0, qPrintable(cli.err));
    const QJsonObject report = QJsonDocument::fromJson(cli.out.toUtf8()).object();
    const QJsonObject cliFused = report.value("fused").toObject();
    QVERIFY(!cliFused.isEmpty());
    for (const QString &metric : {QStringLiteral("ndcg@10"), QStringLiteral("recall@100"), QStringLiteral("mrr@10")}) {
        const QStringList parts = metric.split('@');
        engine::Metric m;
        QVERIFY(engine::metricFromKey(parts[0].toStdString(), m));
        QVERIFY2(std::abs(fused->report->metrics.mean(m, parts[1].toInt()) - cliFused.value(metric).toDouble()) <= 1e-9,
                 qPrintable(metric));
    }
    const QJsonArray cliMembers = report.value("members").toArray();
    QCOMPARE(cliMembers.size(), 2);
    for (int i = 0; i < 2; ++i)
        QVERIFY(std::abs(cliMembers[i].toObject().value("weight").toDouble() - fused->run->fusion->choice.weights[size_t(i)]) <= 1e-12);
    // The curve's ends are the members alone (weight 1: the first); the choice is never worse
    // on dev than either. Its weights are a mix here, so its lists are neither member's.
    const engine::FusionChoice &choice = fused->run->fusion->choice;
    QCOMPARE(choice.memberDevScores.size(), size_t(2));
    QCOMPARE(choice.memberDevScores[0], firstAlone);
    QCOMPARE(choice.memberDevScores[1], secondAlone);
    const double fusedNdcg = fused->report->metrics.mean(engine::Metric::Ndcg, 10);
    qInfo("fused weights %.2f / %.2f: dev nDCG@10 %.4f (worse %.4f, better %.4f alone); test %.4f", choice.weights[0],
          choice.weights[1], choice.devScore, choice.memberDevScores[0], choice.memberDevScores[1], fusedNdcg);
    QVERIFY(choice.devScore >= std::max(choice.memberDevScores[0], choice.memberDevScores[1]));
    QVERIFY(choice.weights[0] > 0 && choice.weights[1] > 0);
    for (const QString &set : {QStringLiteral("worse"), QStringLiteral("better")})
        QVERIFY2(fusedNdcg != m_window->runs()->find(runKey(set))->report->metrics.mean(engine::Metric::Ndcg, 10),
                 qPrintable(set));

    // The query explorer on the fused run (B): per document of its top 10, each member's rank (as
    // the member's own list has it) and its term; the weighted terms add up to the fused score.
    {
        using embtune::gui::ExplorerController;
        using embtune::widgets::QueryRankingModel;
        QSignalSpy shown(m_window->explorer(), &ExplorerController::memberBreakdownShown);
        m_window->explorer()->showQueryExplorer(runKey("worse"), key);
        embtune::widgets::QueryExplorerView *explorer = m_window->explorer()->queryExplorer();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), kTimeoutMs);
        QCOMPARE(shown.last().at(0).toInt(), 1);
        const int32_t query = explorer->currentQuery();
        QCOMPARE(shown.last().at(1).toInt(), query);
        const QueryRankingModel *list = explorer->rankingB();
        QVERIFY(list->hasMemberBreakdown() && !explorer->rankingA()->hasMemberBreakdown());
        QVERIFY(!explorer->listB()->isColumnHidden(QueryRankingModel::MembersColumn));
        QVERIFY(explorer->listA()->isColumnHidden(QueryRankingModel::MembersColumn));
        QCOMPARE(list->memberNames(), QStringList({QStringLiteral("worse"), QStringLiteral("better")}));
        const auto &members = fused->run->fusion->members;
        for (int row = 0; row < list->rowCount(); ++row) {
            const QVariantList bars = list->index(row, QueryRankingModel::MembersColumn).data(QueryRankingModel::MemberBarsRole).toList();
            QCOMPARE(bars.size(), 2);
            const int32_t doc = list->entries()[row].doc;
            double sum = 0;
            for (int m = 0; m < 2; ++m) {
                const engine::Ranking &ranking = members[size_t(m)]->evaluation.ranking;
                const auto at = std::find(ranking.queries.begin(), ranking.queries.end(), query);
                QVERIFY(at != ranking.queries.end());
                const int32_t *docs = ranking.docsOf(size_t(at - ranking.queries.begin()));
                const int32_t rank = int32_t(std::find(docs, docs + ranking.k, doc) - docs) + 1;
                QCOMPARE(bars[m].toList().value(0).toInt(), rank > ranking.k ? 0 : rank);
                sum += choice.weights[size_t(m)] * bars[m].toList().value(1).toDouble();
            }
            const double score = list->entries()[row].score;
            QVERIFY2(std::abs(sum - score) <= 1e-5 * std::max(1.0, std::abs(score)),
                     qPrintable(QStringLiteral("row %1: %2 vs %3").arg(row).arg(sum).arg(score)));
        }
    }

    // The spec it stored replays with `embtune-cli run` (the members run again from their specs).
    const QString specFile = m_dir.filePath(QStringLiteral("fused-spec.json"));
    QVERIFY(writeText(specFile, fused->specJson.toUtf8()));
    const embtune::test::CliRun replay = runCli({"run", specFile, "--json", "-", "--quiet"});
    QVERIFY2(replay.exitCode == 0, qPrintable(replay.err));
    const QJsonObject replayed = QJsonDocument::fromJson(replay.out.toUtf8()).object().value("fused").toObject();
    QVERIFY(std::abs(replayed.value("ndcg@10").toDouble() - fusedNdcg) <= 1e-9);

    // Weights by hand: (1, 0) is the first member alone.
    engine::FusionSettings byHand;
    byHand.weights = {1.0, 0.0};
    QVERIFY(fusion->fuse(members, byHand));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
    const embtune::gui::RunRecord *alone = m_window->runs()->find(finished.last().first().toString());
    const embtune::gui::RunRecord *worse = m_window->runs()->find(runKey("worse"));
    QVERIFY(alone && worse);
    for (engine::Metric metric : engine::kAllMetrics)
        for (int k : {1, 10, 100})
            QCOMPARE(alone->report->metrics.mean(metric, k), worse->report->metrics.mean(metric, k));
    QVERIFY(alone->description.contains(QStringLiteral("by hand")));

    // BM25 with its k1 and b chosen on dev too, as `fuse --member bm25,k1=auto,b=auto` does.
    QVERIFY(runAndWait(*m_window, &embtune::gui::EvaluationController::evaluationFinished,
                       [&] { return m_window->evaluation()->evaluateBm25(); }, kTimeoutMs));
    const QString bm25Key = m_window->runs()->keys().last();
    QVERIFY(fusion->fuse({bm25Key, runKey("better")}, engine::FusionSettings{}, true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kTimeoutMs);
    const embtune::gui::RunRecord *withBm25 = m_window->runs()->find(finished.last().first().toString());
    QVERIFY(withBm25 && withBm25->run && withBm25->run->fusion);
    const engine::RunSpec &bm25Spec = withBm25->run->fusion->members[0]->spec;
    QVERIFY(bm25Spec.bm25.chooseOnDev);
    QVERIFY(withBm25->description.contains(QStringLiteral("chosen on dev")));
    const embtune::test::CliRun bm25Cli = runCli({"fuse", "--dataset", m_data, "--member", "bm25,k1=auto,b=auto", "--member",
                                                  "embeddings=" + m_data + "/embeddings/better", "--dev-queries",
                                                  m_data + "/splits/dev.txt", "--k", "1,10,100", "--json", "-"});
    QVERIFY2(bm25Cli.exitCode == 0, qPrintable(bm25Cli.err));
    const QJsonObject bm25Report = QJsonDocument::fromJson(bm25Cli.out.toUtf8()).object();
    const QJsonObject cliBm25 = bm25Report["members"].toArray()[0].toObject()["bm25"].toObject();
    QCOMPARE(cliBm25["k1"].toDouble(), bm25Spec.bm25.k1);
    QCOMPARE(cliBm25["b"].toDouble(), bm25Spec.bm25.b);
    QVERIFY(std::abs(bm25Report["fused"].toObject()["ndcg@10"].toDouble() -
                     withBm25->report->metrics.mean(engine::Metric::Ndcg, 10)) <= 1e-9);
}

void TestGuiCompare::cleanupTestCase()
{
    m_window.reset();
}

QTEST_MAIN(TestGuiCompare)
#include "test_gui_compare.moc"
