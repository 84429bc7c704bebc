#include "dialogs/fusion_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>

#include <cmath>
#include <limits>

namespace embtune::gui {

namespace {

constexpr int kSliderSteps = 20; // 1 / engine::kFusionWeightStep
constexpr int kKeyRole = Qt::UserRole;
constexpr int kNameRole = Qt::UserRole + 1;

double nan() { return std::numeric_limits<double>::quiet_NaN(); }

} // namespace

FusionDialog::FusionDialog(const std::vector<FusionCandidate> &candidates, const QStringList &checked, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("fusionDialog"));
    setWindowTitle(tr("Fuse Runs"));

    m_members = new QListWidget(this);
    m_members->setObjectName(QStringLiteral("fusionMembers"));
    m_members->setToolTip(tr("The runs to fuse: two or more runs of the comparison on the same split."));
    for (const FusionCandidate &candidate : candidates) {
        auto *item = new QListWidgetItem(candidate.ndcg10.isEmpty()
                                             ? candidate.name
                                             : tr("%1  (nDCG@10 %2)").arg(candidate.name, candidate.ndcg10),
                                         m_members);
        item->setData(kKeyRole, candidate.key);
        item->setData(kNameRole, candidate.name);
        if (candidate.whyNot.isEmpty()) {
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
            item->setCheckState(checked.contains(candidate.key) ? Qt::Checked : Qt::Unchecked);
        } else {
            item->setFlags(Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Unchecked);
            item->setToolTip(candidate.whyNot);
        }
    }

    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("fusionMethod"));
    m_method->addItem(tr("Convex combination of normalised scores"), int(engine::FusionMethod::Convex));
    m_method->addItem(tr("Reciprocal rank fusion (RRF)"), int(engine::FusionMethod::Rrf));
    m_method->addItem(tr("CombSUM"), int(engine::FusionMethod::CombSum));
    m_method->addItem(tr("CombMNZ"), int(engine::FusionMethod::CombMnz));
    m_method->setToolTip(tr("Convex: sum of weight x normalised score, a missing document at the member's floor. "
                            "RRF: sum of weight / (k + rank). CombSUM / CombMNZ: weighted sum of normalised scores "
                            "of the members that list the document (MNZ: times how many list it)."));

    m_normalization = new QComboBox(this);
    m_normalization->setObjectName(QStringLiteral("fusionNormalization"));
    m_normalization->addItem(tr("z-score"), int(engine::ScoreNormalization::ZScore));
    m_normalization->addItem(tr("min-max"), int(engine::ScoreNormalization::MinMax));
    m_normalization->addItem(tr("rank-based"), int(engine::ScoreNormalization::Rank));
    m_normalization->addItem(tr("theoretical min-max"), int(engine::ScoreNormalization::TheoreticalMinMax));
    m_normalization->setToolTip(tr("How each member's scores of a query are put on one scale before they are "
                                   "combined (not used by RRF)."));

    m_depth = new QSpinBox(this);
    m_depth->setObjectName(QStringLiteral("fusionDepth"));
    m_depth->setRange(10, 1000);
    m_depth->setValue(100);
    m_depth->setToolTip(tr("Documents taken from each member's list per query: the candidates are their union."));

    m_rrfK = new QSpinBox(this);
    m_rrfK->setObjectName(QStringLiteral("fusionRrfK"));
    m_rrfK->setRange(0, 1000);
    m_rrfK->setValue(0);
    m_rrfK->setSpecialValueText(tr("choose on dev"));
    m_rrfK->setToolTip(tr("RRF's k; \"choose on dev\" tries 10, 20, 40, 60 and 100 on the dev queries."));

    m_chooseOnDev = new QCheckBox(tr("Choose the weights on the dev queries"), this);
    m_chooseOnDev->setObjectName(QStringLiteral("chooseOnDev"));
    m_chooseOnDev->setChecked(true);
    m_chooseOnDev->setToolTip(tr("A grid over the weights (step 0.05; coordinate ascent beyond three members), "
                                 "each member alone included: never worse on dev than the best member."));

    m_bm25OnDev = new QCheckBox(tr("Choose BM25's k1 and b on the dev queries too"), this);
    m_bm25OnDev->setObjectName(QStringLiteral("bm25OnDev"));
    m_bm25OnDev->setToolTip(tr("k1 in {0.9, 0.5, 1.2, 1.5, 2.0} and b in {0.4, 0.3, 0.6, 0.75, 0.9}, each with the "
                               "weights chosen for it; the best on dev wins (ties keep 0.9 and 0.4)."));

    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("weightSlider"));
    m_slider->setRange(0, kSliderSteps);
    m_slider->setValue(kSliderSteps / 2);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(2);
    m_slider->setToolTip(tr("Weight of the first member (the second gets the rest)."));
    m_sliderLabel = new QLabel(this);
    m_sliderLabel->setObjectName(QStringLiteral("weightLabel"));

    m_weights = new QLineEdit(this);
    m_weights->setObjectName(QStringLiteral("weightsEdit"));
    m_weights->setPlaceholderText(tr("one weight per member, e.g. 0.5, 0.3, 0.2"));
    m_weights->setToolTip(tr("Weights in member order, >= 0; they are scaled to sum 1."));

    m_devLabel = new QLabel(this);
    m_devLabel->setObjectName(QStringLiteral("devLabel"));
    m_devLabel->setWordWrap(true);

    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setVisible(false);
    chart->setTitle(tr("dev nDCG@10 of the fusion over the weights"));
    m_curve = new QLineSeries(chart);
    m_curve->setName(tr("dev nDCG@10"));
    m_curve->setPointsVisible(true);
    m_chosen = new QScatterSeries(chart);
    m_chosen->setName(tr("chosen on dev"));
    m_chosen->setMarkerSize(11);
    m_marker = new QScatterSeries(chart);
    m_marker->setName(tr("slider"));
    m_marker->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_marker->setMarkerSize(9);
    for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(m_curve), static_cast<QAbstractSeries *>(m_chosen),
                                    static_cast<QAbstractSeries *>(m_marker)})
        chart->addSeries(series);
    auto *weightAxis = new QValueAxis(chart);
    weightAxis->setRange(0, 1);
    weightAxis->setTickCount(6);
    weightAxis->setLabelFormat(QStringLiteral("%.1f"));
    weightAxis->setTitleText(tr("weight of the first member"));
    auto *scoreAxis = new QValueAxis(chart);
    scoreAxis->setLabelFormat(QStringLiteral("%.3f"));
    scoreAxis->setTitleText(tr("dev nDCG@10"));
    chart->addAxis(weightAxis, Qt::AlignBottom);
    chart->addAxis(scoreAxis, Qt::AlignLeft);
    for (QAbstractSeries *series : chart->series()) {
        series->attachAxis(weightAxis);
        series->attachAxis(scoreAxis);
    }
    m_chartView = new QChartView(chart, this);
    m_chartView->setObjectName(QStringLiteral("devCurveChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumSize(420, 240);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Fuse"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&Method:"), m_method);
    form->addRow(tr("&Normalisation:"), m_normalization);
    form->addRow(tr("&Depth:"), m_depth);
    form->addRow(tr("RRF &k:"), m_rrfK);
    auto *sliderRow = new QHBoxLayout;
    sliderRow->addWidget(m_slider, 1);
    sliderRow->addWidget(m_sliderLabel);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Members:"), this));
    layout->addWidget(m_members);
    layout->addLayout(form);
    layout->addWidget(m_chooseOnDev);
    layout->addWidget(m_bm25OnDev);
    layout->addLayout(sliderRow);
    layout->addWidget(m_weights);
    layout->addWidget(m_chartView, 1);
    layout->addWidget(m_devLabel);
    layout->addWidget(m_buttons);

    // Settings that change the curve are debounced (typing a depth), the weights are not.
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &FusionDialog::requestCurve);
    connect(m_members, &QListWidget::itemChanged, this, &FusionDialog::onSettingsChanged);
    connect(m_method, &QComboBox::currentIndexChanged, this, &FusionDialog::onSettingsChanged);
    connect(m_normalization, &QComboBox::currentIndexChanged, this, &FusionDialog::onSettingsChanged);
    connect(m_depth, &QSpinBox::valueChanged, this, &FusionDialog::onSettingsChanged);
    connect(m_rrfK, &QSpinBox::valueChanged, this, &FusionDialog::onSettingsChanged);
    connect(m_chooseOnDev, &QCheckBox::toggled, this, [this] {
        m_bm25OnDev->setEnabled(m_chooseOnDev->isChecked());
        updateWeightsUi();
        updateEnabled();
    });
    connect(m_bm25OnDev, &QCheckBox::toggled, this, &FusionDialog::onSettingsChanged);
    connect(m_slider, &QSlider::valueChanged, this, &FusionDialog::updateSliderReadout);
    connect(m_weights, &QLineEdit::textChanged, this, &FusionDialog::updateEnabled);

    resize(560, 640);
    onSettingsChanged();
}

