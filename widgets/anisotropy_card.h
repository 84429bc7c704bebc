#pragma once
// The anisotropy card: one row per statistic (vectors, average pair cosine, centroid cosine,
// I(W), effective rank, explained variance of the top 1/5/10 components), one column per matrix
// (documents and queries, before and after tuning). Each cell's Qt::UserRole holds the value as
// a double (full precision); the text is rounded for display. GUI thread only.

#include "analysis/anisotropy.h"

#include <QTableWidget>

namespace embtune::widgets {

class AnisotropyCard : public QTableWidget {
    Q_OBJECT
public:
    enum Row { Vectors, PairCosine, CentroidCosine, Isotropy, EffectiveRank, Explained1, Explained5, Explained10, RowCount };

    explicit AnisotropyCard(QWidget *parent = nullptr);

    // Two columns (documents, queries) when `documentsAfter`/`queriesAfter` are null, else four
    // (documents before/after, queries before/after).
    void setStats(const engine::AnisotropyStats &documentsBefore, const engine::AnisotropyStats &queriesBefore,
                  const engine::AnisotropyStats *documentsAfter, const engine::AnisotropyStats *queriesAfter);
    void clearStats();

    // The value of statistic `row` in a stats struct.
    static double valueOf(const engine::AnisotropyStats &stats, Row row);

private:
    void fitHeight();
};

} // namespace embtune::widgets
