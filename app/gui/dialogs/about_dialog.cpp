#include "about_dialog.h"

#include <Eigen/Core>
#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>
#include <simdjson.h>
#include <sqlite3.h>
#include <zip.h>

#ifndef EMBTUNE_VERSION
#define EMBTUNE_VERSION "dev"
#endif
#ifndef EMBTUNE_HNSWLIB_VERSION
#define EMBTUNE_HNSWLIB_VERSION "unknown" // hnswlib's headers carry no version; CMake asks the package manager
#endif

#define EMBTUNE_STRINGIFY2(x) #x
#define EMBTUNE_STRINGIFY(x) EMBTUNE_STRINGIFY2(x)

namespace embtune::gui {

QList<QPair<QString, QString>> AboutDialog::versions()
{
    return {
        {QStringLiteral("embtune"), QStringLiteral(EMBTUNE_VERSION)},
        {QStringLiteral("Qt"), QStringLiteral("%1 (built with %2)").arg(QString::fromLatin1(qVersion()),
                                                                       QStringLiteral(QT_VERSION_STR))},
        {QStringLiteral("Eigen"), QStringLiteral("%1.%2.%3").arg(EIGEN_WORLD_VERSION).arg(EIGEN_MAJOR_VERSION).arg(
                                      EIGEN_MINOR_VERSION)},
        {QStringLiteral("hnswlib"), QStringLiteral(EMBTUNE_HNSWLIB_VERSION)},
        {QStringLiteral("simdjson"), QStringLiteral(EMBTUNE_STRINGIFY(SIMDJSON_VERSION))},
        {QStringLiteral("SQLite"), QString::fromLatin1(sqlite3_libversion())},
        {QStringLiteral("libzip"), QString::fromLatin1(zip_libzip_version())},
    };
}

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About embtune"));
    QString rows;
    for (const auto &[name, version] : versions())
        rows += QStringLiteral("<tr><td>%1</td><td style=\"padding-left:16px\">%2</td></tr>")
                    .arg(name.toHtmlEscaped(), version.toHtmlEscaped());
    auto *text = new QLabel(
        tr("<h2>embtune %1</h2>"
           "<p>A workbench for tuning black-box text embeddings for retrieval: open a BEIR dataset, compute or "
           "import embeddings, evaluate them with trec_eval conventions, tune them (NUDGE, adapters, Mafin, "
           "REFINE, soft labels) and compare the runs.</p>"
           "<p><b>Versions</b></p><table>%2</table>")
            .arg(QStringLiteral(EMBTUNE_VERSION), rows),
        this);
    text->setObjectName(QStringLiteral("aboutText"));
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(buttons);
    setMinimumWidth(460);
}

} // namespace embtune::gui
