// The main window's "Compute via API" path against a local OpenAI-compatible server started by the
// test (support/http_test_server, loopback): the dialog, the cost confirmation (declined: nothing
// sent; accepted: the set is computed, cached and listed), the key used only in the Authorization
// header and found in no file, label or message afterwards, a second compute served by the cache
// without a request, a server error with the key echoed (scrubbed), cancel while a request is in
// flight, and a missing key variable.

#include "main_window.h"

#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "metrics_table_model.h"
#include "support/gui_test_support.h"
#include "support/http_test_server.h"

#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cmath>
#include <memory>

using embtune::gui::MainWindow;
using namespace embtune::test;
using embtune::test::HttpRequest;
using embtune::test::HttpResponse;
namespace widgets = embtune::widgets;

namespace {

constexpr int kTimeoutMs = 60000;
const QByteArray kKey = "sk-test-4f1d9c2e7b8a6053-SECRET";
const char *kKeyVariable = "EMBTUNE_TEST_API_KEY";

// A deterministic unit 4-d vector per text.
QJsonArray vectorOf(const QString &text)
{
    const QByteArray digest = QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Md5);
    double v[4];
    double norm = 0;
    for (int i = 0; i < 4; ++i) {
        v[i] = double(static_cast<unsigned char>(digest[i])) - 127.5;
        norm += v[i] * v[i];
    }
    QJsonArray out;
    for (double x : v)
        out.append(x / std::sqrt(norm));
    return out;
}

// The server's behaviour, switched by the test.
enum class Mode { Normal, Unauthorized, Slow };

struct Server {
    std::atomic<Mode> mode{Mode::Normal};
    embtune::test::HttpTestServer http{[this](const HttpRequest &request) { return handle(request); }};

    HttpResponse handle(const HttpRequest &request)
    {
        HttpResponse response;
        if (mode.load() == Mode::Unauthorized) {
            response.status = 401;
            // Some services echo what they were given: the client must scrub it.
            response.body = "{\"error\": {\"message\": \"Incorrect API key provided: " +
                            request.header("authorization").mid(7) + "\"}}";
            return response;
        }
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        const QJsonArray inputs = body.value(QStringLiteral("input")).toArray();
        QJsonArray data;
        for (qsizetype i = 0; i < inputs.size(); ++i)
            data.append(QJsonObject{{QStringLiteral("object"), QStringLiteral("embedding")},
                                    {QStringLiteral("index"), int(i)},
                                    {QStringLiteral("embedding"), vectorOf(inputs[i].toString())}});
        const QJsonObject reply{{QStringLiteral("object"), QStringLiteral("list")},
                                {QStringLiteral("data"), data},
                                {QStringLiteral("model"), body.value(QStringLiteral("model"))},
                                {QStringLiteral("usage"), QJsonObject{{QStringLiteral("prompt_tokens"), 10},
                                                                      {QStringLiteral("total_tokens"), 10}}}};
        response.body = QJsonDocument(reply).toJson(QJsonDocument::Compact);
        if (mode.load() == Mode::Slow)
            response.delayMs = 30000;
        return response;
    }
};

// Files under `dir` (recursively) whose bytes contain `needle`.
QStringList filesContaining(const QString &dir, const QByteArray &needle)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            found << path;
    }
    return found;
}

} // namespace

class TestGuiRemote : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void computeWithConfirmation();
    void secondComputeServedByCache();
    void serverErrorIsScrubbed();
    void cancelWhileRequestInFlight();
    void missingKeyVariable();
    void cleanupTestCase();

private:
    embtune::gui::RemoteRequest request(const QString &model) const;
    QString allVisibleText() const;

    QTemporaryDir m_dir;
    QString m_cache;
    QString m_settings;
    std::unique_ptr<Server> m_server;
    std::unique_ptr<MainWindow> m_window;
};

void TestGuiRemote::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cache = m_dir.filePath(QStringLiteral("cache"));
    m_settings = m_dir.filePath(QStringLiteral("embtune.ini"));
    qputenv("EMBTUNE_CACHE_DIR", QFile::encodeName(m_cache));
    qputenv(kKeyVariable, kKey);
    const QString dataset = m_dir.filePath(QStringLiteral("tiny"));
    QVERIFY(writeText(dataset + "/corpus.jsonl",
                      "{\"_id\": \"d1\", \"title\": \"Alpha\", \"text\": \"first document\"}\n"
                      "{\"_id\": \"d2\", \"title\": \"Beta\", \"text\": \"second document\"}\n"
                      "{\"_id\": \"d3\", \"title\": \"Gamma\", \"text\": \"third document\"}\n"));
    QVERIFY(writeText(dataset + "/queries.jsonl", "{\"_id\": \"q1\", \"text\": \"alpha\"}\n"
                                                  "{\"_id\": \"q2\", \"text\": \"beta\"}\n"));
    QVERIFY(writeText(dataset + "/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n"));

    m_server = std::make_unique<Server>();
    QVERIFY(m_server->http.isListening());
    m_window = makeWindow(m_settings);
    QVERIFY(openAndWait(*m_window, dataset));
}

