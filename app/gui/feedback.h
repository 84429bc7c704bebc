#pragma once
// Feedback owns how the GUI tells the user something: errors (a window-modal, non-blocking
// message box when dialogs are enabled, always errorShown) and status-bar messages. Every
// controller reports through it; the main window shows statusMessage in its status bar. GUI thread.

#include <QObject>
#include <QPointer>
#include <QString>

class QWidget;

namespace embtune::gui {

class Feedback : public QObject {
    Q_OBJECT
public:
    // How long a status message stays, in ms.
    static constexpr int kStatusTimeoutMs = 10000;

    // `dialogParent`: the window error boxes are modal to (not owned).
    explicit Feedback(QWidget *dialogParent, QObject *parent = nullptr);

    // `title` goes to the status bar, `message` (e.g. "file:line: what") to errorShown and the box.
    void showError(const QString &title, const QString &message);
    // A status-bar message for `timeoutMs` (0: until replaced).
    void showStatus(const QString &message, int timeoutMs = kStatusTimeoutMs);

    // When false, errors are not shown in a message box (tests; they are still emitted).
    bool errorDialogsEnabled() const { return m_dialogsEnabled; }
    void setErrorDialogsEnabled(bool enabled) { m_dialogsEnabled = enabled; }

signals:
    // Every error reported to the user, as shown ("file:line: message" from the engine).
    void errorShown(const QString &message);
    void statusMessage(const QString &message, int timeoutMs);

private:
    QPointer<QWidget> m_dialogParent;
    bool m_dialogsEnabled = true;
};

} // namespace embtune::gui
