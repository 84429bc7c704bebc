// The GUI's workspace, first run and polish, offscreen on fixtures the test writes:
// - a workspace records an evaluation, BM25 and a NUDGE-N training (statuses, method, parameters,
//   per-query metrics, tuned vectors, logs); a new window reopening it finds the same runs with the
//   same values, the same selection, tab and embeddings, and can export the tuned vectors;
// - deleting a run is undoable (Edit > Undo) and a deletion that was not undone is gone on reopen;
// - the embtune binary, started with --workspace and a long training, is SIGKILLed during the run:
//   the workspace opens, the run is interrupted (shown in the Runs tab), the earlier run intact;
// - the welcome page: a .zip with a ../ entry is refused naming the entry, a good .zip (local file
//   or downloaded from the loopback server) is unzipped and opened, a truncated download is caught
//   by its checksum, an unreachable server gives the offline message;
// - settings (runs at once, default search), About versions, dark theme.

#include "main_window.h"
#include "welcome_page.h"
#include "workspace_session.h"

#include "dialogs/about_dialog.h"
#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "metrics_table_model.h"
#include "support/fixtures.h"
#include "support/gui_test_support.h"
#include "support/http_test_server.h"
#include "training_runs_model.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QSettings>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPalette>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QComboBox>
#include <QTabWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <sqlite3.h>
#include <zip.h>

#include <signal.h>

#include <cmath>
#include <memory>
#include <random>

using embtune::gui::MainWindow;
using embtune::gui::WorkspaceSession;
using namespace embtune;
using namespace embtune::test;

namespace {

// A dataset of `docs` documents and `queries` queries (q0..: test judged, then train, then dev)
// with `dim`-d vectors: query i is near document i. Big enough that a long linear training runs
// for seconds; small enough that NUDGE-N finishes in well under a second.
bool writeDataset(const QString &dir, int docs, int queries, int dim)
{
    std::mt19937 random(7);
    std::normal_distribution<float> normal;
    QByteArray corpus, queryLines, test = "query-id\tcorpus-id\tscore\n", train = test, trainIds, devIds;
    std::vector<float> docVectors, queryVectors;
    QByteArray docIds, queryIds;
    for (int d = 0; d < docs; ++d) {
        corpus += "{\"_id\": \"d" + QByteArray::number(d) + "\", \"title\": \"T" + QByteArray::number(d) +
                  "\", \"text\": \"document " + QByteArray::number(d % 17) + " words " + QByteArray::number(d % 5) +
                  "\"}\n";
        docIds += "d" + QByteArray::number(d) + "\n";
        for (int c = 0; c < dim; ++c)
            docVectors.push_back(normal(random));
    }
    for (int q = 0; q < queries; ++q) {
        const QByteArray id = "q" + QByteArray::number(q);
        queryLines += "{\"_id\": \"" + id + "\", \"text\": \"query words " + QByteArray::number(q % 5) + "\"}\n";
        queryIds += id + "\n";
        for (int c = 0; c < dim; ++c)
            queryVectors.push_back(docVectors[size_t(q % docs) * size_t(dim) + size_t(c)] + 1.2f * normal(random));
        const QByteArray judgement = id + "\td" + QByteArray::number(q % docs) + "\t1\n";
        if (q < queries / 3) {
            test += judgement;
        } else {
            train += judgement;
            (q < 2 * queries / 3 ? trainIds : devIds) += id + "\n";
        }
    }
    return writeText(dir + "/corpus.jsonl", corpus) && writeText(dir + "/queries.jsonl", queryLines) &&
           writeText(dir + "/qrels/test.tsv", test) && writeText(dir + "/qrels/train.tsv", train) &&
           writeText(dir + "/splits/train.txt", trainIds) && writeText(dir + "/splits/dev.txt", devIds) &&
           writeMatrix(dir + "/embeddings/vec/corpus.npy", docs, dim, docVectors) &&
           writeText(dir + "/embeddings/vec/corpus_ids.txt", docIds) &&
           writeMatrix(dir + "/embeddings/vec/queries.npy", queries, dim, queryVectors) &&
           writeText(dir + "/embeddings/vec/query_ids.txt", queryIds);
}

// Zips every file under `dir` as "<prefix>/<relative path>", plus extra (name, content) entries.
bool zipFolder(const QString &zipPath, const QString &dir, const QString &prefix,
               const QList<QPair<QString, QByteArray>> &extra = {})
{
    int code = 0;
    zip_t *archive = zip_open(QFile::encodeName(zipPath).constData(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (!archive)
        return false;
    static std::vector<QByteArray> keep; // zip_source_buffer borrows the bytes until zip_close
    keep.clear();
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly))
            return false;
        keep.push_back(in.readAll());
        const QByteArray name = (prefix + QLatin1Char('/') + QDir(dir).relativeFilePath(file)).toUtf8();
        zip_source_t *source = zip_source_buffer(archive, keep.back().constData(), zip_uint64_t(keep.back().size()), 0);
        if (zip_file_add(archive, name.constData(), source, ZIP_FL_ENC_UTF_8) < 0)
            return false;
    }
    for (const auto &[name, content] : extra) {
        keep.push_back(content);
        zip_source_t *source = zip_source_buffer(archive, keep.back().constData(), zip_uint64_t(keep.back().size()), 0);
        if (zip_file_add(archive, name.toUtf8().constData(), source, ZIP_FL_ENC_UTF_8) < 0)
            return false;
    }
    return zip_close(archive) == 0;
}

