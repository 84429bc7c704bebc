#include "member_bars_delegate.h"

#include "query_explorer_ranking_model.h"

#include <QApplication>
#include <QPainter>

#include <algorithm>

namespace embtune::widgets {

namespace {

constexpr int kBarWidth = 40;  // pixels of a full bar
constexpr int kRankWidth = 30; // pixels of the rank text after it
constexpr int kGap = 6;        // pixels between members

} // namespace

QColor MemberBarsDelegate::memberColor(int index)
{
    static const QColor colors[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                                    QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b)};
    return colors[index % int(std::size(colors))];
}

void MemberBarsDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariantList bars = index.data(QueryRankingModel::MemberBarsRole).toList();
    if (bars.isEmpty()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // The background (selection, relevance tint) as any cell, without the text.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    painter->save();
    // Members side by side: [bar][#rank] each, the bar as tall as the text.
    const QRect area = option.rect.adjusted(3, 3, -3, -3);
    QFont font = option.font;
    font.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.85));
    painter->setFont(font);
    for (int i = 0; i < int(bars.size()); ++i) {
        const QVariantList bar = bars[i].toList();
        const int rank = bar.value(0).toInt();
        const double length = std::clamp(bar.value(2).toDouble(), 0.0, 1.0);
        const int left = area.left() + i * (kBarWidth + kRankWidth + kGap);
        const QRect full(left, area.top(), kBarWidth, area.height());
        painter->fillRect(full, QColor(0x80, 0x80, 0x80, 40));
        QColor color = memberColor(i);
        if (rank == 0)
            color.setAlpha(90); // the member's floor: it did not list the document
        painter->fillRect(QRect(left, area.top(), std::max(1, int(length * kBarWidth)), area.height()), color);
        painter->setPen(option.palette.color(option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
        painter->drawText(QRect(full.right() + 3, area.top(), kRankWidth, area.height()), Qt::AlignLeft | Qt::AlignVCenter,
                          rank > 0 ? QStringLiteral("#%1").arg(rank) : QStringLiteral("\u2013"));
    }
    painter->restore();
}

QSize MemberBarsDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariantList bars = index.data(QueryRankingModel::MemberBarsRole).toList();
    if (bars.isEmpty())
        return QStyledItemDelegate::sizeHint(option, index);
    const int members = int(bars.size());
    return QSize(members * (kBarWidth + kRankWidth + kGap) + 6, QStyledItemDelegate::sizeHint(option, index).height());
}

} // namespace embtune::widgets
