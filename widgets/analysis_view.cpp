#include "analysis_view.h"

#include "anisotropy_card.h"
#include "histogram_chart_view.h"
#include "scatter_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace embtune::widgets {

namespace {

QString elided(const std::string &text, int maximum)
{
    QString out = QString::fromStdString(text).simplified();
    if (out.size() > maximum)
        out = out.left(maximum - 1) + QChar(0x2026);
    return out;
}

} // namespace

AnalysisView::AnalysisView(QWidget *parent)
    : QWidget(parent)
{
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("analysisTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("analysisSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_card = new AnisotropyCard(this);
    m_card->setObjectName(QStringLiteral("anisotropyCard"));
    auto *cardGroup = new QGroupBox(tr("Anisotropy"), this);
    auto *cardLayout = new QVBoxLayout(cardGroup);
    cardLayout->addWidget(m_card);

    m_oodButton = new QPushButton(tr("Run &OOD Report"), this);
    m_oodButton->setObjectName(QStringLiteral("oodButton"));
    connect(m_oodButton, &QPushButton::clicked, this, &AnalysisView::oodRequested);
    m_oodLabel = new QLabel(this);
    m_oodLabel->setObjectName(QStringLiteral("oodLabel"));
    m_oodLabel->setWordWrap(true);
    m_oodLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_oodTable = new QTableWidget(this);
    m_oodTable->setObjectName(QStringLiteral("oodTable"));
    m_oodTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_oodTable->setSelectionMode(QAbstractItemView::NoSelection);
    m_oodTable->setAlternatingRowColors(true);
    m_oodTable->verticalHeader()->hide();
    m_oodTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_oodTable->horizontalHeader()->setMinimumSectionSize(40);
    m_oodTable->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_oodTable->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_oodTable->setColumnCount(6);
    for (int c = 0; c < 3; ++c)
        m_oodTable->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_oodTable->setHorizontalHeaderLabels(
        {tr("cluster"), tr("queries"), tr("run"), tr("nDCG@10"), tr("R@10"), tr("R@100")});
    m_oodTable->horizontalHeaderItem(0)->setToolTip(
        tr("Test queries by their nearest k-means centroid: 0 = the cluster tuned on (in-distribution), 1 = the "
           "other (out-of-distribution)"));
    m_oodTable->setMinimumHeight(m_oodTable->horizontalHeader()->sizeHint().height() +
                                 4 * m_oodTable->verticalHeader()->defaultSectionSize() + 4);
    m_oodTable->setMaximumHeight(m_oodTable->minimumHeight());
    auto *oodGroup = new QGroupBox(tr("Out of distribution (k-means k = 2 on the train queries)"), this);
    auto *oodLayout = new QVBoxLayout(oodGroup);
    auto *oodRow = new QHBoxLayout;
    oodRow->addWidget(m_oodButton);
    oodRow->addWidget(m_oodLabel, 1);
    oodLayout->addLayout(oodRow);
    oodLayout->addWidget(m_oodTable, 1);

    m_histograms = new HistogramChartView(this);
    m_histograms->setObjectName(QStringLiteral("histogramChart"));
    m_histograms->setToolTip(tr("Share of each distribution's pairs per bin of cos(q, d): relevant pairs (green), "
                                "random pairs (grey), each query's top-10 non-relevant documents (red); dashed "
                                "before, solid after tuning"));

    m_scatter = new ScatterView(this);
    m_scatter->setObjectName(QStringLiteral("scatterView"));
    m_scatter->setToolTip({});
    m_scatter->setAxisTitles(tr("PC1"), tr("PC2"));
    m_scatter->setArrowLayer(Query); // arrows above the documents, below the queries and the selection
    m_scatter->setPlaceholderText(tr("No analysis yet."));
    m_queryCombo = new QComboBox(this);
    m_queryCombo->setObjectName(QStringLiteral("analysisQueryCombo"));
    m_queryCombo->setEditable(true);
    m_queryCombo->setInsertPolicy(QComboBox::NoInsert);
    m_queryCombo->setMinimumContentsLength(24);
    m_queryCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_queryCombo->completer()->setFilterMode(Qt::MatchContains);
    m_queryCombo->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_queryCombo->setToolTip(tr("Query whose relevant documents are coloured (type to search by id or text, or click "
                                "a query point)"));
    connect(m_queryCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            selectQuery(m_queryCombo->itemData(index).toInt());
    });
    auto *queryLabel = new QLabel(tr("&Query:"), this);
    queryLabel->setBuddy(m_queryCombo);
    m_arrowsBox = new QCheckBox(tr("&Arrows"), this);
    m_arrowsBox->setObjectName(QStringLiteral("arrowsBox"));
    m_arrowsBox->setChecked(true);
    m_arrowsBox->setToolTip(tr("Arrows from each moved vector's position before tuning to its position after"));
    connect(m_arrowsBox, &QCheckBox::toggled, m_scatter, &ScatterView::setArrowsVisible);
    auto *fitButton = new QToolButton(this);
    fitButton->setText(tr("&Fit"));
    fitButton->setToolTip(tr("Show every point (or double-click the plot); wheel zooms, drag pans"));
    connect(fitButton, &QToolButton::clicked, m_scatter, &ScatterView::fitToData);
    m_selectionLabel = new QLabel(this);
    m_selectionLabel->setObjectName(QStringLiteral("analysisSelection"));
    m_selectionLabel->setWordWrap(true);
    connect(m_scatter, &ScatterView::pointClicked, this, [this](int point) {
        if (!m_analysis || point < 0)
            return;
        const int docs = int(m_analysis->documentsBefore2d.size());
        if (point >= docs)
            selectQuery(m_analysis->queries[size_t(point - docs)]);
    });
    m_scatter->setToolTipProvider([this](int point) { return describePoint(point); });

    auto *scatterGroup = new QGroupBox(tr("PCA plane (fitted on the baseline's documents and queries)"), this);
    auto *scatterLayout = new QVBoxLayout(scatterGroup);
    auto *scatterRow = new QHBoxLayout;
    scatterRow->addWidget(queryLabel);
    scatterRow->addWidget(m_queryCombo, 1);
    scatterRow->addWidget(m_arrowsBox);
    scatterRow->addWidget(fitButton);
    scatterLayout->addLayout(scatterRow);
    scatterLayout->addWidget(m_scatter, 1);
    scatterLayout->addWidget(m_selectionLabel);

    auto *histogramGroup = new QGroupBox(tr("Cosine similarities of query-document pairs"), this);
    auto *histogramLayout = new QVBoxLayout(histogramGroup);
    histogramLayout->setContentsMargins(2, 2, 2, 2);
    histogramLayout->addWidget(m_histograms);

    auto *left = new QSplitter(Qt::Vertical, this);
    left->setObjectName(QStringLiteral("analysisLeftSplitter"));
    left->addWidget(cardGroup);
    left->addWidget(histogramGroup);
    left->addWidget(oodGroup);
    left->setStretchFactor(0, 0);
    left->setStretchFactor(1, 1);
    left->setStretchFactor(2, 0);
    left->setSizes({cardGroup->sizeHint().height(), 400, oodGroup->sizeHint().height()});
    left->setChildrenCollapsible(false);
    auto *columns = new QSplitter(Qt::Horizontal, this);
    columns->setObjectName(QStringLiteral("analysisSplitter"));
    columns->addWidget(left);
    columns->addWidget(scatterGroup);
    columns->setStretchFactor(0, 2);
    columns->setStretchFactor(1, 3);
    columns->setSizes({500, 800});
    columns->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(columns, 1);

    setOodAvailable(false, tr("The OOD report needs a trained run."));
    showMessage(tr("Select a run in the comparison table and choose View > Analysis (Ctrl+4)."));
}

