#include "controllers/appearance_controller.h"

#include "dialogs/about_dialog.h"
#include "jobs/training_queue.h"
#include "remote_settings.h"
#include "training_runs_panel.h"

#include "data/zip_archive.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QMainWindow>
#include <QMenu>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

#include <Eigen/Core>

#include <utility>

namespace embtune::gui {

namespace {

namespace key {
const QString theme = QStringLiteral("view/theme");
const QString threads = QStringLiteral("engine/threads");
const QString chatBaseUrl = QStringLiteral("llm/baseUrl");
const QString searchBackend = QStringLiteral("search/backend");
} // namespace key

QPalette darkPalette()
{
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(230, 230, 230), disabled(130, 130, 130);
    const QColor highlight(42, 130, 218);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(40, 40, 43));
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(110, 170, 240));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(70, 70, 74));
    p.setColor(QPalette::Midlight, QColor(60, 60, 64));
    p.setColor(QPalette::Mid, QColor(50, 50, 54));
    p.setColor(QPalette::Dark, QColor(25, 25, 27));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

QString themeId(const QString &theme)
{
    return theme == QStringLiteral("light") || theme == QStringLiteral("dark") ? theme : QStringLiteral("system");
}

} // namespace

AppearanceController::AppearanceController(const GuiContext &context, QObject *parent)
    : QObject(parent)
    , m_ctx(context)
{
    createActions();
    // Settings that apply at start.
    m_theme = themeId(m_ctx.settings->value(key::theme, QStringLiteral("system")).toString());
    applyTheme(m_theme);
    for (QAction *action : m_themes->actions())
        action->setChecked(action->data().toString() == m_theme);
    if (const int saved = threads(); saved > 0)
        Eigen::setNbThreads(saved);
}

void AppearanceController::createActions()
{
    m_settingsAction = new QAction(tr("&Settings..."), this);
    m_settingsAction->setObjectName(QStringLiteral("actionSettings"));
    m_settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    m_settingsAction->setStatusTip(
        tr("Threads, training runs at once, default search, API endpoints, theme (Ctrl+,)"));
    connect(m_settingsAction, &QAction::triggered, this, &AppearanceController::showSettingsDialog);

    m_themeMenu = new QMenu(tr("&Theme"), m_ctx.window);
    m_themes = new QActionGroup(this);
    for (const auto &[id, label] : {std::pair{QStringLiteral("system"), tr("&System")},
                                    std::pair{QStringLiteral("light"), tr("&Light")},
                                    std::pair{QStringLiteral("dark"), tr("&Dark")}}) {
        QAction *action = m_themeMenu->addAction(label);
        action->setObjectName(QStringLiteral("actionTheme_") + id);
        action->setCheckable(true);
        action->setData(id);
        m_themes->addAction(action);
        connect(action, &QAction::triggered, this, [this, theme = id] { setTheme(theme); });
    }

    m_about = new QAction(tr("&About embtune"), this);
    m_about->setMenuRole(QAction::AboutRole);
    connect(m_about, &QAction::triggered, this, [this] {
        auto *dialog = new AboutDialog(m_ctx.window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    m_aboutQt = new QAction(tr("About &Qt"), this);
    m_aboutQt->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

int AppearanceController::threads() const
{
    return m_ctx.settings->value(key::threads, 0).toInt();
}

void AppearanceController::showSettingsDialog()
{
    SettingsDialog::Values values;
    values.threads = threads();
    values.maxConcurrentRuns = m_ctx.training ? m_ctx.training->maxConcurrent() : 1;
    values.hnsw = m_hnswDefault ? m_hnswDefault()
                                : m_ctx.settings->value(key::searchBackend).toString() == QStringLiteral("hnsw");
    const RemoteRequest remote = loadRemoteRequest(*m_ctx.settings);
    values.embeddingsBaseUrl = remote.settings.baseUrl;
    values.embeddingsModel = remote.settings.model;
    values.chatBaseUrl = m_ctx.settings->value(key::chatBaseUrl).toString();
    values.theme = m_theme;
    values.maxUnzippedGiB =
        m_ctx.settings->value(kMaxUnzippedGiBSetting, int(engine::kDefaultMaxUnzippedBytes >> 30)).toInt();
    auto *dialog = new SettingsDialog(values, widgets::TrainingRunsPanel::kMaxConcurrentLimit, m_ctx.window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { applySettings(dialog->values()); });
    dialog->open();
}

void AppearanceController::applySettings(const SettingsDialog::Values &values)
{
    if (m_ctx.options.saveSettings) {
        m_ctx.settings->setValue(key::threads, values.threads);
        m_ctx.settings->setValue(key::chatBaseUrl, values.chatBaseUrl);
        m_ctx.settings->setValue(kMaxUnzippedGiBSetting, values.maxUnzippedGiB);
    }
    Eigen::setNbThreads(values.threads);
    emit threadsChanged(values.threads);
    emit hnswDefaultChanged(values.hnsw);
    emit maxConcurrentRunsChanged(values.maxConcurrentRuns);
    if (m_ctx.options.saveSettings) {
        RemoteRequest remote = loadRemoteRequest(*m_ctx.settings);
        remote.settings.baseUrl = values.embeddingsBaseUrl;
        remote.settings.model = values.embeddingsModel;
        saveRemoteRequest(*m_ctx.settings, remote);
    }
    setTheme(values.theme);
}

void AppearanceController::setTheme(const QString &theme)
{
    m_theme = themeId(theme);
    if (m_ctx.options.saveSettings)
        m_ctx.settings->setValue(key::theme, m_theme);
    applyTheme(m_theme);
    for (QAction *action : m_themes->actions())
        action->setChecked(action->data().toString() == m_theme);
}

void AppearanceController::applyTheme(const QString &theme)
{
    static const QString systemStyle = QApplication::style()->name();
    static const QPalette systemPalette = QApplication::palette();
    if (theme == QStringLiteral("dark")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
    } else if (theme == QStringLiteral("light")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
    } else {
        QApplication::setStyle(QStyleFactory::create(systemStyle));
        QApplication::setPalette(systemPalette);
    }
}

} // namespace embtune::gui
