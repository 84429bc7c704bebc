#pragma once
// The analysis view of one run: the anisotropy card before and after, overlaid cosine
// histograms, the PCA scatter (documents and queries, coloured by relevance to a selected query,
// arrows from before to after for whatever moved, zoom/pan, hover text) and the
// out-of-distribution report (a button asks for it: oodRequested()).
// Shows what it is given (RunAnalysis, OodReport); computes nothing beyond mapping them to
// points and rows. GUI thread only.

#include "analysis/ood_report.h"
#include "run_analysis.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace embtune::widgets {

class AnisotropyCard;
class HistogramChartView;
class ScatterView;

class AnalysisView : public QWidget {
    Q_OBJECT
public:
    // Scatter categories (ScatterView styles).
    enum Category : quint8 { Document, MovedDocument, Query, RelevantDocument, SelectedQuery, CategoryCount };

    explicit AnalysisView(QWidget *parent = nullptr);

    void setAnalysis(std::shared_ptr<const RunAnalysis> analysis);
    std::shared_ptr<const RunAnalysis> analysis() const { return m_analysis; }
    // Clears everything and shows `message` (e.g. "Computing ..." or why there is nothing).
    void showMessage(const QString &message);

    // The OOD report button: enabled with a tool tip, or disabled with the reason.
    void setOodAvailable(bool available, const QString &toolTip);
    void setOodReport(const engine::OodReport &report, const QString &methodName);
    // Replaces the report table with a message (running, failed, cancelled).
    void setOodMessage(const QString &message);

    // Colours the scatter by relevance to query `queryIndex` (a dense index of analysis()->queries);
    // false when it is not drawn.
    bool selectQuery(int32_t queryIndex);
    int32_t selectedQuery() const { return m_selectedQuery; }
    // Scatter point of a document / of a drawn query (-1 when absent).
    int pointOfDocument(int32_t doc) const;
    int pointOfQuery(int32_t query) const;
    // Tooltip text of a scatter point.
    QString describePoint(int point) const;

    AnisotropyCard *card() const { return m_card; }
    HistogramChartView *histogramChart() const { return m_histograms; }
    ScatterView *scatter() const { return m_scatter; }
    QComboBox *queryCombo() const { return m_queryCombo; }
    QPushButton *oodButton() const { return m_oodButton; }
    QTableWidget *oodTable() const { return m_oodTable; }
    QLabel *oodLabel() const { return m_oodLabel; }

signals:
    void oodRequested();

private:
    void fillScatter();
    void recolour();

    std::shared_ptr<const RunAnalysis> m_analysis;
    int32_t m_selectedQuery = -1;
    std::vector<int> m_queryPoint; // per dense query index: its scatter point, or -1

    QLabel *m_title = nullptr;
    QLabel *m_summary = nullptr;
    AnisotropyCard *m_card = nullptr;
    HistogramChartView *m_histograms = nullptr;
    ScatterView *m_scatter = nullptr;
    QComboBox *m_queryCombo = nullptr;
    QCheckBox *m_arrowsBox = nullptr;
    QLabel *m_selectionLabel = nullptr;
    QPushButton *m_oodButton = nullptr;
    QLabel *m_oodLabel = nullptr;
    QTableWidget *m_oodTable = nullptr;
};

} // namespace embtune::widgets
