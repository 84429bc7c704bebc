// Item models and views of embtune_widgets: the runs table model, the metrics chart, the query
// list with its filter, the judged-documents view, the embedding set list and panel, the
// parameter form generated from a method schema and the run details, driven offscreen with real
// widgets.

#include "dataset_panel.h"
#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "metrics_chart_view.h"
#include "metrics_table_model.h"
#include "query_explorer_ranking_model.h"
#include "parameter_form.h"
#include "query_filter_proxy_model.h"
#include "query_list_model.h"
#include "relevant_documents_model.h"
#include "run_details_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFont>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QFile>
#include <QImage>
#include <QTest>
#include <QToolBar>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>

#include <cmath>
#include <memory>

using namespace embtune;
using embtune::engine::Metric;

namespace {

// nDCG@10 over two queries with mean 0.47713 (displayed "0.4771"), recall@k = k / 100.
engine::MetricResults makeResults()
{
    engine::MetricResults results;
    results.queries = {0, 1};
    results.metrics.assign(std::begin(engine::kAllMetrics), std::end(engine::kAllMetrics));
    for (int k = 1; k <= 100; ++k) {
        results.ks.push_back(k);
        for (Metric metric : results.metrics)
            results.perQuery[{metric, k}] = {0.0, 0.0};
        results.perQuery[{Metric::Recall, k}] = {k / 100.0, k / 100.0};
        results.perQuery[{Metric::Ndcg, k}] = {0.5 + k / 1000.0, 0.5 + k / 1000.0};
    }
    results.perQuery[{Metric::Ndcg, 10}] = {0.5, 0.45426};
    results.perQuery[{Metric::Mrr, 3}] = {1.0, 0.5};
    return results;
}

// Three queries (ids "2", "10", "q7"), three documents, a test split judging "2" and "q7" and a
// train split judging "10".
std::shared_ptr<const engine::Dataset> makeDataset()
{
    auto dataset = std::make_shared<engine::Dataset>();
    dataset->name = "tiny";
    dataset->path = "/nowhere/tiny";
    for (const char *id : {"d1", "d2", "d3"})
        (void)dataset->docIds.add(id);
    dataset->docs = {{"Protein folding", "Proteins fold into shapes."},
                     {"Solar power", "Panels convert light.\nSecond line."},
                     {"Coffee", "Brewing methods."}};
    for (const char *id : {"2", "10", "q7"})
        (void)dataset->queryIds.add(id);
    dataset->queries = {"How do proteins fold?", "Solar panel efficiency", "best coffee brewing"};
    engine::Qrels test;
    test.queries.push_back({0, {{0, 2}, {1, 0}}});
    test.queries.push_back({2, {{2, 1}}});
    engine::Qrels train;
    train.queries.push_back({1, {{1, 1}}});
    dataset->splits["test"] = test;
    dataset->splits["train"] = train;
    return dataset;
}

} // namespace

class TestWidgets : public QObject {
    Q_OBJECT

private slots:
    void metricsTableShape();
    void metricsTableValues();
    void metricsTableRuns();
    void metricsChartCurves();
    void metricsBaselineAndSignificance();
    void metricsChartMetricsAndExport();
    void embeddingSetList();
    void embeddingsPanelSelection();
    void parameterForm();
    void runDetails();
    void queryListModel();
    void queryFilter();
    void queryFilterInPanel();
    void relevantDocuments();
    void panelSelection();
};

void TestWidgets::metricsTableShape()
{
    widgets::MetricsTableModel model;
    // No runs yet: no rows; the summary columns.
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.isEmpty());
    const QStringList columns{"nDCG@1", "nDCG@10", "nDCG@100", "recall@10", "recall@100", "R_cap@10", "MRR@10", "MAP@100"};
    QCOMPARE(model.columnCount(), int(columns.size()));
    for (int column = 0; column < columns.size(); ++column)
        QCOMPARE(model.headerData(column, Qt::Horizontal).toString(), columns[column]);
    QVERIFY(!model.headerData(0, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(model.headerData(1, Qt::Horizontal, widgets::MetricsTableModel::KRole).toInt(), 10);
    QCOMPARE(model.columnOf(Metric::Recall, 100), 4);
    QCOMPARE(model.columnOf(Metric::Recall, 3), -1);

    // One metric at the usual cutoffs.
    model.setColumns(widgets::MetricsTableModel::metricColumns(Metric::Mrr));
    QCOMPARE(model.columnCount(), 5);
    QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("MRR@1"));
    QCOMPARE(model.headerData(4, Qt::Horizontal).toString(), QStringLiteral("MRR@100"));
}

