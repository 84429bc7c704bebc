// Generated training queries in the GUI, offscreen on a fixture the test writes (eight documents
// on four topics): generate ICT queries through the dialog, the Generated Queries tab lists the
// set and browses it (query, source document, filter, document text), a new MainWindow (restart)
// lists it again, the export is a BEIR folder readBeirDataset loads, training with the generated
// set runs to the end with an LSA set computed in the test (and matches the same flow run on the
// engine directly), an imported set without an embedder disables generated training with the
// reason, deletion, and sets stored in a workspace; with a set computed through an
// OpenAI-compatible API (a loopback server the test starts), the generated queries are embedded
// through the same API; the llm generator against a loopback chat server asks before a job above
// the cost limit, and a cancel while it waits for an answer stores nothing.

#include "main_window.h"

#include "data/beir_reader.h"
#include "dialogs/train_dialog.h"
#include "embedding_set_list_model.h"
#include "embeddings_panel.h"
#include "embed/lsa_embedder.h"
#include "eval/retrieval_evaluation.h"
#include "generated_queries_model.h"
#include "generated_queries_panel.h"
#include "io/npy.h"
#include "methods/method.h"
#include "synth/query_generators.h"
#include "synth/synthetic_training.h"
#include "support/gui_test_support.h"
#include "support/http_test_server.h"
#include "workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QElapsedTimer>
#include <QCryptographicHash>
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
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include <cmath>
#include <functional>

using embtune::gui::MainWindow;
using namespace embtune::test;
namespace engine = embtune::engine;
namespace widgets = embtune::widgets;

namespace {

constexpr int kTimeoutMs = 60000;

std::string local(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

// Eight documents on four topics, two sentences each; test queries q1, q2; dev query q2.
bool writeTopicDataset(const QString &dir)
{
    const char *topics[4][2] = {
        {"Coral reefs bleach when warm ocean water stresses the algae. Reef fish lose their shelter quickly.",
         "Warm ocean water makes coral reefs bleach and lose algae. Fish on the reef suffer as well."},
        {"Protein folding depends on chaperones inside the cell. Misfolded proteins aggregate in disease.",
         "Chaperones help protein folding in the cell. Aggregates of misfolded proteins cause disease."},
        {"Solar panels convert sunlight into electric current efficiently. Cheap silicon cells spread fast.",
         "Silicon solar cells turn sunlight into electric current. Panels became cheap and spread widely."},
        {"Vaccines train the immune system to recognise a virus early. Antibodies then block infection.",
         "The immune system learns to recognise a virus from vaccines. Antibodies block later infection."}};
    QByteArray corpus;
    for (int t = 0; t < 4; ++t)
        for (int k = 0; k < 2; ++k)
            corpus += QStringLiteral("{\"_id\": \"d%1\", \"title\": \"Topic %2\", \"text\": \"%3\"}\n")
                          .arg(2 * t + k)
                          .arg(t)
                          .arg(QString::fromLatin1(topics[t][k]))
                          .toUtf8();
    return writeText(dir + "/corpus.jsonl", corpus) &&
           writeText(dir + "/queries.jsonl", "{\"_id\": \"q1\", \"text\": \"why do coral reefs bleach\"}\n"
                                             "{\"_id\": \"q2\", \"text\": \"how do vaccines block a virus\"}\n") &&
           writeText(dir + "/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td0\t1\nq1\td1\t1\nq2\td6\t1\n") &&
           writeText(dir + "/splits/dev.txt", "q2\n");
}

// An OpenAI-compatible embeddings endpoint: a deterministic unit 4-d vector per text.
embtune::test::HttpResponse embeddingsAnswer(const embtune::test::HttpRequest &request)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QJsonArray inputs = body.value(QStringLiteral("input")).toArray();
    QJsonArray data;
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        const QByteArray digest = QCryptographicHash::hash(inputs[i].toString().toUtf8(), QCryptographicHash::Md5);
        double v[4], norm = 0;
        for (int k = 0; k < 4; ++k) {
            v[k] = double(static_cast<unsigned char>(digest[k])) - 127.5;
            norm += v[k] * v[k];
        }
        QJsonArray vector;
        for (double x : v)
            vector.append(x / std::sqrt(norm));
        data.append(QJsonObject{{QStringLiteral("object"), QStringLiteral("embedding")},
                                {QStringLiteral("index"), int(i)},
                                {QStringLiteral("embedding"), vector}});
    }
    embtune::test::HttpResponse response;
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                              {QStringLiteral("data"), data},
                                              {QStringLiteral("model"), body.value(QStringLiteral("model"))}})
                        .toJson(QJsonDocument::Compact);
    return response;
}

