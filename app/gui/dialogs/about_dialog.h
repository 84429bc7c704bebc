#pragma once
// Help > About embtune: what it is, and the versions of embtune and of the libraries it runs on
// (Qt at run time and at build time, Eigen, hnswlib, simdjson, SQLite and libzip at run time).

#include <QDialog>
#include <QList>
#include <QPair>

namespace embtune::gui {

class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget *parent = nullptr);
    // (component, version) rows the dialog shows.
    static QList<QPair<QString, QString>> versions();
};

} // namespace embtune::gui
