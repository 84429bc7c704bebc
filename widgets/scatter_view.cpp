#include "scatter_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace embtune::widgets {

namespace {

constexpr double kFitMargin = 24;      // pixels around the data after fitToData()
constexpr double kMinScale = 1e-9, kMaxScale = 1e12;
constexpr double kDragThreshold = 3;   // pixels before a press becomes a pan
constexpr int kMaxGridSize = 2048;     // cells per side of the hover grid

// dst = src + dst * (255 - alpha(src)) / 255 on premultiplied ARGB32, two channels at a time.
inline quint32 blendOver(quint32 dst, quint32 src)
{
    const quint32 inverse = 255 - (src >> 24);
    quint32 rb = (dst & 0x00ff00ffu) * inverse;
    rb = ((rb + ((rb >> 8) & 0x00ff00ffu) + 0x00800080u) >> 8) & 0x00ff00ffu;
    quint32 ag = ((dst >> 8) & 0x00ff00ffu) * inverse;
    ag = (ag + ((ag >> 8) & 0x00ff00ffu) + 0x00800080u) & 0xff00ff00u;
    return src + rb + ag;
}

} // namespace

ScatterView::ScatterView(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::ClickFocus);
    setMinimumSize(80, 60);
    m_styles = {Style{QColor(120, 120, 120, 160), 2, tr("points"), 0}};
    rebuildSprites();
}

void ScatterView::setPoints(std::vector<QPointF> points, std::vector<quint8> categories)
{
    Q_ASSERT(points.size() == categories.size());
    m_points = std::move(points);
    m_categories = std::move(categories);
    m_hovered = -1;
    m_marked = -1;
    rebuildGrid();
    rebuildDrawOrder();
    fitToData();
    invalidate();
}

void ScatterView::setCategories(std::vector<quint8> categories)
{
    Q_ASSERT(categories.size() == m_points.size());
    m_categories = std::move(categories);
    rebuildDrawOrder();
    invalidate();
}

void ScatterView::setStyles(QVector<Style> styles)
{
    m_styles = std::move(styles);
    rebuildSprites();
    rebuildDrawOrder();
    invalidate();
}

void ScatterView::setArrows(std::vector<QLineF> arrows)
{
    m_arrows = std::move(arrows);
    invalidate();
}

void ScatterView::setArrowsVisible(bool visible)
{
    if (visible == m_arrowsVisible)
        return;
    m_arrowsVisible = visible;
    invalidate();
}

void ScatterView::setArrowColor(const QColor &color)
{
    m_arrowColor = color;
    invalidate();
}

void ScatterView::setArrowLayer(int z)
{
    m_arrowLayer = z;
    rebuildDrawOrder();
    invalidate();
}

void ScatterView::setToolTipProvider(std::function<QString(int)> provider)
{
    m_toolTip = std::move(provider);
}

void ScatterView::setAxisTitles(const QString &x, const QString &y)
{
    m_xTitle = x;
    m_yTitle = y;
    update();
}

void ScatterView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    update();
}

void ScatterView::setMarkedPoint(int index)
{
    m_marked = index >= 0 && index < pointCount() ? index : -1;
    update();
}

// ---------------------------------------------------------------------------------------------
// View transform

void ScatterView::setView(QPointF center, double scale)
{
    m_center = center;
    m_scale = std::clamp(scale, kMinScale, kMaxScale);
    m_fitPending = false;
    invalidate();
    emit viewChanged();
}

QPointF ScatterView::dataToPixel(QPointF data) const
{
    return {width() / 2.0 + (data.x() - m_center.x()) * m_scale, height() / 2.0 - (data.y() - m_center.y()) * m_scale};
}

QPointF ScatterView::pixelToData(QPointF pixel) const
{
    return {m_center.x() + (pixel.x() - width() / 2.0) / m_scale, m_center.y() - (pixel.y() - height() / 2.0) / m_scale};
}

