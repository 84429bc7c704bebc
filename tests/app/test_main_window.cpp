// The main window on the real SciFact dataset (../shared/datasets/scifact, skipped when absent):
// open, import the lsa256 embeddings, evaluate from the toolbar button, check the metrics table
// and the curves; cancel a running evaluation.

#include "main_window.h"

#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>

using embtune::gui::MainWindow;

namespace {

constexpr int kTimeoutMs = 180000;

QString scifactDir()
{
    return QDir::cleanPath(QStringLiteral(EMBTUNE_SHARED_DIR "/datasets/scifact"));
}

// Display text of the metrics table cell (row header `metric`, column header `column`).
QString metricCell(QTableView *table, const QString &metric, const QString &column)
{
    const QAbstractItemModel *model = table->model();
    int row = -1, col = -1;
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->headerData(r, Qt::Vertical).toString() == metric)
            row = r;
    for (int c = 0; c < model->columnCount(); ++c)
        if (model->headerData(c, Qt::Horizontal).toString() == column)
            col = c;
    if (row < 0 || col < 0)
        return QStringLiteral("<no cell %1 %2>").arg(metric, column);
    return model->index(row, col).data().toString();
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void openImportEvaluate();
    void cancelEvaluation();
    void cleanupTestCase();

private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase()
{
    if (!QFileInfo(scifactDir() + QStringLiteral("/corpus.jsonl")).exists() ||
        !QFileInfo(scifactDir() + QStringLiteral("/embeddings/lsa256/corpus.npy")).exists())
        QSKIP(qPrintable(QStringLiteral("SciFact with embeddings/lsa256 not found at %1 "
                                        "(set EMBTUNE_SHARED_DIR to the folder holding datasets/)")
                             .arg(scifactDir())));
    QVERIFY(m_settingsDir.isValid());
    MainWindow::Options options;
    options.settingsFile = m_settingsDir.filePath(QStringLiteral("embtune.ini"));
    options.restoreSession = false;
    m_window = std::make_unique<MainWindow>(options);
    m_window->setErrorDialogsEnabled(false);
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::openImportEvaluate()
{
    MainWindow &window = *m_window;
    QSignalSpy errors(&window, &MainWindow::errorShown);
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    QVERIFY(!window.evaluateAction()->isEnabled());
    QVERIFY(window.openDataset(scifactDir()));
    QVERIFY(window.isBusy());
    QVERIFY(!window.openDatasetAction()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count() + errors.count(), 1, kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QVERIFY(!window.isBusy());

    // Dataset panel.
    auto *queries = window.findChild<QTableView *>(QStringLiteral("queryTable"));
    QVERIFY(queries);
    QCOMPARE(queries->model()->rowCount(), 1109);
    auto *summary = window.findChild<QLabel *>(QStringLiteral("datasetSummary"));
    QVERIFY(summary && summary->text().contains(QStringLiteral("scifact")));
    auto *split = window.findChild<QComboBox *>(QStringLiteral("splitCombo"));
    QVERIFY(split);
    QCOMPARE(split->currentText(), QStringLiteral("test"));
    QCOMPARE(split->count(), 2);
    auto *relevant = window.findChild<QTableView *>(QStringLiteral("relevantDocumentsTable"));
    QVERIFY(relevant);
    QVERIFY(relevant->model()->rowCount() > 0); // the first judged test query is selected
    QVERIFY(!window.evaluateAction()->isEnabled()); // no embeddings yet

    // Embeddings.
    QSignalSpy imported(&window, &MainWindow::embeddingsLoaded);
    QVERIFY(window.importEmbeddings(scifactDir() + QStringLiteral("/embeddings/lsa256")));
    QTRY_COMPARE_WITH_TIMEOUT(imported.count() + errors.count(), 1, kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    auto *embeddings = window.findChild<QLabel *>(QStringLiteral("embeddingsSummary"));
    QVERIFY(embeddings && embeddings->text().contains(QStringLiteral("lsa256")));
    QVERIFY(embeddings->text().contains(QStringLiteral("256")));
    QVERIFY(window.evaluateAction()->isEnabled());

    // Evaluate from the toolbar button.
    QSignalSpy evaluated(&window, &MainWindow::evaluationFinished);
    auto *toolBar = window.findChild<QToolBar *>(QStringLiteral("mainToolBar"));
    QVERIFY(toolBar);
    QWidget *button = toolBar->widgetForAction(window.evaluateAction());
    QVERIFY(button && button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(window.isBusy());
    auto *progress = window.findChild<QProgressBar *>(QStringLiteral("jobProgress"));
    auto *cancel = window.findChild<QToolButton *>(QStringLiteral("cancelButton"));
    QVERIFY(progress && progress->isVisible());
    QVERIFY(cancel && cancel->isVisible() && cancel->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.count() + errors.count(), 1, kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QVERIFY(!progress->isVisible());
    QVERIFY(!cancel->isVisible());

    auto *table = window.findChild<QTableView *>(QStringLiteral("metricsTable"));
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), 6);
    QCOMPARE(table->model()->columnCount(), 5);
    QCOMPARE(metricCell(table, QStringLiteral("nDCG"), QStringLiteral("@10")), QStringLiteral("0.4771"));
    for (int r = 0; r < 6; ++r)
        for (int c = 0; c < 5; ++c)
            QVERIFY(!table->model()->index(r, c).data().toString().isEmpty());

    auto *chartView = window.findChild<QChartView *>(QStringLiteral("metricsChart"));
    QVERIFY(chartView);
    const QList<QAbstractSeries *> series = chartView->chart()->series();
    QCOMPARE(series.size(), 2);
    QStringList names;
    for (QAbstractSeries *s : series) {
        auto *line = qobject_cast<QLineSeries *>(s);
        QVERIFY(line);
        QCOMPARE(line->count(), 100);
        QCOMPARE(line->at(0).x(), 1.0);
        QCOMPARE(line->at(99).x(), 100.0);
        names << line->name();
    }
    QCOMPARE(names, (QStringList{QStringLiteral("recall@k"), QStringLiteral("nDCG@k")}));

    // Ctrl+E evaluates again and gives the same figure.
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.count() + errors.count(), 2, kTimeoutMs);
    QVERIFY(errors.isEmpty());
    QCOMPARE(metricCell(table, QStringLiteral("nDCG"), QStringLiteral("@10")), QStringLiteral("0.4771"));
}

void TestMainWindow::cancelEvaluation()
{
    MainWindow &window = *m_window;
    QVERIFY(window.embeddings());
    QSignalSpy errors(&window, &MainWindow::errorShown);
    QSignalSpy evaluated(&window, &MainWindow::evaluationFinished);
    QSignalSpy cancelled(&window, &MainWindow::jobCancelled);
    window.evaluateAction()->trigger();
    QVERIFY(window.isBusy());
    QVERIFY(window.cancelAction()->isEnabled());
    window.cancelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), kTimeoutMs);
    // The search may have finished before the cancel request arrived; either way exactly one
    // outcome, no error, and the window accepts the next job.
    QCOMPARE(evaluated.count() + cancelled.count(), 1);
    QVERIFY(errors.isEmpty());
    QVERIFY(window.evaluateAction()->isEnabled());
    QVERIFY(!window.cancelAction()->isEnabled());
    if (cancelled.count() == 1)
        qInfo("evaluation was cancelled");

    window.evaluateAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(evaluated.count(), cancelled.count() == 1 ? 1 : 2, kTimeoutMs);
    auto *table = window.findChild<QTableView *>(QStringLiteral("metricsTable"));
    QCOMPARE(metricCell(table, QStringLiteral("nDCG"), QStringLiteral("@10")), QStringLiteral("0.4771"));
}

void TestMainWindow::cleanupTestCase()
{
    m_window.reset();
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