void TestWidgets::metricsTableValues()
{
    widgets::MetricsTableModel model;
    QCOMPARE(model.setRun("base", "lsa", "test", makeResults(), "details of lsa"), 0);
    QVERIFY(!model.isEmpty());
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.headerData(0, Qt::Vertical).toString(), QStringLiteral("lsa"));
    QVERIFY(model.headerData(0, Qt::Vertical, Qt::ToolTipRole).toString().contains(QStringLiteral("details of lsa")));
    QVERIFY(!model.headerData(0, Qt::Vertical, Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(model.headerData(0, Qt::Vertical, widgets::MetricsTableModel::RunKeyRole).toString(),
             QStringLiteral("base"));

    const QModelIndex ndcg10 = model.index(0, model.columnOf(Metric::Ndcg, 10));
    QCOMPARE(ndcg10.data().toString(), QStringLiteral("0.4771"));
    QCOMPARE(ndcg10.data(widgets::MetricsTableModel::ValueRole).toDouble(), (0.5 + 0.45426) / 2);
    const QString tip = ndcg10.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("nDCG@10 = 0.47713")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("2 queries")), qPrintable(tip));
    QCOMPARE(ndcg10.data(widgets::MetricsTableModel::KRole).toInt(), 10);
    QCOMPARE(ndcg10.data(widgets::MetricsTableModel::MetricRole).toInt(), int(Metric::Ndcg));
    QCOMPARE(model.index(0, model.columnOf(Metric::Recall, 100)).data().toString(), QStringLiteral("1.0000"));
    QCOMPARE(model.index(0, model.columnOf(Metric::Mrr, 10)).data().toString(), QStringLiteral("0.0000"));
    QVERIFY(model.index(0, 0).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignRight);
    QVERIFY(!model.index(0, 0).data(Qt::FontRole).isValid()); // one run: nothing to mark
    QCOMPARE(widgets::MetricsTableModel::formatValue(0.123456), QStringLiteral("0.1235"));
    QCOMPARE(model.value(0, Metric::Mrr, 3).value(), 0.75);
    QCOMPARE(model.curve(0, Metric::Recall).size(), 100);
    QCOMPARE(model.curve(0, Metric::Recall).at(1), QPointF(2, 0.02));

    // A (metric, k) that was not computed stays empty.
    engine::MetricResults partial;
    partial.queries = {0};
    partial.ks = {10};
    partial.metrics = {Metric::Ndcg};
    partial.perQuery[{Metric::Ndcg, 10}] = {0.25};
    QCOMPARE(model.setRun("partial", "partial run", "test", partial), 1);
    QCOMPARE(model.index(1, model.columnOf(Metric::Ndcg, 10)).data().toString(), QStringLiteral("0.2500"));
    QVERIFY(!model.index(1, model.columnOf(Metric::Ndcg, 1)).data().isValid());
    QVERIFY(!model.index(1, model.columnOf(Metric::Map, 100)).data().isValid());
    QVERIFY(!model.value(1, Metric::Map, 100));
}

void TestWidgets::metricsTableRuns()
{
    widgets::MetricsTableModel model;
    engine::MetricResults better = makeResults();
    better.perQuery[{Metric::Ndcg, 10}] = {0.9, 0.7};
    model.setRun("base", "lsa", "test", makeResults());
    model.setRun("tuned", "lsa + NUDGE-N", "test", better);
    QCOMPARE(model.runCount(), 2);
    const int ndcg10 = model.columnOf(Metric::Ndcg, 10);
    QCOMPARE(model.index(1, ndcg10).data().toString(), QStringLiteral("0.8000"));
    // The best value of a column is bold; the tooltip gives the difference to the first run.
    QVERIFY(model.index(1, ndcg10).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!model.index(0, ndcg10).data(Qt::FontRole).isValid());
    const QString tip = model.index(1, ndcg10).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("+0.3229 vs lsa")), qPrintable(tip));
    // Distinct colours, the same one in the header and the cells.
    QVERIFY(model.runColor(0) != model.runColor(1));
    QCOMPARE(model.index(1, 0).data(widgets::MetricsTableModel::ColorRole).value<QColor>(), model.runColor(1));

    // Replacing a run keeps its row and colour.
    const QColor color = model.runColor(0);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QCOMPARE(model.setRun("base", "lsa", "test", better), 0);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(model.runColor(0), color);
    QCOMPARE(model.index(0, ndcg10).data().toString(), QStringLiteral("0.8000"));

    // Runs of several splits are labelled with their split.
    model.setRun("dev", "lsa", "dev", makeResults());
    QCOMPARE(model.runLabel(0), QStringLiteral("lsa [test]"));
    QCOMPARE(model.headerData(2, Qt::Vertical).toString(), QStringLiteral("lsa [dev]"));
    QVERIFY(model.removeRun("dev"));
    QVERIFY(!model.removeRun("dev"));
    QCOMPARE(model.runLabel(0), QStringLiteral("lsa"));
    QCOMPARE(model.rowOfRun("tuned"), 1);
    QCOMPARE(model.runKey(1), QStringLiteral("tuned"));

    // Other columns, kept values.
    model.setColumns(widgets::MetricsTableModel::metricColumns(Metric::Recall, {2, 20}));
    QCOMPARE(model.columnCount(), 2);
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("recall@20"));
    QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("0.2000"));
    model.clear();
    QVERIFY(model.isEmpty());
    QVERIFY(!model.index(0, 0).data().isValid());

    // The table view shows the model.
    QTableView view;
    view.setModel(&model);
    model.setColumns(widgets::MetricsTableModel::summaryColumns());
    model.setRun("base", "lsa", "test", makeResults());
    view.resize(700, 250);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.model()->index(0, 1).data().toString(), QStringLiteral("0.4771"));
}