void AnalysisView::showMessage(const QString &message)
{
    m_analysis.reset();
    m_selectedQuery = -1;
    m_queryPoint.clear();
    m_title->setText(QStringLiteral("<i>%1</i>").arg(message.toHtmlEscaped()));
    m_summary->clear();
    m_card->clearStats();
    m_histograms->clear();
    m_scatter->setPoints({}, {});
    m_scatter->setArrows({});
    m_scatter->setPlaceholderText(message);
    {
        const QSignalBlocker blocker(m_queryCombo);
        m_queryCombo->clear();
    }
    m_selectionLabel->clear();
    m_oodTable->setRowCount(0);
    m_oodLabel->clear();
}

void AnalysisView::setAnalysis(std::shared_ptr<const RunAnalysis> analysis)
{
    if (!analysis) {
        showMessage(tr("No analysis."));
        return;
    }
    m_analysis = std::move(analysis);
    const RunAnalysis &a = *m_analysis;
    m_title->setText(a.hasAfter ? tr("<b>%1</b>: before (the black-box set) and after tuning with %2")
                                      .arg(a.runName.toHtmlEscaped(), a.methodId.toHtmlEscaped())
                                : tr("<b>%1</b>: the embedding set as is").arg(a.runName.toHtmlEscaped()));
    QString summary = tr("Split %1: cosine histograms of %2 judged queries. PCA plane: PC1 %3%, PC2 %4% of the "
                         "variance.")
                          .arg(QString::fromStdString(a.split))
                          .arg(a.similarityBefore.queries)
                          .arg(100 * a.varianceShare[0], 0, 'f', 1)
                          .arg(100 * a.varianceShare[1], 0, 'f', 1);
    if (a.projectionSampledRows > 0)
        summary += QLatin1Char(' ') + tr("(Plane fitted on a uniform sample of %1 vectors; * marks statistics "
                                         "estimated on a sample.)")
                                          .arg(QLocale().toString(qint64(a.projectionSampledRows)));
    if (a.hasAfter)
        summary += QLatin1Char(' ') + tr("Moved: %1 of %2 documents, %3 of %4 queries.")
                                          .arg(QLocale().toString(qint64(a.movedDocuments.size())),
                                               QLocale().toString(qint64(a.documentsBefore2d.size())),
                                               QLocale().toString(qint64(a.movedQueries.size())),
                                               QLocale().toString(qint64(a.queries.size())));
    if (a.hasAfter && a.documentsAfter2d.empty())
        summary += QLatin1Char(' ') + tr("The tuned vectors have another dimension: the plane shows the vectors "
                                         "before tuning only.");
    m_summary->setText(summary);
    if (a.hasAfter)
        m_card->setStats(a.documentsBefore, a.queriesBefore, &a.documentsAfter, &a.queriesAfter);
    else
        m_card->setStats(a.documentsBefore, a.queriesBefore, nullptr, nullptr);
    m_histograms->setDistributions(a.similarityBefore, a.hasAfter ? &a.similarityAfter : nullptr);
    m_oodTable->setRowCount(0);
    m_oodLabel->clear();
    fillScatter();
}