// One integer from the workspace database through a read-only SQLite connection (works while
// another process holds the workspace); -1 on any problem.
qint64 queryDatabase(const QString &workspace, const char *sql)
{
    sqlite3 *db = nullptr;
    const QByteArray path = QFile::encodeName(workspace + "/workspace.sqlite");
    qint64 value = -1;
    if (sqlite3_open_v2(path.constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 2000);
        sqlite3_stmt *statement = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
            value = sqlite3_column_int64(statement, 0);
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return value;
}

struct RunValues {
    QString label;
    double ndcg10 = 0, recall100 = 0, map10 = 0;
    int queries = 0;
};

QList<RunValues> runValues(const MainWindow &window)
{
    QList<RunValues> out;
    const widgets::MetricsTableModel *model = window.runs()->metricsModel();
    for (int r = 0; r < model->runCount(); ++r)
        out.append({model->runLabel(r), model->value(r, engine::Metric::Ndcg, 10).value_or(-1),
                    model->value(r, engine::Metric::Recall, 100).value_or(-1),
                    model->value(r, engine::Metric::Map, 10).value_or(-1), model->runQueryCount(r)});
    return out;
}

} // namespace

class TestGuiWorkspace : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void recordsAndRestores();
    void undoRunDeletion();
    void saveRunsAndClearUndo();
    void killedDuringTraining();
    void welcomeAndArchives();
    void downloads();
    void settingsAboutTheme();
    void scifactWorkspace();

private:

    QTemporaryDir m_dir;
    QString m_dataset, m_embeddings, m_big, m_settings;
};

void TestGuiWorkspace::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataset = m_dir.filePath(QStringLiteral("small"));
    QVERIFY(writeDataset(m_dataset, 60, 60, 8));
    m_embeddings = m_dataset + QStringLiteral("/embeddings/vec");
    m_big = m_dir.filePath(QStringLiteral("big"));
    QVERIFY(writeDataset(m_big, 3000, 900, 64));
}

void TestGuiWorkspace::init()
{
    m_settings = m_dir.filePath(QStringLiteral("settings-%1.ini").arg(QTest::currentTestFunction()));
    qputenv("EMBTUNE_CACHE_DIR", QFile::encodeName(m_dir.filePath(QStringLiteral("cache"))));
}

void TestGuiWorkspace::cleanup()
{
    closeTopLevel<QMessageBox>();
}