void TestWidgets::metricsChartCurves()
{
    widgets::MetricsTableModel model;
    widgets::MetricsChartView chart;
    QVERIFY(chart.allSeries().isEmpty());
    QVERIFY(!chart.kAxis()->titleText().isEmpty());
    QVERIFY(!chart.scoreAxis()->titleText().isEmpty());
    chart.setModel(&model);
    QVERIFY(chart.allSeries().isEmpty());

    model.setRun("base", "lsa", "test", makeResults());
    QCOMPARE(chart.allSeries().size(), 2);
    QLineSeries *recall = chart.series("base", Metric::Recall);
    QLineSeries *ndcg = chart.series("base", Metric::Ndcg);
    QVERIFY(recall && ndcg);
    QCOMPARE(recall->name(), QStringLiteral("lsa \u00b7 recall@k"));
    QCOMPARE(ndcg->name(), QStringLiteral("lsa \u00b7 nDCG@k"));
    QCOMPARE(recall->count(), 100);
    QCOMPARE(ndcg->count(), 100);
    QCOMPARE(recall->at(0), QPointF(1, 0.01));
    QCOMPARE(recall->at(99), QPointF(100, 1.0));
    QVERIFY(std::abs(ndcg->at(9).y() - (0.5 + 0.45426) / 2) < 1e-12);
    QVERIFY(chart.kAxis()->max() >= 100.0 && chart.kAxis()->max() < 105.0); // room for the last label
    QCOMPARE(ndcg->pen().color(), model.runColor(0));
    QCOMPARE(recall->pen().style(), Qt::DashLine);

    // A second run adds its two series, in its colour; the legend lists all four.
    model.setRun("bm25", "BM25", "test", makeResults());
    QCOMPARE(chart.allSeries().size(), 4);
    QCOMPARE(chart.series("bm25", Metric::Ndcg)->pen().color(), model.runColor(1));
    // The legend has one visible entry per run, labelled with the run (once laid out).
    chart.resize(600, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QVERIFY(chart.chart()->legend()->isVisible());
    const auto legend = [&] {
        QStringList labels;
        for (QLegendMarker *marker : chart.chart()->legend()->markers())
            if (marker->isVisible())
                labels << marker->label();
        return labels;
    };
    QTRY_COMPARE(legend(), (QStringList{QStringLiteral("lsa"), QStringLiteral("BM25")}));

    chart.setTitle(QStringLiteral("a title"));
    QCOMPARE(chart.chart()->title(), QStringLiteral("a title (nDCG@k solid, recall@k dashed)"));
    chart.setCurves(widgets::MetricsChartView::Curves::Ndcg);
    QCOMPARE(chart.allSeries().size(), 2);
    QVERIFY(!chart.series("base", Metric::Recall));
    QCOMPARE(chart.chart()->title(), QStringLiteral("a title (nDCG@k)"));
    chart.setCurves(widgets::MetricsChartView::Curves::Recall);
    QCOMPARE(chart.allSeries().size(), 2);
    QVERIFY(chart.series("base", Metric::Recall));
    QTRY_COMPARE(legend(), (QStringList{QStringLiteral("lsa"), QStringLiteral("BM25")})); // recall alone
    chart.setCurves(widgets::MetricsChartView::Curves::Both);
    QVERIFY(!chart.grab().isNull());

    QVERIFY(model.removeRun("base"));
    QCOMPARE(chart.allSeries().size(), 2);
    QVERIFY(!chart.series("base", Metric::Ndcg));
    model.clear();
    QVERIFY(chart.allSeries().isEmpty());
}

void TestWidgets::queryListModel()
{
    widgets::QueryListModel model;
    QCOMPARE(model.rowCount(), 0);
    model.setDataset(makeDataset());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(widgets::QueryListModel::ColumnCount));
    using Q = widgets::QueryListModel;
    QCOMPARE(model.index(1, Q::IdColumn).data().toString(), QStringLiteral("10"));
    QCOMPARE(model.index(1, Q::TextColumn).data().toString(), QStringLiteral("Solar panel efficiency"));
    QCOMPARE(model.index(1, Q::SplitsColumn).data().toString(), QStringLiteral("train"));
    QCOMPARE(model.index(0, Q::SplitsColumn).data().toString(), QStringLiteral("test"));
    QCOMPARE(model.index(0, Q::RelevantColumn).data().toInt(), 1); // d2 has gain 0
    QCOMPARE(model.index(2, Q::TextColumn).data(Q::QueryIndexRole).toInt(), 2);
    model.setDataset(nullptr);
    QCOMPARE(model.rowCount(), 0);
}

void TestWidgets::queryFilter()
{
    widgets::QueryListModel model;
    model.setDataset(makeDataset());
    widgets::QueryFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QCOMPARE(proxy.rowCount(), 3);

    proxy.setFilterFixedString(QStringLiteral("PROTEIN")); // text, case-insensitive
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("2"));

    proxy.setFilterFixedString(QStringLiteral("q7")); // id
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data(widgets::QueryListModel::QueryIndexRole).toInt(), 2);

    proxy.setFilterFixedString(QStringLiteral("train")); // split names are not searched
    QCOMPARE(proxy.rowCount(), 0);

    proxy.setFilterFixedString(QStringLiteral("1")); // "10" only; "2" and "q7" do not contain it
    QCOMPARE(proxy.rowCount(), 1);

    proxy.setFilterFixedString(QString());
    QCOMPARE(proxy.rowCount(), 3);

    // Numeric ids sort as numbers: 2 before 10.
    proxy.sort(widgets::QueryListModel::IdColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("2"));
    QCOMPARE(proxy.index(1, 0).data().toString(), QStringLiteral("10"));
}

