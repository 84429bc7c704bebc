#pragma once
// "Train": a tuning method from the registry (registeredMethods()), its parameters as a form
// generated from the method's schema (validated inline with ParamValues::parse), the train and dev
// query lists (one query id per line; default: the dataset's splits/train.txt and splits/dev.txt)
// the split to evaluate on and, for methods that take experts (soft-label), other embedding sets. The Train button is enabled only when everything is valid; the
// caller runs the job.

#include "data/dataset.h"

#include <QDialog>

#include <map>
#include <string>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QListWidget;

namespace embtune::widgets {
class ParameterForm;
class PathEdit;
} // namespace embtune::widgets

namespace embtune::gui {

class TrainDialog : public QDialog {
    Q_OBJECT
public:
    // `datasetDir` gives the default query lists; `splits` the evaluation choices; `experts` the
    // other embedding sets (key, name) a method that takes experts may use (none checked).
    TrainDialog(const QString &datasetDir, const QStringList &splits, const QString &split,
                const QString &embeddingsName, const QList<QPair<QString, QString>> &experts = {},
                QWidget *parent = nullptr);

    QString methodId() const;
    // Selects a method by id; false when it is not registered.
    bool setMethod(const QString &id);
    widgets::ParameterForm *form() const { return m_form; }
    std::map<std::string, std::string> params() const;

    QString trainQueriesFile() const;
    QString devQueriesFile() const;
    void setQueryFiles(const QString &train, const QString &dev);
    QString split() const;
    bool setSplit(const QString &split);
    // Keys of the checked expert sets.
    QStringList expertKeys() const;
    void setExpertKeys(const QStringList &keys);
    // "Training queries": labelled (the train file), a generated set, or both. `generatedSets`
    // are the names offered; a non-empty `disabledReason` disables the generated choices and is
    // shown beside them.
    void setTrainingQueries(const QStringList &generatedSets, const QString &disabledReason);
    // The generated set chosen (empty: labelled queries only).
    QString generatedSet() const;
    // Whether the labelled training queries train (always true without a generated set).
    bool labelledQueries() const;
    // Selects the choice for (generated set, with labelled); false when it is not offered or disabled.
    bool setTrainingQueriesChoice(const QString &generatedSet, bool withLabelled);

    // Why Train is disabled (empty when it is enabled).
    QString problem() const { return m_problem; }
    QDialogButtonBox *buttons() const { return m_buttons; }

    // DIR/splits/<name>.txt when it exists, else an empty string.
    static QString defaultQueryFile(const QString &datasetDir, const QString &name);

private:
    void onMethodChanged();
    void validate();

    QComboBox *m_method = nullptr;
    QLabel *m_description = nullptr;
    widgets::ParameterForm *m_form = nullptr;
    widgets::PathEdit *m_train = nullptr;
    widgets::PathEdit *m_dev = nullptr;
    QComboBox *m_split = nullptr;
    QListWidget *m_experts = nullptr;
    QComboBox *m_trainingQueries = nullptr;
    QLabel *m_trainingQueriesNote = nullptr;
    QLabel *m_problemLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QString m_problem;
};

} // namespace embtune::gui
