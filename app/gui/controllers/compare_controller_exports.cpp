// CompareController: the exports of a comparison (CSV, Markdown, LaTeX, PNG, SVG, report), of a
// run's TREC run file and of a trained run's adapter. Files are written by side jobs on workerPool().

#include "gui_actions.h"
#include "controllers/compare_controller.h"

#include "dataset_context.h"
#include "feedback.h"
#include "gui_text.h"
#include "io/npy.h"
#include "io/trec_run.h"
#include "job_runner.h"
#include "methods/adapter_export.h"
#include "methods/method.h"
#include "metrics_chart_view.h"
#include "metrics_table_model.h"
#include "run_store.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

namespace embtune::gui {

namespace {


// "lsa256_+_NUDGE-N": a TREC run tag (no white space).
std::string trecTag(const QString &name)
{
    QString tag = name.simplified();
    tag.replace(QLatin1Char(' '), QLatin1Char('_'));
    return tag.isEmpty() ? std::string("embtune") : tag.toStdString();
}

} // namespace

QString CompareController::exportParent() const
{
    return m_ctx.settings->value(kExportFolderSetting, QDir::home().filePath(QStringLiteral("embtune-exports"))).toString();
}

void CompareController::rememberExportFolder(const QString &folder)
{
    if (m_ctx.options.saveSettings)
        m_ctx.settings->setValue(kExportFolderSetting, folder);
}

void CompareController::chooseComparisonExport(widgets::CompareView::Export kind)
{
    using Export = widgets::CompareView::Export;
    if (m_ctx.runs->metricsModel()->isEmpty()) {
        m_ctx.feedback->showError(tr("Cannot export the comparison"), tr("Evaluate or train a run first."));
        return;
    }
    const QString parent = exportParent();
    struct Choice {
        Export kind;
        QString title, name, filter;
    };
    const Choice choices[] = {
        {Export::Csv, tr("Export Table as CSV"), QStringLiteral("comparison.csv"), tr("CSV (*.csv)")},
        {Export::Markdown, tr("Export Table as Markdown"), QStringLiteral("comparison.md"), tr("Markdown (*.md)")},
        {Export::Latex, tr("Export Table as LaTeX"), QStringLiteral("comparison.tex"), tr("LaTeX (*.tex)")},
        {Export::ChartPng, tr("Export Chart as PNG"), QStringLiteral("curves.png"), tr("PNG image (*.png)")},
        {Export::ChartSvg, tr("Export Chart as SVG"), QStringLiteral("curves.svg"), tr("SVG image (*.svg)")},
    };
    QString path;
    if (kind == Export::Report)
        path = QFileDialog::getExistingDirectory(m_ctx.window, tr("Export Report into Folder"), parent);
    for (const Choice &choice : choices)
        if (choice.kind == kind)
            path = QFileDialog::getSaveFileName(m_ctx.window, choice.title, QDir(parent).filePath(choice.name),
                                                choice.filter + tr(";;All files (*)"));
    if (!path.isEmpty())
        exportComparison(kind, path);
}

bool CompareController::exportComparison(widgets::CompareView::Export kind, const QString &path)
{
    using Export = widgets::CompareView::Export;
    const QString title = tr("Cannot export the comparison");
    widgets::MetricsTableModel *model = m_ctx.runs->metricsModel();
    widgets::MetricsChartView *shownChart = m_compareView->chart();
    if (model->isEmpty()) {
        m_ctx.feedback->showError(title, tr("Evaluate or train a run first."));
        return false;
    }
    if (path.trimmed().isEmpty()) {
        m_ctx.feedback->showError(title, tr("Choose a file name."));
        return false;
    }
    const QFileInfo target(path);
    const QString folder = kind == Export::Report ? target.absoluteFilePath() : target.absolutePath();
    if (!QDir().mkpath(folder)) {
        m_ctx.feedback->showError(title, tr("%1: cannot create the folder").arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    if (kind == Export::ChartPng || kind == Export::ChartSvg) {
        const QString file = target.absoluteFilePath();
        const bool ok = kind == Export::ChartPng ? shownChart->saveImage(file) : shownChart->saveSvg(file);
        if (!ok) {
            m_ctx.feedback->showError(title, tr("%1: cannot write the chart").arg(QDir::toNativeSeparators(file)));
            return false;
        }
        rememberExportFolder(folder);
        m_ctx.feedback->showStatus(tr("Saved the chart to %1").arg(QDir::toNativeSeparators(file)));
        emit comparisonExported(file);
        return true;
    }

    // The runs as shown (filter and sort), with the baseline even when filtered out.
    ComparisonInput input;
    QStringList keys = m_compareView->visibleRunKeys();
    const QString baselineKey = model->baselineKey();
    if (!keys.contains(baselineKey))
        keys.prepend(baselineKey);
    QStringList descriptions;
    for (const QString &key : keys) {
        const RunRecord *run = m_ctx.runs->find(key);
        if (!run || !run->report)
            continue;
        if (key == baselineKey)
            input.baseline = int(input.keys.size());
        input.keys << key;
        input.names.push_back(model->runLabel(model->rowOfRun(key)).toStdString());
        input.reports.push_back(run->report);
        descriptions << run->description;
    }
    for (const widgets::MetricsTableModel::Column &column : model->columns())
        input.columns.push_back({column.metric, column.k});

    const auto dataset = m_ctx.dataset->dataset();
    QString file = target.absoluteFilePath();
    QString extra; // the report's charts and run descriptions
    if (kind == Export::Report) {
        // Charts drawn on this thread (widgets), written before the text.
        widgets::MetricsChartView chart;
        chart.setModel(model);
        chart.setVisibleRuns(keys);
        chart.setTitle(shownChart->chart()->title().section(QStringLiteral(" ("), 0, 0));
        chart.resize(960, 560);
        chart.setLogK(shownChart->logK());
        const struct {
            engine::Metric metric;
            const char *file;
        } charts[] = {{engine::Metric::Ndcg, "ndcg_at_k.png"}, {engine::Metric::Recall, "recall_at_k.png"}};
        for (const auto &item : charts) {
            chart.setMetric(item.metric);
            const QString image = QDir(folder).filePath(QString::fromLatin1(item.file));
            if (!chart.saveImage(image)) {
                m_ctx.feedback->showError(title,
                                          tr("%1: cannot write the chart").arg(QDir::toNativeSeparators(image)));
                return false;
            }
            extra += QStringLiteral("\n![%1@k](%2)\n").arg(QString::fromLatin1(engine::metricName(item.metric)),
                                                             QString::fromLatin1(item.file));
        }
        extra += tr("\n## Runs\n");
        for (int i = 0; i < input.keys.size(); ++i)
            extra += QStringLiteral("\n### %1\n\n```\n%2\n```\n\nTREC run (top 100): [%3](%3)\n")
                         .arg(fromStd(input.names[size_t(i)]), descriptions[i],
                              fromStd(trecTag(fromStd(input.names[size_t(i)]))) + QStringLiteral(".trec"));
        file = QDir(folder).filePath(QStringLiteral("report.md"));
    }
    QString heading;
    if (kind == Export::Report && dataset)
        heading = tr("# Comparison on %1, split %2\n\n")
                      .arg(fromStd(dataset->name), fromStd(input.reports[size_t(input.baseline)]->split));

    const auto write = [input = std::move(input), kind, file, folder, heading, extra, dataset]() -> QString {
        auto table = buildComparison(input, true);
        if (!table)
            return fromStd(table.error().toString());
        if (kind == Export::Report && dataset)
            // The report's runs as TREC run files beside it.
            for (size_t i = 0; i < input.reports.size(); ++i) {
                const std::string tag = trecTag(fromStd(input.names[i]));
                const engine::Status run = engine::writeTrecRun(localPath(QDir(folder).filePath(fromStd(tag) + ".trec")),
                                                                input.reports[i]->ranking, *dataset, tag, 100);
                if (!run)
                    return fromStd(run.error().toString());
            }
        std::string text;
        switch (kind) {
        case Export::Csv:
            text = engine::comparisonCsv(*table);
            break;
        case Export::Latex:
            text = engine::comparisonLatex(*table);
            break;
        case Export::Markdown:
            text = engine::comparisonMarkdown(*table);
            break;
        case Export::Report:
            text = heading.toStdString() + engine::comparisonMarkdown(*table) + extra.toStdString();
            break;
        case Export::ChartPng:
        case Export::ChartSvg:
            break;
        }
        const engine::Status written = engine::writeFileAtomically(localPath(file), text);
        return written ? QString() : fromStd(written.error().toString());
    };
    watchWrite(QtConcurrent::run(workerPool(), write), tr("Cannot export the comparison"), folder,
               tr("Exported the comparison to %1").arg(QDir::toNativeSeparators(file)),
               [this, file] { emit comparisonExported(file); });
    return true;
}

void CompareController::chooseExportTrecRun()
{
    const QString runKey = m_ctx.runs->currentKey();
    const RunRecord *run = m_ctx.runs->find(runKey);
    if (!run) {
        m_ctx.feedback->showError(tr("Cannot export the TREC run"), tr("Select a run in the table."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        m_ctx.window, tr("Export TREC Run File"),
        QDir(exportParent()).filePath(fromStd(trecTag(run->name)) + QStringLiteral(".trec")),
        tr("TREC run (*.trec *.run *.txt);;All files (*)"));
    if (!path.isEmpty())
        exportTrecRun(runKey, path);
}

bool CompareController::exportTrecRun(const QString &runKey, const QString &path, int depth)
{
    const QString title = tr("Cannot export the TREC run");
    const RunRecord *run = m_ctx.runs->find(runKey);
    const auto dataset = m_ctx.dataset->dataset();
    if (!run || !run->report || !dataset) {
        m_ctx.feedback->showError(title, tr("No run \"%1\".").arg(runKey));
        return false;
    }
    if (path.trimmed().isEmpty() || depth < 1) {
        m_ctx.feedback->showError(title, tr("Choose a file name and a depth of at least 1."));
        return false;
    }
    const QString file = preparedOutputFile(*m_ctx.feedback, title, path);
    if (file.isEmpty())
        return false;
    auto future = QtConcurrent::run(
        workerPool(), [report = run->report, dataset, tag = trecTag(run->name), file, depth]() -> QString {
            const engine::Status written = engine::writeTrecRun(localPath(file), report->ranking, *dataset, tag, depth);
            return written ? QString() : fromStd(written.error().toString());
        });
    watchWrite(future, title, QFileInfo(file).absolutePath(), tr("Wrote the TREC run %1").arg(QDir::toNativeSeparators(file)),
               [this, file] { emit trecRunExported(file); });
    return true;
}

void CompareController::chooseExportAdapter()
{
    const QString runKey = m_ctx.runs->currentKey();
    const RunRecord *run = m_ctx.runs->find(runKey);
    if (!run || !run->model) {
        m_ctx.feedback->showError(tr("Cannot export the adapter"), tr("Select a trained run in the table."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        m_ctx.window, tr("Export Adapter"),
        QDir(exportParent()).filePath(fromStd(trecTag(run->name)) + QStringLiteral(".safetensors")),
        tr("safetensors (*.safetensors);;All files (*)"));
    if (!path.isEmpty())
        exportAdapter(runKey, path);
}

bool CompareController::exportAdapter(const QString &runKey, const QString &path)
{
    const QString title = tr("Cannot export the adapter");
    const RunRecord *run = m_ctx.runs->find(runKey);
    if (!run || !run->model || !run->base) {
        m_ctx.feedback->showError(title, tr("No trained run \"%1\".").arg(runKey));
        return false;
    }
    const engine::Method *method = engine::findMethod(run->methodId.toStdString());
    if (!method) {
        m_ctx.feedback->showError(title, tr("Unknown method \"%1\".").arg(run->methodId));
        return false;
    }
    auto params = engine::ParamValues::parse(method->spec(), run->params);
    if (!params) {
        m_ctx.feedback->showError(title, fromStd(params.error().toString()));
        return false;
    }
    if (path.trimmed().isEmpty()) {
        m_ctx.feedback->showError(title, tr("%1: cannot create the folder")
                                             .arg(QDir::toNativeSeparators(QFileInfo(path).absolutePath())));
        return false;
    }
    const QString file = preparedOutputFile(*m_ctx.feedback, title, path);
    if (file.isEmpty())
        return false;
    auto future = QtConcurrent::run(workerPool(), [model = run->model, base = run->base,
                                                   methodId = run->methodId.toStdString(),
                                                   params = std::move(*params), file]() -> QString {
        const engine::Status written = engine::writeAdapterSafetensors(localPath(file), *model, methodId, params, *base);
        return written ? QString() : fromStd(written.error().toString());
    });
    watchWrite(future, title, QFileInfo(file).absolutePath(), tr("Wrote the adapter %1").arg(QDir::toNativeSeparators(file)),
               [this, file] { emit adapterExported(file); });
    return true;
}

void CompareController::watchWrite(QFuture<QString> write, const QString &title, const QString &folder,
                                   const QString &status, const std::function<void()> &done)
{
    m_ctx.jobs->watchSide(write, [this, title, folder, status, done](const QString &error) {
        if (!error.isEmpty()) {
            m_ctx.feedback->showError(title, error);
            return;
        }
        rememberExportFolder(folder);
        m_ctx.feedback->showStatus(status);
        done();
    });
}

} // namespace embtune::gui