void AnalysisView::fillScatter()
{
    const RunAnalysis &a = *m_analysis;
    const bool after = !a.documentsAfter2d.empty();
    const size_t docs = a.documentsBefore2d.size();
    std::vector<QPointF> points(after ? a.documentsAfter2d : a.documentsBefore2d);
    points.reserve(docs + a.queries.size());
    const bool queriesAfter = a.queriesAfter2d.size() == a.queries.size() && !a.queries.empty();
    for (size_t q = 0; q < a.queries.size(); ++q)
        points.push_back(queriesAfter ? a.queriesAfter2d[q] : a.queriesBefore2d[q]);
    std::vector<QLineF> arrows;
    if (after)
        for (int32_t d : a.movedDocuments)
            arrows.emplace_back(a.documentsBefore2d[size_t(d)], a.documentsAfter2d[size_t(d)]);
    if (queriesAfter)
        for (int32_t q : a.movedQueries)
            arrows.emplace_back(a.queriesBefore2d[size_t(q)], a.queriesAfter2d[size_t(q)]);

    const QString moved = a.movedDocuments.empty() ? QString() : tr("moved documents");
    m_scatter->setStyles({
        {QColor(110, 110, 110, 90), 1, tr("documents"), 0},
        {QColor(40, 90, 200, 200), 2, moved, 1},
        {QColor(230, 140, 20, 200), 2, tr("queries"), 2},
        {QColor(20, 150, 50, 255), 4, tr("relevant to the selected query"), 3},
        {QColor(200, 20, 20, 255), 5, tr("selected query"), 4},
    });
    std::vector<quint8> categories(points.size(), Document);
    m_scatter->setArrows(std::move(arrows));
    m_scatter->setPoints(std::move(points), std::move(categories));

    m_queryPoint.assign(a.dataset ? size_t(a.dataset->queryCount()) : 0, -1);
    {
        const QSignalBlocker blocker(m_queryCombo);
        m_queryCombo->clear();
        for (size_t q = 0; q < a.queries.size(); ++q) {
            const int32_t query = a.queries[q];
            if (size_t(query) < m_queryPoint.size())
                m_queryPoint[size_t(query)] = int(docs + q);
            if (!a.dataset)
                continue;
            m_queryCombo->addItem(QStringLiteral("%1: %2").arg(QString::fromStdString(a.dataset->queryIds.id(query)),
                                                               elided(a.dataset->queries[size_t(query)], 90)),
                                  query);
        }
    }
    m_selectedQuery = -1;
    // The first query of the split with a relevant document, else the first drawn query.
    int32_t first = a.queries.empty() ? -1 : a.queries.front();
    if (a.dataset)
        if (const engine::Qrels *qrels = a.dataset->split(a.split))
            for (const engine::QueryJudgements &q : qrels->queries)
                if (q.relevantCount() > 0 && size_t(q.query) < m_queryPoint.size() && m_queryPoint[size_t(q.query)] >= 0) {
                    first = q.query;
                    break;
                }
    if (first >= 0)
        selectQuery(first);
    else
        recolour();
}