void TestWidgets::queryFilterInPanel()
{
    widgets::DatasetPanel panel;
    panel.resize(700, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setDataset(makeDataset());

    auto *filter = panel.findChild<QLineEdit *>(QStringLiteral("queryFilter"));
    auto *table = panel.findChild<QTableView *>(QStringLiteral("queryTable"));
    QVERIFY(filter && table);
    QCOMPARE(table->model()->rowCount(), 3);

    QTest::keyClicks(filter, QStringLiteral("coffee"));
    QTRY_COMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, 0).data().toString(), QStringLiteral("q7"));
    auto *count = panel.findChild<QLabel *>(QStringLiteral("queryFilterCount"));
    QVERIFY(count && count->text().contains(QStringLiteral("1 of 3")));

    filter->clear();
    QTRY_COMPARE(table->model()->rowCount(), 3);
    panel.setFilterText(QStringLiteral("nothing matches this"));
    QCOMPARE(table->model()->rowCount(), 0);
    QCOMPARE(panel.filterText(), QStringLiteral("nothing matches this"));
    // Selecting a hidden query clears the filter.
    QVERIFY(panel.selectQuery(1));
    QCOMPARE(table->model()->rowCount(), 3);
    QCOMPARE(panel.currentQuery(), 1);
}

void TestWidgets::relevantDocuments()
{
    widgets::RelevantDocumentsModel model;
    const auto dataset = makeDataset();
    model.setQuery(dataset, 0);
    using R = widgets::RelevantDocumentsModel;
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, R::IdColumn).data().toString(), QStringLiteral("d1"));
    QCOMPARE(model.index(0, R::GainColumn).data().toInt(), 2);
    QCOMPARE(model.index(0, R::SplitColumn).data().toString(), QStringLiteral("test"));
    QCOMPARE(model.index(0, R::TitleColumn).data().toString(), QStringLiteral("Protein folding"));
    QCOMPARE(model.index(0, R::TextColumn).data().toString(), QStringLiteral("Proteins fold into shapes."));
    QCOMPARE(model.index(1, R::GainColumn).data().toInt(), 0);
    QVERIFY(model.index(1, R::IdColumn).data(Qt::ForegroundRole).isValid()); // not relevant: greyed
    QCOMPARE(model.index(1, R::TextColumn).data().toString(), QStringLiteral("Panels convert light. Second line."));
    QCOMPARE(model.index(1, 0).data(R::DocumentIndexRole).toInt(), 1);
    model.setQuery(dataset, -1);
    QCOMPARE(model.rowCount(), 0);
}

