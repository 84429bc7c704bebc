#pragma once
// A file or folder path: a line edit with a "Browse..." button that opens a file dialog starting
// at the current path.

#include <QWidget>

class QLineEdit;
class QToolButton;

namespace embtune::widgets {

class PathEdit : public QWidget {
    Q_OBJECT
public:
    enum class Mode { OpenFile, Folder };

    explicit PathEdit(Mode mode, QWidget *parent = nullptr);

    QString path() const;
    void setPath(const QString &path);
    // Name filter of the file dialog ("Vector files (*.npy *.fvecs)"); OpenFile mode only.
    void setNameFilter(const QString &filter) { m_filter = filter; }
    void setDialogTitle(const QString &title) { m_title = title; }
    // Where the file dialog starts while the path is empty (default: the home folder).
    void setStartFolder(const QString &folder) { m_start = folder; }
    void setPlaceholderText(const QString &text);
    QLineEdit *lineEdit() const { return m_edit; }
    QToolButton *browseButton() const { return m_browse; }

signals:
    void pathChanged(const QString &path);

private:
    void browse();

    Mode m_mode;
    QLineEdit *m_edit = nullptr;
    QToolButton *m_browse = nullptr;
    QString m_filter;
    QString m_title;
    QString m_start;
};

} // namespace embtune::widgets
