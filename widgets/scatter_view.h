#pragma once
// A 2-D scatter plot that stays responsive with 100,000+ points: the points (and arrows) are
// rasterised in one pass into a cached QImage by writing small pre-blended sprites into its pixels
// (no QGraphicsItem per point); the cache is redrawn only when the view, the data or the styles
// change. Hover and click find the nearest point with a uniform grid over the data (no scan of
// every point).
//
// Coordinates. Data units are the same on both axes (one scale, aspect kept); data y grows
// upwards. pixel = centre of the widget + (data - center()) * scale() * (1, -1).
// Interaction: the wheel zooms about the cursor (the data point under it stays put), dragging
// pans, a click without a drag emits pointClicked, a double click fits every point.
// Threads: GUI thread only. The view copies what it is given.

#include <QColor>
#include <QImage>
#include <QLineF>
#include <QPointF>
#include <QString>
#include <QVector>
#include <QWidget>

#include <cstdint>
#include <functional>
#include <vector>

namespace embtune::widgets {

class ScatterView : public QWidget {
    Q_OBJECT
public:
    // How the points of one category are drawn. Categories are indices into styles().
    struct Style {
        QColor color;            // alpha is used: < 255 blends
        int radius = 2;          // pixels; 0 draws a single pixel
        QString label;           // legend text; empty: not in the legend
        int z = 0;               // drawing order: lower first; below arrowLayer() the arrows cover it
    };

    explicit ScatterView(QWidget *parent = nullptr);

    // Points in data coordinates and one category per point (same size; asserted). Rebuilds the
    // hover grid and fits the view to the points.
    void setPoints(std::vector<QPointF> points, std::vector<quint8> categories);
    // New categories for the same points (e.g. relevance to another query); keeps the view.
    void setCategories(std::vector<quint8> categories);
    void setStyles(QVector<Style> styles);
    const QVector<Style> &styles() const { return m_styles; }
    // Arrows in data coordinates (p1 -> p2), drawn above the categories with z < arrowLayer().
    void setArrows(std::vector<QLineF> arrows);
    void setArrowsVisible(bool visible);
    bool arrowsVisible() const { return m_arrowsVisible; }
    void setArrowColor(const QColor &color);
    void setArrowLayer(int z);
    int arrowLayer() const { return m_arrowLayer; }
    // Text of the tooltip shown while hovering point i (called once per newly hovered point).
    void setToolTipProvider(std::function<QString(int)> provider);
    // The tooltip text of point i (empty without a provider).
    QString toolTipFor(int index) const { return m_toolTip && index >= 0 ? m_toolTip(index) : QString(); }
    void setAxisTitles(const QString &x, const QString &y);
    // Empty-state text drawn when there are no points.
    void setPlaceholderText(const QString &text);

    int pointCount() const { return int(m_points.size()); }
    const std::vector<QPointF> &points() const { return m_points; }
    const std::vector<quint8> &categories() const { return m_categories; }
    int arrowCount() const { return int(m_arrows.size()); }
    const std::vector<QLineF> &arrows() const { return m_arrows; }

    QPointF center() const { return m_center; }
    double scale() const { return m_scale; } // pixels per data unit
    void setView(QPointF center, double scale);
    // Shows every point (and arrow end) with a small margin.
    void fitToData();
    QPointF dataToPixel(QPointF data) const;
    QPointF pixelToData(QPointF pixel) const;
    // Zooms by `factor` (> 1 enlarges) keeping the data point under `pixel` at `pixel`.
    void zoomAt(QPointF pixel, double factor);
    // Moves the content by `pixels` (the data under the cursor follows a drag).
    void panBy(QPointF pixels);

    // The point nearest to `pixel` whose centre is within `radius` pixels, or -1; ties go to the
    // lower index.
    int pointAt(QPointF pixel, double radius = 6) const;
    int hoveredPoint() const { return m_hovered; }
    // Marks point i with a ring (e.g. the selected query); -1: none.
    void setMarkedPoint(int index);
    int markedPoint() const { return m_marked; }

    // The cached layer of points and arrows for the current size and view, redrawn when stale;
    // size() x devicePixelRatio device pixels (its devicePixelRatio set accordingly).
    // Public for benchmarks and tests.
    const QImage &renderLayer();
    // How many times the layer was redrawn.
    int renderCount() const { return m_renders; }

signals:
    void pointHovered(int index); // -1 when the cursor leaves every point
    void pointClicked(int index); // -1: a click on empty space
    void viewChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    // One pre-blended pixel of a point's sprite: offset from the centre and the premultiplied
    // ARGB colour at that coverage.
    struct SpritePixel {
        int dx, dy;
        quint32 argb;
    };
    void rebuildGrid();
    void rebuildDrawOrder();
    void rebuildSprites();
    void invalidate();
    void drawPoints(QImage &image, size_t from, size_t to) const;
    void drawArrows(QImage &image) const;
    void drawLegend(class QPainter &painter) const;
    void updateHover(QPointF pixel, QPoint globalPos);

    std::vector<QPointF> m_points;
    std::vector<quint8> m_categories;
    std::vector<QLineF> m_arrows;
    QVector<Style> m_styles;
    std::vector<std::vector<SpritePixel>> m_sprites; // per style, radius in device pixels
    double m_spriteScale = 1;                        // device pixel ratio the sprites were made for
    std::vector<int32_t> m_drawOrder;                // point indices by (style z, index)
    size_t m_firstAboveArrows = 0;                   // first entry of m_drawOrder with z >= arrow layer

    // Uniform grid over the points' bounding box: cell (cx, cy) holds
    // m_cellPoints[m_cellStart[c] .. m_cellStart[c + 1]), c = cy * m_gridSize + cx.
    QPointF m_gridOrigin;
    double m_cellSize = 1;
    int m_gridSize = 0;
    std::vector<int32_t> m_cellStart, m_cellPoints;

    QPointF m_center;
    double m_scale = 1;
    bool m_arrowsVisible = true;
    QColor m_arrowColor{40, 70, 160, 150};
    int m_arrowLayer = 1;
    std::function<QString(int)> m_toolTip;
    QString m_xTitle, m_yTitle, m_placeholder;

    QImage m_layer;
    bool m_layerValid = false;
    int m_renders = 0;

    bool m_fitPending = false; // fitToData() once the widget has a size

    int m_hovered = -1;
    int m_marked = -1;
    bool m_pressed = false;
    bool m_dragged = false;
    QPointF m_pressPos, m_lastPos;
};

} // namespace embtune::widgets
