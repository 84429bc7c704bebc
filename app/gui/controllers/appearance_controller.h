#pragma once
// AppearanceController owns the application's settings and looks: Edit > Settings (the dialog and
// applying it), the theme (View > Theme), Help > About and the numeric kernels' threads.
//
// Settings of other areas go out as signals the main window connects: the HNSW threads and the
// default search backend (EvaluationController::setSearchSettings), training runs at once
// (TrainingController::setMaxConcurrentRuns). Remote and chat endpoints are QSettings values.

#include "dialogs/settings_dialog.h"
#include "gui_context.h"

#include <QObject>
#include <QString>

#include <functional>

class QAction;
class QActionGroup;
class QMenu;

namespace embtune::gui {

class AppearanceController : public QObject {
    Q_OBJECT
public:
    // Applies the saved theme and threads ("view/theme", "engine/threads").
    explicit AppearanceController(const GuiContext &context, QObject *parent = nullptr);

    QAction *settingsAction() const { return m_settingsAction; } // "actionSettings" (Ctrl+,)
    QMenu *themeMenu() const { return m_themeMenu; }              // View > Theme: "actionTheme_<id>"
    QAction *aboutAction() const { return m_about; }
    QAction *aboutQtAction() const { return m_aboutQt; }

    // Opens the settings dialog ("settingsDialog", non-blocking); applySettings when accepted.
    void showSettingsDialog();
    void applySettings(const SettingsDialog::Values &values);
    // "system", "light" or "dark" (anything else: "system"); persisted.
    void setTheme(const QString &theme);
    QString theme() const { return m_theme; }
    // Threads of the numeric kernels and HNSW builds (0: all cores), as saved.
    int threads() const;

    // What the settings dialog shows as the default search (the EvaluationController's
    // searchSettings().hnsw); unset: the saved "search/backend".
    void setHnswDefaultGetter(std::function<bool()> getter) { m_hnswDefault = std::move(getter); }

signals:
    // Threads for HNSW builds and searches (0: all cores): the EvaluationController's
    // searchSettings().index.threads. Emitted when the settings are applied.
    void threadsChanged(int threads);
    // The default search backend chosen in the settings (searchSettings().hnsw).
    void hnswDefaultChanged(bool hnsw);
    // Training runs at once (TrainingController::setMaxConcurrentRuns).
    void maxConcurrentRunsChanged(int runs);

private:
    void createActions();
    static void applyTheme(const QString &theme);

    GuiContext m_ctx;
    QString m_theme;
    std::function<bool()> m_hnswDefault;
    QAction *m_settingsAction = nullptr;
    QAction *m_about = nullptr;
    QAction *m_aboutQt = nullptr;
    QMenu *m_themeMenu = nullptr;
    QActionGroup *m_themes = nullptr;
};

} // namespace embtune::gui
