#pragma once
// "Import Embedding Files": a document vector file (.npy, .fvecs, .jsonl, .safetensors), an
// optional query vector file, and optional id lists for the formats that keep ids beside the
// vectors (npy, fvecs; default: the sibling X_ids.txt). The caller runs the import.

#include "jobs/engine_jobs.h"

#include <QDialog>

class QDialogButtonBox;

namespace embtune::widgets {
class PathEdit;
}

namespace embtune::gui {

class ImportFilesDialog : public QDialog {
    Q_OBJECT
public:
    explicit ImportFilesDialog(const QString &startFolder, QWidget *parent = nullptr);

    ImportSpec spec() const;
    void setSpec(const ImportSpec &spec);
    QDialogButtonBox *buttons() const { return m_buttons; }

private:
    void update();

    widgets::PathEdit *m_docs = nullptr;
    widgets::PathEdit *m_docIds = nullptr;
    widgets::PathEdit *m_queries = nullptr;
    widgets::PathEdit *m_queryIds = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace embtune::gui