// An OpenAI-compatible chat endpoint: two questions naming the document's title.
embtune::test::HttpResponse chatAnswer(const embtune::test::HttpRequest &request)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QString prompt =
        body.value(QStringLiteral("messages")).toArray().at(0).toObject().value(QStringLiteral("content")).toString();
    const QString title = prompt.contains(QStringLiteral("Topic 0")) ? QStringLiteral("reefs") : QStringLiteral("other");
    const QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                              {QStringLiteral("content"), QStringLiteral("1. What about %1?\n2. Why %1 matter?").arg(title)}};
    embtune::test::HttpResponse response;
    response.body = QJsonDocument(QJsonObject{{QStringLiteral("choices"),
                                               QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                                                      {QStringLiteral("message"), message}}}}})
                        .toJson(QJsonDocument::Compact);
    return response;
}

} // namespace

class TestGuiSynth : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void generateBrowseRestartExportTrain();
    void importedSetCannotTrainOnGeneratedQueries();
    void workspaceStoresSets();
    void openWorkspaceKeepsGeneratedSets();
    void apiSetEmbedsGeneratedQueriesThroughTheApi();
    void llmGeneratorAsksAboveTheCostLimit();
    void cancelWhileGenerating();

private:
    bool computeLsa(MainWindow &window);

    QTemporaryDir m_dir;
    QString m_dataset;
    QString m_settings;
};

void TestGuiSynth::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataset = m_dir.filePath(QStringLiteral("topics"));
    QVERIFY(writeTopicDataset(m_dataset));
    m_settings = m_dir.filePath(QStringLiteral("settings.ini"));
}

void TestGuiSynth::init()
{
    // Never the user's folders: a cache and a data folder per test function.
    const QString name = QString::fromLatin1(QTest::currentTestFunction());
    qputenv("EMBTUNE_CACHE_DIR", QFile::encodeName(m_dir.filePath(QStringLiteral("cache-") + name)));
    qputenv("EMBTUNE_DATA_DIR", QFile::encodeName(m_dir.filePath(QStringLiteral("data-") + name)));
}

void TestGuiSynth::cleanup()
{
    closeTopLevel<QDialog>();
}

bool TestGuiSynth::computeLsa(MainWindow &window)
{
    engine::LsaOptions options;
    options.dim = 4;
    return runAndWait(window, &embtune::gui::EmbeddingsController::embeddingsComputed, [&] { return window.embeddings()->computeLsa(options); });
}