void ScatterView::fitToData()
{
    if (width() <= 0 || height() <= 0 || !isVisible())
        m_fitPending = true;
    double minX = std::numeric_limits<double>::infinity(), minY = minX, maxX = -minX, maxY = -minX;
    auto extend = [&](QPointF p) {
        minX = std::min(minX, p.x());
        maxX = std::max(maxX, p.x());
        minY = std::min(minY, p.y());
        maxY = std::max(maxY, p.y());
    };
    for (const QPointF &p : m_points)
        extend(p);
    for (const QLineF &arrow : m_arrows) {
        extend(arrow.p1());
        extend(arrow.p2());
    }
    if (minX > maxX) {
        m_center = {};
        m_scale = 1;
    } else {
        m_center = {(minX + maxX) / 2, (minY + maxY) / 2};
        const double spanX = std::max(maxX - minX, 1e-12), spanY = std::max(maxY - minY, 1e-12);
        const double w = std::max(1.0, width() - 2 * kFitMargin), h = std::max(1.0, height() - 2 * kFitMargin);
        m_scale = std::clamp(std::min(w / spanX, h / spanY), kMinScale, kMaxScale);
    }
    invalidate();
    emit viewChanged();
}

void ScatterView::zoomAt(QPointF pixel, double factor)
{
    if (!(factor > 0))
        return;
    const QPointF anchor = pixelToData(pixel);
    m_scale = std::clamp(m_scale * factor, kMinScale, kMaxScale);
    m_center = {anchor.x() - (pixel.x() - width() / 2.0) / m_scale, anchor.y() + (pixel.y() - height() / 2.0) / m_scale};
    m_fitPending = false;
    invalidate();
    emit viewChanged();
}

void ScatterView::panBy(QPointF pixels)
{
    m_center = {m_center.x() - pixels.x() / m_scale, m_center.y() + pixels.y() / m_scale};
    m_fitPending = false;
    invalidate();
    emit viewChanged();
}

// ---------------------------------------------------------------------------------------------
// Hover grid

void ScatterView::rebuildGrid()
{
    m_cellStart.clear();
    m_cellPoints.clear();
    m_gridSize = 0;
    if (m_points.empty())
        return;
    double minX = m_points[0].x(), maxX = minX, minY = m_points[0].y(), maxY = minY;
    for (const QPointF &p : m_points) {
        minX = std::min(minX, p.x());
        maxX = std::max(maxX, p.x());
        minY = std::min(minY, p.y());
        maxY = std::max(maxY, p.y());
    }
    // About four points per cell on average.
    m_gridSize = std::clamp(int(std::ceil(std::sqrt(double(m_points.size()) / 4.0))), 1, kMaxGridSize);
    m_gridOrigin = {minX, minY};
    m_cellSize = std::max(std::max(maxX - minX, maxY - minY) / m_gridSize, 1e-300);
    const int cells = m_gridSize * m_gridSize;
    std::vector<int32_t> cellOf(m_points.size());
    m_cellStart.assign(size_t(cells) + 1, 0);
    for (size_t i = 0; i < m_points.size(); ++i) {
        const int cx = std::clamp(int((m_points[i].x() - minX) / m_cellSize), 0, m_gridSize - 1);
        const int cy = std::clamp(int((m_points[i].y() - minY) / m_cellSize), 0, m_gridSize - 1);
        cellOf[i] = cy * m_gridSize + cx;
        ++m_cellStart[size_t(cellOf[i]) + 1];
    }
    std::partial_sum(m_cellStart.begin(), m_cellStart.end(), m_cellStart.begin());
    m_cellPoints.resize(m_points.size());
    std::vector<int32_t> fill(m_cellStart.begin(), m_cellStart.end() - 1);
    for (size_t i = 0; i < m_points.size(); ++i) // ascending i: each cell lists its points in index order
        m_cellPoints[size_t(fill[size_t(cellOf[i])]++)] = int32_t(i);
}