void TestGuiRemote::cleanup()
{
    closeTopLevel<QDialog>(); // message boxes too
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->jobs()->isBusy(), kTimeoutMs);
}

embtune::gui::RemoteRequest TestGuiRemote::request(const QString &model) const
{
    embtune::gui::RemoteRequest request;
    request.settings.baseUrl = m_server->http.baseUrl().toString();
    request.settings.model = model;
    request.keySource.environmentVariable = QString::fromLatin1(kKeyVariable);
    request.keySource.keychainService.clear();
    return request;
}

QString TestGuiRemote::allVisibleText() const
{
    QString text = m_window->statusBar()->currentMessage();
    for (QLabel *label : m_window->findChildren<QLabel *>())
        text += QLatin1Char('\n') + label->text() + QLatin1Char('\n') + label->toolTip();
    const widgets::EmbeddingSetListModel *model = m_window->embeddings()->panel()->model();
    for (int r = 0; r < model->rowCount(); ++r)
        for (int c = 0; c < model->columnCount(); ++c)
            text += QLatin1Char('\n') + model->index(r, c).data().toString() + QLatin1Char('\n') +
                    model->index(r, c).data(Qt::ToolTipRole).toString();
    return text;
}

void TestGuiRemote::computeWithConfirmation()
{
    MainWindow &window = *m_window;
    QSignalSpy errors(window.feedback(), &embtune::gui::Feedback::errorShown);
    QSignalSpy computed(window.embeddings(), &embtune::gui::EmbeddingsController::embeddingsComputed);
    QVERIFY(window.embeddings()->computeRemoteAction()->isEnabled());

    // The dialog: endpoint, model, where the key comes from (no field for the key itself), price.
    window.embeddings()->computeRemoteAction()->trigger();
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = findDialog(QStringLiteral("remoteEmbedDialog"))));
    QVERIFY(!dialog->findChild<QLineEdit *>(QStringLiteral("remoteKey"))); // never typed in
    dialog->findChild<QLineEdit *>(QStringLiteral("remoteBaseUrl"))->setText(m_server->http.baseUrl().toString());
    dialog->findChild<QLineEdit *>(QStringLiteral("remoteModel"))->setText(QStringLiteral("test-model"));
    auto *source = dialog->findChild<QComboBox *>(QStringLiteral("remoteKeySource"));
    source->setCurrentIndex(0); // environment variable
    dialog->findChild<QLineEdit *>(QStringLiteral("remoteKeyVariable"))->setText(QString::fromLatin1(kKeyVariable));
    dialog->findChild<QDoubleSpinBox *>(QStringLiteral("remotePrice"))->setValue(1000);
    dialog->findChild<QDoubleSpinBox *>(QStringLiteral("remoteConfirmAbove"))->setValue(0.0001);
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);

    // The estimate is above the limit: the window asks; nothing has been sent.
    QMessageBox *box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((box = findDialog<QMessageBox>(QStringLiteral("confirmCostBox"))), kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QVERIFY(m_server->http.requests().empty());
    QVERIFY2(box->informativeText().contains(QStringLiteral("5 texts")) &&
                 box->informativeText().contains(QStringLiteral("estimated cost")),
             qPrintable(box->informativeText()));
    QVERIFY(!window.jobs()->isBusy());
    QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
    QTest::qWait(200);
    QVERIFY(m_server->http.requests().empty());
    QCOMPARE(computed.count(), 0);
    QCOMPARE(window.embeddings()->panel()->model()->rowCount(), 1); // BM25 only

    // Again, from the saved settings, and accepted.
    embtune::gui::RemoteRequest again = request(QStringLiteral("test-model"));
    again.settings.pricePerMillionTokens = 1000;
    again.confirmAbove = 0.0001;
    QVERIFY(window.embeddings()->computeRemote(again));
    QTRY_VERIFY_WITH_TIMEOUT((box = findDialog<QMessageBox>(QStringLiteral("confirmCostBox"))), kTimeoutMs);
    QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("confirmCostButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(computed.count() + errors.count() == 1 && !window.jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QCOMPARE(computed.first().at(1).toBool(), false);
    const QString key = computed.first().at(0).toString();
    const widgets::EmbeddingSetRow *row = window.embeddings()->panel()->model()->find(key);
    QVERIFY(row);
    QCOMPARE(row->name, QStringLiteral("test-model"));
    QCOMPARE(row->embedder, QStringLiteral("openai"));
    QCOMPARE(row->dim, 4);
    QVERIFY(row->normalized);
    QVERIFY2(row->parameters.contains(QStringLiteral("test-model")), qPrintable(row->parameters));
    QCOMPARE(window.embeddingSets()->currentKey(), key);

    // The key went only into the Authorization header.
    const auto requests = m_server->http.requests();
    QVERIFY(!requests.empty());
    for (const HttpRequest &request : requests) {
        QCOMPARE(request.header("authorization"), QByteArray("Bearer ") + kKey);
        QVERIFY(!request.body.contains(kKey));
    }
    QVERIFY(!allVisibleText().contains(QString::fromLatin1(kKey)));
    QSettings(m_settings, QSettings::IniFormat).sync();
    QVERIFY2(filesContaining(m_cache, kKey).isEmpty(), qPrintable(filesContaining(m_cache, kKey).join(", ")));
    QVERIFY(filesContaining(m_dir.path(), kKey).isEmpty());
    QVERIFY(!filesContaining(m_cache, "test-model").isEmpty()); // the provenance is there, the key is not

    // The set evaluates like any other.
    QSignalSpy evaluated(window.evaluation(), &embtune::gui::EvaluationController::evaluationFinished);
    QVERIFY(window.evaluation()->evaluate());
    QTRY_VERIFY_WITH_TIMEOUT(evaluated.count() == 1 && !window.jobs()->isBusy(), kTimeoutMs);
    QCOMPARE(window.runs()->metricsModel()->runCount(), 1);
}

void TestGuiRemote::secondComputeServedByCache()
{
    MainWindow &window = *m_window;
    const size_t before = m_server->http.requests().size();
    QVERIFY(before > 0);
    QSignalSpy computed(window.embeddings(), &embtune::gui::EmbeddingsController::embeddingsComputed);
    embtune::gui::RemoteRequest again = request(QStringLiteral("test-model"));
    again.settings.pricePerMillionTokens = 1000;
    again.confirmAbove = 0.0001; // would ask if anything had to be sent
    QVERIFY(window.embeddings()->computeRemote(again));
    QTRY_VERIFY_WITH_TIMEOUT(computed.count() == 1 && !window.jobs()->isBusy(), kTimeoutMs);
    QCOMPARE(computed.first().at(1).toBool(), true);
    QVERIFY(!findDialog<QMessageBox>(QStringLiteral("confirmCostBox")));
    QCOMPARE(m_server->http.requests().size(), before);
    QCOMPARE(window.embeddings()->panel()->model()->rowCount(), 2);
}

void TestGuiRemote::serverErrorIsScrubbed()
{
    MainWindow &window = *m_window;
    m_server->mode = Mode::Unauthorized;
    QSignalSpy errors(window.feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(window.embeddings()->computeRemote(request(QStringLiteral("other-model"))));
    QTRY_VERIFY_WITH_TIMEOUT(errors.count() == 1 && !window.jobs()->isBusy(), kTimeoutMs);
    m_server->mode = Mode::Normal;
    const QString message = errors.first().first().toString();
    QVERIFY2(message.contains(QStringLiteral("401")), qPrintable(message));
    QVERIFY2(!message.contains(QString::fromLatin1(kKey)), qPrintable(message));
    QVERIFY(!allVisibleText().contains(QString::fromLatin1(kKey)));
    QCOMPARE(window.embeddings()->panel()->model()->rowCount(), 2);
}

void TestGuiRemote::cancelWhileRequestInFlight()
{
    MainWindow &window = *m_window;
    m_server->mode = Mode::Slow;
    const size_t before = m_server->http.requests().size();
    QSignalSpy cancelled(window.jobs(), &embtune::gui::JobRunner::cancelled);
    QSignalSpy computed(window.embeddings(), &embtune::gui::EmbeddingsController::embeddingsComputed);
    QSignalSpy errors(window.feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(window.embeddings()->computeRemote(request(QStringLiteral("slow-model"))));
    // The request is at the server, whose answer is 30 s away.
    QTRY_VERIFY_WITH_TIMEOUT(m_server->http.requests().size() > before, kTimeoutMs);
    QVERIFY(window.jobs()->isBusy());
    QElapsedTimer timer;
    timer.start();
    window.cancelAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.jobs()->isBusy(), 10000);
    qInfo("API job stopped %lld ms after the cancel", timer.elapsed());
    m_server->mode = Mode::Normal;
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(computed.count(), 0);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QCOMPARE(window.embeddings()->panel()->model()->rowCount(), 2);
}

void TestGuiRemote::missingKeyVariable()
{
    MainWindow &window = *m_window;
    const size_t before = m_server->http.requests().size();
    QSignalSpy errors(window.feedback(), &embtune::gui::Feedback::errorShown);
    embtune::gui::RemoteRequest missing = request(QStringLiteral("test-model-2"));
    missing.keySource.environmentVariable = QStringLiteral("EMBTUNE_TEST_NO_SUCH_KEY");
    QVERIFY(window.embeddings()->computeRemote(missing));
    QTRY_VERIFY_WITH_TIMEOUT(errors.count() == 1 && !window.jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(errors.first().first().toString().contains(QStringLiteral("EMBTUNE_TEST_NO_SUCH_KEY")),
             qPrintable(errors.first().first().toString()));
    QCOMPARE(m_server->http.requests().size(), before);
}

void TestGuiRemote::cleanupTestCase()
{
    m_window.reset();
    m_server.reset();
}

QTEST_MAIN(TestGuiRemote)
#include "test_gui_remote.moc"
