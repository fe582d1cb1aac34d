#pragma once
// The window: a page list on the left, the pages, a connection picker and
// every action in menus with shortcuts. It wires pages to each other and to
// EngineClient; the pages do the work.
#include <QMainWindow>

#include "engine_types.h"

class QAction;
class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace tidemark::ui {

class ConnectionsPage;
class DemoWorkload;
class EngineClient;
class ForecastPage;
class HeatmapPage;
class HistoryPage;
class NodesPage;
class OverviewPage;
class PlanReviewPage;
class SegmentsPage;
class SettingsPage;

struct MainWindowOptions {
    QString storePath;
    QString demoPath; ///< open (creating) this demo database
    int demoRows = 0; ///< 0 = the CLI's default
    int demoPartitions = 0;
    bool demoLog = false; ///< the demo is the event-log demo (demo init --log): no orders workload
    int demoLoadSeconds = 3600; ///< 0 = no background workload
    int scanIntervalSeconds = 0; ///< 0 = the connection's sampling interval
    bool offerDemo = true; ///< ask on first start when there is no connection
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Page {
        OverviewIndex,
        HeatmapIndex,
        PlanIndex,
        HistoryIndex,
        SettingsIndex,
        ConnectionsIndex,
        ForecastsIndex,
        SegmentsIndex,
        NodesIndex,
        PageCount
    };

    MainWindow(EngineClient *client, MainWindowOptions options, QWidget *parent = nullptr);
    ~MainWindow() override;

    OverviewPage *overviewPage() const { return m_overview; }
    HeatmapPage *heatmapPage() const { return m_heatmap; }
    PlanReviewPage *planPage() const { return m_plan; }
    HistoryPage *historyPage() const { return m_history; }
    SettingsPage *settingsPage() const { return m_settings; }
    ConnectionsPage *connectionsPage() const { return m_connections; }
    ForecastPage *forecastPage() const { return m_forecasts; }
    SegmentsPage *segmentsPage() const { return m_segments; }
    NodesPage *nodesPage() const { return m_nodes; }
    QString currentConnection() const { return m_uri; }
    void showPage(Page page);
    Page currentPage() const;

public Q_SLOTS:
    void setConnection(const QString &uri);
    void openDemo();

Q_SIGNALS:
    void connectionChanged(const QString &uri);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void onStoreOpened(const QStringList &recovery);
    void onConnections(const QList<tidemark::Connection> &connections);
    void startDemo(const QString &path);
    /// Greys out what the connection's connector cannot do, saying why.
    void applyCapabilities(const QString &uri, const tidemark::ConnectorCapabilities &capabilities);

    EngineClient *m_client;
    MainWindowOptions m_options;
    QString m_uri;
    bool m_demoOffered = false;
    DemoWorkload *m_demo;
    QListWidget *m_nav;
    QStackedWidget *m_stack;
    QComboBox *m_connectionBox;
    QLabel *m_state;
    OverviewPage *m_overview;
    HeatmapPage *m_heatmap;
    PlanReviewPage *m_plan;
    HistoryPage *m_history;
    SettingsPage *m_settings;
    ConnectionsPage *m_connections;
    ForecastPage *m_forecasts;
    SegmentsPage *m_segments;
    NodesPage *m_nodes;
    /// Actions that need split or merge, with their tooltip when enabled.
    QList<QPair<QAction *, QString>> m_repartitionActions;
    /// The Plan menu's actions that follow the plan page's buttons.
    QList<QPair<QAction *, int>> m_planActions;
    bool m_canRepartition = true;
    QString m_whyNotRepartition;
    /// Enables each action by what the connection can do and what the shown plan allows.
    void updateActions();
};

} // namespace tidemark::ui