void TestGuiWorkspace::recordsAndRestores()
{
    const QString folder = m_dir.filePath(QStringLiteral("ws-restore"));
    QList<RunValues> before;
    QString selectedLabel, setKey, copyKey, trainedKey;
    {
        auto window = makeWindow(m_settings);
        QVERIFY(window->welcome()->isWelcomeShown());
        QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->newWorkspace(folder); }));
        QCOMPARE(window->workspace()->workspaceFolder(), QDir(folder).absolutePath());
        QVERIFY(window->windowTitle().contains(QDir::toNativeSeparators(QDir(folder).absolutePath())));
        QVERIFY(openAndWait(*window, m_dataset));
        QVERIFY(!window->welcome()->isWelcomeShown());
        QVERIFY(importAndWait(*window, m_embeddings));
        setKey = window->embeddingSets()->currentKey();
        QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
        QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluateBm25(); }));
        // A second imported set, evaluated: it comes back on reopen too.
        const QString copy = m_dir.filePath(QStringLiteral("vec-copy"));
        QDir().mkpath(copy);
        for (const char *name : {"corpus.npy", "corpus_ids.txt", "queries.npy", "query_ids.txt"})
            QVERIFY(QFile::copy(m_embeddings + QLatin1Char('/') + QLatin1String(name), copy + QLatin1Char('/') + QLatin1String(name)));
        QVERIFY(importAndWait(*window, copy));
        copyKey = window->embeddingSets()->currentKey();
        QVERIFY(copyKey != setKey);
        QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
        QVERIFY(window->embeddingSets()->select(setKey));
        embtune::gui::TrainRequest request;
        request.methodId = QStringLiteral("nudge-n");
        QSignalSpy finished(window->training(), &embtune::gui::TrainingController::trainingFinished);
        QVERIFY(runAndWait(*window, &embtune::gui::TrainingController::trainingFinished, [&] { return window->training()->train(request); }));
        trainedKey = finished.first().first().toString();
        before = runValues(*window);
        QCOMPARE(before.size(), 4); // the set (evaluated again beside the training), BM25, the copy, NUDGE-N
        QVERIFY(window->runs()->setCurrentKey(window->runs()->keys().at(1)));
        selectedLabel = before.at(1).label;
        window->showTab(1);
        window->close();
    }

    // What the database holds.
    {
        auto ws = app::Workspace::open(folder.toStdString());
        QVERIFY2(ws, ws ? "" : ws.error().toString().c_str());
        auto runs = ws->runs();
        QVERIFY(runs);
        QCOMPARE(runs->size(), size_t(4));
        QStringList methods;
        for (const app::RunRecord &run : *runs) {
            QCOMPARE(run.status, app::RunStatus::Finished);
            methods << QString::fromStdString(run.methodId);
            QVERIFY(!run.codeVersion.empty());
            QVERIFY(run.finishedAt >= run.createdAt);
            auto values = ws->queryMetrics(run.id, "ndcg@10");
            QVERIFY(values);
            QCOMPARE(values->size(), size_t(20)); // q0..q19 judged in test
            auto log = ws->runLog(run.id);
            QVERIFY(log && !log->empty());
        }
        methods.sort();
        QCOMPARE(methods, (QStringList{QStringLiteral("bm25"), QStringLiteral("none"), QStringLiteral("none"),
                                       QStringLiteral("nudge-n")}));
        const auto trainedRun = std::find_if(runs->begin(), runs->end(),
                                             [](const app::RunRecord &run) { return run.methodId == "nudge-n"; });
        QVERIFY(trainedRun != runs->end());
        const app::RunRecord &trained = *trainedRun;
        QVERIFY2(QString::fromStdString(trained.paramsJson).contains(QStringLiteral("gamma")), trained.paramsJson.c_str());
        QVERIFY(trained.startedAt > 0);
        auto record = ws->run(trained.id);
        QVERIFY(record);
        QStringList roles;
        for (const app::ArtifactRef &artifact : record->artifacts)
            roles << QString::fromStdString(artifact.role);
        QVERIFY2(roles.contains(QStringLiteral("tuned_documents")), qPrintable(roles.join(',')));
        QVERIFY(roles.contains(QStringLiteral("per_query_metrics")));
        auto means = ws->metricMeans(trained.id);
        QVERIFY(means);
        for (const auto &mean : *means)
            if (mean.metric == "ndcg@10")
                QVERIFY(std::abs(mean.mean - before.at(2).ndcg10) < 1e-12);
        auto sets = ws->embeddingSets();
        QVERIFY(sets && sets->size() == 2);
    }

    // A new window reopens it as it was.
    auto window = makeWindow(m_settings);
    QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->openWorkspace(folder); }));
    QCOMPARE(window->datasetContext()->path(), QFileInfo(m_dataset).absoluteFilePath());
    QCOMPARE(window->embeddingSets()->currentKey(), setKey);
    QVERIFY(window->embeddings()->panel()->model()->find(copyKey)); // the other set the runs used
    const QList<RunValues> after = runValues(*window);
    QCOMPARE(after.size(), before.size());
    for (int i = 0; i < after.size(); ++i) {
        QCOMPARE(after[i].label, before[i].label);
        QCOMPARE(after[i].queries, before[i].queries);
        QCOMPARE(after[i].ndcg10, before[i].ndcg10); // bit for bit: per-query values are stored as float64
        QCOMPARE(after[i].recall100, before[i].recall100);
        QCOMPARE(after[i].map10, before[i].map10);
    }
    QCOMPARE(window->runs()->metricsModel()->runLabel(window->runs()->metricsModel()->rowOfRun(window->runs()->keys().at(1))), selectedLabel);
    QCOMPARE(window->findChild<QTabWidget *>(QStringLiteral("leftTabs"))->currentIndex(), 1);
    // The tuned vectors came back: they export.
    const QString trainedRun = window->runs()->keys().at(3);
    const QString out = m_dir.filePath(QStringLiteral("export-tuned"));
    QVERIFY(runAndWait(*window, &embtune::gui::TrainingController::tunedVectorsExported, [&] {
        return window->training()->exportTunedVectors(trainedRun, engine::VectorFormat::Npy, out);
    }));
    QVERIFY(QFileInfo::exists(out + QStringLiteral("/corpus.npy")));
    window->close();
}