void TestGuiSynth::generateBrowseRestartExportTrain()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    QVERIFY(window->generatedQueries()->generateQueriesAction()->isEnabled());
    widgets::GeneratedQueriesPanel *panel = window->generatedQueries()->generatedQueriesPanel();
    QCOMPARE(panel->setCount(), 0);

    // The dialog: ICT, two queries per document, named "ict-a".
    window->generatedQueries()->generateQueriesAction()->trigger();
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = findDialog(QStringLiteral("synthDialog"))));
    auto *generator = dialog->findChild<QComboBox *>(QStringLiteral("synthGenerator"));
    QCOMPARE(generator->currentData().toString(), QStringLiteral("ict"));
    dialog->findChild<QSpinBox *>(QStringLiteral("synthPerDocument"))->setValue(2);
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("synthName"));
    QCOMPARE(name->text(), QStringLiteral("ict-2")); // suggested from the options
    name->clear();
    QTest::keyClicks(name, QStringLiteral("bad/name"));
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled()); // "/" is not allowed
    name->clear();
    QTest::keyClicks(name, QStringLiteral("ict-a"));
    QVERIFY(ok->isEnabled());
    QSignalSpy generated(window->generatedQueries(), &embtune::gui::GeneratedQueriesController::queriesGenerated);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(generated.count() + errors.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QCOMPARE(generated.first().first().toString(), QStringLiteral("ict-a"));

    // Listed and browsed: the same queries as the engine's generator, with their source document.
    QCOMPARE(panel->setCount(), 1);
    QCOMPARE(panel->currentSet(), QStringLiteral("ict-a"));
    engine::SynthOptions options;
    options.perDocument = 2;
    auto expected = engine::generateQueries(*window->datasetContext()->dataset(), options);
    QVERIFY(expected.ok());
    QCOMPARE(expected->queries.size(), size_t(14));
    widgets::GeneratedQueriesModel *model = panel->queriesModel();
    QCOMPARE(model->rowCount(), 14);
    for (int r = 0; r < model->rowCount(); ++r) {
        const engine::SyntheticQuery &q = expected->queries[size_t(r)];
        QCOMPARE(model->index(r, widgets::GeneratedQueriesModel::QueryColumn).data().toString(),
                 QString::fromStdString(q.text));
        QCOMPARE(model->index(r, widgets::GeneratedQueriesModel::DocumentColumn).data().toString(),
                 QString::fromStdString(window->datasetContext()->dataset()->docIds.id(q.doc)));
        QCOMPARE(model->index(r, widgets::GeneratedQueriesModel::TitleColumn).data().toString(),
                 QString::fromStdString(window->datasetContext()->dataset()->docs[size_t(q.doc)].title));
    }
    // The filter matches query text, document id and title, ignoring case.
    QTest::keyClicks(panel->filterEdit(), QStringLiteral("CORAL"));
    QSortFilterProxyModel *filtered = panel->filteredQueries();
    QVERIFY(filtered->rowCount() > 0 && filtered->rowCount() < 14);
    for (int r = 0; r < filtered->rowCount(); ++r)
        QVERIFY(filtered->index(r, 0).data().toString().contains(QStringLiteral("coral"), Qt::CaseInsensitive));
    panel->filterEdit()->clear();
    QCOMPARE(filtered->rowCount(), 14);
    QTest::keyClicks(panel->filterEdit(), QStringLiteral("d7"));
    QCOMPARE(filtered->rowCount(), 1); // d7's one sentence long enough, found by the document id
    // Double-click shows the source document's text.
    QTableView *queries = panel->queriesView();
    const QRect cell = queries->visualRect(filtered->index(0, 0));
    QVERIFY(queries->isVisible() && cell.isValid());
    QTest::mouseClick(queries->viewport(), Qt::LeftButton, {}, cell.center()); // the view wants a press first
    QTest::mouseDClick(queries->viewport(), Qt::LeftButton, {}, cell.center());
    QTRY_VERIFY(panel->documentView()->toPlainText().contains(QStringLiteral("Antibodies block later infection")));
    panel->filterEdit()->clear();
    QVERIFY(!panel->grab().isNull());

    // Restart: a new window lists the set again for the same dataset.
    window.reset();
    window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    panel = window->generatedQueries()->generatedQueriesPanel();
    QCOMPARE(window->generatedQueries()->generatedSetNames(), QStringList{QStringLiteral("ict-a")});
    QVERIFY(panel->selectSet(QStringLiteral("ict-a")));
    QCOMPARE(panel->queriesModel()->rowCount(), 14);

    // Export: a BEIR folder the reader loads (corpus, the generated queries, qrels/train.tsv).
    const QString exported = m_dir.filePath(QStringLiteral("exported"));
    QVERIFY(runAndWait(*window, &embtune::gui::GeneratedQueriesController::generatedSetExported,
                       [&] { return window->generatedQueries()->exportGeneratedSet(QStringLiteral("ict-a"), exported); }));
    auto beir = engine::readBeirDataset(local(exported));
    QVERIFY2(beir.ok(), beir.ok() ? "" : beir.error().toString().c_str());
    QCOMPARE(beir->docCount(), 8);
    QCOMPARE(beir->queryCount(), 14);
    const engine::Qrels *train = beir->split("train");
    QVERIFY(train);
    QCOMPARE(int(train->queries.size()), 14);
    for (const engine::QueryJudgements &judged : train->queries) {
        const std::string &id = beir->queryIds.id(judged.query);
        const auto found = std::find_if(expected->queries.begin(), expected->queries.end(),
                                        [&](const engine::SyntheticQuery &q) { return q.id == id; });
        QVERIFY(found != expected->queries.end());
        QCOMPARE(beir->queries[size_t(judged.query)], found->text);
        QCOMPARE(judged.relevantCount(), 1);
        QCOMPARE(beir->docIds.id(judged.judged.front().doc), window->datasetContext()->dataset()->docIds.id(found->doc));
    }

    // Never over a dataset: the same folder again is refused with the reason.
    {
        QSignalSpy refused(window->feedback(), &embtune::gui::Feedback::errorShown);
        QVERIFY(window->generatedQueries()->exportGeneratedSet(QStringLiteral("ict-a"), exported));
        QTRY_VERIFY_WITH_TIMEOUT(refused.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
        QVERIFY2(refused.first().first().toString().contains(QStringLiteral("already holds a dataset")),
                 qPrintable(refused.first().first().toString()));
    }

    // Training with the generated set: an LSA set computed here (its model is fitted again,
    // checked and saved beside the cache entry), labelled dev queries (splits/dev.txt).
    QVERIFY(computeLsa(*window));
    QVERIFY(embtune::gui::generatedTrainingProblem(window->embeddingSets()->currentRow()).isEmpty());
    window->training()->trainAction()->trigger();
    QTRY_VERIFY((dialog = findDialog(QStringLiteral("trainDialog"))));
    auto *train_dialog = qobject_cast<embtune::gui::TrainDialog *>(dialog);
    QVERIFY(train_dialog);
    auto *method = dialog->findChild<QComboBox *>(QStringLiteral("trainMethod"));
    method->setCurrentIndex(method->findData(QStringLiteral("linear")));
    auto *choice = dialog->findChild<QComboBox *>(QStringLiteral("trainingQueriesCombo"));
    QCOMPARE(choice->count(), 3); // labelled; generated ict-a; labelled + generated ict-a
    ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(!ok->isEnabled()); // labelled queries: the dataset has no splits/train.txt
    QVERIFY(train_dialog->setTrainingQueriesChoice(QStringLiteral("ict-a"), false));
    QVERIFY2(ok->isEnabled(), qPrintable(train_dialog->problem()));
    auto *epochs = dialog->findChild<QWidget *>(QStringLiteral("param_epochs"));
    QVERIFY(epochs);
    if (auto *spin = qobject_cast<QSpinBox *>(epochs))
        spin->setValue(3);
    else if (auto *edit = qobject_cast<QLineEdit *>(epochs)) {
        edit->clear();
        QTest::keyClicks(edit, QStringLiteral("3"));
    }
    QVERIFY2(ok->isEnabled(), qPrintable(train_dialog->problem()));
    QSignalSpy trained(window->training(), &embtune::gui::TrainingController::trainingFinished);
    QSignalSpy trainErrors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT((trained.count() + trainErrors.count() >= 1) && !window->training()->hasActiveTraining(), kTimeoutMs);
    QVERIFY2(trainErrors.isEmpty(), trainErrors.isEmpty() ? "" : qPrintable(trainErrors.first().first().toString()));
    QTRY_COMPARE(trained.count(), 1);
    const double guiTuned = window->runs()->lastEvaluation()->metrics.mean(engine::Metric::Ndcg, 10);

    // The LSA model was saved beside the cache entry for the next run.
    const widgets::EmbeddingSetRow *row = nullptr;
    for (const widgets::EmbeddingSetRow &r : window->embeddings()->panel()->model()->rows())
        if (r.key == window->embeddingSets()->currentKey())
            row = &r;
    QVERIFY(row);
    QVERIFY2(QFile::exists(row->location + "/model/lsa.json"), qPrintable(row->location));

    // The same flow on the engine directly: LSA 4 on the documents, generated queries appended and
    // embedded with it, linear adapter with 3 epochs, dev q2, evaluated on test.
    const engine::Dataset &dataset = *window->datasetContext()->dataset();
    engine::LsaOptions lsaOptions;
    lsaOptions.dim = 4;
    engine::LsaEmbedder lsa(lsaOptions);
    auto docs = lsa.fit(engine::documentTexts(dataset), nullptr);
    auto queryVectors = lsa.embed(dataset.queries, nullptr);
    QVERIFY(docs && queryVectors);
    engine::EmbeddingSet base;
    base.docs = engine::FloatMatrix(*docs);
    base.queries = engine::FloatMatrix(*queryVectors);
    base.hasQueryVector.assign(size_t(dataset.queryCount()), 1);
    std::vector<int32_t> appended;
    auto augmented = engine::appendSyntheticQueries(dataset, *expected, &appended);
    QVERIFY(augmented);
    std::vector<std::string> texts;
    for (const engine::SyntheticQuery &q : expected->queries)
        texts.push_back(q.text);
    auto generatedVectors = lsa.embed(texts, nullptr);
    QVERIFY(generatedVectors);
    auto withVectors = engine::appendQueryVectors(
        base, engine::ConstMatrixMap(generatedVectors->data(), generatedVectors->rows(), generatedVectors->cols()));
    QVERIFY(withVectors);
    auto dev = engine::readQueryIdList(local(m_dataset + "/splits/dev.txt"), dataset);
    QVERIFY(dev);
    engine::TrainingData data;
    data.dataset = &*augmented;
    data.embeddings = &*withVectors;
    data.trainQueries = appended;
    data.devQueries = *dev;
    data.trainQrels = augmented->judgementsFor(appended);
    data.devQrels = augmented->judgementsFor(*dev);
    const engine::Method *linear = engine::findMethod("linear");
    auto params = engine::ParamValues::parse(linear->spec(), {{"epochs", "3"}});
    QVERIFY(params);
    auto fitted = linear->fit(data, *params, nullptr);
    QVERIFY(fitted);
    engine::EmbeddingSet tuned = base;
    tuned.docs = (*fitted)->tunedDocuments();
    tuned.queries = engine::FloatMatrix((*fitted)->transformDatasetQueries(dataset, base.queries.map()));
    engine::EvaluationOptions evaluation;
    evaluation.split = "test";
    evaluation.similarity = (*fitted)->similarity();
    auto reference = engine::evaluateEmbeddings(dataset, tuned, evaluation, nullptr);
    QVERIFY(reference);
    qInfo("generated ict-a, linear: GUI nDCG@10 %.5f, engine %.5f", guiTuned,
          reference->metrics.mean(engine::Metric::Ndcg, 10));
    QVERIFY(std::abs(guiTuned - reference->metrics.mean(engine::Metric::Ndcg, 10)) < 1e-6);

    // Delete: the set and its folder are gone, also after a restart.
    const QString folder = QDir(embtune::gui::GeneratedSetStore::defaultRoot()).absolutePath();
    QVERIFY(runAndWait(*window, &embtune::gui::GeneratedQueriesController::generatedSetDeleted,
                       [&] { return window->generatedQueries()->deleteGeneratedSet(QStringLiteral("ict-a")); }));
    QCOMPARE(window->generatedQueries()->generatedQueriesPanel()->setCount(), 0);
    QVERIFY(QDir(folder).entryList({QStringLiteral("*")}, QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name).size() <= 1);
    window.reset();
    window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    QVERIFY(window->generatedQueries()->generatedSetNames().isEmpty());
}

void TestGuiSynth::importedSetCannotTrainOnGeneratedQueries()
{
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    embtune::gui::SynthRequest request;
    request.name = QStringLiteral("titles");
    request.options.generator = "title";
    QVERIFY(runAndWait(*window, &embtune::gui::GeneratedQueriesController::queriesGenerated, [&] { return window->generatedQueries()->generateQueries(request); }));
    QCOMPARE(window->generatedQueries()->generatedQueriesPanel()->queriesModel()->rowCount(), 8);
    // A taken name is refused before any work.
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(!window->generatedQueries()->generateQueries(request));
    QVERIFY(errors.last().first().toString().contains(QStringLiteral("already")));

    // Vectors imported without an embedder: no way to embed generated queries alike.
    const QString vectors = m_dir.filePath(QStringLiteral("imported"));
    QDir().mkpath(vectors);
    std::vector<float> values(8 * 3, 0.5f);
    QVERIFY(engine::writeNpyMatrix(local(vectors + "/corpus.npy"), engine::FloatMatrix(8, 3, values).map()).ok());
    QVERIFY(writeText(vectors + "/corpus_ids.txt", "d0\nd1\nd2\nd3\nd4\nd5\nd6\nd7\n"));
    QVERIFY(importAndWait(*window, vectors));
    const QString problem = embtune::gui::generatedTrainingProblem(window->embeddingSets()->currentRow());
    QVERIFY2(problem.contains(QStringLiteral("computed outside embtune")), qPrintable(problem));

    window->training()->trainAction()->trigger();
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = findDialog(QStringLiteral("trainDialog"))));
    auto *trainDialog = qobject_cast<embtune::gui::TrainDialog *>(dialog);
    auto *choice = dialog->findChild<QComboBox *>(QStringLiteral("trainingQueriesCombo"));
    QCOMPARE(choice->count(), 3);
    auto *items = qobject_cast<QStandardItemModel *>(choice->model());
    QVERIFY(items && !items->item(1)->isEnabled() && !items->item(2)->isEnabled());
    QVERIFY(!trainDialog->setTrainingQueriesChoice(QStringLiteral("titles"), false));
    auto *note = dialog->findChild<QLabel *>(QStringLiteral("trainingQueriesNote"));
    QVERIFY2(note->text().contains(QStringLiteral("computed outside embtune")), qPrintable(note->text()));
    dialog->reject();

    // Asked directly, train() refuses with the same reason.
    embtune::gui::TrainRequest train;
    train.methodId = QStringLiteral("linear");
    train.generatedSet = QStringLiteral("titles");
    QVERIFY(!window->training()->train(train));
    QVERIFY(errors.last().first().toString().contains(QStringLiteral("computed outside embtune")));
    QVERIFY(window->generatedQueries()->deleteGeneratedSet(QStringLiteral("titles")));
}

