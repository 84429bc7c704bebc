// The comparison table (engine/eval/comparison_table): values are the runs' means, deltas the
// differences to the chosen baseline, best values bold (ties at the shown precision included),
// significance equals pairedSignificance on the queries both runs evaluated; CSV, Markdown and
// LaTeX escape what their syntax needs, and the CSV reads back to the same figures.

#include "eval/comparison_table.h"

#include <QStringList>
#include <QTest>

#include "support/csv_reader.h"

#include <numeric>

using namespace embtune::engine;

namespace {

MetricResults results(const std::vector<int32_t> &queries, const std::vector<double> &ndcg,
                      const std::vector<double> &recall)
{
    MetricResults out;
    out.queries = queries;
    out.metrics = {Metric::Ndcg, Metric::Recall};
    out.ks = {10};
    out.perQuery[{Metric::Ndcg, 10}] = ndcg;
    out.perQuery[{Metric::Recall, 10}] = recall;
    return out;
}

double mean(const std::vector<double> &v)
{
    return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}


const std::vector<ComparisonColumn> kColumns{{Metric::Ndcg, 10}, {Metric::Recall, 10}};

} // namespace

class TestComparisonTable : public QObject {
    Q_OBJECT
private slots:
    void valuesDeltasAndBest();
    void baselineChoice();
    void significanceMatchesTest();
    void pairsSharedQueriesOnly();
    void tiesAtPrecisionAreAllBest();
    void csvEscapingAndReadBack();
    void markdownEscaping();
    void latexEscaping();
    void errors();
};

void TestComparisonTable::valuesDeltasAndBest()
{
    const MetricResults a = results({0, 1, 2, 3}, {0.5, 0.2, 0.8, 0.1}, {1, 0, 1, 0});
    const MetricResults b = results({0, 1, 2, 3}, {0.6, 0.4, 0.8, 0.3}, {1, 0, 0, 0});
    ComparisonOptions options;
    options.test.permutations = 500;
    options.test.bootstrapResamples = 500;
    auto table = buildComparisonTable({{"base", &a}, {"tuned", &b}}, kColumns, options);
    QVERIFY(table.ok());
    QCOMPARE(table->runs.size(), size_t(2));
    QCOMPARE(table->cell(0, 0).value, mean(a.values(Metric::Ndcg, 10)));
    QCOMPARE(table->cell(1, 0).value, mean(b.values(Metric::Ndcg, 10)));
    QCOMPARE(table->cell(1, 0).delta, mean(b.values(Metric::Ndcg, 10)) - mean(a.values(Metric::Ndcg, 10)));
    QCOMPARE(table->cell(0, 0).delta, 0.0);
    QVERIFY(!table->cell(0, 0).best && table->cell(1, 0).best);  // nDCG: tuned wins
    QVERIFY(table->cell(0, 1).best && !table->cell(1, 1).best);  // recall: base wins
    QVERIFY(!table->cell(0, 0).tested && table->cell(1, 0).tested);

    // One run: nothing is best.
    auto single = buildComparisonTable({{"base", &a}}, kColumns, options);
    QVERIFY(single.ok());
    QVERIFY(!single->cell(0, 0).best);

    // A column a run lacks is absent in that row.
    auto missing = buildComparisonTable({{"base", &a}, {"tuned", &b}}, {{Metric::Map, 100}}, options);
    QVERIFY(missing.ok());
    QVERIFY(!missing->cell(0, 0).present && !missing->cell(1, 0).best && !missing->cell(1, 0).tested);
}

void TestComparisonTable::baselineChoice()
{
    const MetricResults a = results({0, 1}, {0.5, 0.3}, {1, 0});
    const MetricResults b = results({0, 1}, {0.7, 0.6}, {1, 1});
    ComparisonOptions options;
    options.baseline = 1;
    options.test.permutations = 100;
    options.test.bootstrapResamples = 100;
    auto table = buildComparisonTable({{"a", &a}, {"b", &b}}, kColumns, options);
    QVERIFY(table.ok());
    QCOMPARE(table->baseline, 1);
    QCOMPARE(table->cell(0, 0).delta, 0.4 - 0.65);
    QVERIFY(table->cell(0, 0).tested && !table->cell(1, 0).tested);
    QCOMPARE(table->cell(0, 0).significance.meanDifference, table->cell(0, 0).delta);
}