void TestGuiWorkspace::undoRunDeletion()
{
    const QString folder = m_dir.filePath(QStringLiteral("ws-undo"));
    auto window = makeWindow(m_settings);
    QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->newWorkspace(folder); }));
    QVERIFY(openAndWait(*window, m_dataset));
    QVERIFY(importAndWait(*window, m_embeddings));
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluateBm25(); }));
    const QList<RunValues> before = runValues(*window);
    QCOMPARE(before.size(), 2);
    const QString bm25 = window->runs()->keys().at(1);

    QVERIFY(window->runs()->setCurrentKey(bm25));
    auto *remove = window->findChild<QAction *>(QStringLiteral("actionRemoveRun"));
    QVERIFY(remove && remove->isEnabled());
    remove->trigger();
    QCOMPARE(window->runs()->keys(), QStringList{window->runs()->keys().value(0)});
    window->workspace()->session()->waitForWrites();
    QCOMPARE(queryDatabase(folder, "SELECT count(*) FROM runs WHERE deleted_at IS NOT NULL AND deleted_at != 0"), 1);

    auto *undo = window->findChild<QAction *>(QStringLiteral("actionUndo"));
    QVERIFY(undo && undo->isEnabled());
    QVERIFY2(undo->text().contains(QStringLiteral("BM25")), qPrintable(undo->text()));
    QCOMPARE(undo->shortcut(), QKeySequence(QKeySequence::Undo));
    undo->trigger();
    const QList<RunValues> restored = runValues(*window);
    QCOMPARE(restored.size(), 2);
    QCOMPARE(restored.at(1).label, before.at(1).label);
    QCOMPARE(restored.at(1).ndcg10, before.at(1).ndcg10);
    window->workspace()->session()->waitForWrites();
    QCOMPARE(queryDatabase(folder, "SELECT count(*) FROM runs WHERE deleted_at IS NOT NULL AND deleted_at != 0"), 0);

    // Redo, then close: the deletion stands.
    window->workspace()->undoStack()->redo();
    QCOMPARE(window->runs()->keys().size(), 1);
    window->close();
    window.reset();
    auto reopened = makeWindow(m_settings);
    QVERIFY(runAndWait(*reopened, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return reopened->workspace()->openWorkspace(folder); }));
    const QList<RunValues> after = runValues(*reopened);
    QCOMPARE(after.size(), 1);
    QCOMPARE(after.at(0).label, before.at(0).label);
    QCOMPARE(after.at(0).ndcg10, before.at(0).ndcg10);
    reopened->close();
}

