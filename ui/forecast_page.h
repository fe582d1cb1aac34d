#pragma once
// Forecasts of one table or partition: the history, the forecast and its
// 80/95 % bands (Qt Charts), the model and its hold-out MASE, and what the
// pre-backup planner makes of the writes (forecast or EWMA, and why) with the
// checks of the forecasts it was given before. The
// forecast runs in the engine (EngineClient::forecastSeries, on its blocking
// pool), so the GUI thread never touches the database.
#include <QPointF>
#include <QWidget>

#include <memory>

#include "engine_types.h"

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace tidemark::ui {

class EngineClient;

/// What one run produced, ready to draw.
struct ForecastPageResult {
    QString error;
    QString uri, table, partition;
    bool writes = true;
    QList<QPointF> history; ///< x = ms since epoch
    QList<QPointF> mean, lower80, upper80, lower95, upper95;
    QString model;
    double holdoutMase = -1.0; ///< < 0: not measured
    QString note;
    QString plannerBasis; ///< writes of one partition only
    bool keepsMissing = false;
    /// Writes of one partition: the checks of its recorded forecasts.
    int trackedChecks = 0;
    int trackedMisses = 0;
    qint64 lastWindowStartMs = 0, lastWindowEndMs = 0; ///< the newest check's window
    double lastActual = 0.0, lastLower95 = 0.0, lastUpper95 = 0.0;
    bool lastMissed = false;
};

class ForecastPage : public QWidget {
    Q_OBJECT
public:
    explicit ForecastPage(EngineClient *client, QWidget *parent = nullptr);
    ~ForecastPage() override;

    void setConnection(const QString &uri);
    bool hasForecast() const { return m_shown; }
    const ForecastPageResult &lastResult() const { return m_last; }
    QChart *chart() const { return m_chart; }
    QString summaryText() const;
    QString plannerText() const;
    QString trackingText() const;
    void setHorizonHours(int hours);

public Q_SLOTS:
    /// Selects a table and partition (empty partition: the whole table) and forecasts.
    void selectPartition(const QString &table, const QString &partition);
    void runForecast();

Q_SIGNALS:
    void forecastShown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showSnapshot(const ScanSnapshot &snap);
    void fillTables(const ScanSnapshot &snap);
    void fillPartitions();
    void showResult(const ForecastPageResult &r);

    EngineClient *m_client;
    QString m_uri;
    ScanSnapshot m_snapshot;
    bool m_haveSnapshot = false;
    bool m_shown = false;
    bool m_rerun = false;
    QString m_pendingTable, m_pendingPartition; ///< asked for before the partition list arrived
    ForecastPageResult m_last;
    bool m_running = false;
    quint64 m_requestId = 0; ///< the request whose answer is awaited
    QComboBox *m_table;
    QComboBox *m_partition;
    QComboBox *m_metric;
    QSpinBox *m_horizon;
    QPushButton *m_run;
    QLabel *m_summary;
    QLabel *m_planner;
    QLabel *m_tracking;
    QChart *m_chart;
    QChartView *m_view;
};

} // namespace tidemark::ui