QStringList FusionDialog::checkedKeys() const
{
    QStringList keys;
    for (int i = 0; i < m_members->count(); ++i)
        if (m_members->item(i)->checkState() == Qt::Checked)
            keys << m_members->item(i)->data(kKeyRole).toString();
    return keys;
}

void FusionDialog::onSettingsChanged()
{
    ++m_generation; // a curve on its way belongs to the old settings
    m_choice.reset();
    m_curveError.clear();
    m_stepScores.assign(kSliderSteps + 1, nan());
    m_curve->clear();
    m_chosen->clear();
    const auto method = engine::FusionMethod(m_method->currentData().toInt());
    m_normalization->setEnabled(method != engine::FusionMethod::Rrf);
    m_rrfK->setEnabled(method == engine::FusionMethod::Rrf);
    QStringList names; // of the checked members, in order
    for (int i = 0; i < m_members->count(); ++i)
        if (m_members->item(i)->checkState() == Qt::Checked)
            names << m_members->item(i)->data(kNameRole).toString();
    if (auto *axis = m_chartView->chart()->axes(Qt::Horizontal).value(0); axis && names.size() == 2)
        axis->setTitleText(tr("weight of %1 (%2 gets the rest)").arg(names[0], names[1]));
    m_slider->setToolTip(names.size() == 2 ? tr("Weight of %1 (%2 gets the rest).").arg(names[0], names[1])
                                           : tr("Weight of the first member (the second gets the rest)."));
    updateWeightsUi();
    updateEnabled();
    if (checkedKeys().size() >= 2)
        m_debounce->start();
    else
        m_debounce->stop();
}

