#include "dialogs/import_files_dialog.h"

#include "path_edit.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace embtune::gui {

ImportFilesDialog::ImportFilesDialog(const QString &startFolder, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("importFilesDialog"));
    setWindowTitle(tr("Import Embedding Files"));
    const QString vectors = tr("Vector files (*.npy *.fvecs *.jsonl *.ndjson *.safetensors);;All files (*)");
    const QString idLists = tr("Id lists (*.txt);;All files (*)");
    auto makeEdit = [&](const QString &name, const QString &filter, const QString &placeholder) {
        auto *edit = new widgets::PathEdit(widgets::PathEdit::Mode::OpenFile, this);
        edit->setObjectName(name);
        edit->setNameFilter(filter);
        edit->setPlaceholderText(placeholder);
        if (!startFolder.isEmpty())
            edit->setStartFolder(startFolder);
        connect(edit, &widgets::PathEdit::pathChanged, this, &ImportFilesDialog::update);
        return edit;
    };
    m_docs = makeEdit(QStringLiteral("importDocsFile"), vectors, tr("required: one vector per document"));
    m_docIds = makeEdit(QStringLiteral("importDocIdsFile"), idLists, tr("optional: default X_ids.txt beside the file"));
    m_queries = makeEdit(QStringLiteral("importQueriesFile"), vectors, tr("optional: vectors of the queries"));
    m_queryIds = makeEdit(QStringLiteral("importQueryIdsFile"), idLists, tr("optional: default X_ids.txt beside the file"));

    auto *intro = new QLabel(tr("Vectors are matched to the dataset by id: every document needs a vector; "
                                "queries without one cannot be evaluated. JSONL and safetensors files hold their "
                                "ids; npy and fvecs files need an id list (one id per line)."),
                             this);
    intro->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("&Documents:"), m_docs);
    form->addRow(tr("Document &ids:"), m_docIds);
    form->addRow(tr("&Queries:"), m_queries);
    form->addRow(tr("Query i&ds:"), m_queryIds);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    update();
    resize(620, sizeHint().height());
}

ImportSpec ImportFilesDialog::spec() const
{
    ImportSpec spec;
    spec.docsFile = m_docs->path();
    spec.docIdsFile = m_docIds->path();
    spec.queriesFile = m_queries->path();
    spec.queryIdsFile = m_queryIds->path();
    return spec;
}

void ImportFilesDialog::setSpec(const ImportSpec &spec)
{
    m_docs->setPath(spec.docsFile);
    m_docIds->setPath(spec.docIdsFile);
    m_queries->setPath(spec.queriesFile);
    m_queryIds->setPath(spec.queryIdsFile);
}

void ImportFilesDialog::update()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_docs->path().isEmpty());
}

} // namespace embtune::gui
