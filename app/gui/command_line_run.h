#pragma once
// Runs the steps requested on the command line against a MainWindow, in order: open the dataset,
// import embeddings, evaluate, save a screenshot. Emits finished() once after the last step or
// the first failure.

#include <QObject>
#include <QString>

#include <functional>
#include <vector>

namespace embtune::gui {

class MainWindow;

struct CommandLineRequest {
    QString dataset;     // BEIR folder to open
    QString embeddings;  // folder with corpus.npy + corpus_ids.txt (+ queries)
    QString split;       // split to evaluate; empty: the window's default ("test")
    bool evaluate = false;
    QString screenshot;  // PNG (or any image format Qt writes) of the window after the steps

    // Usage problem (e.g. --evaluate without --embeddings), or an empty string.
    QString validate() const;
    bool hasSteps() const { return !dataset.isEmpty() || !screenshot.isEmpty(); }
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
    void next();
    void fail(const QString &message);
    void succeed(const QString &message);
    void saveScreenshot();

    MainWindow *m_window;
    CommandLineRequest m_request;
    std::vector<std::function<bool()>> m_steps;
    size_t m_next = 0;
    bool m_done = false;
};

} // namespace embtune::gui
