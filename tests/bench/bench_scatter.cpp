// ScatterView with 100,000 points (and 5,000 arrows, as after a NUDGE run on a large corpus),
// offscreen at 1200 x 800: time to draw the layer from scratch (target <= 100 ms), time per pan
// step (pan + redraw, target <= 16 ms: one frame at 60 Hz), time per zoom step (wheel, same
// target), time per hover hit-test (target <= 1 ms) and the time setPoints takes (grid + fit).
// Usage: bench_scatter [points] (default 100000).

#include "bench_common.h"
#include "scatter_view.h"

#include <QApplication>
#include <QRandomGenerator>

#include <cmath>
#include <cstdlib>

using namespace embtune;

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int arrows = std::min(n, 5000);

    // Three Gaussian clusters (Box-Muller), like documents in a PCA plane.
    QRandomGenerator random(42);
    std::vector<QPointF> points;
    std::vector<quint8> categories;
    points.reserve(size_t(n));
    for (int i = 0; i < n; ++i) {
        const double u = std::max(random.generateDouble(), 1e-12), v = random.generateDouble();
        const double r = std::sqrt(-2 * std::log(u));
        const int cluster = i % 3;
        const double spread = 0.5 + 0.3 * cluster;
        points.emplace_back(cluster * 1.5 + spread * r * std::cos(2 * M_PI * v), cluster * 0.7 + spread * r * std::sin(2 * M_PI * v));
        categories.push_back(quint8(i % 97 == 0 ? 2 : i % 7 == 0 ? 1 : 0));
    }
    std::vector<QLineF> moved;
    for (int i = 0; i < arrows; ++i) {
        const QPointF from = points[size_t(i) * size_t(n / arrows)];
        moved.emplace_back(from, from + QPointF(0.05 * std::cos(i), 0.05 * std::sin(i)));
    }

    widgets::ScatterView view;
    view.resize(1200, 800);
    view.setStyles({{QColor(110, 110, 110, 90), 1, QStringLiteral("documents"), 0},
                    {QColor(40, 90, 200, 200), 2, QStringLiteral("moved"), 1},
                    {QColor(230, 140, 20, 200), 2, QStringLiteral("queries"), 2}});
    view.setArrowLayer(3);
    const double setSeconds = bench::bestSecondsOf(3, [&] { view.setPoints(points, categories); });
    view.setArrows(moved);
    view.fitToData();

    // Full redraw: the layer is invalidated (as by a new view) and drawn again.
    const double drawSeconds = bench::bestSecondsOf(5, [&] {
        view.setArrowsVisible(false);
        view.setArrowsVisible(true);
        view.renderLayer();
    });
    // The widget's whole frame (layer + legend and overlay), as paintEvent draws it.
    const double frameSeconds = bench::bestSecondsOf(5, [&] {
        view.setArrowsVisible(false);
        view.setArrowsVisible(true);
        (void)view.grab();
    });

    // Pan: 120 steps of 6 pixels (a drag), each redrawing the layer; mean and worst.
    double panTotal = 0, panWorst = 0;
    const int panSteps = 120;
    for (int i = 0; i < panSteps; ++i) {
        const double seconds = bench::secondsOf([&] {
            view.panBy(QPointF(i < panSteps / 2 ? 6 : -6, 2));
            view.renderLayer();
        });
        panTotal += seconds;
        panWorst = std::max(panWorst, seconds);
    }
    const double panMean = panTotal / panSteps;

    // Zoom: 40 wheel steps in then out about off-centre cursors.
    double zoomTotal = 0;
    const int zoomSteps = 40;
    for (int i = 0; i < zoomSteps; ++i)
        zoomTotal += bench::secondsOf([&] {
            view.zoomAt(QPointF(300 + 10 * i, 500 - 5 * i), i < zoomSteps / 2 ? 1.25 : 0.8);
            view.renderLayer();
        });
    const double zoomMean = zoomTotal / zoomSteps;

    // Hover: nearest point within 6 pixels of 20,000 random cursor positions.
    view.fitToData();
    std::vector<QPointF> cursors;
    for (int i = 0; i < 20000; ++i)
        cursors.emplace_back(random.bounded(1200.0), random.bounded(800.0));
    int hits = 0;
    const double hoverSeconds = bench::secondsOf([&] {
        for (const QPointF &cursor : cursors)
            hits += view.pointAt(cursor, 6) >= 0 ? 1 : 0;
    }) / double(cursors.size());

    const bool drawOk = drawSeconds <= 0.100, panOk = panMean <= 0.016, zoomOk = zoomMean <= 0.016,
               hoverOk = hoverSeconds <= 0.001;
    bench::printJsonLine("scatter_draw", {{"points", int64_t(n)}, {"arrows", int64_t(arrows)}, {"width", int64_t(1200)},
                                          {"height", int64_t(800)}, {"seconds", drawSeconds},
                                          {"frame_seconds", frameSeconds}, {"target_seconds", 0.100}, {"pass", drawOk}});
    bench::printJsonLine("scatter_pan", {{"points", int64_t(n)}, {"steps", int64_t(panSteps)}, {"mean_seconds", panMean},
                                         {"worst_seconds", panWorst}, {"target_seconds", 0.016}, {"pass", panOk}});
    bench::printJsonLine("scatter_zoom", {{"points", int64_t(n)}, {"steps", int64_t(zoomSteps)},
                                          {"mean_seconds", zoomMean}, {"target_seconds", 0.016}, {"pass", zoomOk}});
    bench::printJsonLine("scatter_hover", {{"points", int64_t(n)}, {"probes", int64_t(cursors.size())},
                                           {"hits", int64_t(hits)}, {"seconds_per_probe", hoverSeconds},
                                           {"target_seconds", 0.001}, {"pass", hoverOk}});
    bench::printJsonLine("scatter_set_points", {{"points", int64_t(n)}, {"seconds", setSeconds}});
    return drawOk && panOk && zoomOk && hoverOk ? 0 : 1;
}
