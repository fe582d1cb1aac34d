#pragma once
// The volatility heatmap of one table, kept fresh by a periodic scan at the
// connection's sampling interval.
#include <QTimer>
#include <QWidget>

#include "engine_types.h"

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;
class QPushButton;

namespace tidemark::widgets {
class HeatmapLegend;
class VolatilityHeatmap;
} // namespace tidemark::widgets

namespace tidemark::ui {

class EngineClient;
class PartitionTableModel;
class ErrorBanner;

class HeatmapPage : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapPage(EngineClient *client, QWidget *parent = nullptr);
    void setConnection(const QString &uri);
    /// Overrides the connection's sampling interval (0 = use the connection's).
    void setScanIntervalOverride(int seconds);
    tidemark::widgets::VolatilityHeatmap *heatmap() const { return m_heatmap; }
    PartitionTableModel *partitionModel() const { return m_model; }
    tidemark::widgets::HeatmapLegend *legend() const { return m_legend; }
    QString currentTable() const;
    int scansShown() const { return m_scansShown; }

public Q_SLOTS:
    void scanNow();
    void selectPartition(const QString &table, const QString &partition);

Q_SIGNALS:
    void partitionSelected(const QString &table, const QString &partition);
    /// The DBA asked for a partition's forecast: double-click or Enter on its
    /// heatmap row or table row, or "Forecast this partition" in their menus.
    void forecastRequested(const QString &table, const QString &partition);
    /// Emitted after every scan is drawn.
    void heatmapUpdated();

private:
    void showSnapshot(const ScanSnapshot &snap);
    void rebuild();
    void updateDetail();
    void updateTimer();
    void showForecastMenu(QWidget *from, const QPoint &globalPos, int row);
    void requestForecast(int row);

    EngineClient *m_client;
    QString m_uri;
    ScanSnapshot m_last;
    bool m_haveSnapshot = false;
    bool m_scanInFlight = false;
    int m_intervalOverride = 0;
    int m_scansShown = 0;
    QTimer m_timer;
    QComboBox *m_table;
    QCheckBox *m_auto;
    QPushButton *m_scan;
    tidemark::widgets::VolatilityHeatmap *m_heatmap;
    tidemark::widgets::HeatmapLegend *m_legend;
    QLabel *m_detail;
    PartitionTableModel *m_model;
    QTableView *m_view;
    ErrorBanner *m_error;
    QAction *m_forecast;
};

} // namespace tidemark::ui