int ScatterView::pointAt(QPointF pixel, double radius) const
{
    if (m_gridSize == 0 || !(radius >= 0))
        return -1;
    const QPointF data = pixelToData(pixel);
    const double reach = radius / m_scale;
    auto cellRange = [this](double lo, double hi, double origin, int &from, int &to) {
        const double a = std::floor((lo - origin) / m_cellSize), b = std::floor((hi - origin) / m_cellSize);
        if (b < 0 || a > m_gridSize - 1)
            return false;
        from = int(std::max(a, 0.0));
        to = int(std::min(b, double(m_gridSize - 1)));
        return true;
    };
    int x0, x1, y0, y1;
    if (!cellRange(data.x() - reach, data.x() + reach, m_gridOrigin.x(), x0, x1) ||
        !cellRange(data.y() - reach, data.y() + reach, m_gridOrigin.y(), y0, y1))
        return -1;
    int best = -1;
    double bestDistance = radius * radius;
    for (int cy = y0; cy <= y1; ++cy)
        for (int cx = x0; cx <= x1; ++cx) {
            const int cell = cy * m_gridSize + cx;
            for (int32_t k = m_cellStart[size_t(cell)]; k < m_cellStart[size_t(cell) + 1]; ++k) {
                const int32_t i = m_cellPoints[size_t(k)];
                const QPointF d = dataToPixel(m_points[size_t(i)]) - pixel;
                const double distance = d.x() * d.x() + d.y() * d.y();
                if (distance < bestDistance || (distance == bestDistance && (best < 0 || i < best))) {
                    bestDistance = distance;
                    best = i;
                }
            }
        }
    return best;
}

// ---------------------------------------------------------------------------------------------
// Rendering

void ScatterView::rebuildSprites()
{
    m_sprites.assign(size_t(m_styles.size()), {});
    for (int s = 0; s < m_styles.size(); ++s) {
        const Style &style = m_styles[s];
        const int r = int(std::lround(std::max(0, style.radius) * m_spriteScale));
        std::vector<SpritePixel> &sprite = m_sprites[size_t(s)];
        for (int dy = -r - 1; dy <= r + 1; ++dy)
            for (int dx = -r - 1; dx <= r + 1; ++dx) {
                // Coverage of an anti-aliased disc of radius r + 0.5 (a single pixel for r = 0).
                const double coverage =
                    r == 0 ? (dx == 0 && dy == 0 ? 1.0 : 0.0)
                           : std::clamp(r + 0.5 - std::sqrt(double(dx * dx + dy * dy)), 0.0, 1.0);
                if (coverage <= 0)
                    continue;
                const double alpha = style.color.alphaF() * coverage;
                const auto channel = [alpha](int value) { return quint32(std::lround(value * alpha)); };
                const quint32 argb = (quint32(std::lround(alpha * 255)) << 24) | (channel(style.color.red()) << 16) |
                                     (channel(style.color.green()) << 8) | channel(style.color.blue());
                sprite.push_back({dx, dy, argb});
            }
    }
}

void ScatterView::rebuildDrawOrder()
{
    m_drawOrder.resize(m_points.size());
    std::iota(m_drawOrder.begin(), m_drawOrder.end(), 0);
    auto zOf = [this](int32_t i) {
        const int category = m_categories[size_t(i)];
        return category < m_styles.size() ? m_styles[category].z : 0;
    };
    std::stable_sort(m_drawOrder.begin(), m_drawOrder.end(), [&](int32_t a, int32_t b) { return zOf(a) < zOf(b); });
    m_firstAboveArrows = size_t(std::partition_point(m_drawOrder.begin(), m_drawOrder.end(),
                                                     [&](int32_t i) { return zOf(i) < m_arrowLayer; }) -
                                m_drawOrder.begin());
}

void ScatterView::invalidate()
{
    m_layerValid = false;
    update();
}

