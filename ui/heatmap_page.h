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
    QString errorText() const;
    int scansShown() const { return m_scansShown; }

public Q_SLOTS:
    void scanNow();
    void selectPartition(const QString &table, const QString &partition);
    /// "Copy to node…" / "Move to node…" of the selected partition.
    void copySelectedToNode(bool move);

Q_SIGNALS:
    void partitionSelected(const QString &table, const QString &partition);
    /// The DBA asked for a partition's forecast: double-click or Enter on its
    /// heatmap row or table row, or "Forecast this partition" in their menus.
    void forecastRequested(const QString &table, const QString &partition);
    /// Emitted after every scan is drawn.
    void heatmapUpdated();
    /// A copy or move plan of a partition to a node, stored, to review and approve.
    void reviewPlanRequested(qint64 planId);

private:
    void showSnapshot(const ScanSnapshot &snap);
    void rebuild();
    void updateDetail();
    void updateTimer();
    void showForecastMenu(QWidget *from, const QPoint &globalPos, int row);
    void requestForecast(int row);
    /// Asks for the receiving node, then for the copy (or move) plan of the row's partition.
    void copyToNode(int row, bool move);

    EngineClient *m_client;
    QString m_uri;
    ScanSnapshot m_last;
    bool m_haveSnapshot = false;
    bool m_scanInFlight = false;
    bool m_showsScanError = false; ///< the banner holds a scan's error (the next scan clears it)
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
    QAction *m_copy;
    QAction *m_move;
};

} // namespace tidemark::ui
