#include "eval/comparison_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

namespace embtune::engine {

namespace {

// Appends each piece to `out` (no temporaries of "literal" + std::string).
template <typename... Pieces>
void append(std::string &out, const Pieces &...pieces)
{
    (out.append(pieces), ...);
}

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string signedFixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%+.*f", decimals, value);
    return buffer;
}

std::string general(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

std::string csvField(const std::string &text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string markdownText(const std::string &text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '|': case '\\': case '*': case '_': case '`': case '[': case ']': case '<': case '>':
            out += '\\';
            out += c;
            break;
        case '\n': case '\r':
            out += ' ';
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string latexText(const std::string &text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': case '%': case '$': case '#': case '_': case '{': case '}':
            out += '\\';
            out += c;
            break;
        case '~': out += "\\textasciitilde{}"; break;
        case '^': out += "\\textasciicircum{}"; break;
        case '\\': out += "\\textbackslash{}"; break;
        case '\n': case '\r': out += ' '; break;
        default: out += c;
        }
    }
    return out;
}

std::string legend(const ComparisonTable &table, const char *star)
{
    const SignificanceOptions *options = nullptr;
    for (const auto &row : table.cells)
        for (const ComparisonCell &cell : row)
            if (cell.tested && !options)
                options = &cell.significance.options;
    std::string text = "Differences against the baseline ";
    append(text, table.runs[size_t(table.baseline)], ".");
    if (options)
        append(text, " ", star, " p < 0.05, ", star, star,
               " p < 0.01: paired randomisation test over the queries both runs evaluated (",
               std::to_string(options->permutations), " permutations, seed ", std::to_string(options->seed), ").");
    return text;
}

} // namespace

std::string significanceMarker(double pValue)
{
    return pValue < 0.01 ? "**" : pValue < 0.05 ? "*" : "";
}

std::string comparisonColumnTitle(const ComparisonColumn &column)
{
    return std::string(metricName(column.metric)) + "@" + std::to_string(column.k);
}

Result<ComparisonTable> buildComparisonTable(const std::vector<ComparisonRunInput> &runs,
                                             const std::vector<ComparisonColumn> &columns,
                                             const ComparisonOptions &options, Progress *progress)
{
    if (runs.empty())
        return Error::usage("a comparison needs at least one run");
    if (columns.empty())
        return Error::usage("a comparison needs at least one metric column");
    if (options.baseline < 0 || size_t(options.baseline) >= runs.size())
        return Error::usage("baseline run " + std::to_string(options.baseline) + " out of range (" +
                            std::to_string(runs.size()) + " runs)");
    if (options.decimals < 0 || options.decimals > 9)
        return Error::usage("decimals must be in 0..9");
    for (const ComparisonRunInput &run : runs)
        if (!run.results)
            return Error::usage("run \"" + run.name + "\" has no results");

    ComparisonTable table;
    table.columns = columns;
    table.baseline = options.baseline;
    table.decimals = options.decimals;
    table.cells.assign(runs.size(), std::vector<ComparisonCell>(columns.size()));
    for (const ComparisonRunInput &run : runs)
        table.runs.push_back(run.name);

    const MetricResults &base = *runs[size_t(options.baseline)].results;
    std::unordered_map<int32_t, size_t> basePosition;
    for (size_t i = 0; i < base.queries.size(); ++i)
        basePosition.emplace(base.queries[i], i);

    int64_t tested = 0;
    int64_t toTest = 0;
    if (options.significance)
        for (size_t r = 0; r < runs.size(); ++r)
            if (int(r) != options.baseline)
                toTest += int64_t(columns.size());

    for (size_t c = 0; c < columns.size(); ++c) {
        const ComparisonColumn &column = columns[c];
        const bool baseHas = base.has(column.metric, column.k);
        const double baseValue = baseHas ? base.mean(column.metric, column.k) : 0.0;
        for (size_t r = 0; r < runs.size(); ++r) {
            const MetricResults &results = *runs[r].results;
            ComparisonCell &cell = table.cells[r][c];
            if (!results.has(column.metric, column.k))
                continue;
            cell.present = true;
            cell.value = results.mean(column.metric, column.k);
            cell.delta = baseHas ? cell.value - baseValue : 0.0;
            if (!options.significance || int(r) == options.baseline || !baseHas)
                continue;
            std::vector<double> a, b;
            const std::vector<double> &baseValues = base.values(column.metric, column.k);
            const std::vector<double> &runValues = results.values(column.metric, column.k);
            for (size_t i = 0; i < results.queries.size(); ++i)
                if (const auto it = basePosition.find(results.queries[i]); it != basePosition.end()) {
                    a.push_back(baseValues[it->second]);
                    b.push_back(runValues[i]);
                }
            if (progress && !progress->step("significance", tested, toTest))
                return Error::cancelled();
            ++tested;
            if (a.empty())
                continue;
            auto significance = pairedSignificance(a, b, options.test);
            if (!significance)
                return significance.error();
            cell.tested = true;
            cell.significance = *significance;
        }
        if (runs.size() >= 2) {
            // Best at the shown precision: values that print the same tie.
            std::string bestText;
            double bestValue = 0;
            bool any = false;
            for (size_t r = 0; r < runs.size(); ++r)
                if (table.cells[r][c].present && (!any || table.cells[r][c].value > bestValue)) {
                    bestValue = table.cells[r][c].value;
                    any = true;
                }
            if (any) {
                bestText = fixed(bestValue, options.decimals);
                for (size_t r = 0; r < runs.size(); ++r)
                    table.cells[r][c].best =
                        table.cells[r][c].present && fixed(table.cells[r][c].value, options.decimals) == bestText;
            }
        }
    }
    if (progress && !progress->step("significance", toTest, toTest))
        return Error::cancelled();
    return table;
}

std::string comparisonCsv(const ComparisonTable &table)
{
    std::string out = "run,baseline";
    for (const ComparisonColumn &column : table.columns) {
        const std::string title = comparisonColumnTitle(column);
        for (const char *suffix : {"", " delta", " p", " low", " high", " best"})
            append(out, ",", csvField(title + suffix));
    }
    out += "\r\n";
    for (size_t r = 0; r < table.runs.size(); ++r) {
        out += csvField(table.runs[r]);
        out += int(r) == table.baseline ? ",1" : ",0";
        for (size_t c = 0; c < table.columns.size(); ++c) {
            const ComparisonCell &cell = table.cell(r, c);
            if (!cell.present) {
                out += ",,,,,,";
                continue;
            }
            append(out, ",", fixed(cell.value, table.decimals), ",", signedFixed(cell.delta, table.decimals));
            if (cell.tested)
                append(out, ",", general(cell.significance.pValue), ",",
                       signedFixed(cell.significance.intervalLow, table.decimals), ",",
                       signedFixed(cell.significance.intervalHigh, table.decimals));
            else
                out += ",,,";
            out += cell.best ? ",1" : ",0";
        }
        out += "\r\n";
    }
    return out;
}

std::string comparisonMarkdown(const ComparisonTable &table)
{
    std::string out = "| run |";
    std::string rule = "|---|";
    for (const ComparisonColumn &column : table.columns) {
        append(out, " ", markdownText(comparisonColumnTitle(column)), " |");
        rule += "---:|";
    }
    append(out, "\n", rule, "\n");
    for (size_t r = 0; r < table.runs.size(); ++r) {
        append(out, "| ", markdownText(table.runs[r]), int(r) == table.baseline ? " (baseline)" : "", " |");
        for (size_t c = 0; c < table.columns.size(); ++c) {
            const ComparisonCell &cell = table.cell(r, c);
            if (!cell.present) {
                out += " - |";
                continue;
            }
            std::string value = fixed(cell.value, table.decimals);
            if (cell.best)
                value = std::string("**").append(value).append("**");
            if (int(r) != table.baseline)
                append(value, " (", signedFixed(cell.delta, table.decimals), ")");
            if (cell.tested)
                for (char star : significanceMarker(cell.significance.pValue)) {
                    (void)star;
                    value += "\\*";
                }
            append(out, " ", value, " |");
        }
        out += "\n";
    }
    append(out, "\n", markdownText(legend(table, "*")), "\n");
    return out;
}

std::string comparisonLatex(const ComparisonTable &table)
{
    std::string out = "% ";
    append(out, latexText(legend(table, "*")), "\n");
    out += "\\begin{tabular}{l";
    out.append(table.columns.size(), 'r');
    out += "}\n\\toprule\nrun";
    for (const ComparisonColumn &column : table.columns)
        append(out, " & ", latexText(comparisonColumnTitle(column)));
    out += " \\\\\n\\midrule\n";
    for (size_t r = 0; r < table.runs.size(); ++r) {
        out += latexText(table.runs[r]);
        if (int(r) == table.baseline)
            out += " (baseline)";
        for (size_t c = 0; c < table.columns.size(); ++c) {
            const ComparisonCell &cell = table.cell(r, c);
            out += " & ";
            if (!cell.present) {
                out += "--";
                continue;
            }
            const std::string value = fixed(cell.value, table.decimals);
            if (cell.best)
                append(out, "\\textbf{", value, "}");
            else
                out += value;
            if (int(r) != table.baseline)
                append(out, " (", signedFixed(cell.delta, table.decimals), ")");
            if (cell.tested)
                if (const std::string marker = significanceMarker(cell.significance.pValue); !marker.empty())
                    append(out, "$^{", marker, "}$");
        }
        out += " \\\\\n";
    }
    out += "\\bottomrule\n\\end{tabular}\n";
    return out;
}

} // namespace embtune::engine