void TestComparisonTable::significanceMatchesTest()
{
    std::vector<int32_t> queries(30);
    std::iota(queries.begin(), queries.end(), 0);
    std::vector<double> base(30), better(30), same(30), zeros(30, 0.0);
    for (int i = 0; i < 30; ++i) {
        base[size_t(i)] = 0.3 + 0.01 * i;
        better[size_t(i)] = base[size_t(i)] + 0.05 + 0.001 * i; // every query improved
        same[size_t(i)] = base[size_t(i)];
    }
    const MetricResults a = results(queries, base, zeros);
    const MetricResults b = results(queries, better, zeros);
    const MetricResults c = results(queries, same, zeros);
    ComparisonOptions options; // 10,000 permutations
    options.test.seed = 11;
    auto table = buildComparisonTable({{"a", &a}, {"better", &b}, {"same", &c}}, kColumns, options);
    QVERIFY(table.ok());
    auto direct = pairedSignificance(base, better, options.test);
    QVERIFY(direct.ok());
    const SignificanceResult &cell = table->cell(1, 0).significance;
    QCOMPARE(cell.pValue, direct->pValue);
    QCOMPARE(cell.intervalLow, direct->intervalLow);
    QCOMPARE(cell.intervalHigh, direct->intervalHigh);
    QVERIFY(cell.pValue < 0.001);
    QCOMPARE(significanceMarker(cell.pValue), std::string("**"));
    QCOMPARE(table->cell(2, 0).significance.pValue, 1.0);
    QCOMPARE(significanceMarker(table->cell(2, 0).significance.pValue), std::string());
    QCOMPARE(significanceMarker(0.03), std::string("*"));
    QCOMPARE(significanceMarker(0.05), std::string());
}

void TestComparisonTable::pairsSharedQueriesOnly()
{
    // Run b evaluated queries 1..3 (in another order); a evaluated 0..2: shared queries 1 and 2.
    const MetricResults a = results({0, 1, 2}, {0.9, 0.2, 0.4}, {1, 1, 1});
    const MetricResults b = results({3, 2, 1}, {0.0, 0.5, 0.6}, {1, 1, 1});
    ComparisonOptions options;
    options.test.permutations = 200;
    options.test.bootstrapResamples = 200;
    auto table = buildComparisonTable({{"a", &a}, {"b", &b}}, kColumns, options);
    QVERIFY(table.ok());
    const SignificanceResult &s = table->cell(1, 0).significance;
    QCOMPARE(s.queries, int64_t(2));
    QCOMPARE(s.meanA, (0.2 + 0.4) / 2);
    QCOMPARE(s.meanB, (0.6 + 0.5) / 2);
    // The delta is of the runs' own means (all their queries).
    QCOMPARE(table->cell(1, 0).delta, (0.0 + 0.5 + 0.6) / 3 - (0.9 + 0.2 + 0.4) / 3);

    // No shared query: no test.
    const MetricResults disjoint = results({7}, {0.5}, {1});
    auto none = buildComparisonTable({{"a", &a}, {"d", &disjoint}}, kColumns, options);
    QVERIFY(none.ok());
    QVERIFY(none->cell(1, 0).present && !none->cell(1, 0).tested);
}

void TestComparisonTable::tiesAtPrecisionAreAllBest()
{
    const MetricResults a = results({0}, {0.50001}, {1});
    const MetricResults b = results({0}, {0.50004}, {1});
    const MetricResults c = results({0}, {0.4}, {1});
    ComparisonOptions options;
    options.significance = false;
    auto table = buildComparisonTable({{"a", &a}, {"b", &b}, {"c", &c}}, kColumns, options);
    QVERIFY(table.ok());
    QVERIFY(table->cell(0, 0).best && table->cell(1, 0).best && !table->cell(2, 0).best);
    QVERIFY(!table->cell(1, 0).tested);
    options.decimals = 5;
    table = buildComparisonTable({{"a", &a}, {"b", &b}, {"c", &c}}, kColumns, options);
    QVERIFY(!table->cell(0, 0).best && table->cell(1, 0).best);
}

void TestComparisonTable::csvEscapingAndReadBack()
{
    const MetricResults a = results({0, 1, 2, 3}, {0.5, 0.2, 0.8, 0.1}, {1, 0, 1, 0});
    const MetricResults b = results({0, 1, 2, 3}, {0.6, 0.4, 0.8, 0.3}, {1, 0, 0, 0});
    ComparisonOptions options;
    options.test.permutations = 300;
    options.test.bootstrapResamples = 300;
    auto table = buildComparisonTable({{"lsa, \"base\"", &a}, {"tuned\nrun", &b}}, kColumns, options);
    QVERIFY(table.ok());
    const QString csv = QString::fromStdString(comparisonCsv(*table));
    QVERIFY(csv.contains(QStringLiteral("\"lsa, \"\"base\"\"\"")));
    const QList<QStringList> rows = embtune::test::readCsv(csv);
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].size(), 2 + 6 * 2);
    QCOMPARE(rows[0][2], QStringLiteral("nDCG@10"));
    QCOMPARE(rows[0][3], QStringLiteral("nDCG@10 delta"));
    QCOMPARE(rows[1][0], QStringLiteral("lsa, \"base\""));
    QCOMPARE(rows[2][0], QStringLiteral("tuned\nrun"));
    QCOMPARE(rows[1][1], QStringLiteral("1"));
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c) {
            const ComparisonCell &cell = table->cell(size_t(r), size_t(c));
            const QStringList &row = rows[r + 1];
            QCOMPARE(row[2 + 6 * c].toDouble(), std::round(cell.value * 1e4) / 1e4);
            QCOMPARE(row[3 + 6 * c].toDouble(), std::round(cell.delta * 1e4) / 1e4);
            QCOMPARE(row[7 + 6 * c], cell.best ? QStringLiteral("1") : QStringLiteral("0"));
            if (cell.tested)
                QCOMPARE(row[4 + 6 * c].toDouble(), QString::number(cell.significance.pValue, 'g', 6).toDouble());
            else
                QVERIFY(row[4 + 6 * c].isEmpty());
        }
}