void ScatterView::drawPoints(QImage &image, size_t from, size_t to) const
{
    // In device pixels: the image is the widget's size times its device pixel ratio.
    const int w = image.width(), h = image.height();
    auto *bits = reinterpret_cast<quint32 *>(image.bits());
    const qsizetype stride = image.bytesPerLine() / 4;
    const double scale = m_scale * image.devicePixelRatio();
    const double originX = width() * image.devicePixelRatio() / 2.0 - m_center.x() * scale;
    const double originY = height() * image.devicePixelRatio() / 2.0 + m_center.y() * scale;
    for (size_t k = from; k < to; ++k) {
        const int32_t i = m_drawOrder[k];
        const int category = m_categories[size_t(i)];
        if (category >= int(m_sprites.size()))
            continue;
        const std::vector<SpritePixel> &sprite = m_sprites[size_t(category)];
        const int r = int(std::lround(std::max(0, m_styles[category].radius) * m_spriteScale)) + 1;
        const double fx = originX + m_points[size_t(i)].x() * scale, fy = originY - m_points[size_t(i)].y() * scale;
        if (!(fx > -r - 1 && fx < w + r + 1 && fy > -r - 1 && fy < h + r + 1))
            continue;
        const int x = int(std::lround(fx)), y = int(std::lround(fy));
        if (x - r >= 0 && x + r < w && y - r >= 0 && y + r < h) {
            quint32 *centre = bits + qsizetype(y) * stride + x;
            for (const SpritePixel &p : sprite) {
                quint32 &dst = centre[qsizetype(p.dy) * stride + p.dx];
                dst = blendOver(dst, p.argb);
            }
        } else {
            for (const SpritePixel &p : sprite) {
                const int px = x + p.dx, py = y + p.dy;
                if (px >= 0 && px < w && py >= 0 && py < h) {
                    quint32 &dst = bits[qsizetype(py) * stride + px];
                    dst = blendOver(dst, p.argb);
                }
            }
        }
    }
}

void ScatterView::drawArrows(QImage &image) const
{
    if (!m_arrowsVisible || m_arrows.empty())
        return;
    const QRectF bounds(-8, -8, width() + 16, height() + 16); // logical pixels, as dataToPixel
    QVector<QLineF> shafts, heads;
    shafts.reserve(qsizetype(m_arrows.size()));
    for (const QLineF &arrow : m_arrows) {
        const QPointF a = dataToPixel(arrow.p1()), b = dataToPixel(arrow.p2());
        if ((a.x() < bounds.left() && b.x() < bounds.left()) || (a.x() > bounds.right() && b.x() > bounds.right()) ||
            (a.y() < bounds.top() && b.y() < bounds.top()) || (a.y() > bounds.bottom() && b.y() > bounds.bottom()))
            continue;
        const QLineF shaft(a, b);
        shafts.append(shaft);
        const double length = shaft.length();
        if (length >= 8) {
            // Two strokes of 5 pixels at 25 degrees either side of the shaft, at its end.
            const QPointF unit = (a - b) / length;
            constexpr double c = 0.9063, s = 0.4226, head = 5;
            heads.append(QLineF(b, b + head * QPointF(c * unit.x() - s * unit.y(), s * unit.x() + c * unit.y())));
            heads.append(QLineF(b, b + head * QPointF(c * unit.x() + s * unit.y(), -s * unit.x() + c * unit.y())));
        }
    }
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing, m_arrows.size() <= 20000);
    painter.setPen(QPen(m_arrowColor, 1));
    painter.drawLines(shafts);
    painter.drawLines(heads);
}

const QImage &ScatterView::renderLayer()
{
    const qreal ratio = devicePixelRatioF();
    const QSize size = (QSizeF(this->size()) * ratio).toSize().expandedTo(QSize(1, 1));
    if (m_layerValid && m_layer.size() == size && m_layer.devicePixelRatio() == ratio)
        return m_layer;
    if (m_layer.size() != size)
        m_layer = QImage(size, QImage::Format_ARGB32_Premultiplied);
    m_layer.setDevicePixelRatio(ratio);
    if (ratio != m_spriteScale) {
        m_spriteScale = ratio;
        rebuildSprites();
    }
    m_layer.fill(palette().color(QPalette::Base));
    drawPoints(m_layer, 0, m_firstAboveArrows);
    drawArrows(m_layer);
    drawPoints(m_layer, m_firstAboveArrows, m_drawOrder.size());
    m_layerValid = true;
    ++m_renders;
    return m_layer;
}

