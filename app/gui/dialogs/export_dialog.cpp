#include "dialogs/export_dialog.h"

#include "embed/embedding_store.h"
#include "path_edit.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace embtune::gui {

namespace {

struct FormatChoice {
    engine::VectorFormat format;
    const char *label;
};

const FormatChoice kFormats[] = {
    {engine::VectorFormat::Npy, QT_TRANSLATE_NOOP("ExportDialog", "NumPy .npy + id lists")},
    {engine::VectorFormat::Fvecs, QT_TRANSLATE_NOOP("ExportDialog", "fvecs + id lists")},
    {engine::VectorFormat::Jsonl, QT_TRANSLATE_NOOP("ExportDialog", "JSONL {\"_id\", \"embedding\"}")},
    {engine::VectorFormat::Safetensors, QT_TRANSLATE_NOOP("ExportDialog", "safetensors (ids and provenance inside)")},
};

} // namespace

ExportDialog::ExportDialog(const QString &what, const QString &folder, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export %1").arg(what));

    m_format = new QComboBox(this);
    m_format->setObjectName(QStringLiteral("exportFormat"));
    for (const FormatChoice &choice : kFormats)
        m_format->addItem(tr(choice.label), int(choice.format));
    m_format->setToolTip(tr("Vector file format; every format can be imported again"));

    m_folder = new widgets::PathEdit(widgets::PathEdit::Mode::Folder, this);
    m_folder->setObjectName(QStringLiteral("exportFolder"));
    m_folder->setDialogTitle(tr("Export to Folder"));
    m_folder->setPlaceholderText(tr("output folder (created when missing)"));
    m_folder->setPath(folder);

    m_files = new QLabel(this);
    m_files->setObjectName(QStringLiteral("exportFiles"));
    m_files->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_files->setForegroundRole(QPalette::PlaceholderText);

    auto *form = new QFormLayout;
    form->addRow(tr("&Format:"), m_format);
    form->addRow(tr("F&older:"), m_folder);
    form->addRow(tr("Writes:"), m_files);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::update);
    connect(m_folder, &widgets::PathEdit::pathChanged, this, &ExportDialog::update);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    update();
    resize(560, sizeHint().height());
}

QString ExportDialog::filesText(engine::VectorFormat format)
{
    const engine::ExportLayout layout = engine::exportLayout(format);
    QStringList files;
    for (const std::string &name : {layout.docs, layout.docIds, layout.queries, layout.queryIds})
        if (!name.empty())
            files << QString::fromStdString(name);
    files << QStringLiteral("provenance.json");
    return files.join(QLatin1Char('\n'));
}

engine::VectorFormat ExportDialog::format() const
{
    return engine::VectorFormat(m_format->currentData().toInt());
}

void ExportDialog::setFormat(engine::VectorFormat format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

QString ExportDialog::folder() const
{
    return m_folder->path();
}

void ExportDialog::setFolder(const QString &folder)
{
    m_folder->setPath(folder);
}

void ExportDialog::update()
{
    m_files->setText(filesText(format()));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!folder().isEmpty());
}

} // namespace embtune::gui
