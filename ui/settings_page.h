#pragma once
// The connection's planning settings, each with its meaning explained in place.
#include <QWidget>

#include "engine_types.h"

class QDoubleSpinBox;
class QFormLayout;
class QPushButton;
class QSpinBox;

namespace tidemark::ui {

class EngineClient;
class ErrorBanner;

class SettingsPage : public QWidget {
    Q_OBJECT
public:
    explicit SettingsPage(EngineClient *client, QWidget *parent = nullptr);
    void setConnection(const QString &uri);
    /// The settings as currently edited.
    tidemark::ConnectionSettings edited() const;

public Q_SLOTS:
    void save();
    void revert();

private:
    void showSettings(const tidemark::ConnectionSettings &settings);
    void addRow(QFormLayout *form, const QString &label, QWidget *field, const QString &explanation);
    QString validate(const tidemark::ConnectionSettings &s) const;

    EngineClient *m_client;
    QString m_uri;
    tidemark::ConnectionSettings m_loaded;
    ErrorBanner *m_message;
    QDoubleSpinBox *m_high;
    QDoubleSpinBox *m_low;
    QDoubleSpinBox *m_targetMin;
    QDoubleSpinBox *m_targetMax;
    QDoubleSpinBox *m_splitMin;
    QSpinBox *m_sampling;
    QSpinBox *m_halfLife;
    QDoubleSpinBox *m_cooldown;
    QDoubleSpinBox *m_backupInterval;
    QDoubleSpinBox *m_readWeight;
    QPushButton *m_save;
    QPushButton *m_revert;
};

} // namespace tidemark::ui