void TestGuiWorkspace::saveRunsAndClearUndo()
{
    // Without a workspace the runs live in memory; Save Runs to Workspace keeps them.
    const QString folder = m_dir.filePath(QStringLiteral("ws-saved"));
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    QVERIFY(importAndWait(*window, m_embeddings));
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
    QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluateBm25(); }));
    QVERIFY(window->embeddingSets()->select(QStringLiteral("import:") + QFileInfo(m_embeddings).absoluteFilePath()));
    embtune::gui::TrainRequest request;
    request.methodId = QStringLiteral("nudge-n");
    QVERIFY(runAndWait(*window, &embtune::gui::TrainingController::trainingFinished, [&] { return window->training()->train(request); }));
    QVERIFY(window->workspace()->workspaceFolder().isEmpty());
    auto *save = window->findChild<QAction *>(QStringLiteral("actionSaveToWorkspace"));
    QVERIFY(save && save->isEnabled());
    const QList<RunValues> before = runValues(*window);
    QVERIFY(window->workspace()->saveRunsToWorkspace(folder));
    QCOMPARE(window->workspace()->workspaceFolder(), QDir(folder).absolutePath());
    QVERIFY(!save->isEnabled());

    // Clear Runs is one undoable step.
    auto *clear = window->findChild<QAction *>(QStringLiteral("actionClearRuns"));
    QVERIFY(clear && clear->isEnabled());
    clear->trigger();
    QCOMPARE(window->runs()->keys().size(), 0);
    QCOMPARE(window->workspace()->undoStack()->count(), 1);
    window->workspace()->undoStack()->undo();
    QCOMPARE(runValues(*window).size(), 3);
    window->close();
    window.reset();
    {
        auto ws = app::Workspace::open(folder.toStdString());
        QVERIFY(ws);
        auto runs = ws->runs();
        QVERIFY(runs && runs->size() == 3);
        QCOMPARE(QString::fromStdString(runs->at(2).methodId), QStringLiteral("nudge-n"));
        QVERIFY(QString::fromStdString(runs->at(2).paramsJson).contains(QStringLiteral("gamma")));
        QVERIFY(runs->at(2).embeddingSetId != 0);
    }

    auto reopened = makeWindow(m_settings);
    QVERIFY(runAndWait(*reopened, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return reopened->workspace()->openWorkspace(folder); }));
    const QList<RunValues> after = runValues(*reopened);
    QCOMPARE(after.size(), before.size());
    for (int i = 0; i < after.size(); ++i) {
        QCOMPARE(after[i].label, before[i].label);
        QCOMPARE(after[i].ndcg10, before[i].ndcg10);
    }
    reopened->close();
}

void TestGuiWorkspace::killedDuringTraining()
{
    const QString folder = m_dir.filePath(QStringLiteral("ws-kill"));
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("child-config")));
    env.insert(QStringLiteral("EMBTUNE_CACHE_DIR"), m_dir.filePath(QStringLiteral("child-cache")));
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QStringLiteral(EMBTUNE_GUI_PATH),
                {QStringLiteral("--workspace"), folder, QStringLiteral("--dataset"), m_big, QStringLiteral("--embeddings"),
                 m_big + QStringLiteral("/embeddings/vec"), QStringLiteral("--evaluate"), QStringLiteral("--train"),
                 QStringLiteral("linear"), QStringLiteral("--param"), QStringLiteral("epochs=10000")});
    QVERIFY(child.waitForStarted(10000));
    // Wait until the evaluation is finished and the training is recorded as running.
    QElapsedTimer timer;
    timer.start();
    bool running = false;
    while (!running && timer.elapsed() < 60000 && child.state() == QProcess::Running) {
        QTest::qWait(50);
        running = queryDatabase(folder, "SELECT count(*) FROM runs WHERE status = 'running' AND method_id = 'linear'") == 1 &&
                  queryDatabase(folder, "SELECT count(*) FROM runs WHERE status = 'finished'") == 1;
    }
    QVERIFY2(running, child.readAll().constData());
    QTest::qWait(300); // mid-epoch
    QCOMPARE(::kill(pid_t(child.processId()), SIGKILL), 0);
    QVERIFY(child.waitForFinished(10000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    auto window = makeWindow(m_settings);
    QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->openWorkspace(folder); }));
    QCOMPARE(window->workspace()->session()->recoveredRuns().size(), 1);
    // The earlier run is intact and back in the table.
    const QList<RunValues> values = runValues(*window);
    QCOMPARE(values.size(), 1);
    QCOMPARE(values.at(0).queries, 300);
    QVERIFY(values.at(0).ndcg10 > 0);
    // The interrupted run is listed in the Runs tab.
    const widgets::TrainingRunsModel *model = window->context().trainingRuns;
    bool listed = false;
    for (const widgets::TrainingRunRow &row : model->rows()) {
        if (row.message.contains(QStringLiteral("interrupted")) && row.name.startsWith(QStringLiteral("linear")))
            listed = true;
    }
    QVERIFY(listed);
    window->close();
    window.reset();
    auto ws = app::Workspace::open(folder.toStdString());
    QVERIFY(ws);
    auto runs = ws->runs();
    QVERIFY(runs && runs->size() == 2);
    QCOMPARE(runs->at(0).status, app::RunStatus::Finished);
    QCOMPARE(runs->at(1).status, app::RunStatus::Interrupted);
    auto perQuery = ws->queryMetrics(runs->at(0).id, "ndcg@10");
    QVERIFY(perQuery && perQuery->size() == 300);
}

