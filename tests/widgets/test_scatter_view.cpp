// ScatterView: data <-> pixel mapping, hover hit-testing against a brute-force nearest point,
// zoom and pan keeping the point under the cursor fixed (calls and real mouse/wheel events), the
// rasterised layer (colours where the points are, cached until something changes).

#include "scatter_view.h"

#include <QApplication>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

#include <cmath>

using embtune::widgets::ScatterView;

namespace {

// Nearest point within `radius` pixels by scanning every point; ties -> lower index.
int bruteForcePointAt(const ScatterView &view, QPointF pixel, double radius)
{
    int best = -1;
    double bestDistance = radius * radius;
    for (int i = 0; i < view.pointCount(); ++i) {
        const QPointF d = view.dataToPixel(view.points()[size_t(i)]) - pixel;
        const double distance = d.x() * d.x() + d.y() * d.y();
        if (distance < bestDistance || (distance == bestDistance && best < 0)) {
            bestDistance = distance;
            best = i;
        }
    }
    return best;
}

std::vector<QPointF> randomPoints(int n, quint32 seed)
{
    QRandomGenerator random(seed);
    std::vector<QPointF> points;
    points.reserve(size_t(n));
    for (int i = 0; i < n; ++i) {
        // Two clusters of different spread, plus exact duplicates (ties).
        if (i % 50 == 49 && !points.empty()) {
            points.push_back(points[size_t(random.bounded(int(points.size())))]);
            continue;
        }
        const double cx = (i % 2) ? 3.0 : -1.0, spread = (i % 2) ? 0.3 : 1.5;
        points.emplace_back(cx + spread * (random.generateDouble() * 2 - 1), spread * (random.generateDouble() * 2 - 1));
    }
    return points;
}

bool near(QPointF a, QPointF b, double tolerance)
{
    return std::abs(a.x() - b.x()) <= tolerance && std::abs(a.y() - b.y()) <= tolerance;
}

} // namespace

class TestScatterView : public QObject {
    Q_OBJECT

private slots:
    void mapping();
    void hoverMatchesBruteForce();
    void zoomKeepsPointUnderCursor();
    void panMovesContent();
    void mouseDragAndWheel();
    void clickAndHoverSignals();
    void layerDrawsPointsAndIsCached();
    void emptyView();
};

void TestScatterView::mapping()
{
    ScatterView view;
    view.resize(200, 100);
    view.setView(QPointF(1, 2), 10);
    QCOMPARE(view.dataToPixel(QPointF(1, 2)), QPointF(100, 50));
    QCOMPARE(view.dataToPixel(QPointF(2, 2)), QPointF(110, 50));
    QCOMPARE(view.dataToPixel(QPointF(1, 3)), QPointF(100, 40)); // y grows upwards
    QCOMPARE(view.dataToPixel(QPointF(-4, -3)), QPointF(50, 100));
    QRandomGenerator random(7);
    for (int i = 0; i < 100; ++i) {
        const QPointF pixel(random.bounded(200.0), random.bounded(100.0));
        QVERIFY(near(view.dataToPixel(view.pixelToData(pixel)), pixel, 1e-9));
    }

    // fitToData puts every point inside the widget, with the extreme points near the edges.
    view.setPoints({{-2, -1}, {4, 1}, {0, 0}}, {0, 0, 0});
    view.fitToData();
    for (const QPointF &p : view.points()) {
        const QPointF pixel = view.dataToPixel(p);
        QVERIFY(pixel.x() >= 0 && pixel.x() <= 200 && pixel.y() >= 0 && pixel.y() <= 100);
    }
    QVERIFY(std::abs(view.dataToPixel({-2, 0}).x() - 24) < 1e-9); // the margin
    QVERIFY(std::abs(view.dataToPixel({4, 0}).x() - 176) < 1e-9);
}

