#include "training_runs_panel.h"

#include "training_chart_view.h"
#include "training_runs_model.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPainter>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace embtune::widgets {

namespace {

// Draws ProgressRole (0..1000, -1 busy) as a progress bar with the cell's text on it.
class ProgressBarDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, QModelIndex()); // background and selection only
        const int value = index.data(TrainingRunsModel::ProgressRole).toInt();
        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(2, 3, -2, -3);
        bar.state = option.state | QStyle::State_Horizontal;
        bar.minimum = 0;
        bar.maximum = value < 0 ? 0 : 1000;
        bar.progress = value < 0 ? 0 : value;
        bar.text = index.data(Qt::DisplayRole).toString();
        bar.textVisible = true;
        bar.textAlignment = Qt::AlignCenter;
        const QWidget *widget = option.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
    }
};

} // namespace

TrainingRunsPanel::TrainingRunsPanel(QWidget *parent)
    : QWidget(parent)
{
    m_toolBar = new QToolBar(this);
    m_toolBar->setObjectName(QStringLiteral("runsToolBar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setIconSize(QSize(16, 16));

    m_maxConcurrent = new QSpinBox(this);
    m_maxConcurrent->setObjectName(QStringLiteral("maxConcurrentRuns"));
    m_maxConcurrent->setRange(1, kMaxConcurrentLimit);
    m_maxConcurrent->setValue(1);
    m_maxConcurrent->setToolTip(tr("How many training runs may run at the same time; the others wait in the "
                                   "queue. Each run uses the threads its parameters ask for."));
    auto *maxLabel = new QLabel(tr("Runs at &once:"), this);
    maxLabel->setBuddy(m_maxConcurrent);
    connect(m_maxConcurrent, &QSpinBox::valueChanged, this, &TrainingRunsPanel::maxConcurrentChanged);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("runsSummary"));

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_toolBar);
    top->addStretch(1);
    top->addWidget(m_summary);
    top->addSpacing(12);
    top->addWidget(maxLabel);
    top->addWidget(m_maxConcurrent);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("trainingRunsTable"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 14);
    m_view->setItemDelegateForColumn(TrainingRunsModel::ProgressColumn, new ProgressBarDelegate(m_view));
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.isValid())
            emit runActivated(index.data(TrainingRunsModel::KeyRole).toString());
    });

    m_chart = new TrainingChartView(this);
    m_chart->setObjectName(QStringLiteral("trainingChart"));
    m_chart->setToolTip(tr("Training loss (left axis) and dev nDCG@10 (right axis) after each epoch of the "
                           "selected run; epoch 0 is before training"));

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("runsSplitter"));
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_chart);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({200, 400});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_splitter, 1);
}

void TrainingRunsPanel::setModel(TrainingRunsModel *model)
{
    m_model = model;
    m_view->setModel(model);
    m_chart->setModel(model);
    // Fixed widths from sample texts: no relayout on every progress update.
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(TrainingRunsModel::NameColumn, QHeaderView::Stretch);
    const QFontMetrics metrics = m_view->fontMetrics();
    const auto widthOf = [&](const QString &sample) { return metrics.horizontalAdvance(sample) + 14; };
    header->setMinimumSectionSize(24);
    header->resizeSection(TrainingRunsModel::StatusColumn, widthOf(QStringLiteral("cancelled")));
    header->resizeSection(TrainingRunsModel::ProgressColumn, widthOf(QStringLiteral("00,000/00,000")));
    header->resizeSection(TrainingRunsModel::EpochColumn, widthOf(QStringLiteral("00/00")));
    header->resizeSection(TrainingRunsModel::LossColumn, widthOf(QStringLiteral("0.000")));
    header->resizeSection(TrainingRunsModel::DevNdcgColumn, widthOf(QStringLiteral("Dev nDCG")));
    header->resizeSection(TrainingRunsModel::SpeedColumn, widthOf(QStringLiteral("00,000")));
    header->resizeSection(TrainingRunsModel::CancelColumn, 28);
    m_view->setTextElideMode(Qt::ElideMiddle);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TrainingRunsPanel::onCurrentChanged);
    connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first) {
        updateCancelButtons();
        // A new run becomes the shown one.
        selectRun(m_model->rows().at(first).key);
    });
    connect(model, &QAbstractItemModel::rowsRemoved, this, [this] {
        updateCancelButtons();
        onCurrentChanged();
    });
    connect(model, &QAbstractItemModel::modelReset, this, &TrainingRunsPanel::updateCancelButtons);
    connect(model, &QAbstractItemModel::dataChanged, this, &TrainingRunsPanel::updateCancelButtons);
    updateCancelButtons();
}

void TrainingRunsPanel::setMaxConcurrent(int runs)
{
    const QSignalBlocker blocker(m_maxConcurrent);
    m_maxConcurrent->setValue(runs);
}

int TrainingRunsPanel::maxConcurrent() const
{
    return m_maxConcurrent->value();
}

bool TrainingRunsPanel::selectRun(const QString &key)
{
    const int row = m_model ? m_model->rowOf(key) : -1;
    if (row < 0)
        return false;
    m_view->selectionModel()->setCurrentIndex(m_model->index(row, 0),
                                              QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_chart->setRunKey(key);
    return true;
}

QString TrainingRunsPanel::currentRunKey() const
{
    const QModelIndex current = m_view->selectionModel() ? m_view->selectionModel()->currentIndex() : QModelIndex();
    return current.isValid() ? current.data(TrainingRunsModel::KeyRole).toString() : QString();
}

QToolButton *TrainingRunsPanel::cancelButton(const QString &key) const
{
    const int row = m_model ? m_model->rowOf(key) : -1;
    if (row < 0)
        return nullptr;
    return qobject_cast<QToolButton *>(m_view->indexWidget(m_model->index(row, TrainingRunsModel::CancelColumn)));
}

void TrainingRunsPanel::onCurrentChanged()
{
    const QString key = currentRunKey();
    m_chart->setRunKey(key);
    emit currentRunChanged(key);
}

void TrainingRunsPanel::updateCancelButtons()
{
    if (!m_model)
        return;
    int running = 0, queued = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const TrainingRunRow &run = m_model->rows().at(row);
        running += run.status == TrainingRunRow::Status::Running ? 1 : 0;
        queued += run.status == TrainingRunRow::Status::Queued ? 1 : 0;
        const QModelIndex index = m_model->index(row, TrainingRunsModel::CancelColumn);
        auto *button = qobject_cast<QToolButton *>(m_view->indexWidget(index));
        const bool active = TrainingRunsModel::isActive(run.status);
        if (active && !button) {
            button = new QToolButton(m_view);
            button->setObjectName(QStringLiteral("cancelRun"));
            button->setIcon(style()->standardIcon(QStyle::SP_BrowserStop));
            button->setText(tr("Cancel"));
            button->setToolButtonStyle(Qt::ToolButtonIconOnly);
            button->setAutoRaise(true);
            const QString key = run.key;
            button->setToolTip(tr("Cancel %1").arg(run.name));
            connect(button, &QToolButton::clicked, this, [this, key] { emit cancelRequested(key); });
            m_view->setIndexWidget(index, button);
        } else if (!active && button) {
            m_view->setIndexWidget(index, nullptr); // deletes the button
        }
    }
    m_summary->setText(running + queued == 0 ? QString()
                                             : tr("%1 running, %2 queued").arg(running).arg(queued));
}

} // namespace embtune::widgets
