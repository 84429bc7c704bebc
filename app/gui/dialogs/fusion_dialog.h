#pragma once
// "Fuse Runs": the members (two or more runs of the comparison), the fusion method, the
// normalisation, the depth taken from each member, RRF's k, and the weights: chosen on the dev
// queries, or set by hand (a slider for two members, a list beyond). For two members the dialog
// shows the dev nDCG@10 of every weight on the slider's grid (engine fusion_weights.h: step 0.05)
// as a curve with the slider's point marked, so moving the slider reads its dev figure live.
// The caller computes the curve (setDevCurve) when devCurveWanted asks for it, and makes the
// fused run from settings() when the dialog is accepted.

#include "fusion/fusion_weights.h"
#include "run/run_spec.h"

#include <QDialog>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSlider;
class QSpinBox;
class QTimer;

class QChartView;
class QLineSeries;
class QScatterSeries;

namespace embtune::gui {

// A run the dialog offers as a member.
struct FusionCandidate {
    QString key;      // RunStore key
    QString name;     // as the comparison shows it
    QString ndcg10;   // its nDCG@10 on the split ("0.6629")
    QString whyNot;   // empty: can be fused; else why not (shown, the row disabled)
};

// What the dialog chose.
struct FusionDialogSettings {
    QStringList memberKeys;           // in list order
    engine::FusionSettings fusion;    // weights empty: chosen on dev; rrfK 0: chosen on dev
    bool bm25OnDev = false;           // BM25 members' k1 and b chosen on dev with the weights
};

class FusionDialog : public QDialog {
    Q_OBJECT
public:
    // `checked`: keys checked at first (the comparison's selection).
    FusionDialog(const std::vector<FusionCandidate> &candidates, const QStringList &checked, QWidget *parent = nullptr);

    FusionDialogSettings settings() const;

    // The dev curve for request `generation` (the number devCurveWanted gave): `choice` is what
    // engine::chooseFusionOnDev chose with the weights open, `devQueries` how many dev queries it
    // used. An older generation is ignored. error: the curve could not be made (shown instead).
    void setDevCurve(int generation, const engine::FusionChoice &choice, qint64 devQueries);
    void setDevCurveError(int generation, const QString &error);

    // The dev figure shown for the slider's weight; NaN when there is none (yet).
    double sliderDevScore() const;
    // Weight of the first member at the slider (0..1).
    double sliderWeight() const;

    QListWidget *membersList() const { return m_members; }
    QComboBox *methodCombo() const { return m_method; }
    QComboBox *normalizationCombo() const { return m_normalization; }
    QSpinBox *depthSpin() const { return m_depth; }
    QSpinBox *rrfKSpin() const { return m_rrfK; }
    QCheckBox *chooseOnDevCheck() const { return m_chooseOnDev; }
    QCheckBox *bm25OnDevCheck() const { return m_bm25OnDev; }
    QSlider *weightSlider() const { return m_slider; }
    QLineEdit *weightsEdit() const { return m_weights; }
    QLabel *devLabel() const { return m_devLabel; }
    QChartView *devChart() const { return m_chartView; }
    QLineSeries *devCurveSeries() const { return m_curve; }
    QDialogButtonBox *buttons() const { return m_buttons; }

signals:
    // The members, method, normalisation, depth or k changed: compute the dev curve of these
    // settings (weights left open) and hand it to setDevCurve(generation, ...).
    void devCurveWanted(int generation, const FusionDialogSettings &settings);
    // The curve (or why there is none) of the current settings is shown.
    void devCurveShown();

private:
    QStringList checkedKeys() const;
    void onSettingsChanged();
    void requestCurve();
    void updateWeightsUi();
    void updateSliderReadout();
    void updateEnabled();
    std::optional<std::vector<double>> manualWeights(QString *problem) const;

    QListWidget *m_members = nullptr;
    QComboBox *m_method = nullptr;
    QComboBox *m_normalization = nullptr;
    QSpinBox *m_depth = nullptr;
    QSpinBox *m_rrfK = nullptr;
    QCheckBox *m_chooseOnDev = nullptr;
    QCheckBox *m_bm25OnDev = nullptr;
    QSlider *m_slider = nullptr;
    QLabel *m_sliderLabel = nullptr;
    QLineEdit *m_weights = nullptr;
    QLabel *m_devLabel = nullptr;
    QChartView *m_chartView = nullptr;
    QLineSeries *m_curve = nullptr;
    QScatterSeries *m_marker = nullptr;
    QScatterSeries *m_chosen = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QTimer *m_debounce = nullptr;
    int m_generation = 0;
    // The curve of the current generation, for two members: dev score at slider step i (weight
    // of the first member i * 0.05), NaN where not measured.
    std::vector<double> m_stepScores;
    std::optional<engine::FusionChoice> m_choice;
    QString m_curveError;
};

} // namespace embtune::gui