void TestWidgets::panelSelection()
{
    widgets::DatasetPanel panel;
    panel.resize(700, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy selected(&panel, &widgets::DatasetPanel::querySelected);
    panel.setDataset(makeDataset(), {QStringLiteral("2 judgements name unknown ids")});

    auto *summary = panel.findChild<QLabel *>(QStringLiteral("datasetSummary"));
    QVERIFY(summary);
    QVERIFY(summary->text().contains(QStringLiteral("tiny")));
    QVERIFY(summary->text().contains(QStringLiteral("unknown ids")));
    QVERIFY(summary->text().contains(QStringLiteral("train")));

    QVERIFY(panel.selectFirstJudgedQuery(QStringLiteral("train")));
    QCOMPARE(panel.currentQuery(), 1);
    QCOMPARE(selected.last().at(0).toInt(), 1);
    QVERIFY(panel.selectFirstJudgedQuery(QStringLiteral("test")));
    QCOMPARE(panel.currentQuery(), 0);
    QVERIFY(!panel.selectFirstJudgedQuery(QStringLiteral("dev")));

    auto *relevant = panel.findChild<QTableView *>(QStringLiteral("relevantDocumentsTable"));
    QVERIFY(relevant);
    QCOMPARE(relevant->model()->rowCount(), 2);
    auto *document = panel.findChild<QWidget *>(QStringLiteral("documentView"));
    QVERIFY(document);
    // The first judged document is shown.
    QVERIFY(document->property("plainText").toString().contains(QStringLiteral("Proteins fold")));

    // Clicking a query row selects it.
    auto *table = panel.findChild<QTableView *>(QStringLiteral("queryTable"));
    const QRect rect = table->visualRect(table->model()->index(2, widgets::QueryListModel::TextColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(panel.currentQuery(), 2);
    QCOMPARE(relevant->model()->rowCount(), 1);
    QVERIFY(document->property("plainText").toString().contains(QStringLiteral("Brewing")));

    panel.setDataset(nullptr);
    QCOMPARE(panel.currentQuery(), -1);
    QCOMPARE(table->model()->rowCount(), 0);
}

namespace {

QList<widgets::EmbeddingSetRow> makeSetRows()
{
    using Row = widgets::EmbeddingSetRow;
    Row bm25;
    bm25.key = "bm25";
    bm25.name = "BM25 (k1 0.9, b 0.4)";
    bm25.origin = Row::Origin::Baseline;
    bm25.embedder = "bm25";
    bm25.parameters = R"({"k1": 0.9, "b": 0.4})";
    Row cached;
    cached.key = "cache:/tmp/cache/abc";
    cached.name = "lsa256";
    cached.origin = Row::Origin::Cache;
    cached.embedder = "lsa";
    cached.dim = 256;
    cached.normalized = true;
    cached.created = "2025-01-02T03:04:05Z";
    cached.parameters = R"({"dim":256,"min_df":2,"seed":0})";
    cached.location = "/tmp/cache/abc";
    cached.configKey = "lsa/v1{...}";
    cached.documents = 5183;
    cached.queries = 1109;
    Row imported;
    imported.key = "import:/data/vec";
    imported.name = "vec";
    imported.origin = Row::Origin::Imported;
    imported.embedder = "imported";
    imported.dim = 3;
    imported.location = "/data/vec";
    imported.documents = 4;
    imported.queries = 2;
    imported.loaded = true;
    return {bm25, cached, imported};
}

} // namespace

void TestWidgets::metricsBaselineAndSignificance()
{
    // Deltas refer to the chosen baseline; markers follow p-values and are dropped when the
    // baseline changes or is replaced; removing the baseline falls back to the first run.
    widgets::MetricsTableModel model;
    engine::MetricResults better = makeResults();
    better.perQuery[{Metric::Ndcg, 10}] = {0.7, 0.6};
    model.setRun("base", "lsa", "test", makeResults());
    model.setRun("tuned", "tuned", "test", better);
    const int ndcg10 = model.columnOf(Metric::Ndcg, 10);
    QCOMPARE(model.baselineKey(), QStringLiteral("base"));
    QCOMPARE(model.index(1, ndcg10).data(widgets::MetricsTableModel::DeltaRole).toDouble(), 0.65 - 0.47713);
    QVERIFY(!model.index(0, ndcg10).data(widgets::MetricsTableModel::DeltaRole).isValid());

    widgets::MetricsTableModel::Significance significance;
    significance.pValue = 0.03;
    significance.low = 0.1;
    significance.high = 0.2;
    significance.queries = 2;
    significance.permutations = 10000;
    model.setSignificance("tuned", Metric::Ndcg, 10, significance);
    QCOMPARE(model.index(1, ndcg10).data().toString(), QStringLiteral("0.6500*"));
    const QString tip = model.index(1, ndcg10).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("p = 0.03")) && tip.contains(QStringLiteral("[+0.1000, +0.2000]")),
             qPrintable(tip));
    significance.pValue = 0.001;
    model.setSignificance("tuned", Metric::Ndcg, 10, significance);
    QCOMPARE(model.index(1, ndcg10).data().toString(), QStringLiteral("0.6500**"));
    model.setCellText(widgets::MetricsTableModel::CellText::ValueAndDelta);
    QCOMPARE(model.index(1, ndcg10).data().toString(), QStringLiteral("0.6500 +0.1729**"));
    QCOMPARE(model.index(0, ndcg10).data().toString(), QStringLiteral("0.4771")); // the baseline: its value
    model.setCellText(widgets::MetricsTableModel::CellText::Delta);
    QCOMPARE(model.index(1, ndcg10).data().toString(), QStringLiteral("+0.1729**"));

    QSignalSpy changed(&model, &widgets::MetricsTableModel::baselineChanged);
    model.setBaseline("tuned");
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.baselineRow(), 1);
    QVERIFY(!model.significance(1, Metric::Ndcg, 10));
    QCOMPARE(model.index(0, ndcg10).data().toString(), QStringLiteral("-0.1729"));
    QVERIFY(model.headerData(1, Qt::Vertical, Qt::FontRole).value<QFont>().italic());
    model.setBaseline("unknown"); // the first run again
    QCOMPARE(model.baselineKey(), QStringLiteral("base"));
    model.setSignificance("tuned", Metric::Ndcg, 10, significance);
    model.setRun("base", "lsa", "test", makeResults()); // the baseline replaced: markers dropped
    QVERIFY(!model.significance(1, Metric::Ndcg, 10));
    model.setBaseline("tuned");
    changed.clear();
    QVERIFY(model.removeRun("tuned"));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.baselineKey(), QStringLiteral("base"));

    // Movement text of a relevant document in the query explorer.
    widgets::QueryRankingModel::Entry entry;
    entry.rankA = 7;
    entry.rankB = 2;
    QCOMPARE(widgets::QueryRankingModel::movement(entry, 100, 100), QStringLiteral("7 \u2192 2"));
    entry.rankA = 0;
    QCOMPARE(widgets::QueryRankingModel::movement(entry, 100, 50), QStringLiteral(">100 \u2192 2"));
}

