#include "path_edit.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QToolButton>

namespace embtune::widgets {

PathEdit::PathEdit(Mode mode, QWidget *parent)
    : QWidget(parent)
    , m_mode(mode)
{
    m_edit = new QLineEdit(this);
    m_edit->setClearButtonEnabled(true);
    m_browse = new QToolButton(this);
    m_browse->setText(tr("Browse..."));
    m_browse->setToolTip(mode == Mode::Folder ? tr("Choose a folder") : tr("Choose a file"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_browse);
    setFocusProxy(m_edit);
    connect(m_edit, &QLineEdit::textChanged, this, &PathEdit::pathChanged);
    connect(m_browse, &QToolButton::clicked, this, &PathEdit::browse);
}

QString PathEdit::path() const
{
    return m_edit->text().trimmed();
}

void PathEdit::setPath(const QString &path)
{
    m_edit->setText(QDir::toNativeSeparators(path));
}

void PathEdit::setPlaceholderText(const QString &text)
{
    m_edit->setPlaceholderText(text);
}

void PathEdit::browse()
{
    const QFileInfo current(path());
    const QString start = path().isEmpty() ? (m_start.isEmpty() ? QDir::homePath() : m_start)
                          : current.isDir() ? current.absoluteFilePath()
                                            : current.absolutePath();
    const QString title = m_title.isEmpty() ? m_browse->toolTip() : m_title;
    const QString chosen = m_mode == Mode::Folder ? QFileDialog::getExistingDirectory(this, title, start)
                                                  : QFileDialog::getOpenFileName(this, title, start, m_filter);
    if (!chosen.isEmpty())
        setPath(chosen);
}

} // namespace embtune::widgets