void TestGuiWorkspace::welcomeAndArchives()
{
    auto window = makeWindow(m_settings);
    QVERIFY(window->welcome()->isWelcomeShown());
    QVERIFY(window->welcome()->welcomePage()->isVisible());

    // An archive with a ../ entry is refused, naming the entry; nothing is written outside.
    const QString evilDir = m_dir.filePath(QStringLiteral("evil"));
    QDir().mkpath(evilDir);
    QVERIFY(zipFolder(evilDir + QStringLiteral("/evil.zip"), m_dataset, QStringLiteral("small"),
                      {{QStringLiteral("small/../../escaped.txt"), QByteArray("x")}}));
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(!window->welcome()->openDatasetArchive(evilDir + QStringLiteral("/evil.zip")));
    QCOMPARE(errors.size(), 1);
    const QString message = errors.first().first().toString();
    QVERIFY2(message.contains(QStringLiteral("\"small/../../escaped.txt\"")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("outside the target folder")), qPrintable(message));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("escaped.txt"))));
    QVERIFY(!QFileInfo::exists(evilDir + QStringLiteral("/small")));

    // A good archive is unzipped beside it and opened; the welcome page gives way.
    const QString goodDir = m_dir.filePath(QStringLiteral("good"));
    QDir().mkpath(goodDir);
    QVERIFY(zipFolder(goodDir + QStringLiteral("/small.zip"), m_dataset, QStringLiteral("small")));
    QVERIFY(runAndWait(*window, &embtune::gui::WelcomeController::datasetLoaded,
                       [&] { return window->welcome()->openDatasetArchive(goodDir + QStringLiteral("/small.zip")); }));
    QCOMPARE(window->datasetContext()->path(), goodDir + QStringLiteral("/small"));
    QVERIFY(!window->welcome()->isWelcomeShown());

    // Drops: a .zip is unzipped and opened, a workspace folder opens the workspace.
    const auto drop = [&](const QString &path) { return dropPath(*window, path); };
    const QString droppedDir = m_dir.filePath(QStringLiteral("dropped"));
    QDir().mkpath(droppedDir);
    QVERIFY(zipFolder(droppedDir + QStringLiteral("/other.zip"), m_dataset, QStringLiteral("other")));
    QSignalSpy loaded(window->welcome(), &embtune::gui::WelcomeController::datasetLoaded);
    QVERIFY(drop(droppedDir + QStringLiteral("/other.zip")));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QCOMPARE(window->datasetContext()->path(), droppedDir + QStringLiteral("/other"));
    QTRY_VERIFY(!window->jobs()->isBusy());

    const QString workspace = m_dir.filePath(QStringLiteral("ws-dropped"));
    QVERIFY(window->workspace()->newWorkspace(workspace));
    window->workspace()->closeWorkspace();
    QVERIFY(window->workspace()->workspaceFolder().isEmpty());
    QSignalSpy opened(window->workspace(), &embtune::gui::WorkspaceController::workspaceOpened);
    QVERIFY(drop(workspace));
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
    QCOMPARE(window->workspace()->workspaceFolder(), QDir(workspace).absolutePath());
}