void TestWidgets::metricsChartMetricsAndExport()
{
    widgets::MetricsTableModel model;
    model.setRun("a", "lsa", "test", makeResults());
    model.setRun("b", "bm25", "test", makeResults());
    widgets::MetricsChartView chart;
    chart.setModel(&model);
    chart.resize(640, 400);
    chart.setMetric(Metric::Precision);
    QCOMPARE(chart.allSeries().size(), 2);
    QVERIFY(chart.series("a", Metric::Precision)->name().endsWith(QStringLiteral(" \u00b7 P@k")));
    QVERIFY(chart.chart()->title().contains(QStringLiteral("P@k")));
    chart.setVisibleRuns({"b"});
    QCOMPARE(chart.allSeries().size(), 1);
    QVERIFY(!chart.series("a", Metric::Precision));
    chart.clearVisibleRuns();
    chart.setLogK(true);
    QCOMPARE(chart.allSeries().size(), 2);
    QVERIFY(chart.series("a", Metric::Precision)->attachedAxes().contains(chart.logKAxis()));
    QVERIFY(!chart.chart()->axes(Qt::Horizontal).contains(chart.kAxis()));
    QCOMPARE(chart.logKAxis()->min(), 1.0);
    chart.setLogK(false);
    QVERIFY(chart.series("a", Metric::Precision)->attachedAxes().contains(chart.kAxis()));
    chart.setCurves(widgets::MetricsChartView::Curves::Both);
    QCOMPARE(chart.allSeries().size(), 4);

    QTemporaryDir dir;
    QVERIFY(chart.saveSvg(dir.filePath(QStringLiteral("c.svg"))));
    QFile svg(dir.filePath(QStringLiteral("c.svg")));
    QVERIFY(svg.open(QIODevice::ReadOnly) && svg.readAll().contains("<svg"));
    QVERIFY(chart.saveImage(dir.filePath(QStringLiteral("c.png"))));
    QCOMPARE(QImage(dir.filePath(QStringLiteral("c.png"))).size(), chart.size());
    QVERIFY(!chart.saveSvg(dir.filePath(QStringLiteral("missing/dir/c.svg"))));
}

void TestWidgets::embeddingSetList()
{
    using M = widgets::EmbeddingSetListModel;
    M model;
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(M::ColumnCount));
    model.setRows(makeSetRows());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.headerData(M::NameColumn, Qt::Horizontal).toString(), QStringLiteral("Name"));
    QCOMPARE(model.headerData(M::NormalizedColumn, Qt::Horizontal).toString(), QStringLiteral("Normalised"));

    // Provenance columns.
    QCOMPARE(model.index(1, M::NameColumn).data().toString(), QStringLiteral("lsa256"));
    QCOMPARE(model.index(1, M::EmbedderColumn).data().toString(), QStringLiteral("lsa"));
    QCOMPARE(model.index(1, M::DimColumn).data().toString(), QStringLiteral("256"));
    QCOMPARE(model.index(1, M::DimColumn).data(M::SortRole).toLongLong(), 256);
    QCOMPARE(model.index(1, M::NormalizedColumn).data().toString(), QStringLiteral("yes"));
    QCOMPARE(model.index(2, M::NormalizedColumn).data().toString(), QStringLiteral("no"));
    QCOMPARE(model.index(1, M::CreatedColumn).data().toString(), M::formatCreated("2025-01-02T03:04:05Z"));
    QVERIFY(model.index(1, M::CreatedColumn).data().toString().startsWith(QStringLiteral("2025-01-0")));
    QCOMPARE(model.index(1, M::OriginColumn).data().toString(), QStringLiteral("cache"));
    QCOMPARE(model.index(2, M::OriginColumn).data().toString(), QStringLiteral("imported"));
    QCOMPARE(model.index(0, M::DimColumn).data().toString(), QStringLiteral("\u2014")); // BM25 has no vectors
    QCOMPARE(model.index(1, 0).data(M::KeyRole).toString(), QStringLiteral("cache:/tmp/cache/abc"));
    QCOMPARE(model.index(0, 3).data(M::OriginRole).toInt(), int(widgets::EmbeddingSetRow::Origin::Baseline));

    // The parameters are in the tooltip of every column, one per line.
    const QString tip = model.index(1, M::DimColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("min_df: 2")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("dim: 256")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("/tmp/cache/abc")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("Not loaded")), qPrintable(tip));
    QCOMPARE(M::formatParameters(QStringLiteral("not json")), QStringLiteral("not json"));

    // Upsert replaces by key or appends; remove; loaded flag.
    widgets::EmbeddingSetRow changed = model.rowAt(2);
    changed.name = "vec (again)";
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QCOMPARE(model.upsert(changed), 2);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(model.index(2, 0).data().toString(), QStringLiteral("vec (again)"));
    changed.key = "import:/data/other";
    QCOMPARE(model.upsert(changed), 3);
    QCOMPARE(inserted.count(), 1);
    model.setLoaded("cache:/tmp/cache/abc", true);
    QVERIFY(model.find("cache:/tmp/cache/abc")->loaded);
    QVERIFY(model.remove("import:/data/other"));
    QVERIFY(!model.remove("import:/data/other"));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowOf("bm25"), 0);
    QVERIFY(!model.find("nothing"));
}