bool AnalysisView::selectQuery(int32_t queryIndex)
{
    if (!m_analysis || queryIndex < 0 || size_t(queryIndex) >= m_queryPoint.size() || m_queryPoint[size_t(queryIndex)] < 0)
        return false;
    m_selectedQuery = queryIndex;
    {
        const QSignalBlocker blocker(m_queryCombo);
        m_queryCombo->setCurrentIndex(m_queryCombo->findData(queryIndex));
    }
    recolour();
    return true;
}

void AnalysisView::recolour()
{
    const RunAnalysis &a = *m_analysis;
    const size_t docs = a.documentsBefore2d.size();
    std::vector<quint8> categories(size_t(m_scatter->pointCount()), Document);
    for (int32_t d : a.movedDocuments)
        categories[size_t(d)] = MovedDocument;
    for (size_t q = 0; q < a.queries.size(); ++q)
        categories[docs + q] = Query;
    int relevant = 0, relevantMoved = 0;
    if (m_selectedQuery >= 0 && a.dataset) {
        const engine::Qrels judged = a.dataset->judgementsFor({m_selectedQuery});
        for (const engine::QueryJudgements &q : judged.queries)
            for (const engine::Judgement &j : q.judged)
                if (j.gain > 0 && size_t(j.doc) < docs) {
                    relevantMoved += categories[size_t(j.doc)] == MovedDocument ? 1 : 0;
                    categories[size_t(j.doc)] = RelevantDocument;
                    ++relevant;
                }
        categories[size_t(m_queryPoint[size_t(m_selectedQuery)])] = SelectedQuery;
        m_scatter->setMarkedPoint(m_queryPoint[size_t(m_selectedQuery)]);
        QString text = tr("Query %1: %2 relevant document(s)")
                           .arg(QString::fromStdString(a.dataset->queryIds.id(m_selectedQuery)))
                           .arg(relevant);
        if (!a.documentsAfter2d.empty())
            text += tr(", %1 of them moved").arg(relevantMoved);
        m_selectionLabel->setText(text + tr(". Hover a point for its id and text; click a query to select it."));
    } else {
        m_scatter->setMarkedPoint(-1);
        m_selectionLabel->clear();
    }
    m_scatter->setCategories(std::move(categories));
}

int AnalysisView::pointOfDocument(int32_t doc) const
{
    if (!m_analysis || doc < 0 || size_t(doc) >= m_analysis->documentsBefore2d.size())
        return -1;
    return doc;
}

int AnalysisView::pointOfQuery(int32_t query) const
{
    return query >= 0 && size_t(query) < m_queryPoint.size() ? m_queryPoint[size_t(query)] : -1;
}