void FusionDialog::requestCurve()
{
    if (checkedKeys().size() < 2)
        return;
    FusionDialogSettings request = settings();
    request.fusion.weights.clear();
    m_devLabel->setText(tr("Computing the dev curve…"));
    emit devCurveWanted(m_generation, request);
}

void FusionDialog::setDevCurve(int generation, const engine::FusionChoice &choice, qint64 devQueries)
{
    if (generation != m_generation)
        return;
    m_choice = choice;
    m_curveError.clear();
    // Two members: the points of the chosen k (every point when k is fixed) by the first weight.
    if (checkedKeys().size() == 2) {
        for (const engine::FusionDevPoint &point : choice.curve) {
            if (point.weights.size() != 2 || point.rrfK != choice.rrfK)
                continue;
            const int step = int(std::lround(point.weights[0] * kSliderSteps));
            if (step >= 0 && step <= kSliderSteps)
                m_stepScores[size_t(step)] = point.score;
        }
        QList<QPointF> points;
        double low = 1, high = 0;
        for (int i = 0; i <= kSliderSteps; ++i)
            if (!std::isnan(m_stepScores[size_t(i)])) {
                points << QPointF(double(i) / kSliderSteps, m_stepScores[size_t(i)]);
                low = std::min(low, m_stepScores[size_t(i)]);
                high = std::max(high, m_stepScores[size_t(i)]);
            }
        m_curve->replace(points);
        m_chosen->replace({QPointF(choice.weights.empty() ? 0.0 : choice.weights[0], choice.devScore)});
        if (auto *axis = qobject_cast<QValueAxis *>(m_chartView->chart()->axes(Qt::Vertical).value(0)); axis && !points.isEmpty()) {
            const double margin = std::max(0.005, (high - low) * 0.1);
            axis->setRange(std::max(0.0, low - margin), std::min(1.0, high + margin));
        }
    }
    QStringList weights;
    for (double w : choice.weights)
        weights << QString::number(w, 'f', 2);
    QString text = tr("Chosen on %1 dev queries: weights %2%3, dev nDCG@10 %4 (best member alone %5).")
                       .arg(devQueries)
                       .arg(weights.join(QStringLiteral(" / ")),
                            choice.rrfK > 0 ? tr(", RRF k %1").arg(choice.rrfK) : QString())
                       .arg(choice.devScore, 0, 'f', 4)
                       .arg(choice.memberDevScores.empty()
                                ? 0.0
                                : *std::max_element(choice.memberDevScores.begin(), choice.memberDevScores.end()),
                            0, 'f', 4);
    m_devLabel->setText(text);
    if (m_chooseOnDev->isChecked() && !choice.weights.empty()) {
        const QSignalBlocker blocker(m_slider);
        m_slider->setValue(int(std::lround(choice.weights[0] * kSliderSteps)));
    }
    updateSliderReadout();
    emit devCurveShown();
}

