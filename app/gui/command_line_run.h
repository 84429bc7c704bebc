#pragma once
// Runs the steps requested on the command line against a MainWindow, in order: open the dataset,
// import embeddings, compute LSA embeddings, choose the split, evaluate the selected set (exact or
// HNSW), evaluate BM25, train each method, fuse the first and the last run, show a tab, save a
// screenshot. Emits finished() once after the last step or the first failure.

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace embtune::gui {

class MainWindow;

struct CommandLineRequest {
    QString dataset;     // BEIR folder to open
    QString embeddings;  // folder of vectors in any format (npy, safetensors, fvecs, JSONL)
    QList<int> computeLsaDims; // compute LSA embeddings of each dimension, in order (other options default)
    QString split;       // split to evaluate and train for; empty: the window's default ("test")
    bool evaluate = false; // evaluate the selected embeddings
    QStringList search;    // "exact" and/or "hnsw" (default index parameters): --evaluate with each, in order;
                           // empty: once with the saved setting
    bool bm25 = false;     // evaluate BM25
    QStringList train;     // method ids, trained in order with default parameters and splits/{train,dev}.txt
    QStringList params;    // "name=value" parameters of every --train method (the others keep their defaults)
    bool fuse = false;     // fuse the first and the last run (e.g. BM25 and a tuned run; weights chosen on dev)
    QString workspace;     // workspace folder opened (or created when absent or empty) first; runs are recorded in it
    QString view;          // tab to show: "dataset", "embeddings" or "runs" (left), "compare" or "explorer"
                           // (right: the compare view once significance is computed, or the query
                           // explorer on the baseline against the last run); "fuse": the Fuse Runs
                           // dialog on the first and the last run, its dev curve computed (the screenshot's
                           // subject); empty: leave as is
    QString screenshot;  // PNG (or any image format Qt writes) of the window after the steps
    bool analysis = false; // last step: the analysis view of the selected (last) run, once computed

    // Usage problem (e.g. --evaluate without --embeddings), or an empty string.
    QString validate() const;
    bool hasSteps() const { return !dataset.isEmpty() || !screenshot.isEmpty() || !workspace.isEmpty(); }
};

class CommandLineRun : public QObject {
    Q_OBJECT
public:
    CommandLineRun(MainWindow *window, CommandLineRequest request, QObject *parent = nullptr);

    // Starts the first step (call once the event loop runs, or before exec()).
    void start();

signals:
    // exitCode 0: every step succeeded; 1: a step failed (message says which and why).
    void finished(int exitCode, const QString &message);

private:
    // A step starts a job and returns true (the job's signal runs the next step), or finishes at
    // once and calls continueSoon(), or reports a failure and returns false.
    void next();
    void continueSoon();
    void fail(const QString &message);
    void succeed(const QString &message);
    void saveScreenshot();

    MainWindow *m_window;
    CommandLineRequest m_request;
    std::vector<std::function<bool()>> m_steps;
    size_t m_next = 0;
    bool m_done = false;
    bool m_waiting = false; // a step waits for a signal of its own: the window's other signals are ignored
};

} // namespace embtune::gui
