#pragma once
// Paints QueryRankingModel's Members column: per member of the fused run, side by side, a bar (its
// term of the fused score against the list's range, from MemberBarsRole) in the member's colour,
// faded when the member did not list the document, and its rank ("#3", "-"). GUI thread.

#include <QStyledItemDelegate>

namespace embtune::widgets {

class MemberBarsDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    // The colour of member `index` (the same in every list and in the header's tooltip order).
    static QColor memberColor(int index);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace embtune::widgets