void TestComparisonTable::markdownEscaping()
{
    const MetricResults a = results({0, 1}, {0.5, 0.2}, {1, 0});
    const MetricResults b = results({0, 1}, {0.6, 0.4}, {1, 1});
    ComparisonOptions options;
    options.test.permutations = 100;
    options.test.bootstrapResamples = 100;
    auto table = buildComparisonTable({{"a|b_c*", &a}, {"[x]<y>", &b}},
                                      {{Metric::Ndcg, 10}, {Metric::CappedRecall, 10}}, options);
    QVERIFY(table.ok());
    const QString md = QString::fromStdString(comparisonMarkdown(*table));
    QVERIFY2(md.contains(QStringLiteral("| a\\|b\\_c\\* (baseline) |")), qPrintable(md));
    QVERIFY(md.contains(QStringLiteral("\\[x\\]\\<y\\>")));
    QVERIFY(md.contains(QStringLiteral("R\\_cap@10")));
    QVERIFY(md.contains(QStringLiteral("**0.5000** (+0.1500)")));
    const QStringList lines = md.split(QLatin1Char('\n'));
    QCOMPARE(lines[1], QStringLiteral("|---|---:|---:|"));
    // Every table line has the same number of unescaped pipes.
    for (int i = 0; i < 4; ++i) {
        QString line = lines[i];
        line.remove(QStringLiteral("\\|"));
        QCOMPARE(line.count(QLatin1Char('|')), 4);
    }
}

void TestComparisonTable::latexEscaping()
{
    const MetricResults a = results({0, 1}, {0.5, 0.2}, {1, 0});
    const MetricResults b = results({0, 1}, {0.6, 0.4}, {1, 1});
    ComparisonOptions options;
    options.significance = false;
    auto table = buildComparisonTable({{"R&D_50% #1 {x} ~^\\", &a}, {"$b", &b}},
                                      {{Metric::CappedRecall, 10}, {Metric::Ndcg, 10}}, options);
    QVERIFY(table.ok());
    const QString tex = QString::fromStdString(comparisonLatex(*table));
    QVERIFY2(tex.contains(QStringLiteral("R\\&D\\_50\\% \\#1 \\{x\\} \\textasciitilde{}\\textasciicircum{}"
                                         "\\textbackslash{} (baseline)")),
             qPrintable(tex));
    QVERIFY(tex.contains(QStringLiteral("\\$b & ")));
    QVERIFY(tex.contains(QStringLiteral("R\\_cap@10")));
    QVERIFY(tex.contains(QStringLiteral("\\textbf{0.5000} (+0.1500)")));
    QVERIFY(tex.contains(QStringLiteral("\\begin{tabular}{lrr}")));
    QVERIFY(tex.contains(QStringLiteral("\\end{tabular}")));
    QVERIFY(!tex.contains(QStringLiteral("$^{")));
}

void TestComparisonTable::errors()
{
    const MetricResults a = results({0}, {0.5}, {1});
    QCOMPARE(buildComparisonTable({}, kColumns).error().code, ErrorCode::Usage);
    QCOMPARE(buildComparisonTable({{"a", &a}}, {}).error().code, ErrorCode::Usage);
    QCOMPARE(buildComparisonTable({{"a", nullptr}}, kColumns).error().code, ErrorCode::Usage);
    ComparisonOptions options;
    options.baseline = 1;
    QCOMPARE(buildComparisonTable({{"a", &a}}, kColumns, options).error().code, ErrorCode::Usage);
    options.baseline = 0;
    options.decimals = 12;
    QCOMPARE(buildComparisonTable({{"a", &a}}, kColumns, options).error().code, ErrorCode::Usage);
    options.decimals = 4;
    Progress progress([](const ProgressEvent &) { return false; });
    QCOMPARE(buildComparisonTable({{"a", &a}, {"b", &a}}, kColumns, options, &progress).error().code,
             ErrorCode::Cancelled);
}

QTEST_APPLESS_MAIN(TestComparisonTable)
#include "test_comparison_table.moc"
