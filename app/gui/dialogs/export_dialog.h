#pragma once
// "Export Embeddings": the vector format (npy + ids, fvecs + ids, JSONL, safetensors) and the
// output folder, with the files the export will write. The caller runs the export.

#include "io/vector_file.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;

namespace embtune::widgets {
class PathEdit;
}

namespace embtune::gui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    // `what` names the vectors in the title ("lsa256", "tuned vectors of ..."); `folder` is the
    // proposed output folder.
    ExportDialog(const QString &what, const QString &folder, QWidget *parent = nullptr);

    engine::VectorFormat format() const;
    void setFormat(engine::VectorFormat format);
    QString folder() const;
    void setFolder(const QString &folder);

    QComboBox *formatCombo() const { return m_format; }
    QDialogButtonBox *buttons() const { return m_buttons; }

    // Files of `format` (exportLayout + provenance.json), one per line.
    static QString filesText(engine::VectorFormat format);

private:
    void update();

    QComboBox *m_format = nullptr;
    widgets::PathEdit *m_folder = nullptr;
    QLabel *m_files = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace embtune::gui