void TestGuiWorkspace::downloads()
{
    const QString zipDir = m_dir.filePath(QStringLiteral("served"));
    QDir().mkpath(zipDir);
    QVERIFY(zipFolder(zipDir + QStringLiteral("/small.zip"), m_dataset, QStringLiteral("small")));
    const QByteArray zip = readAll(zipDir + QStringLiteral("/small.zip"));
    const QByteArray sha = QCryptographicHash::hash(zip, QCryptographicHash::Sha256).toHex();
    test::HttpTestServer server([zip](const test::HttpRequest &request) {
        test::HttpResponse response;
        response.contentType = "application/zip";
        response.body = request.target.startsWith("/cut/") ? zip.left(zip.size() / 2) : zip;
        return response;
    });
    QVERIFY(server.isListening());
    auto window = makeWindow(m_settings);
    auto *status = window->welcome()->welcomePage()->findChild<QLabel *>(QStringLiteral("downloadStatus"));
    QVERIFY(status);

    // Truncated: the checksum catches it; nothing is kept.
    const QString into = m_dir.filePath(QStringLiteral("downloads"));
    QVERIFY(!runAndWait(*window, &embtune::gui::WelcomeController::datasetLoaded, [&] {
        return window->welcome()->downloadDataset(QStringLiteral("small"), into, sha,
                                       server.baseUrl().resolved(QUrl(QStringLiteral("/cut/small.zip"))));
    }, 20000));
    QVERIFY2(status->text().contains(QStringLiteral("checksum mismatch")), qPrintable(status->text()));
    QVERIFY(!QFileInfo::exists(into + QStringLiteral("/small.zip")));

    // Offline: a clear message.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(window->welcome()->downloadDataset(QStringLiteral("small"), into, {},
                                    QUrl(QStringLiteral("http://127.0.0.1:%1/small.zip").arg(port))));
    QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 20000);
    QVERIFY2(errors.first().first().toString().contains(QStringLiteral("offline")),
             qPrintable(errors.first().first().toString()));
    QVERIFY(status->text().contains(QStringLiteral("cannot reach")));

    // Whole: checked, unzipped and opened.
    QSignalSpy downloaded(window->welcome(), &embtune::gui::WelcomeController::datasetDownloaded);
    QVERIFY(runAndWait(*window, &embtune::gui::WelcomeController::datasetLoaded, [&] {
        return window->welcome()->downloadDataset(QStringLiteral("small"), into, sha,
                                       server.baseUrl().resolved(QUrl(QStringLiteral("/small.zip"))));
    }));
    QCOMPARE(downloaded.size(), 1);
    QCOMPARE(window->datasetContext()->path(), QDir(into).absoluteFilePath(QStringLiteral("small")));
    QVERIFY2(status->text().contains(QString::fromLatin1(sha)), qPrintable(status->text()));
    QVERIFY(!window->welcome()->downloadDataset(QStringLiteral("../x"), into)); // not a dataset name
}

void TestGuiWorkspace::settingsAboutTheme()
{
    auto window = makeWindow(m_settings);
    window->appearance()->showSettingsDialog();
    auto *dialog = window->findChild<QDialog *>(QStringLiteral("settingsDialog"));
    QVERIFY(dialog);
    dialog->findChild<QSpinBox *>(QStringLiteral("settingsConcurrentRuns"))->setValue(2);
    dialog->findChild<QComboBox *>(QStringLiteral("settingsSearch"))->setCurrentIndex(1);
    dialog->accept();
    QCOMPARE(window->training()->maxConcurrentRuns(), 2);
    QVERIFY(window->evaluation()->searchSettings().hnsw);
    QSettings settings(m_settings, QSettings::IniFormat);
    QCOMPARE(settings.value(QStringLiteral("runs/maxConcurrent")).toInt(), 2);
    QCOMPARE(settings.value(QStringLiteral("search/backend")).toString(), QStringLiteral("hnsw"));

    QStringList names;
    for (const auto &[name, version] : embtune::gui::AboutDialog::versions()) {
        names << name;
        QVERIFY2(!version.isEmpty(), qPrintable(name));
    }
    QCOMPARE(names, (QStringList{"embtune", "Qt", "Eigen", "hnswlib", "simdjson", "SQLite", "libzip"}));

    window->appearance()->setTheme(QStringLiteral("dark"));
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
    QVERIFY(window->findChild<QAction *>(QStringLiteral("actionTheme_dark"))->isChecked());
    window->appearance()->setTheme(QStringLiteral("light"));
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 150);
    window->appearance()->setTheme(QStringLiteral("system"));
}


