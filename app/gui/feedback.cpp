#include "feedback.h"

#include <QMessageBox>

namespace embtune::gui {

Feedback::Feedback(QWidget *dialogParent, QObject *parent)
    : QObject(parent)
    , m_dialogParent(dialogParent)
{
}

void Feedback::showError(const QString &title, const QString &message)
{
    emit statusMessage(title, kStatusTimeoutMs);
    emit errorShown(message);
    if (!m_dialogsEnabled)
        return;
    // Window-modal and non-blocking (open(), not exec()), so jobs and tests keep running.
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, m_dialogParent);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->open();
}

void Feedback::showStatus(const QString &message, int timeoutMs)
{
    emit statusMessage(message, timeoutMs);
}

} // namespace embtune::gui