void TestWidgets::embeddingsPanelSelection()
{
    widgets::EmbeddingsPanel panel;
    panel.resize(700, 400);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.toolBar());
    QCOMPARE(panel.view()->objectName(), QStringLiteral("embeddingSetsTable"));
    panel.setCacheLocation(QStringLiteral("/tmp/the-cache"));
    auto *cache = panel.findChild<QLabel *>(QStringLiteral("embeddingCacheLocation"));
    QVERIFY(cache && cache->text().contains(QStringLiteral("the-cache")));

    QSignalSpy changed(&panel, &widgets::EmbeddingsPanel::currentKeyChanged);
    panel.model()->setRows(makeSetRows());
    QVERIFY(panel.currentKey().isEmpty());
    QCOMPARE(changed.count(), 0);

    // Clicking a row selects its set.
    const QRect rect = panel.view()->visualRect(panel.model()->index(1, 0));
    QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(panel.currentKey(), QStringLiteral("cache:/tmp/cache/abc"));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.last().at(0).toString(), QStringLiteral("cache:/tmp/cache/abc"));
    auto *details = panel.findChild<QLabel *>(QStringLiteral("embeddingSetDetails"));
    QVERIFY(details && details->text().contains(QStringLiteral("lsa256")));
    QVERIFY(details->text().contains(QStringLiteral("min_df: 2")));

    // The selection survives a reset that keeps the key, and is dropped with its row.
    panel.model()->setRows(makeSetRows());
    QCOMPARE(panel.currentKey(), QStringLiteral("cache:/tmp/cache/abc"));
    QCOMPARE(changed.count(), 1);
    QVERIFY(panel.selectKey(QStringLiteral("import:/data/vec")));
    QCOMPARE(changed.count(), 2);
    QVERIFY(!panel.selectKey(QStringLiteral("nothing")));
    // The view moves the selection to a neighbour (or clears it); never the removed key.
    QVERIFY(panel.model()->remove(QStringLiteral("import:/data/vec")));
    QVERIFY(panel.currentKey() != QStringLiteral("import:/data/vec"));
    QCOMPARE(changed.count(), 3);
    QCOMPARE(changed.last().at(0).toString(), panel.currentKey());
    panel.model()->clear();
    QVERIFY(panel.currentKey().isEmpty());
    QVERIFY(changed.last().at(0).toString().isEmpty());
    panel.model()->setRows(makeSetRows());

    QSignalSpy activated(&panel, &widgets::EmbeddingsPanel::keyActivated);
    QVERIFY(panel.selectKey(QStringLiteral("bm25")));
    QTest::keyClick(panel.view(), Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().at(0).toString(), QStringLiteral("bm25"));
}

void TestWidgets::parameterForm()
{
    const engine::Method *nudgeN = engine::findMethod("nudge-n");
    QVERIFY(nudgeN);
    widgets::ParameterForm form;
    QSignalSpy validity(&form, &widgets::ParameterForm::validityChanged);
    form.setSpec(nudgeN->spec());
    form.show();
    QVERIFY(form.isValid());
    QVERIFY(validity.count() >= 1 && validity.last().at(0).toBool());

    // One editor per parameter, at its default, with the help as tooltip.
    auto *grid = qobject_cast<QLineEdit *>(form.editor(QStringLiteral("gamma_grid")));
    auto *gamma = qobject_cast<QLineEdit *>(form.editor(QStringLiteral("gamma")));
    auto *threads = qobject_cast<QSpinBox *>(form.editor(QStringLiteral("threads")));
    QVERIFY(grid && gamma && threads);
    QCOMPARE(gamma->objectName(), QStringLiteral("param_gamma"));
    QCOMPARE(gamma->text(), QStringLiteral("-1"));
    QCOMPARE(threads->value(), 0);
    QCOMPARE(threads->maximum(), 1024);
    QVERIFY(grid->text().startsWith(QStringLiteral("0,0.02,0.04")));
    QVERIFY2(gamma->toolTip().contains(QStringLiteral("fixed step size")), qPrintable(gamma->toolTip()));
    QVERIFY(gamma->toolTip().contains(QStringLiteral("Default: -1")));
    QCOMPARE(widgets::ParameterForm::labelFor("gamma_grid"), QStringLiteral("Gamma grid"));
    std::map<std::string, std::string> values = form.values();
    QCOMPARE(values.size(), size_t(3));
    QCOMPARE(values["gamma"], std::string("-1"));
    QCOMPARE(values["threads"], std::string("0"));

    // An out-of-range value: inline error naming the parameter, form invalid.
    auto *error = form.findChild<QLabel *>(QStringLiteral("parameterError"));
    QVERIFY(error && !error->isVisible());
    gamma->clear();
    QTest::keyClicks(gamma, QStringLiteral("5"));
    QVERIFY(!form.isValid());
    QVERIFY(!validity.last().at(0).toBool());
    QVERIFY2(form.errorText().contains(QStringLiteral("gamma=5")), qPrintable(form.errorText()));
    QVERIFY(form.fieldErrors().contains(QStringLiteral("gamma")));
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(), form.errorText());
    QVERIFY(!gamma->styleSheet().isEmpty());
    QVERIFY(grid->styleSheet().isEmpty());
    QVERIFY(form.setValue(QStringLiteral("gamma"), QStringLiteral("0.1")));
    QVERIFY(form.isValid());
    QVERIFY(!error->isVisible());
    QCOMPARE(form.values()["gamma"], std::string("0.1"));

    // A malformed list; a spin box refuses values outside its range.
    QVERIFY(form.setValue(QStringLiteral("gamma_grid"), QStringLiteral("0, 0.1, x")));
    QVERIFY(!form.isValid());
    QVERIFY(form.fieldErrors().contains(QStringLiteral("gamma_grid")));
    QVERIFY(!form.setValue(QStringLiteral("threads"), QStringLiteral("5000")));
    QVERIFY(!form.setValue(QStringLiteral("nothing"), QStringLiteral("1")));
    form.resetToDefaults();
    QVERIFY(form.isValid());
    QCOMPARE(qobject_cast<QLineEdit *>(form.editor(QStringLiteral("gamma")))->text(), QStringLiteral("-1"));

    // Choice and Bool parameters get a combo box and a check box.
    engine::MethodSpec spec;
    spec.id = "test";
    spec.params = {{"loss", engine::ParamSpec::Type::Choice, "mnrl", -1e300, 1e300, {"mnrl", "triplet"}, "Loss."},
                   {"normalize", engine::ParamSpec::Type::Bool, "true", -1e300, 1e300, {}, "Normalise."}};
    form.setSpec(spec);
    auto *loss = qobject_cast<QComboBox *>(form.editor(QStringLiteral("loss")));
    auto *normalize = qobject_cast<QCheckBox *>(form.editor(QStringLiteral("normalize")));
    QVERIFY(loss && normalize);
    QCOMPARE(loss->count(), 2);
    QCOMPARE(loss->currentText(), QStringLiteral("mnrl"));
    QVERIFY(normalize->isChecked());
    QVERIFY(form.setValue(QStringLiteral("loss"), QStringLiteral("triplet")));
    QVERIFY(!form.setValue(QStringLiteral("loss"), QStringLiteral("hinge")));
    normalize->setChecked(false);
    QCOMPARE(form.values()["loss"], std::string("triplet"));
    QCOMPARE(form.values()["normalize"], std::string("false"));
    QVERIFY(form.isValid());
    QVERIFY(!form.editor(QStringLiteral("gamma"))); // the previous spec's editors are gone

    // Every registered method's form is valid at its defaults, and its values parse as the method
    // reads them.
    for (const engine::Method *method : engine::registeredMethods()) {
        form.setSpec(method->spec());
        QVERIFY2(form.isValid(), qPrintable(QString::fromStdString(method->spec().id) + ": " + form.errorText()));
        QVERIFY(engine::ParamValues::parse(method->spec(), form.values()).ok());
        QCOMPARE(form.values().size(), method->spec().params.size());
    }
    // A 64-bit integer range gets a line edit (a spin box holds 32 bits).
    engine::MethodSpec wide;
    wide.params = {{"seed", engine::ParamSpec::Type::Int, "0", 0, 4294967295.0, {}, "Seed."}};
    form.setSpec(wide);
    auto *seed = qobject_cast<QLineEdit *>(form.editor(QStringLiteral("seed")));
    QVERIFY(seed);
    QVERIFY(form.setValue(QStringLiteral("seed"), QStringLiteral("4294967295")));
    QVERIFY(form.isValid());
    QVERIFY(form.setValue(QStringLiteral("seed"), QStringLiteral("1.5")));
    QVERIFY2(form.errorText().contains(QStringLiteral("integer")), qPrintable(form.errorText()));
}

