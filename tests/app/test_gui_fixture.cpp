// The main window on tiny fixtures written by the test (no ../shared needed): a 4-document BEIR
// folder with hand-computed metrics, a malformed corpus reported as an error, the command-line
// runner (steps + screenshot), folder drops and session restore.

#include "command_line_run.h"
#include "main_window.h"

#include "core/matrix.h"
#include "io/npy.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>

#include <cmath>

using embtune::gui::MainWindow;
namespace engine = embtune::engine;

namespace {

constexpr int kTimeoutMs = 60000;

bool writeText(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

bool writeMatrix(const QString &path, int rows, int cols, std::vector<float> values)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const engine::FloatMatrix matrix(rows, cols, std::move(values));
    return engine::writeNpyMatrix(QFile::encodeName(path).toStdString(), matrix.map()).ok();
}

bool writeIds(const QString &path, const std::vector<std::string> &ids)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    return engine::writeIdList(QFile::encodeName(path).toStdString(), ids).ok();
}

// BEIR folder: documents d1..d4, queries q1 (relevant d1, d3) and q2 (relevant d2, gain 2).
bool writeTinyDataset(const QString &dir)
{
    return writeText(dir + "/corpus.jsonl",
                     "{\"_id\": \"d1\", \"title\": \"Alpha\", \"text\": \"first document\"}\n"
                     "{\"_id\": \"d2\", \"title\": \"Beta\", \"text\": \"second document\"}\n"
                     "{\"_id\": \"d3\", \"title\": \"Gamma\", \"text\": \"third document\"}\n"
                     "{\"_id\": \"d4\", \"title\": \"Delta\", \"text\": \"fourth document\"}\n") &&
           writeText(dir + "/queries.jsonl",
                     "{\"_id\": \"q1\", \"text\": \"alpha or gamma\"}\n"
                     "{\"_id\": \"q2\", \"text\": \"beta please\"}\n") &&
           writeText(dir + "/qrels/test.tsv",
                     "query-id\tcorpus-id\tscore\n"
                     "q1\td1\t1\n"
                     "q1\td3\t1\n"
                     "q2\td2\t2\n");
}

// Cosine rankings: q1 -> d4 (0.949), d1 (0.894), d2 (0.447), d3 (0);
//                  q2 -> d2 (1), d4 (0.707), then d3 and d1 tied at 0: id descending, d3 first.
// Vectors are written in an order different from the dataset's to check matching by id.
bool writeTinyEmbeddings(const QString &dir)
{
    return writeMatrix(dir + "/corpus.npy", 4, 3, {0, 0, 1, /*d3*/ 1, 0, 0, /*d1*/ 1, 1, 0, /*d4*/ 0, 1, 0 /*d2*/}) &&
           writeIds(dir + "/corpus_ids.txt", {"d3", "d1", "d4", "d2"}) &&
           writeMatrix(dir + "/queries.npy", 2, 3, {0, 1, 0, /*q2*/ 1, 0.5f, 0 /*q1*/}) &&
           writeIds(dir + "/query_ids.txt", {"q2", "q1"});
}

// nDCG@10 by hand: q1 has relevant documents at ranks 2 and 4, ideal ranks 1 and 2; q2 is perfect.
double expectedNdcg10()
{
    const double dcg = 1 / std::log2(3.0) + 1 / std::log2(5.0);
    const double ideal = 1 + 1 / std::log2(3.0);
    return (dcg / ideal + 1.0) / 2;
}

QString metricCell(QTableView *table, const QString &metric, const QString &column)
{
    const QAbstractItemModel *model = table->model();
    for (int r = 0; r < model->rowCount(); ++r)
        for (int c = 0; c < model->columnCount(); ++c)
            if (model->headerData(r, Qt::Vertical).toString() == metric &&
                model->headerData(c, Qt::Horizontal).toString() == column)
                return model->index(r, c).data().toString();
    return QStringLiteral("<no cell %1 %2>").arg(metric, column);
}

} // namespace

class TestGuiFixture : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void evaluateTinyDataset();
    void malformedCorpusShowsError();
    void malformedEmbeddingsShowError();
    void preconditionsReported();
    void commandLineRunWithScreenshot();
    void commandLineRunFailure();
    void commandLineValidation();
    void dropFolders();
    void sessionRestored();

private:
    std::unique_ptr<MainWindow> makeWindow(bool restoreSession = false);
    bool openAndWait(MainWindow &window, const QString &dir);
    bool importAndWait(MainWindow &window, const QString &dir);

    QTemporaryDir m_dir;
    QString m_dataset;
    QString m_embeddings;
    QString m_settings;
};

