#pragma once
// The compare view: runs x metrics and metric@k curves of a MetricsTableModel.
//   Controls: baseline run (deltas and significance markers refer to it), table columns
//   (a summary or one metric at k = 1, 3, 5, 10, 100), cell text (value, value and delta,
//   delta), a filter on run names, Export (table as CSV / Markdown / LaTeX, chart as PNG / SVG,
//   a report folder): the view asks for exports with exportRequested, the application writes.
//   Table: sortable by any column (a QSortFilterProxyModel over the model, sorting by value),
//   rows filtered by run name; double-clicking a row emits runActivated.
//   Chart: curves of the runs that pass the filter, or of the selected rows when two or more
//   are selected; metric (nDCG and recall, or any single metric) and a log-k option.
// The view owns no data: the model is the application's and must outlive the view.

#include "eval/metrics.h"

#include <QSortFilterProxyModel>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class QToolButton;

namespace embtune::widgets {

class MetricsChartView;
class MetricsTableModel;

// Rows of a MetricsTableModel whose run label contains the filter text (case-insensitive);
// sorts by MetricsTableModel::ValueRole.
class RunFilterProxyModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit RunFilterProxyModel(QObject *parent = nullptr);
    void setRunFilter(const QString &text);
    QString runFilter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_filter;
};

class CompareView : public QWidget {
    Q_OBJECT
public:
    enum class Export { Csv, Markdown, Latex, ChartPng, ChartSvg, Report };

    explicit CompareView(MetricsTableModel *model, QWidget *parent = nullptr);

    MetricsTableModel *model() const { return m_model; }
    RunFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *tableView() const { return m_table; }
    MetricsChartView *chart() const { return m_chart; }
    QComboBox *baselineCombo() const { return m_baselineCombo; }
    QComboBox *columnsCombo() const { return m_columnsCombo; }
    QComboBox *cellTextCombo() const { return m_cellTextCombo; }
    QComboBox *curvesCombo() const { return m_curvesCombo; }
    QCheckBox *logKCheck() const { return m_logKCheck; }
    QLineEdit *filterEdit() const { return m_filterEdit; }
    QToolButton *exportButton() const { return m_exportButton; }
    QSplitter *resultsSplitter() const { return m_resultsSplitter; }
    QSplitter *chartSplitter() const { return m_chartSplitter; }

    // Places `widget` right of the chart (e.g. the run details).
    void addSideWidget(QWidget *widget);
    // A line under the controls (e.g. "significance: computing"); empty hides it.
    void setStatusText(const QString &text);

    // Key of the current row's run when that row is selected; empty otherwise.
    QString currentRunKey() const;
    // Makes the run's row current and selected (clearing the filter when it hides the row);
    // false when there is no such run.
    bool selectRun(const QString &runKey);
    // Keys of the selected rows' runs, in view order.
    QStringList selectedRunKeys() const;
    // Keys of the rows shown (after the filter), in view order.
    QStringList visibleRunKeys() const;

signals:
    void exportRequested(embtune::widgets::CompareView::Export kind);
    void currentRunChanged(const QString &runKey);
    void runActivated(const QString &runKey);

private:
    void rebuildBaselineCombo();
    void updateChartRuns();

    MetricsTableModel *m_model;
    RunFilterProxyModel *m_proxy;
    QComboBox *m_baselineCombo;
    QComboBox *m_columnsCombo;
    QComboBox *m_cellTextCombo;
    QComboBox *m_curvesCombo;
    QCheckBox *m_logKCheck;
    QLineEdit *m_filterEdit;
    QToolButton *m_exportButton;
    QLabel *m_status;
    QTableView *m_table;
    MetricsChartView *m_chart;
    QSplitter *m_resultsSplitter;
    QSplitter *m_chartSplitter;
};

} // namespace embtune::widgets