void TestGuiSynth::workspaceStoresSets()
{
    const QString folder = m_dir.filePath(QStringLiteral("workspace"));
    {
        auto ws = embtune::app::Workspace::open(local(folder), embtune::app::Workspace::OpenMode::OpenOrCreate);
        QVERIFY(ws.ok());
        auto window = makeWindow(m_settings);
        QVERIFY(openAndWait(*window, m_dataset));
        window->generatedQueries()->setGeneratedSetWorkspace(&*ws);
        embtune::gui::SynthRequest request;
        request.name = QStringLiteral("keyphrases");
        request.options.generator = "keyphrase";
        request.options.terms = 3;
        QVERIFY(runAndWait(*window, &embtune::gui::GeneratedQueriesController::queriesGenerated, [&] { return window->generatedQueries()->generateQueries(request); }));
        auto sets = ws->querySets();
        QVERIFY(sets.ok());
        QCOMPARE(sets->size(), size_t(1));
        QCOMPARE(sets->front().name, std::string("keyphrases"));
        QCOMPARE(sets->front().generator, std::string("keyphrase"));
        QCOMPARE(sets->front().count, int64_t(8));
        QVERIFY(QFile::exists(folder + "/" + QString::fromStdString(sets->front().folder) + "/manifest.json"));
        // Without the workspace the data folder holds no such set.
        window->generatedQueries()->setGeneratedSetWorkspace(nullptr);
        QVERIFY(window->generatedQueries()->generatedSetNames().isEmpty());
        window->generatedQueries()->setGeneratedSetWorkspace(&*ws);
        QCOMPARE(window->generatedQueries()->generatedSetNames(), QStringList{QStringLiteral("keyphrases")});
        window->generatedQueries()->setGeneratedSetWorkspace(nullptr);
    }
    {
        // A write that fails leaves no record and no folder; a taken name is refused.
        auto ws = embtune::app::Workspace::open(local(folder));
        QVERIFY(ws.ok());
        embtune::app::QuerySetRecord record;
        record.datasetId = ws->querySets()->front().datasetId;
        record.name = "broken";
        auto failed = ws->storeQuerySet(record, [](const std::string &) {
            return engine::Status(engine::Error::io("disk full", "x"));
        });
        QVERIFY(!failed.ok());
        QCOMPARE(ws->querySets()->size(), size_t(1));
        QCOMPARE(QDir(folder + "/artifacts/query_sets").entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden).size(),
                 1);
        record.name = "keyphrases";
        auto taken = ws->storeQuerySet(record, [](const std::string &) { return engine::Status(); });
        QVERIFY(!taken.ok());
        QVERIFY(QString::fromStdString(taken.error().message).contains(QStringLiteral("already has")));
    }
    // Reopened (restart): listed again; deleted with its record and folder.
    auto ws = embtune::app::Workspace::open(local(folder));
    QVERIFY(ws.ok());
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    window->generatedQueries()->setGeneratedSetWorkspace(&*ws);
    QCOMPARE(window->generatedQueries()->generatedSetNames(), QStringList{QStringLiteral("keyphrases")});
    QCOMPARE(window->generatedQueries()->generatedQueriesPanel()->setCount(), 1);
    const std::string setFolder = ws->querySets()->front().folder;
    QVERIFY(window->generatedQueries()->deleteGeneratedSet(QStringLiteral("keyphrases")));
    QVERIFY(ws->querySets()->empty());
    QVERIFY(!QFile::exists(folder + "/" + QString::fromStdString(setFolder)));
    window->generatedQueries()->setGeneratedSetWorkspace(nullptr);
}