QString AnalysisView::describePoint(int point) const
{
    if (!m_analysis || !m_analysis->dataset || point < 0 || point >= m_scatter->pointCount())
        return {};
    const RunAnalysis &a = *m_analysis;
    const engine::Dataset &dataset = *a.dataset;
    const size_t docs = a.documentsBefore2d.size();
    auto movement = [](QPointF from, QPointF to) {
        return tr("<br><i>moved %1 in the plane</i>").arg(QLineF(from, to).length(), 0, 'g', 3);
    };
    if (size_t(point) < docs) {
        const engine::Document &doc = dataset.docs[size_t(point)];
        QString text = tr("<b>document %1</b>").arg(QString::fromStdString(dataset.docIds.id(point)).toHtmlEscaped());
        if (!doc.title.empty())
            text += QStringLiteral("<br><b>%1</b>").arg(elided(doc.title, 160).toHtmlEscaped());
        text += QStringLiteral("<br>%1").arg(elided(doc.text, 400).toHtmlEscaped());
        if (!a.documentsAfter2d.empty() &&
            std::binary_search(a.movedDocuments.begin(), a.movedDocuments.end(), int32_t(point)))
            text += movement(a.documentsBefore2d[size_t(point)], a.documentsAfter2d[size_t(point)]);
        return QStringLiteral("<p style='white-space:pre-wrap; max-width: 420px'>%1</p>").arg(text);
    }
    const size_t q = size_t(point) - docs;
    const int32_t query = a.queries[q];
    QString text = tr("<b>query %1</b><br>%2")
                       .arg(QString::fromStdString(dataset.queryIds.id(query)).toHtmlEscaped(),
                            elided(dataset.queries[size_t(query)], 400).toHtmlEscaped());
    if (a.queriesAfter2d.size() == a.queries.size() &&
        std::binary_search(a.movedQueries.begin(), a.movedQueries.end(), int32_t(q)))
        text += movement(a.queriesBefore2d[q], a.queriesAfter2d[q]);
    return QStringLiteral("<p style='white-space:pre-wrap; max-width: 420px'>%1</p>").arg(text);
}

void AnalysisView::setOodAvailable(bool available, const QString &toolTip)
{
    m_oodButton->setEnabled(available);
    m_oodButton->setToolTip(toolTip);
}

void AnalysisView::setOodMessage(const QString &message)
{
    m_oodTable->setRowCount(0);
    m_oodLabel->setText(message);
}

void AnalysisView::setOodReport(const engine::OodReport &report, const QString &methodName)
{
    m_oodLabel->setText(tr("Tuned on cluster 0: %1 train and %2 dev queries (cluster 1: %3 train queries left "
                           "out); fit %4 s.")
                            .arg(report.trainQueries[0])
                            .arg(report.devQueries[0])
                            .arg(report.trainQueries[1])
                            .arg(report.fitSeconds, 0, 'f', 2));
    m_oodTable->setRowCount(4);
    int row = 0;
    for (int cluster = 0; cluster < 2; ++cluster)
        for (const auto &[label, run] : {std::pair<QString, const engine::MetricResults *>{tr("baseline"), &report.baseline},
                                         {methodName, &report.tuned}}) {
            const bool tuned = run == &report.tuned;
            QStringList cells{cluster == 0 ? tr("0 in-dist.") : tr("1 out-of-dist."),
                              QString::number(report.testQueries(cluster)), label};
            QList<double> values;
            for (const auto &[metric, k] : {std::pair{engine::Metric::Ndcg, 10}, std::pair{engine::Metric::Recall, 10},
                                            std::pair{engine::Metric::Recall, 100}})
                values << report.mean(*run, cluster, metric, k);
            for (int c = 0; c < 6; ++c) {
                auto *item = new QTableWidgetItem(c < 3 ? cells[c] : QString::number(values[c - 3], 'f', 4));
                if (c >= 3) {
                    const double value = values[c - 3];
                    item->setData(Qt::UserRole, value);
                    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                    if (tuned) {
                        const double base = report.mean(report.baseline, cluster,
                                                        c == 3 ? engine::Metric::Ndcg : engine::Metric::Recall,
                                                        c == 5 ? 100 : 10);
                        item->setToolTip(tr("%1 vs baseline %2 (%3%4)")
                                             .arg(value, 0, 'f', 5)
                                             .arg(base, 0, 'f', 5)
                                             .arg(value >= base ? QStringLiteral("+") : QString())
                                             .arg(value - base, 0, 'f', 5));
                        if (value < base)
                            item->setForeground(QColor(0xb0, 0x20, 0x20));
                    }
                }
                if (tuned) {
                    QFont font = item->font();
                    font.setBold(true);
                    item->setFont(font);
                }
                m_oodTable->setItem(row, c, item);
            }
            ++row;
        }
}

} // namespace embtune::widgets