void TestScatterView::hoverMatchesBruteForce()
{
    ScatterView view;
    view.resize(640, 480);
    std::vector<QPointF> points = randomPoints(6000, 11);
    std::vector<quint8> categories(points.size(), 0);
    view.setPoints(points, categories);
    view.fitToData();
    QRandomGenerator random(3);
    int hits = 0, checked = 0;
    for (const double zoom : {1.0, 8.0, 0.2}) {
        view.fitToData();
        view.zoomAt(QPointF(320, 240), zoom);
        for (const double radius : {0.5, 6.0, 40.0})
            for (int i = 0; i < 400; ++i) {
                // Half the probes at a point's exact pixel (hits, including duplicate ties).
                QPointF pixel(random.bounded(680.0) - 20, random.bounded(520.0) - 20);
                if (i % 2 == 0)
                    pixel = view.dataToPixel(points[size_t(random.bounded(int(points.size())))]);
                const int expected = bruteForcePointAt(view, pixel, radius);
                const int actual = view.pointAt(pixel, radius);
                if (actual != expected)
                    QFAIL(qPrintable(QStringLiteral("zoom %1 radius %2 pixel (%3, %4): grid %5, brute force %6")
                                         .arg(zoom)
                                         .arg(radius)
                                         .arg(pixel.x())
                                         .arg(pixel.y())
                                         .arg(actual)
                                         .arg(expected)));
                hits += actual >= 0 ? 1 : 0;
                ++checked;
            }
    }
    QVERIFY(hits > checked / 3);     // the comparison covers hits ...
    QVERIFY(hits < checked);         // ... and misses
}

void TestScatterView::zoomKeepsPointUnderCursor()
{
    ScatterView view;
    view.resize(500, 300);
    view.setPoints(randomPoints(500, 5), std::vector<quint8>(500, 0));
    view.fitToData();
    QRandomGenerator random(9);
    for (int i = 0; i < 200; ++i) {
        const QPointF pixel(random.bounded(500.0), random.bounded(300.0));
        const QPointF before = view.pixelToData(pixel);
        const double factor = std::pow(2.0, random.bounded(6.0) - 3);
        const double scale = view.scale();
        view.zoomAt(pixel, factor);
        QVERIFY(std::abs(view.scale() / scale - factor) < 1e-9);
        const QPointF after = view.pixelToData(pixel);
        const double tolerance = 1e-9 * std::max(1.0, std::abs(before.x()) + std::abs(before.y()));
        QVERIFY2(near(before, after, tolerance), qPrintable(QStringLiteral("%1,%2 -> %3,%4")
                                                                 .arg(before.x())
                                                                 .arg(before.y())
                                                                 .arg(after.x())
                                                                 .arg(after.y())));
    }
}

void TestScatterView::panMovesContent()
{
    ScatterView view;
    view.resize(400, 400);
    view.setView(QPointF(0, 0), 50);
    const QPointF data(1.5, -0.5);
    const QPointF pixel = view.dataToPixel(data);
    QSignalSpy changed(&view, &ScatterView::viewChanged);
    view.panBy(QPointF(13, -7));
    QVERIFY(near(view.dataToPixel(data), pixel + QPointF(13, -7), 1e-9));
    QCOMPARE(changed.count(), 1);
}