void TestGuiSynth::apiSetEmbedsGeneratedQueriesThroughTheApi()
{
    embtune::test::HttpTestServer server(embeddingsAnswer);
    QVERIFY(server.isListening());
    qputenv("EMBTUNE_SYNTH_TEST_KEY", "sk-synth-test");
    {
        // Where the key is, as the Compute via API dialog saves it (never the key itself).
        QSettings settings(m_settings, QSettings::IniFormat);
        settings.setValue(QStringLiteral("remote/keySource"), QStringLiteral("environment"));
        settings.setValue(QStringLiteral("remote/keyVariable"), QStringLiteral("EMBTUNE_SYNTH_TEST_KEY"));
    }
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    embtune::gui::RemoteRequest remote;
    remote.settings.baseUrl = server.baseUrl().toString();
    remote.settings.model = QStringLiteral("emb-test");
    remote.keySource.environmentVariable = QStringLiteral("EMBTUNE_SYNTH_TEST_KEY");
    remote.keySource.keychainService.clear();
    QVERIFY(runAndWait(*window, &embtune::gui::EmbeddingsController::embeddingsComputed, [&] { return window->embeddings()->computeRemote(remote); }));
    const size_t before = server.requests().size();

    embtune::gui::SynthRequest titles;
    titles.name = QStringLiteral("titles");
    titles.options.generator = "title";
    QVERIFY(runAndWait(*window, &embtune::gui::GeneratedQueriesController::queriesGenerated, [&] { return window->generatedQueries()->generateQueries(titles); }));
    QVERIFY2(embtune::gui::generatedTrainingProblem(window->embeddingSets()->currentRow()).isEmpty(), qPrintable(embtune::gui::generatedTrainingProblem(window->embeddingSets()->currentRow())));
    embtune::gui::TrainRequest train;
    train.methodId = QStringLiteral("linear");
    train.params = {{"epochs", "2"}};
    train.generatedSet = QStringLiteral("titles");
    QSignalSpy trained(window->training(), &embtune::gui::TrainingController::trainingFinished);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(window->training()->train(train));
    QTRY_VERIFY_WITH_TIMEOUT(trained.count() + errors.count() >= 1 && !window->training()->hasActiveTraining(), kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QTRY_COMPARE(trained.count(), 1);

    // The generated queries (the titles "Topic 0" .. "Topic 3") went to the same endpoint and model.
    QSet<QString> sent;
    const auto requests = server.requests();
    for (size_t i = before; i < requests.size(); ++i) {
        const QJsonObject body = QJsonDocument::fromJson(requests[i].body).object();
        QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("emb-test"));
        for (const QJsonValue &input : body.value(QStringLiteral("input")).toArray())
            sent.insert(input.toString());
    }
    for (int t = 0; t < 4; ++t)
        QVERIFY2(sent.contains(QStringLiteral("Topic %1").arg(t)), qPrintable(QStringList(sent.values()).join('|')));
}

