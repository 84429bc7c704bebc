// Item models and views of embtune_widgets: the metrics table model, the metrics chart, the query
// list with its filter and the judged-documents view, driven offscreen with real widgets.

#include "dataset_panel.h"
#include "metrics_chart_view.h"
#include "metrics_table_model.h"
#include "query_filter_proxy_model.h"
#include "query_list_model.h"
#include "relevant_documents_model.h"

#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QtCharts/QLineSeries>
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
    void metricsTableKsAndClear();
    void metricsChartCurves();
    void queryListModel();
    void queryFilter();
    void queryFilterInPanel();
    void relevantDocuments();
    void panelSelection();
};

void TestWidgets::metricsTableShape()
{
    widgets::MetricsTableModel model;
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.columnCount(), 5);
    const QStringList rows{"nDCG", "recall", "R_cap", "P", "MRR", "MAP"};
    for (int row = 0; row < rows.size(); ++row)
        QCOMPARE(model.headerData(row, Qt::Vertical).toString(), rows[row]);
    const QStringList columns{"@1", "@3", "@5", "@10", "@100"};
    for (int column = 0; column < columns.size(); ++column)
        QCOMPARE(model.headerData(column, Qt::Horizontal).toString(), columns[column]);
    QVERIFY(!model.headerData(0, Qt::Vertical, Qt::ToolTipRole).toString().isEmpty());
    // Empty until results arrive.
    QVERIFY(model.isEmpty());
    QVERIFY(!model.index(0, 0).data().isValid());
}

void TestWidgets::metricsTableValues()
{
    widgets::MetricsTableModel model;
    model.setResults(makeResults());
    QVERIFY(!model.isEmpty());
    const QModelIndex ndcg10 = model.index(model.rowOf(Metric::Ndcg), model.columnOf(10));
    QCOMPARE(ndcg10.data().toString(), QStringLiteral("0.4771"));
    QCOMPARE(ndcg10.data(widgets::MetricsTableModel::ValueRole).toDouble(), (0.5 + 0.45426) / 2);
    const QString tip = ndcg10.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("nDCG@10 = 0.47713")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("2 queries")), qPrintable(tip));
    QCOMPARE(ndcg10.data(widgets::MetricsTableModel::KRole).toInt(), 10);
    QCOMPARE(model.index(model.rowOf(Metric::Mrr), model.columnOf(3)).data().toString(), QStringLiteral("0.7500"));
    QCOMPARE(model.index(model.rowOf(Metric::Recall), model.columnOf(100)).data().toString(),
             QStringLiteral("1.0000"));
    QCOMPARE(model.index(model.rowOf(Metric::Precision), 0).data().toString(), QStringLiteral("0.0000"));
    QVERIFY(model.index(0, 0).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignRight);
    QCOMPARE(widgets::MetricsTableModel::formatValue(0.123456), QStringLiteral("0.1235"));

    // A (metric, k) that was not computed stays empty.
    engine::MetricResults partial;
    partial.queries = {0};
    partial.ks = {10};
    partial.metrics = {Metric::Ndcg};
    partial.perQuery[{Metric::Ndcg, 10}] = {0.25};
    model.setResults(partial);
    QCOMPARE(model.index(model.rowOf(Metric::Ndcg), model.columnOf(10)).data().toString(), QStringLiteral("0.2500"));
    QVERIFY(!model.index(model.rowOf(Metric::Ndcg), model.columnOf(1)).data().isValid());
    QVERIFY(!model.index(model.rowOf(Metric::Map), model.columnOf(10)).data().isValid());
}

void TestWidgets::metricsTableKsAndClear()
{
    widgets::MetricsTableModel model;
    model.setResults(makeResults());
    model.setKs({2, 20});
    QCOMPARE(model.columnCount(), 2);
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("@20"));
    QCOMPARE(model.index(model.rowOf(Metric::Recall), 1).data().toString(), QStringLiteral("0.2000"));
    QCOMPARE(model.columnOf(10), -1);
    model.clear();
    QVERIFY(model.isEmpty());
    QVERIFY(!model.index(0, 0).data().isValid());

    // The table view shows the model.
    QTableView view;
    view.setModel(&model);
    model.setKs({1, 3, 5, 10, 100});
    model.setResults(makeResults());
    view.resize(500, 250);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.model()->index(0, 3).data().toString(), QStringLiteral("0.4771"));
}

void TestWidgets::metricsChartCurves()
{
    widgets::MetricsChartView chart;
    QCOMPARE(chart.recallSeries()->name(), QStringLiteral("recall@k"));
    QCOMPARE(chart.ndcgSeries()->name(), QStringLiteral("nDCG@k"));
    QCOMPARE(chart.recallSeries()->count(), 0);
    QVERIFY(!chart.kAxis()->titleText().isEmpty());
    QVERIFY(!chart.scoreAxis()->titleText().isEmpty());

    chart.setResults(makeResults(), QStringLiteral("a title"));
    QCOMPARE(chart.recallSeries()->count(), 100);
    QCOMPARE(chart.ndcgSeries()->count(), 100);
    QCOMPARE(chart.recallSeries()->at(0), QPointF(1, 0.01));
    QCOMPARE(chart.recallSeries()->at(99), QPointF(100, 1.0));
    QVERIFY(std::abs(chart.ndcgSeries()->at(9).y() - (0.5 + 0.45426) / 2) < 1e-12);
    QCOMPARE(chart.kAxis()->max(), 100.0);
    QCOMPARE(chart.chart()->title(), QStringLiteral("a title"));

    chart.resize(600, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QVERIFY(!chart.grab().isNull());

    chart.clear();
    QCOMPARE(chart.recallSeries()->count(), 0);
    QCOMPARE(chart.ndcgSeries()->count(), 0);
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

QTEST_MAIN(TestWidgets)
#include "test_widgets.moc"