void TestScatterView::mouseDragAndWheel()
{
    ScatterView view;
    view.resize(400, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setPoints(randomPoints(2000, 21), std::vector<quint8>(2000, 0));

    // Drag: the data under the press ends up under the release.
    const QPoint from(100, 120), to(260, 60);
    const QPointF grabbed = view.pixelToData(from);
    QTest::mousePress(&view, Qt::LeftButton, {}, from);
    for (int step = 1; step <= 8; ++step) {
        const QPoint at = from + (to - from) * step / 8;
        QMouseEvent move(QEvent::MouseMove, at, view.mapToGlobal(at), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &move);
    }
    QSignalSpy clicked(&view, &ScatterView::pointClicked);
    QTest::mouseRelease(&view, Qt::LeftButton, {}, to);
    QVERIFY(near(view.pixelToData(to), grabbed, 1e-9 * (1 + std::abs(grabbed.x()) + std::abs(grabbed.y()))));
    QCOMPARE(clicked.count(), 0); // a drag is not a click

    // Wheel: zooms in about the cursor.
    const QPointF cursor(150, 200);
    const QPointF under = view.pixelToData(cursor);
    const double scale = view.scale();
    QWheelEvent wheel(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(&view, &wheel);
    QVERIFY(view.scale() > scale * 1.1);
    QVERIFY(near(view.pixelToData(cursor), under, 1e-9 * (1 + std::abs(under.x()) + std::abs(under.y()))));

    // Double click fits again: every point inside.
    QTest::mouseDClick(&view, Qt::LeftButton, {}, QPoint(5, 5));
    for (const QPointF &p : view.points()) {
        const QPointF pixel = view.dataToPixel(p);
        QVERIFY(pixel.x() >= 0 && pixel.x() <= 400 && pixel.y() >= 0 && pixel.y() <= 300);
    }
}

void TestScatterView::clickAndHoverSignals()
{
    ScatterView view;
    view.resize(300, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setPoints({{0, 0}, {1, 1}, {1, 0}}, {0, 0, 0});
    view.setToolTipProvider([](int i) { return QStringLiteral("point %1").arg(i); });
    QCOMPARE(view.toolTipFor(2), QStringLiteral("point 2"));
    QSignalSpy clicked(&view, &ScatterView::pointClicked);
    QSignalSpy hovered(&view, &ScatterView::pointHovered);
    const QPoint onSecond = view.dataToPixel({1, 1}).toPoint() + QPoint(2, 1);
    QMouseEvent move(QEvent::MouseMove, onSecond, view.mapToGlobal(onSecond), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(&view, &move);
    QTRY_COMPARE(view.hoveredPoint(), 1);
    QVERIFY(!hovered.isEmpty());
    QCOMPARE(hovered.last().first().toInt(), 1);
    QTest::mouseClick(&view, Qt::LeftButton, {}, onSecond);
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.first().first().toInt(), 1);
    QTest::mouseClick(&view, Qt::LeftButton, {}, view.dataToPixel({0.5, 0.5}).toPoint());
    QCOMPARE(clicked.count(), 2);
    QCOMPARE(clicked.last().first().toInt(), -1);
}

void TestScatterView::layerDrawsPointsAndIsCached()
{
    ScatterView view;
    view.resize(200, 200);
    view.setStyles({{QColor(255, 0, 0), 2, QStringLiteral("red"), 0}, {QColor(0, 0, 255), 3, QStringLiteral("blue"), 1}});
    view.setPoints({{0, 0}, {10, 10}, {5, 5}}, {0, 1, 0});
    view.setView(QPointF(5, 5), 10); // (0,0) -> (50,150), (10,10) -> (150,50), (5,5) -> (100,100)
    view.setArrowsVisible(false);
    const QImage &layer = view.renderLayer();
    QCOMPARE(layer.size(), QSize(200, 200));
    QCOMPARE(layer.pixelColor(50, 150), QColor(255, 0, 0));
    QCOMPARE(layer.pixelColor(51, 150), QColor(255, 0, 0)); // radius 2: full cover at 1 pixel
    QVERIFY(layer.pixelColor(52, 150).green() > 0); // anti-aliased rim
    QCOMPARE(layer.pixelColor(150, 50), QColor(0, 0, 255));
    QCOMPARE(layer.pixelColor(100, 100), QColor(255, 0, 0));
    const QColor background = view.palette().color(QPalette::Base);
    QCOMPARE(layer.pixelColor(10, 10), background);
    QCOMPARE(layer.pixelColor(100, 150), background);

    // Cached: no redraw until the view, data or styles change.
    const int renders = view.renderCount();
    view.renderLayer();
    QCOMPARE(view.renderCount(), renders);
    view.setCategories({1, 1, 1});
    view.renderLayer();
    QCOMPARE(view.renderCount(), renders + 1);
    QCOMPARE(view.renderLayer().pixelColor(50, 150), QColor(0, 0, 255));
    view.panBy(QPointF(10, 0)); // (0,0) now at (60,150)
    QCOMPARE(view.renderLayer().pixelColor(60, 150), QColor(0, 0, 255));
    QCOMPARE(view.renderCount(), renders + 2);

    // Arrows: drawn between their ends when visible.
    view.setView(QPointF(5, 5), 10);
    view.setArrows({QLineF(QPointF(0, 5), QPointF(10, 5))}); // (50,100) -> (150,100)
    view.setArrowColor(QColor(0, 128, 0));
    view.setArrowsVisible(true);
    QCOMPARE(view.renderLayer().pixelColor(75, 100).green() > 100, true);
    view.setArrowsVisible(false);
    QCOMPARE(view.renderLayer().pixelColor(75, 100), background);
}

void TestScatterView::emptyView()
{
    ScatterView view;
    view.resize(100, 100);
    view.setPoints({}, {});
    QCOMPARE(view.pointAt(QPointF(50, 50), 100), -1);
    view.fitToData();
    view.zoomAt(QPointF(10, 10), 2);
    QVERIFY(!view.renderLayer().isNull());
    // One point: the fit centres it.
    view.setPoints({{3, 4}}, {0});
    view.fitToData();
    QVERIFY(near(view.dataToPixel({3, 4}), QPointF(50, 50), 1e-9));
    QCOMPARE(view.pointAt(QPointF(51, 50)), 0);
}

QTEST_MAIN(TestScatterView)
#include "test_scatter_view.moc"
