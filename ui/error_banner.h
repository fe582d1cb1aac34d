#pragma once
// An error shown in place, where the failed action was: what is wrong and
// what to do, selectable so it can be pasted into a ticket.
#include <QFrame>

class QLabel;

namespace tidemark::ui {

struct EngineError;

class ErrorBanner : public QFrame {
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget *parent = nullptr);
    void showError(const QString &what, const EngineError &error);
    void showMessage(const QString &text, bool isError);
    void clear();
    QString text() const;

private:
    QLabel *m_label;
};

} // namespace tidemark::ui
