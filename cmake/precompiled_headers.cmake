# Precompiled headers (option EMBTUNE_PCH): three sets of third-party headers, each compiled once by
# a small owner library (embtune_pch_<set>) and reused (REUSE_FROM) by every target of its kind:
#   engine   the standard library and Eigen: embtune_engine, embtune_workspace, workspace_crash_helper
#            (no Qt, so no -fPIC).
#   qt_core  engine's and QtCore (whole: the tests include <QtTest>, which includes it) and QtNetwork's
#            client classes: embtune_net, embtune-cli, the test support and every test that does not
#            link Qt Widgets.
#   qt_gui   engine's and the QtCore, QtGui, QtWidgets and QtCharts headers used most:
#            embtune_widgets, embtune_gui_lib, embtune and the GUI and widget tests.
# QtTest is not in a set: qtest.h picks QApplication or QCoreApplication from the QT_*_LIB macros of
# the test and Qt6::Test defines QT_TESTCASE_SOURCEDIR per folder; a test parses QtTest's own
# headers, the rest comes from its set.
# GCC uses a precompiled header only where the flags fit: the same -fPIC, -g, -fsanitize and -march,
# every macro defined when it was made defined alike (hence owners that define no more than Qt's
# QT_<MODULE>_LIB of the set), and no macro the headers test defined differently. CMake adds
# -Winvalid-pch, so a misfit is a warning, not a silently slower build.
# A precompiled header also carries the -O level it was made with: a target compiled at -O2 with an
# -O3 header gets -O3 code. So Release stays at -O3 throughout: with GCC 12, -O2 headers made it
# report false -Warray-bounds in inlined std::string code (mafin.cpp, synthetic_set.cpp,
# evaluate_command.cpp), which -O2 without them and -O3 do not; -O2 would have saved about 10% of
# the compile time, the headers save far more.
function(embtune_pch_owners)
  if(NOT EMBTUNE_PCH)
    return()
  endif()
  set(std
    <algorithm> <array> <atomic> <chrono> <cmath> <cstdint> <cstdio> <cstring> <filesystem> <fstream>
    <functional> <limits> <map> <memory> <mutex> <numeric> <optional> <random> <set> <sstream> <string>
    <string_view> <thread> <unordered_map> <unordered_set> <utility> <vector>
    <Eigen/Core>)
  set(source ${CMAKE_BINARY_DIR}/embtune_pch_owner.cpp)
  file(CONFIGURE OUTPUT ${source} CONTENT "// Compiles the precompiled headers of an embtune_pch_<set> library.\n")

  add_library(embtune_pch_engine STATIC EXCLUDE_FROM_ALL ${source})
  target_link_libraries(embtune_pch_engine PRIVATE Eigen3::Eigen)
  target_precompile_headers(embtune_pch_engine PRIVATE ${std})

  if(TARGET Qt6::Core)
    add_library(embtune_pch_qt_core STATIC EXCLUDE_FROM_ALL ${source})
    target_link_libraries(embtune_pch_qt_core PRIVATE Eigen3::Eigen Qt6::Core)
    target_precompile_headers(embtune_pch_qt_core PRIVATE ${std} <QtCore/QtCore>
      <QtNetwork/QNetworkAccessManager> <QtNetwork/QNetworkReply> <QtNetwork/QNetworkRequest>)
  endif()

  if(TARGET Qt6::Widgets AND TARGET Qt6::Charts)
    add_library(embtune_pch_qt_gui STATIC EXCLUDE_FROM_ALL ${source})
    target_link_libraries(embtune_pch_qt_gui PRIVATE Eigen3::Eigen Qt6::Widgets Qt6::Charts)
    target_precompile_headers(embtune_pch_qt_gui PRIVATE ${std}
      <QtCore/QAbstractTableModel> <QtCore/QDateTime> <QtCore/QDebug> <QtCore/QDir> <QtCore/QElapsedTimer>
      <QtCore/QFile> <QtCore/QFileInfo> <QtCore/QFuture> <QtCore/QFutureWatcher> <QtCore/QItemSelectionModel>
      <QtCore/QJsonArray> <QtCore/QJsonDocument> <QtCore/QJsonObject> <QtCore/QLocale> <QtCore/QObject>
      <QtCore/QPointer> <QtCore/QProcess> <QtCore/QRegularExpression> <QtCore/QSettings>
      <QtCore/QSortFilterProxyModel> <QtCore/QString> <QtCore/QStringList> <QtCore/QTemporaryDir>
      <QtCore/QTimer> <QtCore/QUrl> <QtCore/QVariant>
      <QtGui/QAction> <QtGui/QColor> <QtGui/QPainter> <QtGui/QStandardItemModel>
      <QtWidgets/QApplication> <QtWidgets/QCheckBox> <QtWidgets/QComboBox> <QtWidgets/QDialog>
      <QtWidgets/QDialogButtonBox> <QtWidgets/QFileDialog> <QtWidgets/QFormLayout> <QtWidgets/QGroupBox>
      <QtWidgets/QHBoxLayout> <QtWidgets/QHeaderView> <QtWidgets/QLabel> <QtWidgets/QLineEdit>
      <QtWidgets/QMenu> <QtWidgets/QMessageBox> <QtWidgets/QProgressBar> <QtWidgets/QPushButton>
      <QtWidgets/QSpinBox> <QtWidgets/QSplitter> <QtWidgets/QStatusBar> <QtWidgets/QStyle>
      <QtWidgets/QTabWidget> <QtWidgets/QTableView> <QtWidgets/QToolBar> <QtWidgets/QToolButton>
      <QtWidgets/QVBoxLayout> <QtWidgets/QWidget>
      <QtCharts/QChart> <QtCharts/QChartView> <QtCharts/QLegend> <QtCharts/QLineSeries>
      <QtCharts/QScatterSeries> <QtCharts/QValueAxis>)
  endif()
endfunction()

# embtune_pch(TARGET engine|qt_core|qt_gui): TARGET compiles with that set's precompiled header.
function(embtune_pch target set)
  if(NOT EMBTUNE_PCH)
    return()
  endif()
  if(NOT TARGET embtune_pch_${set})
    message(FATAL_ERROR "embtune_pch(${target} ${set}): no such set here (engine, qt_core, qt_gui)")
  endif()
  target_precompile_headers(${target} REUSE_FROM embtune_pch_${set})
endfunction()
