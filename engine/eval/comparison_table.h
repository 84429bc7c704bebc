#pragma once
// A runs x metrics comparison: each run's mean of each (metric, k), its difference to a chosen
// baseline run, the best run of each column, and the significance of each run against the
// baseline (paired randomisation test and bootstrap interval, eval/significance.h) on the
// per-query values of the queries both runs evaluated. Exported as CSV, Markdown and LaTeX
// text. Pure data: the GUI's compare view and the report export use the same table.

#include "core/error.h"
#include "core/progress.h"
#include "eval/metrics.h"
#include "eval/significance.h"

#include <string>
#include <vector>

namespace embtune::engine {

struct ComparisonColumn {
    Metric metric = Metric::Ndcg;
    int k = 10;
};

// One run: a name and its evaluation. `results` is borrowed for the call only.
struct ComparisonRunInput {
    std::string name;
    const MetricResults *results = nullptr;
};

struct ComparisonOptions {
    int baseline = 0;            // index into the runs
    bool significance = true;    // test each run against the baseline
    SignificanceOptions test;    // permutations (10,000), bootstrap resamples, confidence, seed
    int decimals = 4;            // digits of values in the exports; values equal at this precision tie for best
};

struct ComparisonCell {
    bool present = false;        // the run has this (metric, k)
    double value = 0;            // mean over the run's queries
    double delta = 0;            // value - the baseline's value (0 in the baseline row)
    bool best = false;           // the largest value of the column at `decimals` (ties all best); needs >= 2 runs
    bool tested = false;         // significance holds a result (not the baseline row, shared queries > 0)
    SignificanceResult significance; // A = baseline, B = this run, over the queries both evaluated
};

struct ComparisonTable {
    std::vector<std::string> runs;
    std::vector<ComparisonColumn> columns;
    int baseline = 0;
    int decimals = 4;
    std::vector<std::vector<ComparisonCell>> cells; // [run][column]

    const ComparisonCell &cell(size_t run, size_t column) const { return cells[run][column]; }
};

// Errors (Usage): no runs, no columns, a null `results`, baseline out of range, decimals not in
// 0..9, significance options the test refuses. Cancelled when `progress` asks to stop (it is
// stepped once per tested cell, phase "significance").
Result<ComparisonTable> buildComparisonTable(const std::vector<ComparisonRunInput> &runs,
                                             const std::vector<ComparisonColumn> &columns,
                                             const ComparisonOptions &options = {}, Progress *progress = nullptr);

// "**" when p < 0.01, "*" when p < 0.05, else "".
std::string significanceMarker(double pValue);
// "nDCG@10".
std::string comparisonColumnTitle(const ComparisonColumn &column);

// CSV (RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled), one row
// per run: run, baseline (1 for the baseline row), then per column: value, delta, p-value,
// interval low, interval high (empty where absent or untested), best (1/0). Numbers use
// `decimals` digits for values and deltas, 6 significant digits for p-values.
std::string comparisonCsv(const ComparisonTable &table);
// A Markdown table: run names with |, \, *, _, `, [, ], <, > escaped; each cell
// "value (+delta)" with the significance marker as \* characters, the best value in **bold**;
// the baseline row is marked "(baseline)"; a legend line follows the table.
std::string comparisonMarkdown(const ComparisonTable &table);
// A LaTeX tabular (booktabs rules): the ten special characters escaped in names and titles,
// best values in \textbf{}, markers as superscripts, deltas in parentheses; a legend comment.
std::string comparisonLatex(const ComparisonTable &table);

} // namespace embtune::engine