void TestWidgets::runDetails()
{
    widgets::RunDetailsView view;
    view.resize(320, 420);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!view.gammaChart()->isVisible());
    QVERIFY(view.toolBar());

    // NUDGE-N: dev accuracy@1 for each gamma of the grid, the chosen one marked.
    widgets::RunDetails details;
    details.title = "lsa + NUDGE-N";
    details.color = Qt::red;
    details.description = "NUDGE-N on lsa";
    details.reportJson = R"({"method":"nudge-n","moved_documents":3,"dev_queries":2,"gamma":0.1,)"
                         R"("gamma_grid":[0,0.1,0.2],"dev_accuracy":[0.5,1,0.5],"similarity":"cosine",)"
                         R"("fit_seconds":0.0012})";
    view.setDetails(details);
    QVERIFY(view.gammaChart()->isVisible());
    QCOMPARE(view.accuracySeries()->count(), 3);
    QCOMPARE(view.accuracySeries()->at(1), QPointF(0.1, 1.0));
    QCOMPARE(view.chosenSeries()->count(), 1);
    QCOMPARE(view.chosenSeries()->at(0), QPointF(0.1, 1.0));
    QVERIFY2(view.text().contains(QStringLiteral("gamma: 0.1")), qPrintable(view.text()));
    QVERIFY(view.text().contains(QStringLiteral("moved documents: 3")));
    QVERIFY(view.text().contains(QStringLiteral("NUDGE-N on lsa")));
    QVERIFY(!view.text().contains(QStringLiteral("gamma_grid"))); // arrays are drawn, not listed
    QVERIFY(!view.grab().isNull());

    // NUDGE-M: gamma and the best interval count as text, no chart.
    details.title = "lsa + NUDGE-M";
    details.reportJson = R"({"method":"nudge-m","moved_documents":3,"dev_queries":2,"gamma":0.25,"dev_pairs":10,)"
                         R"("valid_intervals":8,"best_count":7,"similarity":"dot","fit_seconds":0.001})";
    view.setDetails(details);
    QVERIFY(!view.gammaChart()->isVisible());
    QVERIFY2(view.text().contains(QStringLiteral("gamma: 0.25")), qPrintable(view.text()));
    QVERIFY(view.text().contains(QStringLiteral("best interval count: 7")));
    QVERIFY(view.text().contains(QStringLiteral("dev pairs: 10")));
    QVERIFY(view.text().indexOf(QStringLiteral("gamma")) < view.text().indexOf(QStringLiteral("moved documents")));

    // A run without training.
    details.reportJson.clear();
    view.setDetails(details);
    QVERIFY(view.text().contains(QStringLiteral("No training")));
    view.clear();
    QVERIFY(!view.gammaChart()->isVisible());
}

QTEST_MAIN(TestWidgets)
#include "test_widgets.moc"