void TestGuiFixture::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataset = m_dir.filePath(QStringLiteral("tiny"));
    m_embeddings = m_dataset + QStringLiteral("/embeddings/vec3");
    QVERIFY(writeTinyDataset(m_dataset));
    QVERIFY(writeTinyEmbeddings(m_embeddings));
}

void TestGuiFixture::init()
{
    m_settings = m_dir.filePath(QStringLiteral("settings-%1.ini").arg(QTest::currentTestFunction()));
}

void TestGuiFixture::cleanup()
{
    // No stray error dialogs between tests.
    for (QWidget *widget : QApplication::topLevelWidgets())
        if (qobject_cast<QMessageBox *>(widget))
            widget->close();
}

std::unique_ptr<MainWindow> TestGuiFixture::makeWindow(bool restoreSession)
{
    MainWindow::Options options;
    options.settingsFile = m_settings;
    options.restoreSession = restoreSession;
    auto window = std::make_unique<MainWindow>(options);
    window->setErrorDialogsEnabled(false);
    window->resize(1200, 800);
    window->show();
    return window;
}

bool TestGuiFixture::openAndWait(MainWindow &window, const QString &dir)
{
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    QSignalSpy errors(&window, &MainWindow::errorShown);
    if (!window.openDataset(dir))
        return false;
    return QTest::qWaitFor([&] { return loaded.count() + errors.count() > 0; }, kTimeoutMs) && loaded.count() == 1;
}

bool TestGuiFixture::importAndWait(MainWindow &window, const QString &dir)
{
    QSignalSpy imported(&window, &MainWindow::embeddingsLoaded);
    QSignalSpy errors(&window, &MainWindow::errorShown);
    if (!window.importEmbeddings(dir))
        return false;
    return QTest::qWaitFor([&] { return imported.count() + errors.count() > 0; }, kTimeoutMs) &&
           imported.count() == 1;
}

void TestGuiFixture::evaluateTinyDataset()
{
    auto window = makeWindow();
    QSignalSpy errors(window.get(), &MainWindow::errorShown);
    QVERIFY(openAndWait(*window, m_dataset));
    QCOMPARE(window->dataset()->docCount(), 4);
    auto *queries = window->findChild<QTableView *>(QStringLiteral("queryTable"));
    QCOMPARE(queries->model()->rowCount(), 2);
    auto *relevant = window->findChild<QTableView *>(QStringLiteral("relevantDocumentsTable"));
    QCOMPARE(relevant->model()->rowCount(), 2); // q1 is selected: d1 and d3
    QCOMPARE(relevant->model()->index(0, 0).data().toString(), QStringLiteral("d1"));
    QCOMPARE(relevant->model()->index(1, 3).data().toString(), QStringLiteral("Gamma"));
    QVERIFY(window->windowTitle().contains(QStringLiteral("tiny")));

    QVERIFY(importAndWait(*window, m_embeddings));
    auto *embeddings = window->findChild<QLabel *>(QStringLiteral("embeddingsSummary"));
    QVERIFY2(embeddings->text().contains(QStringLiteral("vec3")), qPrintable(embeddings->text()));
    QVERIFY(embeddings->text().contains(QStringLiteral("dimension 3")));

    QSignalSpy evaluated(window.get(), &MainWindow::evaluationFinished);
    window->evaluateAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.count() + errors.count(), 1, kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));

    auto *table = window->findChild<QTableView *>(QStringLiteral("metricsTable"));
    QCOMPARE(metricCell(table, "nDCG", "@10"), QString::number(expectedNdcg10(), 'f', 4)); // 0.8255
    QCOMPARE(metricCell(table, "nDCG", "@10"), QStringLiteral("0.8255"));
    QCOMPARE(metricCell(table, "nDCG", "@1"), QStringLiteral("0.5000"));
    QCOMPARE(metricCell(table, "recall", "@1"), QStringLiteral("0.5000"));
    QCOMPARE(metricCell(table, "recall", "@3"), QStringLiteral("0.7500"));
    QCOMPARE(metricCell(table, "recall", "@5"), QStringLiteral("1.0000"));
    QCOMPARE(metricCell(table, "R_cap", "@1"), QStringLiteral("0.5000"));
    QCOMPARE(metricCell(table, "P", "@1"), QStringLiteral("0.5000"));
    QCOMPARE(metricCell(table, "MRR", "@10"), QStringLiteral("0.7500"));
    QCOMPARE(metricCell(table, "MAP", "@10"), QStringLiteral("0.7500")); // q1: (1/2 + 2/4) / 2
    QCOMPARE(window->evaluation()->metrics.queries.size(), size_t(2));

    auto *chart = window->findChild<QChartView *>(QStringLiteral("metricsChart"));
    for (QAbstractSeries *series : chart->chart()->series()) {
        auto *line = qobject_cast<QLineSeries *>(series);
        QVERIFY(line);
        QCOMPARE(line->count(), 100);
        if (line->name() == QStringLiteral("recall@k")) {
            QCOMPARE(line->at(1).y(), 0.75);  // k = 2
            QCOMPARE(line->at(99).y(), 1.0); // k = 100
        } else {
            QCOMPARE(line->name(), QStringLiteral("nDCG@k"));
            QVERIFY(std::abs(line->at(9).y() - expectedNdcg10()) < 1e-9);
        }
    }
    auto *summary = window->findChild<QLabel *>(QStringLiteral("evaluationSummary"));
    QVERIFY2(summary->text().contains(QStringLiteral("2 queries evaluated")), qPrintable(summary->text()));
}