// SciFact lsa256 in a workspace: the baseline and NUDGE-N are recorded, `embtune-cli runs --json`
// reads the same means from it, and a new window restores them bit for bit.
void TestGuiWorkspace::scifactWorkspace()
{
    const QString scifact = test::sharedScifact();
    if (scifact.isEmpty())
        QSKIP("../shared/datasets/scifact is absent (set EMBTUNE_SHARED_DIR)");
    const QString folder = m_dir.filePath(QStringLiteral("ws-scifact"));
    QList<RunValues> before;
    {
        auto window = makeWindow(m_settings);
        QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->newWorkspace(folder); }));
        QVERIFY(openAndWait(*window, scifact));
        QVERIFY(importAndWait(*window, scifact + QStringLiteral("/embeddings/lsa256")));
        QVERIFY(runAndWait(*window, &embtune::gui::EvaluationController::evaluationFinished, [&] { return window->evaluation()->evaluate(); }));
        embtune::gui::TrainRequest request;
        request.methodId = QStringLiteral("nudge-n");
        QVERIFY(runAndWait(*window, &embtune::gui::TrainingController::trainingFinished, [&] { return window->training()->train(request); }, 120000));
        before = runValues(*window);
        QCOMPARE(before.size(), 2);
        QCOMPARE(before.at(0).queries, 300);
        qInfo("SciFact lsa256 nDCG@10 %.5f, + NUDGE-N %.5f", before.at(0).ndcg10, before.at(1).ndcg10);
        QVERIFY(before.at(1).ndcg10 > before.at(0).ndcg10);
        window->close();
    }

    QProcess cli;
    cli.start(QStringLiteral(EMBTUNE_CLI_PATH),
              {QStringLiteral("runs"), QStringLiteral("--workspace"), folder, QStringLiteral("--json"), QStringLiteral("-")});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
    const QJsonArray runs = QJsonDocument::fromJson(cli.readAllStandardOutput()).object().value(QStringLiteral("runs")).toArray();
    QCOMPARE(runs.size(), 2);
    QStringList methods;
    for (int i = 0; i < runs.size(); ++i) {
        const QJsonObject run = runs.at(i).toObject();
        methods << run.value(QStringLiteral("method")).toString();
        QCOMPARE(run.value(QStringLiteral("status")).toString(), QStringLiteral("finished"));
        QCOMPARE(run.value(QStringLiteral("queries")).toInt(), 300);
    }
    methods.sort();
    QCOMPARE(methods, (QStringList{QStringLiteral("none"), QStringLiteral("nudge-n")}));
    for (const QJsonValue &value : runs) {
        const QJsonObject run = value.toObject();
        const RunValues &row = run.value(QStringLiteral("method")).toString() == QStringLiteral("none") ? before.at(0)
                                                                                                         : before.at(1);
        const QJsonObject metrics = run.value(QStringLiteral("metrics")).toObject();
        QVERIFY(std::abs(metrics.value(QStringLiteral("ndcg@10")).toDouble() - row.ndcg10) < 1e-9);
        QVERIFY(std::abs(metrics.value(QStringLiteral("recall@100")).toDouble() - row.recall100) < 1e-9);
    }

    auto window = makeWindow(m_settings);
    QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->openWorkspace(folder); }, 120000));
    const QList<RunValues> after = runValues(*window);
    QCOMPARE(after.size(), before.size());
    for (int i = 0; i < after.size(); ++i) {
        QCOMPARE(after[i].label, before[i].label);
        QCOMPARE(after[i].ndcg10, before[i].ndcg10);
        QCOMPARE(after[i].recall100, before[i].recall100);
    }
    window->close();
}

QTEST_MAIN(TestGuiWorkspace)
#include "test_gui_workspace.moc"
