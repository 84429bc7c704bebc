#include "relevant_documents_model.h"

#include <QBrush>
#include <QPalette>

#include <algorithm>

namespace embtune::widgets {

namespace {

// One line of a document's text for a table cell (newlines and tabs become spaces).
QString singleLine(const std::string &text)
{
    QString out = QString::fromStdString(text);
    for (QChar &c : out)
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r') || c == QLatin1Char('\t'))
            c = QLatin1Char(' ');
    return out;
}

} // namespace

RelevantDocumentsModel::RelevantDocumentsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RelevantDocumentsModel::setQuery(std::shared_ptr<const engine::Dataset> dataset, int query)
{
    beginResetModel();
    m_dataset = std::move(dataset);
    m_query = (m_dataset && query >= 0 && query < m_dataset->queryCount()) ? query : -1;
    m_rows.clear();
    if (m_query >= 0) {
        for (const auto &[name, qrels] : m_dataset->splits) {
            const engine::QueryJudgements *judged = qrels.find(m_query);
            if (!judged)
                continue;
            const size_t first = m_rows.size();
            const QString split = QString::fromStdString(name);
            for (const engine::Judgement &j : judged->judged)
                m_rows.push_back({j.doc, j.gain, split});
            std::stable_sort(m_rows.begin() + std::ptrdiff_t(first), m_rows.end(),
                             [](const Row &a, const Row &b) { return a.gain > b.gain; });
        }
    }
    endResetModel();
}

int RelevantDocumentsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RelevantDocumentsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RelevantDocumentsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_dataset || index.row() >= int(m_rows.size()))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const engine::Document &doc = m_dataset->docs[size_t(row.doc)];
    switch (role) {
    case DocumentIndexRole:
        return row.doc;
    case GainRole:
        return row.gain;
    case Qt::ForegroundRole:
        if (row.gain <= 0)
            return QPalette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == GainColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn: return QString::fromStdString(m_dataset->docIds.id(row.doc));
        case GainColumn: return row.gain;
        case SplitColumn: return row.split;
        case TitleColumn: return singleLine(doc.title);
        case TextColumn: return singleLine(doc.text.substr(0, 2000));
        default: return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == TitleColumn || index.column() == TextColumn) {
            QString text = QString::fromStdString(doc.text);
            if (text.size() > 1500)
                text = text.left(1500) + QChar(0x2026);
            return QStringLiteral("<p><b>%1</b></p><p>%2</p>")
                .arg(QString::fromStdString(doc.title).toHtmlEscaped(), text.toHtmlEscaped());
        }
        return {};
    default:
        return {};
    }
}

QVariant RelevantDocumentsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case IdColumn: return tr("Document");
        case GainColumn: return tr("Gain");
        case SplitColumn: return tr("Split");
        case TitleColumn: return tr("Title");
        case TextColumn: return tr("Text");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole && section == GainColumn)
        return tr("Graded relevance from the qrels; 0 or less means judged not relevant");
    return {};
}

} // namespace embtune::widgets