void TestGuiFixture::malformedCorpusShowsError()
{
    const QString bad = m_dir.filePath(QStringLiteral("bad"));
    QVERIFY(writeText(bad + "/corpus.jsonl",
                      "{\"_id\": \"d1\", \"text\": \"fine\"}\n"
                      "{\"_id\": \"d2\", \"text\": \"broken\n"
                      "{\"_id\": \"d3\", \"text\": \"fine\"}\n"));
    QVERIFY(writeText(bad + "/queries.jsonl", "{\"_id\": \"q1\", \"text\": \"a query\"}\n"));
    QVERIFY(writeText(bad + "/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n"));

    auto window = makeWindow();
    QVERIFY(openAndWait(*window, m_dataset)); // a good dataset first: it must survive the failure
    const auto good = window->dataset();

    window->setErrorDialogsEnabled(true); // the real, non-blocking message box
    QSignalSpy errors(window.get(), &MainWindow::errorShown);
    QSignalSpy loaded(window.get(), &MainWindow::datasetLoaded);
    QVERIFY(window->openDataset(bad));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, kTimeoutMs);
    const QString message = errors.first().first().toString();
    QVERIFY2(message.contains(QStringLiteral("corpus.jsonl:2")), qPrintable(message)); // file and line
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!window->isBusy());
    QCOMPARE(window->dataset(), good);
    QVERIFY(window->openDatasetAction()->isEnabled());

    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window->findChild<QMessageBox *>(QStringLiteral("errorBox"))) && box->isVisible());
    QVERIFY2(box->text().contains(QStringLiteral("corpus.jsonl:2")), qPrintable(box->text()));
    QCOMPARE(box->icon(), QMessageBox::Warning);
    box->accept();
    QTRY_VERIFY(!window->findChild<QMessageBox *>(QStringLiteral("errorBox")));

    // A folder that is not a BEIR dataset.
    QVERIFY(window->openDataset(m_dir.filePath(QStringLiteral("tiny/qrels"))));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 2, kTimeoutMs);
    QVERIFY2(errors.last().first().toString().contains(QStringLiteral("corpus.jsonl")),
             qPrintable(errors.last().first().toString()));
}

void TestGuiFixture::malformedEmbeddingsShowError()
{
    const QString bad = m_dir.filePath(QStringLiteral("badvec"));
    // Only three of the four documents have a vector.
    QVERIFY(writeMatrix(bad + "/corpus.npy", 3, 2, {1, 0, 0, 1, 1, 1}));
    QVERIFY(writeIds(bad + "/corpus_ids.txt", {"d1", "d2", "d3"}));
    QVERIFY(writeMatrix(bad + "/queries.npy", 2, 2, {1, 0, 0, 1}));
    QVERIFY(writeIds(bad + "/query_ids.txt", {"q1", "q2"}));

    auto window = makeWindow();
    QVERIFY(openAndWait(*window, m_dataset));
    QSignalSpy errors(window.get(), &MainWindow::errorShown);
    QVERIFY(window->importEmbeddings(bad));
    QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, kTimeoutMs);
    QVERIFY2(errors.first().first().toString().contains(QStringLiteral("corpus")),
             qPrintable(errors.first().first().toString()));
    QVERIFY(!window->embeddings());
    QVERIFY(!window->evaluateAction()->isEnabled());
}

void TestGuiFixture::preconditionsReported()
{
    auto window = makeWindow();
    QSignalSpy errors(window.get(), &MainWindow::errorShown);
    QVERIFY(!window->importEmbeddings(m_embeddings)); // no dataset yet
    QVERIFY(!window->evaluate());
    QVERIFY(!window->openDataset(m_dir.filePath(QStringLiteral("does-not-exist"))));
    QCOMPARE(errors.count(), 3);
    QVERIFY(!window->isBusy());

    // One job at a time.
    QVERIFY(window->openDataset(m_dataset));
    QVERIFY(!window->openDataset(m_dataset));
    QCOMPARE(errors.count(), 4);
    QTRY_VERIFY_WITH_TIMEOUT(!window->isBusy(), kTimeoutMs);
    QVERIFY(window->dataset());
}