void ScatterView::drawLegend(QPainter &painter) const
{
    QStringList labels;
    QVector<QColor> colors;
    for (const Style &style : m_styles)
        if (!style.label.isEmpty()) {
            labels << style.label;
            colors << style.color;
        }
    const bool arrows = m_arrowsVisible && !m_arrows.empty();
    if (arrows)
        labels << tr("moved: before \u2192 after (%1)").arg(m_arrows.size());
    if (labels.isEmpty())
        return;
    const QFontMetrics metrics = painter.fontMetrics();
    int textWidth = 0;
    for (const QString &label : labels)
        textWidth = std::max(textWidth, metrics.horizontalAdvance(label));
    const int line = metrics.height() + 2;
    const QRect box(8, 8, textWidth + 34, line * int(labels.size()) + 8);
    QColor background = palette().color(QPalette::Base);
    background.setAlpha(220);
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(background);
    painter.drawRect(box);
    for (int k = 0; k < labels.size(); ++k) {
        const int y = box.top() + 4 + k * line;
        if (k < colors.size()) {
            QColor swatch = colors[k];
            swatch.setAlpha(255);
            painter.setPen(Qt::NoPen);
            painter.setBrush(swatch);
            painter.drawEllipse(QPointF(box.left() + 14, y + line / 2.0), 4, 4);
        } else {
            painter.setPen(QPen(m_arrowColor, 1.5));
            const QPointF a(box.left() + 6, y + line / 2.0 + 3), b(box.left() + 22, y + line / 2.0 - 3);
            painter.drawLine(a, b);
            painter.drawLine(b, b + QPointF(-5, 0));
            painter.drawLine(b, b + QPointF(-1, 4));
        }
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QRect(box.left() + 28, y, textWidth + 4, line), Qt::AlignVCenter | Qt::AlignLeft, labels[k]);
    }
}

void ScatterView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.drawImage(QPointF(0, 0), renderLayer());
    painter.setRenderHint(QPainter::Antialiasing);
    if (m_points.empty() && !m_placeholder.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    }
    for (const auto &[index, color, radius] : {std::tuple{m_marked, QColor(0, 0, 0), 8.0},
                                               std::tuple{m_hovered, palette().color(QPalette::Highlight), 6.0}})
        if (index >= 0 && index < pointCount()) {
            painter.setPen(QPen(color, 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(dataToPixel(m_points[size_t(index)]), radius, radius);
        }
    drawLegend(painter);
    painter.setPen(palette().color(QPalette::Text));
    const QFontMetrics metrics = painter.fontMetrics();
    if (!m_xTitle.isEmpty())
        painter.drawText(QRect(0, height() - metrics.height() - 4, width() - 8, metrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter, m_xTitle);
    if (!m_yTitle.isEmpty()) {
        painter.save();
        painter.translate(4 + metrics.ascent(), height() - 8);
        painter.rotate(-90);
        painter.drawText(QPointF(0, 0), m_yTitle);
        painter.restore();
    }
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(rect().adjusted(0, 0, -1, -1));
}

// ---------------------------------------------------------------------------------------------
// Interaction

void ScatterView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_fitPending && width() > 0 && height() > 0) {
        m_fitPending = false;
        fitToData();
    }
    invalidate();
}

void ScatterView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        event->ignore();
        return;
    }
    zoomAt(event->position(), std::pow(1.25, steps));
    event->accept();
}

void ScatterView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_pressed = true;
    m_dragged = false;
    m_pressPos = m_lastPos = event->position();
    event->accept();
}

void ScatterView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_pressed && (event->buttons() & Qt::LeftButton)) {
        if (!m_dragged && QLineF(pos, m_pressPos).length() >= kDragThreshold) {
            m_dragged = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_dragged) {
            panBy(pos - m_lastPos);
            m_lastPos = pos;
        }
        return;
    }
    updateHover(pos, event->globalPosition().toPoint());
}

void ScatterView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressed) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    m_pressed = false;
    if (m_dragged) {
        unsetCursor();
        m_dragged = false;
    } else {
        emit pointClicked(pointAt(event->position()));
    }
    event->accept();
}

void ScatterView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        fitToData();
        event->accept();
    }
}

void ScatterView::leaveEvent(QEvent *event)
{
    QWidget::leaveEvent(event);
    if (m_hovered >= 0) {
        m_hovered = -1;
        update();
        emit pointHovered(-1);
    }
}

void ScatterView::updateHover(QPointF pixel, QPoint globalPos)
{
    const int index = pointAt(pixel);
    if (index == m_hovered)
        return;
    m_hovered = index;
    update();
    emit pointHovered(index);
    if (index >= 0 && m_toolTip)
        QToolTip::showText(globalPos, m_toolTip(index), this);
    else
        QToolTip::hideText();
}

} // namespace embtune::widgets
