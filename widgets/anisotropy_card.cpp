#include "anisotropy_card.h"

#include <QHeaderView>

namespace embtune::widgets {

AnisotropyCard::AnisotropyCard(QWidget *parent)
    : QTableWidget(parent)
{
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::NoSelection);
    setFocusPolicy(Qt::NoFocus);
    setAlternatingRowColors(true);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    horizontalHeader()->setMinimumSectionSize(40);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setRowCount(RowCount);
    const QStringList names{tr("vectors"), tr("avg pair cosine"), tr("centroid cosine"), tr("I(W)"),
                            tr("effective rank"), tr("expl. var. top 1"), tr("expl. var. top 5"),
                            tr("expl. var. top 10")};
    const QStringList tips{
        tr("Number of vectors analysed"),
        tr("Mean cosine of all distinct pairs (exact): 0 for an isotropic space, near 1 when every vector points "
           "the same way"),
        tr("Mean cosine of each vector to the centroid of all vectors"),
        tr("Partition isotropy I(W) = min Z(c) / max Z(c) over the principal directions c, Z(c) = sum exp(c.x): "
           "1 = isotropic, near 0 = strongly anisotropic"),
        tr("exp(entropy) of the normalised singular values of the centred vectors: how many directions carry the "
           "spread"),
        tr("Share of the variance in the first principal component"),
        tr("Share of the variance in the first 5 principal components"),
        tr("Share of the variance in the first 10 principal components")};
    setVerticalHeaderLabels(names);
    for (int r = 0; r < RowCount; ++r)
        verticalHeaderItem(r)->setToolTip(tips[r]);
    clearStats();
}

void AnisotropyCard::fitHeight()
{
    // Exactly the header and the rows, no scrolling.
    const int height = horizontalHeader()->sizeHint().height() + RowCount * verticalHeader()->defaultSectionSize() +
                       2 * frameWidth() + 2;
    setMinimumHeight(height);
    setMaximumHeight(height);
}

double AnisotropyCard::valueOf(const engine::AnisotropyStats &stats, Row row)
{
    switch (row) {
    case Vectors: return double(stats.rows);
    case PairCosine: return stats.averagePairCosine;
    case CentroidCosine: return stats.averageCentroidCosine;
    case Isotropy: return stats.partitionIsotropy;
    case EffectiveRank: return stats.effectiveRank;
    case Explained1: return stats.explainedVariance1;
    case Explained5: return stats.explainedVariance5;
    case Explained10: return stats.explainedVariance10;
    case RowCount: break;
    }
    return 0;
}

void AnisotropyCard::clearStats()
{
    setColumnCount(2);
    setHorizontalHeaderLabels({tr("documents"), tr("queries")});
    for (int r = 0; r < RowCount; ++r)
        for (int c = 0; c < 2; ++c)
            setItem(r, c, new QTableWidgetItem(QStringLiteral("-")));
    fitHeight();
}

void AnisotropyCard::setStats(const engine::AnisotropyStats &documentsBefore,
                              const engine::AnisotropyStats &queriesBefore,
                              const engine::AnisotropyStats *documentsAfter, const engine::AnisotropyStats *queriesAfter)
{
    QList<const engine::AnisotropyStats *> columns;
    QStringList headers;
    if (documentsAfter && queriesAfter) {
        columns = {&documentsBefore, documentsAfter, &queriesBefore, queriesAfter};
        headers = {tr("documents\nbefore"), tr("documents\nafter"), tr("queries\nbefore"), tr("queries\nafter")};
    } else {
        columns = {&documentsBefore, &queriesBefore};
        headers = {tr("documents"), tr("queries")};
    }
    setColumnCount(int(columns.size()));
    setHorizontalHeaderLabels(headers);
    for (int c = 0; c < columns.size(); ++c)
        for (int r = 0; r < RowCount; ++r) {
            const double value = valueOf(*columns[c], Row(r));
            QString text;
            if (r == Vectors)
                text = QLocale().toString(qint64(value));
            else if (r == EffectiveRank)
                text = QString::number(value, 'f', 1);
            else if (r == Isotropy)
                text = QString::number(value, 'g', 4);
            else
                text = QString::number(value, 'f', 4);
            const qint64 sampled = columns[c]->sampledRows;
            const bool estimated = sampled > 0 && r >= Isotropy; // I(W), rank, explained variances
            if (estimated)
                text += QStringLiteral(" *");
            auto *item = new QTableWidgetItem(text);
            item->setData(Qt::UserRole, value);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(estimated ? tr("%1, estimated on a uniform sample of %2 of the %3 vectors")
                                             .arg(QString::number(value, 'g', 10), QLocale().toString(sampled),
                                                  QLocale().toString(qint64(columns[c]->rows)))
                                       : QString::number(value, 'g', 10));
            setItem(r, c, item);
        }
    fitHeight();
}

} // namespace embtune::widgets