void TestGuiSynth::llmGeneratorAsksAboveTheCostLimit()
{
    embtune::test::HttpTestServer server(chatAnswer);
    QVERIFY(server.isListening());
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    embtune::gui::SynthRequest request;
    request.name = QStringLiteral("questions");
    request.options.generator = "llm";
    request.options.perDocument = 2;
    request.llm.baseUrl = server.baseUrl().toString();
    request.llm.model = QStringLiteral("chat-test");
    request.llm.pricePerMillionTokens = 1e6; // every token costs 1: far above the limit
    request.confirmAbove = 1.0;
    request.useKey = false;
    QSignalSpy generated(window->generatedQueries(), &embtune::gui::GeneratedQueriesController::queriesGenerated);
    QSignalSpy errors(window->feedback(), &embtune::gui::Feedback::errorShown);
    QVERIFY(window->generatedQueries()->generateQueries(request));
    QMessageBox *box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((box = findDialog<QMessageBox>(QStringLiteral("confirmCostBox"))), kTimeoutMs);
    QVERIFY(server.requests().empty()); // nothing sent before the answer
    QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("confirmCostButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(generated.count() + errors.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().first().toString()));
    QCOMPARE(server.requests().size(), size_t(8)); // one per document
    widgets::GeneratedQueriesModel *model = window->generatedQueries()->generatedQueriesPanel()->queriesModel();
    QCOMPARE(model->rowCount(), 16);
    QCOMPARE(model->index(0, widgets::GeneratedQueriesModel::QueryColumn).data().toString(),
             QStringLiteral("What about reefs?"));
    QCOMPARE(model->index(0, widgets::GeneratedQueriesModel::DocumentColumn).data().toString(), QStringLiteral("d0"));
}

// Cancel while the chat model is answering: the job ends cancelled at once and stores nothing.
void TestGuiSynth::cancelWhileGenerating()
{
    embtune::test::HttpTestServer server([](const embtune::test::HttpRequest &request) {
        embtune::test::HttpResponse response = chatAnswer(request);
        response.delayMs = 20000;
        return response;
    });
    QVERIFY(server.isListening());
    auto window = makeWindow(m_settings);
    QVERIFY(openAndWait(*window, m_dataset));
    embtune::gui::SynthRequest request;
    request.name = QStringLiteral("slow");
    request.options.generator = "llm";
    request.llm.baseUrl = server.baseUrl().toString();
    request.llm.model = QStringLiteral("chat-test");
    request.useKey = false;
    QSignalSpy cancelled(window->jobs(), &embtune::gui::JobRunner::cancelled);
    QSignalSpy generated(window->generatedQueries(), &embtune::gui::GeneratedQueriesController::queriesGenerated);
    QVERIFY(window->generatedQueries()->generateQueries(request));
    QTRY_VERIFY_WITH_TIMEOUT(!server.requests().empty(), kTimeoutMs); // a request is in flight
    QVERIFY(window->jobs()->isBusy());
    QElapsedTimer timer;
    timer.start();
    window->jobs()->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(cancelled.count() == 1 && !window->jobs()->isBusy(), kTimeoutMs);
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(generated.count(), 0);
    QVERIFY(window->generatedQueries()->generatedSetNames().isEmpty());
}

// A workspace opened in the GUI (File > New Workspace) receives the generated sets; after it is
// closed they are gone from the list, and reopening it lists them again.
void TestGuiSynth::openWorkspaceKeepsGeneratedSets()
{
    const QString folder = m_dir.filePath(QStringLiteral("gui-workspace"));
    auto window = makeWindow(m_settings);
    QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->newWorkspace(folder); }));
    QVERIFY(openAndWait(*window, m_dataset));
    embtune::gui::SynthRequest request;
    request.name = QStringLiteral("titles in the workspace");
    request.options.generator = "title";
    QVERIFY(runAndWait(*window, &embtune::gui::GeneratedQueriesController::queriesGenerated, [&] { return window->generatedQueries()->generateQueries(request); }));
    QVERIFY(window->generatedQueries()->generatedSetNames().contains(request.name));
    window->workspace()->closeWorkspace();
    QVERIFY(!window->generatedQueries()->generatedSetNames().contains(request.name));
    {
        auto ws = embtune::app::Workspace::open(local(folder));
        QVERIFY2(ws.ok(), ws.ok() ? "" : ws.error().message.c_str());
        auto sets = ws->querySets();
        QVERIFY(sets.ok());
        QCOMPARE(sets->size(), size_t(1));
        QCOMPARE(QString::fromStdString(sets->front().name), request.name);
    }
    QVERIFY(runAndWait(*window, &embtune::gui::WorkspaceController::workspaceRestored, [&] { return window->workspace()->openWorkspace(folder); }));
    QTRY_VERIFY_WITH_TIMEOUT(window->generatedQueries()->generatedSetNames().contains(request.name), 30000);
    window->close();
}

QTEST_MAIN(TestGuiSynth)
#include "test_gui_synth.moc"
