#include "dialogs/train_dialog.h"

#include "methods/method.h"
#include "parameter_form.h"
#include "path_edit.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QStandardItemModel>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace embtune::gui {

QString TrainDialog::defaultQueryFile(const QString &datasetDir, const QString &name)
{
    if (datasetDir.isEmpty())
        return {};
    const QString path = QDir(datasetDir).filePath(QStringLiteral("splits/%1.txt").arg(name));
    return QFileInfo(path).isFile() ? path : QString();
}

TrainDialog::TrainDialog(const QString &datasetDir, const QStringList &splits, const QString &split,
                         const QString &embeddingsName, const QList<QPair<QString, QString>> &experts,
                         QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("trainDialog"));
    setWindowTitle(tr("Train"));

    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("trainMethod"));
    for (const engine::Method *method : engine::registeredMethods()) {
        const engine::MethodSpec &spec = method->spec();
        m_method->addItem(QString::fromStdString(spec.displayName), QString::fromStdString(spec.id));
        m_method->setItemData(m_method->count() - 1, QString::fromStdString(spec.description), Qt::ToolTipRole);
    }
    m_description = new QLabel(this);
    m_description->setObjectName(QStringLiteral("trainMethodDescription"));
    m_description->setWordWrap(true);
    m_description->setForegroundRole(QPalette::PlaceholderText);

    m_form = new widgets::ParameterForm(this);
    m_form->setObjectName(QStringLiteral("trainParameters"));
    auto *parameters = new QGroupBox(tr("Parameters"), this);
    auto *parametersLayout = new QVBoxLayout(parameters);
    parametersLayout->addWidget(m_form);

    const QString idLists = tr("Query id lists (*.txt);;All files (*)");
    m_train = new widgets::PathEdit(widgets::PathEdit::Mode::OpenFile, this);
    m_train->setObjectName(QStringLiteral("trainQueriesFile"));
    m_train->setNameFilter(idLists);
    m_train->setPlaceholderText(tr("one query id per line"));
    m_train->setToolTip(tr("Queries the method learns from; their judgements come from every qrels split"));
    m_train->setPath(defaultQueryFile(datasetDir, QStringLiteral("train")));
    m_train->setStartFolder(datasetDir);
    m_dev = new widgets::PathEdit(widgets::PathEdit::Mode::OpenFile, this);
    m_dev->setObjectName(QStringLiteral("devQueriesFile"));
    m_dev->setNameFilter(idLists);
    m_dev->setPlaceholderText(tr("one query id per line"));
    m_dev->setToolTip(tr("Queries used to choose the method's step size (never trained on)"));
    m_dev->setPath(defaultQueryFile(datasetDir, QStringLiteral("dev")));
    m_dev->setStartFolder(datasetDir);
    m_split = new QComboBox(this);
    m_split->setObjectName(QStringLiteral("trainEvaluationSplit"));
    m_split->addItems(splits);
    m_split->setCurrentText(split);
    m_split->setToolTip(tr("The tuned vectors and the baseline are evaluated on this qrels split"));

    auto *data = new QGroupBox(tr("Data"), this);
    auto *dataLayout = new QFormLayout(data);
    auto *embeddings = new QLabel(embeddingsName.toHtmlEscaped(), this);
    embeddings->setObjectName(QStringLiteral("trainEmbeddings"));
    embeddings->setToolTip(tr("The embedding set selected in the Embeddings panel"));
    dataLayout->addRow(tr("Embeddings:"), embeddings);
    m_trainingQueries = new QComboBox(this);
    m_trainingQueries->setObjectName(QStringLiteral("trainingQueriesCombo"));
    m_trainingQueries->setToolTip(tr("Which queries train: the labelled training queries (qrels), a generated "
                                     "query set (Dataset > Generate Training Queries), or both"));
    m_trainingQueries->addItem(tr("Labelled queries (qrels)"), QStringList{QString(), QStringLiteral("1")});
    m_trainingQueriesNote = new QLabel(this);
    m_trainingQueriesNote->setObjectName(QStringLiteral("trainingQueriesNote"));
    m_trainingQueriesNote->setWordWrap(true);
    m_trainingQueriesNote->setForegroundRole(QPalette::PlaceholderText);
    m_trainingQueriesNote->hide();
    auto *trainingQueries = new QVBoxLayout;
    trainingQueries->addWidget(m_trainingQueries);
    trainingQueries->addWidget(m_trainingQueriesNote);
    auto *trainingQueriesLabel = new QLabel(tr("Training &queries:"), this);
    trainingQueriesLabel->setBuddy(m_trainingQueries);
    dataLayout->addRow(trainingQueriesLabel, trainingQueries);
    dataLayout->addRow(tr("&Train queries:"), m_train);
    dataLayout->addRow(tr("&Dev queries:"), m_dev);
    dataLayout->addRow(tr("&Evaluate on split:"), m_split);
    m_experts = new QListWidget(this);
    m_experts->setObjectName(QStringLiteral("trainExperts"));
    m_experts->setToolTip(tr("Other embedding sets scored as experts by methods that take experts (soft-label); "
                             "other methods ignore them"));
    for (const auto &[key, name] : experts) {
        auto *item = new QListWidgetItem(name, m_experts);
        item->setData(Qt::UserRole, key);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    m_experts->setMaximumHeight(m_experts->fontMetrics().height() * 5);
    if (!experts.isEmpty())
        dataLayout->addRow(tr("E&xperts:"), m_experts);
    else
        m_experts->hide();

    m_problemLabel = new QLabel(this);
    m_problemLabel->setObjectName(QStringLiteral("trainProblem"));
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setStyleSheet(QStringLiteral("color: #c62828;"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults,
                                     this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Train"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, m_form,
            &widgets::ParameterForm::resetToDefaults);
    connect(m_method, &QComboBox::currentIndexChanged, this, &TrainDialog::onMethodChanged);
    connect(m_form, &widgets::ParameterForm::validityChanged, this, &TrainDialog::validate);
    connect(m_train, &widgets::PathEdit::pathChanged, this, &TrainDialog::validate);
    connect(m_dev, &widgets::PathEdit::pathChanged, this, &TrainDialog::validate);
    connect(m_split, &QComboBox::currentTextChanged, this, &TrainDialog::validate);
    connect(m_trainingQueries, &QComboBox::currentIndexChanged, this, &TrainDialog::validate);

    auto *methodRow = new QFormLayout;
    methodRow->addRow(tr("&Method:"), m_method);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(methodRow);
    layout->addWidget(m_description);
    layout->addWidget(parameters);
    layout->addWidget(data);
    layout->addWidget(m_problemLabel);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    onMethodChanged();
    resize(600, sizeHint().height());
}

QString TrainDialog::methodId() const
{
    return m_method->currentData().toString();
}

bool TrainDialog::setMethod(const QString &id)
{
    const int index = m_method->findData(id);
    if (index < 0)
        return false;
    m_method->setCurrentIndex(index);
    return true;
}

std::map<std::string, std::string> TrainDialog::params() const
{
    return m_form->values();
}

QString TrainDialog::trainQueriesFile() const
{
    return m_train->path();
}

QString TrainDialog::devQueriesFile() const
{
    return m_dev->path();
}

void TrainDialog::setQueryFiles(const QString &train, const QString &dev)
{
    m_train->setPath(train);
    m_dev->setPath(dev);
}

QString TrainDialog::split() const
{
    return m_split->currentText();
}

bool TrainDialog::setSplit(const QString &split)
{
    const int index = m_split->findText(split);
    if (index < 0)
        return false;
    m_split->setCurrentIndex(index);
    return true;
}

QStringList TrainDialog::expertKeys() const
{
    QStringList keys;
    for (int i = 0; i < m_experts->count(); ++i)
        if (m_experts->item(i)->checkState() == Qt::Checked)
            keys << m_experts->item(i)->data(Qt::UserRole).toString();
    return keys;
}

void TrainDialog::setExpertKeys(const QStringList &keys)
{
    for (int i = 0; i < m_experts->count(); ++i) {
        QListWidgetItem *item = m_experts->item(i);
        item->setCheckState(keys.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked : Qt::Unchecked);
    }
}

void TrainDialog::onMethodChanged()
{
    const engine::Method *method = engine::findMethod(methodId().toStdString());
    if (!method) {
        m_form->setSpec({});
        m_description->clear();
    } else {
        m_description->setText(QString::fromStdString(method->spec().description));
        m_form->setSpec(method->spec());
    }
    validate();
}

void TrainDialog::setTrainingQueries(const QStringList &generatedSets, const QString &disabledReason)
{
    const QSignalBlocker blocker(m_trainingQueries);
    while (m_trainingQueries->count() > 1)
        m_trainingQueries->removeItem(1);
    for (const QString &name : generatedSets) {
        m_trainingQueries->addItem(tr("Generated: %1").arg(name), QStringList{name, QString()});
        m_trainingQueries->addItem(tr("Labelled + generated: %1").arg(name), QStringList{name, QStringLiteral("1")});
    }
    if (auto *model = qobject_cast<QStandardItemModel *>(m_trainingQueries->model()))
        for (int i = 1; i < m_trainingQueries->count(); ++i)
            model->item(i)->setEnabled(disabledReason.isEmpty());
    m_trainingQueries->setCurrentIndex(0);
    QString note;
    if (generatedSets.isEmpty())
        note = tr("No generated query sets for this dataset: Dataset > Generate Training Queries makes one.");
    else if (!disabledReason.isEmpty())
        note = tr("Generated sets are disabled: %1").arg(disabledReason);
    else
        note = tr("Generated queries are embedded like the dataset's queries; without a dev file, a tenth of them "
                  "is held out for dev.");
    m_trainingQueriesNote->setText(note);
    m_trainingQueriesNote->setVisible(true);
    validate();
    resize(width(), std::max(height(), sizeHint().height()));
}

QString TrainDialog::generatedSet() const
{
    return m_trainingQueries->currentData().toStringList().value(0);
}

bool TrainDialog::labelledQueries() const
{
    return !m_trainingQueries->currentData().toStringList().value(1).isEmpty();
}

bool TrainDialog::setTrainingQueriesChoice(const QString &generatedSet, bool withLabelled)
{
    const QStringList wanted{generatedSet, withLabelled || generatedSet.isEmpty() ? QStringLiteral("1") : QString()};
    const int index = m_trainingQueries->findData(wanted);
    auto *model = qobject_cast<QStandardItemModel *>(m_trainingQueries->model());
    if (index < 0 || (model && !model->item(index)->isEnabled()))
        return false;
    m_trainingQueries->setCurrentIndex(index);
    return true;
}

void TrainDialog::validate()
{
    m_train->setEnabled(labelledQueries());
    QString problem;
    if (methodId().isEmpty())
        problem = tr("No tuning method is registered.");
    else if (!m_form->isValid())
        problem = tr("Fix the parameter above.");
    else if (labelledQueries() && trainQueriesFile().isEmpty())
        problem = tr("Choose the file of training query ids.");
    else if (labelledQueries() && !QFileInfo(trainQueriesFile()).isFile())
        problem = tr("%1: no such file").arg(trainQueriesFile());
    else if (generatedSet().isEmpty() && devQueriesFile().isEmpty())
        problem = tr("Choose the file of dev query ids.");
    else if (!devQueriesFile().isEmpty() && !QFileInfo(devQueriesFile()).isFile())
        problem = tr("%1: no such file").arg(devQueriesFile());
    else if (split().isEmpty())
        problem = tr("The dataset has no qrels split to evaluate on.");
    m_problem = problem;
    // The form shows its own error; this line says what else is missing.
    m_problemLabel->setText(m_form->isValid() ? problem : QString());
    m_problemLabel->setVisible(m_form->isValid() && !problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace embtune::gui