void FusionDialog::setDevCurveError(int generation, const QString &error)
{
    if (generation != m_generation)
        return;
    m_curveError = error;
    m_devLabel->setText(tr("No dev curve: %1").arg(error));
    updateEnabled();
    emit devCurveShown();
}

double FusionDialog::sliderWeight() const { return double(m_slider->value()) / kSliderSteps; }

double FusionDialog::sliderDevScore() const
{
    const int step = m_slider->value();
    return step >= 0 && step < int(m_stepScores.size()) ? m_stepScores[size_t(step)] : nan();
}

void FusionDialog::updateSliderReadout()
{
    const double w = sliderWeight(), score = sliderDevScore();
    m_sliderLabel->setText(std::isnan(score) ? tr("%1 / %2").arg(w, 0, 'f', 2).arg(1 - w, 0, 'f', 2)
                                             : tr("%1 / %2: dev %3").arg(w, 0, 'f', 2).arg(1 - w, 0, 'f', 2).arg(score, 0, 'f', 4));
    if (std::isnan(score))
        m_marker->clear();
    else
        m_marker->replace({QPointF(w, score)});
}

void FusionDialog::updateWeightsUi()
{
    const int members = int(checkedKeys().size());
    const bool manual = !m_chooseOnDev->isChecked();
    m_slider->setVisible(members == 2);
    m_sliderLabel->setVisible(members == 2);
    m_slider->setEnabled(manual);
    m_weights->setVisible(members > 2);
    m_weights->setEnabled(manual);
    m_chartView->setVisible(members == 2);
    if (members == 2 && m_choice && !manual && !m_choice->weights.empty()) {
        const QSignalBlocker blocker(m_slider);
        m_slider->setValue(int(std::lround(m_choice->weights[0] * kSliderSteps)));
    }
    updateSliderReadout();
    if (members < 2)
        m_devLabel->setText(tr("Check two or more runs."));
}

std::optional<std::vector<double>> FusionDialog::manualWeights(QString *problem) const
{
    const int members = int(checkedKeys().size());
    if (members == 2)
        return std::vector<double>{sliderWeight(), 1.0 - sliderWeight()};
    std::vector<double> weights;
    double sum = 0;
    for (const QString &part : m_weights->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double w = part.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(w) || w < 0) {
            *problem = tr("\"%1\" is not a weight (a number >= 0).").arg(part.trimmed());
            return std::nullopt;
        }
        weights.push_back(w);
        sum += w;
    }
    if (int(weights.size()) != members) {
        *problem = tr("Give %1 weights, one per member (%2 given).").arg(members).arg(weights.size());
        return std::nullopt;
    }
    if (sum <= 0) {
        *problem = tr("At least one weight must be above 0.");
        return std::nullopt;
    }
    return weights;
}

void FusionDialog::updateEnabled()
{
    QString problem;
    bool ok = checkedKeys().size() >= 2;
    if (ok && !m_chooseOnDev->isChecked())
        ok = manualWeights(&problem).has_value();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
    m_buttons->button(QDialogButtonBox::Ok)->setToolTip(problem);
}

FusionDialogSettings FusionDialog::settings() const
{
    FusionDialogSettings out;
    out.memberKeys = checkedKeys();
    engine::FusionOptions &options = out.fusion.options;
    options.method = engine::FusionMethod(m_method->currentData().toInt());
    options.normalization = engine::ScoreNormalization(m_normalization->currentData().toInt());
    options.depth = m_depth->value();
    options.rrfK = options.method == engine::FusionMethod::Rrf ? double(m_rrfK->value()) : 0.0;
    if (!m_chooseOnDev->isChecked()) {
        QString problem;
        if (auto weights = manualWeights(&problem))
            out.fusion.weights = *weights;
    }
    out.bm25OnDev = m_chooseOnDev->isChecked() && m_bm25OnDev->isChecked();
    return out;
}

} // namespace embtune::gui
