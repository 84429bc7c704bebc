// embtune: the desktop workbench. See README "GUI" and `embtune --help`.

#include "command_line_run.h"
#include "feedback.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

#ifndef EMBTUNE_VERSION
#define EMBTUNE_VERSION "dev"
#endif

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("embtune"));
    QApplication::setApplicationName(QStringLiteral("embtune"));
    QApplication::setApplicationVersion(QStringLiteral(EMBTUNE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Workbench for tuning text embeddings for retrieval."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption datasetOption(QStringLiteral("dataset"),
                                           QStringLiteral("Open the BEIR dataset folder <dir>."), QStringLiteral("dir"));
    const QCommandLineOption embeddingsOption(
        QStringLiteral("embeddings"),
        QStringLiteral("Import embeddings from <dir> in any format (corpus.npy + corpus_ids.txt, corpus.safetensors, "
                       "corpus.fvecs + corpus_ids.txt or corpus_embeddings.jsonl, and the queries' file)."),
        QStringLiteral("dir"));
    const QCommandLineOption computeLsaOption(
        QStringLiteral("compute-lsa"),
        QStringLiteral("Compute LSA embeddings of dimension <dims> (or load them from the embedding cache) and select "
                       "them; repeat or separate dimensions with commas."),
        QStringLiteral("dims"));
    const QCommandLineOption evaluateOption(QStringLiteral("evaluate"),
                                            QStringLiteral("Evaluate the selected embeddings once they are loaded."));
    const QCommandLineOption searchOption(
        QStringLiteral("search"),
        QStringLiteral("Search with <backends> for --evaluate, each in turn: exact and/or hnsw (an HNSW index with the "
                       "saved or default parameters M 16, ef_construction 200, ef 100; ANN recall against exact "
                       "search is shown), e.g. exact,hnsw."),
        QStringLiteral("backends"));
    const QCommandLineOption bm25Option(QStringLiteral("bm25"),
                                        QStringLiteral("Evaluate the BM25 baseline (k1 0.9, b 0.4)."));
    const QCommandLineOption trainOption(
        QStringLiteral("train"),
        QStringLiteral("Train <method> (e.g. nudge-n, nudge-m; repeat or separate with commas) on the selected "
                       "embeddings with default parameters and the dataset's splits/train.txt and splits/dev.txt, "
                       "and compare it with the baseline."),
        QStringLiteral("method"));
    const QCommandLineOption workspaceOption(
        QStringLiteral("workspace"),
        QStringLiteral("Open the workspace <dir> first (created when absent or empty): its dataset, runs and view are "
                       "restored, and every run is recorded in it."),
        QStringLiteral("dir"));
    const QCommandLineOption paramOption(
        QStringLiteral("param"),
        QStringLiteral("Parameter name=value of the --train methods (repeat for several), e.g. epochs=20."),
        QStringLiteral("name=value"));
    const QCommandLineOption splitOption(QStringLiteral("split"),
                                         QStringLiteral("Split to evaluate and train for (default: test)."),
                                         QStringLiteral("name"));
    const QCommandLineOption fuseOption(QStringLiteral("fuse"),
                                        QStringLiteral("Fuse the first and the last run (e.g. of --bm25 and --train): convex "
                                                       "combination of z-scores, weights chosen on splits/dev.txt."));
    const QCommandLineOption viewOption(QStringLiteral("view"),
                                        QStringLiteral("Show the <tab>: dataset, embeddings or runs on the left; compare (the compare "
                                                       "view with its significance markers) or explorer (the query "
                                                       "explorer: baseline against the last run, largest gain "
                                                       "first) on the right; fuse: the Fuse Runs dialog on the first "
                                                       "and the last run with its dev curve (the screenshot's subject)."),
                                        QStringLiteral("tab"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("After the requested steps, save an image of the window to <file> and quit "
                       "(exit code 0, or 1 when a step failed)."),
        QStringLiteral("file"));
    const QCommandLineOption noRestoreOption(QStringLiteral("no-restore"),
                                             QStringLiteral("Do not reopen the last dataset and embeddings."));
    parser.addOptions({datasetOption, embeddingsOption, computeLsaOption, evaluateOption, searchOption, bm25Option,
                       trainOption, fuseOption, splitOption, viewOption, screenshotOption, noRestoreOption});
    parser.addOptions({workspaceOption, paramOption});
    const QCommandLineOption analysisOption(
        QStringLiteral("analysis"),
        QStringLiteral("After the other steps, open the analysis view of the last run (Ctrl+4) and wait for it."));
    parser.addOption(analysisOption);
    parser.process(app);

    embtune::gui::CommandLineRequest request;
    request.dataset = parser.value(datasetOption);
    request.embeddings = parser.value(embeddingsOption);
    request.evaluate = parser.isSet(evaluateOption);
    for (const QString &value : parser.values(searchOption))
        for (const QString &backend : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
            request.search << backend.trimmed();
    request.bm25 = parser.isSet(bm25Option);
    request.fuse = parser.isSet(fuseOption);
    for (const QString &value : parser.values(trainOption))
        for (const QString &method : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
            request.train << method.trimmed();
    for (const QString &value : parser.values(computeLsaOption))
        for (const QString &dim : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            request.computeLsaDims << dim.trimmed().toInt(&ok);
            if (!ok || request.computeLsaDims.last() <= 0) {
                std::fprintf(stderr, "embtune: --compute-lsa takes positive dimensions, e.g. 64,256\n");
                return 2;
            }
        }
    request.view = parser.value(viewOption);
    request.workspace = parser.value(workspaceOption);
    request.params = parser.values(paramOption);
    request.split = parser.value(splitOption);
    request.screenshot = parser.value(screenshotOption);
    request.analysis = parser.isSet(analysisOption);
    if (const QString problem = request.validate(); !problem.isEmpty()) {
        std::fprintf(stderr, "embtune: %s\n", qPrintable(problem));
        return 2;
    }
    const bool screenshot = !request.screenshot.isEmpty();

    embtune::gui::MainWindow::Options options;
    options.restoreSession =
        !parser.isSet(noRestoreOption) && request.dataset.isEmpty() && request.workspace.isEmpty() && !screenshot;
    // A scripted screenshot is reproducible: fixed size, no restored or saved state.
    options.restoreWindow = !screenshot;
    options.saveSettings = !screenshot;
    embtune::gui::MainWindow window(options);
    if (screenshot) {
        window.feedback()->setErrorDialogsEnabled(false);
        window.resize(1400, 900);
    }
    window.show();

    if (request.hasSteps()) {
        auto *run = new embtune::gui::CommandLineRun(&window, request, &window);
        QObject::connect(run, &embtune::gui::CommandLineRun::finished, &app,
                         [screenshot](int exitCode, const QString &message) {
                             if (exitCode != 0)
                                 std::fprintf(stderr, "embtune: error: %s\n", qPrintable(message));
                             else if (!message.isEmpty())
                                 std::fprintf(stderr, "embtune: %s\n", qPrintable(message));
                             if (screenshot)
                                 QCoreApplication::exit(exitCode);
                         });
        QTimer::singleShot(0, run, &embtune::gui::CommandLineRun::start);
    }
    return app.exec();
}