void TestGuiFixture::commandLineRunWithScreenshot()
{
    auto window = makeWindow();
    embtune::gui::CommandLineRequest request;
    request.dataset = m_dataset;
    request.embeddings = m_embeddings;
    request.evaluate = true;
    request.split = QStringLiteral("test");
    request.screenshot = m_dir.filePath(QStringLiteral("shots/window.png"));
    QVERIFY(request.validate().isEmpty());
    embtune::gui::CommandLineRun run(window.get(), request);
    QSignalSpy finished(&run, &embtune::gui::CommandLineRun::finished);
    run.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QVERIFY2(finished.first().at(0).toInt() == 0, qPrintable(finished.first().at(1).toString()));
    const QImage image(request.screenshot);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), window->size() * window->devicePixelRatio());
    QVERIFY(window->evaluation());
}

void TestGuiFixture::commandLineRunFailure()
{
    auto window = makeWindow();
    embtune::gui::CommandLineRequest request;
    request.dataset = m_dataset;
    request.embeddings = m_dir.filePath(QStringLiteral("no-such-embeddings"));
    request.evaluate = true;
    request.screenshot = m_dir.filePath(QStringLiteral("failed.png"));
    embtune::gui::CommandLineRun run(window.get(), request);
    QSignalSpy finished(&run, &embtune::gui::CommandLineRun::finished);
    run.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(finished.first().at(0).toInt(), 1);
    QVERIFY(finished.first().at(1).toString().contains(QStringLiteral("no-such-embeddings")));
    QVERIFY(!QFileInfo::exists(request.screenshot));

    // An unknown split fails too.
    auto other = makeWindow();
    request.embeddings = m_embeddings;
    request.split = QStringLiteral("dev");
    embtune::gui::CommandLineRun run2(other.get(), request);
    QSignalSpy finished2(&run2, &embtune::gui::CommandLineRun::finished);
    run2.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished2.count(), 1, kTimeoutMs);
    QCOMPARE(finished2.first().at(0).toInt(), 1);
    QVERIFY(finished2.first().at(1).toString().contains(QStringLiteral("dev")));
}

void TestGuiFixture::commandLineValidation()
{
    embtune::gui::CommandLineRequest request;
    QVERIFY(request.validate().isEmpty());
    QVERIFY(!request.hasSteps());
    request.evaluate = true;
    QVERIFY(!request.validate().isEmpty());
    request.dataset = m_dataset;
    QVERIFY(!request.validate().isEmpty()); // still no embeddings
    request.embeddings = m_embeddings;
    QVERIFY(request.validate().isEmpty());
    request.evaluate = false;
    request.dataset.clear();
    QVERIFY(!request.validate().isEmpty()); // embeddings without dataset
}

void TestGuiFixture::dropFolders()
{
    auto window = makeWindow();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    const auto drop = [&](const QString &dir) {
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dir)});
        const QPointF at(window->width() / 2.0, window->height() / 2.0);
        QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window.get(), &enter);
        if (!enter.isAccepted())
            return false;
        QDropEvent dropEvent(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window.get(), &dropEvent);
        return dropEvent.isAccepted();
    };
    QSignalSpy loaded(window.get(), &MainWindow::datasetLoaded);
    QSignalSpy imported(window.get(), &MainWindow::embeddingsLoaded);
    QVERIFY(drop(m_dataset));
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kTimeoutMs);
    QTRY_VERIFY(!window->isBusy());
    QVERIFY(drop(m_embeddings)); // a folder with corpus.npy imports embeddings
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, kTimeoutMs);
    QCOMPARE(loaded.count(), 1);
}

void TestGuiFixture::sessionRestored()
{
    {
        auto window = makeWindow();
        QVERIFY(openAndWait(*window, m_dataset));
        QVERIFY(importAndWait(*window, m_embeddings));
        window->resize(1100, 700);
        window->close(); // writes geometry
    }
    auto window = makeWindow(/*restoreSession=*/true);
    QSignalSpy imported(window.get(), &MainWindow::embeddingsLoaded);
    QTRY_COMPARE_WITH_TIMEOUT(imported.count(), 1, kTimeoutMs);
    QCOMPARE(QFileInfo(window->datasetPath()), QFileInfo(m_dataset));
    QCOMPARE(QFileInfo(window->embeddingsPath()), QFileInfo(m_embeddings));
    QVERIFY(window->evaluateAction()->isEnabled());
    QSettings settings(m_settings, QSettings::IniFormat);
    const QStringList recent = settings.value(QStringLiteral("recent/datasets")).toStringList();
    QCOMPARE(recent.size(), 1);
}

QTEST_MAIN(TestGuiFixture)
#include "test_gui_fixture.moc"
